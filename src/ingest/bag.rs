//! Importing an evidence bag made by another Kadr library (`kadr import BAG`).
//!
//! The bag is verified whole before anything is taken from it: every payload file against the
//! manifest, no file missing or unlisted, Payload-Oxum, the tag manifest. A damaged bag is
//! refused with the file named. Then its originals go through the ordinary import (items are
//! matched by SHA-256) and its catalogue data is merged: a field empty here takes the bag's
//! value; people and keywords are united; review notes are kept with their authors. Where both
//! sides hold different values, this library's value stays, the bag's value is written next to
//! it as a note, the item gets the keyword `merge-conflict`, and the conflict is listed in the
//! report. Nothing is silently overwritten. The bag's own history of each item is kept inside a
//! `merge` entry of this library's history.

use crate::catalog::{Catalog, ItemRow, Note, TagChange};
use crate::dates::EventDate;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Sha256, Sha512};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A field both sides changed differently; this library's value was kept.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Conflict {
    pub sha256: String,
    pub id: i64,
    pub field: String,
    pub here: String,
    pub bag: String,
}

/// An item whose catalogue data came in from a bag.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Merged {
    pub sha256: String,
    pub id: i64,
    /// What was taken from the bag.
    pub fields: Vec<String>,
}

pub fn is_bag(dir: &Path) -> bool {
    dir.is_dir() && dir.join("bagit.txt").is_file()
}

/// Whether a file the walk skipped in `data/originals` is one of the XMP sidecars that
/// `export --format bag` writes beside each original (`<sha256>.xmp`): it repeats the bag's
/// catalogue data, so leaving it out is expected and not reported.
pub fn is_own_sidecar(originals: &Path, skipped: &str) -> bool {
    let path = Path::new(skipped);
    path.parent() == Some(originals)
        && path.extension().is_some_and(|e| e == "xmp")
        && path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Checks the bag whole; on damage returns the file and what is wrong with it.
pub fn verify(dir: &Path) -> std::result::Result<(), (PathBuf, String)> {
    let (manifest, sha512) = if dir.join("manifest-sha256.txt").is_file() {
        (dir.join("manifest-sha256.txt"), false)
    } else if dir.join("manifest-sha512.txt").is_file() {
        (dir.join("manifest-sha512.txt"), true)
    } else {
        return Err((dir.to_path_buf(), "the bag has no payload manifest".into()));
    };
    let listed = check_manifest(dir, &manifest, sha512)?;
    // Every payload file must be listed.
    let data = dir.join("data");
    for entry in walkdir::WalkDir::new(&data)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        if !listed.contains(entry.path()) {
            return Err((
                entry.path().to_path_buf(),
                "is in the bag but not in its manifest (added after bagging)".into(),
            ));
        }
    }
    // Payload-Oxum: bytes.files.
    let info = std::fs::read_to_string(dir.join("bag-info.txt")).unwrap_or_default();
    if let Some(oxum) = info.lines().find_map(|l| l.strip_prefix("Payload-Oxum:")) {
        let bytes: u64 = listed
            .iter()
            .map(|p| p.metadata().map(|m| m.len()).unwrap_or(0))
            .sum();
        if oxum.trim() != format!("{bytes}.{}", listed.len()) {
            return Err((
                dir.join("bag-info.txt"),
                format!(
                    "Payload-Oxum {} does not match the payload ({bytes}.{})",
                    oxum.trim(),
                    listed.len()
                ),
            ));
        }
    }
    let tags = dir.join("tagmanifest-sha256.txt");
    if tags.is_file() {
        check_manifest(dir, &tags, false)?;
    }
    Ok(())
}

fn check_manifest(
    dir: &Path,
    manifest: &Path,
    sha512: bool,
) -> std::result::Result<HashSet<PathBuf>, (PathBuf, String)> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| (manifest.to_path_buf(), crate::error::io_reason(&e)))?;
    let mut listed = HashSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, rel)) = line.split_once(char::is_whitespace) else {
            return Err((
                manifest.to_path_buf(),
                format!("unreadable manifest line {line:?}"),
            ));
        };
        let rel = rel.trim();
        if rel.split('/').any(|p| p == "..") {
            return Err((
                manifest.to_path_buf(),
                format!("the manifest names a path outside the bag: {rel}"),
            ));
        }
        let path = rel
            .split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part));
        let actual = if sha512 {
            crate::vault::hash_file_with::<Sha512>(&path)
        } else {
            crate::vault::hash_file_with::<Sha256>(&path)
        }
        .map_err(|_| {
            (
                path.clone(),
                "is listed in the bag's manifest but missing".to_string(),
            )
        })?;
        if !actual.eq_ignore_ascii_case(hash.trim()) {
            return Err((
                path,
                "does not match the bag's manifest (damaged or altered since bagging)".into(),
            ));
        }
        listed.insert(path);
    }
    Ok(listed)
}

