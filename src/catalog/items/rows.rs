//! Reading item rows (`ItemRow`): `Catalog::items` and what `list --json` and the exports
//! print, in batches of `ITEM_BATCH` ids, one query per batch for the rows and one per
//! aggregate, each row read by column index.

use super::{Camera, Gps, ItemRow, date_mismatch, lat_lon};
use crate::catalog::{Catalog, provenance, review};
use crate::dates::EventDate;
use crate::error::{Error, Result};
use crate::geo::LatLon;
use rusqlite::Row;
use std::collections::HashMap;

/// Declares the columns `row` reads from one list: `ITEM_COLUMNS`, the SELECT list, and `C`,
/// each column's place in it, so that a row is read by index (a lookup by name costs a string
/// comparison per column per row) and the two cannot drift apart.
macro_rules! item_columns {
    ($($col:ident = $name:literal),+ $(,)?) => {
        /// A column of `ITEM_COLUMNS`, by its place in the list.
        #[derive(Clone, Copy)]
        enum C {
            $($col),+
        }

        /// The columns `row` reads, in the order of `C`.
        const ITEM_COLUMNS: &[&str] = &[$($name),+];
    };
}

item_columns! {
    Id = "id",
    Sha256 = "sha256",
    OriginalName = "original_name",
    Size = "size",
    Format = "format",
    Media = "media",
    Width = "width",
    Height = "height",
    DurationS = "duration_s",
    HasPreview = "has_preview",
    Incomplete = "incomplete",
    CaptureLocal = "capture_local",
    CaptureOffset = "capture_offset",
    CaptureSubsec = "capture_subsec",
    CaptureSource = "capture_source",
    GpsLat = "gps_lat",
    GpsLon = "gps_lon",
    GpsAlt = "gps_alt",
    CameraMake = "camera_make",
    CameraModel = "camera_model",
    CameraSerial = "camera_serial",
    Orientation = "orientation",
    EventText = "event_text",
    Caption = "caption",
    PlaceId = "place_id",
    Source = "source",
    Credit = "credit",
    Creator = "creator",
    Copyright = "copyright",
    ReviewStatus = "review_status",
    ReviewBy = "review_by",
    ReviewAt = "review_at",
    StoredPath = "stored_path",
    ImportedAt = "imported_at",
    DoNotPublish = "do_not_publish",
    CaptureHome = "capture_home",
}

/// A row of `ITEM_COLUMNS`, read by `C`.
struct ItemColumns<'a, 'r>(&'a Row<'r>);

impl ItemColumns<'_, '_> {
    fn get<T: rusqlite::types::FromSql>(&self, c: C) -> rusqlite::Result<T> {
        self.0.get(c as usize)
    }
}

/// The rows (`ITEM_COLUMNS`) of the items in the JSON list `?1`. This query and the ones like
/// it run from the list into the table's index by item: an `IN (SELECT ...)` over the list
/// would build an index of the ids first.
pub(super) static ROWS_OF_ITEMS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let columns: Vec<String> = ITEM_COLUMNS.iter().map(|c| format!("i.{c}")).collect();
    format!(
        "SELECT {} FROM json_each(?1) AS j JOIN items AS i ON i.id = j.value",
        columns.join(", ")
    )
});

/// The paths an item was imported from, with when each was seen, for the items in the JSON
/// list `?1`.
pub(super) const PATHS_OF_ITEMS: &str = "SELECT p.item_id, p.seen_at, p.path
     FROM json_each(?1) AS j JOIN item_paths AS p ON p.item_id = j.value";

/// The people each item shows, for the items in the JSON list `?1`.
pub(super) const PEOPLE_OF_ITEMS: &str = "SELECT ip.item_id, p.name
     FROM json_each(?1) AS j JOIN item_people AS ip ON ip.item_id = j.value
     JOIN people AS p ON p.id = ip.person_id";

/// The keywords of the items in the JSON list `?1`.
pub(super) const KEYWORDS_OF_ITEMS: &str = "SELECT ik.item_id, k.word
     FROM json_each(?1) AS j JOIN item_keywords AS ik ON ik.item_id = j.value
     JOIN keywords AS k ON k.id = ik.keyword_id";

/// How many items `Catalog::items` reads per round of queries.
pub(super) const ITEM_BATCH: usize = 1000;

impl Catalog {
    /// The items with these ids, in the order given. Read in batches: per batch one query for
    /// the rows and one per aggregate (paths, people, keywords, notes, redactions,
    /// provenance), never one query per item.
    pub fn items(&self, ids: &[i64]) -> Result<Vec<ItemRow>> {
        self.read_items(ids, Provenance::Read)
    }

    /// The items with these ids, in the order given, as `list --json` and the exports print
    /// them: as `items` reads them but for `provenance`, left empty (none of them prints it;
    /// it is a third of the rows read).
    pub fn items_for_output(&self, ids: &[i64]) -> Result<Vec<ItemRow>> {
        self.read_items(ids, Provenance::Skip)
    }

