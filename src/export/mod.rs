//! Exports: a selection of items written to a folder as a BagIt bag (`bag`), a self-contained
//! HTML chronicle (`html`), catalogue data for spreadsheets and scripts (`csv`, `json`), XMP
//! sidecars for photo managers (`xmp`), or publication copies (`publish`).
//!
//! This module owns the selection (ITEM arguments and/or a `Filter`) and the output folder:
//! everything is written into a hidden temp sibling (`.NAME.partial-<pid>`), fsynced, and renamed
//! into place only when complete, so an export that fails or is cancelled midway never leaves a
//! folder that looks complete. A non-empty output folder is replaced only with `force`, and the
//! old one is removed only after the new one is in place. Each export is recorded in the history.
//! The formats themselves live in `bag`, `report`, `xmp` and `publish`. Originals are only ever
//! read.

mod bag;
mod publish;
mod report;
mod svgmap;
mod xmp;

use crate::catalog::{Catalog, Filter, ItemRow};
use crate::error::{Error, Result, WithPath};
use crate::i18n::SelectionWords as Words;
use crate::library::Library;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The formats `--format` accepts.
pub const FORMATS: &[&str] = &["bag", "html", "csv", "json", "xmp", "publish"];

/// One `kadr export` command.
#[derive(Debug, Clone)]
pub struct Options {
    /// One of `FORMATS`.
    pub format: String,
    pub out: PathBuf,
    /// Replace a non-empty output folder.
    pub force: bool,
    /// ITEM arguments (ids or SHA-256 prefixes); empty means every item the filter matches.
    pub items: Vec<String>,
    /// Narrows the selection (AND); the default matches everything.
    pub filter: Filter,
    /// Publish items marked "do not publish" too (`--format publish` only).
    pub include_do_not_publish: bool,
    /// The language of the HTML chronicle (`--format html` only): its headers, dates and texts.
    pub lang: crate::i18n::Lang,
}

/// What an export wrote, as `export --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub format: String,
    /// The output folder (absolute).
    pub out: String,
    /// Number of items exported.
    pub items: usize,
    /// Files written into the output folder (all of them, tag files included).
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

impl Summary {
    /// The human summary line, path last.
    pub fn line(&self) -> String {
        let what = match self.format.as_str() {
            "bag" => "a BagIt bag",
            "html" => "an HTML chronicle",
            "csv" => "CSV",
            "publish" => "publication copies",
            "xmp" => "XMP sidecars",
            _ => "JSON",
        };
        format!(
            "exported {} item{} as {what}: {} files, {}: {}",
            self.items,
            if self.items == 1 { "" } else { "s" },
            self.files,
            human_size(self.bytes),
            self.out
        )
    }
}

/// What the format writers get: the library, the selected items in timeline order, and the
/// selection in words (English for tag files, the chosen language for the HTML chronicle), and
/// that language's strings.
pub(crate) struct Ctx<'a> {
    pub lib: &'a Library,
    pub cat: &'a Catalog,
    pub actor: &'a str,
    pub items: &'a [ItemRow],
    pub selection: String,
    pub selection_local: String,
    pub strings: &'static crate::i18n::Strings,
}

