//! The app's background side: one thread owns the catalogue connection and answers commands;
//! imports run on a thread of their own. Results come back as `Event`s on a bounded channel,
//! and every send wakes the UI. The UI thread never touches the database or the disk.

use crate::catalog::{HistoryEntry, ItemRow, ItemSummary, PlaceNode, TagChange};
use crate::dates::EventDate;
use crate::fixity::FixityReport;
use crate::ingest::{ImportEvent, ImportOptions, ImportReport};
use crate::library::Library;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

pub enum Command {
    /// Load every item summary, the places and the people.
    Reload,
    /// Load the full record of one item (for the inspector).
    Detail {
        id: i64,
        request: u64,
    },
    /// Apply one change to several items, as one undoable step.
    Tag {
        ids: Vec<i64>,
        change: Box<TagChange>,
    },
    /// Revert the last `Tag` step.
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
        item: Box<ItemRow>,
        history: Vec<HistoryEntry>,
    },
    Saved {
        undo_depth: usize,
    },
    ImportStarted {
        files: usize,
        bytes: u64,
    },
    ImportProgress {
        files_done: usize,
        bytes_done: u64,
    },
    ImportDone(Box<ImportReport>),
    DemoDone(Result<String, String>),
    VerifyProgress {
        done: usize,
        total: usize,
    },
    VerifyDone(Box<FixityReport>),
    /// The export's summary line, or why it failed.
    ExportDone(Result<String, String>),
    Error(String),
}

pub struct Worker {
    tx: SyncSender<Command>,
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
        let (tx, commands) = sync_channel::<Command>(64);
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
            rx,
            cancel,
            verify_cancel,
        }
    }

    pub fn send(&self, c: Command) {
        let _ = self.tx.send(c);
    }

    /// The next event, if any, without waiting.
    pub fn poll(&self) -> Option<Event> {
        self.rx.try_recv().ok()
    }
}

fn run(
    library: Library,
    actor: Arc<Mutex<String>>,
    commands: Receiver<Command>,
    self_tx: SyncSender<Command>,
    out: Out,
    (cancel, verify_cancel): (Arc<AtomicBool>, Arc<AtomicBool>),
) {
    let mut catalog = match library.catalog() {
        Ok(c) => c,
        Err(e) => {
            out.send(Event::Error(e.to_string()));
            return;
        }
    };
    // Each undo step: per item, the change that restores it.
    let mut undo: Vec<Vec<(i64, TagChange)>> = Vec::new();
    let who = || {
        actor
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|_| "unknown".into())
    };
    while let Ok(cmd) = commands.recv() {
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
                Command::Detail { id, request } => {
                    let item = catalog.item(id)?;
                    let history = catalog.history(Some(&item.sha256))?;
                    out.send(Event::Detail {
                        request,
                        item: Box::new(item),
                        history,
                    });
                }
                Command::Review { ids, status, note } => {
                    catalog.write(&who(), |tx| {
                        for id in &ids {
                            tx.review(*id, status.as_deref(), note.as_deref())?;
                        }
                        Ok(())
                    })?;
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                    let _ = self_tx.try_send(Command::Reload);
                }
                Command::DoNotPublish { ids, value } => {
                    catalog.write(&who(), |tx| {
                        for id in &ids {
                            tx.set_do_not_publish(*id, value)?;
                        }
                        Ok(())
                    })?;
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                }
                Command::Redact { id, rect } => {
                    catalog.write(&who(), |tx| match rect {
                        Some([x, y, w, h]) => tx.add_redaction(id, x, y, w, h).map(|_| ()),
                        None => tx.clear_redactions(id).map(|_| ()),
                    })?;
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                }
                Command::Export(options) => {
                    let (library, out, actor) = (library.clone(), out.clone(), who());
                    std::thread::spawn(move || {
                        let cancel = AtomicBool::new(false);
                        let r = crate::export::export(&library, &actor, &options, &cancel);
                        out.send(Event::ExportDone(
                            r.map(|s| s.line()).map_err(|e| e.to_string()),
                        ));
                    });
                }
                Command::VerifyOriginals => {
                    let (library, out, cancel) =
                        (library.clone(), out.clone(), verify_cancel.clone());
                    cancel.store(false, Ordering::SeqCst);
                    std::thread::spawn(move || {
                        let progress =
                            |done, total| out.offer(Event::VerifyProgress { done, total });
                        match crate::fixity::verify(&library, &cancel, progress) {
                            Ok(r) => out.send(Event::VerifyDone(Box::new(r))),
                            Err(e) => out.send(Event::Error(e.to_string())),
                        }
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
                    undo.push(step);
                    out.send(Event::Saved {
                        undo_depth: undo.len(),
                    });
                    let _ = self_tx.try_send(Command::Reload);
                }
                Command::Undo => {
                    if let Some(step) = undo.pop() {
                        catalog.write(&who(), |tx| {
                            for (id, change) in &step {
                                tx.tag(*id, change)?;
                            }
                            Ok(())
                        })?;
                        out.send(Event::Saved {
                            undo_depth: undo.len(),
                        });
                        let _ = self_tx.try_send(Command::Reload);
                    }
                }
                Command::Import { paths } => {
                    cancel.store(false, Ordering::SeqCst);
                    spawn_import(
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
                        let r = crate::demo::load_demo(&library, &actor);
                        out.send(Event::DemoDone(
                            r.map(|r| format!("{r:?}")).map_err(|e| e.to_string()),
                        ));
                        let _ = self_tx.send(Command::Reload);
                    });
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            out.send(Event::Error(e.to_string()));
        }
    }
}

fn spawn_import(
    library: Library,
    actor: String,
    paths: Vec<PathBuf>,
    out: Out,
    cancel: Arc<AtomicBool>,
    reload: SyncSender<Command>,
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
                            out.send(Event::ImportStarted { files, bytes })
                        }
                        ImportEvent::Progress {
                            files_done,
                            bytes_done,
                            ..
                        } => {
                            out.offer(Event::ImportProgress {
                                files_done,
                                bytes_done,
                            });
                            // Let new items appear while a long import runs.
                            if last_reload.elapsed() > std::time::Duration::from_secs(3) {
                                last_reload = std::time::Instant::now();
                                let _ = reload.try_send(Command::Reload);
                            }
                        }
                    },
                );
            match result {
                Ok(report) => out.send(Event::ImportDone(Box::new(report))),
                Err(e) => out.send(Event::Error(e.to_string())),
            }
            let _ = reload.send(Command::Reload);
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
