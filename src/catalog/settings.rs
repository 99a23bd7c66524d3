//! Settings of the library itself (not of the app): the home time zone.
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

impl Catalog {
    /// The library's home time zone (an IANA name such as `Asia/Almaty`), if set.
    pub fn home_zone(&self) -> Result<Option<String>> {
        home_zone(self.conn())
    }
}

fn home_zone(conn: &rusqlite::Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [HOME_ZONE],
            |r| r.get(0),
        )
        .optional()?)
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
        match &new {
            Some(name) => self.conn().execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![HOME_ZONE, name],
            )?,
            None => self
                .conn()
                .execute("DELETE FROM settings WHERE key = ?1", [HOME_ZONE])?,
        };
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
