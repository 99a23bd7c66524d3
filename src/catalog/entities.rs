//! People, places and keywords: entities with a name and aliases in any script.
//!
//! Items refer to them by id, so renaming or merging an entity changes every item at once.
//! Lookup goes through `text::fold`, so «Мамай» finds the person entered as "Mamay".
//!
//! This file creates, finds and lists entities; `entities/edit.rs` renames, merges and moves
//! them.

mod edit;

use super::settings::{put_setting, setting};
use super::{Catalog, Tx, now};
use crate::error::{Error, Result};
use crate::text::fold;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Place,
}

/// A place with its ancestors, outermost first.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceNode {
    pub id: i64,
    pub name: String,
    pub path: Vec<String>,
    pub aliases: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// How large the place is, in metres (`None`: `geo::DEFAULT_PLACE_RADIUS_M`).
    pub radius_m: Option<f64>,
}

/// Whether a write method records its own history entry, or is a step of one that does (a
/// person created while tagging an item is recorded by the item's `tag` entry).
#[derive(Clone, Copy, PartialEq)]
enum Record {
    Own,
    ByCaller,
}

impl Tx<'_> {
    /// Finds a person by name or alias (any script), creating one if there is none; a new
    /// person is recorded as a `created` entry.
    pub fn person(&self, name: &str) -> Result<i64> {
        self.find_or_add_person(name, Record::Own)
    }

    /// `person`, for a change to an item whose own entry names the person.
    pub(super) fn person_for_item(&self, name: &str) -> Result<i64> {
        self.find_or_add_person(name, Record::ByCaller)
    }

    fn find_or_add_person(&self, name: &str, record: Record) -> Result<i64> {
        let name = clean_name(name)?;
        if let Some(id) = self.find(EntityKind::Person, &name)? {
            return Ok(id);
        }
        let id = self.next_entity_id(EntityKind::Person)?;
        self.conn().execute(
            "INSERT INTO people (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![id, name, now()],
        )?;
        self.insert_alias(EntityKind::Person, id, &name)?;
        if record == Record::Own {
            self.log(
                "created",
                None,
                serde_json::json!({"kind": "person", "name": name}),
            )?;
        }
        Ok(id)
    }

    /// Finds a place; `Алматы > Площадь Республики` names a place under its parent and creates
    /// what is missing along the path, each new place recorded as a `created` entry.
    pub fn place(&self, path: &str) -> Result<i64> {
        self.find_or_add_place(path, Record::Own)
    }

    /// `place`, for a change to an item whose own entry names the place.
    pub(super) fn place_for_item(&self, path: &str) -> Result<i64> {
        self.find_or_add_place(path, Record::ByCaller)
    }

    fn find_or_add_place(&self, path: &str, record: Record) -> Result<i64> {
        let mut parent: Option<i64> = None;
        let mut names: Vec<String> = Vec::new();
        let parts: Vec<&str> = path.split('>').map(str::trim).collect();
        for (i, part) in parts.iter().enumerate() {
            let name = clean_name(part)?;
            names.push(name.clone());
            let found = if i == 0 && parts.len() == 1 {
                self.find(EntityKind::Place, &name)?
            } else {
                self.find_place_under(&name, parent)?
            };
            parent = Some(match found {
                Some(id) => id,
                None => {
                    let id = self.next_entity_id(EntityKind::Place)?;
                    self.conn().execute(
                        "INSERT INTO places (id, name, parent_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![id, name, parent, now()],
                    )?;
                    self.insert_alias(EntityKind::Place, id, &name)?;
                    if record == Record::Own {
                        self.log(
                            "created",
                            None,
                            serde_json::json!({"kind": "place", "name": name, "path": names}),
                        )?;
                    }
                    id
                }
            });
        }
        parent.ok_or_else(|| Error::invalid("empty place name"))
    }

    /// Sets a place's coordinates, recorded as a `coordinates` entry when they change.
    pub fn set_place_coordinates(&self, id: i64, lat: Option<f64>, lon: Option<f64>) -> Result<()> {
        let (name, old_lat, old_lon): (String, Option<f64>, Option<f64>) = self.conn().query_row(
            "SELECT name, lat, lon FROM places WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if (old_lat, old_lon) == (lat, lon) {
            return Ok(());
        }
        self.conn().execute(
            "UPDATE places SET lat = ?2, lon = ?3 WHERE id = ?1",
            params![id, lat, lon],
        )?;
        self.log(
            "coordinates",
            None,
            serde_json::json!({
                "kind": "place",
                "name": name,
                "from": {"lat": old_lat, "lon": old_lon},
                "to": {"lat": lat, "lon": lon},
            }),
        )
    }

    /// Sets a place's coordinates and radius (`None`: the default, 2 km), recorded as a
    /// `coordinates` entry when either changes.
    pub fn locate_place(
        &self,
        id: i64,
        at: crate::geo::LatLon,
        radius_m: Option<f64>,
    ) -> Result<()> {
        if radius_m.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
            return Err(Error::invalid(
                "a place's radius must be more than 0 metres",
            ));
        }
        let (name, old_lat, old_lon, old_radius): (String, Option<f64>, Option<f64>, Option<f64>) =
            self.conn().query_row(
                "SELECT name, lat, lon, radius_m FROM places WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        if (old_lat, old_lon, old_radius) == (Some(at.lat), Some(at.lon), radius_m) {
            return Ok(());
        }
        self.conn().execute(
            "UPDATE places SET lat = ?2, lon = ?3, radius_m = ?4 WHERE id = ?1",
            params![id, at.lat, at.lon, radius_m],
        )?;
        self.log(
            "coordinates",
            None,
            serde_json::json!({
                "kind": "place",
                "name": name,
                "from": {"lat": old_lat, "lon": old_lon, "radius_m": old_radius},
                "to": {"lat": at.lat, "lon": at.lon, "radius_m": radius_m},
            }),
        )
    }

    /// Gives a person or place another name it is found by, recorded as an `alias` entry
    /// (an alias it already has changes nothing).
    pub fn add_alias(&self, kind: EntityKind, id: i64, alias: &str) -> Result<()> {
        if !self.insert_alias(kind, id, alias)? {
            return Ok(());
        }
        self.reindex_entity(kind, id)?;
        let name = self.name_by_id(kind, id)?;
        self.log(
            "alias",
            None,
            serde_json::json!({"kind": kind.as_str(), "name": name, "alias": clean_name(alias)?}),
        )
    }

    /// The row of `add_alias`, for write methods whose own entry covers it; whether it was new.
    fn insert_alias(&self, kind: EntityKind, id: i64, alias: &str) -> Result<bool> {
        let alias = clean_name(alias)?;
        let sql = match kind {
            EntityKind::Person => {
                "INSERT OR IGNORE INTO person_aliases (person_id, alias, fold) VALUES (?1, ?2, ?3)"
            }
            EntityKind::Place => {
                "INSERT OR IGNORE INTO place_aliases (place_id, alias, fold) VALUES (?1, ?2, ?3)"
            }
        };
        Ok(self.conn().execute(sql, params![id, alias, fold(&alias)])? > 0)
    }

    /// Finds a keyword, creating it if needed, for a change to an item whose own entry names
    /// it (a keyword exists only to be on items).
    pub(super) fn keyword_for_item(&self, word: &str) -> Result<i64> {
        let word = clean_name(word)?;
        let f = fold(&word);
        let found: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM keywords WHERE fold = ?1 ORDER BY id LIMIT 1",
                [&f],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = found {
            return Ok(id);
        }
        self.conn().execute(
            "INSERT INTO keywords (word, fold) VALUES (?1, ?2)",
            params![word, f],
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    /// A person's or place's current name; no such id is SQLite's "no rows" error.
    pub(super) fn name_by_id(&self, kind: EntityKind, id: i64) -> rusqlite::Result<String> {
        let sql = match kind {
            EntityKind::Person => "SELECT name FROM people WHERE id = ?1",
            EntityKind::Place => "SELECT name FROM places WHERE id = ?1",
        };
        self.conn().query_row(sql, [id], |r| r.get(0))
    }

    fn find(&self, kind: EntityKind, name: &str) -> Result<Option<i64>> {
        find(self.conn(), kind, name)
    }

    fn find_place_under(&self, name: &str, parent: Option<i64>) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT p.id FROM places p JOIN place_aliases a ON a.place_id = p.id
                 WHERE a.fold = ?1 AND p.parent_id IS ?2 ORDER BY p.id LIMIT 1",
                params![fold(name), parent],
                |r| r.get(0),
            )
            .optional()?)
    }
}

