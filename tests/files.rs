//! What lepdash writes on disk, and what it never touches.
//!
//! - Everything lepdash creates (the log file, its rotation, every
//!   directory on the way) is mode 0600 (files) or 0700 (directories), even
//!   under `umask 000`: the modes are lepdash's, not the umask's.
//! - A log file left with looser permissions is tightened to 0600.
//! - The `lep` login record (`$LEPTON_CACHE_DIR/workspace_info.yaml`) is
//!   byte for byte and mtime the same after a dashboard session and after
//!   `get` and `info`; nothing else appears in `$LEPTON_CACHE_DIR`.
#![cfg(unix)]

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use support::pty::{App, Emu, bin};

/// Run `bin ARGS` under `umask 000`, through `sh`.
const UMASK_0: &str = "umask 000; exec \"$0\" \"$@\"";

/// (mode, length, mtime) of every file and directory under `dir`.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (u32, u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            out.insert(
                p.clone(),
                (m.mode() & 0o7777, m.len(), m.modified().unwrap()),
            );
            if m.is_dir() {
                stack.push(p);
            }
        }
    }
    out
}

/// What appeared or changed under `dir` since `before`.
fn written(
    dir: &Path,
    before: &BTreeMap<PathBuf, (u32, u64, SystemTime)>,
) -> Vec<(PathBuf, u32, bool)> {
    tree(dir)
        .into_iter()
        .filter(|(p, meta)| before.get(p) != Some(meta))
        .map(|(p, (mode, _, _))| {
            let is_dir = p.is_dir();
            (p, mode, is_dir)
        })
        .collect()
}

fn assert_private(entries: &[(PathBuf, u32, bool)]) {
    for (p, mode, is_dir) in entries {
        let want = if *is_dir { 0o700 } else { 0o600 };
        assert_eq!(
            *mode, want,
            "{p:?} is {mode:o}, want {want:o} (created or written by lepdash)"
        );
    }
}

/// `lepdash ARGS` under `umask 000`, with the emulator's HOME; `env` adds.
fn lepdash(emu: &Emu, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let home = emu.home();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(UMASK_0)
        .arg(bin())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("LANG", "C.UTF-8")
        .env("LEPTON_CACHE_DIR", home.join(".cache/lepton"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LEPDASH_CONFIG", home.join("config/config.toml"))
        .current_dir(&home)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "lepdash {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The login record and everything next to it, exactly.
fn lepton_cache(emu: &Emu) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime, u32)> {
    let dir = emu.home().join(".cache/lepton");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let p = e.path();
            let m = std::fs::metadata(&p).unwrap();
            (
                p.clone(),
                (
                    std::fs::read(&p).unwrap(),
                    m.modified().unwrap(),
                    m.mode() & 0o7777,
                ),
            )
        })
        .collect()
}

#[test]
fn a_session_and_get_write_only_private_files_and_never_the_login_record() {
    let emu = Emu::start();
    let home = emu.home();
    let record = home.join(".cache/lepton/workspace_info.yaml");
    assert!(record.is_file());
    let cache_before = lepton_cache(&emu);
    let before = tree(&home);
    // Let a same-second rewrite show up in the mtimes.
    std::thread::sleep(std::time::Duration::from_millis(20));

    // The dashboard, logging to its default place (the user's state dir
    // under HOME), under umask 000.
    let lepdash = bin();
    let lepdash = lepdash.to_str().unwrap();
    let mut app = App::spawn(
        Path::new("/bin/sh"),
        &emu,
        &["-c", UMASK_0, lepdash, "--interval", "1s"],
        &[("LEPDASH_LOG_DIR", "")],
    );
    app.wait_text("enterprise");
    for (key, title) in [("2", "Members"), ("4", "Secrets"), ("1", "Status")] {
        app.send(key);
        app.wait_text(&format!("╭ {title}"));
    }
    app.send("q");
    app.wait_exit_ok();
    assert_eq!(lepton_cache(&emu), cache_before, "after the dashboard");

    for kind in [
        "status",
        "members",
        "tokens",
        "secrets",
        "registries",
        "templates",
    ] {
        lepdash_ok(&emu, &["get", kind, "-o", "json"]);
    }
    lepdash_ok(&emu, &["info"]);
    assert_eq!(
        lepton_cache(&emu),
        cache_before,
        "after get and info: the login record is byte for byte and mtime the same"
    );

    let new = written(&home, &before);
    let log = home.join(".local/state/lepdash/lepdash.log");
    assert!(
        new.iter().any(|(p, _, _)| *p == log),
        "the log went to the state dir: {new:?}"
    );
    for (p, _, _) in &new {
        assert!(
            p.starts_with(home.join(".local")),
            "lepdash wrote only its state dir, not {p:?}"
        );
    }
    assert_private(&new);
}

fn lepdash_ok(emu: &Emu, args: &[&str]) {
    lepdash(emu, args, &[("LEPDASH_LOG_DIR", "")]);
}

#[test]
fn a_log_dir_from_the_environment_is_created_private() {
    let emu = Emu::start();
    let home = emu.home();
    let before = tree(&home);
    let dir = home.join("new/nested/logs");
    lepdash(
        &emu,
        &["get", "secrets", "--log-level", "debug"],
        &[("LEPDASH_LOG_DIR", dir.to_str().unwrap())],
    );
    let new = written(&home, &before);
    let names: Vec<&Path> = new.iter().map(|(p, _, _)| p.as_path()).collect();
    for p in [
        home.join("new"),
        home.join("new/nested"),
        dir.clone(),
        dir.join("lepdash.log"),
    ] {
        assert!(names.contains(&p.as_path()), "{p:?} created: {names:?}");
    }
    assert_eq!(new.len(), 4, "nothing else: {names:?}");
    assert_private(&new);

    // Control: the same wrapper really runs with umask 000.
    let control = home.join("control");
    let ok = Command::new("sh")
        .arg("-c")
        .arg(UMASK_0)
        .arg("touch")
        .arg(&control)
        .status()
        .unwrap();
    assert!(ok.success());
    let mode = std::fs::metadata(&control).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o666, "umask 000 in effect");
}

#[test]
fn a_loose_log_file_is_tightened_and_a_big_one_rotated_privately() {
    let emu = Emu::start();
    let dir = emu.home().join("logs");
    let log = dir.join("lepdash.log");
    std::fs::write(&log, b"an old line\n").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let env = [("LEPDASH_LOG_DIR", dir.to_str().unwrap())];
    lepdash(&emu, &["get", "status"], &env);
    let mode = std::fs::metadata(&log).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o600, "tightened");

    // Over 10 MiB at start: moved to .1, a fresh file begins; both private.
    let big = vec![b'x'; 10 * 1024 * 1024 + 1];
    std::fs::write(&log, &big).unwrap();
    lepdash(&emu, &["get", "status"], &env);
    let rotated = dir.join("lepdash.log.1");
    assert_eq!(std::fs::metadata(&rotated).unwrap().len(), big.len() as u64);
    for p in [&log, &rotated] {
        let mode = std::fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600, "{p:?}");
    }
    assert!(std::fs::metadata(&log).unwrap().len() < 1024 * 1024);
}
