//! Secret hygiene: one whole session with every secret-bearing path
//! exercised, logging at trace level, and canary values searched for
//! everywhere lepdash could have put them.
//!
//! The session (real binary with the `test-panic` feature, in a PTY,
//! `--log-level trace`, HOME/XDG/log dirs in a tempdir):
//! - canaries created through the API: a secret value, a registry password,
//!   a token's plaintext; and the tokens lepdash itself uses (its own, and the
//!   admin token of the `lep` login record for the other workspaces);
//! - every pane shown, a row's details opened, a name copied;
//! - through the dashboard's forms: a secret with a canary value (typed), a
//!   registry with a canary password (pasted), a new token revealed with `x`
//!   and copied with `y` (its plaintext is the one canary allowed on screen,
//!   and only while revealed), a secret created while writes fail after
//!   being stored;
//! - errors forced with faults (5xx, malformed, truncated), then the token
//!   revoked (401), then a deliberate panic (F12);
//! - a second session quitting normally, which saves the activity log and
//!   the snapshot (a secret with a canary value added meanwhile);
//! - afterwards `lepdash get KIND -o json` and `-o table` for every kind,
//!   `lepdash watch --once` in both formats around a canary secret,
//!   `lepdash info`, `--token-stdin`, and failing `get`s (401, malformed).
//!
//! Then no canary may appear — verbatim or base64-encoded (as an OSC 52
//! copy would carry it) — in the log files, the PTY transcript (including
//! the panic report), any screen seen, the `get`/`info` output, or any file
//! under the temporary HOME (the `lep` login record, written by the test,
//! must come out unchanged).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine;
use lepdash::api::types::{
    CreateTokenRequest, Metadata, RegistryWrite, RegistryWriteSpec, SecretWrite,
};
use secrecy::SecretString;
use support::pty::{App, Emu, TOKEN, bin, bin_with_test_panic, find};

const ENTER: &str = "\r";
const TAB: &str = "\t";
const ESC: &str = "\x1b";

