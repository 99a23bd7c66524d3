//! Fixity: re-hash every original and compare it with the SHA-256 it was catalogued under.
//!
//! Each original ends up in exactly one bucket: intact, damaged (its bytes hash differently),
//! missing (nothing at its path) or unreadable (something is there but cannot be read:
//! permissions, an I/O error, a folder where the file should be). Missing and unreadable are kept
//! apart because they call for different actions: restore from a copy, or fix the disk.

use crate::error::Result;
use crate::library::Library;
use serde::Serialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub id: i64,
    pub sha256: String,
    pub path: String,
    /// For a damaged original, the hash it has now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_sha256: Option<String>,
    /// For an unreadable original, why it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FixityReport {
    /// Originals catalogued (all of them are checked unless the check was cancelled).
    pub checked: usize,
    pub ok: usize,
    pub damaged: Vec<Problem>,
    pub missing: Vec<Problem>,
    /// Originals that are there but cannot be read (permissions, an I/O error).
    pub unreadable: Vec<Problem>,
    /// Stopped before every original was re-hashed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

impl FixityReport {
    pub fn intact(&self) -> bool {
        self.damaged.is_empty() && self.missing.is_empty() && self.unreadable.is_empty()
    }

    /// Originals that were looked at (all of them unless the check was cancelled).
    pub fn done(&self) -> usize {
        self.ok + self.damaged.len() + self.missing.len() + self.unreadable.len()
    }
}

/// Re-hashes every original on all cores; `progress(done, total)` after each; `cancel` stops it
/// between files.
pub fn verify(
    library: &Library,
    cancel: &std::sync::atomic::AtomicBool,
    progress: impl Fn(usize, usize) + Sync,
) -> Result<FixityReport> {
    let originals = library.catalog()?.originals()?;
    let total = originals.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let report = Mutex::new(FixityReport {
        checked: total,
        ..Default::default()
    });
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some((id, sha, rel)) = originals.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let path = library.root().join(rel);
                    let problem = |actual, error| Problem {
                        id: *id,
                        sha256: sha.clone(),
                        path: path.to_string_lossy().to_string(),
                        actual_sha256: actual,
                        error,
                    };
                    let outcome = crate::vault::hash_file(&path);
                    let mut r = report.lock().unwrap();
                    match outcome {
                        Ok(actual) if &actual == sha => r.ok += 1,
                        Ok(actual) => r.damaged.push(problem(Some(actual), None)),
                        Err(e) if is_missing(&path, &e) => r.missing.push(problem(None, None)),
                        Err(e) => r
                            .unreadable
                            .push(problem(None, Some(crate::error::io_reason(&e)))),
                    }
                    drop(r);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                }
            });
        }
    });
    let mut r = report.into_inner().unwrap();
    r.cancelled = done.load(Ordering::Relaxed) < total;
    r.damaged.sort_by_key(|p| p.id);
    r.missing.sort_by_key(|p| p.id);
    r.unreadable.sort_by_key(|p| p.id);
    Ok(r)
}

/// Whether a failed read means nothing is at `path` (rather than something unreadable there).
/// Asked of the path itself, not only the error kind: a folder on the way that became a file
/// (`NotADirectory`) is missing too, and a path that exists is never called missing.
fn is_missing(path: &std::path::Path, e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound
        || matches!(
            std::fs::symlink_metadata(path),
            Err(m) if matches!(m.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory)
        )
}
