//! Hostile servers and crafted local files against the real binary (`lepdash
//! get`, `info`) and the client: no crash, no injection, no leak, bounded
//! memory. The server is `tests/hostile/server.rs`, on 127.0.0.1 only.
//! Terminal-bound output is scanned as raw bytes for anything that could
//! drive a terminal.

#[path = "hostile/server.rs"]
mod server;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use server::{Hostile, Payload};

const TOKEN: &str = "nvapi-hostile-test-token-0123456789abcdef";

/// Escape sequences and characters no outside text may bring to a terminal.
const INJECTED: &str = "\u{1b}]0;PWNED\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{8}\u{8}\u{8}ok\u{202e}evil\u{9b}31m\rFORGED";

/// Bytes that drive a terminal: ESC, BEL, BS, CR, C1 (UTF-8 `C2 80`–`C2 9F`),
/// and the bidi controls.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        let bad = (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        assert!(!bad, "{what}: {c:?} at byte {i} in {text:?}");
    }
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("log")).unwrap();
        std::fs::create_dir_all(dir.path().join("lepton")).unwrap();
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn log(&self) -> String {
        std::fs::read(self.path().join("log/lepdash.log"))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The binary with a clean environment: a private HOME, a log dir and
    /// the given credentials.
    fn cmd(&self, url: Option<&str>, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lepdash"));
        c.args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("LEPTON_CACHE_DIR", self.path().join("lepton"))
            .env("LEPDASH_LOG_DIR", self.path().join("log"))
            .env("LEPDASH_CONFIG", self.path().join("config.toml"))
            .stdin(Stdio::null());
        if let Some(u) = url {
            c.env("LEPTON_WORKSPACE_ID", "ws1")
                .env("LEPTON_WORKSPACE_URL", u)
                .env("LEPTON_WORKSPACE_TOKEN", TOKEN);
        }
        c
    }

    /// Run with a watchdog: a hang is a failure, not a stuck test.
    fn run(&self, url: Option<&str>, args: &[&str]) -> Output {
        run_with_watchdog(self.cmd(url, args))
    }
}

