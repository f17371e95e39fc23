//! The files behind "what changed": the activity file (the last 10,000
//! events) and, per workspace, the snapshot of the last poll of each
//! resource (for "while you were away").
//!
//! They live in the user's state directory (Linux:
//! `~/.local/state/lepdash/`; elsewhere the local data directory), or in
//! `LEPDASH_STATE_DIR`. The directory is created 0700 (the helper the log
//! file uses), files are written 0600 and atomically (a temporary file in
//! the same directory, synced, then renamed over the old one).
//!
//! The files are treated as hostile on read: only regular files (never a
//! symlink, FIFO or device), at most [`MAX_ACTIVITY_BYTES`] /
//! [`MAX_SNAPSHOT_BYTES`], every string re-sanitized. A file that cannot be
//! used is a warning and a fresh start, never an error that stops lepdash.
//!
//! The dashboard and `lepdash watch` both write the activity file. Each
//! merges what the file holds with what it saw before writing (under
//! [`History::lock_activity`]); one change seen by both is kept once
//! (`Event::same_change`).
//!
//! ```text
//! STATE_DIR/activity.jsonl          one event per line, oldest first
//! STATE_DIR/activity.lock           held while a process merges and writes it
//! STATE_DIR/snapshots/<ws>.json     one Snapshot document per workspace
//! ```

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::changes::{
    ACTIVITY_CAP, ActivityLog, Event, Snapshot, SnapshotRef, snapshot::SNAPSHOT_SCHEMA,
};
use crate::local_file::{LocalFileError, Symlinks, read_local};
use crate::logging::create_private_dir;

/// The environment variable that overrides the state directory.
pub const STATE_DIR_ENV: &str = "LEPDASH_STATE_DIR";
/// The activity file's name.
pub const ACTIVITY_FILE: &str = "activity.jsonl";
/// The directory of the per-workspace snapshots.
pub const SNAPSHOT_DIR: &str = "snapshots";
/// A larger activity file is not read (10,000 events are a few MiB).
pub const MAX_ACTIVITY_BYTES: u64 = 32 * 1024 * 1024;
/// A larger snapshot is not read.
pub const MAX_SNAPSHOT_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot create the state directory {}: {source}", path.display())]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode {what}: {detail}")]
    Encode { what: &'static str, detail: String },
}

/// What a read produced, and the warnings to show (one line each, no file
/// content in them).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub value: T,
    pub warnings: Vec<String>,
}

/// The state directory: `LEPDASH_STATE_DIR`, else the user's state
/// directory, else the local data directory.
pub fn state_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = env(STATE_DIR_ENV).filter(|d| !d.trim().is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "lepdash")?;
    Some(
        dirs.state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.data_local_dir().to_path_buf()),
    )
}

/// The activity file and the snapshots of one state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    dir: PathBuf,
}

