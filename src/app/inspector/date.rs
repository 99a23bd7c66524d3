//! The inspector's event-date editor: a phrase read as you type, or the kind of date and
//! its parts, shown back before it is applied.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateKind {
    #[default]
    None,
    Exact,
    Day,
    Part,
    Month,
    Year,
    Interval,
}

/// The event date editor's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DateEditor {
    pub kind: DateKind,
    pub day: String,
    pub time: String,
    pub part: Option<PartOfDay>,
    pub month: String,
    pub year: String,
    pub from: String,
    pub to: String,
    pub approximate: bool,
    pub uncertain: bool,
    /// The qualifiers apply to the year alone (`2022?-01-04`: a year inferred from the capture
    /// time or the neighbours, the day and month as typed).
    pub year_only: bool,
}

impl DateEditor {
    pub fn from_date(d: Option<&EventDate>) -> DateEditor {
        let Some(d) = d else {
            return DateEditor::default();
        };
        let year_only = d.year_only_qualified() && d.precision != Precision::Year;
        let mut e = DateEditor {
            approximate: d.approximate,
            uncertain: d.uncertain,
            year_only,
            day: d.start.format("%Y-%m-%d").to_string(),
            month: d.start.format("%Y-%m").to_string(),
            year: d.start.format("%Y").to_string(),
            time: d.start.format("%H:%M").to_string(),
            part: d.part_of_day,
            ..Default::default()
        };
        let interval = d.edtf.contains('/');
        e.kind = if interval {
            let (a, b) = d.edtf.split_once('/').unwrap();
            let plain = |t: &str| {
                let t = t.trim_end_matches(['~', '?', '%']);
                match t.get(4..5) {
                    Some("~" | "?" | "%") if year_only => format!("{}{}", &t[..4], &t[5..]),
                    _ => t.to_string(),
                }
            };
            e.from = plain(a);
            e.to = plain(b);
            DateKind::Interval
        } else {
            match d.precision {
                Precision::Year => DateKind::Year,
                Precision::Month => DateKind::Month,
                Precision::Day => DateKind::Day,
                Precision::PartOfDay => DateKind::Part,
                Precision::Minute | Precision::Second => {
                    e.time = if d.precision == Precision::Second {
                        d.start.format("%H:%M:%S").to_string()
                    } else {
                        e.time
                    };
                    DateKind::Exact
                }
            }
        };
        e
    }

    /// The text form the editor describes (`None`: no date), or why it is not a date.
    pub fn to_date(&self) -> Result<Option<EventDate>, String> {
        let q = match (self.approximate, self.uncertain) {
            (true, true) => "%",
            (true, false) => "~",
            (false, true) => "?",
            _ => "",
        };
        // After the year (`2022?-01-04`) when only the year is in doubt, else after the date.
        let qualify = |date: &str| match date.get(..4) {
            Some(year) if self.year_only && date.len() > 4 => format!("{year}{q}{}", &date[4..]),
            _ => format!("{date}{q}"),
        };
        let text = match self.kind {
            DateKind::None => return Ok(None),
            DateKind::Exact if self.year_only => {
                format!("{}T{}", qualify(self.day.trim()), self.time.trim())
            }
            DateKind::Exact => format!("{}T{}{q}", self.day.trim(), self.time.trim()),
            DateKind::Day => qualify(self.day.trim()),
            DateKind::Part => {
                let part = self.part.unwrap_or(PartOfDay::Morning);
                format!("{} {}", qualify(self.day.trim()), part.as_str())
            }
            DateKind::Month => qualify(self.month.trim()),
            DateKind::Year => format!("{}{q}", self.year.trim()),
            DateKind::Interval => {
                format!("{}/{}", qualify(self.from.trim()), qualify(self.to.trim()))
            }
        };
        // EDTF puts the qualifier on the date, not on a time.
        let text = text.replace(&format!("{q}{q}"), q);
        EventDate::parse(&text).map(Some)
    }
}

