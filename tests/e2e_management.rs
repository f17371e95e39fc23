//! Keyboard-driven management end to end: the real binary in a
//! pseudo-terminal against the in-process emulator. Each change is made with
//! the keys a person would press and then checked over the emulator's HTTP
//! API with `lepdash::api::Client`, not only on the screen. Canary values
//! typed into masked fields must never reach the terminal output, the log
//! files or a snapshot; a new token's value may be on screen only while it
//! is explicitly revealed.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use lepdash::api::types::{MemberStatus, Role, Visibility};
use lepdash::api::{ApiError, Client, ClientConfig};
use secrecy::SecretString;
use support::pty::{App, Emu, TOKEN, bin, find};

const SECRET_V1: &str = "e2e-canary-secret-value-one-3f9a";
const SECRET_V2: &str = "e2e-canary-secret-value-two-81bd";
const REGISTRY_PASSWORD: &str = "e2e-canary-registry-password-c2d4";
/// Every value that must never be written anywhere.
const CANARIES: [&str; 3] = [SECRET_V1, SECRET_V2, REGISTRY_PASSWORD];

const ENTER: &str = "\r";
const TAB: &str = "\t";
const ESC: &str = "\x1b";
const RIGHT: &str = "\x1b[C";
const LEFT: &str = "\x1b[D";

/// The dashboard on workspace `demo`, credentials from the environment
/// (`LEPTON_WORKSPACE_URL` + `LEPTON_WORKSPACE_TOKEN`).
fn start(emu: &Emu) -> App {
    let url = emu.base("demo");
    let app = App::spawn(
        &bin(),
        emu,
        &[],
        &[
            ("LEPTON_WORKSPACE_URL", url.as_str()),
            ("LEPTON_WORKSPACE_TOKEN", TOKEN),
        ],
    );
    app.wait_text("demo");
    app
}

fn client(emu: &Emu) -> Client {
    emu.client("demo")
}

/// Bracketed paste, as a terminal sends it.
fn paste(app: &mut App, text: &str) {
    app.send(&format!("\x1b[200~{text}\x1b[201~"));
}

/// Type slowly enough for a debug build on a busy machine.
fn keys(app: &mut App, text: &str) {
    app.type_keys(text);
}

/// Send one special key and give the dashboard a moment (a lone Esc is
/// only an Esc once nothing follows it).
fn press(app: &mut App, key: &str) {
    app.send(key);
    std::thread::sleep(Duration::from_millis(60));
}

/// Show pane `n` and wait for its frame title.
fn pane(app: &mut App, n: &str, title: &str) {
    press(app, n);
    app.wait_text(&format!("╭ {title}"));
}

/// Select the row matching `text` with the `/` filter.
fn select(app: &mut App, text: &str) {
    press(app, "/");
    press(app, ESC);
    press(app, "/");
    keys(app, text);
    press(app, ENTER);
    app.wait_text(&format!("/{text}"));
}

