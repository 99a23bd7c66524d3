//! The import pipeline: walk the paths, read each file once, hash it, read its EXIF, make its
//! thumbnails, and catalogue it atomically.
//!
//! Workers (one per core) each hold at most one file's bytes and one decoded frame; they hand
//! finished files to the single writer (the calling thread) over a bounded channel. One bad
//! file is reported with its reason and the rest goes on. The cancel flag is checked between
//! files. This module never prints: progress goes out as `ImportEvent`s to a callback.

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
mod xmp_in;

pub use bag::{Conflict, Merged};
pub use exif::{ExifFacts, parse_exif_datetime, parse_stamp};
pub use render::{MAX_PIXELS, PREVIEW_EDGE, THUMB_EDGE, encode_jpeg};
pub use sniff::{Format, Kind, sniff};
pub use video::VideoFacts;

use crate::catalog::{Catalog, NewItem};
use crate::error::{Error, Result};
use crate::library::{Library, write_derived};
use crate::vault::{Content, Session, Staged, Vault};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    let head: Vec<u8> = match &source.content {
        Content::Memory(b) => b[..b.len().min(64)].to_vec(),
        Content::Staged(t) => read_head(t).unwrap_or_default(),
    };
    let kind = sniff(&head, &ext);
    // A file in memory is copied to its temp file now, its writeback started, so the disk
    // writes while this thread decodes; the writer fsyncs it before placing it.
    let pending = match (&source.content, kind) {
        (Content::Memory(b), Some(Kind::Photo(_) | Kind::Video(_))) => {
            match session.stage_bytes_async(b) {
                Ok(s) => Some(s),
                Err(e) => return fail(e.to_string()),
            }
        }
        _ => None,
    };
    // From here on a rejected file must not leave its staged copy behind.
    let staged = match &source.content {
        Content::Staged(t) => Some(t.clone()),
        Content::Memory(_) => pending.as_ref().map(|p| p.path.clone()),
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
    let kind = match kind {
        Some(k) => k,
        None => return reject("not a photo or video (unrecognised content)".into()),
    };
    let mut warnings = Vec::new();
    let mut embedded = iptc::FileMeta::default();
    let described = match kind {
        Kind::NotPhoto(what) => return reject(format!("not a photo or video: it is {what}")),
        Kind::Video(container) => {
            match describe_video(library, session, &source, staged.as_deref(), container) {
                Ok(d) => d,
                Err(why) => return reject(why),
            }
        }
        Kind::Photo(format) => {
            // A large original is read back whole: it is to be decoded.
            let owned;
            let bytes: &[u8] = match &source.content {
                Content::Memory(b) => b,
                Content::Staged(t) => match std::fs::read(t) {
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
            };
            // A reader that panics on a crafted file costs its metadata, not the item.
            embedded =
                std::panic::catch_unwind(|| meta_in::embedded(bytes, format)).unwrap_or_default();
            match describe_photo(library, &source.sha256, bytes, format) {
                Ok(d) => d,
                Err(why) => return reject(why),
            }
        }
    };
    warnings.extend(described.warnings);
    let temp = match (&source.content, pending) {
        (Content::Staged(t), _) => Staged::synced(t.clone()),
        // Fsynced by the writer, with the rest of its batch.
        (Content::Memory(_), Some(pending)) => pending,
        (Content::Memory(b), None) => match session.stage_bytes(b) {
            Ok(t) => Staged::synced(t),
            Err(e) => return fail(e.to_string()),
        },
    };
    let item = NewItem {
        stored_path: Vault::relative_path(&source.sha256, described.extension),
        sha256: source.sha256,
        original_name: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        source_path: shown,
        size: source.size,
        format: described.format,
        media: described.media,
        width: described.width,
        height: described.height,
        duration_s: described.duration_s,
        has_preview: described.has_preview,
        incomplete: described.incomplete,
        exif: described.facts,
        phash: described.phash,
    };
    Done::Ready {
        item: Box::new(item),
        meta: Box::new(meta_in::found(path, embedded)),
        temp,
        warnings,
    }
}

/// What a worker learnt of one file, photo or video.
struct Described {
    format: String,
    extension: &'static str,
    media: crate::facts::Media,
    width: Option<u32>,
    height: Option<u32>,
    duration_s: Option<f64>,
    has_preview: bool,
    incomplete: bool,
    facts: ExifFacts,
    warnings: Vec<String>,
    /// The upright thumbnail's perceptual hash (`verify`), for near-duplicates.
    phash: Option<u64>,
}

/// The warning for a file whose picture ends early.
pub const INCOMPLETE: &str = "incomplete: the file ends before the picture does";

/// Reads a photo's metadata and makes its thumbnails. `Err` only when the file is not a photo
/// after all (nothing decodes and no metadata is readable) or claims a bomb of a size.
fn describe_photo(
    library: &Library,
    sha256: &str,
    bytes: &[u8],
    format: Format,
) -> std::result::Result<Described, String> {
    let meta = exif::read(bytes, format);
    let mut warnings = meta.warnings;
    let facts = meta.facts;
    let mut d = Described {
        format: format.name().to_string(),
        extension: format.extension(),
        media: crate::facts::Media::Photo,
        width: None,
        height: None,
        duration_s: None,
        has_preview: false,
        incomplete: false,
        facts: ExifFacts::default(),
        warnings: Vec::new(),
        phash: None,
    };
    // A decoder that panics on a damaged or crafted file costs the preview, not the item.
    let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render::render(bytes, format, facts.orientation)
    }))
    .unwrap_or_else(|_| {
        Err(render::RenderError::Unsupported {
            why: "the decoder crashed on this file (damaged or crafted)".into(),
            incomplete: false,
        })
    });
    match rendered {
        Ok(r) => {
            let written = write_derived(&library.thumb_path(sha256), &r.thumb_jpeg)
                .and_then(|_| write_derived(&library.preview_path(sha256), &r.preview_jpeg));
            match written {
                Ok(()) => d.has_preview = true,
                Err(e) => warnings.push(format!("no preview: {e}")),
            }
            d.incomplete = r.incomplete;
            d.phash = Some(r.thumb_hash);
            // A RAW's preview may be smaller than the photo: the size its metadata states wins.
            let stated = matches!(format, Format::Raw(_))
                .then(|| displayed(facts.pixel_size, facts.orientation))
                .flatten();
            let (w, h) = stated.unwrap_or((r.width, r.height));
            (d.width, d.height) = (Some(w), Some(h));
        }
        Err(render::RenderError::Bomb(why)) => return Err(why),
        // Neither a picture nor metadata: not a photo after all.
        Err(render::RenderError::Unreadable(why)) if facts == ExifFacts::default() => {
            return Err(why);
        }
        // Damaged, unsupported, or unreadable with metadata that says it is a photo: evidence
        // all the same, catalogued with what can be read.
        Err(e) => {
            let mut size = displayed(facts.pixel_size, facts.orientation);
            match &e {
                render::RenderError::Unsupported { incomplete, .. } => d.incomplete = *incomplete,
                render::RenderError::Damaged {
                    width,
                    height,
                    incomplete,
                    ..
                } => {
                    d.incomplete = *incomplete;
                    size = displayed(Some((*width, *height)), facts.orientation);
                }
                _ => d.incomplete = format == Format::Jpeg && !render::has_jpeg_end(bytes),
            }
            warnings.push(format!("no preview: {}", e.message()));
            (d.width, d.height) = (size.map(|s| s.0), size.map(|s| s.1));
        }
    }
    if d.incomplete {
        warnings.push(INCOMPLETE.into());
    }
    d.facts = facts;
    d.warnings = warnings;
    Ok(d)
}

