//! Reading a small local file (the settings file, the `lep` login record)
//! safely: only a regular file is read — never a FIFO (which would hang),
//! a device (`/dev/zero`, which never ends) or a directory — and never more
//! than a cap, so a planted or mistaken path gives a clear message instead
//! of a hang or unbounded memory. A symlink to a regular file is fine.

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

impl LocalFileError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, LocalFileError::NotFound)
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
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

/// Read `path` if it is a regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, LocalFileError> {
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            LocalFileError::NotFound
        } else {
            LocalFileError::Io(e)
        }
    };
    // Look before opening: opening a FIFO for reading blocks until a writer
    // appears.
    let meta = std::fs::metadata(path).map_err(io)?;
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
        opts.custom_flags(NONBLOCK);
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
}
