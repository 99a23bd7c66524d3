//! The undo stack against a plain model: random edits on random selections, undos and
//! redos, sent through `UndoStack::handle` as the worker does; after every step each item,
//! place and person must be what the model says.
//!
//! Not the window's edits one by one (`tests.rs`).

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// xorshift64*: a seeded generator, enough for choosing edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PLACES: &[&str] = &["Алматы", "Астана", "Бишкек"];
const PEOPLE: &[&str] = &["Айдар", "Мира", "Бекзат"];
const WORDS: &[&str] = &["protest", "police", "crowd"];
const TEXTS: &[Option<&str>] = &[None, Some("Площадь"), Some("Утро, 5 января"), Some("AP")];
const DATES: &[Option<&str>] = &[
    None,
    Some("2022-01-04"),
    Some("2022-01-05 evening"),
    Some("2022-01~"),
];

#[derive(Debug, Clone, PartialEq, Default)]
struct ItemModel {
    caption: Option<String>,
    source: Option<String>,
    credit: Option<String>,
    date: Option<String>,
    place: Option<i64>,
    people: BTreeSet<i64>,
    words: BTreeSet<String>,
    status: String,
    notes: Vec<String>,
    do_not_publish: bool,
    redactions: Vec<[f64; 4]>,
}

#[derive(Debug, Clone, PartialEq)]
struct Entities {
    /// id -> name, of entities that exist.
    names: BTreeMap<i64, String>,
    /// Folded? No: the names and aliases the generator uses -> the entity they find.
    alias: BTreeMap<String, i64>,
    /// Merged away.
    gone: BTreeSet<i64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Model {
    items: BTreeMap<i64, ItemModel>,
    places: Entities,
    people: Entities,
}

impl Entities {
    fn new() -> Entities {
        Entities {
            names: BTreeMap::new(),
            alias: BTreeMap::new(),
            gone: BTreeSet::new(),
        }
    }

    /// `self` is a snapshot being restored over `now`: entities created since (by a tag)
    /// stay, since undoing the tag does not delete them.
    fn keep_created(&mut self, now: &Entities) {
        for (id, name) in &now.names {
            if !self.names.contains_key(id) && !self.gone.contains(id) {
                self.names.insert(*id, name.clone());
                for (a, to) in &now.alias {
                    if to == id {
                        self.alias.entry(a.clone()).or_insert(*id);
                    }
                }
            }
        }
    }

