//! Every way out of the dashboard leaves the terminal as it was: `q`,
//! Ctrl-C, SIGINT, SIGTERM, SIGHUP and a panic. The real binary runs in a
//! pseudo-terminal against the in-process emulator; the checks read the bytes
//! it wrote, a vt100 screen fed with them, and the pty's own termios.

mod support;

use support::pty::{App, Emu, bin, bin_with_test_panic};

/// Start the dashboard and wait until it drew a frame (so it is inside its
/// event loop, with the signal handlers installed and the terminal set up).
fn started(emu: &Emu, bin: &std::path::Path, env: &[(&str, &str)]) -> App {
    let app = App::spawn(bin, emu, &[], env);
    app.wait_frame();
    assert!(app.raw_mode(), "the dashboard runs in raw mode");
    app
}

#[test]
fn q_restores_the_terminal_and_exits_zero() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn ctrl_c_key_restores_the_terminal() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    app.send("\x03");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn sigint_restores_the_terminal() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    app.signal("INT");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    app.signal("TERM");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn sighup_restores_the_terminal() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    app.signal("HUP");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn closing_the_terminal_ends_the_dashboard() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    app.hang_up("2");
    // Nothing to look at any more; it must simply end, not spin or hang.
    let t = std::time::Instant::now();
    app.wait_exit();
    eprintln!("exited {:?} after the hang-up", t.elapsed());
}

#[test]
fn mouse_capture_from_the_config_is_undone() {
    let emu = Emu::start();
    std::fs::write(emu.home().join("config/config.toml"), "mouse = true\n").unwrap();
    let mut app = started(&emu, &bin(), &[]);
    assert!(
        app.find_raw(b"\x1b[?1000h").is_some(),
        "mouse capture on when configured"
    );
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn mouse_capture_is_off_by_default() {
    let emu = Emu::start();
    let mut app = started(&emu, &bin(), &[]);
    assert!(app.find_raw(b"\x1b[?1000h").is_none());
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

#[test]
fn panic_restores_the_terminal_before_the_report() {
    let bin = bin_with_test_panic();
    let emu = Emu::start();
    let mut app = started(&emu, &bin, &[("LEPDASH_TEST_PANIC", "1")]);
    // F12
    app.send("\x1b[24~");
    let status = app.wait_exit();
    assert!(!status.success(), "a panic exits non-zero");
    app.assert_restored();
    let raw = app.raw();
    let left = support::pty::rfind(&raw, b"\x1b[?1049l").unwrap();
    let report =
        support::pty::find(&raw, b"LEPDASH_TEST_PANIC").expect("the panic report is printed");
    assert!(
        left < report,
        "the terminal was restored before the panic was printed"
    );
}

#[test]
fn without_the_env_var_f12_does_nothing() {
    let bin = bin_with_test_panic();
    let emu = Emu::start();
    let mut app = started(&emu, &bin, &[]);
    app.send("\x1b[24~");
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}
