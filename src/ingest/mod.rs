//! The import pipeline: walk the paths, read each file once, hash it, read its EXIF, make its
//! thumbnails, and catalogue it atomically.
//!
//! Workers (one per core) each hold at most one file's bytes and one decoded frame; they hand
//! finished files to the single writer (the calling thread) over a bounded channel. One bad
//! file is reported with its reason and the rest goes on. The cancel flag is checked between
//! files. This module never prints: progress goes out as `ImportEvent`s to a callback.
//!
//! This file runs the workers and the writer and keeps the report; `worker.rs` is what a
//! worker does with one file.

mod bag;
mod exif;
mod heif;
mod iptc;
mod meta_in;
mod raw;
mod render;
mod sniff;
mod video;
mod walk;
mod worker;
mod xmp_in;

pub use bag::{Conflict, Merged};
pub use exif::{ExifFacts, parse_exif_datetime, parse_stamp};
pub use render::{MAX_PIXELS, PREVIEW_EDGE, THUMB_EDGE, encode_jpeg};
pub use sniff::{Format, Kind, sniff};
pub use video::VideoFacts;
pub use worker::INCOMPLETE;

use crate::catalog::{Catalog, NewItem};
use crate::error::{Error, Result};
use crate::library::{Library, write_derived};
use crate::vault::{Content, Session, Staged, Vault};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use worker::process;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Imported {
    pub id: i64,
    pub sha256: String,
    pub path: String,
    pub original_name: String,
    pub format: String,
    pub has_preview: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Duplicate {
    pub path: String,
    pub sha256: String,
    pub id: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Failed {
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning {
    pub path: String,
    pub warning: String,
}

/// What an import did, file by file. Printed as is by `import --json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub duplicates: Vec<Duplicate>,
    pub failed: Vec<Failed>,
    pub warnings: Vec<Warning>,
    /// Files left out because they are not media (documents, sidecars): not failures.
    pub skipped: Vec<Skipped>,
    pub cancelled: bool,
    /// Items whose catalogue data came in from an evidence bag.
    pub merged: Vec<Merged>,
    /// Fields a bag and this library hold differently (this library's value was kept).
    pub conflicts: Vec<Conflict>,
}

impl ImportReport {
    fn absorb(&mut self, mut other: ImportReport) {
        self.imported.append(&mut other.imported);
        self.duplicates.append(&mut other.duplicates);
        self.failed.append(&mut other.failed);
        self.warnings.append(&mut other.warnings);
        self.skipped.append(&mut other.skipped);
        self.merged.append(&mut other.merged);
        self.conflicts.append(&mut other.conflicts);
        self.cancelled |= other.cancelled;
    }
}

/// Imports `paths` like `import`, except that a folder holding a BagIt bag is verified whole
/// first (a damaged bag is refused, naming the file) and then merged: its originals imported,
/// its catalogue data merged without overwriting anything (see `bag`).
pub fn import_all(
    library: &Library,
    paths: &[PathBuf],
    options: &ImportOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(ImportEvent),
) -> Result<ImportReport> {
    let (bags, plain): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|p| bag::is_bag(p));
    let mut report = if plain.is_empty() && !bags.is_empty() {
        ImportReport::default()
    } else {
        import(library, &plain, options, cancel, &mut progress)?
    };
    for dir in bags {
        if let Err((file, why)) = bag::verify(&dir) {
            report.failed.push(Failed {
                path: show(&file),
                error: format!("the bag is refused: {why}"),
            });
            continue;
        }
        let originals = dir.join("data").join("originals");
        if originals.is_dir() {
            let mut part = import(
                library,
                std::slice::from_ref(&originals),
                options,
                cancel,
                &mut progress,
            )?;
            // The bag's own sidecars are not media, and nothing the user needs to hear about.
            part.skipped
                .retain(|s| !bag::is_own_sidecar(&originals, &s.path));
            report.absorb(part);
        }
        match bag::merge(&mut library.catalog()?, &options.actor, &dir) {
            Ok((merged, conflicts)) => {
                report.merged.extend(merged);
                report.conflicts.extend(conflicts);
            }
            // The originals are in; the catalogue data could not be read. Say so, keep going.
            Err(e) => report.failed.push(Failed {
                path: show(&dir),
                error: format!("the bag's catalogue data was not merged: {e}"),
            }),
        }
    }
    Ok(report)
}

/// Progress, as the writer sees it.
#[derive(Debug, Clone)]
pub enum ImportEvent {
    /// The walk is done: this many files and bytes to go.
    Planned { files: usize, bytes: u64 },
    /// One more file is finished (imported, duplicate or failed).
    Progress {
        files_done: usize,
        bytes_done: u64,
        path: PathBuf,
    },
}

pub struct ImportOptions {
    /// Who the history records as importing.
    pub actor: String,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

enum Done {
    Ready {
        item: Box<NewItem>,
        /// What the file and its sidecars say about the content, tagged after the insert.
        meta: Box<meta_in::Found>,
        /// Fsynced by the writer before it is placed.
        temp: Staged,
        warnings: Vec<String>,
    },
    Duplicate {
        path: String,
        sha256: String,
    },
    Failed {
        path: String,
        error: String,
    },
}

/// Imports `paths` (files and folders, recursively) into `library`.
pub fn import(
    library: &Library,
    paths: &[PathBuf],
    options: &ImportOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(ImportEvent),
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let plan = walk::plan(paths, library.root());
    for (path, error) in plan.failed {
        report.failed.push(Failed {
            path: show(&path),
            error,
        });
    }
    for (path, reason) in plan.skipped {
        report.skipped.push(Skipped {
            path: show(&path),
            reason,
        });
    }
    for (path, warning) in plan.warnings {
        report.warnings.push(Warning {
            path: show(&path),
            warning,
        });
    }
    let files = plan.files;
    let total_bytes = files.iter().map(|f| f.1).sum();
    progress(ImportEvent::Planned {
        files: files.len(),
        bytes: total_bytes,
    });

    let mut catalog = library.catalog()?;
    let vault = library.vault();
    let session = vault.session()?;
    let threads = match options.threads {
        0 => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
        n => n,
    }
    .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, Done)>(threads * 2);
    let mut files_done = 0;
    let mut bytes_done = 0;

    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..threads {
            let tx = tx.clone();
            let (files, next, session) = (&files, &next, &session);
            scope.spawn(move || {
                let reader = library.catalog().ok();
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, _)) = files.get(i) else { break };
                    // A decoder that panics on a crafted file costs that file, not the import.
                    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        process(library, session, reader.as_ref(), path)
                    }))
                    .unwrap_or_else(|_| Done::Failed {
                        path: show(path),
                        error: "the decoder crashed on this file (damaged or crafted)".into(),
                    });
                    if tx.send((i, done)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // The writer: results are catalogued in walk order (so ids are stable). Files ready in
        // order gather into a batch, written in one transaction (one folder sync, one commit)
        // once it holds `BATCH_MAX` files, or its first has waited `BATCH_WAIT`, or the
        // workers are done.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next_to_write = 0;
        let mut batch = Vec::new();
        let mut since = Instant::now();
        let mut open = true;
        while open || !batch.is_empty() {
            let got = if !open {
                None
            } else if batch.is_empty() {
                rx.recv().map_err(|_| open = false).ok()
            } else {
                match rx.recv_timeout(BATCH_WAIT.saturating_sub(since.elapsed())) {
                    Ok(m) => Some(m),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        open = false;
                        None
                    }
                }
            };
            if let Some((i, done)) = got {
                waiting.insert(i, done);
                while let Ok((i, done)) = rx.try_recv() {
                    waiting.insert(i, done);
                }
                while let Some(done) = waiting.remove(&next_to_write) {
                    if batch.is_empty() {
                        since = Instant::now();
                    }
                    batch.push(done);
                    next_to_write += 1;
                }
            }
            let due = !open || batch.len() >= BATCH_MAX || since.elapsed() >= BATCH_WAIT;
            if batch.is_empty() || !due {
                continue;
            }
            write_batch(&mut catalog, &vault, &options.actor, &batch, &mut report);
            for (path, size) in &files[next_to_write - batch.len()..next_to_write] {
                files_done += 1;
                bytes_done += size;
                progress(ImportEvent::Progress {
                    files_done,
                    bytes_done,
                    path: path.clone(),
                });
            }
            batch.clear();
        }
        Ok(())
    })?;
    report.cancelled = cancel.load(Ordering::Relaxed) && files_done < files.len();
    Ok(report)
}

