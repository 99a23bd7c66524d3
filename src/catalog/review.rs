//! Review: status, notes by author, the do-not-publish flag and redaction rectangles.

use super::{Catalog, Tx, now};
use crate::error::{Error, Result};
use rusqlite::params;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Note {
    pub author: String,
    pub at: String,
    pub text: String,
}

/// A rectangle to fill in publication copies, as fractions of the displayed picture.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq)]
pub struct Redaction {
    #[serde(default)]
    pub id: i64,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Tx<'_> {
    /// Sets an item's review status (recording who and when) and adds a note if given.
    pub fn review(&self, id: i64, status: Option<&str>, note: Option<&str>) -> Result<()> {
        let c = self.conn();
        let sha: String =
            c.query_row("SELECT sha256 FROM items WHERE id = ?1", [id], |r| r.get(0))?;
        let mut details = serde_json::Map::new();
        if let Some(status) = status {
            if !super::REVIEW_STATUSES.contains(&status) {
                return Err(Error::invalid(format!(
                    "unknown review status {status:?} (unreviewed, verified, needs-info, rejected)"
                )));
            }
            let old: String =
                c.query_row("SELECT review_status FROM items WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            c.execute(
                "UPDATE items SET review_status = ?2, review_by = ?3, review_at = ?4 WHERE id = ?1",
                params![id, status, self.actor, now()],
            )?;
            details.insert("status".into(), json!({"from": old, "to": status}));
        }
        if let Some(text) = note.map(str::trim).filter(|t| !t.is_empty()) {
            c.execute(
                "INSERT INTO notes (item_id, author, at, body) VALUES (?1, ?2, ?3, ?4)",
                params![id, self.actor, now(), text],
            )?;
            details.insert("note".into(), json!(text));
            self.reindex_item(id)?;
        }
        if !details.is_empty() {
            self.log("review", Some(&sha), serde_json::Value::Object(details))?;
        }
        Ok(())
    }

    /// Takes a review state recorded elsewhere (a merged bag), keeping who set it and when.
    pub fn merge_review(
        &self,
        id: i64,
        status: &str,
        by: Option<&str>,
        at: Option<&str>,
    ) -> Result<()> {
        if !super::REVIEW_STATUSES.contains(&status) {
            return Err(Error::invalid(format!("unknown review status {status:?}")));
        }
        let c = self.conn();
        let (sha, old): (String, String) = c.query_row(
            "SELECT sha256, review_status FROM items WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        c.execute(
            "UPDATE items SET review_status = ?2, review_by = ?3, review_at = ?4 WHERE id = ?1",
            params![id, status, by, at],
        )?;
        self.log(
            "review",
            Some(&sha),
            json!({"status": {"from": old, "to": status}, "by": by, "at": at, "merged": true}),
        )?;
        Ok(())
    }

    /// Adds a note written elsewhere, keeping its author and time, and records it as a
    /// `review` entry; a note already present is not added twice. Returns whether it was added.
    pub fn merge_note(&self, id: i64, note: &Note) -> Result<bool> {
        let c = self.conn();
        let sha: String =
            c.query_row("SELECT sha256 FROM items WHERE id = ?1", [id], |r| r.get(0))?;
        let exists: bool = c.query_row(
            "SELECT EXISTS (SELECT 1 FROM notes WHERE item_id = ?1 AND author = ?2 AND at = ?3 AND body = ?4)",
            params![id, note.author, note.at, note.text],
            |r| r.get(0),
        )?;
        if exists {
            return Ok(false);
        }
        c.execute(
            "INSERT INTO notes (item_id, author, at, body) VALUES (?1, ?2, ?3, ?4)",
            params![id, note.author, note.at, note.text],
        )?;
        self.log(
            "review",
            Some(&sha),
            json!({"note": note.text, "by": note.author, "at": note.at, "merged": true}),
        )?;
        self.reindex_item(id)?;
        Ok(true)
    }

