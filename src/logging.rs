//! Logging to a file, never to the terminal.
//!
//! The log lives in the user's state directory (Linux:
//! `~/.local/state/lepdash/lepdash.log`; elsewhere the cache directory), or in
//! `LEPDASH_LOG_DIR`. The directory is created with mode 0700 and the file
//! with 0600; a file over 10 MiB is moved to `lepdash.log.1`, at start and
//! while running, so the log never holds more than about twice that.
//! Writing happens on a background thread (tracing-appender non-blocking);
//! keep the [`LogGuard`] alive until exit so the last lines are flushed.
//!
//! Hostile text: every record is escaped before it reaches the file
//! (control, bidi and format characters become `\n`, `\u{1b}`, …), so a
//! server's text can neither drive the terminal of whoever `tail`s the log
//! nor forge a line, and a record is cut to [`MAX_RECORD`] characters.
//! The file is opened without following a symbolic link (a link planted in a
//! shared directory is refused, never written through), a file with other
//! hard links is refused, and permissions are tightened only on a file in a
//! private directory of the same owner.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log file name.
pub const LOG_FILE: &str = "lepdash.log";
/// Rotate (once, to `.1`) when the file is larger than this at start.
pub const ROTATE_BYTES: u64 = 10 * 1024 * 1024;

/// A log record is cut to this many characters.
pub const MAX_RECORD: usize = 4096;
/// Lines queued for the log's writer thread at most (each slot of the
/// queue is allocated up front); more in a burst are dropped.
pub const LOG_QUEUE_LINES: usize = 1024;

/// Keeps the background writer alive; drop it last.
pub struct LogGuard {
    _worker: tracing_appender::non_blocking::WorkerGuard,
    path: PathBuf,
}

impl LogGuard {
    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl std::fmt::Debug for LogGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogGuard")
            .field("path", &self.path)
            .finish()
    }
}

/// Why logging could not start. The caller decides whether that matters.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("no directory for the log file (set LEPDASH_LOG_DIR)")]
    NoDir,
    #[error("cannot create the log directory {}: {source}", path.display())]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the log file {}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the log file {} is {what}; lepdash does not write through it", path.display())]
    Unsafe { path: PathBuf, what: &'static str },
    #[error("invalid log level {level:?}: {detail} (use error, warn, info, debug or trace)")]
    Level { level: String, detail: String },
    #[error("logging was already set up")]
    AlreadySet,
}

/// The directory of the log file: `LEPDASH_LOG_DIR`, else the user's state
/// directory, else the cache directory.
pub fn log_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = env("LEPDASH_LOG_DIR").filter(|d| !d.trim().is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "lepdash")?;
    Some(
        dirs.state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.cache_dir().to_path_buf()),
    )
}

/// Where the log file is (or would be).
pub fn log_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    log_dir(env).map(|d| d.join(LOG_FILE))
}

/// The filter for a `--log-level` value: a bare level (`debug`) applies to
/// lepdash, with other crates at `warn`; anything else is a list of
/// `target=level` directives used as is (`info,reqwest=debug`). Default
/// `info`. (A `Targets` filter, not an `EnvFilter`: the same directives
/// without span filters, and no regex engine in the binary.)
pub fn filter_for(level: Option<&str>) -> Result<Targets, LoggingError> {
    let level = level
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("info");
    let directive = match level.to_ascii_lowercase().as_str() {
        l @ ("off" | "error" | "warn" | "info" | "debug" | "trace") => format!("warn,lepdash={l}"),
        // A bare word that is not a level would parse as a target name and
        // silently turn lepdash's own logging off.
        _ if !level.contains(['=', ',']) => {
            return Err(LoggingError::Level {
                level: crate::text::sanitize(level).into_owned(),
                detail: "not a level".into(),
            });
        }
        _ => level.to_string(),
    };
    directive
        .parse::<Targets>()
        .map_err(|e| LoggingError::Level {
            level: crate::text::sanitize(level).into_owned(),
            detail: e.to_string(),
        })
}

