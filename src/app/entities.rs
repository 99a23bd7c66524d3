//! The People & Places window: every person and every place (places as the tree they are, with
//! how many items each holds), and the edits on them: create, rename, add or remove aliases in
//! any script, merge two entries, give a place a parent and a position. Like the other panels
//! it is a function over its own state that pushes `Action`s; each edit is one undoable step
//! on the worker, which reloads the places and people after it.

use super::Action;
use super::worker::{Command, EntityCounts, PersonNode};
use crate::catalog::{EntityKind, PlaceNode};
use crate::geo::LatLon;
use crate::i18n::Strings;
use crate::text::skeleton;
use std::collections::HashSet;

/// One change to a person or place, as the window asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum EntityEdit {
    Create {
        kind: EntityKind,
        name: String,
        parent: Option<i64>,
    },
    Rename {
        kind: EntityKind,
        id: i64,
        name: String,
    },
    AddAlias {
        kind: EntityKind,
        id: i64,
        alias: String,
    },
    RemoveAlias {
        kind: EntityKind,
        id: i64,
        alias: String,
    },
    Merge {
        kind: EntityKind,
        from: i64,
        into: i64,
    },
    SetParent {
        id: i64,
        parent: Option<i64>,
    },
    Locate {
        id: i64,
        at: Option<LatLon>,
        radius_m: Option<f64>,
    },
}

impl EntityEdit {
    pub(super) fn into_command(self) -> Command {
        match self {
            EntityEdit::Create { kind, name, parent } => {
                Command::CreateEntity { kind, name, parent }
            }
            EntityEdit::Rename { kind, id, name } => Command::RenameEntity { kind, id, name },
            EntityEdit::AddAlias { kind, id, alias } => Command::AddAlias { kind, id, alias },
            EntityEdit::RemoveAlias { kind, id, alias } => Command::RemoveAlias { kind, id, alias },
            EntityEdit::Merge { kind, from, into } => Command::MergeEntity { kind, from, into },
            EntityEdit::SetParent { id, parent } => Command::SetParent { id, parent },
            EntityEdit::Locate { id, at, radius_m } => Command::LocatePlace { id, at, radius_m },
        }
    }
}

/// The window's own state: which list, which entry, what is being typed.
#[derive(Debug, Default)]
pub struct EntitiesState {
    pub open: bool,
    places: bool,
    selected: Option<i64>,
    /// The entry the fields below were filled for.
    filled_for: Option<(bool, i64)>,
    filter: String,
    name: String,
    alias: String,
    position: String,
    radius: String,
    merge_text: String,
    merge_into: Option<i64>,
    new_name: String,
    error: Option<&'static str>,
}

impl EntitiesState {
    /// A position set by clicking the map shows in the fields of the place it was set for.
    pub(super) fn show_position(&mut self, id: i64, at: LatLon) {
        if self.filled_for == Some((true, id)) {
            self.position = format!("{}, {}", at.lat, at.lon);
        }
    }
}

/// Whether `name` or one of `aliases` matches the typed text, across scripts (the search
/// skeleton: «Алматы» for "Almaty", «Қонаев» for "Konaev"): `Some(None)` when the name itself
/// matches, `Some(Some(alias))` when an alias does. Text found as typed (same script, any case)
/// wins over a transliterated match, so typing "Almaty" names the alias "Almaty" that matched.
pub(super) fn skeleton_match<'a>(
    name: &str,
    aliases: &'a [String],
    typed: &str,
) -> Option<Option<&'a str>> {
    let lower = typed.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    if name.to_lowercase().contains(&lower) {
        return Some(None);
    }
    if let Some(a) = closest(aliases, &lower, |a| a.to_lowercase()) {
        return Some(Some(a));
    }
    let q = skeleton(typed);
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    if skeleton(name).contains(q) {
        return Some(None);
    }
    closest(aliases, q, skeleton).map(Some)
}

/// The alias whose key holds `q` most closely: equal, else starting with it, else the shortest
/// that contains it ("Tokaev" names the alias "Tokaev", not "Kassym-Zhomart Tokaev").
fn closest<'a>(aliases: &'a [String], q: &str, key: impl Fn(&str) -> String) -> Option<&'a str> {
    aliases
        .iter()
        .filter_map(|a| {
            let k = key(a);
            k.contains(q)
                .then(|| ((k.trim() != q, !k.starts_with(q), k.len()), a.as_str()))
        })
        .min()
        .map(|(_, a)| a)
}

/// An entry of either list, as the editor needs it.
struct Entry<'a> {
    id: i64,
    name: &'a str,
    aliases: &'a [String],
    place: Option<&'a PlaceNode>,
}

