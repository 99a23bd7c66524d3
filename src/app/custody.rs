//! The inspector's custody section: review status and notes, "do not publish", redactions, and
//! the item's history as recorded in the hash-chained log.

use super::Action;
use super::review::status_color;
use crate::catalog::{HistoryEntry, ItemRow, REVIEW_STATUSES};
use crate::i18n::Strings;

#[derive(Default)]
pub struct CustodyState {
    pub note: String,
}

/// `item` is `None` when several items are selected: the review then applies to all of them.
pub fn custody_ui(
    ui: &mut egui::Ui,
    s: &Strings,
    item: Option<&ItemRow>,
    history: &[HistoryEntry],
    st: &mut CustodyState,
    actions: &mut Vec<Action>,
) {
    ui.add_space(6.0);
    ui.label(s.review_status);
    ui.horizontal_wrapped(|ui| {
        for status in REVIEW_STATUSES {
            let on = item.is_some_and(|i| i.review_status == *status);
            let text = egui::RichText::new(s.status(status)).color(status_color(ui, status));
            if ui.selectable_label(on, text).clicked() && !on {
                actions.push(Action::Review {
                    status: Some(status.to_string()),
                    note: None,
                    advance: false,
                });
            }
        }
    });
    if let Some(i) = item
        && let (Some(by), Some(at)) = (&i.review_by, &i.review_at)
    {
        ui.weak(format!("{by} · {at}"));
    }
    let l = ui.label(s.add_note);
    let r = ui
        .add(egui::TextEdit::singleline(&mut st.note).desired_width(f32::INFINITY))
        .labelled_by(l.id);
    if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) && !st.note.trim().is_empty()
    {
        actions.push(Action::Review {
            status: None,
            note: Some(st.note.trim().to_string()),
            advance: false,
        });
        st.note.clear();
    }
    if let Some(i) = item {
        for n in &i.notes {
            ui.label(egui::RichText::new(format!("{} · {}: {}", n.at, n.author, n.text)).small());
        }
    }
    let mut dnp = item.is_some_and(|i| i.do_not_publish);
    if ui.checkbox(&mut dnp, s.do_not_publish).changed() {
        actions.push(Action::DoNotPublish(dnp));
    }
    if let Some(i) = item {
        ui.horizontal(|ui| {
            ui.label(format!("{}: {}", s.redactions, i.redactions.len()));
            if ui
                .add_enabled(i.has_preview, egui::Button::new(s.redact))
                .clicked()
            {
                actions.push(Action::StartRedacting);
            }
            if ui
                .add_enabled(
                    !i.redactions.is_empty(),
                    egui::Button::new(s.clear_redactions),
                )
                .clicked()
            {
                actions.push(Action::Redact(None));
            }
        });
        egui::CollapsingHeader::new(format!("{} ({})", s.history, history.len()))
            .default_open(false)
            .show(ui, |ui| {
                for e in history.iter().rev() {
                    ui.label(
                        egui::RichText::new(format!(
                            "#{} {} · {} · {}",
                            e.seq, e.at, e.actor, e.action
                        ))
                        .small()
                        .strong(),
                    );
                    ui.label(egui::RichText::new(summary(&e.details)).small());
                }
            });
    }
}

/// A short readable form of an entry's details: `caption: "a" → "b"`.
fn summary(details: &serde_json::Value) -> String {
    let Some(map) = details.as_object() else {
        return details.to_string();
    };
    map.iter()
        .map(|(k, v)| match (v.get("from"), v.get("to")) {
            (Some(f), Some(t)) => format!("{k}: {} → {}", short(f), short(t)),
            _ => format!("{k}: {}", short(v)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
