//! The demo chronicle: a real photo chronicle's captions, dates, places and people, loaded
//! into a library on placeholder images so the product can be tried without the photos.
//!
//! The chronicle (`assets/demo/chronicle.json`) is embedded in the binary. Each item gets a
//! generated JPEG that says it is a placeholder (hatched background, «ЗАГЛУШКА ·
//! PLACEHOLDER», the item number, date and the start of its caption). The bytes are
//! deterministic, so loading the demo again finds every placeholder already catalogued and
//! adds nothing. Placeholders go through the ordinary import pipeline and are tagged through
//! `Catalog::write`, so the history records the demo like any other work.
//!
//! Text is drawn with the Ubuntu Light font egui already ships (it covers Russian, Kazakh and
//! Kyrgyz Cyrillic); glyph outlines come from `skrifa` and are filled by the small coverage
//! rasteriser below. This module never prints.

use crate::catalog::{EntityKind, TagChange};
use crate::dates::EventDate;
use crate::error::{Error, Result};
use crate::ingest::{self, ImportOptions};
use crate::library::Library;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

const CHRONICLE: &str = include_str!("../../assets/demo/chronicle.json");

/// The credit line of every demo item: the picture is ours, the caption is the source's.
pub const CREDIT: &str = "Placeholder image; caption from the source chronicle";

/// The keyword every demo item carries, so the demo can be found (and told apart) later.
pub const DEMO_TAG: &str = "demo";

pub const PLACEHOLDER_WIDTH: u32 = 1200;
pub const PLACEHOLDER_HEIGHT: u32 = 800;