/// Runs one export: selects, writes into a temp sibling of `out`, renames it into place, and
/// records it in the history.
pub fn export(
    lib: &Library,
    actor: &str,
    options: &Options,
    cancel: &AtomicBool,
) -> Result<Summary> {
    if !FORMATS.contains(&options.format.as_str()) {
        return Err(Error::invalid(format!(
            "unknown export format {:?} (bag, html, csv, json, xmp or publish)",
            options.format
        )));
    }
    let out = resolve_out(&options.out)?;
    check_out(lib, &out, options.force)?;

    let mut cat = lib.catalog()?;
    let items = select(&cat, &options.items, &options.filter)?;
    if items.is_empty() {
        return Err(Error::invalid(
            "nothing to export: no item matches the selection",
        ));
    }
    if options.format == "publish" {
        publish::check_publishable(&items, options.include_do_not_publish)?;
    }
    let ctx = Ctx {
        lib,
        cat: &cat,
        actor,
        items: &items,
        selection: describe(&options.items, &options.filter, EN_WORDS),
        selection_local: describe(
            &options.items,
            &options.filter,
            &options.lang.strings().report.words,
        ),
        strings: options.lang.strings(),
    };

    let parent = out.parent().expect("resolved output folders have a parent");
    let name = out
        .file_name()
        .expect("resolved output folders have a name");
    fs::create_dir_all(parent).with_path("cannot create the output folder", parent)?;
    let temp = parent.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    if temp.exists() {
        fs::remove_dir_all(&temp).with_path("cannot remove an old temp folder", &temp)?;
    }
    fs::create_dir(&temp).with_path("cannot create a temp folder", &temp)?;
    let mut writer = Out {
        dir: temp.clone(),
        files: 0,
        bytes: 0,
        cancel,
    };
    let mut published = Vec::new();
    let written = match options.format.as_str() {
        "bag" => bag::write(&ctx, &mut writer),
        "publish" => publish::write(&ctx, &mut writer).map(|p| published = p),
        "html" => report::write_html(&ctx, &mut writer),
        "csv" => report::write_csv(&ctx, &mut writer),
        "xmp" => xmp::write(&ctx, &mut writer),
        _ => report::write_json(&ctx, &mut writer),
    }
    .and_then(|()| writer.check_cancel())
    .and_then(|()| put_in_place(&temp, &out));
    let stale = match written {
        Ok(stale) => stale,
        Err(e) => {
            let _ = fs::remove_dir_all(&temp);
            return Err(e);
        }
    };

    let shas: Vec<&str> = items.iter().map(|i| i.sha256.as_str()).collect();
    let out_text = out.to_string_lossy().to_string();
    cat.write(actor, |tx| {
        tx.log(
            "export",
            None,
            serde_json::json!({"format": options.format, "out": out_text, "items": shas}),
        )?;
        // Each publication copy, with its own SHA-256 and the original it came from.
        for p in &published {
            let file = out.join(&p.file).to_string_lossy().to_string();
            tx.log(
                "publish",
                Some(&p.original_sha256),
                serde_json::json!({"copy_sha256": p.sha256, "file": file, "redactions": p.redactions}),
            )?;
        }
        Ok(())
    })?;
    if let Some(old) = stale {
        return Err(Error::file(
            "exported, but the old output folder could not be removed",
            old,
        ));
    }
    Ok(Summary {
        format: options.format.clone(),
        out: out_text,
        items: items.len(),
        files: writer.files,
        bytes: writer.bytes,
    })
}

/// The selected items in timeline order: the ITEMs given (every item if none), narrowed by the
/// filter.
fn select(cat: &Catalog, items: &[String], filter: &Filter) -> Result<Vec<ItemRow>> {
    let mut ids = cat.list_ids(filter)?;
    if !items.is_empty() {
        let chosen: HashSet<i64> = items
            .iter()
            .map(|i| cat.resolve(i))
            .collect::<Result<_>>()?;
        ids.retain(|id| chosen.contains(id));
    }
    cat.items_for_output(&ids)
}

/// The words `describe` uses: English for the bag's tag files, the chosen language for the HTML
/// chronicle.
static EN_WORDS: &Words = &crate::i18n::EN.report.words;