    /// `items_for_output` a batch at a time: each batch of rows, in the order of `ids`, is
    /// handed to `each` and dropped before the next is read, so that a caller writing them
    /// out never holds the whole selection.
    pub fn for_each_output_batch(
        &self,
        ids: &[i64],
        mut each: impl FnMut(&[ItemRow]) -> Result<()>,
    ) -> Result<()> {
        self.read_batches(ids, Provenance::Skip, |rows| each(&rows))
    }

    fn read_items(&self, ids: &[i64], provenance: Provenance) -> Result<Vec<ItemRow>> {
        let mut out = Vec::with_capacity(ids.len());
        self.read_batches(ids, provenance, |mut rows| {
            out.append(&mut rows);
            Ok(())
        })?;
        Ok(out)
    }

    /// Reads the items `ids` `ITEM_BATCH` at a time and hands each batch to `each`, in order.
    fn read_batches(
        &self,
        ids: &[i64],
        provenance: Provenance,
        mut each: impl FnMut(Vec<ItemRow>) -> Result<()>,
    ) -> Result<()> {
        let mut place_paths = HashMap::new();
        let tolerance_h = self.clock_tolerance_h()?;
        for batch in ids.chunks(ITEM_BATCH) {
            each(self.read_batch(batch, tolerance_h, provenance, &mut place_paths)?)?;
        }
        Ok(())
    }

    /// Reads the items `ids`, in that order.
    fn read_batch(
        &self,
        ids: &[i64],
        tolerance_h: f64,
        provenance: Provenance,
        place_paths: &mut HashMap<i64, PlaceInfo>,
    ) -> Result<Vec<ItemRow>> {
        // The ids go in as one JSON array, bound as a single parameter.
        let list = serde_json::to_string(ids).expect("ids serialise");
        // Where each item goes among `ids`: the queries return rows in no order of theirs.
        let slot: HashMap<i64, usize> = ids.iter().enumerate().map(|(n, &id)| (id, n)).collect();
        let mut found: Vec<Option<ItemRow>> = Vec::with_capacity(ids.len());
        found.resize_with(ids.len(), || None);
        {
            let mut stmt = self.conn().prepare_cached(&ROWS_OF_ITEMS)?;
            let mut rows = stmt.query([&list])?;
            while let Some(r) = rows.next()? {
                let (mut row, place_id) = Self::row(r, tolerance_h)?;
                if let Some(pid) = place_id {
                    if let std::collections::hash_map::Entry::Vacant(e) = place_paths.entry(pid) {
                        e.insert(self.place_info(pid)?);
                    }
                    let info = &place_paths[&pid];
                    row.place_path = info.path.clone();
                    row.place = row.place_path.last().cloned();
                    if let (Some(g), Some(at)) = (&row.gps, info.at)
                        && crate::geo::place_mismatch(
                            LatLon {
                                lat: g.lat,
                                lon: g.lon,
                            },
                            at,
                            info.radius_m,
                        )
                    {
                        row.flags.push("place-mismatch".into());
                    }
                }
                if let Some(&n) = slot.get(&row.id) {
                    found[n] = Some(row);
                }
            }
        }
        let mut rows = found
            .into_iter()
            .zip(ids)
            .map(|(row, id)| row.ok_or_else(|| Error::NoSuchItem(id.to_string())))
            .collect::<Result<Vec<ItemRow>>>()?;
        // The item a row of the queries below is about: its first column, `item_id`, is one
        // of `ids` (each query selects by them).
        let item = |r: &Row<'_>| -> rusqlite::Result<usize> { Ok(slot[&r.get::<_, i64>(0)?]) };
        // Each item's few values are put in order here: an ORDER BY would sort the batch's.
        let mut paths: Vec<(usize, String, String)> = Vec::new();
        self.each_row(PATHS_OF_ITEMS, &list, |r| {
            paths.push((item(r)?, r.get(1)?, r.get(2)?));
            Ok(())
        })?;
        // By when each path was seen, then by path.
        paths.sort_unstable();
        for (n, _, path) in paths {
            rows[n].paths.push(path);
        }
        let mut people: Vec<(usize, String)> = Vec::new();
        self.each_row(PEOPLE_OF_ITEMS, &list, |r| {
            people.push((item(r)?, r.get(1)?));
            Ok(())
        })?;
        // By name, in byte order (as SQLite's BINARY collation).
        people.sort_unstable();
        for (n, name) in people {
            rows[n].people.push(name);
        }
        let mut words: Vec<(usize, String)> = Vec::new();
        self.each_row(KEYWORDS_OF_ITEMS, &list, |r| {
            words.push((item(r)?, r.get(1)?));
            Ok(())
        })?;
        words.sort_unstable();
        for (n, word) in words {
            rows[n].tags.push(word);
        }
        self.each_row(review::NOTES_OF_ITEMS, &list, |r| {
            rows[item(r)?].notes.push(review::note(r)?);
            Ok(())
        })?;
        self.each_row(review::REDACTIONS_OF_ITEMS, &list, |r| {
            rows[item(r)?].redactions.push(review::redaction(r)?);
            Ok(())
        })?;
        if provenance == Provenance::Read {
            self.each_row(provenance::OF_ITEMS, &list, |r| {
                rows[item(r)?].provenance.insert(r.get(1)?, r.get(2)?);
                Ok(())
            })?;
        }
        Ok(rows)
    }

