//! Files and folders readable by their owner only: the phone's store and the station's data
//! hold personal data and keys, so folders are 0700 and files 0600 on Unix from the moment they
//! exist (another app or user on a shared desktop, a backup tool running as another user, sees
//! nothing). Elsewhere the platform's own app sandbox stands for this.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Creates `dir` (and its parents) and makes it 0700.
pub fn private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create folder", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io("set folder mode", e))?;
    }
    Ok(())
}

/// Options that create a file 0600.
pub fn private_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Makes sure `path` exists and is 0600, without changing its content (SQLite then gives its
/// `-wal` and `-shm` files the same mode).
pub fn private_file(path: &Path) -> Result<()> {
    private_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io("create file", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io("set file mode", e))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` (0600) through a temporary file and a rename, synced to disk.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)
        .map_err(|e| Error::io("create file", e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io("write file", e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io("rename file", e))?;
    Ok(())
}
