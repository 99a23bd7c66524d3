//! The left sidebar: facets with counts. Clicking one narrows the centre view; clicking it
//! again lifts the filter.

use crate::i18n::Strings;
use crate::view::{Facets, ViewFilter};

/// `f`: counts over the whole library (computed once per reload), so the facets stay put while
/// filters change.
pub fn sidebar_ui(ui: &mut egui::Ui, s: &Strings, f: &Facets, filter: &mut ViewFilter) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add_space(4.0);
            if ui
                .add_enabled(!filter.is_empty(), egui::Button::new(s.clear_filters))
                .clicked()
            {
                *filter = ViewFilter::default();
            }
            if filter.area.is_some() {
                // The map's "filter to map area" narrows every view: say so, and undo it here.
                ui.add_space(4.0);
                if ui
                    .selectable_label(true, s.map_links.area_on)
                    .on_hover_text(s.map_links.area_clear)
                    .clicked()
                {
                    filter.area = None;
                }
            }
            ui.add_space(4.0);
            egui::CollapsingHeader::new(s.review_status)
                .default_open(true)
                .show(ui, |ui| {
                    for (status, n) in &f.statuses {
                        let on = filter.status.as_deref() == Some(*status);
                        if ui
                            .selectable_label(on, format!("{}  ({n})", s.status(status)))
                            .clicked()
                        {
                            filter.status = (!on).then(|| status.to_string());
                        }
                    }
                    let on = filter.undated;
                    if ui
                        .selectable_label(on, format!("{}  ({})", s.undated, f.undated))
                        .clicked()
                    {
                        filter.undated = !on;
                    }
                });
            egui::CollapsingHeader::new(s.verification)
                .id_salt("verification_facets")
                .default_open(true)
                .show(ui, |ui| {
                    let on = filter.date_mismatch;
                    if ui
                        .selectable_label(on, format!("{}  ({})", s.date_mismatch, f.date_mismatch))
                        .on_hover_text(s.date_mismatch_detail)
                        .clicked()
                    {
                        filter.date_mismatch = !on;
                    }
                    let on = filter.near_duplicates;
                    if ui
                        .selectable_label(
                            on,
                            format!("{}  ({})", s.near_duplicates, f.near_duplicates),
                        )
                        .clicked()
                    {
                        filter.near_duplicates = !on;
                    }
                });
            egui::CollapsingHeader::new(format!("{} ({})", s.people, f.people.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for (name, n) in &f.people {
                        let on = filter.person.as_deref() == Some(name.as_str());
                        if facet_row(ui, 0, on, || format!("{name}  ({n})")) {
                            filter.person = (!on).then(|| name.clone());
                        }
                    }
                });
            egui::CollapsingHeader::new(format!("{} ({})", s.places, f.places.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for (id, name, depth, n) in &f.places {
                        let on = filter.place == Some(*id);
                        if facet_row(ui, *depth, on, || format!("{name}  ({n})")) {
                            filter.place = (!on).then_some(*id);
                        }
                    }
                });
            egui::CollapsingHeader::new(format!("{} ({})", s.keywords, f.keywords.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for (word, n) in &f.keywords {
                        let on = filter.keyword.as_deref() == Some(word.as_str());
                        if facet_row(ui, 0, on, || format!("{word}  ({n})")) {
                            filter.keyword = (!on).then(|| word.clone());
                        }
                    }
                });
        });
}

/// One row of a long facet list (an archive has thousands of people and places): laid out as
/// a selectable label where the scroll area shows it, and only as space elsewhere, so a frame
/// costs what is on screen. Returns whether it was clicked.
fn facet_row(ui: &mut egui::Ui, depth: usize, on: bool, text: impl FnOnce() -> String) -> bool {
    let height = ui.spacing().interact_size.y;
    let row = egui::Rect::from_min_size(ui.cursor().min, egui::vec2(ui.available_width(), height));
    if !ui.is_rect_visible(row) {
        ui.allocate_space(egui::vec2(row.width(), height));
        return false;
    }
    ui.horizontal(|ui| {
        ui.add_space(depth as f32 * 14.0);
        ui.selectable_label(on, text()).clicked()
    })
    .inner
}
