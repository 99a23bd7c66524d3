//! The append-only, hash-chained history of every change.
//!
//! Each entry's hash covers its sequence number, time, actor, action, item and details, and the
//! previous entry's hash, so editing, deleting or inserting a row behind Kadr's back breaks the
//! chain at that row. Triggers refuse UPDATE and DELETE from ordinary SQL as a first fence.

use super::{Catalog, Tx, now};
use crate::error::Result;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One item's entries, oldest first (by the `history_item` index, whose entries are ordered by
/// item and then rowid, which is `seq`).
pub(super) const HISTORY_OF_ITEM: &str =
    "SELECT seq, at, actor, action, item_sha256, details, prev_hash, hash FROM history
     WHERE item_sha256 = ?1 ORDER BY seq";

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub item: Option<String>,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The newest entry's sequence number and hash.
pub(super) fn head(conn: &rusqlite::Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Reads `seq hash` from the anchor file.
pub(super) fn read_head(path: &std::path::Path) -> std::io::Result<Option<(i64, String)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut parts = text.split_whitespace();
    let seq = parts.next().and_then(|s| s.parse().ok());
    let hash = parts.next().map(str::to_string);
    Ok(seq.zip(hash))
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditProblem {
    pub seq: i64,
    pub problem: String,
}

fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    item: Option<&str>,
    details: &str,
    prev: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        &seq.to_string(),
        at,
        actor,
        action,
        item.unwrap_or(""),
        details,
        prev,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    crate::vault::hex(&h.finalize())
}

impl Tx<'_> {
    /// Appends one entry to the history.
    pub fn log(&self, action: &str, item: Option<&str>, details: serde_json::Value) -> Result<()> {
        let conn = self.conn();
        // Read inside the writing transaction, which `Catalog::write` opened IMMEDIATE: no other
        // connection can append between this read and the insert below.
        let (seq, prev) = match head(conn)? {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_string()),
        };
        let at = now();
        let details = details.to_string();
        let actor = self.actor;
        let hash = entry_hash(seq, &at, actor, action, item, &details, &prev);
        conn.execute(
            "INSERT INTO history (seq, at, actor, action, item_sha256, details, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![seq, at, actor, action, item, details, prev, hash],
        )?;
        Ok(())
    }
}

impl Catalog {
    /// The history, oldest first; of one item when `item` (a SHA-256) is given.
    pub fn history(&self, item: Option<&str>) -> Result<Vec<HistoryEntry>> {
        // Two statements: `?1 IS NULL OR item_sha256 = ?1` would scan the whole log even for
        // one item; this way one item's entries come off the `history_item` index.
        let mut stmt = match item {
            Some(_) => self.conn().prepare_cached(HISTORY_OF_ITEM)?,
            None => self.conn().prepare_cached(
                "SELECT seq, at, actor, action, item_sha256, details, prev_hash, hash FROM history
                 ORDER BY seq",
            )?,
        };
        let entry = |r: &rusqlite::Row<'_>| {
            let details: String = r.get("details")?;
            Ok(HistoryEntry {
                seq: r.get("seq")?,
                at: r.get("at")?,
                actor: r.get("actor")?,
                action: r.get("action")?,
                item: r.get("item_sha256")?,
                details: serde_json::from_str(&details)
                    .unwrap_or(serde_json::Value::String(details)),
                prev_hash: r.get("prev_hash")?,
                hash: r.get("hash")?,
            })
        };
        let rows = match item {
            Some(sha) => stmt.query_map([sha], entry)?,
            None => stmt.query_map([], entry)?,
        };
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest entry's sequence number and hash.
    pub fn history_head(&self) -> Result<Option<(i64, String)>> {
        head(self.conn())
    }

    /// Re-computes the chain and compares its end with the anchor written after every commit;
    /// returns the problems found, first broken entry first.
    pub fn audit(&self) -> Result<Vec<AuditProblem>> {
        let mut problems = self.audit_chain()?;
        let guards: i64 = self.conn().query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('history_no_update', 'history_no_delete')",
            [],
            |r| r.get(0),
        )?;
        if guards < 2 {
            problems.push(AuditProblem {
                seq: 0,
                problem: "the history's append-only guards were removed from the database".into(),
            });
        }
        if let Some(path) = &self.head_path
            && let Ok(Some((seq, hash))) = read_head(path)
        {
            let at: Option<String> = self
                .conn()
                .query_row("SELECT hash FROM history WHERE seq = ?1", [seq], |r| {
                    r.get(0)
                })
                .optional()?;
            match at {
                None => problems.push(AuditProblem {
                    seq,
                    problem: format!("is missing: the log was cut short (entry {seq} was written, the log now ends before it)"),
                }),
                Some(h) if h != hash => problems.push(AuditProblem {
                    seq,
                    problem: "differs from the entry that was written (the end of the log was rewritten)".into(),
                }),
                _ => {}
            }
        }
        // The first bad entry first; the removed guards (seq 0) only after every entry.
        problems.sort_by_key(|p| if p.seq == 0 { i64::MAX } else { p.seq });
        Ok(problems)
    }

    fn audit_chain(&self) -> Result<Vec<AuditProblem>> {
        let mut stmt = self.conn().prepare(
            "SELECT seq, at, actor, action, item_sha256, details, prev_hash, hash FROM history ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut problems = Vec::new();
        let mut expect_prev = GENESIS.to_string();
        let mut expect_seq = 1i64;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let at: String = r.get(1)?;
            let actor: String = r.get(2)?;
            let action: String = r.get(3)?;
            let item: Option<String> = r.get(4)?;
            let details: String = r.get(5)?;
            let prev: String = r.get(6)?;
            let hash: String = r.get(7)?;
            if seq != expect_seq {
                problems.push(AuditProblem {
                    seq,
                    problem: format!("entry {expect_seq} is missing (the log jumps to {seq})"),
                });
            } else if prev != expect_prev {
                problems.push(AuditProblem {
                    seq,
                    problem:
                        "does not follow the entry before it (an entry was removed or inserted)"
                            .into(),
                });
            } else if entry_hash(seq, &at, &actor, &action, item.as_deref(), &details, &prev)
                != hash
            {
                problems.push(AuditProblem {
                    seq,
                    problem: "its content was changed after it was written".into(),
                });
            }
            expect_prev = hash;
            expect_seq = seq + 1;
        }
        Ok(problems)
    }
}
