//! The mistakes a tired user makes get one line on stderr —
//! `lepdash: <what went wrong> — <what to do>` — a non-zero exit status, no
//! colour and no backtrace (stderr is a pipe here), never a report.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn lepdash(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_lepdash"));
    c.args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("LEPTON_CACHE_DIR", home.path().join("lepton"))
        .env("LEPDASH_LOG_DIR", home.path().join("log"))
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        let mut s = child.stdin.take().unwrap();
        s.write_all(text.as_bytes()).unwrap();
    }
    // A watchdog: a mistake must end the program, not start a server.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!(
                "{args:?} kept running; stdout: {}",
                String::from_utf8_lossy(&o.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Exactly one line `lepdash: … — …`, no ESC (no colour), no report.
fn one_line(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> String {
    let o = lepdash(args, env, stdin);
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "{args:?} should fail: {e}");
    assert!(!e.contains('\u{1b}'), "{args:?}: colour in a pipe: {e:?}");
    assert!(
        !e.contains("BACKTRACE") && !e.contains("Location:"),
        "{args:?}: report: {e}"
    );
    assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e:?}");
    assert!(e.starts_with("lepdash: "), "{args:?}: {e:?}");
    assert!(e.contains(" — "), "{args:?}: says what to do: {e:?}");
    e
}

const GOOD: &str = "nvapi-a-good-enough-admin-token";

#[test]
fn emulator_port_already_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let e = one_line(&["emulator", "--listen", &addr, "--token", GOOD], &[], None);
    assert!(e.contains("already in use"), "{e}");
    assert!(e.contains("--listen"), "{e}");
}

#[test]
fn emulator_address_that_cannot_be_bound() {
    // TEST-NET-1: never an address of this machine.
    let e = one_line(
        &["emulator", "--listen", "192.0.2.1:8080", "--token", GOOD],
        &[],
        None,
    );
    assert!(e.contains("cannot listen on 192.0.2.1:8080"), "{e}");
}

#[test]
fn emulator_short_or_spaced_admin_token() {
    for bad in ["short", "has spaces in the admin token"] {
        let e = one_line(
            &["emulator", "--listen", "127.0.0.1:0", "--token", bad],
            &[],
            None,
        );
        assert!(e.contains("invalid admin token"), "{e}");
        assert!(!e.contains(bad), "the token is not echoed: {e}");
    }
    // From the environment and from stdin too.
    let e = one_line(
        &["emulator", "--listen", "127.0.0.1:0"],
        &[("LEPDASH_EMULATOR_TOKEN", "short")],
        None,
    );
    assert!(e.contains("invalid admin token"), "{e}");
    let e = one_line(
        &["emulator", "--listen", "127.0.0.1:0", "--token-stdin"],
        &[],
        Some("short\n"),
    );
    assert!(e.contains("invalid admin token"), "{e}");
    let e = one_line(
        &["emulator", "--listen", "127.0.0.1:0", "--token-stdin"],
        &[],
        Some(""),
    );
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn emulator_data_pointing_nowhere_and_bad_fault_spec() {
    let e = one_line(
        &[
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--data",
            "/nonexistent/lepdash-seed",
        ],
        &[],
        None,
    );
    assert!(e.contains("seed data"), "{e}");
    let e = one_line(
        &[
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--fault",
            "latency=banana",
        ],
        &[],
        None,
    );
    assert!(e.contains("invalid --fault spec"), "{e}");
}

#[test]
fn emulator_refuses_global_flags_it_does_not_use() {
    for flags in [
        &["-w", "demo"][..],
        &["--url", "http://127.0.0.1:1/api/v2/workspaces/x"][..],
        &["--read-only"][..],
        &["--interval", "2s"][..],
    ] {
        let mut args = vec!["emulator", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(flags);
        let e = one_line(&args, &[], None);
        assert!(e.contains("does not use"), "{e}");
        // Before the subcommand too.
        let mut args = flags.to_vec();
        args.extend_from_slice(&["emulator", "--listen", "127.0.0.1:0"]);
        let e = one_line(&args, &[], None);
        assert!(e.contains("does not use"), "{e}");
    }
}

#[test]
fn the_dashboard_without_a_terminal() {
    for args in [&[][..], &["demo"][..]] {
        let e = one_line(args, &[], None);
        assert!(e.contains("needs a terminal"), "{e}");
        assert!(e.contains("lepdash get"), "{e}");
    }
}

#[test]
fn a_bogus_log_level_warns_and_logging_goes_on() {
    let o = lepdash(&["--log-level", "bogus", "get", "secrets"], &[], None);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("invalid log level \"bogus\""), "{e}");
    assert!(e.contains("using the default"), "{e}");
    assert!(!e.contains('\u{1b}'), "{e:?}");
}
