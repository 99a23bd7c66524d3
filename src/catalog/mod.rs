//! The catalogue: the SQLite database that is the source of truth about every item.
//!
//! All SQL lives under this module, one file per aggregate (items, entities, history), always
//! with bound parameters. It is not responsible for the files on disk (see `vault`) nor for
//! reading photos (see `ingest`).
//!
//! Writers: several connections may write (the app's catalogue thread, an import, a command
//! run beside the app). `Catalog::write` serialises them: it takes SQLite's write lock at
//! `BEGIN IMMEDIATE` (waiting up to `busy_timeout` for another writer), and each history entry
//! reads the previous entry's hash and appends inside that same transaction, so the chain stays
//! linear whoever writes.

mod entities;
mod history;
mod items;
pub mod mbtiles;
mod migrations;
mod provenance;
mod review;
mod search;
mod settings;
mod undo;

pub use entities::{EntityKind, PlaceNode};
pub use history::{AuditProblem, HistoryEntry};
pub use items::{
    CREATORS_JOINED_BY, Camera, Filter, Gps, ItemRow, ItemSummary, NewItem, REVIEW_STATUSES,
    TagChange,
};
pub use migrations::MIGRATIONS;
pub use review::{Note, Redaction};
pub use search::fts_query;
pub use undo::{EntityState, Field, ItemState, Reverts};

use crate::error::Result;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// The page size of a new catalogue file (see `Catalog::setup`).
const PAGE_SIZE: i64 = 16384;

pub struct Catalog {
    conn: Connection,
    /// Where the last history entry's sequence number and hash are written after each commit,
    /// so that entries deleted from the end of the log are detectable (None in memory).
    head_path: Option<std::path::PathBuf>,
}

impl Catalog {
    /// Opens (creating if needed) the catalogue at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Catalog> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut cat = Self::setup(conn)?;
        cat.head_path = path.parent().map(|d| d.join("history.head"));
        Ok(cat)
    }

    /// A private in-memory catalogue, for tests.
    pub fn open_in_memory() -> Result<Catalog> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Catalog> {
        conn.busy_timeout(Duration::from_secs(10))?;
        // A new catalogue gets 16 KiB pages (SQLite's default is 4): opening reads every item's
        // summary, and after years of imports a table's pages lie scattered through the file; a
        // cold page cache then pays per page read (2.9 s to open 100 000 items with 4 KiB pages,
        // 1.4 s with 16 KiB). It only takes effect before the first table is made: an existing
        // catalogue keeps its page size.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut cat = Catalog {
            conn,
            head_path: None,
        };
        cat.migrate()?;
        cat.ensure_search_index()?;
        Ok(cat)
    }

    fn migrate(&mut self) -> Result<()> {
        // Every connection opens through here (workers' readers too): when the schema is
        // current, take no write lock at all.
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current as usize == MIGRATIONS.len() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: usize =
            tx.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
        if version > MIGRATIONS.len() {
            return Err(crate::Error::invalid(format!(
                "this catalogue was written by a newer Kadr (schema {version}, this build knows {})",
                MIGRATIONS.len()
            )));
        }
        for sql in &MIGRATIONS[version..] {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
        tx.commit()?;
        Ok(())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `f` in one immediate transaction; everything or nothing is written.
    /// `actor` is who the history records as making the changes.
    ///
    /// Every write method of `Tx` appends its own history entry. As a last fence, a transaction
    /// that changed rows but appended no entry is rolled back with an error: a change without a
    /// history entry is a bug, never something to commit.
    pub fn write<T>(&mut self, actor: &str, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let changes_before = tx.total_changes();
        let head_before = history::head(&tx)?.map(|h| h.0);
        let out = f(&Tx { tx: &tx, actor })?;
        if tx.total_changes() != changes_before && history::head(&tx)?.map(|h| h.0) == head_before {
            return Err(crate::Error::invalid(
                "a catalogue change without a history entry was refused (a bug in Kadr)",
            ));
        }
        tx.commit()?;
        self.write_head();
        Ok(out)
    }

    /// The connection, for this module's own files only: SQL lives here, and writes go through
    /// `write` so that the history records them.
    fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Records the newest history entry outside the database (best effort: the audit treats a
    /// missing file as "no anchor", never as damage).
    fn write_head(&self) {
        let Some(path) = &self.head_path else { return };
        let Ok(Some((seq, hash))) = self.history_head() else {
            return;
        };
        if let Ok(Some((old, _))) = history::read_head(path)
            && old > seq
        {
            return; // another writer got further; never move the anchor back
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, format!("{seq} {hash}\n")).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}

/// What `Catalog::compact` did: the file's size and page size before and after.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Compacted {
    pub bytes_before: i64,
    pub bytes_after: i64,
    pub page_size_before: i64,
    pub page_size_after: i64,
}

impl Catalog {
    /// Rewrites the catalogue file with each table's pages together and in 16 KiB pages
    /// (`kadr compact`): after years of imports, where every file is its own commit, a table's
    /// pages lie scattered and opening with a cold page cache pays a read per page. SQLite's
    /// VACUUM copies every row as it is (no value, id or history entry changes; the history
    /// records nothing, since no fact changed) and is itself a transaction: a crash leaves the
    /// old file. It needs the catalogue to itself: with the app or another command open on it,
    /// it refuses.
    pub fn compact(&mut self) -> Result<Compacted> {
        let size = |c: &Connection| -> Result<(i64, i64)> {
            let ps: i64 = c.pragma_query_value(None, "page_size", |r| r.get(0))?;
            let n: i64 = c.pragma_query_value(None, "page_count", |r| r.get(0))?;
            Ok((ps, ps * n))
        };
        const BUSY: &str = "the catalogue is open elsewhere (close the app and other kadr commands on this library first)";
        let busy = |e: rusqlite::Error| crate::Error::invalid(format!("{BUSY}: {e}"));
        // The page size changes only outside WAL mode, and leaving it needs the file to itself.
        self.conn
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .map_err(busy)?;
        let (page_size_before, bytes_before) = size(&self.conn)?;
        let mode: String = self
            .conn
            .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))
            .map_err(busy)?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(crate::Error::invalid(BUSY));
        }
        let vacuum = self
            .conn
            .pragma_update(None, "page_size", PAGE_SIZE)
            .and_then(|_| self.conn.execute_batch("VACUUM"));
        let back: rusqlite::Result<String> =
            self.conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0));
        vacuum?;
        back?;
        let (page_size_after, bytes_after) = size(&self.conn)?;
        Ok(Compacted {
            bytes_before,
            bytes_after,
            page_size_before,
            page_size_after,
        })
    }
}

