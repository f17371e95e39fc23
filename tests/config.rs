//! Settings file: defaults, warnings instead of failures, NO_COLOR, key overrides.

use std::path::Path;
use std::time::Duration;

use lepdash::cli::Global;
use lepdash::config::{Config, DEFAULT_CONFIG_TOML, LoadedConfig, ThemeName, load, parse};

fn no_env(_: &str) -> Option<String> {
    None
}

fn load_text(text: &str) -> (LoadedConfig, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("config.toml");
    std::fs::write(&p, text).unwrap();
    (load(Some(&p), &no_env), dir)
}

#[test]
fn defaults_equal_the_documented_assets_file() {
    let (c, warnings) = parse(DEFAULT_CONFIG_TOML, "assets/config.toml");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c, Config::default());
    let d = Config::default();
    assert_eq!(d.interval, Duration::from_secs(5));
    assert_eq!(d.hidden_interval, Duration::from_secs(60));
    assert!(!d.mouse);
    assert_eq!(d.theme, ThemeName::Dark);
    assert!(d.keys.is_empty());
}

#[test]
fn every_key_in_the_assets_file_is_commented() {
    // Each setting line is preceded by a comment line.
    let lines: Vec<&str> = DEFAULT_CONFIG_TOML.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        assert!(
            i > 0 && lines[i - 1].trim().starts_with('#'),
            "line {} has no comment above: {t}",
            i + 1
        );
    }
}

#[test]
fn values_are_read() {
    let (l, _d) = load_text(
        "interval = \"2s\"\nhidden_interval = \"2m\"\ntheme = \"Light\"\nmouse = true\nascii_borders = true\nread_only = true\nconnect_timeout = \"750ms\"\nrequest_timeout = 10\n",
    );
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let c = l.config;
    assert_eq!(c.interval, Duration::from_secs(2));
    assert_eq!(c.hidden_interval, Duration::from_secs(120));
    assert_eq!(c.theme, ThemeName::Light);
    assert!(c.mouse && c.ascii_borders && c.read_only);
    assert_eq!(c.connect_timeout, Duration::from_millis(750));
    assert_eq!(c.request_timeout, Duration::from_secs(10));
}

#[test]
fn bad_toml_warns_with_file_and_line_and_keeps_defaults() {
    let (l, _d) = load_text("interval = \"2s\"\n\ntheme = = dark\nmouse = true\n");
    assert!(!l.warnings.is_empty());
    let path = l.path.clone().unwrap().display().to_string();
    let w = l.warnings.join("\n");
    assert!(w.contains(&format!("{path}:3:")), "{w}");
    assert!(w.contains("invalid TOML"), "{w}");
    // The good parts are still used; the bad one keeps its default.
    assert_eq!(l.config.interval, Duration::from_secs(2));
    assert_eq!(l.config.theme, ThemeName::Dark);
}

#[test]
fn garbage_file_gives_defaults() {
    let (l, _d) = load_text("\u{0}\u{1}[[[ not toml at all");
    assert!(!l.warnings.is_empty());
    assert_eq!(l.config, Config::default());
}

#[test]
fn bad_field_value_warns_and_defaults_that_field_only() {
    let (l, _d) = load_text(
        "interval = \"fast\"\ntheme = \"purple\"\nmouse = \"yes\"\nread_only = true\nrequest_timeout = \"0s\"\n",
    );
    let c = &l.config;
    assert_eq!(c.interval, Duration::from_secs(5));
    assert_eq!(c.theme, ThemeName::Dark);
    assert!(!c.mouse);
    assert!(c.read_only);
    assert_eq!(c.request_timeout, Config::default().request_timeout);
    assert_eq!(l.warnings.len(), 4, "{:?}", l.warnings);
    assert!(
        l.warnings[0].contains(":1: key `interval`"),
        "{:?}",
        l.warnings
    );
    assert!(
        l.warnings[1].contains(":2: key `theme`"),
        "{:?}",
        l.warnings
    );
    assert!(
        l.warnings[2].contains(":3: key `mouse`"),
        "{:?}",
        l.warnings
    );
    assert!(
        l.warnings[3].contains(":5: key `request_timeout`"),
        "{:?}",
        l.warnings
    );
}