pub(super) fn find(
    conn: &rusqlite::Connection,
    kind: EntityKind,
    name: &str,
) -> Result<Option<i64>> {
    let sql = match kind {
        EntityKind::Person => {
            "SELECT person_id FROM person_aliases WHERE fold = ?1 ORDER BY person_id LIMIT 1"
        }
        EntityKind::Place => {
            "SELECT place_id FROM place_aliases WHERE fold = ?1 ORDER BY place_id LIMIT 1"
        }
    };
    Ok(conn.query_row(sql, [fold(name)], |r| r.get(0)).optional()?)
}

fn clean_name(name: &str) -> Result<String> {
    let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Error::invalid("a name cannot be empty"));
    }
    Ok(name)
}

impl Catalog {
    /// The id of the person or place called `name` (or with that alias), if any.
    pub fn find_entity(&self, kind: EntityKind, name: &str) -> Result<Option<i64>> {
        find(self.conn(), kind, name)
    }

    /// A place and every place under it.
    pub fn place_and_descendants(&self, id: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare(
            "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id)
             SELECT id FROM sub",
        )?;
        let ids = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        Ok(ids)
    }

    /// Every place with its path from the outermost ancestor, sorted by path.
    pub fn places(&self) -> Result<Vec<PlaceNode>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, name, parent_id, lat, lon, radius_m FROM places")?;
        type PlaceRow = (
            i64,
            String,
            Option<i64>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
        );
        let rows: Vec<PlaceRow> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let by_id: std::collections::HashMap<i64, (&str, Option<i64>)> = rows
            .iter()
            .map(|(id, n, p, _, _, _)| (*id, (n.as_str(), *p)))
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, _, lat, lon, radius_m) in &rows {
            let mut path = Vec::new();
            let mut cur = Some(*id);
            while let Some(c) = cur {
                let Some((n, p)) = by_id.get(&c) else { break };
                path.push(n.to_string());
                cur = *p;
                if path.len() > 64 {
                    break; // a cycle written behind our back; do not loop forever
                }
            }
            path.reverse();
            out.push(PlaceNode {
                id: *id,
                name: name.clone(),
                path,
                aliases: self.aliases(EntityKind::Place, *id)?,
                lat: *lat,
                lon: *lon,
                radius_m: *radius_m,
            });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Every person: id, name, aliases; sorted by name.
    pub fn people(&self) -> Result<Vec<(i64, String, Vec<String>)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, name FROM people ORDER BY name")?;
        let rows: Vec<(i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, name)| Ok((id, name, self.aliases(EntityKind::Person, id)?)))
            .collect()
    }

    pub fn aliases(&self, kind: EntityKind, id: i64) -> Result<Vec<String>> {
        let sql = match kind {
            EntityKind::Person => {
                "SELECT alias FROM person_aliases WHERE person_id = ?1 ORDER BY alias"
            }
            EntityKind::Place => {
                "SELECT alias FROM place_aliases WHERE place_id = ?1 ORDER BY alias"
            }
        };
        let mut stmt = self.conn().prepare_cached(sql)?;
        let v = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Place => "place",
        }
    }
}

