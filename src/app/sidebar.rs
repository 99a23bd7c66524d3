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
                        if ui.selectable_label(on, format!("{name}  ({n})")).clicked() {
                            filter.person = (!on).then(|| name.clone());
                        }
                    }
                });
            egui::CollapsingHeader::new(format!("{} ({})", s.places, f.places.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for (id, name, depth, n) in &f.places {
                        ui.horizontal(|ui| {
                            ui.add_space(*depth as f32 * 14.0);
                            let on = filter.place == Some(*id);
                            if ui.selectable_label(on, format!("{name}  ({n})")).clicked() {
                                filter.place = (!on).then_some(*id);
                            }
                        });
                    }
                });
            egui::CollapsingHeader::new(format!("{} ({})", s.keywords, f.keywords.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for (word, n) in &f.keywords {
                        let on = filter.keyword.as_deref() == Some(word.as_str());
                        if ui.selectable_label(on, format!("{word}  ({n})")).clicked() {
                            filter.keyword = (!on).then(|| word.clone());
                        }
                    }
                });
        });
}