pub(super) fn entities_window(
    ctx: &egui::Context,
    s: &'static Strings,
    places: &[PlaceNode],
    people: &[PersonNode],
    counts: &EntityCounts,
    st: &mut EntitiesState,
    actions: &mut Vec<Action>,
) {
    if !st.open {
        return;
    }
    let e = s.entities;
    let mut open = true;
    egui::Window::new(e.title)
        .open(&mut open)
        .collapsible(false)
        .default_size([820.0, 560.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.selectable_label(!st.places, s.people).clicked() {
                    st.places = false;
                    st.selected = None;
                }
                if ui.selectable_label(st.places, s.places).clicked() {
                    st.places = true;
                    st.selected = None;
                }
            });
            ui.separator();
            let kind = if st.places {
                EntityKind::Place
            } else {
                EntityKind::Person
            };
            let entries: Vec<Entry> = if st.places {
                places
                    .iter()
                    .map(|p| Entry {
                        id: p.id,
                        name: &p.name,
                        aliases: &p.aliases,
                        place: Some(p),
                    })
                    .collect()
            } else {
                people
                    .iter()
                    .map(|p| Entry {
                        id: p.id,
                        name: &p.name,
                        aliases: &p.aliases,
                        place: None,
                    })
                    .collect()
            };
            if st
                .selected
                .is_some_and(|id| !entries.iter().any(|x| x.id == id))
            {
                st.selected = None; // merged away or undone
            }
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(300.0);
                    list_ui(ui, s, st, &entries, counts, places, actions);
                });
                ui.separator();
                ui.vertical(|ui| {
                    let selected = st
                        .selected
                        .and_then(|id| entries.iter().find(|x| x.id == id));
                    match selected {
                        Some(entry) => editor_ui(ui, s, st, kind, entry, &entries, places, actions),
                        None => {
                            ui.weak(e.choose);
                        }
                    }
                });
            });
        });
    st.open = open;
}

