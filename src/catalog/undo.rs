//! Undo and redo, the catalogue side: what an item or an entity holds, read by ids inside a
//! write transaction, and the change that takes it from one such state to another.
//!
//! The app keeps the undo stack (which states to go back and forth between); this module only
//! reads states and writes the difference, by ids: a place or person comes back as the same
//! entity, never looked up again by name. Every undo or redo is itself recorded: one history
//! entry per item it changed, action `undo` or `redo`, details `{undoes | redoes: <seq>,
//! <field>: {from, to}}`. It is not responsible for deciding what one user action is.

use super::{EntityKind, Tx};
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Whether a write undoes or redoes, and the history entry (its seq) whose change it reverts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reverts {
    Undo(Option<i64>),
    Redo(Option<i64>),
}

impl Reverts {
    fn action(self) -> &'static str {
        match self {
            Reverts::Undo(_) => "undo",
            Reverts::Redo(_) => "redo",
        }
    }

    fn details(self) -> Map<String, Value> {
        let (key, seq) = match self {
            Reverts::Undo(s) => ("undoes", s),
            Reverts::Redo(s) => ("redoes", s),
        };
        let mut m = Map::new();
        m.insert(key.into(), json!(seq));
        m
    }
}

/// A field of an item as the user edits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    EventDate,
    Place,
    People,
    Caption,
    Keywords,
    Source,
    Credit,
    /// The review status, with who set it and when.
    Review,
    Notes,
    DoNotPublish,
    Redactions,
}

/// The event date's stored columns, restored verbatim (never re-parsed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventColumns {
    pub text: Option<String>,
    start: Option<String>,
    end: Option<String>,
    sort: Option<String>,
    precision: Option<String>,
    part_of_day: Option<String>,
    approximate: bool,
    uncertain: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub id: i64,
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RedactionRow {
    pub id: i64,
    pub rect: [f64; 4],
    pub author: String,
    pub at: String,
}

/// Everything the user can change about one item, by ids.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemState {
    pub id: i64,
    pub sha256: String,
    pub event: EventColumns,
    pub place: Option<i64>,
    pub caption: Option<String>,
    pub source: Option<String>,
    pub credit: Option<String>,
    pub people: BTreeSet<i64>,
    pub keywords: BTreeSet<i64>,
    /// Status, by, at.
    pub review: (String, Option<String>, Option<String>),
    pub do_not_publish: bool,
    pub notes: Vec<NoteRow>,
    pub redactions: Vec<RedactionRow>,
    /// Where each described value came from (`provenance`): field → source.
    pub provenance: BTreeMap<String, String>,
}

impl ItemState {
    /// The fields in which `self` and `other` differ.
    pub fn changed(&self, other: &ItemState) -> BTreeSet<Field> {
        let mut f = BTreeSet::new();
        let mut check = |differs: bool, field| {
            if differs {
                f.insert(field);
            }
        };
        check(self.event != other.event, Field::EventDate);
        check(self.place != other.place, Field::Place);
        check(self.caption != other.caption, Field::Caption);
        check(self.source != other.source, Field::Source);
        check(self.credit != other.credit, Field::Credit);
        check(self.people != other.people, Field::People);
        check(self.keywords != other.keywords, Field::Keywords);
        check(self.review != other.review, Field::Review);
        check(
            self.do_not_publish != other.do_not_publish,
            Field::DoNotPublish,
        );
        check(self.notes != other.notes, Field::Notes);
        check(self.redactions != other.redactions, Field::Redactions);
        f
    }
}

mod entities;
pub use entities::EntityState;

fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}

