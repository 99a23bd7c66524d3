//! The app's background side: one thread owns the catalogue connection and answers commands;
//! imports, exports, fixity checks and the demo run on threads of their own. Every command is a
//! job with its own id; results come back as `Event`s naming their job on a bounded channel, and
//! every send wakes the UI. The UI thread never touches the database or the disk.

use crate::catalog::{HistoryEntry, ItemRow, ItemSummary, PlaceNode, TagChange};
use crate::dates::EventDate;
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
    /// Revert the last user action (a tag change, a review status, "do not publish").
    Undo,
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
        people: Vec<String>,
    },
    Detail {
        request: u64,
        ids: Vec<i64>,
        items: Vec<ItemRow>,
        history: Vec<HistoryEntry>,
    },
    Saved {
        undo_depth: usize,
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
    // One step per user action, newest last: what restores it.
    let mut undo: Vec<UndoStep> = Vec::new();
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
                    let people = catalog.people()?.into_iter().map(|p| p.1).collect();
                    out.send(Event::Loaded {
                        items,
                        places,
                        people,
                    });
                }
                Command::Detail { ids, request } => {
                    let items: Vec<ItemRow> = ids
                        .iter()
                        .map(|id| catalog.item(*id))
                        .collect::<crate::Result<_>>()?;
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
                Command::Review { ids, status, note } => {
                    let before = ids
                        .iter()
                        .map(|id| Ok((*id, catalog.item(*id)?.review_status)))
                        .collect::<crate::Result<Vec<_>>>()?;
                    catalog.write(&who(), |tx| {
                        for id in &ids {
                            tx.review(*id, status.as_deref(), note.as_deref())?;
                        }
                        Ok(())
                    })?;
                    // A note stays (notes are an append-only record); a status can be set back.
                    undo.push(match status {
                        Some(_) => UndoStep::Review(before),
                        None => UndoStep::Kept("review note"),
                    });
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                    let _ = self_tx.try_send((HOUSEKEEPING, Command::Reload));
                }
                Command::DoNotPublish { ids, value } => {
                    let before = ids
                        .iter()
                        .map(|id| Ok((*id, catalog.item(*id)?.do_not_publish)))
                        .collect::<crate::Result<Vec<_>>>()?;
                    catalog.write(&who(), |tx| {
                        for id in &ids {
                            tx.set_do_not_publish(*id, value)?;
                        }
                        Ok(())
                    })?;
                    undo.push(UndoStep::DoNotPublish(before));
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                }
                Command::Redact { id, rect } => {
                    catalog.write(&who(), |tx| match rect {
                        Some([x, y, w, h]) => tx.add_redaction(id, x, y, w, h).map(|_| ()),
                        None => tx.clear_redactions(id).map(|_| ()),
                    })?;
                    undo.push(UndoStep::Kept("redaction"));
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
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
                Command::Tag { ids, change } => {
                    let before: Vec<ItemRow> = ids
                        .iter()
                        .map(|id| catalog.item(*id))
                        .collect::<crate::Result<_>>()?;
                    catalog.write(&who(), |tx| {
                        for id in &ids {
                            tx.tag(*id, &change)?;
                        }
                        Ok(())
                    })?;
                    let mut step = Vec::new();
                    for b in before {
                        let after = catalog.item(b.id)?;
                        step.push((b.id, restore(&b, &after)));
                    }
                    undo.push(UndoStep::Tag(step));
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                    let _ = self_tx.try_send((HOUSEKEEPING, Command::Reload));
                }
                Command::Undo => {
                    if let Some(UndoStep::Kept(what)) = undo.last() {
                        let error = format!("A {what} is kept: it cannot be undone.");
                        undo.pop();
                        out.send(Event::Failed { job, error });
                        out.send(Event::Saved {
                            undo_depth: undo.len(),
                        });
                    } else if let Some(step) = undo.pop() {
                        catalog.write(&who(), |tx| {
                            match &step {
                                UndoStep::Tag(items) => {
                                    for (id, change) in items {
                                        tx.tag(*id, change)?;
                                    }
                                }
                                UndoStep::Review(items) => {
                                    for (id, status) in items {
                                        tx.review(*id, Some(status), None)?;
                                    }
                                }
                                UndoStep::DoNotPublish(items) => {
                                    for (id, value) in items {
                                        tx.set_do_not_publish(*id, *value)?;
                                    }
                                }
                                UndoStep::Kept(_) => {}
                            }
                            Ok(())
                        })?;

                        out.send(Event::Saved {
                            undo_depth: undo.len(),
                        });
                        let _ = self_tx.try_send((HOUSEKEEPING, Command::Reload));
                    }
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

/// What undoes one user action.
enum UndoStep {
    /// Per item, the tag change that restores it.
    Tag(Vec<(i64, TagChange)>),
    /// Per item, the review status it had.
    Review(Vec<(i64, String)>),
    /// Per item, its "do not publish" flag before.
    DoNotPublish(Vec<(i64, bool)>),
    /// An action that is not undone (a review note, a redaction): undoing it says so, and never
    /// reaches past it to an older step.
    Kept(&'static str),
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

/// The change that takes `after` back to `before`.
fn restore(before: &ItemRow, after: &ItemRow) -> TagChange {
    let changed = |a: &Option<String>, b: &Option<String>| (a != b).then(|| a.clone());
    let missing = |from: &[String], in_: &[String]| {
        from.iter()
            .filter(|x| !in_.contains(x))
            .cloned()
            .collect::<Vec<_>>()
    };
    TagChange {
        date: (before.event_date != after.event_date).then(|| {
            before
                .event_date
                .as_deref()
                .and_then(|t| EventDate::parse(t).ok())
        }),
        place: (before.place_path != after.place_path)
            .then(|| (!before.place_path.is_empty()).then(|| before.place_path.join(" > "))),
        caption: changed(&before.caption, &after.caption),
        source: changed(&before.source, &after.source),
        credit: changed(&before.credit, &after.credit),
        add_people: missing(&before.people, &after.people),
        remove_people: missing(&after.people, &before.people),
        add_tags: missing(&before.tags, &after.tags),
        remove_tags: missing(&after.tags, &before.tags),
    }
}
