//! Logging to a file, never to the terminal.
//!
//! The log lives in the user's state directory (Linux:
//! `~/.local/state/lepdash/lepdash.log`; elsewhere the cache directory), or in
//! `LEPDASH_LOG_DIR`. The directory is created with mode 0700 and the file
//! with 0600; a file over 10 MiB is moved to `lepdash.log.1` at start.
//! Writing happens on a background thread (tracing-appender non-blocking);
//! keep the [`LogGuard`] alive until exit so the last lines are flushed.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log file name.
pub const LOG_FILE: &str = "lepdash.log";
/// Rotate (once, to `.1`) when the file is larger than this at start.
pub const ROTATE_BYTES: u64 = 10 * 1024 * 1024;

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
/// lepdash, with other crates at `warn`; anything else is an `EnvFilter`
/// directive string used as is (`info,reqwest=debug`). Default `info`.
pub fn filter_for(level: Option<&str>) -> Result<EnvFilter, LoggingError> {
    let level = level
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("info");
    let directive = match level.to_ascii_lowercase().as_str() {
        l @ ("off" | "error" | "warn" | "info" | "debug" | "trace") => format!("warn,lepdash={l}"),
        _ => level.to_string(),
    };
    EnvFilter::try_new(&directive).map_err(|e| LoggingError::Level {
        level: level.to_string(),
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
    let (writer, worker) = tracing_appender::non_blocking(file);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
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
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        // Best effort: if the rename fails we keep appending to the big file.
        let _ = std::fs::rename(&path, dir.join(format!("{LOG_FILE}.1")));
    }
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(&path).map_err(|source| LoggingError::File {
        path: path.clone(),
        source,
    })?;
    #[cfg(unix)]
    {
        // A file created earlier with looser permissions is tightened.
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = file.metadata() {
            if meta.permissions().mode() & 0o077 != 0 {
                let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    Ok((path, file))
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
