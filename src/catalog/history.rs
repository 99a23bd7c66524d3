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
        let last: Option<(i64, String)> = conn
            .query_row(
                "SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (seq, prev) = match last {
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
        let mut stmt = self.conn().prepare(
            "SELECT seq, at, actor, action, item_sha256, details, prev_hash, hash FROM history
             WHERE ?1 IS NULL OR item_sha256 = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([item], |r| {
            let details: String = r.get(5)?;
            Ok(HistoryEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                item: r.get(4)?,
                details: serde_json::from_str(&details)
                    .unwrap_or(serde_json::Value::String(details)),
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Re-computes the chain; returns the problems found, first broken entry first.
    pub fn audit(&self) -> Result<Vec<AuditProblem>> {
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
