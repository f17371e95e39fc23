//! The activity file and the snapshots (`src/history.rs`): round trips,
//! the 10,000-event bound, file modes under umask 000, and hostile files
//! (corrupt, oversized, FIFO, symlink) giving a warning and a fresh start.

#[path = "support/sample.rs"]
mod sample;

use std::path::Path;

use lepdash::app::changes::{
    ActivityLog, Event, EventKind, FieldChange, Origin, Snapshot, TokenSnap,
};
use lepdash::history::{self, History, MAX_ACTIVITY_BYTES};
use sample::{NOW_MS, OWN_TOKEN_ID};
// The one import of the shared vocabulary.
use lepdash::protocol::ResourceKind;

const WS: &str = "xfre17eu";

fn ev(i: usize) -> Event {
    Event {
        time_ms: NOW_MS + i as i64,
        workspace: WS.into(),
        resource: ResourceKind::Members,
        id: format!("u-{i}"),
        name: format!("user{i}@example.com"),
        kind: EventKind::Changed,
        fields: vec![FieldChange {
            field: "role".into(),
            old: "user".into(),
            new: "admin".into(),
        }],
        yours: i.is_multiple_of(2),
        origin: if i.is_multiple_of(3) {
            Origin::WhileAway
        } else {
            Origin::Live
        },
        own: i == 1,
    }
}

fn log_of(n: usize) -> ActivityLog {
    let mut log = ActivityLog::new();
    for i in 0..n {
        log.push(ev(i));
    }
    log
}

fn full_snapshot() -> Snapshot {
    let mut s = Snapshot::new(WS, NOW_MS);
    s.members = Some(sample::members());
    s.tokens = Some(TokenSnap {
        list: sample::tokens(),
        own_id: Some(OWN_TOKEN_ID.into()),
    });
    s.secrets = Some(sample::secrets());
    s.registries = Some(sample::registries());
    s.templates = Some(sample::templates());
    s
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn activity_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path().join("state"));
    let loaded = h.load_activity();
    assert!(
        loaded.value.is_empty() && loaded.warnings.is_empty(),
        "no file yet"
    );
    let log = log_of(25);
    h.save_activity(&log).unwrap();
    let loaded = h.load_activity();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.value, log);
    // Oldest first on disk (tail -f / jq friendly).
    let text = std::fs::read_to_string(h.activity_path()).unwrap();
    assert_eq!(text.lines().count(), 25);
    assert!(text.lines().next().unwrap().contains("\"u-0\""));
}

#[test]
fn the_written_file_keeps_the_newest_events_that_fit_its_byte_cap() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path().join("state"));
    // 10,000 events of ~4 KB: more than the cap, so the oldest go.
    let big = "x".repeat(4096);
    let mut log = ActivityLog::new();
    for i in 0..10_000 {
        let mut e = ev(i);
        e.fields[0].new = big.clone();
        log.push(e);
    }
    h.save_activity(&log).unwrap();
    let len = std::fs::metadata(h.activity_path()).unwrap().len();
    assert!(len <= MAX_ACTIVITY_BYTES, "{len}");
    assert!(len > MAX_ACTIVITY_BYTES - 8192, "as many as fit: {len}");
    let text = std::fs::read_to_string(h.activity_path()).unwrap();
    let n = text.lines().count();
    assert!(n < 10_000 && n > 7_000, "{n}");
    // Oldest first, and the newest is the last line.
    assert!(text.lines().last().unwrap().contains("\"u-9999\""));
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains(&format!("\"u-{}\"", 10_000 - n))
    );
    let loaded = h.load_activity();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.value.len(), n);
}

#[test]
fn a_held_lock_defers_an_append_until_the_last_one() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path().join("state"));
    h.save_activity(&log_of(2)).unwrap();
    // Another writer (here: this test) holds the lock throughout.
    let held = h.lock_activity();
    assert!(!held.busy());
    assert!(
        dir.path()
            .join("state")
            .join(history::ACTIVITY_LOCK)
            .exists()
    );
    assert!(
        h.lock_activity().busy(),
        "taken: the second waits, then says busy"
    );
    let more = [ev(7), ev(8)];
    assert_eq!(h.append_activity(&more, false).unwrap(), None);
    assert_eq!(
        h.load_activity().value.len(),
        2,
        "nothing written while busy"
    );
    // The last write (on exit) goes ahead without the lock.
    assert_eq!(h.append_activity(&more[..1], true).unwrap(), Some(1));
    assert_eq!(h.load_activity().value.len(), 3);
    // Released: the kept events are merged (the one already written once).
    drop(held);
    assert!(
        !dir.path()
            .join("state")
            .join(history::ACTIVITY_LOCK)
            .exists()
    );
    assert_eq!(h.append_activity(&more, false).unwrap(), Some(1));
    assert_eq!(h.load_activity().value.len(), 4);
}

