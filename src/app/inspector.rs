//! The right inspector: a large preview, the file's facts, and the tagging editors. An edit is
//! sent when the user commits it (Enter, focus leaving a field the user changed, or a click) and
//! recorded in the history; with several items selected it applies to all of them. What each
//! editor holds across the selection, and when it may be written, is `editing`'s model: fields
//! the user did not change are never written, and reloads never replace an edit in progress.

use super::editing::{FieldEditor, FieldValue, Original, stored};
use super::thumbs::{Lookup, TextureCache, paint_fitted};
use super::{Action, SelectMode, ViewCtx};
use crate::catalog::{ItemRow, TagChange};
use crate::dates::{EventDate, PartOfDay, Precision};

mod date;
pub use date::DateEditor;
use date::date_editor_ui;

/// The inspector's editors, for the selection they were loaded for. Each field editor knows
/// its value across the selection (see `editing`), so only what the user changed is written.
#[derive(Default)]
pub struct InspectorState {
    /// The items the editors hold values of (empty: nothing loaded yet).
    pub for_ids: Vec<i64>,
    pub caption: FieldEditor<String>,
    pub date: FieldEditor<DateEditor>,
    pub place: FieldEditor<String>,
    pub person_new: String,
    pub keyword_new: String,
    pub source: FieldEditor<String>,
    pub credit: FieldEditor<String>,
    pub date_error: Option<String>,
    /// A date typed as said («4 января вечером»): read live, written by Apply.
    pub date_phrase: String,
}

impl FieldValue for DateEditor {}

impl InspectorState {
    /// Takes the catalogue's records of the selection `ids`. For the same selection the editors
    /// are refreshed (an edit in progress is kept); for another one they start afresh.
    pub fn load(&mut self, ids: &[i64], items: &[ItemRow]) {
        let values = |f: fn(&ItemRow) -> String| Original::of(items.iter().map(f));
        let caption = values(|i| i.caption.clone().unwrap_or_default());
        let place = values(|i| i.place_path.join(" > "));
        let source = values(|i| i.source.clone().unwrap_or_default());
        let credit = values(|i| i.credit.clone().unwrap_or_default());
        let date = Original::of(items.iter().map(|i| {
            DateEditor::from_date(
                i.event_date
                    .as_deref()
                    .and_then(|t| EventDate::parse(t).ok())
                    .as_ref(),
            )
        }));
        if self.for_ids == ids {
            self.caption.refresh(caption);
            self.place.refresh(place);
            self.source.refresh(source);
            self.credit.refresh(credit);
            self.date.refresh(date);
        } else {
            *self = InspectorState {
                for_ids: ids.to_vec(),
                caption: FieldEditor::new(caption),
                date: FieldEditor::new(date),
                place: FieldEditor::new(place),
                source: FieldEditor::new(source),
                credit: FieldEditor::new(credit),
                ..Default::default()
            };
        }
    }

    /// Whether the editors hold the values of the selection `ids`.
    pub fn is_for(&self, ids: &[i64]) -> bool {
        !ids.is_empty() && self.for_ids == ids
    }

    /// Commits every text field the user changed and did not commit yet (the selection is
    /// about to change): the changes to write to `for_ids`. Fields waiting on a conflict are
    /// left to the user and dropped with the editors.
    pub fn take_pending(&mut self) -> Vec<TagChange> {
        let mut out = Vec::new();
        let text = |f: &mut FieldEditor<String>| f.commit().map(|v| stored(&v));
        if let Some(v) = text(&mut self.caption) {
            out.push(TagChange {
                caption: Some(v),
                ..Default::default()
            });
        }
        if let Some(v) = text(&mut self.place) {
            out.push(TagChange {
                place: Some(v),
                ..Default::default()
            });
        }
        if let Some(v) = text(&mut self.source) {
            out.push(TagChange {
                source: Some(v),
                ..Default::default()
            });
        }
        if let Some(v) = text(&mut self.credit) {
            out.push(TagChange {
                credit: Some(v),
                ..Default::default()
            });
        }
        out
    }

    pub fn clear(&mut self) {
        *self = InspectorState::default();
    }
}

