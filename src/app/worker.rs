//! The app's background side: one thread owns the catalogue connection and answers commands;
//! imports, exports, fixity checks and the demo run on threads of their own. Every command is a
//! job with its own id; results come back as `Event`s naming their job on a bounded channel, and
//! every send wakes the UI. The UI thread never touches the database or the disk.

use crate::catalog::{
    Catalog, EntityKind, EntityState, Field, HistoryEntry, ItemRow, ItemState, ItemSummary,
    PlaceNode, Reverts, TagChange, Tx,
};
use crate::fixity::FixityReport;
use crate::ingest::{ImportEvent, ImportOptions, ImportReport};
use crate::library::Library;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// One background job: a command the app sent, and every event it causes.
pub type JobId = u64;

/// The job of work the worker starts by itself (reloads after a write, opening the catalogue).
pub const HOUSEKEEPING: JobId = 0;

pub enum Command {
    /// Load every item summary, the places and the people.
    Reload,
    /// Set (or with `None` clear) the library's home time zone; the timeline reloads.
    SetHomeZone {
        zone: Option<String>,
    },
    /// The ids of the items the search field's text finds (answered as `Event::Searched`).
    Search {
        text: String,
    },
    /// Load the full records of the selected items (for the inspector), and the history of
    /// the item when there is one.
    Detail {
        ids: Vec<i64>,
        request: u64,
    },
    /// Apply one change to several items, as one undoable step.
    Tag {
        ids: Vec<i64>,
        change: Box<TagChange>,
    },
    /// Take back the last user action (one step, however many items it touched).
    Undo,
    /// Do again the action the last undo took back.
    Redo,
    /// Rename a person or place (the old name stays as an alias), as one undoable step.
    RenameEntity {
        kind: EntityKind,
        id: i64,
        name: String,
    },
    /// Merge one person or place into another, as one undoable step.
    MergeEntity {
        kind: EntityKind,
        from: i64,
        into: i64,
    },
    /// Create a person, or a place directly under `parent` (nothing when one of that name is
    /// already there), as one undoable step.
    CreateEntity {
        kind: EntityKind,
        name: String,
        parent: Option<i64>,
    },
    /// Give a person or place another name it is found by, as one undoable step.
    AddAlias {
        kind: EntityKind,
        id: i64,
        alias: String,
    },
    /// Take an alias away, as one undoable step.
    RemoveAlias {
        kind: EntityKind,
        id: i64,
        alias: String,
    },
    /// Put a place inside another (`None`: at the top), as one undoable step.
    SetParent {
        id: i64,
        parent: Option<i64>,
    },
    /// Set a place's coordinates and radius in metres (`None` at: clear them), as one
    /// undoable step.
    LocatePlace {
        id: i64,
        at: Option<crate::geo::LatLon>,
        radius_m: Option<f64>,
    },
    Import {
        paths: Vec<PathBuf>,
    },
    Demo,
    /// Set a review status and/or add a note, on several items.
    Review {
        ids: Vec<i64>,
        status: Option<String>,
        note: Option<String>,
    },
    DoNotPublish {
        ids: Vec<i64>,
        value: bool,
    },
    /// Add a redaction rectangle (fractions of the displayed picture), or clear them all.
    Redact {
        id: i64,
        rect: Option<[f64; 4]>,
    },
    /// Re-hash every original.
    VerifyOriginals,
    Export(Box<crate::export::Options>),
}

pub enum Event {
    Loaded {
        items: Arc<Vec<ItemSummary>>,
        places: Vec<PlaceNode>,
        people: Vec<PersonNode>,
        /// How many items refer to each person and each place directly, by id.
        counts: EntityCounts,
        /// The library's home time zone, if set.
        home_zone: Option<String>,
    },
    /// The answer to a `Search` job: the ids of the items it found.
    Searched {
        job: JobId,
        ids: Arc<std::collections::HashSet<i64>>,
    },
    Detail {
        request: u64,
        ids: Vec<i64>,
        items: Vec<ItemRow>,
        history: Vec<HistoryEntry>,
    },
    /// A user action, an undo or a redo was written: what Undo and Redo would now take back.
    Saved {
        undo: Option<UndoWhat>,
        redo: Option<UndoWhat>,
    },
    ImportStarted {
        job: JobId,
        files: usize,
        bytes: u64,
    },
    ImportProgress {
        job: JobId,
        files_done: usize,
        bytes_done: u64,
    },
    ImportDone {
        job: JobId,
        report: Box<ImportReport>,
    },
    DemoDone {
        job: JobId,
    },
    VerifyProgress {
        job: JobId,
        done: usize,
        total: usize,
    },
    VerifyDone {
        job: JobId,
        report: Box<FixityReport>,
    },
    /// The export's summary line.
    ExportDone {
        job: JobId,
        line: String,
    },
    /// The job ended with this error; no other job is affected.
    Failed {
        job: JobId,
        error: String,
    },
}