#[test]
fn activity_is_bounded_to_10000() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    h.save_activity(&log_of(10_500)).unwrap();
    let text = std::fs::read_to_string(h.activity_path()).unwrap();
    assert_eq!(text.lines().count(), 10_000);
    // A longer file (written by hand, or an older version) loads the
    // newest 10,000.
    let mut long = String::new();
    for i in 0..12_000 {
        long.push_str(&serde_json::to_string(&ev(i)).unwrap());
        long.push('\n');
    }
    std::fs::write(h.activity_path(), long).unwrap();
    let loaded = h.load_activity();
    assert_eq!(loaded.value.len(), 10_000);
    assert_eq!(loaded.value.get(0).unwrap().id, "u-11999");
    assert_eq!(loaded.value.iter().last().unwrap().id, "u-2000");
}

#[test]
fn corrupt_lines_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let good = serde_json::to_string(&ev(7)).unwrap();
    let unknown_kind = good.replace("\"changed\"", "\"exploded\"");
    std::fs::write(
        h.activity_path(),
        format!("{good}\n{{not json\n\n{unknown_kind}\n[1,2]\n"),
    )
    .unwrap();
    let loaded = h.load_activity();
    assert_eq!(loaded.value.len(), 1);
    assert_eq!(loaded.value.get(0).unwrap(), &ev(7));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(loaded.warnings[0].contains("3 unreadable line(s)"));
}

#[test]
fn garbage_and_binary_files_are_a_fresh_start() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    std::fs::write(h.activity_path(), [0xff, 0xfe, 0x00, 0x81]).unwrap();
    let loaded = h.load_activity();
    assert!(loaded.value.is_empty());
    assert!(
        loaded.warnings[0].contains("not UTF-8"),
        "{:?}",
        loaded.warnings
    );
    assert!(loaded.warnings[0].contains("starting fresh"));
    // The next save replaces it with a good file.
    h.save_activity(&log_of(2)).unwrap();
    assert_eq!(h.load_activity().value.len(), 2);

    std::fs::create_dir_all(dir.path().join("snapshots")).unwrap();
    std::fs::write(h.snapshot_path(WS), "{\"schema\":1,\"workspace\":").unwrap();
    let loaded = h.load_snapshot(WS);
    assert!(loaded.value.is_none());
    assert_eq!(loaded.warnings.len(), 1);
    assert!(
        loaded.warnings[0].contains("unreadable"),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn hostile_strings_are_sanitized_on_read() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let mut e = ev(3);
    e.name = "evil\u{1b}]52;c;AAAA\u{7}\u{202e}".into();
    e.fields[0].new = "x\u{9b}2J".into();
    std::fs::write(h.activity_path(), serde_json::to_string(&e).unwrap() + "\n").unwrap();
    let loaded = h.load_activity();
    let got = loaded.value.get(0).unwrap();
    assert_eq!(got.name, "evil?]52;c;AAAA??");
    assert_eq!(got.fields[0].new, "x?2J");
}

#[test]
fn oversized_file_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let f = std::fs::File::create(h.activity_path()).unwrap();
    f.set_len(MAX_ACTIVITY_BYTES + 1).unwrap(); // sparse: cheap
    let loaded = h.load_activity();
    assert!(loaded.value.is_empty());
    assert!(
        loaded.warnings[0].contains("larger than"),
        "{:?}",
        loaded.warnings
    );
}