pub fn inspector_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    detail: Option<&ItemRow>,
    st: &mut InspectorState,
    previews: &mut TextureCache,
    actions: &mut Vec<Action>,
) {
    let s = v.s;
    let n = v.selection.ids.len();
    if n == 0 {
        ui.centered_and_justified(|ui| ui.weak(s.no_selection));
        return;
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if n > 1 {
                ui.add_space(6.0);
                ui.strong(format!("{n} {}", s.n_selected));
            } else if let Some(item) = detail {
                preview_ui(ui, v, item, previews);
                if item.incomplete {
                    ui.colored_label(egui::Color32::from_rgb(230, 140, 20), s.incomplete);
                }
                if item.media == "video" && ui.button(s.open_in_player).clicked() {
                    actions.push(Action::OpenExternally(
                        v.library.root().join(&item.stored_path),
                    ));
                }
                facts_ui(ui, s, item);
                similar_ui(ui, v, item.id, actions);
            } else {
                ui.spinner();
                return;
            }
            ui.separator();
            let ids: Vec<i64> = v.selection.ids.iter().copied().collect();
            if st.is_for(&ids) {
                edit_ui(
                    ui,
                    v,
                    detail.filter(|d| n == 1 && ids == [d.id]),
                    st,
                    actions,
                );
            } else {
                ui.spinner();
            }
        });
}

fn preview_ui(ui: &mut egui::Ui, v: &ViewCtx<'_>, item: &ItemRow, previews: &mut TextureCache) {
    let width = ui.available_width();
    let height = width * 0.75;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    ui.painter()
        .rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    if !item.has_preview {
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            format!("{}\n—", item.format.to_uppercase()),
            egui::FontId::proportional(18.0),
            ui.visuals().weak_text_color(),
        );
        return;
    }
    let lib = v.library;
    match previews.get(&item.sha256, || lib.preview_path(&item.sha256)) {
        Lookup::Ready(tex) => paint_fitted(ui.painter(), tex, rect),
        Lookup::Pending => {
            ui.put(
                egui::Rect::from_center_size(rect.center(), egui::vec2(24.0, 24.0)),
                egui::Spinner::new(),
            );
        }
        Lookup::Missing => {}
    }
}

fn facts_ui(ui: &mut egui::Ui, s: &crate::i18n::Strings, item: &ItemRow) {
    egui::CollapsingHeader::new(s.file_facts)
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("facts")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    let mut row = |k: &str, val: String| {
                        ui.weak(k);
                        ui.add(egui::Label::new(val).wrap());
                        ui.end_row();
                    };
                    row("SHA-256", item.sha256.clone());
                    row(s.file_facts, item.original_name.clone());
                    row(s.format, item.format.to_uppercase());
                    row(
                        s.size,
                        format!("{:.2} MB ({} B)", item.size as f64 / 1e6, item.size),
                    );
                    if let (Some(w), Some(h)) = (item.width, item.height) {
                        row(s.pixels, format!("{w} × {h}"));
                    }
                    if let Some(d) = item.duration_s {
                        row(s.duration, crate::view::duration_label(d));
                    }
                    let mut captured = match &item.capture_time {
                        Some(t) if item.capture_offset_known => t.clone(),
                        Some(t) => format!("{t} ({})", s.offset_unknown),
                        None => "—".into(),
                    };
                    match item.capture_source.as_deref() {
                        Some("xmp") => captured = format!("{captured}, {}", s.from_xmp),
                        Some("container") => captured = format!("{captured}, {}", s.from_container),
                        _ => {}
                    }
                    row(s.captured, captured);
                    if item.flags.iter().any(|f| f == crate::verify::DATE_MISMATCH) {
                        row(s.date_mismatch, s.date_mismatch_detail.to_string());
                    }
                    if let Some(c) = &item.camera {
                        row(
                            s.camera,
                            [c.make.clone(), c.model.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" "),
                        );
                    }
                    row(
                        s.gps,
                        item.gps
                            .as_ref()
                            .map(|g| format!("{:.6}, {:.6}", g.lat, g.lon))
                            .unwrap_or_else(|| "—".into()),
                    );
                });
        });
}

/// The item's near-duplicates: names that select them (those the filters hide are named only).
fn similar_ui(ui: &mut egui::Ui, v: &ViewCtx<'_>, id: i64, actions: &mut Vec<Action>) {
    let Some(summary) = v.items.iter().find(|i| i.id == id) else {
        return;
    };
    if summary.similar.is_empty() {
        return;
    }
    let s = v.s;
    egui::CollapsingHeader::new(format!("{} ({})", s.similar_items, summary.similar.len()))
        .default_open(true)
        .show(ui, |ui| {
            for &(other, distance) in summary.similar.iter().take(12) {
                let Some(it) = v.items.iter().find(|i| i.id == other) else {
                    continue;
                };
                let label = format!("{}  · {distance}", it.original_name);
                match v.visible.iter().position(|&i| v.items[i].id == other) {
                    Some(index) => {
                        if ui.link(label).clicked() {
                            actions.push(Action::Select {
                                index,
                                mode: SelectMode::Replace,
                            });
                        }
                    }
                    None => {
                        ui.weak(label).on_hover_text(s.hidden_by_filters);
                    }
                }
            }
        });
}

