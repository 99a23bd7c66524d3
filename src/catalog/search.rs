//! Full-text search: one FTS5 row per item over its searchable text folded to skeletons.
//!
//! Each item's caption, people (names and every alias), place (with every place it lies in,
//! names and aliases), keywords, file names, notes, source, credit and creator are folded by
//! `text::skeleton` and written to the `search_index` FTS5 table (rowid = item id) in the same
//! transaction as the change that made them. A query is folded the same way and each of its
//! words is matched as a prefix, so «Мамай», "Mamay" and "mamai" find the same items and
//! `выступ` finds «Выступление». Never a scan over every row.
//!
//! The write methods call `reindex_item` or `reindex_entity` once they have changed searchable
//! text; `Catalog::reindex` rebuilds everything, and a catalogue whose index was built by
//! another `text::SKELETON_VERSION` (or never) is rebuilt on open. This module is not
//! responsible for filters (see `items::Filter`) nor for what the app shows.

use super::{Catalog, EntityKind, Filter, ItemRow, Tx};
use crate::error::Result;
use crate::ids::IdSet;
use crate::text::{SKELETON_VERSION, skeleton};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};

/// The index table, as migration 4 creates it and `reindex` re-creates it.
pub(super) const INDEX_DDL: &str = "CREATE VIRTUAL TABLE search_index USING fts5(
    caption, people, places, keywords, files, notes, sources,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);";

/// BM25 weights of the columns above, in order: who and where count most.
const RANK: &str = "bm25(search_index, 1.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.5)";

/// What one item contributes to the index: skeleton words per column, each word once.
#[derive(Debug, Default)]
struct Doc {
    caption: Words,
    people: Words,
    places: Words,
    keywords: Words,
    files: Words,
    notes: Words,
    sources: Words,
}

#[derive(Debug, Default)]
struct Words {
    text: String,
    seen: HashSet<String>,
}

impl Words {
    fn add(&mut self, raw: &str) {
        for w in skeleton(raw).split(' ').filter(|w| !w.is_empty()) {
            if self.seen.insert(w.to_string()) {
                if !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.text.push_str(w);
            }
        }
    }
}

/// The last part of a path, whichever separator it uses.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The FTS5 query for what the user typed: every skeleton word as a prefix, all required.
/// None when nothing searchable was typed.
pub fn fts_query(typed: &str) -> Option<String> {
    let words: Vec<String> = skeleton(typed)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn write_doc(conn: &Connection, id: i64, doc: &Doc) -> Result<()> {
    conn.prepare_cached("DELETE FROM search_index WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached(
        "INSERT INTO search_index (rowid, caption, people, places, keywords, files, notes, sources)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        doc.caption.text,
        doc.people.text,
        doc.places.text,
        doc.keywords.text,
        doc.files.text,
        doc.notes.text,
        doc.sources.text,
    ])?;
    Ok(())
}

/// One item's document, read with a handful of indexed queries.
fn item_doc(conn: &Connection, id: i64) -> Result<Option<Doc>> {
    type Head = (
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let head: Option<Head> = conn
        .prepare_cached(
            "SELECT caption, original_name, source, credit, place_id, creator FROM items WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()?;
    let Some((caption, name, source, credit, place, creator)) = head else {
        return Ok(None);
    };
    let mut doc = Doc::default();
    doc.caption.add(caption.as_deref().unwrap_or(""));
    doc.files.add(&name);
    doc.sources.add(source.as_deref().unwrap_or(""));
    doc.sources.add(credit.as_deref().unwrap_or(""));
    doc.sources.add(creator.as_deref().unwrap_or(""));
    let each = |sql: &str, id: i64, f: &mut dyn FnMut(String)| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            f(r.get(0)?);
        }
        Ok(())
    };
    each(
        "SELECT path FROM item_paths WHERE item_id = ?1",
        id,
        &mut |p| doc.files.add(file_name(&p)),
    )?;
    each(
        "SELECT p.name FROM item_people ip JOIN people p ON p.id = ip.person_id WHERE ip.item_id = ?1
         UNION ALL
         SELECT a.alias FROM item_people ip JOIN person_aliases a ON a.person_id = ip.person_id
         WHERE ip.item_id = ?1",
        id,
        &mut |s| doc.people.add(&s),
    )?;
    if let Some(place) = place {
        each(
            "WITH RECURSIVE up(id, depth) AS (
                SELECT ?1, 0
                UNION SELECT p.parent_id, up.depth + 1 FROM places p JOIN up ON p.id = up.id
                WHERE p.parent_id IS NOT NULL AND up.depth < 64)
             SELECT p.name FROM up JOIN places p ON p.id = up.id
             UNION ALL
             SELECT a.alias FROM up JOIN place_aliases a ON a.place_id = up.id",
            place,
            &mut |s| doc.places.add(&s),
        )?;
    }
    each(
        "SELECT k.word FROM item_keywords ik JOIN keywords k ON k.id = ik.keyword_id WHERE ik.item_id = ?1",
        id,
        &mut |s| doc.keywords.add(&s),
    )?;
    each(
        "SELECT body FROM notes WHERE item_id = ?1 ORDER BY id",
        id,
        &mut |s| doc.notes.add(&s),
    )?;
    Ok(Some(doc))
}

