//! Undo of changes to people and places: their states by id (row, aliases, the items and
//! places that refer to them) and putting them back.

use super::*;

/// A person's or place's own row.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    pub name: String,
    pub parent: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub radius_m: Option<f64>,
    pub created_at: String,
}

/// A person or place and what refers to it, by ids. `row` is `None` when it does not exist
/// (merged away).
#[derive(Debug, Clone, PartialEq)]
pub struct EntityState {
    pub kind: EntityKind,
    pub id: i64,
    pub row: Option<EntityRow>,
    /// (alias, fold)
    pub aliases: BTreeSet<(String, String)>,
    /// The items that refer to it.
    pub items: BTreeSet<i64>,
    /// For a place, the places directly inside it.
    pub children: BTreeSet<i64>,
}

impl Tx<'_> {
    /// The states of these people or places (a missing one has no row).
    pub fn entity_states(&self, kind: EntityKind, ids: &[i64]) -> Result<Vec<EntityState>> {
        let c = self.conn();
        let mut out = Vec::new();
        for &id in ids {
            let (row_sql, alias_sql, items_sql) = match kind {
                EntityKind::Person => (
                    "SELECT name, NULL, NULL, NULL, created_at, NULL FROM people WHERE id = ?1",
                    "SELECT alias, fold FROM person_aliases WHERE person_id = ?1",
                    "SELECT item_id FROM item_people WHERE person_id = ?1",
                ),
                EntityKind::Place => (
                    "SELECT name, parent_id, lat, lon, created_at, radius_m FROM places WHERE id = ?1",
                    "SELECT alias, fold FROM place_aliases WHERE place_id = ?1",
                    "SELECT id FROM items WHERE place_id = ?1",
                ),
            };
            let row = c
                .query_row(row_sql, [id], |r| {
                    Ok(EntityRow {
                        name: r.get(0)?,
                        parent: r.get(1)?,
                        lat: r.get(2)?,
                        lon: r.get(3)?,
                        created_at: r.get(4)?,
                        radius_m: r.get(5)?,
                    })
                })
                .optional()?;
            let aliases = c
                .prepare_cached(alias_sql)?
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let items = c
                .prepare_cached(items_sql)?
                .query_map([id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let children = match kind {
                EntityKind::Person => BTreeSet::new(),
                EntityKind::Place => c
                    .prepare_cached("SELECT id FROM places WHERE parent_id = ?1")?
                    .query_map([id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?,
            };
            out.push(EntityState {
                kind,
                id,
                row,
                aliases,
                items,
                children,
            });
        }
        Ok(out)
    }

    /// Takes people or places from states `from` to states `to` (the same entities, in the
    /// same order): an entity merged away comes back with its id, aliases, items and the
    /// places inside it; a rename is taken back. Records one entry for the entities and one per
    /// item whose place or people changed. Returns the entities' entry seq.
    pub fn restore_entities(
        &self,
        from: &[EntityState],
        to: &[EntityState],
        why: Reverts,
    ) -> Result<Option<i64>> {
        let c = self.conn();
        let touched: Vec<i64> = from
            .iter()
            .zip(to)
            .flat_map(|(a, b)| a.items.symmetric_difference(&b.items).copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let items_before = self.item_states(&touched)?;
        let mut entities = Vec::new();
        // Entities that come back first, so that everything else can refer to them.
        for (a, b) in from.iter().zip(to) {
            debug_assert_eq!((a.kind, a.id), (b.kind, b.id));
            if let (None, Some(r)) = (&a.row, &b.row) {
                // SQLite hands the highest id plus one to a new row: an entity merged away
                // while it had the highest id may have lent its id to one created since.
                if let Some(other) = self.entity_name(b.kind, Some(b.id))? {
                    return Err(Error::invalid(format!(
                        "the {} {:?} cannot come back: its id now belongs to {other:?}",
                        b.kind.as_str(),
                        r.name
                    )));
                }
                match b.kind {
                    EntityKind::Person => c.execute(
                        "INSERT INTO people (id, name, created_at) VALUES (?1, ?2, ?3)",
                        params![b.id, r.name, r.created_at],
                    )?,
                    EntityKind::Place => c.execute(
                        "INSERT INTO places (id, name, parent_id, lat, lon, created_at, radius_m)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            b.id,
                            r.name,
                            r.parent,
                            r.lat,
                            r.lon,
                            r.created_at,
                            r.radius_m
                        ],
                    )?,
                };
            }
        }
        for (a, b) in from.iter().zip(to) {
            if let (Some(ra), Some(rb)) = (&a.row, &b.row)
                && ra != rb
            {
                match b.kind {
                    EntityKind::Person => c.execute(
                        "UPDATE people SET name = ?2 WHERE id = ?1",
                        params![b.id, rb.name],
                    )?,
                    EntityKind::Place => c.execute(
                        "UPDATE places SET name = ?2, parent_id = ?3, lat = ?4, lon = ?5, radius_m = ?6 WHERE id = ?1",
                        params![b.id, rb.name, rb.parent, rb.lat, rb.lon, rb.radius_m],
                    )?,
                };
            }
            let (del_alias, add_alias, add_item, del_item) = match b.kind {
                EntityKind::Person => (
                    "DELETE FROM person_aliases WHERE person_id = ?1 AND alias = ?2",
                    "INSERT OR IGNORE INTO person_aliases (person_id, alias, fold) VALUES (?1, ?2, ?3)",
                    "INSERT OR IGNORE INTO item_people (item_id, person_id) VALUES (?2, ?1)",
                    Some("DELETE FROM item_people WHERE item_id = ?2 AND person_id = ?1"),
                ),
                EntityKind::Place => (
                    "DELETE FROM place_aliases WHERE place_id = ?1 AND alias = ?2",
                    "INSERT OR IGNORE INTO place_aliases (place_id, alias, fold) VALUES (?1, ?2, ?3)",
                    "UPDATE items SET place_id = ?1 WHERE id = ?2",
                    None,
                ),
            };
            for (alias, _) in a.aliases.difference(&b.aliases) {
                c.execute(del_alias, params![b.id, alias])?;
            }
            if b.row.is_some() {
                for (alias, fold) in b.aliases.difference(&a.aliases) {
                    c.execute(add_alias, params![b.id, alias, fold])?;
                }
                for item in b.items.difference(&a.items) {
                    c.execute(add_item, params![b.id, item])?;
                }
                for child in b.children.difference(&a.children) {
                    c.execute(
                        "UPDATE places SET parent_id = ?1 WHERE id = ?2",
                        params![b.id, child],
                    )?;
                }
            }
            if let Some(sql) = del_item {
                for item in a.items.difference(&b.items) {
                    c.execute(sql, params![b.id, item])?;
                }
            }
            entities.push(json!({
                "kind": b.kind.as_str(),
                "id": b.id,
                "from": a.row.as_ref().map(|r| &r.name),
                "to": b.row.as_ref().map(|r| &r.name),
            }));
        }
        // Entities that go away last, once nothing refers to them.
        for (a, b) in from.iter().zip(to) {
            if let (Some(_), None) = (&a.row, &b.row) {
                // Something that came to refer to it since (an item tagged with a place
                // created, then its creation undone) keeps it.
                let used = match b.kind {
                    EntityKind::Person => {
                        "SELECT (SELECT count(*) FROM item_people WHERE person_id = ?1)"
                    }
                    EntityKind::Place => {
                        "SELECT (SELECT count(*) FROM items WHERE place_id = ?1)
                              + (SELECT count(*) FROM places WHERE parent_id = ?1)"
                    }
                };
                let n: i64 = c.query_row(used, [b.id], |r| r.get(0))?;
                if n > 0 {
                    return Err(Error::invalid(format!(
                        "the {} {:?} is in use, so it cannot be taken away",
                        b.kind.as_str(),
                        a.row.as_ref().map(|r| r.name.as_str()).unwrap_or_default()
                    )));
                }
                let sql = match b.kind {
                    EntityKind::Person => "DELETE FROM people WHERE id = ?1",
                    EntityKind::Place => "DELETE FROM places WHERE id = ?1",
                };
                c.execute(sql, [b.id])?;
            }
        }
        self.reindex_restored(to, &touched)?;
        let mut details = why.details();
        details.insert("entities".into(), Value::Array(entities));
        details.insert(
            "items".into(),
            json!(
                items_before
                    .values()
                    .map(|s| s.sha256.as_str())
                    .collect::<Vec<_>>()
            ),
        );
        self.log(why.action(), None, Value::Object(details))?;
        let seq = self.history_seq()?;
        let items_after = self.item_states(&touched)?;
        for (id, before) in &items_before {
            self.log_item_change(before, &items_after[id], why)?;
        }
        Ok(Some(seq))
    }
}
