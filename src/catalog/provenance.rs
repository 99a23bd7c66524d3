//! Where each of an item's described values came from: `embedded` (the file's own IPTC or
//! XMP), `sidecar` (a `.xmp` file beside it), `typed` (a person, through `tag`), `bag` (an
//! evidence bag's catalogue data). One row per item and field in `item_provenance`, written in
//! the transaction that sets the value; a typed value is never replaced by one read from a file.

use super::items::TagChange;
use super::{Catalog, Tx};
use crate::error::Result;
use rusqlite::params;
use std::collections::BTreeMap;

/// The fields provenance is kept for, as `show --json` names them.
pub const FIELDS: &[&str] = &[
    "caption",
    "keywords",
    "people",
    "place",
    "event_date",
    "credit",
    "source",
    "creator",
    "copyright",
];

/// Every recorded source of the items in the JSON list `?1`, by item (for `Catalog::items`).
pub(super) const OF_ITEMS: &str = "SELECT p.item_id, p.field, p.source
     FROM json_each(?1) AS j JOIN item_provenance AS p ON p.item_id = j.value";

impl Catalog {
    /// Each field of item `id` that has a recorded source: field → source.
    pub fn provenance(&self, id: i64) -> Result<BTreeMap<String, String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT field, source FROM item_provenance WHERE item_id = ?1")?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows)
    }
}

impl Tx<'_> {
    /// Tags item `id` with what its file (`source`: `embedded`, `sidecar` or `bag`) says, one
    /// source per field (`sources`: field → source). Fields a person typed are left alone. The
    /// `tag` entry in the history records the values; the sources are kept beside them.
    ///
    /// A value the catalogue refuses (a name it cannot take) costs the file's metadata, not the
    /// import: its changes are rolled back to before this call and the reason is returned.
    pub fn tag_from_file(
        &self,
        id: i64,
        change: &TagChange,
        sources: &[(&str, &str)],
    ) -> Result<Option<String>> {
        self.conn().execute_batch("SAVEPOINT file_metadata")?;
        match self.tag_from_file_inner(id, change, sources) {
            Ok(()) => {
                self.conn().execute_batch("RELEASE file_metadata")?;
                Ok(None)
            }
            Err(e) => {
                self.conn()
                    .execute_batch("ROLLBACK TO file_metadata; RELEASE file_metadata")?;
                Ok(Some(format!(
                    "its metadata was not read into the catalogue ({e})"
                )))
            }
        }
    }

    /// The fields of item `id` a person typed.
    pub fn typed_fields(&self, id: i64) -> Result<Vec<String>> {
        let typed = self
            .conn()
            .prepare_cached(
                "SELECT field FROM item_provenance WHERE item_id = ?1 AND source = 'typed'",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(typed)
    }

    fn tag_from_file_inner(
        &self,
        id: i64,
        change: &TagChange,
        sources: &[(&str, &str)],
    ) -> Result<()> {
        let typed = self.typed_fields(id)?;
        let is_typed = |f: &str| typed.iter().any(|t| t == f);
        let mut change = change.clone();
        if is_typed("caption") {
            change.caption = None;
        }
        if is_typed("keywords") {
            change.add_tags.clear();
        }
        if is_typed("people") {
            change.add_people.clear();
        }
        if is_typed("place") {
            change.place = None;
        }
        if is_typed("event_date") {
            change.date = None;
        }
        if is_typed("credit") {
            change.credit = None;
        }
        if is_typed("source") {
            change.source = None;
        }
        if is_typed("creator") {
            change.creator = None;
        }
        if is_typed("copyright") {
            change.copyright = None;
        }
        self.tag(id, &change)?;
        for &(field, source) in sources {
            if !is_typed(field) && FIELDS.contains(&field) {
                self.set_provenance(id, field, source)?;
            }
        }
        Ok(())
    }

    /// Marks the fields a `tag` entry changed (its `changed` keys) as typed. Called by `tag`,
    /// whose entry records the change.
    pub(super) fn mark_typed(
        &self,
        id: i64,
        changed: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        for key in changed.keys() {
            let field = match key.as_str() {
                "tag_added" | "tag_removed" => "keywords",
                "person_added" | "person_removed" => "people",
                k => k,
            };
            if FIELDS.contains(&field) {
                self.set_provenance(id, field, "typed")?;
            }
        }
        Ok(())
    }

    fn set_provenance(&self, id: i64, field: &str, source: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO item_provenance (item_id, field, source) VALUES (?1, ?2, ?3)
             ON CONFLICT (item_id, field) DO UPDATE SET source = excluded.source",
            params![id, field, source],
        )?;
        Ok(())
    }
}
