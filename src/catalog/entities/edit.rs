//! Changes to people and places that already exist: renaming (the old name kept as an alias),
//! merging one into another, removing an alias, and moving a place under another parent; each
//! recorded as its own history entry, the search index kept in step. Not responsible for
//! creating or finding entities (`entities.rs`).

use super::*;

impl Tx<'_> {
    /// Renames a person or place; the old name stays as an alias, so searches still find it.
    pub fn rename_entity(&self, kind: EntityKind, id: i64, new_name: &str) -> Result<()> {
        let new_name = clean_name(new_name)?;
        let old = self.name_by_id(kind, id)?;
        let sql = match kind {
            EntityKind::Person => "UPDATE people SET name = ?2 WHERE id = ?1",
            EntityKind::Place => "UPDATE places SET name = ?2 WHERE id = ?1",
        };
        if old == new_name {
            return Ok(());
        }
        let shas = self.items_showing(kind, id)?;
        self.conn().execute(sql, params![id, new_name])?;
        self.insert_alias(kind, id, &old)?;
        self.insert_alias(kind, id, &new_name)?;
        self.reindex_entity(kind, id)?;
        let details = serde_json::json!({"kind": kind.as_str(), "from": old, "to": new_name});
        self.log("rename", None, details.clone())?;
        // Every item that shows the name has it in its own history too.
        for sha in &shas {
            self.log("rename", Some(sha), details.clone())?;
        }
        Ok(())
    }

    /// The items whose row shows the entity's name: a person's items; a place's items and the
    /// items of every place inside it (their place path names it).
    fn items_showing(&self, kind: EntityKind, id: i64) -> Result<Vec<String>> {
        let sql = match kind {
            EntityKind::Person => {
                "SELECT i.sha256 FROM items i JOIN item_people ip ON ip.item_id = i.id WHERE ip.person_id = ?1 ORDER BY i.id"
            }
            EntityKind::Place => {
                "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id)
                 SELECT sha256 FROM items WHERE place_id IN (SELECT id FROM sub) ORDER BY id"
            }
        };
        let mut stmt = self.conn().prepare(sql)?;
        let v = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Merges `from` into `into`: every item that referred to `from` refers to `into`, its
    /// aliases (and for places, the places inside it) move over, and `from` is removed.
    /// Returns how many items changed.
    pub fn merge_entity(&self, kind: EntityKind, from: i64, into: i64) -> Result<usize> {
        if from == into {
            return Err(Error::invalid("cannot merge an entity into itself"));
        }
        let c = self.conn();
        // The items that refer to `from` (their history gets an entry each); for a place, also
        // the items of places inside it, whose place path changes.
        let shas: Vec<String> = match kind {
            EntityKind::Person => self.items_showing(kind, from)?,
            EntityKind::Place => {
                let mut stmt =
                    c.prepare("SELECT sha256 FROM items WHERE place_id = ?1 ORDER BY id")?;
                stmt.query_map([from], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            }
        };
        let inside: Vec<String> = match kind {
            EntityKind::Person => Vec::new(),
            EntityKind::Place => self
                .items_showing(kind, from)?
                .into_iter()
                .filter(|s| !shas.contains(s))
                .collect(),
        };
        let (from_name, into_name) = (self.name_by_id(kind, from)?, self.name_by_id(kind, into)?);
        match kind {
            EntityKind::Person => {
                c.execute(
                    "INSERT OR IGNORE INTO item_people (item_id, person_id) SELECT item_id, ?2 FROM item_people WHERE person_id = ?1",
                    params![from, into],
                )?;
                c.execute(
                    "INSERT OR IGNORE INTO person_aliases (person_id, alias, fold) SELECT ?2, alias, fold FROM person_aliases WHERE person_id = ?1",
                    params![from, into],
                )?;
                c.execute("DELETE FROM people WHERE id = ?1", [from])?;
            }
            EntityKind::Place => {
                let inside: bool = c.query_row(
                    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id)
                     SELECT EXISTS (SELECT 1 FROM sub WHERE id = ?2)",
                    params![from, into],
                    |r| r.get(0),
                )?;
                if inside {
                    return Err(Error::invalid(format!(
                        "{into_name} lies inside {from_name}; merge the other way round"
                    )));
                }
                c.execute(
                    "UPDATE items SET place_id = ?2 WHERE place_id = ?1",
                    params![from, into],
                )?;
                c.execute(
                    "UPDATE places SET parent_id = ?2 WHERE parent_id = ?1",
                    params![from, into],
                )?;
                c.execute(
                    "INSERT OR IGNORE INTO place_aliases (place_id, alias, fold) SELECT ?2, alias, fold FROM place_aliases WHERE place_id = ?1",
                    params![from, into],
                )?;
                c.execute("DELETE FROM places WHERE id = ?1", [from])?;
            }
        }
        self.log(
            "merge",
            None,
            serde_json::json!({"kind": kind.as_str(), "from": from_name, "into": into_name, "items": shas}),
        )?;
        for sha in shas.iter().chain(&inside) {
            self.log(
                "merge",
                Some(sha),
                serde_json::json!({"kind": kind.as_str(), "from": from_name, "into": into_name}),
            )?;
        }
        self.reindex_entity(kind, into)?;
        Ok(shas.len())
    }
}

