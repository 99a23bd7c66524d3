//! Item summaries (what the app draws every item with) and perceptual hashes.

use super::*;

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
    /// The camera's GPS position.
    pub gps: Option<LatLon>,
    /// The coordinates of the place it is tagged with.
    pub place_at: Option<LatLon>,
    /// Warnings about its claims that the summary can tell: `date-mismatch`.
    pub flags: Vec<String>,
    /// Its near-duplicates (`verify`): (item id, bits their perceptual hashes differ in),
    /// nearest first.
    pub similar: Vec<(i64, u32)>,
}

impl ItemSummary {
    /// Where the item is on the map: the camera's GPS, else its place's coordinates.
    pub fn position(&self) -> Option<(LatLon, Source)> {
        crate::geo::position(self.gps, self.place_at)
    }

    /// Flagged `date-mismatch`: its capture time disagrees with its event date.
    pub fn date_mismatch(&self) -> bool {
        self.flags.iter().any(|f| f == crate::verify::DATE_MISMATCH)
    }

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
        let mut out = self.summaries_where(None)?;
        let mut near = self.near_duplicates()?;
        for it in &mut out {
            it.similar = near.remove(&it.id).unwrap_or_default();
        }
        Ok(out)
    }

    /// The summaries without their near-duplicates (`similar` left empty): what the app
    /// draws first. Finding every item's near-duplicates (`near_duplicates`) costs about as
    /// much as the rest of opening a large library, so the app asks for it next.
    pub fn summaries_unpaired(&self) -> Result<Vec<ItemSummary>> {
        self.summaries_where(None)
    }

    /// Every item's near-duplicates (`verify::near_duplicates` over the kept perceptual
    /// hashes): item id → (other id, distance), nearest first.
    pub fn near_duplicates(&self) -> Result<std::collections::HashMap<i64, Vec<(i64, u32)>>> {
        Ok(crate::verify::near_duplicates(&self.perceptual_hashes()?))
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
                    i.stored_path, i.media, i.duration_s, i.incomplete,
                    i.gps_lat, i.gps_lon, pl.lat, pl.lon,
                    i.capture_local, i.capture_offset, i.capture_home, i.sort_key
             FROM items i LEFT JOIN places pl ON pl.id = i.place_id
             WHERE ?1 IS NULL OR i.id = ?1",
        )?;
        let split = |s: Option<String>| -> Vec<String> {
            let mut v: Vec<String> = s
                .map(|s| s.split('\u{1f}').map(str::to_string).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        let tolerance_h = self.clock_tolerance_h()?;
        let rows = stmt.query_map([id], |r| {
            let caption: Option<String> = r.get(3)?;
            let name: String = r.get(2)?;
            let event_text: Option<String> = r.get(6)?;
            let capture: Option<String> = r.get(7)?;
            let people = split(r.get(11)?);
            let tags = split(r.get(12)?);
            let event = event_text.as_deref().and_then(|t| EventDate::parse(t).ok());
            let (local, offset, home): (Option<String>, Option<String>, Option<String>) =
                (r.get(21)?, r.get(22)?, r.get(23)?);
            let mut flags = Vec::new();
            if date_mismatch(
                event.as_ref(),
                local.as_deref(),
                offset.as_deref(),
                home.as_deref(),
                tolerance_h,
            ) {
                flags.push(crate::verify::DATE_MISMATCH.to_string());
            }
            Ok((
                r.get::<_, Option<String>>(24)?,
                ItemSummary {
                    id: r.get(0)?,
                    sha256: r.get(1)?,
                    original_name: name,
                    caption,
                    format: r.get(4)?,
                    has_preview: r.get(5)?,
                    event,
                    capture: capture.and_then(|c| c.parse::<chrono::NaiveDateTime>().ok()),
                    place_id: r.get(8)?,
                    place: r.get(9)?,
                    people,
                    tags,
                    review_status: r.get(10)?,
                    stored_path: r.get(13)?,
                    is_video: r.get::<_, String>(14)? == "video",
                    duration_s: r.get(15)?,
                    incomplete: r.get(16)?,
                    gps: lat_lon(r.get(17)?, r.get(18)?),
                    place_at: lat_lon(r.get(19)?, r.get(20)?),
                    flags,
                    similar: Vec::new(),
                },
            ))
        })?;
        // Timeline order (dated by sort key, then undated, ties by id), sorted here: SQLite
        // cannot read `sort_key IS NULL, sort_key, id` off an index and would spill a sort of
        // the whole table to temporary files, which took most of opening a large library.
        let keyed: Vec<(Option<String>, ItemSummary)> = rows.collect::<Result<_, _>>()?;
        // The order is sorted, not the summaries (large structs: moving them cost more).
        let mut order: Vec<usize> = (0..keyed.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            let ((ka, x), (kb, y)) = (&keyed[a], &keyed[b]);
            (ka.is_none(), ka, x.id).cmp(&(kb.is_none(), kb, y.id))
        });
        let mut slots: Vec<Option<ItemSummary>> =
            keyed.into_iter().map(|(_, it)| Some(it)).collect();
        let mut out: Vec<ItemSummary> = order
            .into_iter()
            .map(|i| slots[i].take().expect("each index once"))
            .collect();
        if let Some(id) = id {
            let hashes = self.perceptual_hashes()?;
            if let (Some(it), Some(&(_, h))) =
                (out.first_mut(), hashes.iter().find(|(i, _)| *i == id))
            {
                it.similar = crate::verify::similar_to(id, h, &hashes);
            }
        }
        Ok(out)
    }

    /// (item id, perceptual hash) of every item that has one, by id.
    pub fn perceptual_hashes(&self) -> Result<Vec<(i64, u64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, phash FROM items WHERE phash IS NOT NULL ORDER BY id")?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The near-duplicates of item `id` (item id, distance), nearest first; None when the
    /// item has no perceptual hash (nothing decoded, or imported before hashes were kept and
    /// `kadr rehash-similar` not run).
    pub fn similar(&self, id: i64) -> Result<Option<Vec<(i64, u32)>>> {
        let own: Option<Option<i64>> = self
            .conn()
            .query_row("SELECT phash FROM items WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let Some(own) = own else {
            return Err(Error::NoSuchItem(id.to_string()));
        };
        let Some(own) = own else { return Ok(None) };
        Ok(Some(crate::verify::similar_to(
            id,
            own as u64,
            &self.perceptual_hashes()?,
        )))
    }

    /// (id, sha256) of the items with a preview but no perceptual hash, by id.
    pub fn missing_perceptual_hashes(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, sha256 FROM items WHERE phash IS NULL AND has_preview != 0 ORDER BY id",
        )?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }
}

impl Tx<'_> {
    /// Stores perceptual hashes computed after import (`kadr rehash-similar`) for items that
    /// have none, with one history entry naming how many; an item that has one keeps it.
    /// Returns how many were stored.
    pub fn set_perceptual_hashes(&self, hashes: &[(i64, u64)]) -> Result<usize> {
        let mut n = 0;
        {
            let mut stmt = self
                .conn()
                .prepare("UPDATE items SET phash = ?2 WHERE id = ?1 AND phash IS NULL")?;
            for &(id, h) in hashes {
                n += stmt.execute(params![id, h as i64])?;
            }
        }
        if n > 0 {
            self.log("rehash", None, json!({ "perceptual_hashes": n }))?;
        }
        Ok(n)
    }
}