#[test]
fn interval_floor_and_hidden_interval_order() {
    let (l, _d) = load_text("interval = \"200ms\"\nhidden_interval = \"500ms\"\n");
    assert_eq!(l.config.interval, Duration::from_secs(1));
    assert_eq!(l.config.hidden_interval, Duration::from_secs(1));
    assert_eq!(l.warnings.len(), 2, "{:?}", l.warnings);
    assert!(l.warnings[0].contains("floor"));
}

#[test]
fn unknown_keys_warn() {
    let (l, _d) = load_text("intervall = \"3s\"\n[colors]\nx = 1\n");
    assert_eq!(l.config, Config::default());
    let w = l.warnings.join("\n");
    assert!(w.contains(":1: unknown key `intervall`"), "{w}");
    assert!(w.contains(":2: unknown key `colors`"), "{w}");
}

#[test]
fn key_overrides_are_kept() {
    let (l, _d) = load_text(
        "[keys]\nquit = [\"q\", \"ctrl-c\"]\ndown = \"ctrl-n\"\nhelp = [\"?\", \"ctl-h\", 3]\nbroken = 5\n",
    );
    let k = &l.config.keys;
    assert_eq!(k["quit"], ["q", "ctrl-c"]);
    assert_eq!(k["down"], ["ctrl-n"]);
    assert_eq!(k["help"], ["?"]);
    assert!(!k.contains_key("broken"));
    let w = l.warnings.join("\n");
    assert!(w.contains(":4: key `keys.help`: \"ctl-h\""), "{w}");
    assert!(w.contains("key `keys.broken`"), "{w}");
    assert_eq!(l.warnings.len(), 3, "{w}");
}

#[test]
fn no_color_forces_mono() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(&p, "theme = \"light\"\n").unwrap();
    let env = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
    assert_eq!(load(Some(&p), &env).config.theme, ThemeName::Mono);
    // An empty NO_COLOR does not count.
    let env = |k: &str| (k == "NO_COLOR").then(String::new);
    assert_eq!(load(Some(&p), &env).config.theme, ThemeName::Light);
}

#[test]
fn missing_explicit_file_is_a_warning() {
    let l = load(Some(Path::new("/nonexistent/lepdash/x.toml")), &no_env);
    assert_eq!(l.config, Config::default());
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("/nonexistent/lepdash/x.toml"));
    assert!(l.warnings[0].contains("not found"));
}

#[test]
fn flags_override_settings() {
    let mut c = Config::default();
    let g = Global {
        interval: Some(Duration::from_millis(100)),
        read_only: true,
        ..Default::default()
    };
    c.apply_flags(&g);
    assert_eq!(c.interval, Duration::from_secs(1));
    assert!(c.read_only);
    let mut c = Config::default();
    c.apply_flags(&Global {
        interval: Some(Duration::from_secs(120)),
        ..Default::default()
    });
    assert_eq!(c.hidden_interval, Duration::from_secs(120));
}

#[test]
fn the_dialog_actions_the_assets_file_names_exist_and_rebind() {
    use lepdash::app::keymap::{Action, BINDINGS, Keymap};
    for name in [
        "confirm",
        "cancel",
        "next_field",
        "prev_field",
        "submit",
        "reveal",
        "copy",
    ] {
        assert!(
            BINDINGS.iter().any(|b| b.name == name),
            "{name} is an action"
        );
        assert!(DEFAULT_CONFIG_TOML.contains(name), "{name} is documented");
    }
    // The file's example loads and rebinds without a warning.
    let (l, _d) = load_text("[keys]\nreveal = [\"v\", \"ctrl-r\"]\ncancel = \"ctrl-g\"\n");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let (km, warnings) = Keymap::new(&l.config.keys);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(km.keys_text(Action::Reveal), "v/Ctrl-R");
    assert_eq!(km.keys_text(Action::Cancel), "Ctrl-G");
    assert_eq!(
        km.keys_text(Action::Back),
        "Esc",
        "a dialog key leaves the panes' Esc"
    );
}

/// Issue 13: warnings come out in line order.
#[test]
fn warnings_are_in_line_order() {
    let text = "theme = \"plaid\"\nmouse = 3\ninterval = \"0.1s\"\n[keys]\nnope = [\"z\"]\n";
    let (_, warnings) = lepdash::config::parse(text, "c.toml");
    let lines: Vec<usize> = warnings
        .iter()
        .filter_map(|w| w.split(':').nth(1)?.parse().ok())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert!(lines.len() >= 3, "{warnings:?}");
    assert_eq!(lines, sorted, "{warnings:?}");
}
