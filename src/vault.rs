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
    Memory(Bytes),
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
        let target = self.place(temp, relative)?;
        self.sync_folders([target.parent().expect("originals have a parent folder")]);
        Ok(target)
    }

    /// `commit` without the folder sync: the caller syncs the folders of all it placed with
    /// `sync_folders` before it records any of them (one journal commit for a whole batch).
    /// The temp file must be fsynced already (`Session::stage_bytes`, `Staged::sync`).
    pub fn place(&self, temp: &Path, relative: &str) -> Result<PathBuf> {
        let target = self.absolute(relative);
        let dir = target.parent().expect("originals have a parent folder");
        fs::create_dir_all(dir).with_path("cannot create folder", dir)?;
        let mut perms = fs::metadata(temp)
            .with_path("cannot read temp file", temp)?
            .permissions();
        perms.set_readonly(true);
        fs::set_permissions(temp, perms).with_path("cannot make read-only", temp)?;
        fs::rename(temp, &target).with_path("cannot move into the library", &target)?;
        Ok(target)
    }

    /// Makes the renames into `dirs` durable, and `originals/` itself (a new hash folder's
    /// entry). Each folder is synced once however many files went into it.
    pub fn sync_folders<'a>(&self, dirs: impl IntoIterator<Item = &'a Path>) {
        let mut seen = std::collections::BTreeSet::new();
        for dir in dirs {
            if seen.insert(dir.to_path_buf()) {
                sync_dir(dir);
            }
        }
        sync_dir(&self.originals_dir());
    }
}

/// A temp file written but perhaps not yet fsynced: its writeback has been started, and
/// whoever places it calls `sync` first (the import's committing thread, for a whole batch:
/// the first fsync's journal commit and disk flush cover the rest).
pub struct Staged {
    pub path: PathBuf,
    /// `None`: synced already.
    file: Option<File>,
}

impl Staged {
    /// A temp file that is durable already.
    pub fn synced(path: PathBuf) -> Staged {
        Staged { path, file: None }
    }