/// The selection in words: "person «Мамай»; status verified", or "the whole library".
fn describe(items: &[String], f: &Filter, w: &Words) -> String {
    let mut parts = Vec::new();
    if !items.is_empty() {
        parts.push(format!("{} {}", w.items, items.join(", ")));
    }
    let quoted = |label: &str, v: &Option<String>| v.as_ref().map(|v| format!("{label} «{v}»"));
    parts.extend(quoted(w.person, &f.person));
    parts.extend(quoted(w.place, &f.place));
    parts.extend(quoted(w.tag, &f.keyword));
    parts.extend(
        f.from
            .as_ref()
            .map(|d| format!("{} {}", w.from, d.to_text())),
    );
    parts.extend(f.to.as_ref().map(|d| format!("{} {}", w.to, d.to_text())));
    parts.extend(f.status.as_ref().map(|s| format!("{} {s}", w.status)));
    if f.undated {
        parts.push(w.undated.into());
    }
    if let Some(n) = &f.near {
        parts.push(format!(
            "{} {} m: {},{}",
            w.near, n.radius_m, n.center.lat, n.center.lon
        ));
    }
    if let Some(b) = &f.bbox {
        parts.push(format!(
            "{} {},{},{},{}",
            w.bbox, b.west, b.south, b.east, b.north
        ));
    }
    if parts.is_empty() {
        w.everything.into()
    } else {
        parts.join("; ")
    }
}

/// `out` made absolute: `.` and `..` resolved, and the part that exists canonicalised (so a
/// symbolic link to the library is seen for what it is).
fn resolve_out(out: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(out).with_path("cannot use the output folder", out)?;
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p;
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or_else(|_| existing.into());
    for n in rest.iter().rev() {
        resolved.push(n);
    }
    if resolved.parent().is_none() || resolved.file_name().is_none() {
        return Err(Error::file(
            "the output folder cannot be the root of the filesystem",
            out,
        ));
    }
    Ok(resolved)
}

/// Refuses an output folder that is not a folder, lies inside the library or holds it, or is
/// not empty (unless `force`; even then never the home folder or a folder holding the
/// current one).
fn check_out(lib: &Library, out: &Path, force: bool) -> Result<()> {
    let root = lib.root();
    if out.starts_with(root) || root.starts_with(out) {
        return Err(Error::file(
            "the output folder cannot be inside the library or contain it",
            out,
        ));
    }
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Error::file("the output path is not a folder", out));
    }
    let empty = fs::read_dir(out)
        .with_path("cannot read the output folder", out)?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    if !force {
        return Err(Error::file(
            "the output folder is not empty (use --force to replace it)",
            out,
        ));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.as_ref().and_then(|c| c.canonicalize().ok());
    if home.is_some_and(|h| h.canonicalize().is_ok_and(|h| h == out))
        || cwd.is_some_and(|c| c.starts_with(out))
    {
        return Err(Error::file(
            "refusing to replace the home folder or a folder holding the current one",
            out,
        ));
    }
    Ok(())
}

/// Moves the finished temp folder to `out`; a previous `out` is moved aside first and removed
/// only once the new one is in place. Returns the old folder if it could not be removed.
fn put_in_place(temp: &Path, out: &Path) -> Result<Option<PathBuf>> {
    sync_dir(temp);
    let parent = out.parent().expect("resolved output folders have a parent");
    let old = if out.exists() {
        if fs::read_dir(out)
            .with_path("cannot read the output folder", out)?
            .next()
            .is_none()
        {
            fs::remove_dir(out).with_path("cannot replace the output folder", out)?;
            None
        } else {
            let name = out.file_name().expect("has a name").to_string_lossy();
            let aside = parent.join(format!(".{name}.old-{}", std::process::id()));
            fs::rename(out, &aside).with_path("cannot move the old output folder aside", out)?;
            Some(aside)
        }
    } else {
        None
    };
    if let Err(e) = fs::rename(temp, out) {
        if let Some(aside) = &old {
            let _ = fs::rename(aside, out); // put the old one back
        }
        return Err(Error::file(
            format!(
                "cannot move the export into place: {}",
                crate::error::io_reason(&e)
            ),
            out,
        ));
    }
    sync_dir(parent);
    Ok(old.filter(|aside| fs::remove_dir_all(aside).is_err()))
}

/// SHA-256 and SHA-512 of some bytes, and how many.
pub(crate) struct Digests {
    pub sha256: String,
    pub sha512: String,
    pub size: u64,
}

impl Digests {
    pub fn of(bytes: &[u8]) -> Digests {
        Digests {
            sha256: crate::vault::hex(&Sha256::digest(bytes)),
            sha512: crate::vault::hex(&Sha512::digest(bytes)),
            size: bytes.len() as u64,
        }
    }
}

