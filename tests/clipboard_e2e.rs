//! A native clipboard tool that never reads its input must not hold the
//! dashboard: the copy runs off the event loop, keys keep working, and the
//! copy's outcome (here: the tool gave up, OSC 52 took over) arrives later.
//! The real binary runs in a pseudo-terminal against the emulator, with a
//! fake `xclip` first on its PATH.

mod support;

use std::os::unix::fs::PermissionsExt;

use support::pty::{App, Emu, bin};

#[test]
fn a_clipboard_tool_that_never_reads_does_not_hold_the_keys() {
    let emu = Emu::start();
    let tools = emu.home().join("fake-tools");
    std::fs::create_dir_all(&tools).unwrap();
    let marker = emu.home().join("xclip-started");
    let xclip = tools.join("xclip");
    // Never reads stdin; says it started, then sits there.
    std::fs::write(
        &xclip,
        format!("#!/bin/sh\n: > '{}'\nexec sleep 30\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&xclip, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        tools.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut app = App::spawn(&bin(), &emu, &[], &[("PATH", &path), ("DISPLAY", ":99")]);
    app.wait_frame();
    app.send("4");
    app.wait_screen("the secrets", |s| s.contains("HF_TOKEN"));
    app.send("y");
    // The tool is running (and not reading) ...
    let deadline = std::time::Instant::now() + support::pty::WAIT;
    while !marker.exists() {
        assert!(std::time::Instant::now() < deadline, "xclip never started");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // ... and the dashboard still answers keys: Members shows while the copy
    // has not said how it went.
    app.send("2");
    let s = app.wait_screen("the members pane", |s| {
        s.contains("alex.rivera@example.com")
    });
    assert!(
        !s.contains("OSC 52"),
        "the pane switch waited for the copy:\n{s}"
    );
    // The tool is given up on and OSC 52 takes over, later.
    app.wait_screen("the copy's outcome", |s| s.contains("OSC 52"));
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}
