//! What the app does with what the worker reports (`on_event`) and with what the user does
//! (`apply`): the state changes behind every panel.

use super::*;

impl KadrApp {
    pub(super) fn on_event(&mut self, event: Event) {
        match event {
            Event::Loaded {
                items,
                places,
                people,
                counts,
                home_zone,
                tile_source,
            } => {
                self.tiles.set_source(tile_source.as_deref());
                if !self.home_zone.editing {
                    self.home_zone.text = home_zone.clone().unwrap_or_default();
                }
                self.home_zone.stored = home_zone;
                self.items = items;
                self.places = places;
                self.people = people;
                self.counts = counts;
                self.loaded = true;
                self.paired = false;
                self.search.again = !self.search.sent.is_empty();
                let present: BTreeSet<i64> = self.items.iter().map(|i| i.id).collect();
                self.selection.ids.retain(|id| present.contains(id));
                self.request_detail();
            }
            Event::Paired { mut near } => {
                // In place when nothing else holds the list (the usual case).
                let items = Arc::make_mut(&mut self.items);
                for it in items.iter_mut() {
                    it.similar = near.remove(&it.id).unwrap_or_default();
                }
                self.paired = true;
                // The facets and the "Has near-duplicates" filter read `similar`.
                self.facets = None;
                self.visible_for = None;
            }
            Event::Searched { job, ids } => self.search.answered(job, ids),
            Event::Detail {
                request,
                ids,
                items,
                history,
            } => {
                if request == self.detail_request {
                    self.history = history;
                    self.inspector.load(&ids, &items);
                    self.detail = match <[ItemRow; 1]>::try_from(items) {
                        Ok([item]) => Some(item),
                        Err(_) => None,
                    };
                }
            }
            Event::Saved { undo, redo } => {
                self.undo = undo;
                self.redo = redo;
                self.request_detail();
            }
            Event::ImportStarted { job, files, bytes } if self.jobs.import == Some(job) => {
                self.import.started(files, bytes)
            }
            Event::ImportProgress {
                job,
                files_done,
                bytes_done,
            } if self.jobs.import == Some(job) => self.import.progress(files_done, bytes_done),
            Event::ImportDone { job, report } if self.jobs.import == Some(job) => {
                self.jobs.import = None;
                self.import.finished(*report);
            }
            Event::DemoDone { job, .. } if self.jobs.demo == Some(job) => {
                self.jobs.demo = None;
                self.import.running = false;
            }
            Event::VerifyProgress { job, done, total } if self.jobs.verify == Some(job) => {
                self.verify.done = done;
                self.verify.total = total;
            }
            Event::VerifyDone { job, report } if self.jobs.verify == Some(job) => {
                self.jobs.verify = None;
                self.verify.running = false;
                self.verify.report = Some(*report);
            }
            Event::ExportDone { job, line } if self.jobs.export == Some(job) => {
                self.jobs.export = None;
                self.export.running = false;
                self.export.open = false;
                self.message = Some(line);
            }
            Event::Failed { job, error } => {
                // Only the job that failed has ended.
                if self.jobs.import == Some(job) {
                    self.jobs.import = None;
                    self.import.running = false;
                }
                if self.jobs.demo == Some(job) {
                    self.jobs.demo = None;
                    self.import.running = false;
                }
                if self.jobs.export == Some(job) {
                    self.jobs.export = None;
                    self.export.running = false;
                }
                if self.jobs.verify == Some(job) {
                    self.jobs.verify = None;
                    self.verify.running = false;
                }
                self.message = Some(error);
            }
            // An event of a job the app no longer follows.
            Event::ImportStarted { .. }
            | Event::ImportProgress { .. }
            | Event::ImportDone { .. }
            | Event::DemoDone { .. }
            | Event::VerifyProgress { .. }
            | Event::VerifyDone { .. }
            | Event::ExportDone { .. } => {}
        }
    }

