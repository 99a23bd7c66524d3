//! One file's work in an import worker: read and hash it, skip it when the catalogue already
//! holds it, sniff its format, read its metadata and make its thumbnails (a photo) or read its
//! container and make its poster (a video), and stage it. Not responsible for walking paths,
//! running the workers or committing what they send (`mod.rs`).

use super::*;

/// Everything a worker does for one file. Never panics on bad input; returns why it failed.
pub(super) fn process(
    library: &Library,
    session: &Session,
    reader: Option<&Catalog>,
    path: &Path,
) -> Done {
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

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    Ok(head)
}