/// The filter, the list (places as a tree, with counts) and the field that creates a new entry.
fn list_ui(
    ui: &mut egui::Ui,
    s: &'static Strings,
    st: &mut EntitiesState,
    entries: &[Entry],
    counts: &EntityCounts,
    places: &[PlaceNode],
    actions: &mut Vec<Action>,
) {
    let e = s.entities;
    let label = ui.label(e.filter);
    ui.add(egui::TextEdit::singleline(&mut st.filter).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    let filtering = !st.filter.trim().is_empty();
    egui::ScrollArea::vertical()
        .id_salt("entities_list")
        .max_height(380.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for (i, entry) in entries.iter().enumerate() {
                let matched = if filtering {
                    match skeleton_match(entry.name, entry.aliases, &st.filter) {
                        Some(m) => m,
                        None => continue,
                    }
                } else {
                    None
                };
                let (depth, n) = match entry.place {
                    Some(p) => {
                        // Places come sorted by path: the ones inside follow their parent.
                        let total: usize = places[i..]
                            .iter()
                            .take_while(|q| q.path.starts_with(&p.path))
                            .map(|q| counts.places.get(&q.id).copied().unwrap_or(0))
                            .sum();
                        (if filtering { 0 } else { p.path.len() - 1 }, total)
                    }
                    None => (0, counts.people.get(&entry.id).copied().unwrap_or(0)),
                };
                let shown = match (entry.place, filtering) {
                    (Some(p), true) => p.path.join(" > "),
                    _ => entry.name.to_string(),
                };
                let text = match matched {
                    Some(alias) => format!("{shown} ({n}) — {}", e.matched.replace("{}", alias)),
                    None => format!("{shown} ({n})"),
                };
                ui.horizontal(|ui| {
                    ui.add_space(16.0 * depth as f32);
                    if ui
                        .selectable_label(st.selected == Some(entry.id), text)
                        .clicked()
                    {
                        st.selected = Some(entry.id);
                    }
                });
            }
        });
    ui.separator();
    let title = if st.places { e.new_place } else { e.new_person };
    let label = ui.label(title);
    let r = ui
        .add(
            egui::TextEdit::singleline(&mut st.new_name)
                .hint_text(if st.places {
                    "Алматы"
                } else {
                    "Жанболат Мамай"
                })
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if (ui.button(e.create).clicked() || enter) && !st.new_name.trim().is_empty() {
        // A new place goes at the top level; "Lies in" puts it inside another. The filter
        // then shows it (and whatever was already called so).
        let name = std::mem::take(&mut st.new_name).trim().to_string();
        st.filter = name.clone();
        actions.push(Action::Entity(EntityEdit::Create {
            kind: if st.places {
                EntityKind::Place
            } else {
                EntityKind::Person
            },
            name,
            parent: None,
        }));
    }
}

#[allow(clippy::too_many_arguments)]
fn editor_ui(
    ui: &mut egui::Ui,
    s: &'static Strings,
    st: &mut EntitiesState,
    kind: EntityKind,
    entry: &Entry,
    entries: &[Entry],
    places: &[PlaceNode],
    actions: &mut Vec<Action>,
) {
    let e = s.entities;
    let id = entry.id;
    let mut pick = None;
    let mut edit = |edit: EntityEdit| actions.push(Action::Entity(edit));
    if st.filled_for != Some((st.places, id)) {
        st.filled_for = Some((st.places, id));
        st.name = entry.name.to_string();
        st.alias.clear();
        st.merge_text.clear();
        st.merge_into = None;
        st.error = None;
        let p = entry.place;
        st.position = match p.and_then(|p| p.lat.zip(p.lon)) {
            Some((lat, lon)) => format!("{lat}, {lon}"),
            None => String::new(),
        };
        st.radius = p
            .and_then(|p| p.radius_m)
            .map(|r| r.to_string())
            .unwrap_or_default();
    }
    match entry.place {
        Some(p) => ui.heading(p.path.join(" > ")),
        None => ui.heading(entry.name),
    };

    // Name.
    let label = ui.label(e.name);
    ui.horizontal(|ui| {
        let r = ui
            .add(egui::TextEdit::singleline(&mut st.name).desired_width(320.0))
            .labelled_by(label.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let name = st.name.trim();
        if (ui.button(e.rename).clicked() || enter) && !name.is_empty() && name != entry.name {
            edit(EntityEdit::Rename {
                kind,
                id,
                name: name.to_string(),
            });
        }
    });

    // Aliases: every name it is found by, in any script; its own name cannot be removed.
    ui.add_space(6.0);
    ui.label(e.aliases);
    ui.horizontal_wrapped(|ui| {
        for alias in entry.aliases.iter().filter(|a| a.as_str() != entry.name) {
            ui.label(egui::RichText::new(alias).background_color(ui.visuals().faint_bg_color));
            if ui
                .small_button("×")
                .on_hover_text(format!("{}: {alias}", s.remove))
                .clicked()
            {
                edit(EntityEdit::RemoveAlias {
                    kind,
                    id,
                    alias: alias.clone(),
                });
            }
        }
    });
    let label = ui.label(e.alias_add);
    ui.horizontal(|ui| {
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut st.alias)
                    .hint_text("Almaty, Алма-Ата, Алматы қаласы")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button(e.add).clicked() || enter) && !st.alias.trim().is_empty() {
            edit(EntityEdit::AddAlias {
                kind,
                id,
                alias: std::mem::take(&mut st.alias).trim().to_string(),
            });
        }
    });

    if let Some(p) = entry.place {
        // The place it lies in: any place but itself and those inside it.
        ui.add_space(6.0);
        let inside: HashSet<i64> = crate::view::descendants(places, p.id);
        let parent_path = (p.path.len() > 1).then(|| p.path[..p.path.len() - 1].join(" > "));
        let mut chosen = None;
        egui::ComboBox::new("entity_parent", e.parent)
            .selected_text(parent_path.clone().unwrap_or_else(|| e.top_level.into()))
            .width(320.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(parent_path.is_none(), e.top_level)
                    .clicked()
                {
                    chosen = Some(None);
                }
                for q in places.iter().filter(|q| !inside.contains(&q.id)) {
                    let path = q.path.join(" > ");
                    let current = parent_path.as_deref() == Some(path.as_str());
                    if ui.selectable_label(current, path).clicked() {
                        chosen = Some(Some(q.id));
                    }
                }
            });
        if let Some(parent) = chosen {
            edit(EntityEdit::SetParent { id, parent });
        }

        // Position: `lat, lon` and a radius in metres.
        ui.add_space(6.0);
        let label = ui.label(e.coordinates);
        ui.add(
            egui::TextEdit::singleline(&mut st.position)
                .hint_text("43.2380, 76.9450")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
        let label = ui.label(e.radius);
        ui.add(
            egui::TextEdit::singleline(&mut st.radius)
                .hint_text("2000")
                .desired_width(120.0),
        )
        .labelled_by(label.id);
        ui.horizontal(|ui| {
            if ui.button(e.set_position).clicked() {
                match read_position(&st.position, &st.radius) {
                    Ok((at, radius_m)) => {
                        st.error = None;
                        edit(EntityEdit::Locate {
                            id,
                            at: Some(at),
                            radius_m,
                        });
                    }
                    Err(why) => st.error = Some(why(e)),
                }
            }
            // Or by a click on the map, with the radius typed above.
            if ui.button(s.map_links.set_on_map).clicked() {
                match read_radius(&st.radius) {
                    Ok(radius_m) => {
                        st.error = None;
                        pick = Some(super::map_links::Pick {
                            id,
                            name: entry.name.to_string(),
                            radius_m,
                            reopen: true,
                        });
                    }
                    Err(why) => st.error = Some(why(e)),
                }
            }
            if ui
                .add_enabled(p.lat.is_some(), egui::Button::new(e.clear_position))
                .clicked()
            {
                st.position.clear();
                st.radius.clear();
                edit(EntityEdit::Locate {
                    id,
                    at: None,
                    radius_m: None,
                });
            }
        });
        if let Some(err) = st.error {
            ui.colored_label(ui.visuals().error_fg_color, err);
        }
    }

    // Merge: every item of this entry moves to the one chosen, which keeps its aliases too.
    ui.add_space(10.0);
    ui.separator();
    let label = ui.label(e.merge_into);
    let r = ui
        .add(egui::TextEdit::singleline(&mut st.merge_text).desired_width(320.0))
        .labelled_by(label.id);
    if r.changed() {
        st.merge_into = None;
    }
    if st.merge_into.is_none() && !st.merge_text.trim().is_empty() {
        let found: Vec<(&Entry, Option<&str>)> = entries
            .iter()
            .filter(|x| x.id != id)
            .filter_map(|x| skeleton_match(x.name, x.aliases, &st.merge_text).map(|m| (x, m)))
            .take(8)
            .collect();
        for (x, alias) in found {
            let shown = match x.place {
                Some(p) => p.path.join(" > "),
                None => x.name.to_string(),
            };
            let text = match alias {
                Some(a) => format!("{shown} — {}", e.matched.replace("{}", a)),
                None => shown.clone(),
            };
            if ui.selectable_label(false, text).clicked() {
                st.merge_into = Some(x.id);
                st.merge_text = shown;
            }
        }
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(st.merge_into.is_some(), egui::Button::new(e.merge))
            .clicked()
            && let Some(into) = st.merge_into.take()
        {
            st.merge_text.clear();
            edit(EntityEdit::Merge {
                kind,
                from: id,
                into,
            });
            st.selected = Some(into);
        }
    });
    ui.weak(e.merge_note);
    if let Some(pick) = pick {
        actions.push(Action::PickOnMap(pick));
    }
}

