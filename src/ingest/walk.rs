//! Turning the paths a user named into the list of files to import, in a stable order.
//!
//! Folders are walked recursively in name order; hidden files and folders are skipped;
//! symbolic links are followed, and a link that loops back is reported, not followed forever.
//! Files that are plainly not media (documents, sidecars, thumbnail caches: by their name, and
//! confirmed by their first bytes) are listed as skipped, not failed: a folder as people keep
//! it holds them next to the photos.

use std::path::{Path, PathBuf};

pub struct Plan {
    /// Absolute path and size of each file, in import order, each path once.
    pub files: Vec<(PathBuf, u64)>,
    pub failed: Vec<(PathBuf, String)>,
    pub warnings: Vec<(PathBuf, String)>,
    /// Files left out because they are not media, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Extensions of files that are not photos or videos, with what they are.
const NOT_MEDIA: &[(&str, &str)] = &[
    ("txt", "a text file"),
    ("md", "a text file"),
    ("rtf", "a text document"),
    ("json", "a JSON file"),
    ("xml", "an XML file"),
    ("csv", "a spreadsheet (CSV)"),
    ("pdf", "a PDF document"),
    ("html", "a web page"),
    ("htm", "a web page"),
    ("db", "a database or thumbnail cache"),
    ("sqlite", "a database"),
    ("ini", "a settings file"),
    ("log", "a log file"),
    ("xmp", "an XMP sidecar (metadata only)"),
    ("aae", "an Apple photo-edit sidecar"),
    ("thm", "a camera's thumbnail sidecar"),
    ("lrv", "a camera's low-resolution proxy"),
    ("doc", "a document"),
    ("docx", "a document"),
    ("odt", "a document"),
    ("xls", "a spreadsheet"),
    ("xlsx", "a spreadsheet"),
    ("ods", "a spreadsheet"),
];

/// Extensions that name a photo or video format: such a file is never skipped as text.
const MEDIA_EXTS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "gif", "webp", "tif", "tiff", "bmp", "heic", "heif", "hif",
    "avif", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "dng", "orf", "rw2", "raf",
    "pef", "srw", "3fr", "erf", "kdc", "mos", "iiq", "rwl", "mp4", "mov", "m4v", "3gp", "3g2",
    "mkv", "webm", "avi", "mpo",
];

/// Plain text: non-empty, valid UTF-8 (a cut at the end allowed), no control bytes but
/// whitespace.
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.valid_up_to() + 4 >= head.len() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return false,
    };
    !valid.trim().is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

/// Why a file is skipped, if it is plainly not media: its name says so and its first bytes
/// do not say otherwise (a photo misnamed `.txt` is still imported).
fn skip_reason(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let listed = if name == "thumbs.db" || name == "desktop.ini" {
        Some("a system file")
    } else {
        NOT_MEDIA.iter().find(|(e, _)| *e == ext).map(|e| e.1)
    };
    // Without a listed extension, only a file that names no media format and holds plain text
    // (a README, a LICENSE) is plainly not media.
    if listed.is_none() && MEDIA_EXTS.contains(&ext.as_str()) {
        return None;
    }
    let mut head = Vec::with_capacity(512);
    if let Ok(f) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = f.take(512).read_to_end(&mut head);
    }
    let what = match listed {
        Some(what) => what,
        None if is_text(&head) => "a text file",
        None => return None,
    };
    // A camera's proxies (THM, LRV) are media bytes, but copies the camera made of a clip.
    let proxy = ext == "thm" || ext == "lrv";
    match super::sniff(&head, &ext) {
        Some(super::Kind::Photo(_) | super::Kind::Video(_)) if !proxy => None,
        _ => Some(format!("not media: {what}")),
    }
}

pub fn plan(paths: &[PathBuf], library_root: &Path) -> Plan {
    let mut plan = Plan {
        files: Vec::new(),
        failed: Vec::new(),
        warnings: Vec::new(),
        skipped: Vec::new(),
    };
    let add = |plan: &mut Plan, path: PathBuf, size: u64| match skip_reason(&path) {
        Some(reason) => plan.skipped.push((path, reason)),
        None => plan.files.push((path, size)),
    };
    let mut seen = std::collections::HashSet::new();
    for given in paths {
        let path = std::path::absolute(given).unwrap_or_else(|_| given.clone());
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                plan.failed
                    .push((given.clone(), crate::error::io_reason(&e)));
                continue;
            }
        };
        if meta.is_file() {
            if seen.insert(path.clone()) {
                add(&mut plan, path, meta.len());
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(&path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if e.path().starts_with(library_root) {
                        continue; // never re-import the library into itself
                    }
                    let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                    if seen.insert(e.path().to_path_buf()) {
                        add(&mut plan, e.path().to_path_buf(), size);
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let at = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| path.clone());
                    if err.loop_ancestor().is_some() {
                        plan.warnings.push((
                            at,
                            "skipped a symbolic link that loops back to a folder above it".into(),
                        ));
                    } else {
                        let reason = err
                            .io_error()
                            .map(crate::error::io_reason)
                            .unwrap_or_else(|| err.to_string());
                        plan.failed.push((at, format!("cannot read ({reason})")));
                    }
                }
            }
        }
    }
    plan
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}