    fn merge(&mut self, from: i64, into: i64) {
        self.names.remove(&from);
        self.gone.insert(from);
        for to in self.alias.values_mut() {
            if *to == from {
                *to = into;
            }
        }
    }
}

/// One random editing command on a random selection, and what it does to the model (for
/// names the catalogue has not seen yet, `learn` asks it which entity they became).
fn random_command(rng: &mut Rng, ids: &[i64], m: &Model) -> Command {
    let mut sel: Vec<i64> = ids.iter().copied().filter(|_| rng.chance(50)).collect();
    if sel.is_empty() {
        sel.push(*rng.pick(ids));
    }
    let text = |rng: &mut Rng| rng.pick(TEXTS).map(str::to_string);
    match rng.below(10) {
        0..=3 => {
            let mut change = TagChange::default();
            match rng.below(8) {
                0 => change.caption = Some(text(rng)),
                1 => change.source = Some(text(rng)),
                2 => change.credit = Some(text(rng)),
                3 => {
                    change.date = Some(
                        rng.pick(DATES)
                            .map(|d| crate::dates::EventDate::parse(d).unwrap()),
                    )
                }
                4 => change.place = Some(rng.chance(75).then(|| rng.pick(PLACES).to_string())),
                5 => change.add_people.push(rng.pick(PEOPLE).to_string()),
                6 => change.remove_people.push(rng.pick(PEOPLE).to_string()),
                _ => {
                    if rng.chance(60) {
                        change.add_tags.push(rng.pick(WORDS).to_string());
                    } else {
                        change.remove_tags.push(rng.pick(WORDS).to_string());
                    }
                }
            }
            if rng.chance(20) {
                change.caption = Some(text(rng));
            }
            Command::Tag {
                ids: sel,
                change: Box::new(change),
            }
        }
        4 => Command::Review {
            ids: sel,
            status: Some(rng.pick(crate::catalog::REVIEW_STATUSES).to_string()),
            note: rng.chance(30).then(|| format!("note {}", rng.below(100))),
        },
        5 => Command::DoNotPublish {
            ids: sel,
            value: rng.chance(50),
        },
        6 => Command::Redact {
            id: sel[0],
            rect: rng.chance(70).then(|| {
                let x = rng.below(5) as f64 / 10.0;
                [x, 0.25, 0.125, 0.5]
            }),
        },
        7 => {
            let (kind, e) = if rng.chance(50) {
                (EntityKind::Place, &m.places)
            } else {
                (EntityKind::Person, &m.people)
            };
            match e.names.keys().copied().collect::<Vec<_>>().as_slice() {
                [] => Command::Undo,
                known => Command::RenameEntity {
                    kind,
                    id: *rng.pick(known),
                    name: format!("Renamed {}", rng.below(1000)),
                },
            }
        }
        8 => {
            let (kind, e) = if rng.chance(50) {
                (EntityKind::Place, &m.places)
            } else {
                (EntityKind::Person, &m.people)
            };
            let known: Vec<i64> = e.names.keys().copied().collect();
            if known.len() < 2 {
                return Command::Redo;
            }
            // Never the newest entity: SQLite gives a new row the highest id plus one, so
            // the id of the newest one, once merged away, would go to the next one created
            // and could not come back (see `restore_entities`).
            let newest = *known.iter().max().unwrap();
            let from = *rng.pick(&known);
            let into = *rng.pick(&known);
            if from == newest {
                return Command::Undo;
            }
            if from == into {
                return Command::Undo;
            }
            Command::MergeEntity { kind, from, into }
        }
        _ => {
            if rng.chance(60) {
                Command::Undo
            } else {
                Command::Redo
            }
        }
    }
}

/// What a user action does to the model.
fn apply(m: &mut Model, cat: &Catalog, cmd: &Command) {
    let learn = |e: &mut Entities, kind, name: &str| -> i64 {
        if let Some(id) = e.alias.get(name) {
            return *id;
        }
        let id = cat.find_entity(kind, name).unwrap().expect("created");
        e.names.insert(id, name.to_string());
        e.alias.insert(name.to_string(), id);
        id
    };
    let clean = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    match cmd {
        Command::Tag { ids, change } => {
            for id in ids {
                let i = m.items.get_mut(id).unwrap();
                if let Some(c) = &change.caption {
                    i.caption = clean(c);
                }
                if let Some(c) = &change.source {
                    i.source = clean(c);
                }
                if let Some(c) = &change.credit {
                    i.credit = clean(c);
                }
                if let Some(d) = &change.date {
                    i.date = d.as_ref().map(|d| d.to_text());
                }
                if let Some(p) = &change.place {
                    i.place = p
                        .as_deref()
                        .map(|p| learn(&mut m.places, EntityKind::Place, p));
                }
                for p in &change.add_people {
                    i.people.insert(learn(&mut m.people, EntityKind::Person, p));
                }
                for p in &change.remove_people {
                    if let Some(pid) = m.people.alias.get(p) {
                        i.people.remove(pid);
                    }
                }
                for w in &change.add_tags {
                    i.words.insert(w.clone());
                }
                for w in &change.remove_tags {
                    i.words.remove(w);
                }
            }
        }
        Command::Review { ids, status, note } => {
            for id in ids {
                let i = m.items.get_mut(id).unwrap();
                i.status = status.clone().unwrap();
                i.notes.extend(note.clone());
            }
        }
        Command::DoNotPublish { ids, value } => {
            for id in ids {
                m.items.get_mut(id).unwrap().do_not_publish = *value;
            }
        }
        Command::Redact { id, rect } => {
            let i = m.items.get_mut(id).unwrap();
            match rect {
                Some(r) => i.redactions.push(*r),
                None => i.redactions.clear(),
            }
        }
        Command::RenameEntity { kind, id, name } => {
            let e = match kind {
                EntityKind::Place => &mut m.places,
                EntityKind::Person => &mut m.people,
            };
            e.names.insert(*id, name.clone());
            e.alias.insert(name.clone(), *id);
        }
        Command::MergeEntity { kind, from, into } => match kind {
            EntityKind::Place => {
                m.places.merge(*from, *into);
                for i in m.items.values_mut() {
                    if i.place == Some(*from) {
                        i.place = Some(*into);
                    }
                }
            }
            EntityKind::Person => {
                m.people.merge(*from, *into);
                for i in m.items.values_mut() {
                    if i.people.remove(from) {
                        i.people.insert(*into);
                    }
                }
            }
        },
        _ => unreachable!(),
    }
}

fn check(cat: &Catalog, m: &Model, step: usize, what: &str) {
    let places: BTreeMap<i64, String> = cat
        .places()
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    assert_eq!(places, m.places.names, "step {step} ({what}): places");
    let people: BTreeMap<i64, String> = cat
        .people()
        .unwrap()
        .into_iter()
        .map(|p| (p.0, p.1))
        .collect();
    assert_eq!(people, m.people.names, "step {step} ({what}): people");
    for (id, want) in &m.items {
        let row = cat.item(*id).unwrap();
        let mut want_people: Vec<String> = want
            .people
            .iter()
            .map(|p| m.people.names[p].clone())
            .collect();
        want_people.sort();
        let got = ItemModel {
            caption: row.caption.clone(),
            source: row.source.clone(),
            credit: row.credit.clone(),
            date: row.event_date.clone(),
            place: cat.summary(*id).unwrap().place_id,
            people: want.people.clone(),
            words: row.tags.iter().cloned().collect(),
            status: row.review_status.clone(),
            notes: row.notes.iter().map(|n| n.text.clone()).collect(),
            do_not_publish: row.do_not_publish,
            redactions: row
                .redactions
                .iter()
                .map(|r| [r.x, r.y, r.w, r.h])
                .collect(),
        };
        assert_eq!(&got, want, "step {step} ({what}): item {id}");
        assert_eq!(
            row.people, want_people,
            "step {step} ({what}): people of item {id}"
        );
        assert_eq!(
            row.place,
            want.place.map(|p| m.places.names[&p].clone()),
            "step {step} ({what}): place of item {id}"
        );
    }
}

fn name(cmd: &Command) -> &'static str {
    match cmd {
        Command::Tag { .. } => "tag",
        Command::Review { .. } => "review",
        Command::DoNotPublish { .. } => "do not publish",
        Command::Redact { .. } => "redact",
        Command::RenameEntity { .. } => "rename",
        Command::MergeEntity { .. } => "merge",
        Command::Undo => "undo",
        Command::Redo => "redo",
        _ => "other",
    }
}

