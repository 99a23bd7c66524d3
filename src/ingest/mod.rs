//! The import pipeline: walk the paths, read each file once, hash it, read its EXIF, make its
//! thumbnails, and catalogue it atomically.
//!
//! Workers (one per core) each hold at most one file's bytes and one decoded frame; they hand
//! finished files to the single writer (the calling thread) over a bounded channel. One bad
//! file is reported with its reason and the rest goes on. The cancel flag is checked between
//! files. This module never prints: progress goes out as `ImportEvent`s to a callback.

mod bag;
mod exif;
mod render;
mod sniff;
mod walk;

pub use bag::{Conflict, Merged};
pub use exif::{ExifFacts, parse_exif_datetime};
pub use render::{MAX_PIXELS, PREVIEW_EDGE, THUMB_EDGE, encode_jpeg};
pub use sniff::{Format, Kind, sniff};

use crate::catalog::{Catalog, NewItem};
use crate::error::{Error, Result};
use crate::library::{Library, write_derived};
use crate::vault::{Content, Session, Vault};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

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
            report.absorb(import(
                library,
                &[originals],
                options,
                cancel,
                &mut progress,
            )?);
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
        temp: PathBuf,
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
        // The writer: results are catalogued in walk order (so ids are stable), each batch of
        // ready files in one transaction.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next_to_write = 0;
        while let Ok((i, done)) = rx.recv() {
            waiting.insert(i, done);
            while let Ok((i, done)) = rx.try_recv() {
                waiting.insert(i, done);
            }
            let mut batch = Vec::new();
            while let Some(done) = waiting.remove(&next_to_write) {
                batch.push(done);
                next_to_write += 1;
            }
            if batch.is_empty() {
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
        }
        Ok(())
    })?;
    report.cancelled = cancel.load(Ordering::Relaxed) && files_done < files.len();
    Ok(report)
}