    /// Asks for the records of the selected items (the inspector's editors and, for one item,
    /// its facts and history). When the selection changed, edits the user made on the previous
    /// one and did not commit yet are written to it first.
    pub(super) fn request_detail(&mut self) {
        self.detail_request += 1;
        let ids = self.selected_ids();
        if self.inspector.for_ids != ids {
            let before = std::mem::take(&mut self.inspector.for_ids);
            for change in self.inspector.take_pending() {
                if !before.is_empty() {
                    self.worker.send(Command::Tag {
                        ids: before.clone(),
                        change: Box::new(change),
                    });
                }
            }
            self.inspector.clear();
            if self.detail.as_ref().is_some_and(|d| ids != [d.id]) {
                self.detail = None;
            }
        }
        if ids.is_empty() {
            self.detail = None;
            self.history.clear();
        } else {
            self.worker.send(Command::Detail {
                ids,
                request: self.detail_request,
            });
        }
    }

    pub(super) fn index_of(&self, id: i64) -> Option<usize> {
        self.visible.iter().position(|&i| self.items[i].id == id)
    }

    pub(super) fn apply(&mut self, action: Action) {
        match action {
            Action::Select { index, mode } => {
                let Some(&item) = self.visible.get(index) else {
                    return;
                };
                let id = self.items[item].id;
                match mode {
                    SelectMode::Replace => {
                        self.selection.ids = BTreeSet::from([id]);
                        self.selection.anchor = Some(id);
                    }
                    SelectMode::Toggle => {
                        if !self.selection.ids.remove(&id) {
                            self.selection.ids.insert(id);
                        }
                        self.selection.anchor = Some(id);
                    }
                    SelectMode::Range => {
                        let from = self
                            .selection
                            .anchor
                            .and_then(|a| self.index_of(a))
                            .unwrap_or(index);
                        let (a, b) = (from.min(index), from.max(index));
                        self.selection.ids = self.visible[a..=b]
                            .iter()
                            .map(|&i| self.items[i].id)
                            .collect();
                    }
                }
                self.selection.focus = Some(id);
                self.request_detail();
            }
            Action::SelectMany { indices, add } => {
                if !add {
                    self.selection.ids.clear();
                }
                let ids: Vec<i64> = indices
                    .iter()
                    .filter_map(|&k| self.visible.get(k))
                    .map(|&i| self.items[i].id)
                    .collect();
                self.selection.ids.extend(&ids);
                if let Some(&first) = ids.first() {
                    self.selection.anchor = Some(first);
                    self.selection.focus = Some(first);
                }
                self.request_detail();
            }
            Action::SelectAll => {
                self.selection.ids = self.visible.iter().map(|&i| self.items[i].id).collect();
                self.request_detail();
            }
            Action::Move(delta) => {
                let cur = self.selection.focus.and_then(|f| self.index_of(f));
                let next = match cur {
                    Some(c) => {
                        (c as isize + delta).clamp(0, self.visible.len() as isize - 1) as usize
                    }
                    None => 0,
                };
                if !self.visible.is_empty() {
                    self.apply(Action::Select {
                        index: next,
                        mode: SelectMode::Replace,
                    });
                    if self.full.is_some() {
                        self.full = self.selection.focus;
                        self.full_zoom = 1.0;
                        self.full_pan = egui::Vec2::ZERO;
                    }
                    self.chronicle.scroll_to = Some(next);
                }
            }
            Action::OpenFull(index) => {
                self.apply(Action::Select {
                    index,
                    mode: SelectMode::Replace,
                });
                self.full = self.selection.focus;
                self.full_zoom = 1.0;
                self.full_pan = egui::Vec2::ZERO;
            }
            Action::CloseFull => {
                self.full = None;
                self.redacting = false;
                // Esc also ends placing a place on the map.
                if let Some(pick) = self.map.picking.take() {
                    self.apply(Action::PickCancelled(pick));
                }
            }
            Action::FilterToMapArea(on) => {
                self.filter.area = if on { self.map.view_box() } else { None };
                if on {
                    self.map.hold_view();
                }
            }
            Action::PickOnMap(pick) => {
                if pick.reopen {
                    self.entities.open = false;
                }
                self.full = None;
                self.prefs.view = View::Map;
                self.map.picking = Some(pick);
            }
            Action::PickedOnMap { pick, at } => {
                if pick.reopen {
                    self.entities.open = true;
                    self.entities.show_position(pick.id, at);
                }
                self.apply(Action::Entity(entities::EntityEdit::Locate {
                    id: pick.id,
                    at: Some(at),
                    radius_m: pick.radius_m,
                }));
            }
            Action::PickCancelled(pick) => {
                if pick.reopen {
                    self.entities.open = true;
                }
            }
            Action::OpenExternally(path) => open_externally(path),
            Action::Entity(edit) => {
                // An answer already on its way predates this write: drop it.
                self.detail_request += 1;
                self.worker.send(edit.into_command());
            }
            Action::Tag(change) => {
                if !self.selection.ids.is_empty() {
                    self.worker.send(Command::Tag {
                        ids: self.selected_ids(),
                        change,
                    });
                }
            }
            Action::TagItems { ids, change } => {
                if !ids.is_empty() {
                    // An answer already on its way predates this write: drop it.
                    self.detail_request += 1;
                    self.worker.send(Command::Tag { ids, change });
                }
            }
            Action::Undo => {
                // An answer already on its way predates the undo: drop it.
                self.detail_request += 1;
                self.worker.send(Command::Undo);
            }
            Action::Redo => {
                self.detail_request += 1;
                self.worker.send(Command::Redo);
            }
            Action::Import(paths) => {
                if !paths.is_empty() && !self.import.running {
                    self.import.begin();
                    self.worker
                        .cancel
                        .store(false, std::sync::atomic::Ordering::SeqCst);
                    self.jobs.import = Some(self.worker.send(Command::Import { paths }));
                }
            }
            Action::CancelImport => self
                .worker
                .cancel
                .store(true, std::sync::atomic::Ordering::SeqCst),
            Action::Review {
                status,
                note,
                advance,
            } => {
                // Review mode works one item at a time: only the current one, never the
                // whole selection.
                let ids = if advance {
                    self.selection.focus.into_iter().collect()
                } else {
                    self.selected_ids()
                };
                if !ids.is_empty() {
                    self.worker.send(Command::Review { ids, status, note });
                    if advance {
                        self.apply(Action::Move(1));
                    }
                }
            }
            Action::DoNotPublish(value) => {
                if !self.selection.ids.is_empty() {
                    self.worker.send(Command::DoNotPublish {
                        ids: self.selected_ids(),
                        value,
                    });
                }
            }
            Action::Redact(rect) => {
                if let Some(id) = self.selection.focus {
                    self.worker.send(Command::Redact { id, rect });
                }
            }
            Action::StartRedacting => {
                if let Some(f) = self.selection.focus {
                    self.full = Some(f);
                    self.full_zoom = 1.0;
                    self.full_pan = egui::Vec2::ZERO;
                    self.redacting = true;
                }
            }
            Action::Export => {
                let st = &self.export;
                let ids: Vec<i64> = if st.whole_view {
                    self.visible.iter().map(|&i| self.items[i].id).collect()
                } else {
                    self.selected_ids()
                };
                let options = crate::export::Options {
                    format: export_dialog::formats(self.prefs.lang.strings())[st.format]
                        .0
                        .to_string(),
                    out: PathBuf::from(st.out.trim()),
                    force: st.force,
                    items: ids.iter().map(|id| id.to_string()).collect(),
                    filter: Default::default(),
                    include_do_not_publish: st.include_do_not_publish,
                    lang: self.prefs.lang,
                };
                self.jobs.export = Some(self.worker.send(Command::Export(Box::new(options))));
            }
            Action::VerifyOriginals => {
                if !self.verify.running {
                    self.verify = VerifyState {
                        running: true,
                        ..Default::default()
                    };
                    self.jobs.verify = Some(self.worker.send(Command::VerifyOriginals));
                }
            }
            Action::LoadDemo => {
                if !self.import.running {
                    self.import.running = true;
                    self.jobs.demo = Some(self.worker.send(Command::Demo));
                }
            }
        }
    }
}