    pub fn set_do_not_publish(&self, id: i64, value: bool) -> Result<()> {
        let c = self.conn();
        let (sha, old): (String, bool) = c.query_row(
            "SELECT sha256, do_not_publish FROM items WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if old != value {
            c.execute(
                "UPDATE items SET do_not_publish = ?2 WHERE id = ?1",
                params![id, value],
            )?;
            self.log(
                "tag",
                Some(&sha),
                json!({"do_not_publish": {"from": old, "to": value}}),
            )?;
        }
        Ok(())
    }

    /// Adds a redaction rectangle (fractions of the displayed picture, clamped to it).
    pub fn add_redaction(&self, id: i64, x: f64, y: f64, w: f64, h: f64) -> Result<i64> {
        let (x, y) = (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0));
        let (w, h) = (w.min(1.0 - x), h.min(1.0 - y));
        if !(w > 0.0 && h > 0.0) {
            return Err(Error::invalid(
                "a redaction needs a width and a height inside the picture",
            ));
        }
        let c = self.conn();
        let sha: String =
            c.query_row("SELECT sha256 FROM items WHERE id = ?1", [id], |r| r.get(0))?;
        c.execute(
            "INSERT INTO redactions (item_id, x, y, w, h, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, x, y, w, h, self.actor, now()],
        )?;
        let rid = c.last_insert_rowid();
        self.log(
            "redact",
            Some(&sha),
            json!({"added": {"x": x, "y": y, "w": w, "h": h}}),
        )?;
        Ok(rid)
    }

    /// Removes every redaction of an item.
    pub fn clear_redactions(&self, id: i64) -> Result<usize> {
        let c = self.conn();
        let sha: String =
            c.query_row("SELECT sha256 FROM items WHERE id = ?1", [id], |r| r.get(0))?;
        let n = c.execute("DELETE FROM redactions WHERE item_id = ?1", [id])?;
        if n > 0 {
            self.log("redact", Some(&sha), json!({"cleared": n}))?;
        }
        Ok(n)
    }
}

/// The notes of the items in a JSON list of ids, for `Catalog::items`.
pub(super) const NOTES_OF_ITEMS: &str = "SELECT n.item_id, n.author, n.at, n.body
     FROM json_each(?1) AS j JOIN notes AS n ON n.item_id = j.value
     ORDER BY n.item_id, n.at, n.id";

/// The redactions of the items in a JSON list of ids, for `Catalog::items`.
pub(super) const REDACTIONS_OF_ITEMS: &str = "SELECT r.item_id, r.id, r.x, r.y, r.w, r.h
     FROM json_each(?1) AS j JOIN redactions AS r ON r.item_id = j.value
     ORDER BY r.item_id, r.id";

/// A note from a row with `author`, `at` and `body`.
pub(super) fn note(r: &rusqlite::Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note {
        author: r.get("author")?,
        at: r.get("at")?,
        text: r.get("body")?,
    })
}

/// A redaction from a row with `id`, `x`, `y`, `w` and `h`.
pub(super) fn redaction(r: &rusqlite::Row<'_>) -> rusqlite::Result<Redaction> {
    Ok(Redaction {
        id: r.get("id")?,
        x: r.get("x")?,
        y: r.get("y")?,
        w: r.get("w")?,
        h: r.get("h")?,
    })
}

impl Catalog {
    pub fn notes(&self, id: i64) -> Result<Vec<Note>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT author, at, body FROM notes WHERE item_id = ?1 ORDER BY at, id",
        )?;
        let v = stmt.query_map([id], note)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn redactions(&self, id: i64) -> Result<Vec<Redaction>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, x, y, w, h FROM redactions WHERE item_id = ?1 ORDER BY id",
        )?;
        let v = stmt.query_map([id], redaction)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn do_not_publish(&self, id: i64) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT do_not_publish FROM items WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }
}