/// The temp folder an export is written into. Every file is fsynced as it is closed, and
/// counted for the summary.
pub(crate) struct Out<'a> {
    dir: PathBuf,
    files: usize,
    bytes: u64,
    cancel: &'a AtomicBool,
}

impl Out<'_> {
    /// Where `rel` (forward slashes) lands.
    pub fn path(&self, rel: &str) -> PathBuf {
        rel.split('/')
            .fold(self.dir.clone(), |p, part| p.join(part))
    }

    pub fn check_cancel(&self) -> Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(Error::invalid("the export was cancelled"));
        }
        Ok(())
    }

    fn create(&self, rel: &str) -> Result<(PathBuf, File)> {
        self.check_cancel()?;
        let path = self.path(rel);
        let dir = path.parent().expect("inside the temp folder");
        fs::create_dir_all(dir).with_path("cannot create folder", dir)?;
        let file = File::create(&path).with_path("cannot write", &path)?;
        Ok((path, file))
    }

    /// Writes a file of the export.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let (path, mut file) = self.create(rel)?;
        file.write_all(bytes).with_path("cannot write", &path)?;
        file.sync_all().with_path("cannot write", &path)?;
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Writes a file of the export from what `fill` writes into it, through a buffer (a large
    /// file is never held whole in memory).
    pub fn write_from(
        &mut self,
        rel: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<()> {
        let (path, file) = self.create(rel)?;
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut buffered)
            .and_then(|()| buffered.flush())
            .with_path("cannot write", &path)?;
        let file = buffered.get_ref();
        file.sync_all().with_path("cannot write", &path)?;
        let size = file.metadata().with_path("cannot write", &path)?.len();
        self.files += 1;
        self.bytes += size;
        Ok(())
    }

    /// Copies `src` to `rel`, streaming; returns the digests of the bytes read (and written).
    pub fn copy(&mut self, src: &Path, rel: &str) -> Result<Digests> {
        let mut input = File::open(src).with_path("cannot read", src)?;
        let (path, mut file) = self.create(rel)?;
        let (mut h256, mut h512) = (Sha256::new(), Sha512::new());
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = input.read(&mut buf).with_path("cannot read", src)?;
            if n == 0 {
                break;
            }
            h256.update(&buf[..n]);
            h512.update(&buf[..n]);
            file.write_all(&buf[..n]).with_path("cannot write", &path)?;
            size += n as u64;
        }
        file.sync_all().with_path("cannot write", &path)?;
        self.files += 1;
        self.bytes += size;
        Ok(Digests {
            sha256: crate::vault::hex(&h256.finalize()),
            sha512: crate::vault::hex(&h512.finalize()),
            size,
        })
    }
}

/// "12.3 MB": decimal units, one decimal from kB up.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

fn sync_dir(dir: &Path) {
    // Best effort: some filesystems refuse to fsync a folder; the files themselves are synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1000), "1.0 kB");
        assert_eq!(human_size(12_345_678), "12.3 MB");
        assert_eq!(human_size(999_999), "1.0 MB");
    }

    #[test]
    fn the_selection_reads_as_words() {
        let f = Filter {
            person: Some("Мамай".into()),
            status: Some("verified".into()),
            ..Default::default()
        };
        assert_eq!(
            describe(&["12".into()], &f, EN_WORDS),
            "items 12; person «Мамай»; status verified"
        );
        assert_eq!(
            describe(&[], &Filter::default(), EN_WORDS),
            "the whole library"
        );
        assert_eq!(
            describe(&[], &Filter::default(), &crate::i18n::RU.report.words),
            "вся библиотека"
        );
    }

    #[test]
    fn dots_in_the_output_path_are_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let p = resolve_out(&base.join("a/./b/../c")).unwrap();
        assert_eq!(p, base.join("a/c"));
        assert!(resolve_out(Path::new("/")).is_err());
    }
}