/// Every item's document, read table by table (for a rebuild).
fn all_docs(conn: &Connection) -> Result<Vec<(i64, Doc)>> {
    let pairs = |sql: &str| -> Result<Vec<(i64, String)>> {
        let mut stmt = conn.prepare(sql)?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    };
    let group = |v: Vec<(i64, String)>| {
        let mut m: HashMap<i64, Vec<String>> = HashMap::new();
        for (k, s) in v {
            m.entry(k).or_default().push(s);
        }
        m
    };
    let person_names = group(pairs(
        "SELECT id, name FROM people UNION ALL SELECT person_id, alias FROM person_aliases",
    )?);
    let place_names = group(pairs(
        "SELECT id, name FROM places UNION ALL SELECT place_id, alias FROM place_aliases",
    )?);
    let parents: HashMap<i64, i64> = {
        let mut stmt =
            conn.prepare("SELECT id, parent_id FROM places WHERE parent_id IS NOT NULL")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let paths = group(pairs("SELECT item_id, path FROM item_paths")?);
    let people = {
        let mut stmt = conn.prepare("SELECT item_id, person_id FROM item_people")?;
        let v: Vec<(i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut m: HashMap<i64, Vec<i64>> = HashMap::new();
        for (item, person) in v {
            m.entry(item).or_default().push(person);
        }
        m
    };
    let keywords = group(pairs(
        "SELECT ik.item_id, k.word FROM item_keywords ik JOIN keywords k ON k.id = ik.keyword_id",
    )?);
    let notes = group(pairs("SELECT item_id, body FROM notes ORDER BY id")?);
    let mut stmt = conn.prepare(
        "SELECT id, caption, original_name, source, credit, place_id, creator FROM items",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let none = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let mut doc = Doc::default();
        doc.caption
            .add(&r.get::<_, Option<String>>(1)?.unwrap_or_default());
        doc.files.add(&r.get::<_, String>(2)?);
        doc.sources
            .add(&r.get::<_, Option<String>>(3)?.unwrap_or_default());
        doc.sources
            .add(&r.get::<_, Option<String>>(4)?.unwrap_or_default());
        doc.sources
            .add(&r.get::<_, Option<String>>(6)?.unwrap_or_default());
        for p in paths.get(&id).unwrap_or(&none) {
            doc.files.add(file_name(p));
        }
        for pid in people.get(&id).map(Vec::as_slice).unwrap_or(&[]) {
            for s in person_names.get(pid).unwrap_or(&none) {
                doc.people.add(s);
            }
        }
        let mut place: Option<i64> = r.get(5)?;
        let mut depth = 0;
        while let Some(p) = place {
            for s in place_names.get(&p).unwrap_or(&none) {
                doc.places.add(s);
            }
            place = parents.get(&p).copied();
            depth += 1;
            if depth > 64 {
                break; // a cycle written behind our back
            }
        }
        for s in keywords.get(&id).unwrap_or(&none) {
            doc.keywords.add(s);
        }
        for s in notes.get(&id).unwrap_or(&none) {
            doc.notes.add(s);
        }
        out.push((id, doc));
    }
    Ok(out)
}

/// Drops and re-creates the index and fills it from the catalogue. Returns the items indexed.
fn rebuild(conn: &Connection) -> Result<usize> {
    conn.execute_batch("DROP TABLE IF EXISTS search_index;")?;
    conn.execute_batch(INDEX_DDL)?;
    let docs = all_docs(conn)?;
    for (id, doc) in &docs {
        write_doc(conn, *id, doc)?;
    }
    conn.execute(
        "INSERT OR REPLACE INTO search_state (key, value) VALUES ('skeleton_version', ?1)",
        [SKELETON_VERSION.to_string()],
    )?;
    Ok(docs.len())
}

impl Tx<'_> {
    /// Brings one item's row of the index up to date (its searchable text changed).
    pub fn reindex_item(&self, id: i64) -> Result<()> {
        if let Some(doc) = item_doc(self.conn(), id)? {
            write_doc(self.conn(), id, &doc)?;
        }
        Ok(())
    }

    /// Brings up to date every item that shows a person or lies at a place (or inside it),
    /// after its names or aliases changed.
    pub fn reindex_entity(&self, kind: EntityKind, id: i64) -> Result<()> {
        let sql = match kind {
            EntityKind::Person => "SELECT item_id FROM item_people WHERE person_id = ?1",
            EntityKind::Place => {
                "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id)
                 SELECT i.id FROM items i WHERE i.place_id IN (SELECT id FROM sub)"
            }
        };
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached(sql)?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            self.reindex_item(id)?;
        }
        Ok(())
    }
}

