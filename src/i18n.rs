//! Every string the app shows, per UI language, in one place: English, Russian, Kazakh
//! (Cyrillic, as written in Kazakhstan) and Kyrgyz. Adding a language is one more `Strings`
//! value and one more `Lang` variant; the tests below fail on a string left empty or left in
//! English. Dates are written as each language writes them (`Strings::day` and friends):
//! «4 января 2022», «2022 жылғы 4 қаңтар», «2022-жылдын 4-январы».

use chrono::{Datelike, NaiveDate};

mod map_links;
pub use map_links::MapLinkStrings;

mod provenance;
pub use provenance::ProvenanceStrings;
use provenance::{EN_PROVENANCE, KK_PROVENANCE, KY_PROVENANCE, RU_PROVENANCE};

mod tiles;
pub use tiles::TileStrings;

mod en;
pub use en::{EN, EN_ENTITIES};
mod ru;
pub use ru::{RU, RU_ENTITIES};
mod kk;
pub use kk::{KK, KK_ENTITIES};
mod ky;
pub use ky::{KY, KY_ENTITIES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
    Kk,
    Ky,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Ru, Lang::Kk, Lang::Ky];

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Ru => &RU,
            Lang::Kk => &KK,
            Lang::Ky => &KY,
        }
    }

    /// The language's name in itself, as the Settings window lists it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
            Lang::Kk => "Қазақша",
            Lang::Ky => "Кыргызча",
        }
    }

    /// The ISO 639-1 code: `en`, `ru`, `kk`, `ky` (`kadr export --lang`, HTML `lang`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::Ky => "ky",
        }
    }

    /// A language code or a POSIX locale name: `kk`, `kk_KZ.UTF-8`, `ru-RU`, `ky_KG@cyrillic`.
    /// `None` for anything else (`C`, `POSIX`, `de_DE`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let lang = code
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == lang)
    }

    /// The language of a locale given by its environment, POSIX precedence: the first of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty decides; Kazakh, Kyrgyz and
    /// Russian locales give their language, every other one English.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| var(k))
            .find(|v| !v.trim().is_empty())
            .and_then(|v| Lang::from_code(v.trim()))
            .unwrap_or(Lang::En)
    }

    /// The language of this process's locale (the app's language on its first start).
    pub fn from_system() -> Lang {
        Lang::from_locale(|k| std::env::var(k).ok())
    }
}