fn displayed(size: Option<(u32, u32)>, orientation: Option<u16>) -> Option<(u32, u32)> {
    size.map(|(w, h)| match orientation {
        Some(5..=8) => (h, w),
        _ => (w, h),
    })
}

/// Reads a video's container facts and, where `ffmpeg` is installed, makes a poster frame.
fn describe_video(
    library: &Library,
    session: &Session,
    source: &crate::vault::Source,
    staged: Option<&std::path::Path>,
    container: &'static str,
) -> std::result::Result<Described, String> {
    let probed = match &source.content {
        Content::Memory(b) => video::probe(&mut std::io::Cursor::new(b), b.len() as u64, container),
        Content::Staged(t) => std::fs::File::open(t)
            .map_err(|e| crate::error::io_reason(&e))
            .and_then(|f| video::probe(&mut std::io::BufReader::new(f), source.size, container)),
    }?;
    let mut warnings = probed.warnings.clone();
    let facts = ExifFacts {
        capture_local: probed.creation_local,
        capture_offset: probed.creation_local.and(probed.creation_offset),
        capture_subsec: None,
        capture_source: probed
            .creation_local
            .map(|_| crate::facts::CaptureSource::Container),
        gps: probed.gps,
        gps_alt: probed.gps.and(probed.gps_alt),
        make: probed.make.clone(),
        model: probed.model.clone(),
        serial: None,
        orientation: None,
        pixel_size: None,
    };
    // ffmpeg reads a file: the original's staged copy (written already, its fsync left to the
    // writer), or these bytes staged for it.
    let poster = match (&source.content, staged) {
        (Content::Staged(t), _) => video::poster_frame(t, render::PREVIEW_EDGE),
        (Content::Memory(_), Some(t)) => video::poster_frame(t, render::PREVIEW_EDGE),
        (Content::Memory(b), None) => match session.stage_bytes(b) {
            Ok(t) => {
                let p = video::poster_frame(&t, render::PREVIEW_EDGE);
                let _ = std::fs::remove_file(&t);
                p
            }
            Err(e) => Err(e.to_string()),
        },
    };
    let mut has_preview = false;
    let mut phash = None;
    match poster.and_then(|img| {
        let thumb = render::shrink(&img, render::THUMB_EDGE);
        phash = Some(crate::verify::perceptual_hash(&thumb));
        let t = encode_jpeg(&thumb, 82)?;
        let p = encode_jpeg(&img, 85)?;
        write_derived(&library.thumb_path(&source.sha256), &t)
            .and_then(|_| write_derived(&library.preview_path(&source.sha256), &p))
            .map_err(|e| e.to_string())
    }) {
        Ok(()) => has_preview = true,
        Err(why) => warnings.push(format!("no poster frame: {why}")),
    }
    if probed.incomplete {
        warnings.push("incomplete: the recording ends before its index was written".into());
    }
    // The container as read (a Matroska file's DocType may say WebM past the first bytes).
    let container = if probed.container.is_empty() {
        container
    } else {
        probed.container
    };
    Ok(Described {
        format: container.to_string(),
        extension: container,
        media: crate::facts::Media::Video,
        width: probed.width,
        height: probed.height,
        duration_s: probed.duration_s,
        has_preview,
        incomplete: probed.incomplete,
        facts,
        warnings,
        phash,
    })
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