fn run_with_watchdog(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "lepdash hung; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One line, `lepdash: …`, nothing that drives a terminal, failure status.
fn assert_one_clean_line(o: &Output) -> String {
    let e = stderr(o);
    assert!(!o.status.success(), "should fail: {e}");
    assert_inert("stderr", &o.stderr);
    assert_eq!(e.lines().count(), 1, "one line: {e:?}");
    assert!(e.starts_with("lepdash: "), "{e:?}");
    e
}

// ------------------------------------------------------------ terminal injection

#[test]
fn get_error_lines_carry_no_escape_sequence_from_the_server() {
    let json = serde_json::json!({"code": INJECTED, "message": INJECTED}).to_string();
    for payload in [
        Payload::json(400, &json),
        Payload::json(503, &json),
        Payload::text(500, INJECTED.as_bytes()),
        Payload::text(418, INJECTED.as_bytes()),
    ] {
        let h = Hostile::start(payload.clone());
        let home = Home::new();
        let o = home.run(Some(&h.base()), &["get", "secrets"]);
        let e = assert_one_clean_line(&o);
        // The text is still there, made harmless.
        assert!(e.contains("PWNED"), "{e}");
        // The log holds no escape sequence and no forged line.
        let log = home.log();
        assert_inert("log", log.as_bytes());
        assert!(
            !log.lines().any(|l| l.starts_with("FORGED")),
            "forged log line: {log}"
        );
        assert!(log.contains("\\u{1b}]0;PWNED"), "escaped in the log: {log}");
    }
}

#[test]
fn get_tables_and_json_escape_what_the_server_named() {
    let names = serde_json::json!([
        {"name": format!("A{INJECTED}"), "tags": [INJECTED], "owner": INJECTED, "visibility": "public"},
        {"name": "B\u{85}\u{2066}x\u{feff}", "tags": [], "owner": "o", "visibility": "public"}
    ])
    .to_string();
    let h = Hostile::start(Payload::json(200, &names));
    let home = Home::new();
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_inert("table", &o.stdout);
    let o = home.run(Some(&h.base()), &["get", "secrets", "-o", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_inert("json", &o.stdout);
    let text = String::from_utf8_lossy(&o.stdout);
    for esc in [
        "\\u001b", "\\u009b", "\\u202e", "\\u0085", "\\u2066", "\\ufeff",
    ] {
        assert!(text.contains(esc), "{esc} in {text}");
    }
    // Still JSON, and the names survive exactly.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["items"][0]["name"], format!("A{INJECTED}"));
}

// ------------------------------------------------------------ secrets

#[test]
fn a_server_that_echoes_the_token_never_gets_it_shown_or_logged() {
    let h = Hostile::start(Payload::EchoAuthorization);
    let home = Home::new();
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(!e.contains("0123456789abcdef"), "{e}");
    let log = home.log();
    assert!(!log.contains("0123456789abcdef"), "token in the log: {log}");
    assert!(log.contains("Bearer ****") || log.contains("****"), "{log}");
    // And it did reach the server (so the echo was real).
    assert!(h.requests().iter().any(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "authorization" && v.contains(TOKEN))
    }));
}

// ------------------------------------------------------------ crash

#[test]
fn a_huge_retry_after_is_capped_and_shown() {
    for value in ["18446744073709551615", "99999999999999999999999999", "601"] {
        let h = Hostile::start(
            Payload::json(429, r#"{"code":"TooMany","message":"slow down"}"#)
                .with_header("retry-after", value),
        );
        let home = Home::new();
        let o = home.run(Some(&h.base()), &["get", "secrets"]);
        let e = assert_one_clean_line(&o);
        assert!(e.contains("retry after 600s"), "{value}: {e}");
    }
}

// ------------------------------------------------------------ redirects

fn client(base: &str) -> lepdash::api::Client {
    lepdash::api::Client::new(lepdash::api::ClientConfig::new(
        base,
        SecretString::from(TOKEN.to_string()),
    ))
    .unwrap()
}

#[test]
fn redirects_are_not_followed_and_name_the_target() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let other = Hostile::start(Payload::json(201, "{}"));
    for status in [301, 302, 303, 307, 308] {
        let h = Hostile::start(Payload::Redirect {
            status,
            location: format!("{}/api/v2/workspaces/ws1/usersecrets", other.origin()),
        });
        let c = client(&h.base());
        let write = lepdash::api::types::SecretWrite {
            name: "DB_PASSWORD".into(),
            value: SecretString::from("s3cr3t-value".to_string()),
            visibility: None,
            tags: Vec::new(),
        };
        let e = rt.block_on(c.put_secrets(&[write])).unwrap_err();
        assert!(
            matches!(e, lepdash::api::ApiError::Redirect { .. }),
            "{status}: {e}"
        );
        assert!(e.to_string().contains(&other.addr.to_string()), "{e}");
        let e = rt.block_on(c.secrets()).unwrap_err();
        assert!(matches!(e, lepdash::api::ApiError::Redirect { .. }), "{e}");
    }
    assert!(
        other.requests().is_empty(),
        "the second host got {:?}",
        other.requests()
    );
}

// ------------------------------------------------------------ sizes

#[test]
fn an_endless_answer_ends_at_the_size_cap_with_a_clear_line() {
    let h = Hostile::start(Payload::Endless {
        bytes: 1024 * 1024 * 1024,
    });
    let home = Home::new();
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.contains("larger than the limit of 32.0 MiB"), "{e}");
    assert!(e.contains("max_response_mib"), "{e}");
    // The limit is configurable.
    std::fs::write(home.path().join("config.toml"), "max_response_mib = 1\n").unwrap();
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.contains("larger than the limit of 1.0 MiB"), "{e}");
}

#[test]
fn a_huge_error_message_is_cut_on_stderr_and_in_the_log() {
    let big = "A".repeat(2 * 1024 * 1024);
    let json = format!(r#"{{"code":"Big","message":"{big}"}}"#);
    let h = Hostile::start(Payload::json(500, &json));
    let home = Home::new();
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.len() < 1000, "{} bytes", e.len());
    let log = home.log();
    assert!(log.len() < 20_000, "log of {} bytes", log.len());
}

// ------------------------------------------------------------ URLs