/// A person as the app lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonNode {
    pub id: i64,
    pub name: String,
    pub aliases: Vec<String>,
}

/// How many items refer to each person and place directly, by id (none: missing).
#[derive(Debug, Clone, Default)]
pub struct EntityCounts {
    pub people: std::collections::HashMap<i64, usize>,
    pub places: std::collections::HashMap<i64, usize>,
}

pub struct Worker {
    tx: SyncSender<(JobId, Command)>,
    next_job: AtomicU64,
    rx: Receiver<Event>,
    /// Set to stop the running import between files.
    pub cancel: Arc<AtomicBool>,
    /// Set to stop the running fixity check between files.
    pub verify_cancel: Arc<AtomicBool>,
}

/// Sends an event and wakes the UI.
#[derive(Clone)]
struct Out {
    tx: SyncSender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Out {
    fn send(&self, e: Event) {
        let _ = self.tx.send(e);
        (self.wake)();
    }

    /// For progress: dropped rather than block when the UI is behind.
    fn offer(&self, e: Event) {
        if self.tx.try_send(e).is_ok() {
            (self.wake)();
        }
    }
}

impl Worker {
    /// Starts the worker for `library`; `wake` is called after every event (it requests a repaint).
    pub fn start(
        library: Library,
        actor: Arc<Mutex<String>>,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Worker {
        let (tx, commands) = sync_channel::<(JobId, Command)>(64);
        let (events_tx, rx) = sync_channel::<Event>(256);
        let cancel = Arc::new(AtomicBool::new(false));
        let out = Out {
            tx: events_tx,
            wake,
        };
        let verify_cancel = Arc::new(AtomicBool::new(false));
        let flags = (cancel.clone(), verify_cancel.clone());
        let self_tx = tx.clone();
        std::thread::Builder::new()
            .name("kadr-catalog".into())
            .spawn(move || run(library, actor, commands, self_tx, out, flags))
            .expect("can start the catalogue thread");
        Worker {
            tx,
            next_job: AtomicU64::new(HOUSEKEEPING + 1),
            rx,
            cancel,
            verify_cancel,
        }
    }

    /// Sends a command as a new job and returns the job's id.
    pub fn send(&self, c: Command) -> JobId {
        let job = self.next_job.fetch_add(1, Ordering::Relaxed);
        let _ = self.tx.send((job, c));
        job
    }

    /// The next event, if any, without waiting.
    pub fn poll(&self) -> Option<Event> {
        self.rx.try_recv().ok()
    }
}

fn run(
    library: Library,
    actor: Arc<Mutex<String>>,
    commands: Receiver<(JobId, Command)>,
    self_tx: SyncSender<(JobId, Command)>,
    out: Out,
    (cancel, verify_cancel): (Arc<AtomicBool>, Arc<AtomicBool>),
) {
    let mut catalog = match library.catalog() {
        Ok(c) => c,
        Err(e) => {
            out.send(Event::Failed {
                job: HOUSEKEEPING,
                error: e.to_string(),
            });
            return;
        }
    };
    // One step per user action, newest last.
    let mut steps = UndoStack::default();
    let who = || {
        actor
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|_| "unknown".into())
    };
    while let Ok((job, cmd)) = commands.recv() {
        let result: crate::Result<()> = (|| {
            match cmd {
                Command::Reload => {
                    let items = Arc::new(catalog.summaries()?);
                    let places = catalog.places()?;
                    let people = catalog
                        .people()?
                        .into_iter()
                        .map(|(id, name, aliases)| PersonNode { id, name, aliases })
                        .collect();
                    let counts = EntityCounts {
                        people: catalog.item_counts(EntityKind::Person)?,
                        places: catalog.item_counts(EntityKind::Place)?,
                    };
                    let home_zone = catalog.home_zone()?;
                    out.send(Event::Loaded {
                        items,
                        places,
                        people,
                        counts,
                        home_zone,
                    });
                }
                Command::SetHomeZone { zone } => {
                    catalog.write(&who(), |tx| tx.set_home_zone(zone.as_deref()))?;
                    let _ = self_tx.try_send((HOUSEKEEPING, Command::Reload));
                }
                Command::Search { text } => {
                    let ids = Arc::new(catalog.search_set(&text)?);
                    out.send(Event::Searched { job, ids });
                }
                Command::Detail { ids, request } => {
                    let items: Vec<ItemRow> = catalog.items(&ids)?;
                    let history = match items.as_slice() {
                        [item] => catalog.history(Some(&item.sha256))?,
                        _ => Vec::new(),
                    };
                    out.send(Event::Detail {
                        request,
                        ids,
                        items,
                        history,
                    });
                }
                Command::Review { .. }
                | Command::DoNotPublish { .. }
                | Command::Redact { .. }
                | Command::Tag { .. }
                | Command::Undo
                | Command::Redo
                | Command::RenameEntity { .. }
                | Command::MergeEntity { .. }
                | Command::CreateEntity { .. }
                | Command::AddAlias { .. }
                | Command::RemoveAlias { .. }
                | Command::SetParent { .. }
                | Command::LocatePlace { .. } => {
                    let reload =
                        !matches!(cmd, Command::DoNotPublish { .. } | Command::Redact { .. });
                    steps.handle(&mut catalog, &who(), cmd)?;
                    let (undo, redo) = steps.labels();
                    out.send(Event::Saved { undo, redo });
                    if reload {
                        let _ = self_tx.try_send((HOUSEKEEPING, Command::Reload));
                    }
                }
                Command::Export(options) => {
                    let (library, out, actor) = (library.clone(), out.clone(), who());
                    std::thread::spawn(move || {
                        let cancel = AtomicBool::new(false);
                        out.send(
                            match crate::export::export(&library, &actor, &options, &cancel) {
                                Ok(summary) => Event::ExportDone {
                                    job,
                                    line: summary.line(),
                                },
                                Err(e) => Event::Failed {
                                    job,
                                    error: e.to_string(),
                                },
                            },
                        );
                    });
                }
                Command::VerifyOriginals => {
                    let (library, out, cancel) =
                        (library.clone(), out.clone(), verify_cancel.clone());
                    cancel.store(false, Ordering::SeqCst);
                    std::thread::spawn(move || {
                        let progress =
                            |done, total| out.offer(Event::VerifyProgress { job, done, total });
                        out.send(match crate::fixity::verify(&library, &cancel, progress) {
                            Ok(r) => Event::VerifyDone {
                                job,
                                report: Box::new(r),
                            },
                            Err(e) => Event::Failed {
                                job,
                                error: e.to_string(),
                            },
                        });
                    });
                }
                Command::Import { paths } => {
                    cancel.store(false, Ordering::SeqCst);
                    spawn_import(
                        job,
                        library.clone(),
                        who(),
                        paths,
                        out.clone(),
                        cancel.clone(),
                        self_tx.clone(),
                    );
                }
                Command::Demo => {
                    let (library, actor, out, self_tx) =
                        (library.clone(), who(), out.clone(), self_tx.clone());
                    std::thread::spawn(move || {
                        out.send(match crate::demo::load_demo(&library, &actor) {
                            Ok(_) => Event::DemoDone { job },
                            Err(e) => Event::Failed {
                                job,
                                error: e.to_string(),
                            },
                        });
                        let _ = self_tx.send((HOUSEKEEPING, Command::Reload));
                    });
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            out.send(Event::Failed {
                job,
                error: e.to_string(),
            });
        }
    }
}

/// What one step of the undo stack takes back, for its "Undo: <what>" label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoWhat {
    /// One field, on one item or many.
    Field(Field),
    /// Several fields at once.
    Edit,
    Rename,
    Merge,
    Create,
    Alias,
    Parent,
    Coordinates,
}

/// One user action: the states it moved between, and the history entries that recorded it.
struct Step {
    what: UndoWhat,
    change: Change,
}

enum Change {
    /// Per item changed: its state before and after, and the seq of the newest history entry
    /// that made the change (the action's own, or the redo's).
    Items(Vec<ItemStep>),
    /// People or places, with every item that refers to them.
    Entities {
        before: Vec<EntityState>,
        after: Vec<EntityState>,
        seq: Option<i64>,
    },
}

struct ItemStep {
    before: ItemState,
    after: ItemState,
    seq: Option<i64>,
}

/// The app's undo and redo: one step per user action, however many items it touched. A step
/// holds states by ids, so what comes back is the same place or person, never one looked up
/// again by name. Undoing and redoing are written (and recorded) by the catalogue's `Tx`.
#[derive(Default)]
pub struct UndoStack {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

impl UndoStack {
    /// Carries out one editing command as `actor`: a user action becomes one step (when it
    /// changed anything); `Undo` and `Redo` move a step between the two stacks.
    pub fn handle(
        &mut self,
        catalog: &mut Catalog,
        actor: &str,
        cmd: Command,
    ) -> crate::Result<()> {
        match cmd {
            Command::Tag { ids, change } => self.act(catalog, actor, &ids, |tx| {
                ids.iter().try_for_each(|id| tx.tag(*id, &change))
            }),
            Command::Review { ids, status, note } => self.act(catalog, actor, &ids, |tx| {
                ids.iter()
                    .try_for_each(|id| tx.review(*id, status.as_deref(), note.as_deref()))
            }),
            Command::DoNotPublish { ids, value } => self.act(catalog, actor, &ids, |tx| {
                ids.iter()
                    .try_for_each(|id| tx.set_do_not_publish(*id, value))
            }),
            Command::Redact { id, rect } => self.act(catalog, actor, &[id], |tx| match rect {
                Some([x, y, w, h]) => tx.add_redaction(id, x, y, w, h).map(|_| ()),
                None => tx.clear_redactions(id).map(|_| ()),
            }),
            Command::RenameEntity { kind, id, name } => {
                self.act_on_entities(catalog, actor, kind, &[id], UndoWhat::Rename, |tx| {
                    tx.rename_entity(kind, id, &name)
                })
            }
            Command::MergeEntity { kind, from, into } => {
                self.act_on_entities(catalog, actor, kind, &[from, into], UndoWhat::Merge, |tx| {
                    tx.merge_entity(kind, from, into).map(|_| ())
                })
            }
            Command::CreateEntity { kind, name, parent } => {
                self.create_entity(catalog, actor, kind, &name, parent)
            }
            Command::AddAlias { kind, id, alias } => {
                self.act_on_entities(catalog, actor, kind, &[id], UndoWhat::Alias, |tx| {
                    tx.add_alias(kind, id, &alias)
                })
            }
            Command::RemoveAlias { kind, id, alias } => {
                self.act_on_entities(catalog, actor, kind, &[id], UndoWhat::Alias, |tx| {
                    tx.remove_alias(kind, id, &alias)
                })
            }
            Command::SetParent { id, parent } => self.act_on_entities(
                catalog,
                actor,
                EntityKind::Place,
                &[id],
                UndoWhat::Parent,
                |tx| tx.set_place_parent(id, parent),
            ),
            Command::LocatePlace { id, at, radius_m } => self.act_on_entities(
                catalog,
                actor,
                EntityKind::Place,
                &[id],
                UndoWhat::Coordinates,
                |tx| match at {
                    Some(at) => tx.locate_place(id, at, radius_m),
                    None => tx.set_place_coordinates(id, None, None),
                },
            ),
            Command::Undo => self.undo(catalog, actor),
            Command::Redo => self.redo(catalog, actor),
            _ => Err(crate::Error::invalid("not an editing command")),
        }
    }

    /// What Undo and Redo would take back now.
    pub fn labels(&self) -> (Option<UndoWhat>, Option<UndoWhat>) {
        (
            self.undo.last().map(|s| s.what),
            self.redo.last().map(|s| s.what),
        )
    }

    /// Runs `f` on the items `ids` in one transaction and keeps what it changed as one step.
    fn act(
        &mut self,
        catalog: &mut Catalog,
        actor: &str,
        ids: &[i64],
        f: impl FnOnce(&Tx<'_>) -> crate::Result<()>,
    ) -> crate::Result<()> {
        let items = catalog.write(actor, |tx| {
            let start = tx.history_seq()?;
            let before = tx.item_states(ids)?;
            f(tx)?;
            let mut after = tx.item_states(ids)?;
            let logged = tx.history_since(start)?;
            Ok(before
                .into_values()
                .filter_map(|b| {
                    let a = after.remove(&b.id)?;
                    let seq = logged
                        .iter()
                        .rev()
                        .find(|(_, sha)| sha.as_deref() == Some(b.sha256.as_str()))
                        .map(|(seq, _)| *seq);
                    (a != b).then_some(ItemStep {
                        before: b,
                        after: a,
                        seq,
                    })
                })
                .collect::<Vec<_>>())
        })?;
        let fields: std::collections::BTreeSet<Field> = items
            .iter()
            .flat_map(|s| s.before.changed(&s.after))
            .collect();
        let what = match fields.into_iter().collect::<Vec<_>>().as_slice() {
            [] => return Ok(()), // nothing changed: nothing to undo
            [f] => UndoWhat::Field(*f),
            // A review with a note is one review.
            [Field::Review, Field::Notes] => UndoWhat::Field(Field::Review),
            _ => UndoWhat::Edit,
        };
        self.push(Step {
            what,
            change: Change::Items(items),
        });
        Ok(())
    }

    /// Runs `f` on the people or places `ids` and keeps what it changed as one step.
    fn act_on_entities(
        &mut self,
        catalog: &mut Catalog,
        actor: &str,
        kind: EntityKind,
        ids: &[i64],
        what: UndoWhat,
        f: impl FnOnce(&Tx<'_>) -> crate::Result<()>,
    ) -> crate::Result<()> {
        let change = catalog.write(actor, |tx| {
            let start = tx.history_seq()?;
            let before = tx.entity_states(kind, ids)?;
            f(tx)?;
            let after = tx.entity_states(kind, ids)?;
            let seq = tx
                .history_since(start)?
                .iter()
                .rev()
                .find(|(_, sha)| sha.is_none())
                .map(|(seq, _)| *seq);
            Ok((before != after).then_some(Change::Entities { before, after, seq }))
        })?;
        if let Some(change) = change {
            self.push(Step { what, change });
        }
        Ok(())
    }

    /// Creates a person or place and keeps it as one step, whose undo takes it away again
    /// (it comes back with the same id on redo). Finding one that exists is no step.
    fn create_entity(
        &mut self,
        catalog: &mut Catalog,
        actor: &str,
        kind: EntityKind,
        name: &str,
        parent: Option<i64>,
    ) -> crate::Result<()> {
        let change = catalog.write(actor, |tx| {
            let start = tx.history_seq()?;
            let id = match kind {
                EntityKind::Person => tx.person(name)?,
                EntityKind::Place => tx.place_under(name, parent)?,
            };
            let logged = tx.history_since(start)?;
            let Some(&(seq, _)) = logged.last() else {
                return Ok(None); // it was there already
            };
            let after = tx.entity_states(kind, &[id])?;
            let before = vec![EntityState {
                kind,
                id,
                row: None,
                aliases: Default::default(),
                items: Default::default(),
                children: Default::default(),
            }];
            Ok(Some(Change::Entities {
                before,
                after,
                seq: Some(seq),
            }))
        })?;
        if let Some(change) = change {
            self.push(Step {
                what: UndoWhat::Create,
                change,
            });
        }
        Ok(())
    }

    fn push(&mut self, step: Step) {
        self.undo.push(step);
        self.redo.clear();
    }

    /// Takes back the newest step. A step that cannot be taken back (what it restores no
    /// longer exists) is dropped with the error: it would fail again.
    fn undo(&mut self, catalog: &mut Catalog, actor: &str) -> crate::Result<()> {
        let Some(step) = self.undo.pop() else {
            return Ok(());
        };
        catalog.write(actor, |tx| match &step.change {
            Change::Items(items) => items.iter().try_for_each(|s| {
                tx.restore_item(&s.after, &s.before, Reverts::Undo(s.seq))
                    .map(|_| ())
            }),
            Change::Entities { before, after, seq } => tx
                .restore_entities(after, before, Reverts::Undo(*seq))
                .map(|_| ()),
        })?;
        self.redo.push(step);
        Ok(())
    }

    /// Does again the step the newest undo took back.
    fn redo(&mut self, catalog: &mut Catalog, actor: &str) -> crate::Result<()> {
        let Some(mut step) = self.redo.pop() else {
            return Ok(());
        };
        catalog.write(actor, |tx| match &mut step.change {
            Change::Items(items) => items.iter_mut().try_for_each(|s| {
                if let Some(seq) = tx.restore_item(&s.before, &s.after, Reverts::Redo(s.seq))? {
                    s.seq = Some(seq);
                }
                Ok(())
            }),
            Change::Entities { before, after, seq } => {
                if let Some(new) = tx.restore_entities(before, after, Reverts::Redo(*seq))? {
                    *seq = Some(new);
                }
                Ok(())
            }
        })?;
        self.undo.push(step);
        Ok(())
    }
}

fn spawn_import(
    job: JobId,
    library: Library,
    actor: String,
    paths: Vec<PathBuf>,
    out: Out,
    cancel: Arc<AtomicBool>,
    reload: SyncSender<(JobId, Command)>,
) {
    std::thread::Builder::new()
        .name("kadr-import".into())
        .spawn(move || {
            let options = ImportOptions { actor, threads: 0 };
            let mut last_reload = std::time::Instant::now();
            let result =
                crate::ingest::import_all(
                    &library,
                    &paths,
                    &options,
                    &cancel,
                    |event| match event {
                        ImportEvent::Planned { files, bytes } => {
                            out.send(Event::ImportStarted { job, files, bytes })
                        }
                        ImportEvent::Progress {
                            files_done,
                            bytes_done,
                            ..
                        } => {
                            out.offer(Event::ImportProgress {
                                job,
                                files_done,
                                bytes_done,
                            });
                            // Let new items appear while a long import runs.
                            if last_reload.elapsed() > std::time::Duration::from_secs(3) {
                                last_reload = std::time::Instant::now();
                                let _ = reload.try_send((HOUSEKEEPING, Command::Reload));
                            }
                        }
                    },
                );
            out.send(match result {
                Ok(report) => Event::ImportDone {
                    job,
                    report: Box::new(report),
                },
                Err(e) => Event::Failed {
                    job,
                    error: e.to_string(),
                },
            });
            let _ = reload.send((HOUSEKEEPING, Command::Reload));
        })
        .expect("can start the import thread");
}

#[cfg(test)]
mod tests {
    //! The undo stack against a plain model: random edits on random selections, undos and
    //! redos, sent through `UndoStack::handle` as the worker does; after every step each item,
    //! place and person must be what the model says.

    use super::*;
    use crate::catalog::{NewItem, Tx};
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

    fn catalog_with(n: usize) -> (Catalog, Vec<i64>) {
        let mut cat = Catalog::open_in_memory().unwrap();
        let ids = cat
            .write("t", |tx: &Tx<'_>| {
                (0..n)
                    .map(|i| {
                        tx.insert_item(&NewItem {
                            sha256: format!("{:064x}", i + 1),
                            original_name: format!("{i}.jpg"),
                            source_path: format!("/src/{i}.jpg"),
                            stored_path: format!("originals/{i}.jpg"),
                            size: 1,
                            format: "jpeg".into(),
                            ..Default::default()
                        })
                    })
                    .collect()
            })
            .unwrap();
        (cat, ids)
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
                    let label =
                        format!("{cmd_name} {cmd:?}", cmd_name = what, cmd = DebugCmd(&cmd));
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
    fn the_window_s_edits_are_one_step_each_and_undo_exactly() {
        let (mut cat, ids) = catalog_with(1);
        let mut stack = UndoStack::default();
        let place =
            |cat: &Catalog, name: &str| cat.places().unwrap().into_iter().find(|p| p.name == name);
        let run =
            |stack: &mut UndoStack, cat: &mut Catalog, cmd| stack.handle(cat, "t", cmd).unwrap();
        run(
            &mut stack,
            &mut cat,
            Command::CreateEntity {
                kind: EntityKind::Place,
                name: "Алматы".into(),
                parent: None,
            },
        );
        run(
            &mut stack,
            &mut cat,
            Command::CreateEntity {
                kind: EntityKind::Place,
                name: "Медеу".into(),
                parent: None,
            },
        );
        // Creating one that is there already is no step.
        run(
            &mut stack,
            &mut cat,
            Command::CreateEntity {
                kind: EntityKind::Place,
                name: "медеу".into(),
                parent: None,
            },
        );
        assert_eq!(stack.undo.len(), 2);
        let almaty = place(&cat, "Алматы").unwrap().id;
        let medeu = place(&cat, "Медеу").unwrap().id;
        cat.write("t", |tx| {
            tx.tag(
                ids[0],
                &TagChange {
                    place: Some(Some("Медеу".into())),
                    ..Default::default()
                },
            )
        })
        .unwrap();
        run(
            &mut stack,
            &mut cat,
            Command::SetParent {
                id: medeu,
                parent: Some(almaty),
            },
        );
        assert_eq!(place(&cat, "Медеу").unwrap().path, ["Алматы", "Медеу"]);
        // A place cannot go inside one inside it.
        assert!(
            stack
                .handle(
                    &mut cat,
                    "t",
                    Command::SetParent {
                        id: almaty,
                        parent: Some(medeu)
                    }
                )
                .is_err()
        );
        run(
            &mut stack,
            &mut cat,
            Command::AddAlias {
                kind: EntityKind::Place,
                id: medeu,
                alias: "Медеу шатқалы".into(),
            },
        );
        run(
            &mut stack,
            &mut cat,
            Command::RemoveAlias {
                kind: EntityKind::Place,
                id: medeu,
                alias: "Медеу шатқалы".into(),
            },
        );
        assert!(
            stack
                .handle(
                    &mut cat,
                    "t",
                    Command::RemoveAlias {
                        kind: EntityKind::Place,
                        id: medeu,
                        alias: "Медеу".into(),
                    }
                )
                .is_err(),
            "its own name is not removed"
        );
        run(
            &mut stack,
            &mut cat,
            Command::LocatePlace {
                id: medeu,
                at: Some(crate::geo::LatLon {
                    lat: 43.157,
                    lon: 77.059,
                }),
                radius_m: Some(1500.0),
            },
        );
        let m = place(&cat, "Медеу").unwrap();
        assert_eq!(
            (m.lat, m.lon, m.radius_m),
            (Some(43.157), Some(77.059), Some(1500.0))
        );
        assert_eq!(stack.labels().0, Some(UndoWhat::Coordinates));
        assert!(cat.search_set("medeu").unwrap().contains(&ids[0]));

        // Undo, step by step.
        run(&mut stack, &mut cat, Command::Undo);
        let m = place(&cat, "Медеу").unwrap();
        assert_eq!((m.lat, m.lon, m.radius_m), (None, None, None));
        run(&mut stack, &mut cat, Command::Undo);
        assert!(
            place(&cat, "Медеу")
                .unwrap()
                .aliases
                .contains(&"Медеу шатқалы".to_string())
        );
        run(&mut stack, &mut cat, Command::Undo);
        assert!(
            !place(&cat, "Медеу")
                .unwrap()
                .aliases
                .contains(&"Медеу шатқалы".to_string())
        );
        run(&mut stack, &mut cat, Command::Undo);
        assert_eq!(place(&cat, "Медеу").unwrap().path, ["Медеу"]);
        // Redo puts it back inside, and the search index follows.
        run(&mut stack, &mut cat, Command::Redo);
        assert_eq!(place(&cat, "Медеу").unwrap().path, ["Алматы", "Медеу"]);
        assert!(cat.search_set("Алматы").unwrap().contains(&ids[0]));
        run(&mut stack, &mut cat, Command::Undo);
        // The first place created goes away, and comes back with its id.
        // Медеу is on an item since it was created: its creation is not taken back.
        assert!(stack.handle(&mut cat, "t", Command::Undo).is_err());
        assert!(place(&cat, "Медеу").is_some());
        assert_eq!(cat.item(ids[0]).unwrap().place.as_deref(), Some("Медеу"));
        run(&mut stack, &mut cat, Command::Undo); // Алматы
        assert!(place(&cat, "Алматы").is_none());
        run(&mut stack, &mut cat, Command::Redo);
        assert_eq!(place(&cat, "Алматы").unwrap().id, almaty);
        assert!(cat.audit().unwrap().is_empty());
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
}
