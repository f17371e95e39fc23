//! `lepdash watch` end to end: the real binary against the in-process
//! emulator on 127.0.0.1. Scripted changes through the API come out as JSON
//! lines; `--once` compares with the saved snapshot and saves the new one;
//! a closed pipe and SIGTERM end it cleanly; a failed poll is `stale`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use lepdash::api::types::{Role, SecretWrite};
use lepdash::api::{Client, ClientConfig};
use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// A value that must never be printed.
const CANARY: &str = "watch-canary-secret-value";

struct Emu {
    handle: Option<EmulatorHandle>,
    rt: tokio::runtime::Runtime,
    home: tempfile::TempDir,
}

impl Emu {
    fn start() -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.block_on(start(EmulatorOptions::default())).unwrap();
        Emu {
            handle: Some(handle),
            rt,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn handle(&self) -> &EmulatorHandle {
        self.handle.as_ref().unwrap()
    }

    fn token(&self) -> String {
        self.handle().admin_token().expose_secret().to_string()
    }

    fn base_url(&self) -> String {
        self.handle()
            .workspaces()
            .into_iter()
            .find(|w| w.id == "demo")
            .unwrap()
            .base_url
    }

    fn client(&self) -> Client {
        Client::new(ClientConfig::new(
            self.base_url(),
            SecretString::from(self.token()),
        ))
        .unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let home = self.home.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_lepdash"));
        c.arg("watch")
            .args(args)
            .env_clear()
            .env("HOME", home)
            .env("LEPTON_CACHE_DIR", home.join("lepton"))
            .env("LEPDASH_LOG_DIR", home.join("log"))
            .env("LEPDASH_STATE_DIR", home.join("state"))
            .env("LEPTON_WORKSPACE_URL", self.base_url())
            .env("LEPTON_WORKSPACE_TOKEN", self.token());
        c
    }

    fn once(&self, args: &[&str]) -> Output {
        let mut all = vec!["--once"];
        all.extend_from_slice(args);
        let o = self.command(&all).output().unwrap();
        assert!(o.status.success(), "stderr: {}", text(&o.stderr));
        o
    }

    /// Scripted changes through the API: a secret added, one deleted, a
    /// member's role changed.
    fn change_things(&self) -> String {
        let c = self.client();
        self.rt
            .block_on(async {
                c.put_secrets(&[SecretWrite {
                    name: "WATCHED_SECRET".into(),
                    value: SecretString::from(CANARY.to_string()),
                    visibility: None,
                    tags: Vec::new(),
                }])
                .await
                .unwrap();
                let secrets = c.secrets().await.unwrap().items;
                let gone = secrets
                    .iter()
                    .find(|s| s.name != "WATCHED_SECRET")
                    .unwrap()
                    .name
                    .clone();
                c.delete_secret(&gone).await.unwrap();
                let members = c.members().await.unwrap().items;
                let m = members
                    .iter()
                    .find(|m| m.role == Role::Viewer)
                    .expect("a viewer in the seed");
                c.change_member_role(&m.id, Role::User).await.unwrap();
                gone
            })
            .to_string()
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        let handle = self.handle.take();
        let _guard = self.rt.enter();
        drop(handle);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn lines(o: &Output) -> Vec<Value> {
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn has(lines: &[Value], resource: &str, event: &str, id: &str) -> bool {
    lines
        .iter()
        .any(|l| l["resource"] == resource && l["event"] == event && l["id"] == id)
}

#[test]
fn once_prints_the_differences_against_the_saved_snapshot() {
    let emu = Emu::start();
    // First run: nothing saved yet, nothing to compare; the snapshot is saved.
    let first = emu.once(&[]);
    assert!(lines(&first).is_empty(), "{}", text(&first.stdout));
    let snap = emu.home.path().join("state/snapshots");
    assert!(
        std::fs::read_dir(&snap).unwrap().next().is_some(),
        "a snapshot was saved"
    );
    let gone = emu.change_things();
    let second = emu.once(&[]);
    let got = lines(&second);
    assert!(has(&got, "secrets", "added", "WATCHED_SECRET"), "{got:#?}");
    assert!(has(&got, "secrets", "removed", &gone), "{got:#?}");
    let role = got
        .iter()
        .find(|l| l["resource"] == "members" && l["event"] == "changed")
        .expect("the role change");
    assert_eq!(role["fields"][0]["field"], "role");
    assert_eq!(role["fields"][0]["old"], "viewer");
    assert_eq!(role["fields"][0]["new"], "user");
    for l in &got {
        assert_eq!(l["schema"], 1);
        assert_eq!(l["workspace"], "demo");
        assert_eq!(l["origin"], "while_away");
        assert!(l["time"].as_str().unwrap().ends_with('Z'));
    }
    let out = format!("{}{}", text(&second.stdout), text(&second.stderr));
    assert!(!out.contains(CANARY), "a secret value was printed");
    assert!(!out.contains(&emu.token()), "the token was printed");
    // Saved again: a third run has nothing new.
    assert!(lines(&emu.once(&[])).is_empty());
}

#[test]
fn kinds_filter_and_text_output() {
    let emu = Emu::start();
    emu.once(&[]);
    emu.change_things();
    let o = emu.once(&["--kinds", "members", "-o", "text"]);
    let out = text(&o.stdout);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(rows[0].contains(" demo members changed "), "{out}");
    assert!(rows[0].contains("role: viewer → user"), "{out}");
    assert!(rows[0].ends_with("[while away]"), "{out}");
    // A wrong kind is one line and a failure.
    let bad = emu.command(&["--kinds", "secretz"]).output().unwrap();
    assert!(!bad.status.success());
    let err = text(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("lepdash: --kinds: unknown kind"), "{err}");
}

/// Read lines from the child until one matches (or the output ends).
fn wait_for_line(child: &mut Child, want: impl Fn(&Value) -> bool) -> Option<Value> {
    let out = child.stdout.as_mut().unwrap();
    let mut reader = BufReader::new(out);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            return None;
        }
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        if want(&v) {
            return Some(v);
        }
    }
}

#[test]
fn live_events_then_sigterm_ends_cleanly() {
    let emu = Emu::start();
    emu.once(&[]);
    let mut child = emu
        .command(&["--interval", "1s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Secrets keep appearing until one is seen live (the first ones may be
    // part of the baseline poll; no sleeping on a guess).
    let client = emu.client();
    let handle = emu.rt.handle().clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let pinger = std::thread::spawn(move || {
        for i in 0..200 {
            if stop2.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            handle.block_on(async {
                client
                    .put_secrets(&[SecretWrite {
                        name: format!("PING_{i}"),
                        value: SecretString::from(CANARY.to_string()),
                        visibility: None,
                        tags: Vec::new(),
                    }])
                    .await
                    .unwrap();
            });
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    });
    let added = wait_for_line(&mut child, |v| {
        v["event"] == "added"
            && v["origin"] == "live"
            && v["id"].as_str().is_some_and(|s| s.starts_with("PING_"))
    })
    .expect("a live added event");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    pinger.join().unwrap();
    assert_eq!(added["origin"], "live");
    assert_eq!(added["resource"], "secrets");
    // A poll failing is an event, not an exit.
    emu.handle().set_faults("error-rate=1").unwrap();
    let stale = wait_for_line(&mut child, |v| v["event"] == "stale").expect("stale");
    assert!(stale["resource"].is_string());
    emu.handle().set_faults("none").unwrap();
    wait_for_line(&mut child, |v| v["event"] == "recovered").expect("recovered");
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM is a clean exit: {status:?}");
}

#[test]
fn a_closed_pipe_ends_it_cleanly() {
    let emu = Emu::start();
    emu.once(&[]);
    emu.change_things();
    // Like `lepdash watch | head -1`: the reader goes away after one line.
    let mut child = emu
        .command(&["--interval", "1s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let out = child.stdout.as_mut().unwrap();
        let mut reader = BufReader::new(out);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("{\"schema\":1"), "{line}");
    }
    drop(child.stdout.take());
    // More changes give it something to write into the closed pipe.
    let c = emu.client();
    emu.rt.block_on(async {
        for i in 0..3 {
            c.put_secrets(&[SecretWrite {
                name: format!("PIPE_{i}"),
                value: SecretString::from(CANARY.to_string()),
                visibility: None,
                tags: Vec::new(),
            }])
            .await
            .unwrap();
        }
    });
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(text(&o.stderr).is_empty(), "{}", text(&o.stderr));
}

/// The activity file's events as JSON values (oldest first).
fn activity_file(emu: &Emu) -> Vec<Value> {
    let path = emu.home.path().join("state/activity.jsonl");
    match std::fs::read_to_string(path) {
        Ok(t) => t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn in_file(events: &[Value], resource: &str, kind: &str, id: &str) -> usize {
    events
        .iter()
        .filter(|e| e["resource"] == resource && e["kind"] == kind && e["id"] == id)
        .count()
}

#[test]
fn watch_writes_what_it_saw_to_the_activity_file_once() {
    let emu = Emu::start();
    emu.once(&[]);
    assert!(
        activity_file(&emu).is_empty(),
        "nothing seen, nothing written"
    );
    let gone = emu.change_things();
    // The dashboard, running too, already recorded the new secret (as its
    // own change) a moment ago.
    let h = lepdash::history::History::new(emu.home.path().join("state"));
    let now = lepdash::app::format::ms_of(std::time::SystemTime::now());
    let mut dash = lepdash::app::changes::ActivityLog::new();
    dash.push(lepdash::app::changes::Event {
        time_ms: now - 5_000,
        workspace: "demo".into(),
        resource: lepdash::protocol::ResourceKind::Secrets,
        id: "WATCHED_SECRET".into(),
        name: "WATCHED_SECRET".into(),
        kind: lepdash::app::changes::EventKind::Added,
        fields: vec![],
        yours: true,
        origin: lepdash::app::changes::Origin::Live,
        own: false,
    });
    h.save_activity(&dash).unwrap();
    // `--kinds` limits what is printed, not what is recorded.
    let o = emu.once(&["--kinds", "members"]);
    assert_eq!(lines(&o).len(), 1, "{}", text(&o.stdout));
    let file = activity_file(&emu);
    assert_eq!(
        in_file(&file, "secrets", "added", "WATCHED_SECRET"),
        1,
        "one change seen by both is kept once: {file:#?}"
    );
    let kept = file.iter().find(|e| e["id"] == "WATCHED_SECRET").unwrap();
    assert_eq!(kept["yours"], true, "the dashboard's record stays");
    assert_eq!(in_file(&file, "secrets", "removed", &gone), 1, "{file:#?}");
    assert!(
        file.iter()
            .any(|e| e["resource"] == "members" && e["kind"] == "changed"),
        "{file:#?}"
    );
    // The dashboard reads it as it reads its own.
    let log = h.load_activity();
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
    assert_eq!(log.value.len(), file.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(h.activity_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let all = std::fs::read_to_string(h.activity_path()).unwrap();
    assert!(!all.contains(CANARY), "a secret value reached the file");
    assert!(
        !emu.home.path().join("state/activity.lock").exists(),
        "the lock is released"
    );
    // Nothing new: the file is not touched.
    let before = std::fs::read_to_string(h.activity_path()).unwrap();
    emu.once(&[]);
    assert_eq!(std::fs::read_to_string(h.activity_path()).unwrap(), before);
}

#[test]
fn workload_kinds_are_watched() {
    let emu = Emu::start();
    emu.once(&[]);
    let c = emu.client();
    emu.rt.block_on(async {
        let jobs = c
            .jobs(&lepdash::api::workloads::JobQuery::default())
            .await
            .unwrap();
        let mut job = jobs.jobs.items[0].clone();
        job.metadata.id = Some("watched-job".into());
        job.metadata.name = Some("watched-job".into());
        job.status = None;
        c.create_job(&job).await.unwrap();
    });
    let o = emu.once(&["--kinds", "jobs"]);
    let got = lines(&o);
    assert!(has(&got, "jobs", "added", "watched-job"), "{got:#?}");
    assert!(got.iter().all(|l| l["resource"] == "jobs"), "{got:#?}");
    assert_eq!(
        in_file(&activity_file(&emu), "jobs", "added", "watched-job"),
        1
    );
}