fn labelled_line(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) -> egui::Response {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(l.id)
}

/// Whether a single-line field was committed this frame (Enter or focus left after a change).
fn committed(r: &egui::Response) -> bool {
    r.lost_focus()
}

/// One text field's editor: the mixed hint over different values, a commit when focus leaves
/// after a change (and only then), and the choice offered when the catalogue changed underneath
/// an edit. Returns the editor's response and the value to write, if any.
fn field_ui(
    ui: &mut egui::Ui,
    s: &crate::i18n::Strings,
    (label, source): (&str, Option<&str>),
    f: &mut FieldEditor<String>,
    hint: &str,
    multiline: bool,
) -> (egui::Response, Option<Option<String>>) {
    let l = origin::label(ui, s, label, source);
    let hint = f
        .mixed_hint()
        .map(|n| s.different(n))
        .unwrap_or_else(|| hint.to_string());
    let edit = if multiline {
        egui::TextEdit::multiline(&mut f.value).desired_rows(3)
    } else {
        egui::TextEdit::singleline(&mut f.value)
    };
    let r = ui
        .add(edit.hint_text(hint).desired_width(f32::INFINITY))
        .labelled_by(l.id);
    let mut write = if committed(&r) { f.commit() } else { None };
    if let Some(theirs) = f.conflict() {
        let theirs = match theirs {
            Original::Shared(v) if v.trim().is_empty() => "—".to_string(),
            Original::Shared(v) => v.clone(),
            Original::Mixed(n) => s.different(*n),
        };
        conflict_ui(ui, s, &theirs, |keep| {
            if keep {
                write = f.keep_mine();
            } else {
                f.take_theirs();
            }
        });
    }
    (r, write.map(|v| stored(&v)))
}

/// The notice under an editor whose field changed in the catalogue while the user edited it.
/// `choose(true)` keeps the user's value, `choose(false)` takes the catalogue's.
fn conflict_ui(
    ui: &mut egui::Ui,
    s: &crate::i18n::Strings,
    theirs: &str,
    choose: impl FnOnce(bool),
) {
    let mut choice = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new(format!("{} {theirs}", s.changed_elsewhere))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
        if ui.small_button(s.keep_mine).clicked() {
            choice = Some(true);
        }
        if ui.small_button(s.take_theirs).clicked() {
            choice = Some(false);
        }
    });
    if let Some(keep) = choice {
        choose(keep);
    }
}

