//! Items: one row per original, its EXIF facts, what the journalist assigned, its review state.

use super::{Catalog, EntityKind, Tx, now};
use crate::dates::{EventDate, EventDateJson};
use crate::error::{Error, Result};
use crate::geo::{LatLon, Source};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// What the import pipeline knows about a new original.
#[derive(Debug, Clone, Default)]
pub struct NewItem {
    pub sha256: String,
    pub original_name: String,
    pub source_path: String,
    pub stored_path: String,
    pub size: u64,
    pub format: String,
    pub media: crate::facts::Media,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_s: Option<f64>,
    pub has_preview: bool,
    /// The file ends before its picture (or recording) does.
    pub incomplete: bool,
    pub exif: crate::facts::ExifFacts,
    /// The upright thumbnail's perceptual hash (`verify::perceptual_hash`), for near-duplicates.
    pub phash: Option<u64>,
}

/// How several creators of one photo are kept in its one `creator` value (and split again for
/// XMP's `dc:creator` list).
pub const CREATORS_JOINED_BY: &str = "; ";

/// An item as `list --json` and `show --json` print it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub id: i64,
    pub sha256: String,
    pub original_name: String,
    pub paths: Vec<String>,
    pub size: u64,
    pub format: String,
    /// `photo` or `video`.
    pub media: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// A video's duration in seconds.
    pub duration_s: Option<f64>,
    pub has_preview: bool,
    /// The file ends before its picture or recording does (cut short); what could be read is
    /// catalogued.
    pub incomplete: bool,
    pub capture_time: Option<String>,
    pub capture_offset_known: bool,
    pub capture_subsec: Option<String>,
    /// Where `capture_time` came from: `exif`, `xmp` or `container`.
    pub capture_source: Option<String>,
    pub gps: Option<Gps>,
    /// Warnings about the item's claims: `date-mismatch` when the camera's capture time lies
    /// outside its event date by more than the clock tolerance (`verify::date_mismatch`),
    /// `place-mismatch` when the camera's position lies outside its tagged place's radius.
    pub flags: Vec<String>,
    pub camera: Option<Camera>,
    pub orientation: Option<u16>,
    pub event_date: Option<String>,
    pub event: Option<EventDateJson>,
    pub place: Option<String>,
    pub place_path: Vec<String>,
    pub people: Vec<String>,
    pub caption: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub credit: Option<String>,
    /// Who made the photo (IPTC By-line, XMP `dc:creator`; several joined by `; `).
    pub creator: Option<String>,
    /// The copyright notice (IPTC CopyrightNotice, XMP `dc:rights`).
    pub copyright: Option<String>,
    pub review_status: String,
    pub review_by: Option<String>,
    pub review_at: Option<String>,
    /// Review notes, oldest first.
    pub notes: Vec<super::Note>,
    /// Refused by `export --format publish` unless asked otherwise.
    pub do_not_publish: bool,
    /// Rectangles filled in publication copies.
    pub redactions: Vec<super::Redaction>,
    pub stored_path: String,
    pub imported_at: String,
    /// Where each described value came from: field → `embedded`, `sidecar`, `typed` or `bag`
    /// (`catalog::provenance`). Not in `list --json` (nor so in a bag's `items.json`);
    /// `show --json` adds it. Empty in the rows of `Catalog::items_for_output`.
    #[serde(skip)]
    pub provenance: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gps {
    pub lat: f64,
    pub lon: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Camera {
    pub make: Option<String>,
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// Narrows `list`. Every field set must match. A person or place matches when the words given
/// appear in its name or an alias, in any script ("Мамай" finds "Zhanbolat Mamay"); a place
/// includes every place inside it.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub person: Option<String>,
    pub place: Option<String>,
    pub keyword: Option<String>,
    pub from: Option<EventDate>,
    pub to: Option<EventDate>,
    pub status: Option<String>,
    pub undated: bool,
    /// Items within this distance of a point: by the camera's GPS, else by their place's
    /// coordinates.
    pub near: Option<crate::geo::Near>,
    /// Items inside this box (positions as for `near`).
    pub bbox: Option<crate::geo::BBox>,
}

/// One `tag` command: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct TagChange {
    pub date: Option<Option<EventDate>>,
    /// The phrase the date was typed as («в ночь с 4 на 5 января»), kept in the history entry
    /// beside what it was read as.
    pub date_typed: Option<String>,
    pub place: Option<Option<String>>,
    pub caption: Option<Option<String>>,
    pub source: Option<Option<String>>,
    pub credit: Option<Option<String>>,
    pub creator: Option<Option<String>>,
    pub copyright: Option<Option<String>>,
    pub add_people: Vec<String>,
    pub remove_people: Vec<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

/// An item's fields before a tag change: sha256, event, caption, place, source, credit,
/// creator, copyright.
type Before = (
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub const REVIEW_STATUSES: &[&str] = &["unreviewed", "verified", "needs-info", "rejected"];

#[cfg(test)]
use rows::ITEM_BATCH;

/// The filters of `list` (?1 person, ?2 place, ?3 from, ?4 to, ?5 status, ?6 keyword), between
/// the half of the timeline (`LIST_DATED` or `LIST_UNDATED`) and its order.
const LIST_FILTER: &str = "
   AND (?1 IS NULL OR id IN (
        SELECT ip.item_id FROM item_people ip JOIN person_aliases a ON a.person_id = ip.person_id
        WHERE (' ' || a.fold || ' ') LIKE ('% ' || ?1 || ' %')))
   AND (?2 IS NULL OR place_id IN (
        WITH RECURSIVE sub(id) AS (
            SELECT place_id FROM place_aliases WHERE (' ' || fold || ' ') LIKE ('% ' || ?2 || ' %')
            UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id)
        SELECT id FROM sub))
   AND (?3 IS NULL OR coalesce(event_end, capture_home, capture_local) >= ?3)
   AND (?4 IS NULL OR coalesce(event_start, capture_home, capture_local) <= ?4)
   AND (?5 IS NULL OR review_status = ?5)
   AND (?6 IS NULL OR id IN (SELECT ik.item_id FROM item_keywords ik JOIN keywords k ON k.id = ik.keyword_id WHERE k.fold = ?6))";

/// Dated items, in timeline order: read off the `items_sort` index (sort_key, then rowid).
const LIST_DATED: [&str; 2] = [
    "SELECT id FROM items WHERE sort_key IS NOT NULL",
    " ORDER BY sort_key, id",
];

/// Undated items, after every dated one, by id.
const LIST_UNDATED: [&str; 2] = [
    "SELECT id FROM items WHERE sort_key IS NULL",
    " ORDER BY id",
];

/// One half of the `list` query.
fn list_sql(half: [&str; 2]) -> String {
    [half[0], LIST_FILTER, half[1]].concat()
}

impl Tx<'_> {
    /// Inserts a new item and logs its import. Returns its id.
    pub fn insert_item(&self, item: &NewItem) -> Result<i64> {
        let e = &item.exif;
        let local = e
            .capture_local
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
        let offset = e.capture_offset.map(crate::dates::format_offset);
        let home = match &local {
            Some(l) => self.capture_home(l, offset.as_deref())?,
            None => None,
        };
        self.conn().execute(
            "INSERT INTO items (sha256, original_name, stored_path, size, format, width, height, has_preview,
                capture_local, capture_offset, capture_subsec, gps_lat, gps_lon, gps_alt, camera_make,
                camera_model, camera_serial, orientation, imported_at, media, duration_s, incomplete,
                capture_source, capture_home, phash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                ?20, ?21, ?22, ?23, ?24, ?25)",
            params![
                item.sha256,
                item.original_name,
                item.stored_path,
                item.size as i64,
                item.format,
                item.width,
                item.height,
                item.has_preview,
                local,
                offset,
                e.capture_subsec,
                e.gps.map(|g| g.0),
                e.gps.map(|g| g.1),
                e.gps_alt,
                e.make,
                e.model,
                e.serial,
                e.orientation,
                now(),
                item.media.as_str(),
                item.duration_s,
                item.incomplete,
                e.capture_source.map(|s| s.as_str()),
                home,
                item.phash.map(|h| h as i64),
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        // The import entry below names the path.
        self.insert_path(id, &item.source_path)?;
        self.log(
            "import",
            Some(&item.sha256),
            json!({"path": item.source_path, "name": item.original_name, "size": item.size, "format": item.format}),
        )?;
        self.reindex_item(id)?;
        Ok(id)
    }

    /// Sets the file name an item is known by (a bag's originals are named by their hash) and
    /// records the change as a `tag` entry.
    pub fn set_original_name(&self, id: i64, name: &str) -> Result<()> {
        let (sha, old): (String, String) = self.conn().query_row(
            "SELECT sha256, original_name FROM items WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if old == name {
            return Ok(());
        }
        self.conn().execute(
            "UPDATE items SET original_name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        self.reindex_item(id)?;
        self.log(
            "tag",
            Some(&sha),
            json!({"original_name": {"from": old, "to": name}}),
        )
    }

    /// Records another path the same bytes were found at, with a `path_added` entry. Returns
    /// whether the path was new.
    pub fn add_path(&self, id: i64, path: &str) -> Result<bool> {
        if !self.insert_path(id, path)? {
            return Ok(false);
        }
        let sha: String =
            self.conn()
                .query_row("SELECT sha256 FROM items WHERE id = ?1", [id], |r| r.get(0))?;
        self.log("path_added", Some(&sha), json!({ "path": path }))?;
        self.reindex_item(id)?;
        Ok(true)
    }

    /// The row of `add_path`, for callers that record the entry themselves.
    fn insert_path(&self, id: i64, path: &str) -> Result<bool> {
        let n = self.conn().execute(
            "INSERT OR IGNORE INTO item_paths (item_id, path, seen_at) VALUES (?1, ?2, ?3)",
            params![id, path, now()],
        )?;
        Ok(n > 0)
    }

    pub fn item_id_by_sha(&self, sha: &str) -> Result<Option<i64>> {
        id_by_sha(self.conn(), sha)
    }

    /// Applies a tag change to one item and records what changed in the history.
    pub fn tag(&self, id: i64, change: &TagChange) -> Result<()> {
        let c = self.conn();
        let (
            sha,
            old_event,
            old_caption,
            old_place,
            old_source,
            old_credit,
            old_creator,
            old_copyright,
        ): Before = c.query_row(
            "SELECT sha256, event_text, caption, place_id, source, credit, creator, copyright
             FROM items WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )?;
        let mut changed = serde_json::Map::new();
        let mut note = |field: &str, from: serde_json::Value, to: serde_json::Value| {
            if from != to {
                changed.insert(field.into(), json!({"from": from, "to": to}));
            }
        };
        // Only what differs is written: an unchanged field is no change and has no entry.
        if let Some(date) = &change.date
            && date.as_ref().map(EventDate::to_text) != old_event
        {
            let text = date.as_ref().map(EventDate::to_text);
            c.execute(
                "UPDATE items SET event_text = ?2, event_start = ?3, event_end = ?4, event_sort = ?5,
                    event_precision = ?6, event_part_of_day = ?7, event_approximate = ?8, event_uncertain = ?9
                 WHERE id = ?1",
                params![
                    id,
                    text,
                    date.as_ref().map(|d| d.start.format("%Y-%m-%dT%H:%M:%S").to_string()),
                    date.as_ref().map(|d| d.end.format("%Y-%m-%dT%H:%M:%S").to_string()),
                    date.as_ref().map(EventDate::sort_key),
                    date.as_ref().map(|d| d.precision.as_str()),
                    date.as_ref().and_then(|d| d.part_of_day).map(|p| p.as_str()),
                    date.as_ref().is_some_and(|d| d.approximate),
                    date.as_ref().is_some_and(|d| d.uncertain),
                ],
            )?;
            note("event_date", json!(old_event), json!(text));
        }
        if let Some(place) = &change.place {
            // A place created here is recorded by this item's entry.
            let new_id = place
                .as_deref()
                .map(|p| self.place_for_item(p))
                .transpose()?;
            if new_id != old_place {
                c.execute(
                    "UPDATE items SET place_id = ?2 WHERE id = ?1",
                    params![id, new_id],
                )?;
                note(
                    "place",
                    json!(self.place_name(old_place)?),
                    json!(self.place_name(new_id)?),
                );
            }
        }
        for (field, value, old) in [
            ("caption", &change.caption, old_caption),
            ("source", &change.source, old_source),
            ("credit", &change.credit, old_credit),
            ("creator", &change.creator, old_creator),
            ("copyright", &change.copyright, old_copyright),
        ] {
            if let Some(v) = value {
                let v = v.as_deref().map(str::trim).filter(|s| !s.is_empty());
                if v == old.as_deref() {
                    continue;
                }
                let sql = match field {
                    "caption" => "UPDATE items SET caption = ?2 WHERE id = ?1",
                    "source" => "UPDATE items SET source = ?2 WHERE id = ?1",
                    "creator" => "UPDATE items SET creator = ?2 WHERE id = ?1",
                    "copyright" => "UPDATE items SET copyright = ?2 WHERE id = ?1",
                    _ => "UPDATE items SET credit = ?2 WHERE id = ?1",
                };
                c.execute(sql, params![id, v])?;
                note(field, json!(old), json!(v));
            }
        }
        for name in &change.add_people {
            let pid = self.person_for_item(name)?;
            if c.execute(
                "INSERT OR IGNORE INTO item_people (item_id, person_id) VALUES (?1, ?2)",
                params![id, pid],
            )? > 0
            {
                note("person_added", json!(null), json!(self.person_name(pid)?));
            }
        }
        for name in &change.remove_people {
            // Scoped to this item's people. A name or alias that matches exactly removes that
            // person only; otherwise the words given (a surname alone) pick the person.
            let f = crate::text::fold(name);
            let matching = |sql: &str| -> Result<Vec<(i64, String)>> {
                let mut stmt = c.prepare_cached(sql)?;
                let v = stmt
                    .query_map(params![id, f], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                Ok(v)
            };
            let mut who = matching(
                "SELECT DISTINCT p.id, p.name FROM item_people ip JOIN people p ON p.id = ip.person_id
                 JOIN person_aliases a ON a.person_id = p.id WHERE ip.item_id = ?1 AND a.fold = ?2",
            )?;
            if who.is_empty() {
                who = matching(
                    "SELECT DISTINCT p.id, p.name FROM item_people ip JOIN people p ON p.id = ip.person_id
                     JOIN person_aliases a ON a.person_id = p.id
                     WHERE ip.item_id = ?1 AND (' ' || a.fold || ' ') LIKE ('% ' || ?2 || ' %')",
                )?;
            }
            for (pid, person) in who {
                c.execute(
                    "DELETE FROM item_people WHERE item_id = ?1 AND person_id = ?2",
                    params![id, pid],
                )?;
                note("person_removed", json!(person), json!(null));
            }
        }
        for word in &change.add_tags {
            let kid = self.keyword_for_item(word)?;
            if c.execute(
                "INSERT OR IGNORE INTO item_keywords (item_id, keyword_id) VALUES (?1, ?2)",
                params![id, kid],
            )? > 0
            {
                note("tag_added", json!(null), json!(word));
            }
        }
        for word in &change.remove_tags {
            let n = c.execute(
                "DELETE FROM item_keywords WHERE item_id = ?1 AND keyword_id IN (SELECT id FROM keywords WHERE fold = ?2)",
                params![id, crate::text::fold(word)],
            )?;
            if n > 0 {
                note("tag_removed", json!(word), json!(null));
            }
        }
        if let (Some(typed), Some(serde_json::Value::Object(date))) =
            (&change.date_typed, changed.get_mut("event_date"))
        {
            date.insert("typed".into(), json!(typed));
        }
        if !changed.is_empty() {
            self.mark_typed(id, &changed)?;
            self.log("tag", Some(&sha), serde_json::Value::Object(changed))?;
            self.reindex_item(id)?;
        }
        Ok(())
    }

    fn place_name(&self, id: Option<i64>) -> Result<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        Ok(self.name_by_id(EntityKind::Place, id).optional()?)
    }

    fn person_name(&self, id: i64) -> Result<String> {
        Ok(self.name_by_id(EntityKind::Person, id)?)
    }
}

fn id_by_sha(conn: &rusqlite::Connection, sha: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM items WHERE sha256 = ?1", [sha], |r| {
            r.get(0)
        })
        .optional()?)
}