    /// Fsyncs the file: only then may it be placed and recorded.
    pub fn sync(&self) -> Result<()> {
        if let Some(f) = &self.file {
            f.sync_all()
                .with_path("cannot sync temp file", &self.path)?;
        }
        Ok(())
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

    /// Writes `bytes` to a new temp file and starts its writeback without waiting for it;
    /// `Staged::sync` fsyncs it. The page-aligned body goes straight to the disk (Linux
    /// `O_DIRECT`: no copy into the page cache, which costs more than the disk write here);
    /// where the filesystem refuses that, it is written the ordinary way.
    pub fn stage_bytes_async(&self, bytes: &Bytes) -> Result<Staged> {
        let path = self.temp_path();
        let file = match write_direct(&path, bytes) {
            Ok(f) => f,
            Err(_) => {
                let mut f = File::create(&path).with_path("cannot write temp file", &path)?;
                f.write_all(bytes)
                    .with_path("cannot write temp file", &path)?;
                f
            }
        };
        start_writeback(&file);
        Ok(Staged {
            path,
            file: Some(file),
        })
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
            let mut bytes = Bytes::with_capacity(meta.len() as usize + 1);
            bytes
                .read_to_end(&mut file)
                .with_path("cannot read", path)?;
            hasher.update(&bytes[..]);
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

/// Asks the kernel to start writing the file's dirty pages now (Linux `sync_file_range`), so a
/// later fsync finds the work done. Only a hint: durability still comes from the fsync.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: a valid open descriptor; the call only schedules I/O.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File) {}

/// The page size `Bytes` aligns to and `O_DIRECT` writes in.
const PAGE: usize = 4096;

/// A file's bytes in memory, page-aligned (so they can be written with `O_DIRECT`).
pub struct Bytes {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
    /// A multiple of `PAGE`, at least one page; all of it zero-initialised.
    cap: usize,
}

// SAFETY: `Bytes` owns its allocation outright, like a `Vec<u8>`.
unsafe impl Send for Bytes {}
unsafe impl Sync for Bytes {}

impl Bytes {
    pub fn with_capacity(n: usize) -> Bytes {
        let cap = n.max(1).div_ceil(PAGE) * PAGE;
        let layout = std::alloc::Layout::from_size_align(cap, PAGE).expect("a sane size");
        // SAFETY: the layout has a non-zero size. The memory is left uninitialised (zeroing a
        // buffer about to be overwritten costs a pass over it): only the first `len` bytes,
        // written by `read`, are ever exposed.
        let raw = unsafe { std::alloc::alloc(layout) };
        let ptr =
            std::ptr::NonNull::new(raw).unwrap_or_else(|| std::alloc::handle_alloc_error(layout));
        Bytes { ptr, len: 0, cap }
    }

    /// Doubles the capacity when every byte of it is used, keeping the bytes read so far.
    fn grow_when_full(&mut self) {
        if self.len == self.cap {
            let mut bigger = Bytes::with_capacity(self.cap * 2);
            // SAFETY: both hold at least `len` bytes; the source's are initialised.
            unsafe {
                std::ptr::copy_nonoverlapping(self.ptr.as_ptr(), bigger.ptr.as_ptr(), self.len)
            };
            bigger.len = self.len;
            *self = bigger;
        }
    }

    /// Reads `file` to its end, growing as needed.
    #[cfg(unix)]
    pub fn read_to_end(&mut self, file: &mut File) -> std::io::Result<()> {
        use std::os::fd::AsRawFd;
        loop {
            self.grow_when_full();
            // SAFETY: the kernel writes at most `cap - len` bytes into our allocation, past
            // the initialised part; `read` returns how many it wrote.
            let n = unsafe {
                libc::read(
                    file.as_raw_fd(),
                    self.ptr.as_ptr().add(self.len).cast(),
                    self.cap - self.len,
                )
            };
            match n {
                0 => return Ok(()),
                n if n > 0 => self.len += n as usize,
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
    }
    /// Reads `file` to its end, growing as needed (zeroing the space before each read, where
    /// no raw `read` into uninitialised memory is available).
    #[cfg(not(unix))]
    pub fn read_to_end(&mut self, file: &mut File) -> std::io::Result<()> {
        use std::io::Read;
        loop {
            self.grow_when_full();
            // SAFETY: the spare capacity is ours; zeroed, it is initialised for the slice.
            let spare = unsafe {
                let p = self.ptr.as_ptr().add(self.len);
                std::ptr::write_bytes(p, 0, self.cap - self.len);
                std::slice::from_raw_parts_mut(p, self.cap - self.len)
            };
            match file.read(spare) {
                Ok(0) => return Ok(()),
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are initialised and owned.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        let layout = std::alloc::Layout::from_size_align(self.cap, PAGE).expect("as allocated");
        // SAFETY: allocated in `with_capacity` with this very layout.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), layout) };
    }
}

/// Writes `bytes` to a new file at `path`: the whole pages with `O_DIRECT`, the last partial
/// page through the page cache. Any failure removes the file (the caller falls back).
#[cfg(target_os = "linux")]
fn write_direct(path: &Path, bytes: &Bytes) -> std::io::Result<File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let body = bytes.len() / PAGE * PAGE;
    let attempt = || -> std::io::Result<File> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_DIRECT)
            .open(path)?;
        let mut done = 0;
        while done < body {
            // Whole pages from a page-aligned buffer at page-aligned offsets.
            let n = file.write(&bytes[done..body])?;
            if n == 0 || n % PAGE != 0 {
                return Err(std::io::Error::other("short direct write"));
            }
            done += n;
        }
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a valid descriptor, clearing one status flag.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        file.write_all(&bytes[body..])?;
        Ok(file)
    };
    attempt().inspect_err(|_| {
        let _ = fs::remove_file(path);
    })
}

#[cfg(not(target_os = "linux"))]
fn write_direct(_: &Path, _: &Bytes) -> std::io::Result<File> {
    Err(std::io::Error::other("no direct I/O here"))
}