impl Tx<'_> {
    /// The id a new person or place gets: past every id ever given, so a person or place merged
    /// away keeps its id to itself and an undo of the merge brings it back as it was. SQLite
    /// would otherwise hand the highest id freed by a merge to the next entity created. The
    /// high-water mark lives in the settings table.
    fn next_entity_id(&self, kind: EntityKind) -> Result<i64> {
        let (key, sql) = match kind {
            EntityKind::Person => ("people_last_id", "SELECT coalesce(max(id), 0) FROM people"),
            EntityKind::Place => ("places_last_id", "SELECT coalesce(max(id), 0) FROM places"),
        };
        let max: i64 = self.conn().query_row(sql, [], |r| r.get(0))?;
        let high: i64 = setting(self.conn(), key)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let id = max.max(high) + 1;
        put_setting(self.conn(), key, Some(&id.to_string()))?;
        Ok(id)
    }
}

impl Tx<'_> {
    /// Finds the place called `name` directly under `parent` (any alias, any script), creating
    /// it if there is none, recorded as a `created` entry.
    pub fn place_under(&self, name: &str, parent: Option<i64>) -> Result<i64> {
        let name = clean_name(name)?;
        if name.contains('>') {
            return Err(Error::invalid("a place's name cannot contain '>'"));
        }
        if let Some(id) = self.find_place_under(&name, parent)? {
            return Ok(id);
        }
        let mut path = match parent {
            Some(p) => self.place_path(p)?,
            None => Vec::new(),
        };
        path.push(name.clone());
        let id = self.next_entity_id(EntityKind::Place)?;
        self.conn().execute(
            "INSERT INTO places (id, name, parent_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, parent, now()],
        )?;
        self.insert_alias(EntityKind::Place, id, &name)?;
        self.log(
            "created",
            None,
            serde_json::json!({"kind": "place", "name": name, "path": path}),
        )?;
        Ok(id)
    }

    /// A place's names from the outermost ancestor down to itself.
    fn place_path(&self, id: i64) -> Result<Vec<String>> {
        let mut path = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let (n, p): (String, Option<i64>) = self.conn().query_row(
                "SELECT name, parent_id FROM places WHERE id = ?1",
                [c],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            path.push(n);
            cur = p;
            if path.len() > 64 {
                break;
            }
        }
        path.reverse();
        Ok(path)
    }
}

impl Catalog {
    /// How many items refer to each person or place directly (a place's count leaves out the
    /// places inside it), by id; one with none is missing.
    pub fn item_counts(&self, kind: EntityKind) -> Result<std::collections::HashMap<i64, usize>> {
        let sql = match kind {
            EntityKind::Person => "SELECT person_id, count(*) FROM item_people GROUP BY person_id",
            EntityKind::Place => {
                "SELECT place_id, count(*) FROM items WHERE place_id IS NOT NULL GROUP BY place_id"
            }
        };
        let mut stmt = self.conn().prepare(sql)?;
        let v = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as usize))
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }
}
