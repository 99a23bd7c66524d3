//! Items: one row per original, its EXIF facts, what the journalist assigned, its review state.

use super::{Catalog, Tx, now};
use crate::dates::{EventDate, EventDateJson};
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;

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
}

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
}

/// One `tag` command: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct TagChange {
    pub date: Option<Option<EventDate>>,
    pub place: Option<Option<String>>,
    pub caption: Option<Option<String>>,
    pub source: Option<Option<String>>,
    pub credit: Option<Option<String>>,
    pub add_people: Vec<String>,
    pub remove_people: Vec<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

/// An item's fields before a tag change: sha256, event, caption, place, source, credit.
type Before = (
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

pub const REVIEW_STATUSES: &[&str] = &["unreviewed", "verified", "needs-info", "rejected"];

/// The columns `row` reads, by name.
const ITEM_COLUMNS: &str =
    "id, sha256, original_name, size, format, media, width, height, duration_s,
    has_preview, incomplete, capture_local, capture_offset, capture_subsec, capture_source, gps_lat,
    gps_lon, gps_alt, camera_make, camera_model, camera_serial, orientation, event_text, caption,
    place_id, source, credit, review_status, review_by, review_at, stored_path, imported_at,
    do_not_publish";

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
                capture_source, capture_home)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                ?20, ?21, ?22, ?23, ?24)",
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
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.add_path(id, &item.source_path)?;
        self.log(
            "import",
            Some(&item.sha256),
            json!({"path": item.source_path, "name": item.original_name, "size": item.size, "format": item.format}),
        )?;
        Ok(id)
    }

    /// Sets the file name an item is known by (a bag's originals are named by their hash).
    pub fn set_original_name(&self, id: i64, name: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE items SET original_name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        Ok(())
    }

    /// Records another path the same bytes were found at.
    pub fn add_path(&self, id: i64, path: &str) -> Result<bool> {
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
        let (sha, old_event, old_caption, old_place, old_source, old_credit): Before = c.query_row(
            "SELECT sha256, event_text, caption, place_id, source, credit FROM items WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
        let mut changed = serde_json::Map::new();
        let mut note = |field: &str, from: serde_json::Value, to: serde_json::Value| {
            if from != to {
                changed.insert(field.into(), json!({"from": from, "to": to}));
            }
        };
        if let Some(date) = &change.date {
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
            let new_id = place.as_deref().map(|p| self.place(p)).transpose()?;
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
        for (field, value, old) in [
            ("caption", &change.caption, old_caption),
            ("source", &change.source, old_source),
            ("credit", &change.credit, old_credit),
        ] {
            if let Some(v) = value {
                let v = v.as_deref().map(str::trim).filter(|s| !s.is_empty());
                let sql = match field {
                    "caption" => "UPDATE items SET caption = ?2 WHERE id = ?1",
                    "source" => "UPDATE items SET source = ?2 WHERE id = ?1",
                    _ => "UPDATE items SET credit = ?2 WHERE id = ?1",
                };
                c.execute(sql, params![id, v])?;
                note(field, json!(old), json!(v));
            }
        }
        for name in &change.add_people {
            let pid = self.person(name)?;
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
            let kid = self.keyword(word)?;
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
        if !changed.is_empty() {
            self.log("tag", Some(&sha), serde_json::Value::Object(changed))?;
        }
        Ok(())
    }

    fn place_name(&self, id: Option<i64>) -> Result<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        Ok(self
            .conn()
            .query_row("SELECT name FROM places WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    fn person_name(&self, id: i64) -> Result<String> {
        Ok(self
            .conn()
            .query_row("SELECT name FROM people WHERE id = ?1", [id], |r| r.get(0))?)
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
        let mut stmt = self
            .conn()
            .prepare_cached(&["SELECT ", ITEM_COLUMNS, " FROM items WHERE id = ?1"].concat())?;
        let row = stmt.query_row([id], |r| Ok(self.row(r)))??;
        Ok(row)
    }

    pub fn item_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))?)
    }

    /// Items matching `filter`, in timeline order: by event date, else capture time; undated last.
    pub fn list(&self, filter: &Filter) -> Result<Vec<ItemRow>> {
        let ids = self.list_ids(filter)?;
        ids.into_iter().map(|id| self.item(id)).collect()
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
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM items
             WHERE (?1 IS NULL OR id IN (
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
               AND (?6 IS NULL OR id IN (SELECT ik.item_id FROM item_keywords ik JOIN keywords k ON k.id = ik.keyword_id WHERE k.fold = ?6))
               AND (?7 = 0 OR sort_key IS NULL)
             ORDER BY sort_key IS NULL, sort_key, id",
        )?;
        let ids = stmt
            .query_map(
                params![
                    filter.person.as_deref().map(crate::text::fold),
                    filter.place.as_deref().map(crate::text::fold),
                    from,
                    to,
                    filter.status,
                    filter.keyword.as_deref().map(crate::text::fold),
                    filter.undated
                ],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        Ok(ids)
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

    /// One item from a row of `ITEM_COLUMNS`, read by column name.
    fn row(&self, r: &Row<'_>) -> Result<ItemRow> {
        let id: i64 = r.get("id")?;
        let capture_local: Option<String> = r.get("capture_local")?;
        let capture_offset: Option<String> = r.get("capture_offset")?;
        let lat: Option<f64> = r.get("gps_lat")?;
        let lon: Option<f64> = r.get("gps_lon")?;
        let alt: Option<f64> = r.get("gps_alt")?;
        let make: Option<String> = r.get("camera_make")?;
        let model: Option<String> = r.get("camera_model")?;
        let serial: Option<String> = r.get("camera_serial")?;
        let event_text: Option<String> = r.get("event_text")?;
        let place_id: Option<i64> = r.get("place_id")?;
        let event = event_text.as_deref().and_then(|t| EventDate::parse(t).ok());
        let (place, place_path) = match place_id {
            Some(pid) => {
                let path = self.place_path(pid)?;
                (path.last().cloned(), path)
            }
            None => (None, Vec::new()),
        };
        Ok(ItemRow {
            id,
            sha256: r.get("sha256")?,
            original_name: r.get("original_name")?,
            paths: self.strings("SELECT path FROM item_paths WHERE item_id = ?1 ORDER BY seen_at, path", id)?,
            size: r.get::<_, i64>("size")? as u64,
            format: r.get("format")?,
            media: r.get("media")?,
            width: r.get("width")?,
            height: r.get("height")?,
            duration_s: r.get("duration_s")?,
            has_preview: r.get("has_preview")?,
            incomplete: r.get("incomplete")?,
            capture_time: capture_local.map(|l| l + capture_offset.as_deref().unwrap_or("")),
            capture_offset_known: capture_offset.is_some(),
            capture_subsec: r.get("capture_subsec")?,
            capture_source: r.get("capture_source")?,
            gps: lat.zip(lon).map(|(lat, lon)| Gps { lat, lon, alt }),
            camera: (make.is_some() || model.is_some()).then_some(Camera { make, model, serial }),
            orientation: r.get("orientation")?,
            event_date: event_text,
            event: event.map(|e| e.to_json()),
            place,
            place_path,
            people: self.strings(
                "SELECT p.name FROM item_people ip JOIN people p ON p.id = ip.person_id WHERE ip.item_id = ?1 ORDER BY p.name",
                id,
            )?,
            caption: r.get("caption")?,
            tags: self.strings(
                "SELECT k.word FROM item_keywords ik JOIN keywords k ON k.id = ik.keyword_id WHERE ik.item_id = ?1 ORDER BY k.word",
                id,
            )?,
            source: r.get("source")?,
            credit: r.get("credit")?,
            review_status: r.get("review_status")?,
            review_by: r.get("review_by")?,
            review_at: r.get("review_at")?,
            notes: self.notes(id)?,
            do_not_publish: r.get("do_not_publish")?,
            redactions: self.redactions(id)?,
            stored_path: r.get("stored_path")?,
            imported_at: r.get("imported_at")?,
        })
    }

    fn strings(&self, sql: &str, id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let v = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    fn place_path(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "WITH RECURSIVE up(id, name, parent_id, depth) AS (
                SELECT id, name, parent_id, 0 FROM places WHERE id = ?1
                UNION ALL SELECT p.id, p.name, p.parent_id, up.depth + 1 FROM places p JOIN up ON p.id = up.parent_id
                WHERE up.depth < 64)
             SELECT name FROM up ORDER BY depth DESC",
        )?;
        let v = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }
}

/// What the app needs of every item to draw the grid, the timeline and the facets: one light
/// row per item, loaded in one query.
#[derive(Debug, Clone)]
pub struct ItemSummary {
    pub id: i64,
    pub sha256: String,
    pub original_name: String,
    pub caption: Option<String>,
    pub format: String,
    pub has_preview: bool,
    pub event: Option<EventDate>,
    /// Capture time, local wall-clock.
    pub capture: Option<chrono::NaiveDateTime>,
    pub place_id: Option<i64>,
    pub place: Option<String>,
    pub people: Vec<String>,
    pub tags: Vec<String>,
    pub review_status: String,
    /// The original inside the library.
    pub stored_path: String,
    /// A recording rather than a still picture.
    pub is_video: bool,
    pub duration_s: Option<f64>,
    /// The file ends before its picture or recording does.
    pub incomplete: bool,
    /// Folded caption, name, keywords and every alias of its people and place: what the
    /// search field matches against.
    pub haystack: String,
}

impl ItemSummary {
    /// The interval the item occupies on the timeline: its event date, else its capture time.
    pub fn span(&self) -> Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
        match (&self.event, self.capture) {
            (Some(e), _) => Some((e.start, e.end)),
            (None, Some(c)) => Some((c, c)),
            _ => None,
        }
    }
}