/// A canary: recognisable, unique per run.
fn canary(what: &str) -> String {
    format!("hygiene-canary-{what}-{:08x}", fastrand::u32(..))
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Send a special key and let the dashboard read it alone (an Esc followed
/// at once by another key reads as Alt+key).
fn press(app: &mut App, key: &str) {
    app.send(key);
    std::thread::sleep(Duration::from_millis(60));
}

fn paste(app: &mut App, text: &str) {
    app.send(&format!("\x1b[200~{text}\x1b[201~"));
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
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

/// `lepdash ARGS` as a plain process with the session's environment.
struct Run {
    what: String,
    ok: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn lepdash(emu: &Emu, env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> Run {
    let home = emu.home();
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("LANG", "C.UTF-8")
        .env("LEPTON_CACHE_DIR", home.join(".cache/lepton"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LEPDASH_CONFIG", home.join("config/config.toml"))
        .env("LEPDASH_LOG_DIR", home.join("logs"))
        .current_dir(&home)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        let mut w = child.stdin.take().unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        what: args.join(" "),
        ok: out.status.success(),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

#[test]
fn no_canary_leaks_from_a_whole_session() {
    let emu = Emu::start();
    let home = emu.home();
    let record = home.join(".cache/lepton/workspace_info.yaml");
    let record_before = std::fs::read(&record).unwrap();
    let admin = emu.client("demo");

    // ---- canaries created through the API
    let secret_api = canary("secret-api");
    let registry_api = canary("registry-api");
    emu.block_on(admin.put_secrets(&[SecretWrite {
        name: "HYGIENE_API_SECRET".into(),
        value: SecretString::from(secret_api.clone()),
        visibility: None,
        tags: vec!["canary".into()],
    }]))
    .unwrap();
    emu.block_on(admin.add_registry(&RegistryWrite {
        metadata: Metadata {
            name: Some("hygiene-registry".into()),
            ..Default::default()
        },
        spec: RegistryWriteSpec {
            registry_server: "registry.example.com".into(),
            username: "hygiene-bot".into(),
            password: SecretString::from(registry_api.clone()),
            email: None,
            provider: None,
        },
    }))
    .unwrap();
    let created = emu
        .block_on(admin.create_token(&CreateTokenRequest {
            name: "hygiene-api-token".into(),
            scopes: vec![],
            expires_in: 86_400,
        }))
        .unwrap();
    let token_api = secrecy::ExposeSecret::expose_secret(&created.plaintext).to_string();
    // The token lepdash uses (an admin's), from the environment.
    let (own_id, own_token) = emu.mint_token("demo", "alex.rivera@example.com");
    let env = emu.env_for_token("demo", &own_token);
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.push(("LEPDASH_TEST_PANIC", "1"));

    let secret_ui = canary("secret-ui");
    let secret_ui2 = canary("secret-ui-lost-answer");
    let registry_ui = canary("registry-ui");

    // ---- the session
    let mut app = App::spawn(
        &bin_with_test_panic(),
        &emu,
        &["--log-level", "trace", "--interval", "1s"],
        &env,
    );
    let mut screens: Vec<String> = vec![];
    app.wait_text("enterprise");
    for (key, title, row) in [
        ("2", "Members", "alex.rivera@example.com"),
        ("3", "Tokens", "hygiene-api-token"),
        ("4", "Secrets", "HYGIENE_API_SECRET"),
        ("5", "Registries", "hygiene-registry"),
        ("6", "Templates", "mpi"),
        ("1", "Status", "gpu."),
    ] {
        press(&mut app, key);
        screens.push(app.wait_screen(&format!("{title} with {row}"), |s| {
            s.contains(&format!("╭ {title}")) && s.contains(row)
        }));
    }

    // Details and copy of the API-made secret (names only: values never
    // leave the server).
    press(&mut app, "4");
    press(&mut app, "/");
    app.type_keys("HYGIENE_API");
    press(&mut app, ENTER);
    press(&mut app, ENTER);
    screens.push(app.wait_text("Values are write-only"));
    press(&mut app, ESC);
    app.wait_screen("the details closed", |s| {
        !s.contains("Values are write-only")
    });
    press(&mut app, "y");
    screens.push(app.wait_text("sent to the terminal"));
    press(&mut app, "/");
    press(&mut app, ESC);

    // A secret with a canary value, typed into the masked field.
    press(&mut app, "n");
    app.wait_text("New secret");
    app.type_keys("HYGIENE_UI_SECRET");
    press(&mut app, TAB);
    app.type_keys(&secret_ui);
    screens.push(app.wait_text("••••••••••"));
    press(&mut app, TAB);
    press(&mut app, TAB);
    press(&mut app, ENTER);
    screens.push(app.wait_text("secret HYGIENE_UI_SECRET created"));

    // A registry with a canary password, pasted.
    press(&mut app, "5");
    app.wait_text("╭ Registries");
    press(&mut app, "n");
    app.wait_text("Add registry");
    app.wait_text("nvcr.io");
    press(&mut app, TAB);
    app.type_keys("hygiene-ui-registry");
    press(&mut app, TAB);
    press(&mut app, TAB);
    press(&mut app, TAB);
    paste(&mut app, &registry_ui);
    screens.push(app.wait_text("••••••••••"));
    press(&mut app, TAB);
    press(&mut app, ENTER);
    screens.push(app.wait_text("registry hygiene-ui-registry added"));

    // A token: revealed with x and copied with y, then closed. Its
    // plaintext may be in the output only between these two points.
    press(&mut app, "3");
    app.wait_text("╭ Tokens");
    press(&mut app, "n");
    app.wait_text("New token");
    app.type_keys("hygiene-ui-token");
    press(&mut app, TAB);
    press(&mut app, ENTER);
    screens.push(app.wait_text("This token will not be shown again"));
    let reveal_from = app.raw().len();
    press(&mut app, "x");
    let s = app.wait_screen("the token revealed", |s| token_on_screen(s).is_some());
    let token_ui = token_on_screen(&s).unwrap();
    press(&mut app, "y");
    app.wait_text("Copy: sent to the terminal");
    press(&mut app, "x");
    app.wait_text("(hidden: press x to show)");
    press(&mut app, ESC);
    let s = app.wait_screen("the token dialog closed", |s| {
        !s.contains("This token will not be shown again")
    });
    let reveal_to = app.raw().len();
    screens.push(s);

    // Errors: each fault until the pane says so, then recovery.
    press(&mut app, "4");
    app.wait_text("╭ Secrets");
    for (fault, shown) in [
        ("error-rate=1.0", "server error"),
        ("malformed", "undecodable response"),
        ("truncate", "cut off"),
    ] {
        emu.set_faults(fault);
        // Now, not after the growing back-off.
        press(&mut app, "r");
        screens.push(app.wait_screen(&format!("{fault} on screen"), |s| {
            s.contains("STALE") && s.contains(shown)
        }));
    }
    emu.set_faults("none");
    press(&mut app, "r");
    screens.push(app.wait_screen("recovered", |s| !s.contains("STALE")));

    // A write stored whose answer is lost, carrying a canary value.
    emu.set_faults("fail-after-apply");
    press(&mut app, "n");
    app.wait_text("New secret");
    app.type_keys("HYGIENE_LOST_ANSWER");
    press(&mut app, TAB);
    app.type_keys(&secret_ui2);
    press(&mut app, TAB);
    press(&mut app, TAB);
    press(&mut app, ENTER);
    screens.push(app.wait_text("may or may not have been applied"));
    emu.set_faults("none");

    // The token lepdash uses is revoked: 401 everywhere.
    emu.block_on(admin.revoke_token(&own_id)).unwrap();
    screens.push(app.wait_text("Token rejected (401)"));

    // And a panic (F12 with LEPDASH_TEST_PANIC=1).
    app.send("\x1b[24~");
    let status = app.wait_exit();
    assert!(!status.success(), "the panic exits non-zero");
    let mut transcript = app.raw();
    assert!(
        find(&transcript, b"LEPDASH_TEST_PANIC").is_some(),
        "the panic report is in the transcript"
    );
    drop(app);

    // ---- issue 10: a session that quits normally saves the activity log
    // and the snapshot under the state dir (in HOME, searched below); a
    // change made meanwhile carries a canary value.
    let secret_act = canary("secret-activity");
    let (_, act_token) = emu.mint_token("demo", "alex.rivera@example.com");
    let act_env = emu.env_for_token("demo", &act_token);
    let act_env: Vec<(&str, &str)> = act_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut app = App::spawn(
        &bin(),
        &emu,
        &["--log-level", "trace", "--interval", "1s"],
        &act_env,
    );
    app.wait_text("enterprise");
    press(&mut app, "4");
    app.wait_text("HYGIENE_API_SECRET");
    emu.block_on(admin.put_secrets(&[SecretWrite {
        name: "HYGIENE_ACTIVITY_SECRET".into(),
        value: SecretString::from(secret_act.clone()),
        visibility: None,
        tags: vec!["canary".into()],
    }]))
    .unwrap();
    screens.push(app.wait_text("HYGIENE_ACTIVITY_SECRET"));
    press(&mut app, "a");
    screens.push(app.wait_screen("the activity view lists it", |s| {
        s.contains("╭ Activity") && s.contains("HYGIENE_ACTIVITY_SECRET")
    }));
    app.send("q");
    app.wait_exit_ok();
    transcript.extend(app.raw());
    drop(app);
    // The default state dir under HOME (no LEPDASH_STATE_DIR here).
    let activity_file = home.join(".local/state/lepdash/activity.jsonl");
    let activity_text = std::fs::read_to_string(&activity_file).expect("the activity log is saved");
    assert!(
        activity_text.contains("HYGIENE_ACTIVITY_SECRET"),
        "positive control: the activity file names the secret"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&activity_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the activity file is private");
    }

    // ---- headless commands, with a fresh token of lepdash's
    let (_, get_token) = emu.mint_token("demo", "alex.rivera@example.com");
    let get_env = emu.env_for_token("demo", &get_token);
    let get_env: Vec<(&str, &str)> = get_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut runs = vec![];
    for kind in [
        "status",
        "members",
        "tokens",
        "secrets",
        "registries",
        "templates",
    ] {
        for format in ["json", "table"] {
            let r = lepdash(
                &emu,
                &get_env,
                &["get", kind, "-o", format, "--log-level", "trace"],
                None,
            );
            assert!(r.ok, "{}: {}", r.what, String::from_utf8_lossy(&r.stderr));
            runs.push(r);
        }
    }
    let r = lepdash(&emu, &get_env, &["info", "--log-level", "trace"], None);
    assert!(r.ok, "info");
    runs.push(r);
    // `watch --once` (against the snapshot the dashboard saved), then a
    // change with a canary value, then both formats.
    let secret_watch = canary("secret-watch");
    let r = lepdash(
        &emu,
        &get_env,
        &["watch", "--once", "--log-level", "trace"],
        None,
    );
    assert!(r.ok, "watch: {}", String::from_utf8_lossy(&r.stderr));
    runs.push(r);
    emu.block_on(admin.put_secrets(&[SecretWrite {
        name: "HYGIENE_WATCH_SECRET".into(),
        value: SecretString::from(secret_watch.clone()),
        visibility: None,
        tags: vec!["canary".into()],
    }]))
    .unwrap();
    for format in ["jsonl", "text"] {
        emu.block_on(admin.put_secrets(&[SecretWrite {
            name: format!("HYGIENE_WATCH_{format}"),
            value: SecretString::from(secret_watch.clone()),
            visibility: None,
            tags: vec![],
        }]))
        .unwrap();
        let r = lepdash(
            &emu,
            &get_env,
            &["watch", "--once", "-o", format, "--log-level", "trace"],
            None,
        );
        assert!(r.ok, "watch: {}", String::from_utf8_lossy(&r.stderr));
        assert!(
            find(&r.stdout, format!("HYGIENE_WATCH_{format}").as_bytes()).is_some(),
            "positive control: watch -o {format} prints the added secret"
        );
        runs.push(r);
    }
    // The token from standard input.
    let stdin_env = [
        ("LEPTON_WORKSPACE_ID", "demo"),
        ("LEPTON_WORKSPACE_URL", get_env[2].1),
    ];
    let r = lepdash(
        &emu,
        &stdin_env,
        &[
            "get",
            "secrets",
            "-o",
            "json",
            "--token-stdin",
            "--log-level",
            "trace",
        ],
        Some(&format!("{get_token}\n")),
    );
    assert!(
        r.ok,
        "--token-stdin: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    runs.push(r);
    // Failing ones: the revoked token (401), an unreadable answer.
    let revoked_env = emu.env_for_token("demo", &own_token);
    let revoked_env: Vec<(&str, &str)> = revoked_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = lepdash(
        &emu,
        &revoked_env,
        &["get", "tokens", "-o", "json", "--log-level", "trace"],
        None,
    );
    assert!(!r.ok && find(&r.stderr, b"401").is_some(), "401 reported");
    runs.push(r);
    emu.set_faults("malformed");
    let r = lepdash(
        &emu,
        &get_env,
        &["get", "secrets", "-o", "json", "--log-level", "trace"],
        None,
    );
    assert!(!r.ok, "an unreadable answer fails the command");
    runs.push(r);
    emu.set_faults("none");

    // ---- the search
    let never: Vec<(&str, &str)> = vec![
        ("secret value (API)", secret_api.as_str()),
        ("registry password (API)", registry_api.as_str()),
        ("token plaintext (API)", token_api.as_str()),
        ("secret value (typed)", secret_ui.as_str()),
        ("secret value (lost answer)", secret_ui2.as_str()),
        ("secret value (activity)", secret_act.as_str()),
        ("secret value (watch)", secret_watch.as_str()),
        ("registry password (pasted)", registry_ui.as_str()),
        ("lepdash's token", own_token.as_str()),
        ("lepdash's token for get", get_token.as_str()),
        ("login record token", TOKEN),
    ];
    let forms = |c: &str| [c.to_string(), b64(c)];

    // Files under HOME (the log, anything else lepdash may have written).
    let files: Vec<PathBuf> = files_under(&home)
        .into_iter()
        .filter(|p| *p != record)
        .collect();
    let log = home.join("logs/lepdash.log");
    assert!(files.contains(&log), "the log is written: {files:?}");
    let log_text = std::fs::read_to_string(&log).unwrap();
    // (lepdash logs nothing below debug; trace lets everything through.)
    for needle in [" DEBUG ", "fetch failed", "mutation failed", "401"] {
        assert!(
            log_text.contains(needle),
            "the trace log covers the session: no {needle:?}"
        );
    }
    // Positive controls: what the search looks through holds the names.
    for name in [
        "HYGIENE_UI_SECRET",
        "HYGIENE_LOST_ANSWER",
        "hygiene-ui-token",
    ] {
        assert!(log_text.contains(name), "the log names {name}");
    }
    assert!(
        find(&transcript, &own_token.as_bytes()[..10]).is_some(),
        "the masked form of lepdash's token is on screen"
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for (what, c) in never
            .iter()
            .chain([("token plaintext (revealed)", token_ui.as_str())].iter())
        {
            for form in forms(c) {
                assert!(find(&bytes, form.as_bytes()).is_none(), "{what} in {f:?}");
            }
        }
    }
    assert_eq!(
        std::fs::read(&record).unwrap(),
        record_before,
        "the login record is unchanged"
    );

    // The terminal: everything written, and every screen seen.
    for (what, c) in &never {
        for form in forms(c) {
            assert!(
                find(&transcript, form.as_bytes()).is_none(),
                "{what} reached the terminal"
            );
            for s in &screens {
                assert!(!s.contains(&form), "{what} on screen:\n{s}");
            }
        }
    }
    // The revealed token: shown (and copied) only while revealed.
    for form in forms(&token_ui) {
        assert!(
            find(&transcript[..reveal_from], form.as_bytes()).is_none(),
            "the new token was drawn before x"
        );
        assert!(
            find(&transcript[reveal_to..], form.as_bytes()).is_none(),
            "the new token was drawn after its dialog closed"
        );
    }
    assert!(
        find(
            &transcript[reveal_from..reveal_to],
            b64(&token_ui).as_bytes()
        )
        .is_some(),
        "y copied the revealed token (OSC 52)"
    );

    // The headless commands' output.
    for r in &runs {
        for (what, c) in never
            .iter()
            .chain([("token plaintext (revealed)", token_ui.as_str())].iter())
        {
            for form in forms(c) {
                assert!(
                    find(&r.stdout, form.as_bytes()).is_none()
                        && find(&r.stderr, form.as_bytes()).is_none(),
                    "{what} in the output of `lepdash {}`",
                    r.what
                );
            }
        }
    }
}

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