impl History {
    /// The files under `dir` (nothing is touched until a load or save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        History { dir: dir.into() }
    }

    /// The files under [`state_dir`], if there is one.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        state_dir(env).map(History::new)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn activity_path(&self) -> PathBuf {
        self.dir.join(ACTIVITY_FILE)
    }

    /// Where the snapshot of `workspace` is kept.
    pub fn snapshot_path(&self, workspace: &str) -> PathBuf {
        self.dir
            .join(SNAPSHOT_DIR)
            .join(format!("{}.json", file_stem(workspace)))
    }

    /// Read the activity log (newest [`ACTIVITY_CAP`] events). Unreadable
    /// lines are skipped and counted in one warning; an unusable file is
    /// a warning and an empty log.
    pub fn load_activity(&self) -> Loaded<ActivityLog> {
        let path = self.activity_path();
        let mut warnings = Vec::new();
        let bytes = match read_hostile(&path, MAX_ACTIVITY_BYTES) {
            Ok(Some(b)) => b,
            Ok(None) => return loaded(ActivityLog::new(), warnings),
            Err(why) => {
                warnings.push(fresh_start("activity file", &path, &why));
                return loaded(ActivityLog::new(), warnings);
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            warnings.push(fresh_start("activity file", &path, "not UTF-8 text"));
            return loaded(ActivityLog::new(), warnings);
        };
        let mut events = Vec::new();
        let mut bad = 0usize;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Event>(line) {
                Ok(e) => events.push(e.sanitized()),
                Err(_) => bad += 1,
            }
        }
        if bad > 0 {
            warnings.push(format!(
                "the activity file {} had {bad} unreadable line(s); they were skipped",
                path.display()
            ));
        }
        let log = ActivityLog::from_newest_first(events.into_iter().rev(), ACTIVITY_CAP);
        loaded(log, warnings)
    }

    /// Write the activity log (oldest first, at most [`ACTIVITY_CAP`]
    /// events and [`MAX_ACTIVITY_BYTES`]), atomically, 0600. Streamed: one
    /// pass measures the lines (newest first, to know which of the oldest
    /// do not fit), the second writes them; no copy of the file in memory.
    pub fn save_activity(&self, log: &ActivityLog) -> Result<(), HistoryError> {
        let encode_err = |e: serde_json::Error| HistoryError::Encode {
            what: "an event",
            detail: e.to_string(),
        };
        let mut total = 0u64;
        let mut fit = 0usize;
        for e in log.iter().take(ACTIVITY_CAP) {
            let mut counter = ByteCount(0);
            serde_json::to_writer(&mut counter, e).map_err(encode_err)?;
            total += counter.0 + 1;
            if total > MAX_ACTIVITY_BYTES {
                break; // the oldest do not fit: drop them, keep the file readable
            }
            fit += 1;
        }
        write_atomic_with(&self.dir, &self.activity_path(), |out| {
            for e in log.iter().take(fit).rev() {
                serde_json::to_writer(&mut *out, e).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        })
    }

    /// Read the snapshot of `workspace`, if there is a usable one.
    pub fn load_snapshot(&self, workspace: &str) -> Loaded<Option<Snapshot>> {
        let path = self.snapshot_path(workspace);
        let mut warnings = Vec::new();
        let bytes = match read_hostile(&path, MAX_SNAPSHOT_BYTES) {
            Ok(Some(b)) => b,
            Ok(None) => return loaded(None, warnings),
            Err(why) => {
                warnings.push(fresh_start("snapshot", &path, &why));
                return loaded(None, warnings);
            }
        };
        match serde_json::from_slice::<Snapshot>(&bytes) {
            Ok(s) if s.schema != SNAPSHOT_SCHEMA => {
                warnings.push(fresh_start(
                    "snapshot",
                    &path,
                    &format!("format version {} is not {SNAPSHOT_SCHEMA}", s.schema),
                ));
                loaded(None, warnings)
            }
            Ok(s) if s.workspace != workspace => {
                warnings.push(fresh_start(
                    "snapshot",
                    &path,
                    "it belongs to another workspace",
                ));
                loaded(None, warnings)
            }
            Ok(s) => loaded(Some(s), warnings),
            Err(e) => {
                // serde's message names a line/column and an expectation,
                // never the file's content.
                warnings.push(fresh_start("snapshot", &path, &format!("unreadable: {e}")));
                loaded(None, warnings)
            }
        }
    }

    /// Write the snapshot of `snap.workspace`, atomically, 0600.
    pub fn save_snapshot(&self, snap: &Snapshot) -> Result<(), HistoryError> {
        self.save_snapshot_ref(&snap.view())
    }

    /// Write a borrowed snapshot (the model's lists as they are), streamed
    /// into the temporary file: no copy of the lists, no whole document in
    /// memory. Atomically, 0600, as [`Self::save_snapshot`].
    pub fn save_snapshot_ref(&self, snap: &SnapshotRef<'_>) -> Result<(), HistoryError> {
        let dir = self.dir.join(SNAPSHOT_DIR);
        create_private_dir(&self.dir).map_err(|source| HistoryError::Dir {
            path: self.dir.clone(),
            source,
        })?;
        write_atomic_with(&dir, &self.snapshot_path(snap.workspace), |out| {
            // An encoding error (none is expected: every field is plain
            // data) surfaces as an I/O error of the write.
            serde_json::to_writer(out, snap).map_err(std::io::Error::from)
        })
    }
}

/// The size and modification time of a file: whether it changed since a
/// process last wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

/// Held while a process reads, merges and writes the activity file, so the
/// dashboard and `lepdash watch` do not overwrite each other's events. The
/// lock is a file created exclusively (0600) and removed on drop; one older
/// than [`LOCK_STALE`] is a leftover of a crashed process and is taken over.
#[derive(Debug)]
pub struct ActivityLock {
    path: Option<PathBuf>,
    busy: bool,
}

impl ActivityLock {
    fn without(busy: bool) -> Self {
        ActivityLock { path: None, busy }
    }

    /// Another process held the lock for all of [`LOCK_WAIT`]: a writer
    /// that keeps its events can try again later instead of writing over
    /// that process's merge.
    pub fn busy(&self) -> bool {
        self.busy
    }
}