#[cfg(unix)]
#[test]
fn fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let st = std::process::Command::new("mkfifo")
        .arg(h.activity_path())
        .status()
        .unwrap();
    assert!(st.success());
    // Opening a FIFO for reading would block this test forever.
    let loaded = h.load_activity();
    assert!(loaded.value.is_empty());
    assert!(
        loaded.warnings[0].contains("not a regular file"),
        "{:?}",
        loaded.warnings
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_neither_read_nor_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("victim");
    // A valid activity file, but behind a symlink.
    let good = serde_json::to_string(&ev(1)).unwrap() + "\n";
    std::fs::write(&target, &good).unwrap();
    let h = History::new(dir.path());
    std::os::unix::fs::symlink(&target, h.activity_path()).unwrap();
    let loaded = h.load_activity();
    assert!(loaded.value.is_empty());
    assert!(loaded.warnings[0].contains("not a regular file"));
    // Saving replaces the link itself; the target is untouched.
    h.save_activity(&log_of(3)).unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), good);
    let meta = std::fs::symlink_metadata(h.activity_path()).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(h.load_activity().value.len(), 3);
}

#[test]
fn snapshot_round_trip_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let loaded = h.load_snapshot(WS);
    assert!(loaded.value.is_none() && loaded.warnings.is_empty());
    let snap = full_snapshot();
    h.save_snapshot(&snap).unwrap();
    let loaded = h.load_snapshot(WS);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.value.as_ref(), Some(&snap));
    // Another workspace's snapshot is separate.
    assert!(h.load_snapshot("other").value.is_none());
    // A snapshot copied to the wrong name is not trusted.
    std::fs::copy(h.snapshot_path(WS), h.snapshot_path("other")).unwrap();
    let loaded = h.load_snapshot("other");
    assert!(loaded.value.is_none());
    assert!(loaded.warnings[0].contains("another workspace"));
    // Another format version is ignored.
    let text = std::fs::read_to_string(h.snapshot_path(WS))
        .unwrap()
        .replacen("\"schema\":1", "\"schema\":99", 1);
    std::fs::write(h.snapshot_path(WS), text).unwrap();
    let loaded = h.load_snapshot(WS);
    assert!(loaded.value.is_none());
    assert!(loaded.warnings[0].contains("format version 99"));
}

#[test]
fn a_streamed_snapshot_is_the_document_the_copying_writer_wrote() {
    // The file format is unchanged: the bytes are those of serializing the
    // whole `Snapshot` at once (what earlier versions wrote and read back),
    // workload rows included.
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let mut snap = full_snapshot();
    snap.jobs = Some(vec![lepdash::app::changes::workloads::Row {
        key: "job-1".into(),
        label: "train".into(),
        fields: vec![("state".into(), "Running".into())],
    }]);
    snap.nodes = Some(Vec::new());
    h.save_snapshot(&snap).unwrap();
    let written = std::fs::read(h.snapshot_path(WS)).unwrap();
    assert_eq!(written, serde_json::to_vec(&snap).unwrap());
    assert_eq!(h.load_snapshot(WS).value.as_ref(), Some(&snap));
    // Only the file itself: the temporary file was renamed over it.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from(format!("{WS}.json"))]);
    #[cfg(unix)]
    assert_eq!(mode(&h.snapshot_path(WS)), 0o600);
}

#[cfg(unix)]
#[test]
fn a_failed_snapshot_write_leaves_the_old_file() {
    // A directory where the temporary file would go: the write fails, the
    // previous snapshot stays whole.
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    let old = Snapshot::new(WS, NOW_MS);
    h.save_snapshot(&old).unwrap();
    let tmp = dir
        .path()
        .join("snapshots")
        .join(format!(".{WS}.json.{}.tmp", std::process::id()));
    std::fs::create_dir(&tmp).unwrap();
    assert!(h.save_snapshot(&full_snapshot()).is_err());
    assert_eq!(h.load_snapshot(WS).value, Some(old));
}

#[test]
fn workspace_ids_cannot_escape_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    for ws in [
        "../../etc/passwd",
        ".hidden",
        "a/b",
        "",
        "ws with spaces",
        &"x".repeat(300),
    ] {
        let p = h.snapshot_path(ws);
        assert_eq!(p.parent().unwrap(), dir.path().join("snapshots"), "{ws:?}");
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(!name.starts_with('.') && !name.contains('/'), "{name}");
        let snap = Snapshot::new(ws, NOW_MS);
        h.save_snapshot(&snap).unwrap();
        assert_eq!(h.load_snapshot(ws).value, Some(snap));
    }
    assert_eq!(history::file_stem("demo-1.prod_x"), "demo-1.prod_x");
    assert_ne!(history::file_stem("a/b"), history::file_stem("a_b"));
}

