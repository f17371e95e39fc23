//! The fleet view in the real binary, in a pseudo-terminal, against the
//! in-process emulator: a `lep login` record with every served workspace
//! (written as `lep login` writes it) fills one row per workspace; Enter
//! switches the dashboard; `:ws ID` works with credentials from the
//! environment alone (no record), through the URL derived from the current
//! one.

mod support;

use support::pty::{App, Emu, TOKEN, bin};

#[test]
fn the_fleet_shows_every_recorded_workspace_and_enter_switches() {
    let emu = Emu::start();
    // The record `Emu` writes lists every served workspace; at least four.
    let served = emu.handle().workspaces();
    assert!(served.len() >= 4, "{served:?}");
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_text("Demo Workspace");
    app.send("w");
    let screen = app.wait_screen("every row filled", |s| {
        s.contains(&format!("Fleet: {} workspaces", served.len()))
            // Names may be cut to the column: their first 12 characters.
            && served
                .iter()
                .all(|w| s.contains(&w.display_name.chars().take(12).collect::<String>()))
            && s.contains("not activated")
            && s.contains("pending")
            && s.contains("paused")
            && !s.contains("waiting")
            // The paused workspace's token for lepdash expires in 3 days: its
            // tokens list may land after its Status, so wait for it too.
            && s.contains("lepdash's token expires in")
    });
    assert!(
        screen.contains("lepdash's token expires in"),
        "the paused workspace's token for lepdash expires in 3 days:\n{screen}"
    );
    // Filter to one workspace and switch to it.
    app.send("/");
    app.type_keys("labs");
    app.send("\r");
    app.wait_text("1 shown");
    app.send("\r");
    app.wait_screen("the dashboard on labs", |s| {
        s.contains("Research Labs (labs)") && !s.contains("Fleet:")
    });
    // `:ws` alone opens the fleet again, now with labs as the current row.
    app.send(":");
    app.type_keys("ws");
    app.send("\r");
    app.wait_text("Fleet:");
    // Esc alone (a key right after it would read as Alt+key).
    app.send("\x1b");
    app.wait_screen("the fleet closed", |s| !s.contains("Fleet:"));
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn ws_id_works_with_environment_credentials_alone() {
    let emu = Emu::start();
    let empty = tempfile::tempdir().unwrap();
    let base = emu.base("demo");
    let cache = empty.path().to_string_lossy().to_string();
    let env = [
        ("LEPTON_WORKSPACE_ID", "demo"),
        ("LEPTON_WORKSPACE_TOKEN", TOKEN),
        ("LEPTON_WORKSPACE_URL", base.as_str()),
        // No login record at all.
        ("LEPTON_CACHE_DIR", cache.as_str()),
    ];
    let mut app = App::spawn(&bin(), &emu, &[], &env);
    app.wait_text("Demo Workspace");
    app.send(":");
    app.type_keys("ws early");
    app.send("\r");
    let s = app.wait_screen("early with its activation banner", |s| {
        let l = s.to_lowercase();
        s.contains("(early)") && l.contains("not activated")
    });
    assert!(!s.contains("no workspace `early`"), "{s}");
    // The fleet now knows both.
    app.send("w");
    app.wait_screen("two rows", |s| {
        s.contains("Fleet: 2 workspaces") && s.contains("demo") && s.contains("early")
    });
    // Esc alone (a key right after it would read as Alt+key).
    app.send("\x1b");
    app.wait_screen("the fleet closed", |s| !s.contains("Fleet:"));
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}