/// The fixed texts of the HTML chronicle (`kadr export --format html`) that the app itself
/// does not show; its field labels are the app's own (`Strings::place`, `Strings::people`…).
#[derive(serde::Serialize)]
pub struct ReportStrings {
    /// The title and heading.
    pub chronicle: &'static str,
    /// "1 photo", "2 photos", "5 photos": one, few, many (see `Strings::photos`).
    pub photos: [&'static str; 3],
    /// "exported 2024-05-01 12:00".
    pub exported: &'static str,
    /// "selection: person «Мамай»".
    pub selection: &'static str,
    pub no_preview: &'static str,
    pub no_caption: &'static str,
    pub captured_exif: &'static str,
    pub footer: &'static str,
    pub words: SelectionWords,
}

/// The words an export's selection is described with: "person «Мамай»; from 2022-01-04".
#[derive(serde::Serialize)]
pub struct SelectionWords {
    pub items: &'static str,
    pub person: &'static str,
    pub place: &'static str,
    pub tag: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub status: &'static str,
    pub undated: &'static str,
    pub near: &'static str,
    pub bbox: &'static str,
    pub everything: &'static str,
}

/// The names of the edits the undo and redo labels name ("Undo: caption").
#[derive(serde::Serialize)]
pub struct EditNames {
    pub caption: &'static str,
    pub event_date: &'static str,
    pub place: &'static str,
    pub people: &'static str,
    pub keywords: &'static str,
    pub source: &'static str,
    pub credit: &'static str,
    pub review: &'static str,
    pub notes: &'static str,
    pub do_not_publish: &'static str,
    pub redactions: &'static str,
    /// Several fields at once.
    pub several: &'static str,
    pub rename: &'static str,
    pub merge: &'static str,
}

#[derive(serde::Serialize)]
pub struct Strings {
    /// Which language these are (how dates are written, plurals).
    pub lang: Lang,
    pub import: &'static str,
    pub import_files: &'static str,
    pub import_folder: &'static str,
    pub export: &'static str,
    pub export_later: &'static str,
    pub search_hint: &'static str,
    pub search: &'static str,
    pub grid: &'static str,
    pub timeline: &'static str,
    pub people: &'static str,
    pub places: &'static str,
    pub keywords: &'static str,
    pub review_status: &'static str,
    pub undated: &'static str,
    pub all_items: &'static str,
    pub clear_filters: &'static str,
    pub items: &'static str,
    pub selected: &'static str,
    pub no_selection: &'static str,
    pub n_selected: &'static str,
    pub empty_library: &'static str,
    pub load_demo: &'static str,
    pub loading: &'static str,
    pub cancel: &'static str,
    pub close: &'static str,
    pub imported: &'static str,
    pub duplicates: &'static str,
    pub failed: &'static str,
    pub no_preview: &'static str,
    /// A file cut short: its tooltip and inspector line.
    pub incomplete: &'static str,
    pub import_report: &'static str,
    pub importing: &'static str,
    pub path_to_import: &'static str,
    pub dialog_unavailable: &'static str,
    /// The file dialog's filters.
    pub dialog_photos: &'static str,
    pub dialog_all_files: &'static str,
    pub caption: &'static str,
    pub event_date: &'static str,
    pub place: &'static str,
    pub person_add: &'static str,
    pub keyword_add: &'static str,
    pub source: &'static str,
    pub credit: &'static str,
    pub file_facts: &'static str,
    pub captured: &'static str,
    pub offset_unknown: &'static str,
    /// Verification aids: the sidebar section, the `date-mismatch` flag (facet and the
    /// inspector's line), items with near-duplicates, the inspector's list of them.
    pub verification: &'static str,
    pub date_mismatch: &'static str,
    pub date_mismatch_detail: &'static str,
    pub near_duplicates: &'static str,
    pub similar_items: &'static str,
    pub hidden_by_filters: &'static str,
    /// Where a capture time came from, when not from EXIF.
    pub from_xmp: &'static str,
    pub from_container: &'static str,
    pub duration: &'static str,
    /// Opens a video (or any original) in the program the system uses for it.
    pub open_in_player: &'static str,
    pub camera: &'static str,
    pub gps: &'static str,
    pub size: &'static str,
    pub format: &'static str,
    pub pixels: &'static str,
    pub apply: &'static str,
    pub remove: &'static str,
    pub undo: &'static str,
    pub redo: &'static str,
    /// What an undo or redo takes back, after "Undo: " / "Redo: ".
    pub edits: EditNames,
    pub use_capture_time: &'static str,
    pub approximate: &'static str,
    pub uncertain: &'static str,
    pub date_none: &'static str,
    pub date_exact: &'static str,
    pub date_day: &'static str,
    pub date_part: &'static str,
    pub date_month: &'static str,
    pub date_year: &'static str,
    pub date_interval: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub parts: [&'static str; 4],
    pub settings: &'static str,
    pub language: &'static str,
    pub user_name: &'static str,
    pub zoom: &'static str,
    /// The library's home time zone (where capture times sit on the timeline), and its hint.
    pub home_zone: &'static str,
    pub home_zone_hint: &'static str,
    pub range: &'static str,
    pub clear_range: &'static str,
    pub edit_many: &'static str,
    pub statuses: [&'static str; 4],
    pub months_nominative: [&'static str; 12],
    pub months_genitive: [&'static str; 12],
    pub placeholder_note: &'static str,
    pub create_new: &'static str,
    pub review: &'static str,
    /// The map view and its legend.
    pub map: &'static str,
    pub map_camera: &'static str,
    pub map_place: &'static str,
    pub map_nothing_located: &'static str,
    pub map_basemap_note: &'static str,
    pub map_fit: &'static str,
    pub map_area: &'static str,
    /// "{n} items" on a cluster marker.
    pub map_items: &'static str,
    pub review_hint: &'static str,
    pub history: &'static str,
    pub notes: &'static str,
    pub add_note: &'static str,
    pub do_not_publish: &'static str,
    pub verify_originals: &'static str,
    pub verifying: &'static str,
    pub fixity_intact: &'static str,
    pub damaged: &'static str,
    pub missing: &'static str,
    pub unreadable: &'static str,
    pub redact: &'static str,
    pub redact_hint: &'static str,
    pub clear_redactions: &'static str,
    pub redactions: &'static str,
    pub export_bag: &'static str,
    pub export_html: &'static str,
    pub export_publish: &'static str,
    pub current_view: &'static str,
    pub output_folder: &'static str,
    pub choose: &'static str,
    pub replace_folder: &'static str,
    pub include_do_not_publish: &'static str,
    pub export_now: &'static str,
    pub conflicts: &'static str,
    pub merged: &'static str,
    /// Shown in an editor whose field differs across the selection; `{}` is how many values.
    pub n_different: &'static str,
    pub changed_elsewhere: &'static str,
    pub keep_mine: &'static str,
    pub take_theirs: &'static str,
    /// The HTML report's own texts.
    pub report: ReportStrings,
    /// The People & Places window.
    pub entities: &'static EntityStrings,
    /// The map's time strip, area filter and placing places by a click.
    pub map_links: &'static MapLinkStrings,
    /// Where each described value came from, tagged in the inspector.
    pub provenance: &'static ProvenanceStrings,
    /// The offline map tiles: their setting and their credit on the map.
    pub tiles: &'static TileStrings,
}

/// The People & Places window's texts, and the inspector's "matched" note.
#[derive(serde::Serialize)]
pub struct EntityStrings {
    pub title: &'static str,
    pub filter: &'static str,
    pub name: &'static str,
    pub rename: &'static str,
    pub aliases: &'static str,
    pub alias_add: &'static str,
    pub add: &'static str,
    /// The place a place lies in.
    pub parent: &'static str,
    pub top_level: &'static str,
    pub coordinates: &'static str,
    pub radius: &'static str,
    pub set_position: &'static str,
    pub clear_position: &'static str,
    pub merge_into: &'static str,
    pub merge: &'static str,
    pub merge_note: &'static str,
    pub new_person: &'static str,
    pub new_place: &'static str,
    pub create: &'static str,
    pub choose: &'static str,
    /// After a suggestion found by an alias: `{}` is the alias.
    pub matched: &'static str,
    pub bad_position: &'static str,
    pub bad_radius: &'static str,
    /// What Undo and Redo name for these edits.
    pub edit_create: &'static str,
    pub edit_alias: &'static str,
    pub edit_parent: &'static str,
    pub edit_position: &'static str,
}

impl Strings {
    /// The hint of an editor over `n` different values: "— 3 different —".
    pub fn different(&self, n: usize) -> String {
        self.n_different.replace("{}", &n.to_string())
    }
}

impl Strings {
    /// A day as the language writes it: "4 January 2022", «4 января 2022»,
    /// «2022 жылғы 4 қаңтар», «2022-жылдын 4-январы».
    pub fn day(&self, d: NaiveDate) -> String {
        let (y, n, m) = (d.year(), d.day(), self.months_genitive[d.month0() as usize]);
        match self.lang {
            Lang::En | Lang::Ru => format!("{n} {m} {y}"),
            Lang::Kk => format!("{y} жылғы {n} {m}"),
            Lang::Ky => format!("{y}-жылдын {n}-{m}"),
        }
    }

    /// A day without its year, as the timeline's axis labels it: "4 January", «4 января»,
    /// «4 қаңтар», «4-январы».
    pub fn day_month(&self, d: NaiveDate) -> String {
        let (n, m) = (d.day(), self.months_genitive[d.month0() as usize]);
        match self.lang {
            Lang::Ky => format!("{n}-{m}"),
            _ => format!("{n} {m}"),
        }
    }

    /// A month: "January 2022", «январь 2022», «2022 жылғы қаңтар», «2022-жылдын январы».
    pub fn month(&self, year: i32, month0: u32) -> String {
        let m = month0 as usize;
        match self.lang {
            Lang::En | Lang::Ru => format!("{} {year}", self.months_nominative[m]),
            Lang::Kk => format!("{year} жылғы {}", self.months_nominative[m]),
            Lang::Ky => format!("{year}-жылдын {}", self.months_genitive[m]),
        }
    }

    /// A year: "2022" in English and Russian (as before), «2022 жыл», «2022-жыл».
    pub fn year(&self, year: i32) -> String {
        match self.lang {
            Lang::En | Lang::Ru => year.to_string(),
            Lang::Kk => format!("{year} жыл"),
            Lang::Ky => format!("{year}-жыл"),
        }
    }

    /// The word for `n` photos: "photo"/"photos"; «снимок», «снимка», «снимков»; Kazakh and
    /// Kyrgyz nouns stay singular after a number («5 сурет», «5 сүрөт»).
    pub fn photos(&self, n: usize) -> &'static str {
        let [one, few, many] = self.report.photos;
        match self.lang {
            Lang::En if n == 1 => one,
            Lang::En => few,
            Lang::Ru => match (n % 10, n % 100) {
                (1, r) if r != 11 => one,
                (2..=4, r) if !(12..=14).contains(&r) => few,
                _ => many,
            },
            Lang::Kk | Lang::Ky => one,
        }
    }

    pub fn status(&self, status: &str) -> &'static str {
        match status {
            "verified" => self.statuses[1],
            "needs-info" => self.statuses[2],
            "rejected" => self.statuses[3],
            _ => self.statuses[0],
        }
    }
}

#[cfg(test)]
mod tests;