    /// Runs `sql` for the JSON list of ids `list` and hands each row to `each`, in the query's
    /// order.
    fn each_row(
        &self,
        sql: &str,
        list: &str,
        mut each: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let mut rows = stmt.query([list])?;
        while let Some(r) = rows.next()? {
            each(r)?;
        }
        Ok(())
    }

    /// One item from a row of `ITEM_COLUMNS` and its place id; what other tables hold (paths,
    /// people, place path...) is filled in by `read_batch`.
    fn row(r: &Row<'_>, tolerance_h: f64) -> Result<(ItemRow, Option<i64>)> {
        let r = ItemColumns(r);
        let id: i64 = r.get(C::Id)?;
        let capture_local: Option<String> = r.get(C::CaptureLocal)?;
        let capture_offset: Option<String> = r.get(C::CaptureOffset)?;
        let lat: Option<f64> = r.get(C::GpsLat)?;
        let lon: Option<f64> = r.get(C::GpsLon)?;
        let alt: Option<f64> = r.get(C::GpsAlt)?;
        let make: Option<String> = r.get(C::CameraMake)?;
        let model: Option<String> = r.get(C::CameraModel)?;
        let serial: Option<String> = r.get(C::CameraSerial)?;
        let event_text: Option<String> = r.get(C::EventText)?;
        let place_id: Option<i64> = r.get(C::PlaceId)?;
        let event = event_text.as_deref().and_then(|t| EventDate::parse(t).ok());
        let capture_home: Option<String> = r.get(C::CaptureHome)?;
        let mut flags = Vec::new();
        if date_mismatch(
            event.as_ref(),
            capture_local.as_deref(),
            capture_offset.as_deref(),
            capture_home.as_deref(),
            tolerance_h,
        ) {
            flags.push(crate::verify::DATE_MISMATCH.to_string());
        }
        let row = ItemRow {
            id,
            sha256: r.get(C::Sha256)?,
            original_name: r.get(C::OriginalName)?,
            paths: Vec::new(),
            size: r.get::<i64>(C::Size)? as u64,
            format: r.get(C::Format)?,
            media: r.get(C::Media)?,
            width: r.get(C::Width)?,
            height: r.get(C::Height)?,
            duration_s: r.get(C::DurationS)?,
            has_preview: r.get(C::HasPreview)?,
            incomplete: r.get(C::Incomplete)?,
            capture_time: capture_local.map(|l| l + capture_offset.as_deref().unwrap_or("")),
            capture_offset_known: capture_offset.is_some(),
            capture_subsec: r.get(C::CaptureSubsec)?,
            capture_source: r.get(C::CaptureSource)?,
            gps: lat.zip(lon).map(|(lat, lon)| Gps { lat, lon, alt }),
            flags,
            camera: (make.is_some() || model.is_some()).then_some(Camera {
                make,
                model,
                serial,
            }),
            orientation: r.get(C::Orientation)?,
            event_date: event_text,
            event: event.map(|e| e.to_json()),
            place: None,
            place_path: Vec::new(),
            people: Vec::new(),
            caption: r.get(C::Caption)?,
            tags: Vec::new(),
            source: r.get(C::Source)?,
            credit: r.get(C::Credit)?,
            creator: r.get(C::Creator)?,
            copyright: r.get(C::Copyright)?,
            review_status: r.get(C::ReviewStatus)?,
            review_by: r.get(C::ReviewBy)?,
            review_at: r.get(C::ReviewAt)?,
            notes: Vec::new(),
            do_not_publish: r.get(C::DoNotPublish)?,
            redactions: Vec::new(),
            stored_path: r.get(C::StoredPath)?,
            imported_at: r.get(C::ImportedAt)?,
            provenance: Default::default(),
        };
        Ok((row, place_id))
    }

    /// A place's path, coordinates and radius, as an item row shows them.
    fn place_info(&self, id: i64) -> Result<PlaceInfo> {
        let (lat, lon, radius_m): (Option<f64>, Option<f64>, Option<f64>) = self
            .conn()
            .prepare_cached("SELECT lat, lon, radius_m FROM places WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(PlaceInfo {
            path: self.place_path(id)?,
            at: lat_lon(lat, lon),
            radius_m,
        })
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

/// Whether `Catalog::read_items` reads each item's `provenance`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Provenance {
    Read,
    Skip,
}

/// What an item row needs of its place.
struct PlaceInfo {
    path: Vec<String>,
    at: Option<LatLon>,
    radius_m: Option<f64>,
}
