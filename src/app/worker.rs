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
    /// Set (or with `None` clear) the path of the offline map tiles; the map follows.
    SetTileSource {
        path: Option<String>,
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
        /// The offline map tiles' path, if set.
        tile_source: Option<String>,
    },
    /// Each item's near-duplicates (item id → (other id, distance), nearest first), for the
    /// items of the `Loaded` just before.
    Paired {
        near: std::collections::HashMap<i64, Vec<(i64, u32)>>,
    },
    /// The answer to a `Search` job: the ids of the items it found.
    Searched {
        job: JobId,
        ids: Arc<crate::ids::IdSet>,
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
                    let items = Arc::new(catalog.summaries_unpaired()?);
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
                    let tile_source = catalog.tile_source()?;
                    out.send(Event::Loaded {
                        items,
                        places,
                        people,
                        counts,
                        home_zone,
                        tile_source,
                    });
                    // Drawn first, paired after: near-duplicates cost as much as the rest.
                    out.send(Event::Paired {
                        near: catalog.near_duplicates()?,
                    });
                }
                Command::SetTileSource { path } => {
                    // Stored absolute, so it means the same whatever the working folder.
                    let path = path.map(|p| {
                        crate::tiles::absolute(std::path::Path::new(&p))
                            .to_string_lossy()
                            .into_owned()
                    });
                    catalog.write(&who(), |tx| tx.set_tile_source(path.as_deref()))?;
                    let _ = self_tx.try_send((HOUSEKEEPING, Command::Reload));
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

mod undo_stack;
pub use undo_stack::{UndoStack, UndoWhat};

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
mod tests;
