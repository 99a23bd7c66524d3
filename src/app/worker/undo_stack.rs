//! The app's undo and redo: one step per user action, however many items it touched.

use super::*;

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
pub(super) struct Step {
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
    pub(super) undo: Vec<Step>,
    pub(super) redo: Vec<Step>,
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