impl Tx<'_> {
    /// After people or places were put back as they were (undo, redo): every item of each
    /// entity still there, and `items` (those that gained or lost one).
    pub(super) fn reindex_restored(
        &self,
        entities: &[super::EntityState],
        items: &[i64],
    ) -> Result<()> {
        for e in entities.iter().filter(|e| e.row.is_some()) {
            self.reindex_entity(e.kind, e.id)?;
        }
        for id in items {
            self.reindex_item(*id)?;
        }
        Ok(())
    }
}

impl Catalog {
    /// Rebuilds the index when it was built by another version of the rules (or never, as in
    /// a library from before migration 4). Cheap when it is current: one read.
    pub(super) fn ensure_search_index(&mut self) -> Result<()> {
        let current = |c: &Connection| -> Result<bool> {
            let v: Option<String> = c
                .query_row(
                    "SELECT value FROM search_state WHERE key = 'skeleton_version'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(v.as_deref() == Some(SKELETON_VERSION.to_string().as_str()))
        };
        if current(&self.conn)? {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if !current(&tx)? {
            rebuild(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Rebuilds the search index from the catalogue (`kadr reindex`): drops it, whatever state
    /// it is in, and writes every item's row again, in one transaction. Returns the items
    /// indexed.
    pub fn reindex(&mut self) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = rebuild(&tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// The ids of the items matching `query`, best match first (ties by id, i.e. import
    /// order). Nothing typed that can be searched matches nothing.
    pub fn search_ids(&self, query: &str) -> Result<Vec<i64>> {
        let Some(q) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let sql = [
            "SELECT rowid FROM search_index WHERE search_index MATCH ?1 ORDER BY ",
            RANK,
            ", rowid",
        ]
        .concat();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt
            .query_map([q], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The ids matching `query`, in no particular order: what the app's search field needs
    /// (it keeps its own timeline order and filters).
    pub fn search_set(&self, query: &str) -> Result<IdSet> {
        let Some(q) = fts_query(query) else {
            return Ok(IdSet::new());
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM search_index WHERE search_index MATCH ?1")?;
        let mut rows = stmt.query([q])?;
        let mut ids = IdSet::new();
        while let Some(r) = rows.next()? {
            ids.insert(r.get(0)?);
        }
        Ok(ids)
    }

    /// Items matching `query` and `filter` (the filters of `list`), best match first.
    pub fn search(&self, query: &str, filter: &Filter) -> Result<Vec<ItemRow>> {
        let mut ids = self.search_ids(query)?;
        if !ids.is_empty() && !filter_is_empty(filter) {
            let allowed: HashSet<i64> = self.list_ids(filter)?.into_iter().collect();
            ids.retain(|id| allowed.contains(id));
        }
        ids.into_iter().map(|id| self.item(id)).collect()
    }
}

fn filter_is_empty(f: &Filter) -> bool {
    f.person.is_none()
        && f.place.is_none()
        && f.keyword.is_none()
        && f.from.is_none()
        && f.to.is_none()
        && f.status.is_none()
        && !f.undated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{NewItem, TagChange};

    fn item(tx: &Tx<'_>, n: u32, change: TagChange) -> i64 {
        let sha = format!("{n:064x}");
        let id = tx
            .insert_item(&NewItem {
                stored_path: format!("originals/{sha}.jpg"),
                sha256: sha,
                original_name: format!("IMG_{n:04}.JPG"),
                source_path: format!("/photos/day {n}/IMG_{n:04}.JPG"),
                format: "jpeg".into(),
                ..Default::default()
            })
            .unwrap();
        tx.tag(id, &change).unwrap();
        id
    }

    fn catalog() -> (Catalog, [i64; 3]) {
        let mut cat = Catalog::open_in_memory().unwrap();
        let ids = cat
            .write("t", |tx| {
                let p = tx.person("Жанболат Мамай")?;
                tx.add_alias(EntityKind::Person, p, "Zhanbolat Mamay")?;
                let a = tx.place("Алматы > Площадь Республики")?;
                tx.add_alias(EntityKind::Place, a, "Republic Square")?;
                Ok([
                    item(
                        tx,
                        1,
                        TagChange {
                            caption: Some(Some("Выступление на площади".into())),
                            place: Some(Some("Алматы > Площадь Республики".into())),
                            add_people: vec!["Жанболат Мамай".into()],
                            ..Default::default()
                        },
                    ),
                    item(
                        tx,
                        2,
                        TagChange {
                            caption: Some(Some("Шествие".into())),
                            add_tags: vec!["протест".into()],
                            credit: Some(Some("Vlast.kz".into())),
                            ..Default::default()
                        },
                    ),
                    item(tx, 3, TagChange::default()),
                ])
            })
            .unwrap();
        (cat, ids)
    }

    #[test]
    fn queries_find_items_whatever_the_spelling() {
        let (cat, [a, b, c]) = catalog();
        for (q, want) in [
            ("Mamai", vec![a]),
            ("zhanbolat", vec![a]),
            ("Janbolat Mamay", vec![a]),
            ("Almaty", vec![a]),
            ("Republic", vec![a]),
            ("выступ", vec![a]),
            ("protest", vec![b]),
            ("vlast", vec![b]),
            ("IMG_0003", vec![c]),
            ("day 3", vec![]), // folders are not file names
            ("Астана", vec![]),
            ("", vec![]),
            ("\" OR *", vec![]),
        ] {
            assert_eq!(cat.search_ids(q).unwrap(), want, "query {q:?}");
        }
    }

    #[test]
    fn rebuilt_rows_equal_rows_written_in_step() {
        let (cat, ids) = catalog();
        let all = all_docs(cat.conn()).unwrap();
        assert_eq!(all.len(), 3);
        for (id, doc) in all {
            assert!(ids.contains(&id));
            let words = |d: &Doc| {
                [
                    &d.caption,
                    &d.people,
                    &d.places,
                    &d.keywords,
                    &d.files,
                    &d.notes,
                    &d.sources,
                ]
                .map(|w| {
                    w.seen
                        .iter()
                        .cloned()
                        .collect::<std::collections::BTreeSet<_>>()
                })
            };
            assert_eq!(
                words(&item_doc(cat.conn(), id).unwrap().unwrap()),
                words(&doc)
            );
        }
    }

    #[test]
    fn renaming_a_parent_place_reaches_items_inside_it() {
        let (mut cat, [a, ..]) = catalog();
        let almaty = cat
            .find_entity(EntityKind::Place, "Алматы")
            .unwrap()
            .unwrap();
        cat.write("t", |tx| {
            tx.add_alias(EntityKind::Place, almaty, "Южная столица")
        })
        .unwrap();
        assert_eq!(cat.search_ids("южная").unwrap(), [a]);
    }

    #[test]
    fn the_index_ddl_is_migration_4s() {
        assert!(super::super::MIGRATIONS[3].contains(INDEX_DDL));
    }
}