#[derive(Deserialize)]
struct BagItem {
    sha256: String,
    original_name: Option<String>,
    caption: Option<String>,
    event_date: Option<String>,
    #[serde(default)]
    place_path: Vec<String>,
    #[serde(default)]
    people: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    source: Option<String>,
    credit: Option<String>,
    creator: Option<String>,
    copyright: Option<String>,
    #[serde(default = "unreviewed")]
    review_status: String,
    review_by: Option<String>,
    review_at: Option<String>,
    #[serde(default)]
    notes: Vec<Note>,
    #[serde(default)]
    do_not_publish: bool,
    #[serde(default)]
    redactions: Vec<crate::catalog::Redaction>,
}

fn unreviewed() -> String {
    "unreviewed".into()
}

#[derive(Deserialize)]
struct BagEntity {
    name: String,
    #[serde(default)]
    path: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<Option<T>> {
    let path = dir.join("data").join("catalog").join(name);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::file(format!("unreadable bag catalogue ({e})"), &path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::file(crate::error::io_reason(&e), &path)),
    }
}

/// Applies what the bag gives item `id` (`fields`: what was taken), each value recorded as from
/// the `bag`. A field a person typed here is never replaced; people and keywords the bag adds to
/// a typed list are still added (nothing here is lost), and the list stays typed.
fn take_from_bag(
    tx: &crate::catalog::Tx<'_>,
    id: i64,
    mut change: TagChange,
    fields: &[String],
) -> Result<()> {
    let sources: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| if f == "tags" { "keywords" } else { f.as_str() })
        .map(|f| (f, "bag"))
        .collect();
    let typed = tx.typed_fields(id)?;
    let lists = TagChange {
        add_people: if typed.iter().any(|f| f == "people") {
            std::mem::take(&mut change.add_people)
        } else {
            Vec::new()
        },
        add_tags: if typed.iter().any(|f| f == "keywords") {
            std::mem::take(&mut change.add_tags)
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    if let Some(why) = tx.tag_from_file(id, &change, &sources)? {
        return Err(Error::invalid(format!("the bag's catalogue data: {why}")));
    }
    tx.tag(id, &lists)
}

/// Merges a verified bag's catalogue data into `catalog`; its originals must be imported first.
pub fn merge(
    catalog: &mut Catalog,
    actor: &str,
    dir: &Path,
) -> Result<(Vec<Merged>, Vec<Conflict>)> {
    let Some(items) = read_json::<Vec<BagItem>>(dir, "items.json")? else {
        return Ok((Vec::new(), Vec::new())); // a bag from elsewhere: originals only
    };
    let people: Vec<BagEntity> = read_json(dir, "people.json")?.unwrap_or_default();
    let places: Vec<BagEntity> = read_json(dir, "places.json")?.unwrap_or_default();
    let history: Vec<serde_json::Value> = read_json(dir, "history.json")?.unwrap_or_default();
    let label = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut here: HashMap<String, ItemRow> = HashMap::new();
    for it in &items {
        if let Some(id) = catalog.item_id_by_sha(&it.sha256)? {
            here.insert(it.sha256.clone(), catalog.item(id)?);
        }
    }
    let (mut merged, mut conflicts) = (Vec::new(), Vec::new());
    catalog.write(actor, |tx| {
        for p in &places {
            let path = if p.path.is_empty() { p.name.clone() } else { p.path.join(" > ") };
            let id = tx.place(&path)?;
            for a in &p.aliases {
                tx.add_alias(crate::catalog::EntityKind::Place, id, a)?;
            }
        }
        for p in &people {
            let id = tx.person(&p.name)?;
            for a in &p.aliases {
                tx.add_alias(crate::catalog::EntityKind::Person, id, a)?;
            }
        }
        for it in &items {
            let Some(row) = here.get(&it.sha256) else { continue };
            let mut change = TagChange::default();
            let mut fields = Vec::new();
            // Imported from the bag, the file is named by its hash: take back its real name.
            if let Some(name) = &it.original_name
                && row.original_name.starts_with(&row.sha256)
            {
                tx.set_original_name(row.id, name)?;
                fields.push("original_name".into());
            }
            // A field a person emptied here is a value too: the bag's differs from it.
            let typed = tx.typed_fields(row.id)?;
            let typed_empty = |field: &str| typed.iter().any(|f| f == field);
            let mut clash = |field: &str, ours: &str, theirs: &str| {
                conflicts.push(Conflict {
                    sha256: it.sha256.clone(),
                    id: row.id,
                    field: field.into(),
                    here: ours.into(),
                    bag: theirs.into(),
                });
            };
            let texts: [(&str, &Option<String>, &Option<String>); 6] = [
                ("caption", &row.caption, &it.caption),
                ("event_date", &row.event_date, &it.event_date),
                ("source", &row.source, &it.source),
                ("credit", &row.credit, &it.credit),
                ("creator", &row.creator, &it.creator),
                ("copyright", &row.copyright, &it.copyright),
            ];
            for (field, ours, theirs) in texts {
                match (ours, theirs) {
                    (_, None) => {}
                    (None, Some(t)) if typed_empty(field) => clash(field, "", t),
                    (None, Some(t)) => {
                        fields.push(field.to_string());
                        match field {
                            "caption" => change.caption = Some(Some(t.clone())),
                            "source" => change.source = Some(Some(t.clone())),
                            "credit" => change.credit = Some(Some(t.clone())),
                            "creator" => change.creator = Some(Some(t.clone())),
                            "copyright" => change.copyright = Some(Some(t.clone())),
                            _ => change.date = Some(EventDate::parse(t).ok()),
                        }
                    }
                    (Some(o), Some(t)) if o == t => {}
                    (Some(o), Some(t)) => clash(field, o, t),
                }
            }
            let (ours, theirs) = (row.place_path.join(" > "), it.place_path.join(" > "));
            if !theirs.is_empty() && ours != theirs {
                if ours.is_empty() && !typed_empty("place") {
                    fields.push("place".into());
                    change.place = Some(Some(theirs));
                } else {
                    clash("place", &ours, &theirs);
                }
            }
            change.add_people = it.people.iter().filter(|p| !row.people.contains(p)).cloned().collect();
            change.add_tags = it.tags.iter().filter(|t| !row.tags.contains(t)).cloned().collect();
            if !change.add_people.is_empty() {
                fields.push("people".into());
            }
            if !change.add_tags.is_empty() {
                fields.push("tags".into());
            }
            take_from_bag(tx, row.id, change, &fields)?;
            if it.review_status != "unreviewed" && it.review_status != row.review_status {
                if row.review_status == "unreviewed" {
                    tx.merge_review(row.id, &it.review_status, it.review_by.as_deref(), it.review_at.as_deref())?;
                    fields.push("review_status".into());
                } else {
                    clash("review_status", &row.review_status, &it.review_status);
                }
            }
            for n in &it.notes {
                if tx.merge_note(row.id, n)? {
                    fields.push("note".into());
                }
            }
            // Redactions only ever add protection: take every rectangle not already here.
            for r in &it.redactions {
                let known = row.redactions.iter().any(|h| {
                    (h.x - r.x).abs() < 1e-6 && (h.y - r.y).abs() < 1e-6 && (h.w - r.w).abs() < 1e-6 && (h.h - r.h).abs() < 1e-6
                });
                if !known {
                    tx.add_redaction(row.id, r.x, r.y, r.w, r.h)?;
                    fields.push("redactions".into());
                }
            }
            if it.do_not_publish && !row.do_not_publish {
                tx.set_do_not_publish(row.id, true)?;
                fields.push("do_not_publish".into());
            }
            // Both values stay visible: the bag's as a note, and a keyword to find them all.
            let mine: Vec<&Conflict> = conflicts.iter().filter(|c| c.sha256 == it.sha256).collect();
            // (A note already written by an earlier import of the same bag is not repeated.)
            let mut new_conflicts = 0;
            for c in &mine {
                let text = format!("merge conflict ({}): this library has «{}»; the bag {label} has «{}»", c.field, c.here, c.bag);
                if !row.notes.iter().any(|n| n.text == text) {
                    tx.review(row.id, None, Some(&text))?;
                    new_conflicts += 1;
                }
            }
            // (Unless this library's item or the bag's already carries it.)
            let marked = row.tags.iter().chain(&it.tags).any(|t| t == "merge-conflict");
            if !mine.is_empty() && !marked {
                // Kadr's own marker, not a person's word: the keywords stay as sourced as they
                // were (typed if typed, else from the bag).
                let marker = TagChange { add_tags: vec!["merge-conflict".into()], ..Default::default() };
                if tx.typed_fields(row.id)?.iter().any(|f| f == "keywords")
                    || tx.tag_from_file(row.id, &marker, &[("keywords", "bag")])?.is_some()
                {
                    tx.tag(row.id, &marker)?;
                }
            }
            if !fields.is_empty() || new_conflicts > 0 {
                let theirs: Vec<&serde_json::Value> = history.iter().filter(|e| e["item"] == it.sha256.as_str()).collect();
                tx.log("merge", Some(&it.sha256), serde_json::json!({"bag": label, "took": fields, "conflicts": mine.len(), "bag_history": theirs}))?;
            }
            fields.dedup();
            merged.push(Merged { sha256: it.sha256.clone(), id: row.id, fields });
        }
        Ok(())
    })?;
    Ok((merged, conflicts))
}