impl Catalog {
    /// Every item, in timeline order.
    pub fn summaries(&self) -> Result<Vec<ItemSummary>> {
        self.summaries_where(None)
    }

    /// The summary of one item.
    pub fn summary(&self, id: i64) -> Result<ItemSummary> {
        self.summaries_where(Some(id))?
            .pop()
            .ok_or_else(|| Error::NoSuchItem(id.to_string()))
    }

    fn summaries_where(&self, id: Option<i64>) -> Result<Vec<ItemSummary>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT i.id, i.sha256, i.original_name, i.caption, i.format, i.has_preview, i.event_text,
                    coalesce(i.capture_home, i.capture_local), i.place_id, pl.name, i.review_status,
                    (SELECT group_concat(p.name, char(31)) FROM item_people ip JOIN people p ON p.id = ip.person_id
                       WHERE ip.item_id = i.id),
                    (SELECT group_concat(k.word, char(31)) FROM item_keywords ik JOIN keywords k ON k.id = ik.keyword_id
                       WHERE ik.item_id = i.id),
                    (SELECT group_concat(a.fold, ' ') FROM item_people ip JOIN person_aliases a ON a.person_id = ip.person_id
                       WHERE ip.item_id = i.id),
                    (SELECT group_concat(a.fold, ' ') FROM place_aliases a WHERE a.place_id = i.place_id),
                    i.stored_path, i.media, i.duration_s, i.incomplete
             FROM items i LEFT JOIN places pl ON pl.id = i.place_id
             WHERE ?1 IS NULL OR i.id = ?1
             ORDER BY i.sort_key IS NULL, i.sort_key, i.id",
        )?;
        let split = |s: Option<String>| -> Vec<String> {
            let mut v: Vec<String> = s
                .map(|s| s.split('\u{1f}').map(str::to_string).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        let rows = stmt.query_map([id], |r| {
            let caption: Option<String> = r.get(3)?;
            let name: String = r.get(2)?;
            let event_text: Option<String> = r.get(6)?;
            let capture: Option<String> = r.get(7)?;
            let people = split(r.get(11)?);
            let tags = split(r.get(12)?);
            let person_folds: Option<String> = r.get(13)?;
            let place_folds: Option<String> = r.get(14)?;
            let haystack = [
                crate::text::fold(caption.as_deref().unwrap_or("")),
                crate::text::fold(&name),
                crate::text::fold(&tags.join(" ")),
                person_folds.unwrap_or_default(),
                place_folds.unwrap_or_default(),
            ]
            .join(" ");
            Ok(ItemSummary {
                id: r.get(0)?,
                sha256: r.get(1)?,
                original_name: name,
                caption,
                format: r.get(4)?,
                has_preview: r.get(5)?,
                event: event_text.as_deref().and_then(|t| EventDate::parse(t).ok()),
                capture: capture.and_then(|c| {
                    chrono::NaiveDateTime::parse_from_str(&c, "%Y-%m-%dT%H:%M:%S").ok()
                }),
                place_id: r.get(8)?,
                place: r.get(9)?,
                people,
                tags,
                review_status: r.get(10)?,
                stored_path: r.get(15)?,
                is_video: r.get::<_, String>(16)? == "video",
                duration_s: r.get(17)?,
                incomplete: r.get(18)?,
                haystack,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