#[test]
fn state_dir_override() {
    let env = |k: &str| (k == "LEPDASH_STATE_DIR").then(|| "/tmp/lepdash-x".to_string());
    assert_eq!(
        history::state_dir(&env).unwrap(),
        Path::new("/tmp/lepdash-x")
    );
    let h = History::from_env(&env).unwrap();
    assert_eq!(
        h.activity_path(),
        Path::new("/tmp/lepdash-x/activity.jsonl")
    );
    // Blank means unset.
    let blank = |k: &str| (k == "LEPDASH_STATE_DIR").then(|| "  ".to_string());
    assert_ne!(
        history::state_dir(&blank),
        Some(Path::new("  ").to_path_buf())
    );
}

/// The child half of `modes_under_umask_000`: writes the files into the
/// directory named by the variable (only when run by the parent).
const CHILD_DIR: &str = "LEPDASH_HISTORY_TEST_CHILD_DIR";

#[cfg(unix)]
#[test]
fn modes_under_umask_000() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        let root = Path::new(&dir);
        let h = History::new(root.join("state").join("deep"));
        h.save_activity(&log_of(3)).unwrap();
        h.save_snapshot(&full_snapshot()).unwrap();
        // Control: a plain file shows the umask really is 000.
        std::fs::write(root.join("control"), "x").unwrap();
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state").join("deep");
    let exe = std::env::current_exe().unwrap();
    let st = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(&exe)
        .args(["--exact", "modes_under_umask_000", "--test-threads=1"])
        .env(CHILD_DIR, tmp.path())
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "child failed: {}{}",
        String::from_utf8_lossy(&st.stdout),
        String::from_utf8_lossy(&st.stderr)
    );
    assert_eq!(
        mode(&tmp.path().join("control")),
        0o666,
        "umask 000 in effect"
    );
    let h = History::new(&state);
    assert_eq!(mode(&tmp.path().join("state")), 0o700);
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("snapshots")), 0o700);
    assert_eq!(mode(&h.activity_path()), 0o600);
    assert_eq!(mode(&h.snapshot_path(WS)), 0o600);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[cfg(unix)]
#[test]
fn loose_existing_file_is_replaced_by_a_private_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    std::fs::write(h.activity_path(), "").unwrap();
    std::fs::set_permissions(h.activity_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    h.save_activity(&log_of(1)).unwrap();
    assert_eq!(mode(&h.activity_path()), 0o600);
}

#[test]
fn fleet_workspaces_keep_their_own_snapshot_files() {
    use lepdash::sync::fleet::FLEET_KINDS;
    let dir = tempfile::tempdir().unwrap();
    let h = History::new(dir.path());
    // The current workspace: everything the dashboard polled.
    let current = full_snapshot();
    h.save_snapshot(&current).unwrap();
    // A fleet workspace: only what the fleet polls.
    let mut team2 = full_snapshot();
    team2.workspace = "team2".into();
    let team2 = team2.only(&FLEET_KINDS);
    assert!(team2.members.is_some() && team2.tokens.is_some() && team2.secrets.is_some());
    assert!(team2.registries.is_none() && team2.templates.is_none());
    h.save_snapshot(&team2).unwrap();
    // A hostile id stays inside the directory.
    let mut odd = team2.clone();
    odd.workspace = "../team3".into();
    h.save_snapshot(&odd).unwrap();
    assert_eq!(h.load_snapshot(WS).value.as_ref(), Some(&current));
    assert_eq!(h.load_snapshot("team2").value.as_ref(), Some(&team2));
    assert_eq!(h.load_snapshot("../team3").value.as_ref(), Some(&odd));
    let files = std::fs::read_dir(dir.path().join(history::SNAPSHOT_DIR))
        .unwrap()
        .count();
    assert_eq!(files, 3, "one file per workspace, no leftovers");
    #[cfg(unix)]
    for ws in [WS, "team2", "../team3"] {
        assert_eq!(mode(&h.snapshot_path(ws)), 0o600, "{ws}");
    }
    // One unusable file is a warning for that workspace only.
    #[cfg(unix)]
    {
        let p = h.snapshot_path("team2");
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink(h.snapshot_path(WS), &p).unwrap();
        let loaded = h.load_snapshot("team2");
        assert!(loaded.value.is_none());
        assert!(
            loaded.warnings[0].contains("not a regular file"),
            "{:?}",
            loaded.warnings
        );
        assert_eq!(h.load_snapshot(WS).value, Some(current));
    }
}
