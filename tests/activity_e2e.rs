//! End to end in a PTY (issue 10): with the dashboard on Status, secrets,
//! members and tokens change through the emulator's API; the tab counts
//! carry the unseen changes, the pane marks the rows when visited, the
//! activity view lists them; after a restart with more changes in between,
//! the "while lepdash was not running" events are there — for the other
//! workspaces of the fleet too.

mod support;

use std::time::Duration;

use lepdash::api::types::{CreateTokenRequest, Role, SecretWrite};
use secrecy::SecretString;
use support::pty::{App, Emu, bin};

fn press(app: &mut App, key: &str) {
    app.send(key);
    std::thread::sleep(Duration::from_millis(60));
}

/// The tab line (the second row).
fn tabs(screen: &str) -> String {
    screen.lines().nth(1).unwrap_or_default().to_string()
}

/// Every pane polled each second, so hidden panes change while out of sight.
fn fast_polls(emu: &Emu) {
    let cfg = emu.home().join("config/config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "interval = \"1s\"\nhidden_interval = \"1s\"\n").unwrap();
}

fn put_secret(emu: &Emu, name: &str) {
    put_secret_in(emu, "demo", name);
}

fn put_secret_in(emu: &Emu, ws: &str, name: &str) {
    let admin = emu.client(ws);
    emu.block_on(admin.put_secrets(&[SecretWrite {
        name: name.into(),
        value: SecretString::from("e2e-activity-value".to_string()),
        visibility: None,
        tags: vec![],
    }]))
    .unwrap();
}

#[test]
fn changes_show_as_tab_counts_markers_activity_and_while_away() {
    let emu = Emu::start();
    fast_polls(&emu);
    let admin = emu.client("demo");
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    // Everything loaded once (tab counts on the hidden panes).
    app.wait_screen("counts on every list tab", |s| {
        let t = tabs(s);
        ["Members ", "Tokens ", "Secrets "].iter().all(|name| {
            t.split(name)
                .nth(1)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
    });

    // Changes out of sight: a secret, a member's role, a token.
    put_secret(&emu, "E2E_NEW_SECRET");
    let members = emu.block_on(admin.members()).unwrap().items;
    let viewer = members
        .iter()
        .find(|m| m.role == Role::Viewer)
        .expect("a viewer in the seed");
    emu.block_on(admin.change_member_role(&viewer.id, Role::User))
        .unwrap();
    emu.block_on(admin.create_token(&CreateTokenRequest {
        name: "e2e-activity-token".into(),
        scopes: vec![],
        expires_in: 30 * 86_400,
    }))
    .unwrap();
    let screen = app.wait_screen("+1 on the members, tokens and secrets tabs", |s| {
        tabs(s).matches(" +1").count() >= 3
    });
    assert!(screen.contains("╭ Status"), "still on Status:\n{screen}");

    // Visiting the pane: the row is marked, with words in the title.
    press(&mut app, "4");
    app.wait_screen("the new secret marked", |s| {
        s.contains("+E2E_NEW_SECRET") && s.contains("+1 new")
    });
    press(&mut app, "2");
    app.wait_screen("the changed member marked", |s| {
        s.contains(&format!("*{}", viewer.email)) || s.contains("*1 changed")
    });

    // The activity view lists all three.
    press(&mut app, "a");
    let screen = app.wait_screen("the activity rows", |s| {
        s.contains("╭ Activity")
            && s.contains("E2E_NEW_SECRET")
            && s.contains("e2e-activity-token")
            && s.contains("viewer → user")
    });
    assert!(screen.contains("added"), "{screen}");
    press(&mut app, "q");
    app.wait_exit_ok();
    drop(app);

    // While lepdash is not running: one secret goes, another comes.
    emu.block_on(admin.delete_secret("E2E_NEW_SECRET")).unwrap();
    put_secret(&emu, "E2E_AWAY_SECRET");

    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_screen("the while-away summary in the header", |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains("while lepdash was not running"))
    });
    press(&mut app, "a");
    let screen = app.wait_screen("the while-away events", |s| {
        s.contains("E2E_AWAY_SECRET") && s.contains("[while away]")
    });
    assert!(screen.contains("removed"), "{screen}");
    // The earlier live events survived the restart (the activity file).
    assert!(screen.contains("e2e-activity-token"), "{screen}");
    press(&mut app, "q");
    app.wait_exit_ok();
}

#[test]
fn another_workspace_changed_while_lepdash_was_closed_is_a_while_away_event() {
    let emu = Emu::start();
    let home = emu.home();
    let state = home.join("state");
    let filled = home.join("fleet-filled.txt");
    let (state_s, filled_s) = (
        state.to_string_lossy().to_string(),
        filled.to_string_lossy().to_string(),
    );
    let env = [
        ("LEPDASH_STATE_DIR", state_s.as_str()),
        // Written once every fleet row has its Status and lists.
        ("LEPDASH_BENCH_FLEET_FILLED", filled_s.as_str()),
    ];
    let mut app = App::spawn(&bin(), &emu, &[], &env);
    app.wait_text("Demo Workspace");
    let started = std::time::Instant::now();
    while !filled.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the fleet never filled:\n{}",
            app.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    press(&mut app, "q");
    app.wait_exit_ok();
    drop(app);
    // On exit, the fleet's snapshot of labs (not on screen) was saved.
    let saved = std::fs::read_to_string(state.join("snapshots/labs.json")).unwrap();
    assert!(saved.contains("\"secrets\""), "{saved}");

    // While lepdash is not running, labs gets a secret.
    put_secret_in(&emu, "labs", "E2E_LABS_AWAY");

    let mut app = App::spawn(&bin(), &emu, &[], &env);
    app.wait_screen("the while-away summary in the header", |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains("while lepdash was not running"))
    });
    press(&mut app, "a");
    let screen = app.wait_screen("labs's while-away event", |s| {
        s.lines().any(|l| {
            l.contains("E2E_LABS_AWAY") && l.contains("labs") && l.contains("[while away]")
        })
    });
    assert!(screen.contains("added"), "{screen}");
    press(&mut app, "q");
    app.wait_exit_ok();
}