#[test]
fn a_url_with_a_password_is_refused_without_showing_it() {
    let home = Home::new();
    for url in [
        "http://user:hunter2pw@127.0.0.1:9/api/v2/workspaces/ws1",
        "HTTPS://user:hunter2pw@127.0.0.1:9/api/v2/workspaces/ws1",
    ] {
        for args in [&["get", "secrets"][..], &["info"][..]] {
            let o = home.run(Some(url), args);
            let all = format!("{}{}", stderr(&o), String::from_utf8_lossy(&o.stdout));
            assert!(!all.contains("hunter2pw"), "{all}");
            assert!(all.contains("user name or password"), "{all}");
        }
        let o = home.run(Some(url), &["get", "secrets"]);
        assert_one_clean_line(&o);
    }
    assert!(!home.log().contains("hunter2pw"));
}

#[test]
fn plain_http_in_any_case_is_warned_about_off_loopback_only() {
    let home = Home::new();
    // `info` makes no request: the warning is visible without any traffic.
    for url in [
        "HTTP://example.com/api/v2/workspaces/ws1",
        "Http://10.1.2.3:8080/api/v2/workspaces/ws1",
    ] {
        let o = home.run(Some(url), &["info"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("plain http"), "{url}: {out}");
    }
    for url in [
        "HTTP://127.0.0.1:9/api/v2/workspaces/ws1",
        "http://127.1.2.3:9/api/v2/workspaces/ws1",
        "http://[::1]:9/api/v2/workspaces/ws1",
        "http://LOCALHOST:9/api/v2/workspaces/ws1",
    ] {
        let o = home.run(Some(url), &["info"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains("plain http"), "{url}: {out}");
    }
}

// ------------------------------------------------------------ local files

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_as_config_or_record_is_refused_not_read() {
    let h = Hostile::start(Payload::json(200, "[]"));
    let home = Home::new();
    // The settings file: a FIFO, then a link to /dev/zero.
    let config = home.path().join("config.toml");
    std::fs::remove_file(&config).unwrap();
    mkfifo(&config);
    let o = home.run(Some(&h.base()), &["info"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("not a regular file"), "{out}");
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("named pipe"), "{}", stderr(&o));
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &config).unwrap();
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    assert!(stderr(&o).contains("a device"), "{}", stderr(&o));
    std::fs::remove_file(&config).unwrap();
    std::fs::write(&config, "").unwrap();
    // The login record.
    let record = home.path().join("lepton/workspace_info.yaml");
    mkfifo(&record);
    let o = home.run(None, &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.contains("not a regular file"), "{e}");
    std::fs::remove_file(&record).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &record).unwrap();
    let o = home.run(None, &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.contains("a device"), "{e}");
}

#[test]
fn a_record_with_too_many_entries_names_the_limit() {
    let home = Home::new();
    let record = home.path().join("lepton/workspace_info.yaml");
    // Small enough in bytes, too many entries.
    let mut yaml = String::from("current_workspace: w0\nworkspaces:\n");
    for i in 0..5000 {
        yaml.push_str(&format!("  w{i}: {{}}\n"));
    }
    std::fs::write(&record, &yaml).unwrap();
    let o = home.run(None, &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.contains("at most 1000"), "{e}");
    // And a huge one: the size limit.
    let mut big = String::from("current_workspace: w0\nworkspaces:\n");
    for i in 0..200_000 {
        big.push_str(&format!("  w{i}: {{auth_token: t}}\n"));
    }
    std::fs::write(&record, &big).unwrap();
    let o = home.run(None, &["get", "secrets"]);
    let e = assert_one_clean_line(&o);
    assert!(e.contains("too large"), "{e}");
    assert!(e.contains("limit is 1048576 bytes"), "{e}");
}

#[cfg(unix)]
#[test]
fn the_log_never_writes_through_a_planted_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let victim = home.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&victim, home.path().join("log/lepdash.log")).unwrap();
    let h = Hostile::start(Payload::json(200, "[]"));
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn unknown_config_keys_are_shown_sanitized() {
    let home = Home::new();
    std::fs::write(
        home.path().join("config.toml"),
        "\"evil\\u001b]0;PWNED\\u0007key\" = 1\n",
    )
    .unwrap();
    let h = Hostile::start(Payload::json(200, "[]"));
    let o = home.run(Some(&h.base()), &["get", "secrets"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown key"), "{}", stderr(&o));
    assert_inert("stderr", &o.stderr);
    let o = home.run(Some(&h.base()), &["info"]);
    assert_inert("info", &o.stdout);
}