fn run_model(seed: u64, steps: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let (mut cat, ids) = catalog_with(4);
    let mut stack = UndoStack::default();
    let mut m = Model {
        items: ids
            .iter()
            .map(|id| {
                (
                    *id,
                    ItemModel {
                        status: "unreviewed".into(),
                        ..Default::default()
                    },
                )
            })
            .collect(),
        places: Entities::new(),
        people: Entities::new(),
    };
    let (mut undo, mut redo): (Vec<Model>, Vec<Model>) = (Vec::new(), Vec::new());
    for step in 0..steps {
        let cmd = random_command(&mut rng, &ids, &m);
        let what = name(&cmd);
        let depth = (stack.undo.len(), stack.redo.len());
        match cmd {
            Command::Undo => {
                stack.handle(&mut cat, "t", Command::Undo).unwrap();
                if let Some(mut before) = undo.pop() {
                    before.places.keep_created(&m.places);
                    before.people.keep_created(&m.people);
                    redo.push(std::mem::replace(&mut m, before));
                }
            }
            Command::Redo => {
                stack.handle(&mut cat, "t", Command::Redo).unwrap();
                if let Some(mut after) = redo.pop() {
                    after.places.keep_created(&m.places);
                    after.people.keep_created(&m.people);
                    undo.push(std::mem::replace(&mut m, after));
                }
            }
            cmd => {
                let snapshot = m.clone();
                let label = format!("{cmd_name} {cmd:?}", cmd_name = what, cmd = DebugCmd(&cmd));
                stack
                    .handle(&mut cat, "t", clone(&cmd))
                    .unwrap_or_else(|e| panic!("step {step}: {label}: {e}"));
                apply(&mut m, &cat, &cmd);
                // The stack keeps a step only when something changed; so does the model.
                if stack.undo.len() > depth.0 || (stack.redo.is_empty() && depth.1 > 0) {
                    undo.push(snapshot);
                    redo.clear();
                } else {
                    assert_eq!(
                        snapshot.items, m.items,
                        "step {step}: {label} changed the model but kept no step"
                    );
                }
            }
        }
        assert_eq!(
            stack.undo.len(),
            undo.len(),
            "step {step} ({what}): undo depth"
        );
        assert_eq!(
            stack.redo.len(),
            redo.len(),
            "step {step} ({what}): redo depth"
        );
        check(&cat, &m, step, what);
    }
    // Undo everything: back to the imported items.
    while !stack.undo.is_empty() {
        stack.handle(&mut cat, "t", Command::Undo).unwrap();
    }
    for (id, i) in &m.items {
        let row = cat.item(*id).unwrap();
        assert!(
            row.caption.is_none() && row.tags.is_empty() && row.notes.is_empty(),
            "item {id} after undoing all: {i:?}"
        );
        assert_eq!(row.review_status, "unreviewed");
    }
    assert_eq!(cat.audit().unwrap().len(), 0, "audit");
    // Every undo and redo names the entry it reverts, of the same item.
    let history = cat.history(None).unwrap();
    let by_seq: BTreeMap<i64, &HistoryEntry> = history.iter().map(|e| (e.seq, e)).collect();
    let mut reverts = 0;
    for e in &history {
        let key = match e.action.as_str() {
            "undo" => "undoes",
            "redo" => "redoes",
            _ => continue,
        };
        reverts += 1;
        let seq = e.details[key].as_i64().unwrap_or_else(|| panic!("{e:?}"));
        let target = by_seq[&seq];
        assert!(seq < e.seq);
        if e.item.is_some() && target.item.is_some() {
            assert_eq!(e.item, target.item, "{e:?} reverts {target:?}");
        }
    }
    assert!(reverts > 0);
}