/// The most files the writer commits in one transaction.
const BATCH_MAX: usize = 64;
/// How long a finished file may wait for others to share its transaction.
const BATCH_WAIT: Duration = Duration::from_millis(100);

fn write_batch(
    catalog: &mut Catalog,
    vault: &Vault,
    actor: &str,
    batch: &[Done],
    report: &mut ImportReport,
) {
    let mut local = ImportReport::default();
    let result = catalog.write(actor, |tx| {
        // Originals moved in by this batch: their folders are synced once, before the
        // transaction that records them commits.
        let mut placed = Vec::new();
        for done in batch {
            match done {
                Done::Failed { path, error } => local.failed.push(Failed { path: path.clone(), error: error.clone() }),
                Done::Duplicate { path, sha256 } => match tx.item_id_by_sha(sha256)? {
                    Some(id) => {
                        tx.add_path(id, path)?;
                        local.duplicates.push(Duplicate { path: path.clone(), sha256: sha256.clone(), id });
                    }
                    None => local.failed.push(Failed {
                        path: path.clone(),
                        error: "its twin vanished from the catalogue during the import; import it again".into(),
                    }),
                },
                Done::Ready { item, meta, temp, warnings } => {
                    for w in warnings {
                        local.warnings.push(Warning { path: item.source_path.clone(), warning: w.clone() });
                    }
                    if let Some(id) = tx.item_id_by_sha(&item.sha256)? {
                        let _ = std::fs::remove_file(&temp.path);
                        tx.add_path(id, &item.source_path)?;
                        local.duplicates.push(Duplicate { path: item.source_path.clone(), sha256: item.sha256.clone(), id });
                        continue;
                    }
                    if let Err(e) = temp.sync() {
                        let _ = std::fs::remove_file(&temp.path);
                        local.failed.push(Failed { path: item.source_path.clone(), error: e.to_string() });
                        continue;
                    }
                    match vault.place(&temp.path, &item.stored_path) {
                        Ok(target) => placed.push(target),
                        Err(e) => {
                            local.failed.push(Failed { path: item.source_path.clone(), error: e.to_string() });
                            continue;
                        }
                    }
                    let id = tx.insert_item(item)?;
                    if let Some((change, sources)) = meta.change()
                        && let Some(w) = tx.tag_from_file(id, &change, &sources)?
                    {
                        local.warnings.push(Warning { path: item.source_path.clone(), warning: w });
                    }
                    local.imported.push(Imported {
                        id,
                        sha256: item.sha256.clone(),
                        path: item.source_path.clone(),
                        original_name: item.original_name.clone(),
                        format: item.format.clone(),
                        has_preview: item.has_preview,
                    });
                }
            }
        }
        if !placed.is_empty() {
            vault.sync_folders(placed.iter().filter_map(|p| p.parent()));
        }
        Ok(())
    });
    match result {
        Ok(()) => {
            report.imported.append(&mut local.imported);
            report.duplicates.append(&mut local.duplicates);
            report.failed.append(&mut local.failed);
            report.warnings.append(&mut local.warnings);
        }
        Err(e) => {
            // Nothing of this batch reached the catalogue. Originals already moved in are
            // complete files named by their hash; importing again catalogues them.
            for done in batch {
                let path = match done {
                    Done::Ready { item, .. } => &item.source_path,
                    Done::Duplicate { path, .. } | Done::Failed { path, .. } => path,
                };
                report.failed.push(Failed {
                    path: path.clone(),
                    error: format!("could not be catalogued ({e})"),
                });
            }
        }
    }
}

/// Whether HEIC/HEIF and AVIF photos get previews on this machine: `Err` says why not (the
/// system's libheif is loaded at run time).
pub fn heif_previews() -> std::result::Result<(), String> {
    heif::available()
}

/// Reads and decodes a photo for on-screen display: upright, long edge between `min_edge`
/// (where the original is that large) and `max_edge`. For the app's full view; off the UI thread.
pub fn display_image(path: &Path, min_edge: u32, max_edge: u32) -> Result<image::RgbImage, String> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::io_reason(&e))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    match sniff(&bytes[..bytes.len().min(64)], &ext) {
        Some(Kind::Photo(format)) => {
            let orientation = exif::read(&bytes, format).facts.orientation;
            render::display(&bytes, format, orientation, min_edge, max_edge)
        }
        Some(Kind::Video(_)) => video::poster_frame(path, max_edge),
        _ => Err("no preview for this format".into()),
    }
}

/// A path as reports show it.
pub(crate) fn show(path: &Path) -> String {
    path.to_string_lossy().to_string()
}