pub(super) fn date_editor_ui(
    ui: &mut egui::Ui,
    s: &crate::i18n::Strings,
    items: &[crate::catalog::ItemSummary],
    st: &mut InspectorState,
    item: Option<&ItemRow>,
    tag: &mut dyn FnMut(TagChange),
) {
    // A date as people say it, read as it is typed; a year it does not name comes from the
    // (first) selected item's capture time, else its neighbours in the chronicle.
    let typed = egui::TextEdit::singleline(&mut st.date_phrase)
        .hint_text("4 января вечером · 4-қаңтар кешке · Jan 2022")
        .desired_width(f32::INFINITY);
    let typed = ui.add(typed);
    let phrase = st.date_phrase.trim().to_string();
    let read = (!phrase.is_empty()).then(|| {
        let context = st
            .for_ids
            .first()
            .map(|id| crate::view::phrase_context(items, *id))
            .unwrap_or_default();
        crate::dates::parse_phrase(&phrase, &context)
    });
    match &read {
        Some(Ok(p)) => {
            ui.label(crate::dates::describe(&p.date, s.lang));
            ui.weak(format!("→ {}", p.date.to_text()));
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().warn_fg_color, e);
        }
        None => {}
    }
    let enter =
        read.is_some() && typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let d = &mut st.date.value;
    let kinds = [
        (DateKind::None, s.date_none),
        (DateKind::Exact, s.date_exact),
        (DateKind::Day, s.date_day),
        (DateKind::Part, s.date_part),
        (DateKind::Month, s.date_month),
        (DateKind::Year, s.date_year),
        (DateKind::Interval, s.date_interval),
    ];
    let current = kinds
        .iter()
        .find(|k| k.0 == d.kind)
        .map(|k| k.1)
        .unwrap_or("");
    ui.horizontal(|ui| {
        egui::ComboBox::new("date_kind", s.event_date)
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (k, name) in kinds {
                    ui.selectable_value(&mut d.kind, k, name);
                }
            });
        origin::tag(ui, s, origin::of(item, "event_date"));
    });
    let field = |ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str| {
        ui.horizontal(|ui| {
            let l = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(120.0),
            )
            .labelled_by(l.id);
        });
    };
    match d.kind {
        DateKind::None => {}
        DateKind::Exact => {
            field(ui, s.date_day, &mut d.day, "2022-01-04");
            field(ui, "HH:MM", &mut d.time, "19:30");
        }
        DateKind::Day => field(ui, s.date_day, &mut d.day, "2022-01-04"),
        DateKind::Part => {
            field(ui, s.date_day, &mut d.day, "2022-01-04");
            ui.horizontal(|ui| {
                for (i, p) in PartOfDay::ALL.iter().enumerate() {
                    ui.selectable_value(&mut d.part, Some(*p), s.parts[i]);
                }
            });
        }
        DateKind::Month => field(ui, s.date_month, &mut d.month, "2022-01"),
        DateKind::Year => field(ui, s.date_year, &mut d.year, "2022"),
        DateKind::Interval => {
            field(ui, s.from, &mut d.from, "2022-01-04");
            field(ui, s.to, &mut d.to, "2022-01-05");
        }
    }
    if d.kind != DateKind::None {
        ui.horizontal(|ui| {
            if d.year_only {
                ui.checkbox(
                    &mut d.approximate,
                    format!("{} ({})", s.approximate, s.date_year),
                );
                ui.checkbox(
                    &mut d.uncertain,
                    format!("{} ({})", s.uncertain, s.date_year),
                );
            } else {
                ui.checkbox(&mut d.approximate, s.approximate);
                ui.checkbox(&mut d.uncertain, s.uncertain);
            }
        });
    }
    if let Some(n) = st.date.mixed_hint() {
        ui.weak(s.different(n));
    }
    if let Some(theirs) = st.date.conflict() {
        let theirs = match theirs {
            Original::Shared(d) => match d.to_date() {
                Ok(Some(d)) => d.to_text(),
                _ => "—".to_string(),
            },
            Original::Mixed(n) => s.different(*n),
        };
        let date = &mut st.date;
        let mut keep = None;
        conflict_ui(ui, s, &theirs, |k| {
            if k {
                keep = date.keep_mine();
            } else {
                date.take_theirs();
            }
        });
        if let Some(Ok(d)) = keep.map(|k| k.to_date()) {
            tag(TagChange {
                date: Some(d),
                ..Default::default()
            });
        }
    }
    ui.horizontal(|ui| {
        let apply = ui.button(s.apply).clicked() || enter;
        if apply && let Some(Ok(p)) = &read {
            // The phrase as read; the structured editor shows the result. The phrase itself
            // goes into the history entry beside the date.
            st.date_error = None;
            st.date.take_theirs();
            st.date.value = DateEditor::from_date(Some(&p.date));
            if st.date.commit().is_some() {
                tag(TagChange {
                    date: Some(Some(p.date.clone())),
                    date_typed: (!p.edtf).then(|| phrase.clone()),
                    ..Default::default()
                });
            }
            st.date_phrase.clear();
        } else if apply && read.is_some() {
            // The error is shown under the phrase; nothing is written.
        } else if apply {
            // Written only if it differs from what the selection holds.
            match st.date.value.to_date() {
                Ok(date) => {
                    st.date_error = None;
                    if st.date.commit().is_some() {
                        tag(TagChange {
                            date: Some(date),
                            ..Default::default()
                        });
                    }
                }
                Err(e) => st.date_error = Some(e),
            }
        }
        let capture = item.and_then(|i| i.capture_time.clone());
        if ui
            .add_enabled(capture.is_some(), egui::Button::new(s.use_capture_time))
            .clicked()
            && let Some(c) = capture.and_then(|c| EventDate::parse(&c).ok())
        {
            // An explicit choice: it settles a conflict too.
            st.date.take_theirs();
            st.date.value = DateEditor::from_date(Some(&c));
            if st.date.commit().is_some() {
                tag(TagChange {
                    date: Some(Some(c)),
                    ..Default::default()
                });
            }
        }
    });
    if let Some(e) = &st.date_error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if let Ok(Some(date)) = st.date.value.to_date() {
        ui.weak(format!("EDTF: {}", date.to_text()));
    }
}
