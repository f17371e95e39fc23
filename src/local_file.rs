//! Reading a small local file (the settings file, the `lep` login record)
//! safely: only a regular file is read — never a FIFO (which would hang),
//! a device (`/dev/zero`, which never ends) or a directory — and never more
//! than a cap, so a planted or mistaken path gives a clear message instead
//! of a hang or unbounded memory.
//!
//! One reader serves every small local file; the caller says what a
//! symbolic link means ([`Symlinks`]): the settings file and the `lep`
//! record may be links (dotfile managers make them), the state directory's
//! files (`crate::history`) never are — lepdash writes them itself.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a local file was not read.
#[derive(Debug, thiserror::Error)]
pub enum LocalFileError {
    #[error("not found")]
    NotFound,
    #[error("not a regular file but {0}; lepdash reads only regular files")]
    NotRegular(&'static str),
    #[error("too large ({size} bytes; the limit is {limit} bytes)")]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Io(std::io::Error),
}

/// What a symbolic link at the path means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symlinks {
    /// Read what it points to (when that is a regular file).
    Follow,
    /// Refuse it: the file must be a regular file itself.
    Refuse,
}

impl LocalFileError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, LocalFileError::NotFound)
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_symlink() {
        return "a symbolic link";
    }
    if ft.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    "not a plain file"
}

/// Read `path` if it is a regular file of at most `limit` bytes, following
/// a symbolic link to one.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, LocalFileError> {
    read_local(path, limit, Symlinks::Follow)
}

/// Read `path` if it is a regular file of at most `limit` bytes; a
/// symbolic link is followed or refused as `symlinks` says.
pub fn read_local(path: &Path, limit: u64, symlinks: Symlinks) -> Result<Vec<u8>, LocalFileError> {
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            LocalFileError::NotFound
        } else {
            LocalFileError::Io(e)
        }
    };
    // Look before opening: opening a FIFO for reading blocks until a writer
    // appears.
    let meta = match symlinks {
        Symlinks::Follow => std::fs::metadata(path),
        Symlinks::Refuse => std::fs::symlink_metadata(path),
    }
    .map_err(io)?;
    if !meta.is_file() {
        return Err(LocalFileError::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(LocalFileError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Should the path have been swapped for a FIFO since the look: do not
        // block opening it (O_NONBLOCK; 0o4000 on Linux and the BSDs).
        // Refusing links: the look above saw none; should one have been
        // planted since, the open fails (O_NOFOLLOW) instead of following it.
        let nofollow = if symlinks == Symlinks::Refuse {
            NOFOLLOW
        } else {
            0
        };
        opts.custom_flags(NONBLOCK | nofollow);
    }
    let file: File = opts.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(LocalFileError::NotRegular(kind_of(&meta)));
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).min(1 << 20));
    // Read one byte more than the limit, to notice a file that grew.
    file.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(LocalFileError::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

#[cfg(all(unix, any(target_os = "linux", target_os = "android")))]
const NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const NONBLOCK: i32 = 0x0004;

// O_NOFOLLOW: its value differs between Linux architectures.
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    any(
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    )
))]
pub(crate) const NOFOLLOW: i32 = 0o100000;
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    not(any(
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    ))
))]
pub(crate) const NOFOLLOW: i32 = 0o400000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub(crate) const NOFOLLOW: i32 = 0x0100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_regular(&p, 100).unwrap(), b"x = 1\n");
        assert!(matches!(
            read_regular(&p, 3),
            Err(LocalFileError::TooLarge { .. })
        ));
        assert!(
            read_regular(&dir.path().join("none"), 10)
                .unwrap_err()
                .is_not_found()
        );
        assert!(matches!(
            read_regular(dir.path(), 10),
            Err(LocalFileError::NotRegular("a directory"))
        ));
        #[cfg(unix)]
        {
            let link = dir.path().join("zero");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            let e = read_regular(&link, 1 << 20).unwrap_err();
            assert!(e.to_string().contains("a device"), "{e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_caller_says_whether_a_symlink_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        std::fs::write(&target, "{}").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        // Followed (the settings file, the `lep` record) …
        assert_eq!(read_local(&link, 100, Symlinks::Follow).unwrap(), b"{}");
        assert_eq!(read_regular(&link, 100).unwrap(), b"{}");
        // … or refused (the state directory's files), naming what it is.
        let e = read_local(&link, 100, Symlinks::Refuse).unwrap_err();
        assert!(
            matches!(e, LocalFileError::NotRegular("a symbolic link")),
            "{e}"
        );
        // The regular file itself reads under both policies, capped.
        assert_eq!(read_local(&target, 100, Symlinks::Refuse).unwrap(), b"{}");
        assert!(matches!(
            read_local(&target, 1, Symlinks::Refuse),
            Err(LocalFileError::TooLarge { .. })
        ));
        // A dangling link is "not found" when followed, a link when refused.
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).unwrap();
        assert!(
            read_local(&dangling, 100, Symlinks::Follow)
                .unwrap_err()
                .is_not_found()
        );
        assert!(matches!(
            read_local(&dangling, 100, Symlinks::Refuse),
            Err(LocalFileError::NotRegular("a symbolic link"))
        ));
        // A FIFO is refused under both, without blocking.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            for policy in [Symlinks::Follow, Symlinks::Refuse] {
                assert!(matches!(
                    read_local(&fifo, 100, policy),
                    Err(LocalFileError::NotRegular("a named pipe"))
                ));
            }
        }
    }
}
