//! A read-only reader of MBTiles files: map tiles the user brings, in an SQLite database of
//! someone else's making (`tiles` with `zoom_level`, `tile_column`, `tile_row` in TMS order,
//! `tile_data`; `metadata` with `name`/`value`). It is not the catalogue and never writes:
//! the file is opened with `SQLITE_OPEN_READ_ONLY`, so a tile file on a write-protected stick
//! opens as well and nothing is ever logged. It lives here only because all SQL does
//! (`crate::tiles` is its one user and turns XYZ rows into TMS ones).

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

pub struct MbTiles {
    conn: Connection,
    path: PathBuf,
}

impl MbTiles {
    /// Opens `path` read-only and checks it has a `tiles` table (or view) to read.
    pub fn open(path: &Path) -> Result<MbTiles> {
        let bad =
            |e: rusqlite::Error| Error::file(format!("not a readable MBTiles file ({e})"), path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(bad)?;
        let has_tiles: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'tiles'
                 AND type IN ('table', 'view'))",
                [],
                |r| r.get(0),
            )
            .map_err(bad)?;
        if !has_tiles {
            return Err(Error::file(
                "not an MBTiles file (it has no tiles table)",
                path,
            ));
        }
        Ok(MbTiles {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The `metadata` table's rows (none when the file has no such table).
    pub fn metadata(&self) -> Result<Vec<(String, String)>> {
        let Ok(mut stmt) = self
            .conn
            .prepare("SELECT name, value FROM metadata WHERE name IS NOT NULL")
        else {
            return Ok(Vec::new());
        };
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                ))
            })
            .map_err(|e| self.bad(e))?;
        // A row that is not text (a number typed by some tool) is left out, not fatal.
        Ok(rows.flatten().collect())
    }

    /// The shallowest and deepest zoom levels that hold tiles.
    pub fn zoom_range(&self) -> Result<Option<(u8, u8)>> {
        let (lo, hi): (Option<i64>, Option<i64>) = self
            .conn
            .query_row(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles WHERE zoom_level >= 0",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.bad(e))?;
        Ok(match (lo, hi) {
            (Some(lo), Some(hi)) => Some((
                u8::try_from(lo).unwrap_or(u8::MAX),
                u8::try_from(hi).unwrap_or(u8::MAX),
            )),
            _ => None,
        })
    }

    /// The bytes of the tile at `z`, column `x`, TMS row `row` (counted from the south).
    pub fn tile(&self, z: u8, x: u32, row: u32) -> Result<Option<Vec<u8>>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT tile_data FROM tiles
                 WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3 LIMIT 1",
            )
            .map_err(|e| self.bad(e))?;
        stmt.query_row((z, x, row), |r| r.get::<_, Option<Vec<u8>>>(0))
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.bad(e))
    }

    fn bad(&self, e: rusqlite::Error) -> Error {
        Error::file(format!("cannot read the MBTiles file ({e})"), &self.path)
    }
}