fn edit_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    item: Option<&ItemRow>,
    st: &mut InspectorState,
    actions: &mut Vec<Action>,
) {
    let s = v.s;
    let ids = st.for_ids.clone();
    let tag = |actions: &mut Vec<Action>, change: TagChange| {
        actions.push(Action::TagItems {
            ids: ids.clone(),
            change: Box::new(change),
        })
    };

    // Caption.
    let (_, write) = field_ui(
        ui,
        s,
        (s.caption, origin::of(item, "caption")),
        &mut st.caption,
        "",
        true,
    );
    if let Some(caption) = write {
        tag(
            actions,
            TagChange {
                caption: Some(caption),
                ..Default::default()
            },
        );
    }

    // Event date.
    ui.add_space(6.0);
    date_editor_ui(ui, s, v.items, st, item, &mut |change| tag(actions, change));

    // Place, with suggestions from existing places and their aliases.
    ui.add_space(6.0);
    let (r, mut write) = field_ui(
        ui,
        s,
        (s.place, origin::of(item, "place")),
        &mut st.place,
        "Алматы > Площадь Республики",
        false,
    );
    let suggestions = place_suggestions(v, &st.place.value);
    if r.has_focus() && !st.place.value.is_empty() && !suggestions.is_empty() {
        let mut chosen = None;
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            for (path, alias) in suggestions.iter().take(8) {
                // "Алматы — matched Almaty": which alias found it.
                let label = match alias {
                    Some(a) => format!("{path} — {}", s.entities.matched.replace("{}", a)),
                    None => path.clone(),
                };
                if ui.selectable_label(false, label).clicked() {
                    chosen = Some(path.clone());
                }
            }
        });
        if let Some(path) = chosen {
            st.place.value = path;
            if let Some(place) = st.place.commit() {
                write = Some(stored(&place));
            }
        }
    }
    if let Some(place) = write {
        tag(
            actions,
            TagChange {
                place: Some(place),
                ..Default::default()
            },
        );
    }
    // The item's place, placed by a click on the map.
    if let Some(pick) = item.and_then(|i| super::map_links::pick_for_item(v, i.id))
        && ui.small_button(s.map_links.set_on_map).clicked()
    {
        actions.push(Action::PickOnMap(pick));
    }

    // People.
    ui.add_space(6.0);
    origin::label(ui, s, s.people, origin::of(item, "people"));
    if let Some(item) = item {
        chips(ui, &item.people, s.remove, |name| {
            tag(
                actions,
                TagChange {
                    remove_people: vec![name.clone()],
                    ..Default::default()
                },
            )
        });
    }
    let r = labelled_line(ui, s.person_add, &mut st.person_new, "Жанболат Мамай");
    let mut add_person = None;
    if r.has_focus() && !st.person_new.trim().is_empty() {
        // Names and aliases in any script; an alias that matched is shown.
        let matches: Vec<(&String, Option<&str>)> = v
            .people
            .iter()
            .filter_map(|p| {
                super::entities::skeleton_match(&p.name, &p.aliases, &st.person_new)
                    .map(|alias| (&p.name, alias))
            })
            .take(8)
            .collect();
        if !matches.is_empty() {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                for (p, alias) in matches {
                    let label = match alias {
                        Some(a) => format!("{p} — {}", s.entities.matched.replace("{}", a)),
                        None => p.clone(),
                    };
                    if ui.selectable_label(false, label).clicked() {
                        add_person = Some(p.clone());
                    }
                }
            });
        }
    }
    if add_person.is_none() && committed(&r) && !st.person_new.trim().is_empty() {
        add_person = Some(st.person_new.trim().to_string());
    }
    if let Some(p) = add_person {
        tag(
            actions,
            TagChange {
                add_people: vec![p],
                ..Default::default()
            },
        );
        st.person_new.clear();
    }

    // Keywords.
    ui.add_space(6.0);
    origin::label(ui, s, s.keywords, origin::of(item, "keywords"));
    if let Some(item) = item {
        chips(ui, &item.tags, s.remove, |word| {
            tag(
                actions,
                TagChange {
                    remove_tags: vec![word.clone()],
                    ..Default::default()
                },
            )
        });
    }
    let r = labelled_line(ui, s.keyword_add, &mut st.keyword_new, "");
    if committed(&r) && !st.keyword_new.trim().is_empty() {
        tag(
            actions,
            TagChange {
                add_tags: vec![st.keyword_new.trim().to_string()],
                ..Default::default()
            },
        );
        st.keyword_new.clear();
    }

    // Source and credit.
    ui.add_space(6.0);
    let (_, write) = field_ui(
        ui,
        s,
        (s.source, origin::of(item, "source")),
        &mut st.source,
        "",
        false,
    );
    if let Some(source) = write {
        tag(
            actions,
            TagChange {
                source: Some(source),
                ..Default::default()
            },
        );
    }
    let (_, write) = field_ui(
        ui,
        s,
        (s.credit, origin::of(item, "credit")),
        &mut st.credit,
        "",
        false,
    );
    if let Some(credit) = write {
        tag(
            actions,
            TagChange {
                credit: Some(credit),
                ..Default::default()
            },
        );
    }

    // Creator and copyright, as the files said them (read-only).
    let p = s.provenance;
    for (name, value, field) in [
        (
            p.creator,
            item.and_then(|i| i.creator.as_deref()),
            "creator",
        ),
        (
            p.copyright,
            item.and_then(|i| i.copyright.as_deref()),
            "copyright",
        ),
    ] {
        origin::read_only(ui, s, name, value, origin::of(item, field));
    }
}

fn chips(ui: &mut egui::Ui, values: &[String], remove: &str, mut on_remove: impl FnMut(&String)) {
    ui.horizontal_wrapped(|ui| {
        for value in values {
            ui.label(egui::RichText::new(value).background_color(ui.visuals().faint_bg_color));
            if ui
                .small_button("×")
                .on_hover_text(format!("{remove}: {value}"))
                .clicked()
            {
                on_remove(value);
            }
        }
    });
}

/// Places whose name or an alias matches what was typed, in any script: (full path, the alias
/// that matched).
fn place_suggestions(v: &ViewCtx<'_>, typed: &str) -> Vec<(String, Option<String>)> {
    let last = typed.rsplit('>').next().unwrap_or("").trim();
    if last.is_empty() {
        return Vec::new();
    }
    v.places
        .iter()
        .filter_map(|p| {
            let path = p.path.join(" > ");
            if path == typed.trim() {
                return None;
            }
            super::entities::skeleton_match(&p.name, &p.aliases, last)
                .map(|alias| (path, alias.map(str::to_string)))
        })
        .collect()
}

mod origin;

#[cfg(test)]
mod tests;
