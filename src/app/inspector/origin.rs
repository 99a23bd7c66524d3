//! The small muted tag beside a described field saying where its value came from (the file's
//! own metadata, a sidecar, a person, an evidence bag), with a hover text saying what that means.

use crate::catalog::ItemRow;
use crate::i18n::Strings;

/// The recorded source of `field` of the one item shown (`None` with several selected or none
/// recorded).
pub(super) fn of<'a>(item: Option<&'a ItemRow>, field: &str) -> Option<&'a str> {
    item?.provenance.get(field).map(String::as_str)
}

/// Draws the tag of `source`, if it is one the inspector knows.
pub(super) fn tag(ui: &mut egui::Ui, s: &Strings, source: Option<&str>) {
    let Some((text, hover)) = source.and_then(|src| s.provenance.tag(src)) else {
        return;
    };
    ui.label(
        egui::RichText::new(text)
            .small()
            .color(ui.visuals().weak_text_color()),
    )
    .on_hover_text(hover);
}

/// A field's label with its source tag beside it; returns the label's response (editors are
/// labelled by it).
pub(super) fn label(
    ui: &mut egui::Ui,
    s: &Strings,
    label: &str,
    source: Option<&str>,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        tag(ui, s, source);
        l
    })
    .inner
}

/// A value files alone fill (creator, copyright), shown read-only under its label and tag;
/// nothing when the item has none.
pub(super) fn read_only(
    ui: &mut egui::Ui,
    s: &Strings,
    name: &str,
    value: Option<&str>,
    source: Option<&str>,
) {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return;
    };
    ui.add_space(6.0);
    label(ui, s, name, source);
    ui.add(egui::Label::new(value).wrap());
}