/// Wait until `f` holds for what the API says; panics with the screen.
fn wait_api<T>(app: &App, emu: &Emu, what: &str, f: impl Fn(&Client) -> Option<T>) -> T {
    let c = client(emu);
    let deadline = Instant::now() + support::pty::WAIT;
    loop {
        if let Some(v) = f(&c) {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the API to show {what}; screen:\n{}",
            app.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Quit and check that no canary (nor `extra`) reached the log files, and
/// that the masked canaries never reached the terminal (not even base64
/// encoded, as a copy would send them).
fn quit_and_check_canaries(mut app: App, emu: &Emu, extra: &[&str]) {
    press(&mut app, "q");
    app.wait_exit_ok();
    let raw = app.raw();
    for c in CANARIES {
        assert!(
            find(&raw, c.as_bytes()).is_none(),
            "{c} reached the terminal"
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(c);
        assert!(find(&raw, b64.as_bytes()).is_none(), "{c} was copied");
    }
    let logs = emu.home().join("logs");
    let files = files_under(&logs);
    assert!(!files.is_empty(), "lepdash wrote a log under {logs:?}");
    let mut logged = 0;
    for f in files {
        let text = std::fs::read(&f).unwrap();
        logged += text.len();
        for c in CANARIES.iter().chain(extra) {
            assert!(find(&text, c.as_bytes()).is_none(), "{c} is in {f:?}");
        }
    }
    assert!(logged > 0, "the log is not empty");
}

/// Whether a table row starts with `name` (not the filter or a title).
fn row_shown(screen: &str, name: &str) -> bool {
    screen.lines().any(|l| {
        let cell = l
            .trim_start_matches('│')
            .trim_start_matches(['▶', '*', ' ']);
        cell.starts_with(name) && cell[name.len()..].starts_with(' ')
    })
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

// ------------------------------------------------------------------ secrets

#[test]
fn create_update_and_delete_a_secret() {
    let emu = Emu::start();
    let mut app = start(&emu);
    pane(&mut app, "4", "Secrets");

    // n: name, masked value, visibility, tags.
    press(&mut app, "n");
    app.wait_text("New secret");
    keys(&mut app, "E2E_SECRET");
    press(&mut app, TAB);
    keys(&mut app, SECRET_V1);
    app.wait_text("••••••••••");
    press(&mut app, TAB);
    press(&mut app, RIGHT); // public
    press(&mut app, TAB);
    keys(&mut app, "e2e, canary");
    press(&mut app, ENTER);
    app.wait_text("secret E2E_SECRET created");
    app.wait_screen("the new row", |s| row_shown(s, "E2E_SECRET"));
    let s = wait_api(&app, &emu, "the new secret", |c| {
        let list = emu.block_on(c.secrets()).ok()?;
        list.items.into_iter().find(|s| s.name == "E2E_SECRET")
    });
    assert_eq!(s.visibility, Some(Visibility::Public));
    assert_eq!(s.tags, ["e2e", "canary"]);

    // Creating it again is refused before any request: offer the update.
    press(&mut app, "n");
    app.wait_text("New secret");
    keys(&mut app, "E2E_SECRET");
    press(&mut app, TAB);
    app.wait_text("already exists");
    press(&mut app, ESC);
    app.wait_screen("the form closed", |s| !s.contains("New secret"));

    // e: a new value, confirmed.
    select(&mut app, "E2E_SECRET");
    press(&mut app, "e");
    app.wait_text("Update secret E2E_SECRET");
    paste(&mut app, SECRET_V2);
    app.wait_text("••••••••••");
    press(&mut app, ENTER);
    app.wait_text("Replace the value of E2E_SECRET?");
    press(&mut app, "y");
    app.wait_text("value of secret E2E_SECRET replaced");
    // The API never returns values: the secret is still there, unchanged
    // in visibility and tags (an update sends neither).
    let s = wait_api(&app, &emu, "the secret after the update", |c| {
        let list = emu.block_on(c.secrets()).ok()?;
        list.items.into_iter().find(|s| s.name == "E2E_SECRET")
    });
    assert_eq!(s.visibility, Some(Visibility::Public));

    // d: the name typed.
    press(&mut app, "d");
    app.wait_text("Delete secret E2E_SECRET?");
    keys(&mut app, "E2E_SECRE");
    press(&mut app, ENTER);
    app.wait_text("does not match");
    keys(&mut app, "T");
    press(&mut app, ENTER);
    app.wait_text("secret E2E_SECRET deleted");
    wait_api(&app, &emu, "the secret gone", |c| {
        let list = emu.block_on(c.secrets()).ok()?;
        (!list.items.iter().any(|s| s.name == "E2E_SECRET")).then_some(())
    });
    app.wait_screen("the row gone", |s| !row_shown(s, "E2E_SECRET"));
    quit_and_check_canaries(app, &emu, &[]);
}

// ------------------------------------------------------------------ members

#[test]
fn invite_a_member_and_change_the_role() {
    let emu = Emu::start();
    let mut app = start(&emu);
    pane(&mut app, "2", "Members");

    press(&mut app, "n");
    app.wait_text("Invite member");
    keys(&mut app, "e2e.person@example");
    press(&mut app, TAB);
    app.wait_text("not an email address");
    press(&mut app, "\x1b[Z"); // back to the email
    keys(&mut app, ".com");
    press(&mut app, TAB);
    press(&mut app, RIGHT); // user -> viewer
    app.wait_text("‹ viewer ›");
    press(&mut app, ENTER);
    app.wait_text("e2e.person@example.com invited as viewer");
    let m = wait_api(&app, &emu, "the invitation", |c| {
        let list = emu.block_on(c.members()).ok()?;
        list.items
            .into_iter()
            .find(|m| m.email == "e2e.person@example.com")
    });
    assert_eq!(m.role, Role::Viewer);
    assert_eq!(m.status, MemberStatus::Invited);

    select(&mut app, "e2e.person");
    press(&mut app, "e");
    app.wait_text("Change role of e2e.person@example.com");
    press(&mut app, LEFT); // viewer -> user
    app.wait_text("‹ user ›");
    press(&mut app, ENTER);
    app.wait_text("e2e.person@example.com is now user");
    wait_api(&app, &emu, "the new role", |c| {
        let list = emu.block_on(c.members()).ok()?;
        list.items
            .into_iter()
            .find(|m| m.email == "e2e.person@example.com" && m.role == Role::User)
    });
    quit_and_check_canaries(app, &emu, &[]);
}

// ------------------------------------------------------------------ tokens

/// The token value on screen: the line after `Token:` in the dialog.
fn token_on_screen(screen: &str) -> Option<String> {
    let mut lines = screen.lines().skip_while(|l| !l.contains("Token:"));
    lines.next()?;
    let line = lines.next()?;
    let start = line.find("nvapi-")?;
    let token: String = line[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(token)
}

#[test]
fn create_a_token_see_it_once_and_revoke_it() {
    let emu = Emu::start();
    let mut app = start(&emu);
    pane(&mut app, "3", "Tokens");

    press(&mut app, "n");
    app.wait_text("New token");
    keys(&mut app, "e2e-token");
    press(&mut app, TAB);
    press(&mut app, RIGHT); // 7 days
    app.wait_text("‹ 7 days ›");
    press(&mut app, ENTER);
    app.wait_text("Token created: e2e-token");
    let s = app.wait_text("This token will not be shown again");
    assert!(token_on_screen(&s).is_none(), "masked until x:\n{s}");

    // x: shown once, explicitly.
    press(&mut app, "x");
    let s = app.wait_screen("the token revealed", |s| token_on_screen(s).is_some());
    let plaintext = token_on_screen(&s).unwrap();
    assert!(plaintext.len() > 20, "{plaintext}");
    press(&mut app, "x");
    app.wait_text("(hidden: press x to show)");
    // y: copied by OSC 52 (the terminal gets it base64-encoded).
    press(&mut app, "y");
    app.wait_text("Copy: sent to the terminal");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&plaintext);
    assert!(
        app.find_raw(b64.as_bytes()).is_some(),
        "OSC 52 carried the value"
    );
    press(&mut app, ESC);
    app.wait_screen("the dialog closed", |s| !s.contains("Token created"));
    let closed_at = app.raw().len();

    // It works, and the API lists it with 7 days to go.
    let works = Client::new(ClientConfig::new(
        emu.base("demo"),
        SecretString::from(plaintext.clone()),
    ))
    .unwrap();
    emu.block_on(works.workspace())
        .expect("the new token is accepted");
    let t = wait_api(&app, &emu, "the new token", |c| {
        let list = emu.block_on(c.tokens()).ok()?;
        list.items.into_iter().find(|t| t.name == "e2e-token")
    });
    let days = (t.expires_at.unwrap() - t.created_at.unwrap()) / 86_400_000;
    assert_eq!(days, 7);

    // The token lepdash itself uses gets an explicit warning.
    select(&mut app, "lepdash-emulator");
    press(&mut app, "d");
    app.wait_text("used by lepdash");
    app.wait_text("lepdash itself is using this token");
    press(&mut app, ESC);

    // d: revoke, the name typed.
    select(&mut app, "e2e-token");
    press(&mut app, "d");
    app.wait_text("Revoke token e2e-token?");
    keys(&mut app, "e2e-token");
    press(&mut app, ENTER);
    app.wait_text("token e2e-token revoked");
    wait_api(&app, &emu, "the token gone", |c| {
        let list = emu.block_on(c.tokens()).ok()?;
        (!list.items.iter().any(|t| t.name == "e2e-token")).then_some(())
    });
    match emu.block_on(works.workspace()) {
        Err(ApiError::Unauthorized(_)) => {}
        other => panic!("a revoked token must be refused: {other:?}"),
    }
    app.wait_screen("the row gone", |s| !row_shown(s, "e2e-token"));

    // Not shown again: nothing written after the dialog closed holds it.
    let raw = app.raw();
    assert!(
        find(&raw[closed_at..], plaintext.as_bytes()).is_none(),
        "the token value was drawn after its dialog closed"
    );
    quit_and_check_canaries(app, &emu, &[plaintext.as_str()]);
}

// ------------------------------------------------------------------ registries

#[test]
fn add_and_delete_a_registry() {
    let emu = Emu::start();
    let mut app = start(&emu);
    pane(&mut app, "5", "Registries");

    press(&mut app, "n");
    app.wait_text("Add registry");
    // NGC preset: server and username filled in.
    app.wait_text("nvcr.io");
    app.wait_text("$oauthtoken");
    press(&mut app, TAB);
    keys(&mut app, "e2e-ngc");
    press(&mut app, TAB);
    press(&mut app, TAB);
    press(&mut app, TAB);
    paste(&mut app, REGISTRY_PASSWORD);
    app.wait_text("••••••••••");
    press(&mut app, TAB);
    press(&mut app, ENTER);
    app.wait_text("registry e2e-ngc added");
    let r = wait_api(&app, &emu, "the registry", |c| {
        let list = emu.block_on(c.registries()).ok()?;
        list.items.into_iter().find(|r| r.name() == "e2e-ngc")
    });
    assert_eq!(r.spec.registry_server, "nvcr.io");
    assert_eq!(r.spec.username, "$oauthtoken");
    assert_eq!(r.spec.provider.as_deref(), Some("ngc"));

    select(&mut app, "e2e-ngc");
    press(&mut app, "d");
    app.wait_text("Delete registry e2e-ngc?");
    press(&mut app, "y");
    app.wait_text("registry e2e-ngc deleted");
    wait_api(&app, &emu, "the registry gone", |c| {
        let list = emu.block_on(c.registries()).ok()?;
        (!list.items.iter().any(|r| r.name() == "e2e-ngc")).then_some(())
    });
    quit_and_check_canaries(app, &emu, &[]);
}

// ------------------------------------------------------------------ gates

#[test]
fn read_only_and_not_activated_refuse_changes_with_a_reason() {
    let emu = Emu::start();
    let url = emu.base("demo");
    let env = [
        ("LEPTON_WORKSPACE_URL", url.as_str()),
        ("LEPTON_WORKSPACE_TOKEN", TOKEN),
    ];
    let mut app = App::spawn(&bin(), &emu, &["--read-only"], &env);
    app.wait_text("READ-ONLY");
    pane(&mut app, "4", "Secrets");
    app.wait_text("read-only: no changes");
    press(&mut app, "n");
    app.wait_text("read-only mode: lepdash does not create secrets");
    assert!(!app.screen().contains("New secret"));
    press(&mut app, "q");
    app.wait_exit_ok();

    // Not activated: refused up front, with the banner's words.
    emu.handle()
        .set_activation("demo", lepdash::api::types::ActivationState::NotActivated)
        .unwrap();
    let mut app = App::spawn(&bin(), &emu, &[], &env);
    app.wait_text("Workspace not activated yet");
    pane(&mut app, "4", "Secrets");
    press(&mut app, "n");
    app.wait_text("cannot create secrets: Workspace not activated yet");
    assert!(!app.screen().contains("New secret"));
    press(&mut app, "q");
    app.wait_exit_ok();
}

// ------------------------------------------------------------------ canaries

#[test]
fn canaries_are_in_no_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let files = files_under(&dir);
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read(&f).unwrap();
        for c in CANARIES {
            assert!(find(&text, c.as_bytes()).is_none(), "{c} is in {f:?}");
        }
    }
}