impl Tx<'_> {
    /// Takes a name a person or place is found by away, recorded as an `alias-removed` entry.
    /// Its current name cannot be removed (rename it first); an alias it does not have changes
    /// nothing.
    pub fn remove_alias(&self, kind: EntityKind, id: i64, alias: &str) -> Result<()> {
        let alias = clean_name(alias)?;
        let name = self.entity_name_of(kind, id)?;
        if name == alias {
            return Err(Error::invalid(format!(
                "{alias:?} is the {}'s name; rename it before removing the alias",
                kind.as_str()
            )));
        }
        let sql = match kind {
            EntityKind::Person => "DELETE FROM person_aliases WHERE person_id = ?1 AND alias = ?2",
            EntityKind::Place => "DELETE FROM place_aliases WHERE place_id = ?1 AND alias = ?2",
        };
        if self.conn().execute(sql, params![id, alias])? == 0 {
            return Ok(());
        }
        self.reindex_entity(kind, id)?;
        self.log(
            "alias-removed",
            None,
            serde_json::json!({"kind": kind.as_str(), "name": name, "alias": alias}),
        )
    }

    /// Puts a place inside another (or, with `None`, at the top), recorded as a `parent`
    /// entry. A place cannot go inside itself or a place inside it.
    pub fn set_place_parent(&self, id: i64, parent: Option<i64>) -> Result<()> {
        let (name, old): (String, Option<i64>) = self.conn().query_row(
            "SELECT name, parent_id FROM places WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if old == parent {
            return Ok(());
        }
        let parent_name = match parent {
            None => None,
            Some(p) => {
                let inside: bool = self.conn().query_row(
                    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id)
                     SELECT EXISTS (SELECT 1 FROM sub WHERE id = ?2)",
                    params![id, p],
                    |r| r.get(0),
                )?;
                let parent_name = self.entity_name_of(EntityKind::Place, p)?;
                if inside {
                    return Err(Error::invalid(format!(
                        "{parent_name} lies inside {name}: a place cannot go inside itself"
                    )));
                }
                Some(parent_name)
            }
        };
        let old_name = old
            .map(|o| self.entity_name_of(EntityKind::Place, o))
            .transpose()?;
        self.conn().execute(
            "UPDATE places SET parent_id = ?2 WHERE id = ?1",
            params![id, parent],
        )?;
        self.reindex_entity(EntityKind::Place, id)?;
        self.log(
            "parent",
            None,
            serde_json::json!({"kind": "place", "name": name, "from": old_name, "to": parent_name}),
        )
    }

    /// `name_by_id`, with no such id an error that names it.
    fn entity_name_of(&self, kind: EntityKind, id: i64) -> Result<String> {
        self.name_by_id(kind, id)
            .optional()?
            .ok_or_else(|| Error::invalid(format!("no {} with id {id}", kind.as_str())))
    }
}