struct DebugCmd<'a>(&'a Command);

impl std::fmt::Debug for DebugCmd<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Command::Tag { ids, change } => write!(f, "{ids:?} {change:?}"),
            Command::Review { ids, status, note } => write!(f, "{ids:?} {status:?} {note:?}"),
            Command::DoNotPublish { ids, value } => write!(f, "{ids:?} {value}"),
            Command::Redact { id, rect } => write!(f, "{id} {rect:?}"),
            Command::RenameEntity { kind, id, name } => write!(f, "{kind:?} {id} {name}"),
            Command::MergeEntity { kind, from, into } => write!(f, "{kind:?} {from} -> {into}"),
            _ => Ok(()),
        }
    }
}

fn clone(cmd: &Command) -> Command {
    match cmd {
        Command::Tag { ids, change } => Command::Tag {
            ids: ids.clone(),
            change: change.clone(),
        },
        Command::Review { ids, status, note } => Command::Review {
            ids: ids.clone(),
            status: status.clone(),
            note: note.clone(),
        },
        Command::DoNotPublish { ids, value } => Command::DoNotPublish {
            ids: ids.clone(),
            value: *value,
        },
        Command::Redact { id, rect } => Command::Redact {
            id: *id,
            rect: *rect,
        },
        Command::RenameEntity { kind, id, name } => Command::RenameEntity {
            kind: *kind,
            id: *id,
            name: name.clone(),
        },
        Command::MergeEntity { kind, from, into } => Command::MergeEntity {
            kind: *kind,
            from: *from,
            into: *into,
        },
        Command::Undo => Command::Undo,
        Command::Redo => Command::Redo,
        _ => unreachable!(),
    }
}

#[test]
fn random_edits_undos_and_redos_match_a_plain_model() {
    let seeds: u64 = std::env::var("KADR_MODEL_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    for seed in 1..=seeds {
        run_model(seed, 80);
    }
}