/// The embedded chronicle, as written in `assets/demo/chronicle.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Chronicle {
    pub title: String,
    pub description: String,
    /// Parents come before their children.
    pub places: Vec<DemoPlace>,
    pub people: Vec<DemoPerson>,
    /// In the chronicle's order, which is also timeline order.
    pub items: Vec<DemoItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DemoPlace {
    pub name: String,
    pub parent: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// How large the place is, in metres (none: 2 km).
    #[serde(default)]
    pub radius_m: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DemoPerson {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DemoItem {
    pub n: u32,
    pub caption: String,
    pub section: String,
    /// EDTF.
    pub date: String,
    /// `morning`, `afternoon`, `evening`, `night`, or none.
    pub part_of_day: Option<String>,
    /// Why the date is what it is (for whoever edits the chronicle).
    pub date_note: String,
    /// A place's `name`, or none.
    pub place: Option<String>,
    #[serde(default)]
    pub people: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl DemoItem {
    /// The date as `tag --date` takes it: EDTF, then the part of day if any.
    pub fn date_text(&self) -> String {
        match &self.part_of_day {
            Some(p) => format!("{} {p}", self.date),
            None => self.date.clone(),
        }
    }

    pub fn event_date(&self) -> Result<EventDate> {
        EventDate::parse(&self.date_text())
            .map_err(|e| Error::invalid(format!("demo item {}: {e}", self.n)))
    }
}

/// What `kadr demo` did. Printed as is by `kadr demo --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DemoReport {
    /// Items in the chronicle.
    pub items: usize,
    /// Placeholders catalogued by this run.
    pub imported: usize,
    /// Placeholders that were in the library already.
    pub already_present: usize,
}

/// The embedded chronicle.
pub fn chronicle() -> Result<Chronicle> {
    serde_json::from_str(CHRONICLE)
        .map_err(|e| Error::invalid(format!("the demo chronicle is damaged ({e})")))
}

impl Chronicle {
    /// Each place's path from the outermost parent, as `Tx::place` takes it
    /// (`Алматы > Площадь Республики`), by place name.
    pub fn place_paths(&self) -> Result<HashMap<&str, String>> {
        let by_name: HashMap<&str, &DemoPlace> =
            self.places.iter().map(|p| (p.name.as_str(), p)).collect();
        let mut paths = HashMap::new();
        for place in &self.places {
            let mut names = vec![place.name.as_str()];
            let mut cur = place;
            while let Some(parent) = &cur.parent {
                cur = by_name.get(parent.as_str()).ok_or_else(|| {
                    Error::invalid(format!(
                        "demo place {:?} has an unknown parent {parent:?}",
                        place.name
                    ))
                })?;
                names.push(cur.name.as_str());
                if names.len() > self.places.len() {
                    return Err(Error::invalid(format!(
                        "demo place {:?} is its own ancestor",
                        place.name
                    )));
                }
            }
            names.reverse();
            paths.insert(place.name.as_str(), names.join(" > "));
        }
        Ok(paths)
    }
}

/// Loads the demo chronicle into `library`: imports one placeholder per item and tags it with
/// the item's date, place, people, caption and keywords. Placeholders already in the library
/// are left as they are (a user's edits are kept), unless they were never tagged (an earlier
/// load that stopped between import and tagging), which are tagged now.
pub fn load_demo(library: &Library, actor: &str) -> Result<DemoReport> {
    let chronicle = chronicle()?;
    let paths = chronicle.place_paths()?;
    let font = Font::new()?;
    let n = chronicle.items.len();

    let mut jpegs = Vec::with_capacity(n);
    for item in &chronicle.items {
        jpegs.push(placeholder_jpeg(&font, item)?);
    }
    let shas: Vec<String> = jpegs
        .iter()
        .map(|b| crate::vault::hex(&Sha256::digest(b)))
        .collect();

    let mut catalog = library.catalog()?;
    let mut ids: Vec<Option<i64>> = shas
        .iter()
        .map(|sha| catalog.item_id_by_sha(sha))
        .collect::<Result<_>>()?;
    let mut to_tag: Vec<bool> = Vec::with_capacity(n);
    for id in &ids {
        to_tag.push(match id {
            Some(id) => {
                let row = catalog.item(*id)?;
                row.caption.is_none() && row.event_date.is_none()
            }
            None => true,
        });
    }
    let mut imported = 0;

    if ids.iter().any(Option::is_none) {
        let dir = tempfile::Builder::new()
            .prefix("kadr-demo-")
            .tempdir()
            .map_err(|e| Error::invalid(format!("cannot create a temp folder ({e})")))?;
        for (i, item) in chronicle.items.iter().enumerate() {
            if ids[i].is_none() {
                let path = dir.path().join(format!("demo_{:02}.jpg", item.n));
                std::fs::write(&path, &jpegs[i]).map_err(|e| {
                    Error::file(
                        format!("cannot write ({})", crate::error::io_reason(&e)),
                        &path,
                    )
                })?;
            }
        }
        let options = ImportOptions {
            actor: actor.to_string(),
            threads: 0,
        };
        let report = ingest::import(
            library,
            &[dir.path().to_path_buf()],
            &options,
            &AtomicBool::new(false),
            |_| {},
        )?;
        if let Some(f) = report.failed.first() {
            return Err(Error::invalid(format!(
                "a demo placeholder could not be imported ({}): {}",
                f.error, f.path
            )));
        }
        imported = report.imported.len();
        let by_sha: HashMap<&str, i64> = report
            .imported
            .iter()
            .map(|i| (i.sha256.as_str(), i.id))
            .chain(report.duplicates.iter().map(|d| (d.sha256.as_str(), d.id)))
            .collect();
        for (id, sha) in ids.iter_mut().zip(&shas) {
            if id.is_none() {
                *id = Some(*by_sha.get(sha.as_str()).ok_or_else(|| {
                    Error::invalid(format!("the demo placeholder {sha} was not imported"))
                })?);
            }
        }
    }

    if to_tag.iter().any(|t| *t) {
        let mut changes = Vec::new();
        for ((item, id), tag) in chronicle.items.iter().zip(&ids).zip(&to_tag) {
            let (Some(id), true) = (id, tag) else {
                continue;
            };
            changes.push((*id, tag_change(&chronicle, &paths, item)?));
        }
        catalog.write(actor, |tx| {
            for place in &chronicle.places {
                let id = tx.place(&paths[place.name.as_str()])?;
                for alias in &place.aliases {
                    tx.add_alias(EntityKind::Place, id, alias)?;
                }
                if let (Some(lat), Some(lon)) = (place.lat, place.lon) {
                    tx.locate_place(id, crate::geo::LatLon { lat, lon }, place.radius_m)?;
                }
            }
            for person in &chronicle.people {
                let id = tx.person(&person.name)?;
                for alias in &person.aliases {
                    tx.add_alias(EntityKind::Person, id, alias)?;
                }
            }
            for (id, change) in &changes {
                tx.tag(*id, change)?;
            }
            Ok(())
        })?;
    }

    Ok(DemoReport {
        items: n,
        imported,
        already_present: n - imported,
    })
}

fn tag_change(
    chronicle: &Chronicle,
    paths: &HashMap<&str, String>,
    item: &DemoItem,
) -> Result<TagChange> {
    let place = match &item.place {
        Some(name) => Some(Some(paths.get(name.as_str()).cloned().ok_or_else(
            || Error::invalid(format!("demo item {}: unknown place {name:?}", item.n)),
        )?)),
        None => None,
    };
    let mut tags = item.keywords.clone();
    tags.push(item.section.clone());
    tags.push(DEMO_TAG.to_string());
    Ok(TagChange {
        date: Some(Some(item.event_date()?)),
        place,
        caption: Some(Some(item.caption.clone())),
        source: Some(Some(chronicle.title.clone())),
        credit: Some(Some(CREDIT.to_string())),
        add_people: item.people.clone(),
        add_tags: tags,
        ..Default::default()
    })
}

mod placeholder;

pub use placeholder::{Font, placeholder_jpeg};

#[cfg(test)]
mod tests {
    use super::placeholder::*;
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_embedded_chronicle_is_consistent() {
        let c = chronicle().unwrap();
        assert!(!c.title.is_empty() && !c.description.is_empty());
        assert!(!c.items.is_empty());
        let places: HashSet<&str> = c.places.iter().map(|p| p.name.as_str()).collect();
        let people: HashSet<&str> = c.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(places.len(), c.places.len(), "place names are unique");
        assert_eq!(people.len(), c.people.len(), "person names are unique");
        let paths = c.place_paths().unwrap();
        for (i, place) in c.places.iter().enumerate() {
            if let Some(parent) = &place.parent {
                assert!(
                    c.places[..i].iter().any(|p| &p.name == parent),
                    "the parent of {:?} comes before it",
                    place.name
                );
            }
        }
        assert_eq!(
            paths["Акимат города Алматы"],
            "Алматы > Площадь Республики > Акимат города Алматы"
        );
        let mut last_start = None;
        for (i, item) in c.items.iter().enumerate() {
            assert_eq!(item.n as usize, i + 1, "items are numbered in order");
            let date = item
                .event_date()
                .unwrap_or_else(|e| panic!("item {}: {e}", item.n));
            assert_eq!(date.to_text(), item.date_text(), "item {}", item.n);
            if let Some(last) = last_start {
                assert!(date.start >= last, "item {} is in timeline order", item.n);
            }
            last_start = Some(date.start);
            if let Some(p) = &item.place {
                assert!(places.contains(p.as_str()), "item {}: place {p:?}", item.n);
            }
            for who in &item.people {
                assert!(
                    people.contains(who.as_str()),
                    "item {}: person {who:?}",
                    item.n
                );
            }
            tag_change(&c, &paths, item).unwrap();
        }
    }

    #[test]
    fn the_font_covers_every_letter_drawn() {
        let c = chronicle().unwrap();
        let font = Font::new().unwrap();
        let mut text = String::from("ЗАГЛУШКА · PLACEHOLDER № Kadr demo · not a photograph …");
        for item in &c.items {
            text.push_str(&item.caption);
            text.push_str(&item.date_text());
        }
        for place in &c.places {
            text.push_str(&place.name);
            text.extend(place.aliases.iter().map(String::as_str));
        }
        let missing: HashSet<char> = text
            .chars()
            .filter(|ch| !ch.is_whitespace() && !font.covers(*ch))
            .collect();
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }

    #[test]
    fn placeholders_are_deterministic_distinct_and_marked() {
        let c = chronicle().unwrap();
        let font = Font::new().unwrap();
        let a = placeholder_jpeg(&font, &c.items[0]).unwrap();
        let b = placeholder_jpeg(&font, &c.items[1]).unwrap();
        assert_eq!(a, placeholder_jpeg(&font, &c.items[0]).unwrap());
        assert_ne!(a, b);
        assert!(
            !a.windows(6).any(|w| w == b"Exif\0\0"),
            "a placeholder has no EXIF"
        );
        let img = image::load_from_memory(&a).unwrap().to_rgb8();
        assert_eq!(
            (img.width(), img.height()),
            (PLACEHOLDER_WIDTH, PLACEHOLDER_HEIGHT)
        );
        // The banner line is drawn: accent-coloured pixels where the text is.
        let accent = (100..1100)
            .flat_map(|x| (100..165).map(move |y| (x, y)))
            .filter(|&(x, y)| {
                let p = img.get_pixel(x, y).0;
                p[0] > 200 && p[1] > 160 && p[2] < 150
            })
            .count();
        assert!(accent > 2000, "banner text drawn ({accent} accent pixels)");
    }

    #[test]
    fn long_captions_are_cut_at_a_word() {
        assert_eq!(truncate_words("short", 80), "short");
        let cut = truncate_words("один два три четыре", 12);
        assert_eq!(cut, "один два три…");
    }

    #[test]
    fn spans_cover_fractional_pixels() {
        let mut c = vec![0.0; 4];
        add_span(&mut c, 0.5, 2.25, 1.0);
        assert_eq!(c, vec![0.5, 1.0, 0.25, 0.0]);
    }
}