impl Tx<'_> {
    /// The sequence number of the newest history entry (0 for an empty history).
    pub fn history_seq(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(seq), 0) FROM history", [], |r| {
                r.get(0)
            })?)
    }

    /// The entries written after `seq` (in this transaction, since it holds the write lock):
    /// (seq, item sha256), oldest first.
    pub fn history_since(&self, seq: i64) -> Result<Vec<(i64, Option<String>)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT seq, item_sha256 FROM history WHERE seq > ?1 ORDER BY seq")?;
        let v = stmt
            .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The states of these items, read in one query per table. An id that does not exist is
    /// an error.
    pub fn item_states(&self, ids: &[i64]) -> Result<BTreeMap<i64, ItemState>> {
        let c = self.conn();
        let list = id_list(ids);
        let mut out = BTreeMap::new();
        {
            let mut stmt = c.prepare_cached(
                "SELECT id, sha256, event_text, event_start, event_end, event_sort, event_precision,
                        event_part_of_day, event_approximate, event_uncertain, place_id, caption,
                        source, credit, review_status, review_by, review_at, do_not_publish
                 FROM items WHERE id IN (SELECT value FROM json_each(?1))",
            )?;
            let rows = stmt.query_map([&list], |r| {
                Ok(ItemState {
                    id: r.get("id")?,
                    sha256: r.get("sha256")?,
                    event: EventColumns {
                        text: r.get("event_text")?,
                        start: r.get("event_start")?,
                        end: r.get("event_end")?,
                        sort: r.get("event_sort")?,
                        precision: r.get("event_precision")?,
                        part_of_day: r.get("event_part_of_day")?,
                        approximate: r.get("event_approximate")?,
                        uncertain: r.get("event_uncertain")?,
                    },
                    place: r.get("place_id")?,
                    caption: r.get("caption")?,
                    source: r.get("source")?,
                    credit: r.get("credit")?,
                    people: BTreeSet::new(),
                    keywords: BTreeSet::new(),
                    review: (
                        r.get("review_status")?,
                        r.get("review_by")?,
                        r.get("review_at")?,
                    ),
                    do_not_publish: r.get("do_not_publish")?,
                    notes: Vec::new(),
                    redactions: Vec::new(),
                    provenance: BTreeMap::new(),
                })
            })?;
            for s in rows {
                let s = s?;
                out.insert(s.id, s);
            }
        }
        if let Some(missing) = ids.iter().find(|id| !out.contains_key(id)) {
            return Err(Error::NoSuchItem(missing.to_string()));
        }
        let pairs = |sql: &str| -> Result<Vec<(i64, i64)>> {
            let mut stmt = c.prepare_cached(sql)?;
            let v = stmt
                .query_map([&list], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            Ok(v)
        };
        for (item, person) in pairs(
            "SELECT item_id, person_id FROM item_people WHERE item_id IN (SELECT value FROM json_each(?1))",
        )? {
            out.get_mut(&item).unwrap().people.insert(person);
        }
        for (item, keyword) in pairs(
            "SELECT item_id, keyword_id FROM item_keywords WHERE item_id IN (SELECT value FROM json_each(?1))",
        )? {
            out.get_mut(&item).unwrap().keywords.insert(keyword);
        }
        {
            let mut stmt = c.prepare_cached(
                "SELECT item_id, field, source FROM item_provenance
                 WHERE item_id IN (SELECT value FROM json_each(?1))",
            )?;
            let rows = stmt.query_map([&list], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })?;
            for row in rows {
                let (item, field, source) = row?;
                out.get_mut(&item).unwrap().provenance.insert(field, source);
            }
        }
        {
            let mut stmt = c.prepare_cached(
                "SELECT item_id, id, author, at, body FROM notes
                 WHERE item_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
            )?;
            let rows = stmt.query_map([&list], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    NoteRow {
                        id: r.get(1)?,
                        author: r.get(2)?,
                        at: r.get(3)?,
                        body: r.get(4)?,
                    },
                ))
            })?;
            for row in rows {
                let (item, note) = row?;
                out.get_mut(&item).unwrap().notes.push(note);
            }
        }
        {
            let mut stmt = c.prepare_cached(
                "SELECT item_id, id, x, y, w, h, author, at FROM redactions
                 WHERE item_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
            )?;
            let rows = stmt.query_map([&list], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    RedactionRow {
                        id: r.get(1)?,
                        rect: [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
                        author: r.get(6)?,
                        at: r.get(7)?,
                    },
                ))
            })?;
            for row in rows {
                let (item, red) = row?;
                out.get_mut(&item).unwrap().redactions.push(red);
            }
        }
        Ok(out)
    }

    /// Takes one item from state `from` to state `to`, field by field, and records it as one
    /// history entry (`undo` or `redo`). A field the item no longer holds `from`'s value in
    /// (someone changed it since) is left alone; people, keywords, notes and redactions are
    /// added and removed one by one. Returns the entry's seq, or `None` if nothing changed.
    pub fn restore_item(
        &self,
        from: &ItemState,
        to: &ItemState,
        why: Reverts,
    ) -> Result<Option<i64>> {
        let id = to.id;
        let c = self.conn();
        let now = self.item_states(&[id])?.remove(&id).expect("read above");
        if to.event != from.event && now.event == from.event {
            let e = &to.event;
            c.execute(
                "UPDATE items SET event_text = ?2, event_start = ?3, event_end = ?4, event_sort = ?5,
                    event_precision = ?6, event_part_of_day = ?7, event_approximate = ?8,
                    event_uncertain = ?9 WHERE id = ?1",
                params![
                    id,
                    e.text,
                    e.start,
                    e.end,
                    e.sort,
                    e.precision,
                    e.part_of_day,
                    e.approximate,
                    e.uncertain
                ],
            )?;
        }
        if to.place != from.place && now.place == from.place {
            if let Some(p) = to.place {
                self.entity_exists(EntityKind::Place, p)?;
            }
            c.execute(
                "UPDATE items SET place_id = ?2 WHERE id = ?1",
                params![id, to.place],
            )?;
        }
        for (field, a, b, n) in [
            ("caption", &from.caption, &to.caption, &now.caption),
            ("source", &from.source, &to.source, &now.source),
            ("credit", &from.credit, &to.credit, &now.credit),
        ] {
            if a != b && n == a {
                let sql = match field {
                    "caption" => "UPDATE items SET caption = ?2 WHERE id = ?1",
                    "source" => "UPDATE items SET source = ?2 WHERE id = ?1",
                    _ => "UPDATE items SET credit = ?2 WHERE id = ?1",
                };
                c.execute(sql, params![id, b])?;
            }
        }
        // Where each value came from goes back with the value: undoing a typed caption that
        // replaced the file's own leaves the caption the file's again, not "typed".
        let fields: BTreeSet<&String> =
            from.provenance.keys().chain(to.provenance.keys()).collect();
        for field in fields {
            let (a, b, n) = (
                from.provenance.get(field),
                to.provenance.get(field),
                now.provenance.get(field),
            );
            if a != b && n == a {
                match b {
                    Some(source) => c.execute(
                        "INSERT OR REPLACE INTO item_provenance (item_id, field, source)
                         VALUES (?1, ?2, ?3)",
                        params![id, field, source],
                    )?,
                    None => c.execute(
                        "DELETE FROM item_provenance WHERE item_id = ?1 AND field = ?2",
                        params![id, field],
                    )?,
                };
            }
        }
        if to.review != from.review && now.review == from.review {
            let (status, by, at) = &to.review;
            c.execute(
                "UPDATE items SET review_status = ?2, review_by = ?3, review_at = ?4 WHERE id = ?1",
                params![id, status, by, at],
            )?;
        }
        if to.do_not_publish != from.do_not_publish && now.do_not_publish == from.do_not_publish {
            c.execute(
                "UPDATE items SET do_not_publish = ?2 WHERE id = ?1",
                params![id, to.do_not_publish],
            )?;
        }
        for p in from.people.difference(&to.people) {
            c.execute(
                "DELETE FROM item_people WHERE item_id = ?1 AND person_id = ?2",
                params![id, p],
            )?;
        }
        for p in to.people.difference(&from.people) {
            self.entity_exists(EntityKind::Person, *p)?;
            c.execute(
                "INSERT OR IGNORE INTO item_people (item_id, person_id) VALUES (?1, ?2)",
                params![id, p],
            )?;
        }
        for k in from.keywords.difference(&to.keywords) {
            c.execute(
                "DELETE FROM item_keywords WHERE item_id = ?1 AND keyword_id = ?2",
                params![id, k],
            )?;
        }
        for k in to.keywords.difference(&from.keywords) {
            let exists: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM keywords WHERE id = ?1)",
                [k],
                |r| r.get(0),
            )?;
            if exists {
                c.execute(
                    "INSERT OR IGNORE INTO item_keywords (item_id, keyword_id) VALUES (?1, ?2)",
                    params![id, k],
                )?;
            }
        }
        for n in from.notes.iter().filter(|n| !to.notes.contains(n)) {
            c.execute(
                "DELETE FROM notes WHERE id = ?1 AND item_id = ?2",
                params![n.id, id],
            )?;
        }
        for n in to.notes.iter().filter(|n| !from.notes.contains(n)) {
            c.execute(
                "INSERT OR IGNORE INTO notes (id, item_id, author, at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![n.id, id, n.author, n.at, n.body],
            )?;
        }
        for r in from
            .redactions
            .iter()
            .filter(|r| !to.redactions.contains(r))
        {
            c.execute(
                "DELETE FROM redactions WHERE id = ?1 AND item_id = ?2",
                params![r.id, id],
            )?;
        }
        for r in to
            .redactions
            .iter()
            .filter(|r| !from.redactions.contains(r))
        {
            let [x, y, w, h] = r.rect;
            c.execute(
                "INSERT OR IGNORE INTO redactions (id, item_id, x, y, w, h, author, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![r.id, id, x, y, w, h, r.author, r.at],
            )?;
        }
        let after = self.item_states(&[id])?.remove(&id).expect("read above");
        if after != now {
            self.reindex_item(id)?;
        }
        self.log_item_change(&now, &after, why)
    }

    /// Records one item's change from `a` to `b` as an `undo` or `redo` entry.
    fn log_item_change(&self, a: &ItemState, b: &ItemState, why: Reverts) -> Result<Option<i64>> {
        let fields = a.changed(b);
        if fields.is_empty() {
            return Ok(None);
        }
        let mut details = why.details();
        let mut put = |key: &str, from: Value, to: Value| {
            details.insert(key.into(), json!({"from": from, "to": to}));
        };
        for f in fields {
            match f {
                Field::EventDate => put("event_date", json!(a.event.text), json!(b.event.text)),
                Field::Place => {
                    put(
                        "place",
                        json!(self.entity_name(EntityKind::Place, a.place)?),
                        json!(self.entity_name(EntityKind::Place, b.place)?),
                    );
                    put("place_id", json!(a.place), json!(b.place));
                }
                Field::Caption => put("caption", json!(a.caption), json!(b.caption)),
                Field::Source => put("source", json!(a.source), json!(b.source)),
                Field::Credit => put("credit", json!(a.credit), json!(b.credit)),
                Field::People => put(
                    "people",
                    json!(self.names(EntityKind::Person, &a.people)?),
                    json!(self.names(EntityKind::Person, &b.people)?),
                ),
                Field::Keywords => put(
                    "keywords",
                    json!(self.words(&a.keywords)?),
                    json!(self.words(&b.keywords)?),
                ),
                Field::Review => put("status", json!(a.review.0), json!(b.review.0)),
                Field::DoNotPublish => put(
                    "do_not_publish",
                    json!(a.do_not_publish),
                    json!(b.do_not_publish),
                ),
                Field::Notes => put(
                    "notes",
                    json!(a.notes.iter().map(|n| &n.body).collect::<Vec<_>>()),
                    json!(b.notes.iter().map(|n| &n.body).collect::<Vec<_>>()),
                ),
                Field::Redactions => put(
                    "redactions",
                    json!(a.redactions.iter().map(|r| r.rect).collect::<Vec<_>>()),
                    json!(b.redactions.iter().map(|r| r.rect).collect::<Vec<_>>()),
                ),
            }
        }
        self.log(why.action(), Some(&b.sha256), Value::Object(details))?;
        self.history_seq().map(Some)
    }

    fn entity_exists(&self, kind: EntityKind, id: i64) -> Result<()> {
        if self.entity_name(kind, Some(id))?.is_none() {
            return Err(Error::invalid(format!(
                "the {} (id {id}) no longer exists, so it cannot be restored",
                kind.as_str()
            )));
        }
        Ok(())
    }

    fn entity_name(&self, kind: EntityKind, id: Option<i64>) -> Result<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        Ok(self.name_by_id(kind, id).optional()?)
    }

    fn names(&self, kind: EntityKind, ids: &BTreeSet<i64>) -> Result<Vec<String>> {
        let mut v = Vec::new();
        for id in ids {
            v.push(
                self.entity_name(kind, Some(*id))?
                    .unwrap_or_else(|| format!("#{id}")),
            );
        }
        v.sort();
        Ok(v)
    }

    fn words(&self, ids: &BTreeSet<i64>) -> Result<Vec<String>> {
        let mut v = Vec::new();
        for id in ids {
            let w: Option<String> = self
                .conn()
                .query_row("SELECT word FROM keywords WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            v.push(w.unwrap_or_else(|| format!("#{id}")));
        }
        v.sort();
        Ok(v)
    }
}

#[cfg(test)]
mod tests;