impl Catalog {
    pub fn item_id_by_sha(&self, sha: &str) -> Result<Option<i64>> {
        id_by_sha(self.conn(), sha)
    }

    /// Resolves `ITEM`: a numeric id, or a SHA-256 prefix of at least 4 hex digits.
    pub fn resolve(&self, item: &str) -> Result<i64> {
        let item = item.trim();
        if !item.is_empty()
            && item.bytes().all(|b| b.is_ascii_digit())
            && let Ok(id) = item.parse::<i64>()
        {
            let found: Option<i64> = self
                .conn()
                .query_row("SELECT id FROM items WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            if let Some(id) = found {
                return Ok(id);
            }
        }
        let hex = item.to_ascii_lowercase();
        if hex.len() < 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::NoSuchItem(item.to_string()));
        }
        let mut stmt = self
            .conn()
            .prepare("SELECT id FROM items WHERE substr(sha256, 1, length(?1)) = ?1 LIMIT 2")?;
        let ids: Vec<i64> = stmt
            .query_map([&hex], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(Error::NoSuchItem(item.to_string())),
            _ => Err(Error::AmbiguousItem(item.to_string())),
        }
    }

    pub fn item(&self, id: i64) -> Result<ItemRow> {
        self.items(&[id])?
            .pop()
            .ok_or_else(|| Error::NoSuchItem(id.to_string()))
    }

    pub fn item_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))?)
    }

    /// Items matching `filter`, in timeline order: by event date, else capture time; undated
    /// last. As `list` prints them: without `provenance` (`items_for_output`).
    pub fn list(&self, filter: &Filter) -> Result<Vec<ItemRow>> {
        self.items_for_output(&self.list_ids(filter)?)
    }

    /// The ids of `list`, in the same order.
    pub fn list_ids(&self, filter: &Filter) -> Result<Vec<i64>> {
        let from = filter
            .from
            .as_ref()
            .map(|d| d.start.format("%Y-%m-%dT%H:%M:%S").to_string());
        let to = filter
            .to
            .as_ref()
            .map(|d| d.end.format("%Y-%m-%dT%H:%M:%S").to_string());
        let params = params![
            filter.person.as_deref().map(crate::text::fold),
            filter.place.as_deref().map(crate::text::fold),
            from,
            to,
            filter.status,
            filter.keyword.as_deref().map(crate::text::fold),
        ];
        // Dated items in the order of the `items_sort` index, then undated ones by id: two
        // queries, because `ORDER BY sort_key IS NULL, ...` cannot be read off an index.
        let mut ids = Vec::new();
        for (half, wanted) in [(LIST_DATED, !filter.undated), (LIST_UNDATED, true)] {
            if !wanted {
                continue;
            }
            let mut stmt = self.conn().prepare_cached(&list_sql(half))?;
            let part = stmt.query_map(params, |r| r.get::<_, i64>(0))?;
            for id in part {
                ids.push(id?);
            }
        }
        if filter.near.is_some() || filter.bbox.is_some() {
            let at = self.positions()?;
            ids.retain(|id| {
                at.get(id).is_some_and(|(p, _)| {
                    filter.near.is_none_or(|n| n.contains(*p))
                        && filter.bbox.is_none_or(|b| b.contains(*p))
                })
            });
        }
        Ok(ids)
    }

    /// Where each located item is: its camera's GPS position, else its place's coordinates
    /// (the place it is tagged with, not an ancestor). Unlocated items are absent.
    pub fn positions(&self) -> Result<HashMap<i64, (LatLon, Source)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT i.id, i.gps_lat, i.gps_lon, p.lat, p.lon
             FROM items i LEFT JOIN places p ON p.id = i.place_id
             WHERE (i.gps_lat IS NOT NULL AND i.gps_lon IS NOT NULL)
                OR (p.lat IS NOT NULL AND p.lon IS NOT NULL)",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let camera = lat_lon(r.get(1)?, r.get(2)?);
            let place = lat_lon(r.get(3)?, r.get(4)?);
            if let Some(p) = crate::geo::position(camera, place) {
                out.insert(r.get(0)?, p);
            }
        }
        Ok(out)
    }

    /// (id, sha256, stored path) of every item, for fixity checks.
    pub fn originals(&self) -> Result<Vec<(i64, String, String)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, sha256, stored_path FROM items ORDER BY id")?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }
}

/// The `date-mismatch` rule on the catalogue's columns: false unless both an event date and a
/// readable capture time are there.
fn date_mismatch(
    event: Option<&EventDate>,
    local: Option<&str>,
    offset: Option<&str>,
    home: Option<&str>,
    tolerance_h: f64,
) -> bool {
    let (Some(event), Some(capture)) = (
        event,
        crate::verify::CaptureTime::from_columns(local, offset, home),
    ) else {
        return false;
    };
    crate::verify::date_mismatch(event, &capture, tolerance_h)
}

fn lat_lon(lat: Option<f64>, lon: Option<f64>) -> Option<LatLon> {
    lat.zip(lon).map(|(lat, lon)| LatLon { lat, lon })
}

mod summaries;
pub use summaries::ItemSummary;

mod rows;

#[cfg(test)]
pub(super) mod tests;
