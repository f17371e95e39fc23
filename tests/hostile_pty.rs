//! The real dashboard in a PTY against a hostile server (loopback only):
//! the raw bytes written to the terminal are scanned for the escape
//! sequences the server sent, and the vt100 screen is read. The `Emu` of
//! the support module only provides the private home; the dashboard talks
//! to the hostile server through the environment credentials.

mod support;

#[path = "hostile/server.rs"]
mod server;

use server::{Hostile, Payload};
use support::pty::{App, Emu, bin};

const TOKEN: &str = "nvapi-hostile-pty-token-0123456789abcdef";

fn env(h: &Hostile) -> Vec<(String, String)> {
    vec![
        ("LEPTON_WORKSPACE_ID".into(), "ws1".into()),
        ("LEPTON_WORKSPACE_TOKEN".into(), TOKEN.into()),
        ("LEPTON_WORKSPACE_URL".into(), h.base()),
    ]
}

fn spawn(emu: &Emu, h: &Hostile) -> App {
    let env = env(h);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    App::spawn(&bin(), emu, &["--interval", "1s"], &env)
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Sequences only the server's text could have brought.
const MARKERS: [&[u8]; 6] = [
    b"\x1b]0;PWNED",
    b"\x1b]52;c;cHduZWQ=",
    b"\x1b[31;7mINJ",
    b"\x08\x08\x08ok",
    "\u{202e}evil".as_bytes(),
    b"\xc2\x9b31m",
];

const INJECTED: &str = "\u{1b}]0;PWNED\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[31;7mINJ\u{8}\u{8}\u{8}ok\u{202e}evil\u{9b}31m\nFORGED";

#[test]
fn server_text_never_drives_the_terminal_nor_the_log() {
    let emu = Emu::start();
    let json = serde_json::json!({"code": INJECTED, "message": INJECTED}).to_string();
    let h = Hostile::start(Payload::json(403, &json));
    let mut app = spawn(&emu, &h);
    app.wait_frame();
    // The reason is on screen, harmless.
    app.wait_text("PWNED");
    // Visit every pane so every error is drawn.
    for k in ["2", "3", "4", "5", "6", "1"] {
        app.send(k);
        app.wait_frame();
    }
    app.wait_text("PWNED");
    let raw = app.raw();
    for m in MARKERS {
        assert!(
            !find(&raw, m),
            "{:?} reached the terminal",
            String::from_utf8_lossy(m)
        );
    }
    app.send("q");
    app.wait_exit_ok();
    let log = std::fs::read_to_string(emu.home().join("logs/lepdash.log")).unwrap_or_default();
    assert!(!log.contains('\u{1b}'), "ESC in the log");
    assert!(!log.lines().any(|l| l.starts_with("FORGED")), "forged line");
}

#[test]
fn an_echoed_token_is_masked_on_screen_and_in_the_log() {
    let emu = Emu::start();
    let h = Hostile::start(Payload::EchoAuthorization);
    let mut app = spawn(&emu, &h);
    app.wait_frame();
    let s = app.wait_text("401");
    assert!(!s.contains("0123456789abcdef"), "{s}");
    app.send("q");
    app.wait_exit_ok();
    assert!(!String::from_utf8_lossy(&app.raw()).contains("0123456789abcdef"));
    let log = std::fs::read_to_string(emu.home().join("logs/lepdash.log")).unwrap_or_default();
    assert!(!log.contains("0123456789abcdef"), "token in the log");
}

#[test]
fn a_huge_retry_after_neither_crashes_nor_blocks_and_shows_the_capped_wait() {
    let emu = Emu::start();
    let h = Hostile::start(
        Payload::json(429, r#"{"code":"TooMany","message":"slow down"}"#)
            // u64::MAX seconds: `Instant + Duration` overflowed and the sync
            // task panicked before the cap.
            .with_header("retry-after", "18446744073709551615"),
    );
    let mut app = spawn(&emu, &h);
    app.wait_frame();
    app.wait_text("retry after 600s");
    // Still alive and answering keys; a refresh is accepted.
    app.send("r");
    app.send("?");
    app.wait_text("help");
    app.send("q");
    app.send("q");
    app.wait_exit_ok();
}

#[test]
fn an_endless_answer_becomes_a_clear_error_on_the_pane() {
    let emu = Emu::start();
    let h = Hostile::start(Payload::Endless {
        bytes: 1024 * 1024 * 1024,
    });
    let mut app = spawn(&emu, &h);
    app.wait_frame();
    app.send("4");
    app.wait_text("larger than the limit");
    app.send("q");
    app.wait_exit_ok();
}
