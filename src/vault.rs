//! The originals store: files kept under their SHA-256, read-only, never modified.
//!
//! An original reaches `originals/` only through `commit`: written to a temp file in this
//! process's session folder under `tmp/` (same filesystem), fsynced, then renamed into place
//! and the folder fsynced. A crash leaves either a complete original or a temp file, and temp
//! files of sessions that are no longer running are removed at the next open. This module
//! knows nothing about the catalogue.

use crate::error::{Result, WithPath};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Files up to this size are read into memory once (hash, analysis and copy share the bytes);
/// larger ones are streamed to a temp file while hashing.
pub const IN_MEMORY_LIMIT: u64 = 256 * 1024 * 1024;

pub struct Vault {
    root: PathBuf,
}

/// The bytes of a source file, read once, with their hash.
pub struct Source {
    pub sha256: String,
    pub size: u64,
    pub content: Content,
}

pub enum Content {
    Memory(Vec<u8>),
    /// Streamed to a temp file already (large files).
    Staged(PathBuf),
}

/// An exclusive claim on a temp folder; dropped when the importing process ends.
pub struct Session {
    dir: PathBuf,
    _lock: File,
}

impl Vault {
    pub fn new(library_root: &Path) -> Vault {
        Vault {
            root: library_root.to_path_buf(),
        }
    }

    pub fn originals_dir(&self) -> PathBuf {
        self.root.join("originals")
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Where an original with this hash and extension is kept, relative to the library.
    pub fn relative_path(sha256: &str, ext: &str) -> String {
        format!("originals/{}/{}.{}", &sha256[..2], sha256, ext)
    }

    pub fn absolute(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Removes temp folders left by sessions that are no longer running. Returns how many.
    pub fn clean_strays(&self) -> Result<usize> {
        let tmp = self.tmp_dir();
        let Ok(entries) = fs::read_dir(&tmp) else {
            return Ok(0);
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let dir = entry.path();
            let lock = dir.join("lock");
            let free = match File::open(&lock) {
                Ok(f) => f.try_lock().is_ok(),
                Err(_) => true,
            };
            if free && fs::remove_dir_all(&dir).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Starts an import session: a private temp folder, locked while this process lives.
    pub fn session(&self) -> Result<Session> {
        let name = format!(
            "session-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let dir = self.tmp_dir().join(name);
        fs::create_dir_all(&dir).with_path("cannot create a temp folder", &dir)?;
        let lock_path = dir.join("lock");
        let lock = File::create(&lock_path).with_path("cannot create a lock file", &lock_path)?;
        lock.lock().with_path("cannot lock", &lock_path)?;
        Ok(Session { dir, _lock: lock })
    }

    /// Moves a staged temp file into place as the original `relative`, read-only, durable.
    pub fn commit(&self, temp: &Path, relative: &str) -> Result<PathBuf> {
        let target = self.absolute(relative);
        let dir = target.parent().expect("originals have a parent folder");
        fs::create_dir_all(dir).with_path("cannot create folder", dir)?;
        let mut perms = fs::metadata(temp)
            .with_path("cannot read temp file", temp)?
            .permissions();
        perms.set_readonly(true);
        fs::set_permissions(temp, perms).with_path("cannot make read-only", temp)?;
        fs::rename(temp, &target).with_path("cannot move into the library", &target)?;
        sync_dir(dir);
        Ok(target)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Session {
    /// Writes `bytes` to a new temp file and fsyncs it.
    pub fn stage_bytes(&self, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.temp_path();
        let mut f = File::create(&path).with_path("cannot write temp file", &path)?;
        f.write_all(bytes)
            .with_path("cannot write temp file", &path)?;
        f.sync_all().with_path("cannot sync temp file", &path)?;
        Ok(path)
    }

    fn temp_path(&self) -> PathBuf {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.dir.join(format!("{n}.part"))
    }

    /// Reads `path` once: into memory if it is small enough, else streamed to a temp file;
    /// either way hashed on the way.
    pub fn read_source(&self, path: &Path) -> Result<Source> {
        let mut file = File::open(path).with_path("cannot open", path)?;
        let meta = file.metadata().with_path("cannot read", path)?;
        if !meta.is_file() {
            return Err(crate::Error::file("not a regular file", path));
        }
        let mut hasher = Sha256::new();
        if meta.len() <= IN_MEMORY_LIMIT {
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            file.read_to_end(&mut bytes)
                .with_path("cannot read", path)?;
            hasher.update(&bytes);
            return Ok(Source {
                sha256: hex(&hasher.finalize()),
                size: bytes.len() as u64,
                content: Content::Memory(bytes),
            });
        }
        let temp = self.temp_path();
        let mut out = File::create(&temp).with_path("cannot write temp file", &temp)?;
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf).with_path("cannot read", path)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .with_path("cannot write temp file", &temp)?;
            size += n as u64;
        }
        out.sync_all().with_path("cannot sync temp file", &temp)?;
        Ok(Source {
            sha256: hex(&hasher.finalize()),
            size,
            content: Content::Staged(temp),
        })
    }
}

/// SHA-256 of a file, streamed.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    hash_file_with::<Sha256>(path)
}

/// A file's digest with any SHA-2 hasher, streamed in 1 MiB blocks.
pub fn hash_file_with<D: Digest>(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = D::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn sync_dir(dir: &Path) {
    // Best effort: some filesystems refuse to fsync a folder; the file itself is synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