fn write_batch(
    catalog: &mut Catalog,
    vault: &Vault,
    actor: &str,
    batch: &[Done],
    report: &mut ImportReport,
) {
    let mut local = ImportReport::default();
    let result = catalog.write(actor, |tx| {
        for done in batch {
            match done {
                Done::Failed { path, error } => local.failed.push(Failed { path: path.clone(), error: error.clone() }),
                Done::Duplicate { path, sha256 } => match tx.item_id_by_sha(sha256)? {
                    Some(id) => {
                        if tx.add_path(id, path)? {
                            tx.log("path_added", Some(sha256), serde_json::json!({ "path": path }))?;
                        }
                        local.duplicates.push(Duplicate { path: path.clone(), sha256: sha256.clone(), id });
                    }
                    None => local.failed.push(Failed {
                        path: path.clone(),
                        error: "its twin vanished from the catalogue during the import; import it again".into(),
                    }),
                },
                Done::Ready { item, temp, warnings } => {
                    for w in warnings {
                        local.warnings.push(Warning { path: item.source_path.clone(), warning: w.clone() });
                    }
                    if let Some(id) = tx.item_id_by_sha(&item.sha256)? {
                        let _ = std::fs::remove_file(temp);
                        if tx.add_path(id, &item.source_path)? {
                            tx.log("path_added", Some(&item.sha256), serde_json::json!({ "path": item.source_path }))?;
                        }
                        local.duplicates.push(Duplicate { path: item.source_path.clone(), sha256: item.sha256.clone(), id });
                        continue;
                    }
                    if let Err(e) = vault.commit(temp, &item.stored_path) {
                        local.failed.push(Failed { path: item.source_path.clone(), error: e.to_string() });
                        continue;
                    }
                    let id = tx.insert_item(item)?;
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

/// Everything a worker does for one file. Never panics on bad input; returns why it failed.
fn process(library: &Library, session: &Session, reader: Option<&Catalog>, path: &Path) -> Done {
    let shown = show(path);
    let fail = |error: String| Done::Failed {
        path: shown.clone(),
        error,
    };
    let source = match session.read_source(path) {
        Ok(s) => s,
        Err(Error::File { message, .. }) => return fail(message),
        Err(e) => return fail(e.to_string()),
    };
    if source.size == 0 {
        return fail("empty file (0 bytes)".into());
    }
    if let Some(r) = reader
        && let Ok(Some(_)) = r.item_id_by_sha(&source.sha256)
    {
        if let Content::Staged(t) = &source.content {
            let _ = std::fs::remove_file(t);
        }
        return Done::Duplicate {
            path: shown,
            sha256: source.sha256,
        };
    }
    // From here on a rejected file must not leave its staged copy behind.
    let staged = match &source.content {
        Content::Staged(t) => Some(t.clone()),
        Content::Memory(_) => None,
    };
    let reject = |error: String| {
        if let Some(t) = &staged {
            let _ = std::fs::remove_file(t);
        }
        Done::Failed {
            path: shown.clone(),
            error,
        }
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    let head: Vec<u8> = match &source.content {
        Content::Memory(b) => b[..b.len().min(64)].to_vec(),
        Content::Staged(t) => read_head(t).unwrap_or_default(),
    };
    let kind = match sniff(&head, &ext) {
        Some(k) => k,
        None => return reject("not a photo (unrecognised content)".into()),
    };
    let format = match kind {
        Kind::NotPhoto(what) => return reject(format!("not a photo: it is {what}")),
        Kind::Photo(f) | Kind::Undecodable(f) => f,
    };
    // A large original is read back whole only if it is to be decoded.
    let owned;
    let bytes: &[u8] = match (&source.content, kind) {
        (Content::Memory(b), _) => b,
        (Content::Staged(t), Kind::Photo(_)) => match std::fs::read(t) {
            Ok(b) => {
                owned = b;
                &owned
            }
            Err(e) => {
                return reject(format!(
                    "cannot read back the copy ({})",
                    crate::error::io_reason(&e)
                ));
            }
        },
        (Content::Staged(_), _) => &[],
    };
    let mut warnings = Vec::new();
    let exif = match (&source.content, format) {
        // Formats that carry no EXIF kamadak-exif can read: nothing to warn about.
        (_, Format::Gif | Format::Bmp) => ExifFacts::default(),
        (Content::Staged(t), _) if bytes.is_empty() => std::fs::File::open(t)
            .ok()
            .and_then(|f| exif::read(&mut std::io::BufReader::new(f)).ok().flatten())
            .unwrap_or_default(),
        _ => match exif::read(&mut std::io::Cursor::new(bytes)) {
            Ok(e) => e.unwrap_or_default(),
            // RAW containers kamadak-exif does not know are kept without metadata, quietly.
            Err(_) if matches!(kind, Kind::Undecodable(_)) => ExifFacts::default(),
            Err(w) => {
                warnings.push(w);
                ExifFacts::default()
            }
        },
    };
    let (width, height, has_preview) = match kind {
        Kind::Photo(f) => match render::render(bytes, f, exif.orientation) {
            Ok(r) => {
                let written = write_derived(&library.thumb_path(&source.sha256), &r.thumb_jpeg)
                    .and_then(|_| {
                        write_derived(&library.preview_path(&source.sha256), &r.preview_jpeg)
                    });
                if let Err(e) = written {
                    warnings.push(format!("no preview: {e}"));
                }
                (Some(r.width), Some(r.height), true)
            }
            Err(reason) => return reject(reason),
        },
        _ => {
            warnings.push(format!(
                "no preview: {} cannot be decoded yet; catalogued as evidence with its metadata",
                format.name().to_uppercase()
            ));
            let size = exif.pixel_size.map(|(w, h)| match exif.orientation {
                Some(5..=8) => (h, w),
                _ => (w, h),
            });
            (size.map(|s| s.0), size.map(|s| s.1), false)
        }
    };
    let temp = match &source.content {
        Content::Staged(t) => t.clone(),
        Content::Memory(b) => match session.stage_bytes(b) {
            Ok(t) => t,
            Err(e) => return fail(e.to_string()),
        },
    };
    let item = NewItem {
        stored_path: Vault::relative_path(&source.sha256, format.extension()),
        sha256: source.sha256,
        original_name: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        source_path: shown,
        size: source.size,
        format: format.name().to_string(),
        width,
        height,
        has_preview,
        exif,
    };
    Done::Ready {
        item: Box::new(item),
        temp,
        warnings,
    }
}

/// Reads and decodes a photo for on-screen display: upright, long edge between `min_edge`
/// (where the original is that large) and `max_edge`. For the app's full view; off the UI thread.
pub fn display_image(path: &Path, min_edge: u32, max_edge: u32) -> Result<image::RgbImage, String> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::io_reason(&e))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    let Some(Kind::Photo(format)) = sniff(&bytes[..bytes.len().min(64)], &ext) else {
        return Err("no preview for this format".into());
    };
    let orientation = exif::read(&mut std::io::Cursor::new(&bytes))
        .ok()
        .flatten()
        .and_then(|e| e.orientation);
    render::display(&bytes, format, orientation, min_edge, max_edge)
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    Ok(head)
}

/// A path as reports show it.
pub(crate) fn show(path: &Path) -> String {
    path.to_string_lossy().to_string()
}
