//! End to end: the real `lepdash` binary against the in-process emulator on
//! 127.0.0.1 (random port), credentials from LEPTON_WORKSPACE_URL/TOKEN.

use std::process::{Command, Output};

use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use secrecy::ExposeSecret;

const KINDS: [&str; 6] = [
    "status",
    "members",
    "tokens",
    "secrets",
    "registries",
    "templates",
];

struct Emu {
    handle: Option<EmulatorHandle>,
    // Declared last: dropped after the handle, so the server shuts down
    // inside its runtime.
    rt: tokio::runtime::Runtime,
    home: tempfile::TempDir,
}

impl Emu {
    fn start() -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt
            .block_on(start(EmulatorOptions {
                demo_activity: false,
                ..Default::default()
            }))
            .unwrap();
        assert!(
            handle.origin().starts_with("http://127.0.0.1:"),
            "{}",
            handle.origin()
        );
        Emu {
            handle: Some(handle),
            rt,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn handle(&self) -> &EmulatorHandle {
        self.handle.as_ref().unwrap()
    }

    fn token(&self) -> String {
        self.handle().admin_token().expose_secret().to_string()
    }

    /// The base URL of the seeded workspace that is active (the demo one).
    fn base_url(&self) -> String {
        let ws = self.handle().workspaces();
        ws.iter()
            .find(|w| w.id == "demo")
            .or_else(|| ws.first())
            .expect("the emulator serves at least one workspace")
            .base_url
            .clone()
    }

    fn run(&self, url: &str, token: &str, args: &[&str]) -> Output {
        run_lepdash(self.home.path(), url, token, args)
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        let handle = self.handle.take();
        let _guard = self.rt.enter();
        drop(handle);
    }
}

/// Run the binary with a clean environment: only our credentials, a private
/// HOME (no login record, no settings file) and a log dir.
fn run_lepdash(home: &std::path::Path, url: &str, token: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lepdash"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("LEPTON_CACHE_DIR", home.join("lepton"))
        .env("LEPDASH_LOG_DIR", home.join("log"))
        .env("LEPTON_WORKSPACE_URL", url)
        .env("LEPTON_WORKSPACE_TOKEN", token)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn assert_no_token(o: &Output, token: &str) {
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(!all.contains(token), "the token was printed:\n{all}");
}

#[test]
fn secrets_json_lists_the_seeded_secrets_without_values() {
    let emu = Emu::start();
    let o = emu.run(
        &emu.base_url(),
        &emu.token(),
        &["get", "secrets", "-o", "json"],
    );
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert_no_token(&o, &emu.token());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "secrets");
    assert_eq!(v["workspace"], "demo");
    assert_eq!(v["skipped"], 0);
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().any(|s| s["name"] == "HF_TOKEN"), "{items:?}");
    for s in items {
        assert!(s.get("value").is_none(), "a secret value was printed: {s}");
        assert!(s["name"].is_string());
    }
}

#[test]
fn every_kind_works_as_table_and_json() {
    let emu = Emu::start();
    let url = emu.base_url();
    let token = emu.token();
    for kind in KINDS {
        let o = emu.run(&url, &token, &["get", kind, "-o", "json"]);
        assert!(
            o.status.success(),
            "get {kind} -o json: {}",
            text(&o.stderr)
        );
        assert_no_token(&o, &token);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!("get {kind} -o json is not JSON ({e}): {}", text(&o.stdout))
        });
        assert_eq!(v["kind"], kind);
        assert_eq!(v["base_url"], url.trim_end_matches('/'));
        if kind == "status" {
            assert_eq!(v["status"]["workspace_name"], "demo");
            assert!(v["resolver"]["display_name"].is_string(), "{v}");
        } else {
            assert!(v["items"].is_array(), "{kind}: {v}");
            assert!(
                !v["items"].as_array().unwrap().is_empty(),
                "{kind}: the demo workspace has seeded {kind}"
            );
        }
        if kind == "templates" {
            let items = v["items"].as_array().unwrap();
            let ns: Vec<&str> = items
                .iter()
                .map(|t| t["namespace"].as_str().unwrap())
                .collect();
            let first_private = ns.iter().position(|n| *n == "private").unwrap_or(ns.len());
            assert!(
                ns[first_private..].iter().all(|n| *n == "private"),
                "{ns:?}"
            );
        }
        if kind == "registries" {
            assert!(!text(&o.stdout).contains("password"), "{}", text(&o.stdout));
        }

        let o = emu.run(&url, &token, &["get", kind]);
        assert!(o.status.success(), "get {kind}: {}", text(&o.stderr));
        assert_no_token(&o, &token);
        let out = text(&o.stdout);
        assert!(out.lines().count() >= 2, "get {kind}:\n{out}");
        // Into a pipe, values are whole (issue 13): nothing is cut.
        assert!(
            !out.contains('…'),
            "get {kind}: a cut value in a pipe:\n{out}"
        );
        assert!(
            text(&o.stderr).is_empty(),
            "get {kind}: {}",
            text(&o.stderr)
        );
    }
}