/// Start logging to the file. Fails if the level is invalid, the file cannot
/// be opened, or a global subscriber is already set; never prints anything.
pub fn init(
    level: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LogGuard, LoggingError> {
    let filter = filter_for(level)?;
    let dir = log_dir(env).ok_or(LoggingError::NoDir)?;
    let (path, file) = open_log_file(&dir)?;
    let rotating = RotatingFile {
        dir: dir.clone(),
        file,
        written: 0,
        limit: ROTATE_BYTES,
    };
    // A small queue: the default (128,000 lines) is preallocated, megabytes
    // resident for a log that writes a few lines a minute. When a burst
    // fills it, lines are dropped (lossy, the default): the log is a
    // diagnostic, never worth blocking the event loop for.
    let (writer, worker) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(rotating);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(EscapingWriter(writer))
        .with_ansi(false)
        .with_target(true);
    tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init()
        .map_err(|_| LoggingError::AlreadySet)?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        pid = std::process::id(),
        "lepdash started"
    );
    Ok(LogGuard {
        _worker: worker,
        path,
    })
}

/// Create `dir` (0700) and open `dir/lepdash.log` for appending (0600),
/// rotating an oversized file first.
pub fn open_log_file(dir: &Path) -> Result<(PathBuf, File), LoggingError> {
    create_private_dir(dir).map_err(|source| LoggingError::Dir {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(LOG_FILE);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() > ROTATE_BYTES) {
        // Best effort: if the rename fails we keep appending to the big file.
        let _ = std::fs::rename(&path, dir.join(format!("{LOG_FILE}.1")));
    }
    let file = open_no_follow(&path)?;
    Ok((path, file))
}

/// Open `path` for appending without following a symbolic link; refuse
/// anything but a regular file with one link. Tighten the permissions of a
/// file found too open only in a private directory of the file's owner.
fn open_no_follow(path: &Path) -> Result<File, LoggingError> {
    let file_err = |source| LoggingError::File {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(LoggingError::Unsafe {
            path: path.to_path_buf(),
            what: "a symbolic link",
        });
    }
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(NOFOLLOW);
    }
    let file = opts.open(path).map_err(|e| {
        // ELOOP: the path became a symbolic link after the look.
        if e.raw_os_error() == Some(ELOOP) {
            LoggingError::Unsafe {
                path: path.to_path_buf(),
                what: "a symbolic link",
            }
        } else {
            file_err(e)
        }
    })?;
    let meta = file.metadata().map_err(file_err)?;
    if !meta.is_file() {
        return Err(LoggingError::Unsafe {
            path: path.to_path_buf(),
            what: "not a regular file",
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if meta.nlink() > 1 {
            return Err(LoggingError::Unsafe {
                path: path.to_path_buf(),
                what: "linked from elsewhere (more than one hard link)",
            });
        }
        if meta.permissions().mode() & 0o077 != 0 {
            let private_dir = path
                .parent()
                .and_then(|d| std::fs::metadata(d).ok())
                .is_some_and(|d| d.uid() == meta.uid() && d.permissions().mode() & 0o022 == 0);
            if private_dir {
                let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    Ok(file)
}

// O_NOFOLLOW, per architecture (one definition, with the other hostile-file opens).
#[cfg(unix)]
use crate::local_file::NOFOLLOW;
const ELOOP: i32 = if cfg!(any(target_os = "linux", target_os = "android")) {
    40
} else {
    62
};

/// The log file, moved to `.1` whenever it grows past `limit` while running.
struct RotatingFile {
    dir: PathBuf,
    file: File,
    written: u64,
    limit: u64,
}

impl std::io::Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written == 0 {
            self.written = self.file.metadata().map(|m| m.len()).unwrap_or(0).max(1);
        }
        if self.written.saturating_add(buf.len() as u64) > self.limit {
            let path = self.dir.join(LOG_FILE);
            if std::fs::rename(&path, self.dir.join(format!("{LOG_FILE}.1"))).is_ok()
                && let Ok(f) = open_no_follow(&path)
            {
                self.file = f;
                self.written = 1;
            }
        }
        let n = self.file.write(buf)?;
        self.written = self.written.saturating_add(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Escapes every record on its way to the file (see the module doc).
struct EscapingWriter<W>(W);

impl<'a, W: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a>
    for EscapingWriter<W>
{
    type Writer = Escaped<W::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        Escaped(self.0.make_writer())
    }
}

/// One record's writer: the formatter writes a whole record, ending in a
/// newline, in one call.
struct Escaped<W>(W);

impl<W: std::io::Write> std::io::Write for Escaped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(escape_record(buf).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// One formatted record, escaped and cut, ending in exactly one newline.
pub fn escape_record(buf: &[u8]) -> String {
    let text = String::from_utf8_lossy(buf);
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let escaped = crate::text::escape(body);
    let mut line = crate::text::cut_chars(&escaped, MAX_RECORD).into_owned();
    line.push('\n');
    line
}

pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert!(filter_for(None).is_ok());
        assert!(filter_for(Some("DEBUG")).is_ok());
        assert!(filter_for(Some("info,reqwest=debug")).is_ok());
        assert!(matches!(
            filter_for(Some("lepdash=[")),
            Err(LoggingError::Level { .. })
        ));
    }

    #[test]
    fn a_bare_word_is_not_a_level() {
        assert!(matches!(
            filter_for(Some("bogus")),
            Err(LoggingError::Level { .. })
        ));
    }

    #[test]
    fn records_are_escaped_and_cut() {
        let r =
            escape_record(b"msg error=\x1b]0;pwned\x07 fake\n2026 INFO forged line \xe2\x80\xae\n");
        assert_eq!(r.matches('\n').count(), 1, "{r}");
        assert!(
            !r.contains('\x1b') && !r.contains('\x07') && !r.contains('\u{202e}'),
            "{r}"
        );
        assert!(r.contains("\\u{1b}]0;pwned"), "{r}");
        let big = "x".repeat(100_000);
        assert!(escape_record(big.as_bytes()).len() < MAX_RECORD + 100);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_refused_and_its_target_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let shared = tmp.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::os::unix::fs::symlink(&victim, shared.join(LOG_FILE)).unwrap();
        let e = open_log_file(&shared).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // A hard link is refused as well.
        std::fs::remove_file(shared.join(LOG_FILE)).unwrap();
        std::fs::hard_link(&victim, shared.join(LOG_FILE)).unwrap();
        assert!(open_log_file(&shared).is_err());
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }

    #[test]
    fn the_log_rotates_while_running() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let (_, file) = open_log_file(tmp.path()).unwrap();
        let mut w = RotatingFile {
            dir: tmp.path().to_path_buf(),
            file,
            written: 0,
            limit: 1000,
        };
        for _ in 0..100 {
            w.write_all(&[b'x'; 99]).unwrap();
            w.write_all(b"\n").unwrap();
        }
        let cur = std::fs::metadata(tmp.path().join(LOG_FILE)).unwrap().len();
        let old = std::fs::metadata(tmp.path().join(format!("{LOG_FILE}.1")))
            .unwrap()
            .len();
        assert!(cur <= 1000 && old <= 1000, "{cur} {old}");
    }

    #[test]
    fn override_dir() {
        let env = |k: &str| (k == "LEPDASH_LOG_DIR").then(|| "/tmp/x".to_string());
        assert_eq!(log_path(&env).unwrap(), Path::new("/tmp/x/lepdash.log"));
    }

    #[cfg(unix)]
    #[test]
    fn private_dir_and_file() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a").join("logs");
        let (path, _f) = open_log_file(&dir).unwrap();
        let dmode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        let fmode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(dmode, 0o700);
        assert_eq!(fmode, 0o600);
        // A pre-existing loose file is tightened.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (_, _f) = open_log_file(&dir).unwrap();
        let fmode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(fmode, 0o600);
    }

    #[test]
    fn init_writes_to_the_file_only() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().display().to_string();
        let env = move |k: &str| (k == "LEPDASH_LOG_DIR").then(|| d.clone());
        let guard = init(Some("info"), &env).unwrap();
        tracing::info!("hello from the test");
        let path = guard.path().to_path_buf();
        drop(guard); // flushes
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("hello from the test"), "{text}");
        assert!(matches!(init(None, &env), Err(LoggingError::AlreadySet)));
    }
}
