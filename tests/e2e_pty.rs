//! The real binary in a pseudo-terminal against the in-process emulator:
//! it starts, every pane shows the seeded data, `/` narrows a list, `:ws
//! early` shows the activation banner, and `q` leaves a clean terminal.

mod support;

use support::pty::{App, Emu, bin};

/// What the seed holds, read over the API: one list of names per pane.
struct Seed {
    status: Vec<String>,
    members: Vec<String>,
    tokens: Vec<String>,
    secrets: Vec<String>,
    registries: Vec<String>,
    templates: Vec<String>,
}

fn seed(emu: &Emu) -> Seed {
    let c = emu.client("demo");
    emu.block_on(async {
        let info = c.workspace().await.unwrap();
        Seed {
            status: vec![info.workspace_tier.clone()],
            members: c
                .members()
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|m| m.email.to_string())
                .collect(),
            tokens: c
                .tokens()
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|t| t.name.to_string())
                .collect(),
            secrets: c
                .secrets()
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|s| s.name.to_string())
                .collect(),
            registries: c
                .registries()
                .await
                .unwrap()
                .items
                .iter()
                .map(|r| r.name().to_string())
                .collect(),
            templates: c
                .templates(lepdash::api::types::TemplateNs::Public)
                .await
                .unwrap()
                .items
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
        }
    })
}

/// Wait until the pane titled `title` is shown with at least one of `names`.
fn wait_pane(app: &App, title: &str, names: &[String]) -> String {
    assert!(!names.is_empty(), "the seed has {title}");
    let frame_title = format!("╭ {title}");
    app.wait_screen(&format!("the {title} pane with a row of {names:?}"), |s| {
        s.contains(&frame_title)
            && names
                .iter()
                .any(|n| !n.is_empty() && s.contains(n.as_str()))
    })
}

/// `needle`'s characters appear in `hay` in order (what a fuzzy filter keeps).
fn subsequence(needle: &str, hay: &str) -> bool {
    let mut it = hay.chars().flat_map(char::to_lowercase);
    needle
        .chars()
        .flat_map(char::to_lowercase)
        .all(|c| it.any(|h| h == c))
}

#[test]
fn all_six_panes_show_the_seed_then_q_exits_cleanly() {
    let emu = Emu::start();
    let seed = seed(&emu);
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_text("demo");
    for (key, title, names) in [
        ("2", "Members", &seed.members),
        ("3", "Tokens", &seed.tokens),
        ("4", "Secrets", &seed.secrets),
        ("5", "Registries", &seed.registries),
        ("6", "Templates", &seed.templates),
        ("1", "Status", &seed.status),
    ] {
        app.send(key);
        wait_pane(&app, title, names);
    }
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn slash_filter_narrows_the_secret_list() {
    let emu = Emu::start();
    let seed = seed(&emu);
    // A secret to look for, and one the filter must hide.
    let (keep, hide) = seed
        .secrets
        .iter()
        .flat_map(|a| seed.secrets.iter().map(move |b| (a, b)))
        .find(|(a, b)| a != b && !subsequence(a, b))
        .expect("the seed has two secrets with different names");
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_text("demo");
    app.send("4");
    app.wait_screen("both secrets listed", |s| {
        s.contains(keep.as_str()) && s.contains(hide.as_str())
    });
    app.send("/");
    app.type_keys(keep);
    app.wait_screen(&format!("{hide} filtered out"), |s| {
        s.contains(keep.as_str()) && !s.contains(hide.as_str())
    });
    // Esc clears the filter.
    app.send("\x1b");
    app.send("\x1b");
    app.wait_screen("both secrets again", |s| {
        s.contains(keep.as_str()) && s.contains(hide.as_str())
    });
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn switching_to_the_early_workspace_shows_the_activation_banner() {
    let emu = Emu::start();
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_text("demo");
    let before = app.screen().to_lowercase();
    assert!(
        !before.contains("not yet activated") && !before.contains("not activated"),
        "no banner on the active workspace:\n{before}"
    );
    app.send(":");
    app.type_keys("ws early");
    app.send("\r");
    app.wait_screen("the activation banner", |s| {
        let s = s.to_lowercase();
        s.contains("early") && (s.contains("not yet activated") || s.contains("not activated"))
    });
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

/// Issue 13 item 18: `/` inside a template's details finds text, `n` goes
/// to the next match, Esc clears the search and a second Esc closes.
#[test]
fn slash_in_details_finds_text_and_n_moves_on() {
    let emu = Emu::start();
    let seed = seed(&emu);
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_text("demo");
    app.send("6");
    wait_pane(&app, "Templates", &seed.templates);
    app.send("\r");
    app.wait_text("╭ Template");
    // Every template's details have `Created` and `Created by`.
    app.send("/");
    app.type_keys("created");
    app.wait_screen("the first match", |s| s.contains("match 1/"));
    app.send("\r");
    app.send("n");
    app.wait_screen("the second match", |s| s.contains("match 2/"));
    app.send("\x1b");
    app.wait_screen("the search cleared", |s| {
        s.contains("╭ Template") && !s.contains("match 2/")
    });
    app.send("\x1b");
    wait_pane(&app, "Templates", &seed.templates);
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}