/// `-o wide` adds the remaining columns; the default table keeps the ones
/// that matter.
#[test]
fn wide_output_has_every_column() {
    let emu = Emu::start();
    let (url, token) = (emu.base_url(), emu.token());
    for (kind, extra) in [
        ("members", "INVITED BY"),
        ("tokens", "SCOPES"),
        ("registries", "PROVIDER"),
        ("templates", "STATE"),
    ] {
        let table = text(&emu.run(&url, &token, &["get", kind]).stdout);
        let wide = emu.run(&url, &token, &["get", kind, "-o", "wide"]);
        assert!(wide.status.success(), "{}", text(&wide.stderr));
        let wide = text(&wide.stdout);
        let header = |t: &str| t.lines().next().unwrap_or_default().to_string();
        assert!(header(&wide).contains(extra), "{kind}: {wide}");
        assert!(!header(&table).contains(extra), "{kind}: {table}");
        assert_eq!(wide.lines().count(), table.lines().count(), "{kind}");
        assert!(!wide.contains('…'), "{kind}: {wide}");
    }
}

#[test]
fn status_table_shows_the_workspace() {
    let emu = Emu::start();
    let o = emu.run(&emu.base_url(), &emu.token(), &["get", "status"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Demo Workspace (demo)"), "{out}");
    assert!(
        out.contains("activation:") && out.contains("active"),
        "{out}"
    );
    assert!(out.contains("enterprise"), "{out}");
}

#[test]
fn wrong_token_fails_with_one_clear_line() {
    let emu = Emu::start();
    let bad = "nvapi-wrong-token-0123456789";
    for args in [
        &["get", "secrets"][..],
        &["get", "status", "-o", "json"][..],
    ] {
        let o = emu.run(&emu.base_url(), bad, args);
        assert!(!o.status.success());
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("lepdash: "), "{err}");
        assert!(err.contains("401"), "{err}");
        assert!(err.contains("lep login -c ID:TOKEN"), "{err}");
        assert_no_token(&o, bad);
        assert_no_token(&o, &emu.token());
    }
}

#[test]
fn emulator_down_fails_with_one_clear_line() {
    // A port that nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/api/v2/workspaces/demo");
    let token = "nvapi-some-token-for-a-dead-server";
    let o = run_lepdash(home.path(), &url, token, &["get", "secrets"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("lepdash: cannot connect"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert_no_token(&o, token);
}

#[test]
fn no_credentials_fails_with_one_line_naming_the_sources() {
    let home = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lepdash"))
        .args(["get", "status"])
        .env_clear()
        .env("HOME", home.path())
        .env("LEPDASH_LOG_DIR", home.path().join("log"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("workspace_info.yaml"), "{err}");
    assert!(err.contains("LEPTON_WORKSPACE_TOKEN"), "{err}");
    assert!(err.contains("lepdash demo"), "{err}");
}

#[test]
fn info_masks_the_token() {
    let emu = Emu::start();
    let token = emu.token();
    let o = emu.run(&emu.base_url(), &token, &["info"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_no_token(&o, &token);
    let out = text(&o.stdout);
    assert!(out.contains("environment"), "{out}");
    assert!(out.contains(&emu.base_url()), "{out}");
    assert!(out.contains("****"), "{out}");
    assert!(out.contains("log file:"), "{out}");
}

/// Issue 13: `info` shows the effective settings with their source, and an
/// `--interval` below the floor is a warning, not a silent clamp.
#[test]
fn info_shows_flags_and_their_source() {
    let emu = Emu::start();
    let token = emu.token();
    let plain = text(&emu.run(&emu.base_url(), &token, &["info"]).stdout);
    assert!(
        plain.contains("interval:") && plain.contains("5s (default)"),
        "{plain}"
    );
    assert!(plain.contains("no (default)"), "{plain}");
    let o = emu.run(
        &emu.base_url(),
        &token,
        &["--read-only", "--interval", "2s", "info"],
    );
    let out = text(&o.stdout);
    assert!(out.contains("2s (--interval)"), "{out}");
    assert!(out.contains("yes (--read-only)"), "{out}");
    assert!(!out.contains("warnings:"), "{out}");
    let o = emu.run(&emu.base_url(), &token, &["--interval", "200ms", "info"]);
    let out = text(&o.stdout);
    assert!(out.contains("1s (--interval)"), "{out}");
    assert!(out.contains("below the 1s floor"), "{out}");
}

/// `--version` names the commit; completions for every shell and the man
/// page are printed.
#[test]
fn version_completions_and_man_page() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| run_lepdash(home.path(), "http://127.0.0.1:1/", "t", args);
    let v = text(&run(&["--version"]).stdout);
    assert!(v.starts_with("lepdash ") && v.contains("(commit "), "{v}");
    let info = text(&run(&["info"]).stdout);
    let version = v.trim().trim_start_matches("lepdash ");
    assert!(info.contains(version), "info and --version differ: {info}");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        assert!(
            script.contains("lepdash") && script.contains("read-only"),
            "{shell}"
        );
    }
    let man = run(&["man"]);
    assert!(man.status.success());
    let page = text(&man.stdout);
    assert!(
        page.contains(".TH lepdash") && page.contains("completions"),
        "{page}"
    );
}

/// Issue 13: a key taken from another action is a warning in `info`
/// naming both actions.
#[test]
fn info_warns_about_a_key_taken_from_another_action() {
    let emu = Emu::start();
    let cfg = emu.home.path().join("keys.toml");
    std::fs::write(&cfg, "[keys]\nrefresh = [\"j\"]\n").unwrap();
    let o = emu.run(
        &emu.base_url(),
        &emu.token(),
        &["--config", cfg.to_str().unwrap(), "info"],
    );
    let out = text(&o.stdout);
    assert!(
        out.contains("was the key of `down`") && out.contains("`refresh`"),
        "{out}"
    );
}