impl Drop for ActivityLock {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The lock file's name (next to the activity file).
pub const ACTIVITY_LOCK: &str = "activity.lock";
/// How long a writer waits for the lock before going on without it.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(500);
/// A lock this old was left by a process that died holding it.
pub const LOCK_STALE: std::time::Duration = std::time::Duration::from_secs(10);

impl History {
    /// The activity file's stamp (`None`: no file).
    pub fn activity_stamp(&self) -> Option<FileStamp> {
        let m = std::fs::symlink_metadata(self.activity_path()).ok()?;
        Some(FileStamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }

    /// Take the activity lock, waiting up to [`LOCK_WAIT`]. Without it the
    /// write is still atomic; the lock only keeps two merges from crossing.
    /// A lock held by another process all that time is
    /// [`ActivityLock::busy`] (the dashboard and `watch` then write at their
    /// next turn, keeping their events); one that cannot be taken at all (a
    /// directory that cannot be written) is not, and the caller goes on.
    pub fn lock_activity(&self) -> ActivityLock {
        let path = self.dir.join(ACTIVITY_LOCK);
        if create_private_dir(&self.dir).is_err() {
            return ActivityLock::without(false);
        }
        let started = std::time::Instant::now();
        loop {
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            match opts.open(&path) {
                Ok(_) => {
                    return ActivityLock {
                        path: Some(path),
                        busy: false,
                    };
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = std::fs::symlink_metadata(&path)
                        .ok()
                        .and_then(|m| m.modified().ok())
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > LOCK_STALE);
                    if stale {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot take the activity lock");
                    return ActivityLock::without(false);
                }
            }
            if started.elapsed() >= LOCK_WAIT {
                tracing::info!("the activity lock is busy");
                return ActivityLock::without(true);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Add `events` to the activity file (what `lepdash watch` saw): under
    /// the lock, the file is read, the events it lacks are merged in (the
    /// same change recorded by the dashboard is kept once,
    /// [`Event::same_change`]) and it is written back, atomically, 0600.
    /// Returns how many events were added; `None` when another process held
    /// the lock throughout (nothing written: keep the events and call again
    /// later), unless `last` (the final write: it goes ahead without it).
    pub fn append_activity(
        &self,
        events: &[Event],
        last: bool,
    ) -> Result<Option<usize>, HistoryError> {
        if events.is_empty() {
            return Ok(Some(0));
        }
        let lock = self.lock_activity();
        if lock.busy() && !last {
            return Ok(None);
        }
        let mut log = self.load_activity().value;
        let added = log.merge(events.iter().cloned());
        if added > 0 {
            self.save_activity(&log)?;
        }
        Ok(Some(added))
    }
}

fn loaded<T>(value: T, warnings: Vec<String>) -> Loaded<T> {
    for w in &warnings {
        tracing::warn!("{w}");
    }
    Loaded { value, warnings }
}

fn fresh_start(what: &str, path: &Path, why: &str) -> String {
    format!(
        "the {what} {} was not used ({why}); starting fresh",
        path.display()
    )
}

/// A file name for a workspace id: the id itself when it is a plain name,
/// else `ws-` and a hex form (ids come from the login record and the
/// command line, so `../x` must not leave the directory).
pub fn file_stem(workspace: &str) -> String {
    let plain = !workspace.is_empty()
        && workspace.len() <= 64
        && !workspace.starts_with('.')
        && workspace
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if plain {
        return workspace.to_string();
    }
    let bytes = workspace.as_bytes();
    if bytes.len() <= 32 {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("ws-{hex}")
    } else {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("ws-h{h:016x}")
    }
}

/// Read at most `cap` bytes of a regular file, never through a symbolic
/// link (the one hostile-file reader, [`read_local`]). `Ok(None)`: no
/// file. `Err(why)`: not a regular file, too large, unreadable.
fn read_hostile(path: &Path, cap: u64) -> Result<Option<Vec<u8>>, String> {
    match read_local(path, cap, Symlinks::Refuse) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(LocalFileError::NotFound) => Ok(None),
        Err(LocalFileError::NotRegular(what)) => Err(format!("not a regular file but {what}")),
        Err(LocalFileError::TooLarge { .. }) => {
            Err(format!("larger than {} MiB", cap / (1024 * 1024)))
        }
        Err(LocalFileError::Io(e)) => Err(format!("cannot read it: {}", e.kind())),
    }
}

/// Write `bytes` to `path` (in `dir`) atomically (see [`write_atomic_with`]).
/// A writer that only counts the bytes written to it.
struct ByteCount(u64);

impl Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Write what `fill` writes to `path` (in `dir`) atomically: a new 0600
/// temporary file in the same directory, written through a buffer, synced,
/// renamed over `path`. A symlink at `path` is replaced, never followed;
/// on any error the temporary file goes and `path` is untouched.
fn write_atomic_with(
    dir: &Path,
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), HistoryError> {
    create_private_dir(dir).map_err(|source| HistoryError::Dir {
        path: dir.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let write_err = |source| HistoryError::Write {
        path: path.to_path_buf(),
        source,
    };
    // A leftover of a crashed run (or anything else there) goes first;
    // `create_new` below refuses to reuse whatever is at that name.
    let _ = std::fs::remove_file(&tmp);
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = (|| {
        let file = opts.open(&tmp)?;
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        fill(&mut out)?;
        let file = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_err(e));
    }
    Ok(())
}