type Why = fn(&crate::i18n::EntityStrings) -> &'static str;

/// `lat, lon` and a radius in metres (empty: the default).
fn read_position(position: &str, radius: &str) -> Result<(LatLon, Option<f64>), Why> {
    let at = crate::geo::parse_lat_lon(&position.replace(' ', ""))
        .map_err(|_| (|e: &crate::i18n::EntityStrings| e.bad_position) as Why)?;
    Ok((at, read_radius(radius)?))
}

/// A radius in metres (empty: the default, 2 km).
fn read_radius(radius: &str) -> Result<Option<f64>, Why> {
    let radius = radius.trim().replace(',', ".");
    if radius.is_empty() {
        return Ok(None);
    }
    match radius.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(Some(r)),
        _ => Err(|e| e.bad_radius),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_match_across_scripts_and_name_the_alias() {
        let aliases = vec!["Алматы".to_string(), "Алма-Ата".to_string()];
        assert_eq!(skeleton_match("Almaty city", &aliases, "alma"), Some(None));
        // Another script: through the skeleton.
        assert_eq!(
            skeleton_match("Южная столица", &aliases, "Almaty"),
            Some(Some("Алматы"))
        );
        assert_eq!(skeleton_match("Алматы", &[], "Almaty"), Some(None));
        // The alias typed as it is written is the one named.
        let demo = vec!["Almaty".to_string(), "Алматы".to_string()];
        assert_eq!(
            skeleton_match("Алматы", &demo, "Almaty"),
            Some(Some("Almaty"))
        );
        assert_eq!(skeleton_match("Южная столица", &aliases, "Bishkek"), None);
    }

    #[test]
    fn a_position_is_typed_as_lat_lon_and_metres() {
        let (at, r) = read_position("43.238, 76.945", "500").unwrap();
        assert_eq!((at.lat, at.lon, r), (43.238, 76.945, Some(500.0)));
        assert_eq!(read_position("43.238,76.945", "").unwrap().1, None);
        assert!(read_position("43.238", "").is_err());
        assert!(read_position("43.238, 76.945", "-3").is_err());
    }
}