/// A write transaction. Every change made through it is recorded in the history.
pub struct Tx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    actor: &'a str,
}

impl Tx<'_> {
    /// The transaction's connection, for this module's files only: outside `catalog`, a change
    /// can only be made through a `Tx` method, and each of those records its history entry.
    fn conn(&self) -> &Connection {
        self.tx
    }
}

/// The current time as stored: RFC 3339 UTC with seconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_catalogues_have_large_pages_and_old_ones_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |c: &Catalog| -> i64 {
            c.conn
                .pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap()
        };
        let fresh = Catalog::open(&dir.path().join("new.sqlite")).unwrap();
        assert_eq!(page_size(&fresh), PAGE_SIZE);

        // A catalogue made with SQLite's default pages, as every library before this one was.
        let old = dir.path().join("old.sqlite");
        {
            let conn = Connection::open(&old).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            conn.execute_batch("CREATE TABLE before (x TEXT); INSERT INTO before VALUES ('kept');")
                .unwrap();
            let ps: i64 = conn
                .pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap();
            assert_eq!(ps, 4096);
        }
        let reopened = Catalog::open(&old).unwrap();
        assert_eq!(page_size(&reopened), 4096);
        let kept: String = reopened
            .conn
            .query_row("SELECT x FROM before", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "kept");
        drop(reopened);
        assert_eq!(page_size(&Catalog::open(&old).unwrap()), 4096);
    }

    #[test]
    fn compacting_moves_an_old_catalogue_to_large_pages_and_changes_no_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.sqlite");
        {
            // A catalogue as libraries before 16 KiB pages were made.
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "page_size", 4096).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        }
        let mut cat = Catalog::open(&path).unwrap();
        let ids = cat
            .write("t", |tx| {
                (0..300)
                    .map(|i| {
                        tx.insert_item(&NewItem {
                            sha256: format!("{i:064x}"),
                            original_name: format!("Алматы {i}.jpg"),
                            source_path: format!("/src/{i}.jpg"),
                            stored_path: format!("originals/{i}.jpg"),
                            size: i,
                            format: "jpeg".into(),
                            ..Default::default()
                        })
                    })
                    .collect::<Result<Vec<i64>>>()
            })
            .unwrap();
        let dump = |c: &Catalog| -> Vec<String> {
            let mut out = Vec::new();
            for table in ["items", "history", "item_paths", "search_index"] {
                let mut stmt = c
                    .conn
                    .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
                    .unwrap();
                let n = stmt.column_count();
                let mut rows = stmt.query([]).unwrap();
                while let Some(r) = rows.next().unwrap() {
                    let cells: Vec<String> = (0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect();
                    out.push(format!("{table}: {}", cells.join(" | ")));
                }
            }
            out
        };
        let before = dump(&cat);
        let head = cat.history_head().unwrap();
        let done = cat.compact().unwrap();
        assert_eq!(
            (done.page_size_before, done.page_size_after),
            (4096, PAGE_SIZE)
        );
        assert!(done.bytes_after > 0);
        assert_eq!(dump(&cat), before, "a row changed");
        assert_eq!(cat.history_head().unwrap(), head, "the history moved");
        assert_eq!(cat.search_ids("алматы").unwrap().len(), ids.len());
        // Back in WAL mode, and writable as before.
        let mode: String = cat
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(cat);
        let again = Catalog::open(&path).unwrap();
        assert_eq!(dump(&again), before);

        // With another connection open on it, it refuses and leaves the file as it was.
        let mut a = Catalog::open(&path).unwrap();
        let b = Catalog::open(&path).unwrap();
        let _reading: i64 = b
            .conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
            .unwrap();
        let refused = a.compact();
        assert!(refused.is_err(), "{refused:?}");
        drop((a, b));
        assert_eq!(dump(&Catalog::open(&path).unwrap()), before);
    }
}
