//! Settings of the library itself (not of the app): the home time zone, the tolerance
//! for camera clocks of the `date-mismatch` flag (`verify`), and the offline map tiles the
//! map draws under its markers (a path; `crate::tiles` reads it).
//!
//! The home zone decides where a capture time with a known offset sits on the timeline: its
//! wall-clock time in that zone at that date (`capture_home`), so a clip whose container states
//! UTC sits beside the photos its phone took in local time. The time as stated is never
//! changed; times without an offset are never shifted.

use super::{Catalog, Tx};
use crate::error::Result;
use rusqlite::{OptionalExtension, params};
use serde_json::json;

const HOME_ZONE: &str = "home_zone";
const CLOCK_TOLERANCE: &str = "clock_tolerance_h";
const TILE_SOURCE: &str = "tile_source";

/// The largest clock tolerance accepted, in hours (a year).
pub const MAX_CLOCK_TOLERANCE_H: f64 = 8784.0;

impl Catalog {
    /// How far, in hours, a capture time may lie outside its event date before the item is
    /// flagged `date-mismatch` (`verify::DEFAULT_CLOCK_TOLERANCE_H` when not set).
    pub fn clock_tolerance_h(&self) -> Result<f64> {
        clock_tolerance_h(self.conn())
    }

    /// The library's home time zone (an IANA name such as `Asia/Almaty`), if set.
    pub fn home_zone(&self) -> Result<Option<String>> {
        home_zone(self.conn())
    }

    /// The offline map tiles (a PMTiles or MBTiles file, or a z/x/y folder), if set.
    pub fn tile_source(&self) -> Result<Option<String>> {
        tile_source(self.conn())
    }
}

/// The value stored under `key` in the settings table, if any.
pub(super) fn setting(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Stores `value` under `key` in the settings table, or with `None` removes the key.
pub(super) fn put_setting(
    conn: &rusqlite::Connection,
    key: &str,
    value: Option<&str>,
) -> Result<()> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, v],
        )?,
        None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
    };
    Ok(())
}

fn tile_source(conn: &rusqlite::Connection) -> Result<Option<String>> {
    setting(conn, TILE_SOURCE)
}

fn clock_tolerance_h(conn: &rusqlite::Connection) -> Result<f64> {
    Ok(setting(conn, CLOCK_TOLERANCE)?
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|h| h.is_finite() && *h >= 0.0)
        .unwrap_or(crate::verify::DEFAULT_CLOCK_TOLERANCE_H))
}

fn home_zone(conn: &rusqlite::Connection) -> Result<Option<String>> {
    setting(conn, HOME_ZONE)
}

impl Tx<'_> {
    pub fn home_zone(&self) -> Result<Option<String>> {
        home_zone(self.conn())
    }

    /// Sets (or with `None` clears) the home time zone, re-placing every capture time with a
    /// known offset on the timeline, and records the change in the history.
    pub fn set_home_zone(&self, zone: Option<&str>) -> Result<()> {
        let zone = match zone {
            Some(z) => Some(crate::dates::parse_zone(z).map_err(crate::Error::invalid)?),
            None => None,
        };
        let old = self.home_zone()?;
        let new = zone.map(|z| z.name().to_string());
        if old == new {
            return Ok(());
        }
        put_setting(self.conn(), HOME_ZONE, new.as_deref())?;
        let rows: Vec<(i64, String, String)> = {
            let mut stmt = self.conn().prepare(
                "SELECT id, capture_local, capture_offset FROM items
                 WHERE capture_local IS NOT NULL AND capture_offset IS NOT NULL",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<std::result::Result<_, _>>()?
        };
        let mut update = self
            .conn()
            .prepare("UPDATE items SET capture_home = ?2 WHERE id = ?1")?;
        for (id, local, offset) in rows {
            let home = zone.and_then(|z| crate::dates::home_wall_time(z, &local, &offset));
            update.execute(params![id, home])?;
        }
        self.log(
            "settings",
            None,
            json!({ "home_zone": { "from": old, "to": new } }),
        )?;
        Ok(())
    }

    /// Sets the tolerance for camera clocks, in hours (0 to a year), and records the change
    /// in the history. The `date-mismatch` flag is computed when items are read, so it
    /// follows at once.
    pub fn set_clock_tolerance_h(&self, hours: f64) -> Result<()> {
        if !hours.is_finite() || !(0.0..=MAX_CLOCK_TOLERANCE_H).contains(&hours) {
            return Err(crate::Error::invalid(format!(
                "the clock tolerance is a number of hours from 0 to {MAX_CLOCK_TOLERANCE_H}, not {hours}"
            )));
        }
        let old = clock_tolerance_h(self.conn())?;
        if old == hours {
            return Ok(());
        }
        put_setting(self.conn(), CLOCK_TOLERANCE, Some(&hours.to_string()))?;
        self.log(
            "settings",
            None,
            json!({ "clock_tolerance_h": { "from": old, "to": hours } }),
        )?;
        Ok(())
    }

    /// Sets (or with `None` clears) the path of the offline map tiles, and records the change
    /// in the history. The path is kept as given (callers make it absolute); whether it opens
    /// is not checked here: a stick that is not plugged in now may be later.
    pub fn set_tile_source(&self, path: Option<&str>) -> Result<()> {
        let new = path.map(str::trim).filter(|p| !p.is_empty());
        let old = tile_source(self.conn())?;
        if old.as_deref() == new {
            return Ok(());
        }
        put_setting(self.conn(), TILE_SOURCE, new)?;
        self.log(
            "settings",
            None,
            json!({ "tile_source": { "from": old, "to": new } }),
        )?;
        Ok(())
    }

    /// The wall-clock time in the home zone of a capture time with an offset (for insert).
    pub(crate) fn capture_home(&self, local: &str, offset: Option<&str>) -> Result<Option<String>> {
        let (Some(offset), Some(zone)) = (offset, self.home_zone()?) else {
            return Ok(None);
        };
        let Ok(zone) = crate::dates::parse_zone(&zone) else {
            return Ok(None);
        };
        Ok(crate::dates::home_wall_time(zone, local, offset))
    }
}
