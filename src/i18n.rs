//! Every string the app shows, per UI language, in one place: English, Russian, Kazakh
//! (Cyrillic, as written in Kazakhstan) and Kyrgyz. Adding a language is one more `Strings`
//! value and one more `Lang` variant; the tests below fail on a string left empty or left in
//! English. Dates are written as each language writes them (`Strings::day` and friends):
//! «4 января 2022», «2022 жылғы 4 қаңтар», «2022-жылдын 4-январы».

use chrono::{Datelike, NaiveDate};

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

pub static EN_ENTITIES: EntityStrings = EntityStrings {
    title: "People & places",
    filter: "Filter",
    name: "Name",
    rename: "Rename",
    aliases: "Aliases",
    alias_add: "Add alias",
    add: "Add",
    parent: "Lies in",
    top_level: "(top level)",
    coordinates: "Coordinates (lat, lon)",
    radius: "Radius, metres",
    set_position: "Save position",
    clear_position: "Clear position",
    merge_into: "Merge into",
    merge: "Merge",
    merge_note: "Every item moves to the chosen entry; Undo restores both.",
    new_person: "New person",
    new_place: "New place",
    create: "Create",
    choose: "Choose a person or place on the left.",
    matched: "matched {}",
    bad_position: "Type the position as lat, lon: 43.238, 76.945",
    bad_radius: "The radius is a number of metres above 0",
    edit_create: "new entry",
    edit_alias: "alias",
    edit_parent: "place it lies in",
    edit_position: "position",
};

pub static RU_ENTITIES: EntityStrings = EntityStrings {
    title: "Люди и места",
    filter: "Фильтр",
    name: "Имя",
    rename: "Переименовать",
    aliases: "Другие имена",
    alias_add: "Добавить другое имя",
    add: "Добавить",
    parent: "Находится в",
    top_level: "(верхний уровень)",
    coordinates: "Координаты (широта, долгота)",
    radius: "Радиус, метры",
    set_position: "Сохранить положение",
    clear_position: "Убрать положение",
    merge_into: "Объединить с",
    merge: "Объединить",
    merge_note: "Все снимки переходят к выбранной записи; «Отменить» вернёт обе.",
    new_person: "Новый человек",
    new_place: "Новое место",
    create: "Создать",
    choose: "Выберите человека или место слева.",
    matched: "совпало: {}",
    bad_position: "Введите положение как «широта, долгота»: 43.238, 76.945",
    bad_radius: "Радиус — число метров больше 0",
    edit_create: "новая запись",
    edit_alias: "другое имя",
    edit_parent: "где находится место",
    edit_position: "положение",
};

pub static KK_ENTITIES: EntityStrings = EntityStrings {
    title: "Адамдар мен орындар",
    filter: "Сүзгі",
    name: "Аты",
    rename: "Атын өзгерту",
    aliases: "Басқа атаулары",
    alias_add: "Басқа атау қосу",
    add: "Қосу",
    parent: "Орналасқан жері",
    top_level: "(ең жоғарғы деңгей)",
    coordinates: "Координаттар (ендік, бойлық)",
    radius: "Радиусы, метр",
    set_position: "Орнын сақтау",
    clear_position: "Орнын өшіру",
    merge_into: "Біріктіретін жазба",
    merge: "Біріктіру",
    merge_note: "Барлық суреттер таңдалған жазбаға көшеді; «Болдырмау» екеуін де қайтарады.",
    new_person: "Жаңа адам",
    new_place: "Жаңа орын",
    create: "Құру",
    choose: "Сол жақтан адамды немесе орынды таңдаңыз.",
    matched: "сәйкес келген атау: {}",
    bad_position: "Орнын «ендік, бойлық» түрінде жазыңыз: 43.238, 76.945",
    bad_radius: "Радиус — 0-ден үлкен метр саны",
    edit_create: "жаңа жазба",
    edit_alias: "басқа атау",
    edit_parent: "орналасқан жері",
    edit_position: "орны",
};

pub static KY_ENTITIES: EntityStrings = EntityStrings {
    title: "Адамдар жана жерлер",
    filter: "Чыпка",
    name: "Аты",
    rename: "Атын өзгөртүү",
    aliases: "Башка аталыштары",
    alias_add: "Башка аталыш кошуу",
    add: "Кошуу",
    parent: "Жайгашкан жери",
    top_level: "(эң жогорку деңгээл)",
    coordinates: "Координаттар (кеңдик, узундук)",
    radius: "Радиусу, метр",
    set_position: "Ордун сактоо",
    clear_position: "Ордун тазалоо",
    merge_into: "Бириктире турган жазуу",
    merge: "Бириктирүү",
    merge_note: "Бардык сүрөттөр тандалган жазууга өтөт; «Артка кайтаруу» экөөнү тең кайтарат.",
    new_person: "Жаңы адам",
    new_place: "Жаңы жер",
    create: "Түзүү",
    choose: "Сол жактан адамды же жерди тандаңыз.",
    matched: "дал келген аталыш: {}",
    bad_position: "Ордун «кеңдик, узундук» түрүндө жазыңыз: 43.238, 76.945",
    bad_radius: "Радиус — 0дөн чоң метр саны",
    edit_create: "жаңы жазуу",
    edit_alias: "башка аталыш",
    edit_parent: "жайгашкан жери",
    edit_position: "орду",
};

impl Strings {
    /// The hint of an editor over `n` different values: "— 3 different —".
    pub fn different(&self, n: usize) -> String {
        self.n_different.replace("{}", &n.to_string())
    }
}

pub static EN: Strings = Strings {
    lang: Lang::En,
    import: "Import…",
    import_files: "Files…",
    import_folder: "Folder…",
    export: "Export…",
    export_later: "Export the selection or the current view.",
    search_hint: "Search captions, people, places, keywords",
    search: "Search",
    grid: "Grid",
    timeline: "Timeline",
    people: "People",
    places: "Places",
    keywords: "Keywords",
    review_status: "Review status",
    undated: "Undated",
    all_items: "All items",
    clear_filters: "Clear filters",
    items: "items",
    selected: "selected",
    no_selection: "Nothing selected",
    n_selected: "items selected: changes apply to all of them",
    empty_library: "This library is empty. Import photos, drop them on the window, or load the demo chronicle.",
    load_demo: "Load the demo chronicle",
    loading: "Loading…",
    cancel: "Cancel",
    close: "Close",
    imported: "Imported",
    duplicates: "Duplicates (already catalogued)",
    failed: "Failed",
    no_preview: "Warnings (no preview)",
    incomplete: "Incomplete: the file ends before the picture does",
    import_report: "Import report",
    importing: "Importing",
    path_to_import: "Path to import",
    dialog_unavailable: "No file dialog is available on this system: type a path.",
    dialog_photos: "Photos",
    dialog_all_files: "All files",
    caption: "Caption",
    event_date: "Event date",
    place: "Place",
    person_add: "Add person",
    keyword_add: "Add keyword",
    source: "Source",
    credit: "Credit",
    file_facts: "File",
    captured: "Captured",
    offset_unknown: "offset unknown",
    verification: "Verification aids",
    date_mismatch: "Date mismatch",
    date_mismatch_detail: "the camera's capture time disagrees with the event date",
    near_duplicates: "Has near-duplicates",
    similar_items: "Similar items",
    hidden_by_filters: "hidden by the current filters",
    from_xmp: "from XMP",
    from_container: "from the video container",
    duration: "Duration",
    open_in_player: "Open with the system player",
    camera: "Camera",
    gps: "GPS",
    size: "Size",
    format: "Format",
    pixels: "Pixels",
    apply: "Apply",
    remove: "Remove",
    undo: "Undo",
    redo: "Redo",
    edits: EditNames {
        caption: "caption",
        event_date: "event date",
        place: "place",
        people: "people",
        keywords: "keywords",
        source: "source",
        credit: "credit",
        review: "review",
        notes: "note",
        do_not_publish: "do not publish",
        redactions: "redaction",
        several: "edit",
        rename: "rename",
        merge: "merge",
    },
    use_capture_time: "Use the capture time",
    approximate: "approximate (~)",
    uncertain: "uncertain (?)",
    date_none: "No date",
    date_exact: "Exact time",
    date_day: "Day",
    date_part: "Part of day",
    date_month: "Month",
    date_year: "Year",
    date_interval: "Interval",
    from: "From",
    to: "To",
    parts: ["morning", "afternoon", "evening", "night"],
    settings: "Settings",
    language: "Language",
    user_name: "Your name (for the history)",
    zoom: "Tile size",
    home_zone: "Home time zone",
    home_zone_hint: "e.g. Asia/Almaty; empty: times as stated",
    range: "Range",
    clear_range: "Clear range",
    edit_many: "Editing",
    statuses: ["unreviewed", "verified", "needs info", "rejected"],
    months_nominative: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_genitive: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    placeholder_note: "placeholder",
    create_new: "new",
    review: "Review",
    map: "Map",
    map_camera: "camera GPS",
    map_place: "tagged place",
    map_nothing_located: "None of the items shown has a position: no camera GPS, and no place with coordinates.",
    map_basemap_note: "Basemap: Natural Earth 1:50m; cities approximate. Nothing is downloaded.",
    map_fit: "Fit",
    map_area: "Map area (drag to pan, scroll to zoom, Shift+drag or right-drag to select)",
    map_items: "items",
    review_hint: "1 unreviewed · 2 verified · 3 needs info · 4 rejected (and next) · N note · arrows move",
    history: "History",
    notes: "Notes",
    add_note: "Add note",
    do_not_publish: "Do not publish",
    verify_originals: "Verify originals",
    verifying: "Verifying originals",
    fixity_intact: "All originals are intact",
    damaged: "Damaged (content no longer matches its SHA-256)",
    missing: "Missing",
    unreadable: "Unreadable (there, but cannot be read)",
    redact: "Redact",
    redact_hint: "Drag over faces or name tags: publication copies fill these areas. Esc leaves.",
    clear_redactions: "Clear redactions",
    redactions: "Redactions",
    export_bag: "Evidence bag (BagIt)",
    export_html: "HTML chronicle",
    export_publish: "Publication copies",
    current_view: "current view",
    output_folder: "Output folder",
    choose: "Choose…",
    replace_folder: "Replace the folder if it is not empty",
    include_do_not_publish: "Include items marked \"do not publish\"",
    export_now: "Export",
    conflicts: "Merge conflicts (this library's value kept; the bag's is in a note)",
    merged: "Catalogue data merged from bags",
    n_different: "— {} different —",
    changed_elsewhere: "Changed elsewhere while you were editing:",
    keep_mine: "Keep mine",
    take_theirs: "Take theirs",
    report: ReportStrings {
        chronicle: "Chronicle",
        photos: ["photo", "photos", "photos"],
        exported: "exported",
        selection: "selection",
        no_preview: "no preview",
        no_caption: "no caption",
        captured_exif: "Captured (EXIF)",
        footer: "The photos are kept in the Kadr library under their SHA-256; the thumbnails here are for viewing only.",
        words: SelectionWords {
            items: "items",
            person: "person",
            place: "place",
            tag: "tag",
            from: "from",
            to: "to",
            status: "status",
            undated: "undated",
            near: "within",
            bbox: "inside",
            everything: "the whole library",
        },
    },
    entities: &EN_ENTITIES,
};

pub static RU: Strings = Strings {
    lang: Lang::Ru,
    import: "Импорт…",
    import_files: "Файлы…",
    import_folder: "Папка…",
    export: "Экспорт…",
    export_later: "Экспорт выбранного или текущего вида.",
    search_hint: "Поиск по подписям, людям, местам, ключевым словам",
    search: "Поиск",
    grid: "Сетка",
    timeline: "Хроника",
    people: "Люди",
    places: "Места",
    keywords: "Ключевые слова",
    review_status: "Проверка",
    undated: "Без даты",
    all_items: "Все снимки",
    clear_filters: "Сбросить фильтры",
    items: "снимков",
    selected: "выбрано",
    no_selection: "Ничего не выбрано",
    n_selected: "снимков выбрано: изменения применяются ко всем",
    empty_library: "Библиотека пуста. Импортируйте снимки, перетащите их в окно или загрузите демонстрационную хронику.",
    load_demo: "Загрузить демонстрационную хронику",
    loading: "Загрузка…",
    cancel: "Отмена",
    close: "Закрыть",
    imported: "Импортировано",
    duplicates: "Дубликаты (уже в каталоге)",
    failed: "Ошибки",
    no_preview: "Предупреждения (нет превью)",
    incomplete: "Неполный файл: он обрывается раньше, чем изображение",
    import_report: "Отчёт об импорте",
    importing: "Импорт",
    path_to_import: "Путь для импорта",
    dialog_unavailable: "Системный диалог выбора файлов недоступен: введите путь.",
    dialog_photos: "Снимки",
    dialog_all_files: "Все файлы",
    caption: "Подпись",
    event_date: "Дата события",
    place: "Место",
    person_add: "Добавить человека",
    keyword_add: "Добавить ключевое слово",
    source: "Источник",
    credit: "Автор",
    file_facts: "Файл",
    captured: "Снято",
    offset_unknown: "часовой пояс неизвестен",
    verification: "Подсказки для проверки",
    date_mismatch: "Дата не сходится",
    date_mismatch_detail: "время съёмки по камере не совпадает с датой события",
    near_duplicates: "Есть почти дубликаты",
    similar_items: "Похожие снимки",
    hidden_by_filters: "скрыт текущими фильтрами",
    from_xmp: "из XMP",
    from_container: "из контейнера видео",
    duration: "Длительность",
    open_in_player: "Открыть в системном проигрывателе",
    camera: "Камера",
    gps: "GPS",
    size: "Размер",
    format: "Формат",
    pixels: "Пиксели",
    apply: "Применить",
    remove: "Убрать",
    undo: "Отменить",
    redo: "Повторить",
    edits: EditNames {
        caption: "подпись",
        event_date: "дата события",
        place: "место",
        people: "люди",
        keywords: "ключевые слова",
        source: "источник",
        credit: "автор",
        review: "проверка",
        notes: "заметка",
        do_not_publish: "«не публиковать»",
        redactions: "скрытая область",
        several: "правка",
        rename: "переименование",
        merge: "объединение",
    },
    use_capture_time: "Взять время съёмки",
    approximate: "приблизительно (~)",
    uncertain: "неточно (?)",
    date_none: "Без даты",
    date_exact: "Точное время",
    date_day: "День",
    date_part: "Часть дня",
    date_month: "Месяц",
    date_year: "Год",
    date_interval: "Интервал",
    from: "С",
    to: "По",
    parts: ["утро", "день", "вечер", "ночь"],
    settings: "Настройки",
    language: "Язык",
    user_name: "Ваше имя (для истории изменений)",
    zoom: "Размер плиток",
    home_zone: "Часовой пояс библиотеки",
    home_zone_hint: "например Asia/Almaty; пусто: время как записано",
    range: "Период",
    clear_range: "Сбросить период",
    edit_many: "Правка",
    statuses: ["не проверено", "подтверждено", "нужны данные", "отклонено"],
    months_nominative: [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],
    months_genitive: [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    placeholder_note: "заглушка",
    create_new: "новое",
    review: "Проверка",
    map: "Карта",
    map_camera: "GPS камеры",
    map_place: "указанное место",
    map_nothing_located: "Ни у одного из показанных снимков нет координат: ни GPS камеры, ни места с координатами.",
    map_basemap_note: "Подложка: Natural Earth 1:50m; города приблизительно. Ничего не загружается из сети.",
    map_fit: "Показать все",
    map_area: "Область карты (перетаскивание сдвигает, колесо масштабирует, Shift+перетаскивание или правая кнопка выделяют)",
    map_items: "снимков",
    review_hint: "1 не проверено · 2 подтверждено · 3 нужны данные · 4 отклонено (и дальше) · N заметка · стрелки",
    history: "История",
    notes: "Заметки",
    add_note: "Добавить заметку",
    do_not_publish: "Не публиковать",
    verify_originals: "Проверить оригиналы",
    verifying: "Проверка оригиналов",
    fixity_intact: "Все оригиналы целы",
    damaged: "Повреждены (содержимое не совпадает с SHA-256)",
    missing: "Отсутствуют",
    unreadable: "Не читаются (файл есть, но прочитать нельзя)",
    redact: "Скрыть области",
    redact_hint: "Обведите лица или бейджи: в копиях для публикации эти области будут закрашены. Esc — выход.",
    clear_redactions: "Убрать все области",
    redactions: "Скрытые области",
    export_bag: "Пакет доказательств (BagIt)",
    export_html: "HTML-хроника",
    export_publish: "Копии для публикации",
    current_view: "текущий вид",
    output_folder: "Папка",
    choose: "Выбрать…",
    replace_folder: "Заменить непустую папку",
    include_do_not_publish: "Включить снимки с пометкой «не публиковать»",
    export_now: "Экспортировать",
    conflicts: "Конфликты слияния (оставлено значение этой библиотеки, значение из пакета — в заметке)",
    merged: "Данные каталога из пакетов",
    n_different: "— разных значений: {} —",
    changed_elsewhere: "Пока вы правили, значение изменилось:",
    keep_mine: "Оставить моё",
    take_theirs: "Принять новое",
    report: ReportStrings {
        chronicle: "Хроника",
        photos: ["снимок", "снимка", "снимков"],
        exported: "выгружено",
        selection: "выборка",
        no_preview: "нет превью",
        no_caption: "без подписи",
        captured_exif: "Снято (EXIF)",
        footer: "Снимки хранятся в библиотеке Kadr под своими SHA-256; миниатюры здесь только для просмотра.",
        words: SelectionWords {
            items: "снимки",
            person: "человек",
            place: "место",
            tag: "ключевое слово",
            from: "с",
            to: "по",
            status: "статус",
            undated: "без даты",
            near: "в радиусе",
            bbox: "в пределах",
            everything: "вся библиотека",
        },
    },
    entities: &RU_ENTITIES,
};

/// Kazakh (Cyrillic, as written in Kazakhstan).
pub static KK: Strings = Strings {
    lang: Lang::Kk,
    import: "Импорттау…",
    import_files: "Файлдар…",
    import_folder: "Қалта…",
    export: "Экспорттау…",
    export_later: "Таңдалғанды немесе ағымдағы көріністі экспорттау.",
    search_hint: "Түсініктемелер, адамдар, орындар, кілт сөздер бойынша іздеу",
    search: "Іздеу",
    grid: "Тор",
    timeline: "Хроника",
    people: "Адамдар",
    places: "Орындар",
    keywords: "Кілт сөздер",
    review_status: "Тексеру",
    undated: "Күні жоқ",
    all_items: "Барлық суреттер",
    clear_filters: "Сүзгілерді тазарту",
    items: "сурет",
    selected: "таңдалды",
    no_selection: "Ештеңе таңдалмаған",
    n_selected: "сурет таңдалды: өзгерістер бәріне қолданылады",
    empty_library: "Кітапхана бос. Суреттерді импорттаңыз, терезеге сүйреп әкеліңіз немесе демо-хрониканы жүктеңіз.",
    load_demo: "Демо-хрониканы жүктеу",
    loading: "Жүктелуде…",
    cancel: "Бас тарту",
    close: "Жабу",
    imported: "Импортталды",
    duplicates: "Қайталанатындар (каталогта бар)",
    failed: "Қателер",
    no_preview: "Ескертулер (алдын ала көрініс жоқ)",
    incomplete: "Толық емес файл: сурет аяқталмай тұрып файл бітеді",
    import_report: "Импорт есебі",
    importing: "Импортталуда",
    path_to_import: "Импорттау жолы",
    dialog_unavailable: "Бұл жүйеде файл таңдау терезесі жоқ: жолды жазыңыз.",
    dialog_photos: "Суреттер",
    dialog_all_files: "Барлық файлдар",
    caption: "Түсініктеме",
    event_date: "Оқиға күні",
    place: "Орын",
    person_add: "Адам қосу",
    keyword_add: "Кілт сөз қосу",
    source: "Дереккөз",
    credit: "Авторы",
    file_facts: "Файл",
    captured: "Түсірілген",
    offset_unknown: "уақыт белдеуі белгісіз",
    verification: "Тексеру көмекшілері",
    date_mismatch: "Күні сәйкес емес",
    date_mismatch_detail: "камераның түсірген уақыты оқиға күнімен сәйкес келмейді",
    near_duplicates: "Ұқсас көшірмелері бар",
    similar_items: "Ұқсас суреттер",
    hidden_by_filters: "қазіргі сүзгілер жасырған",
    from_xmp: "XMP-ден",
    from_container: "бейне контейнерінен",
    duration: "Ұзақтығы",
    open_in_player: "Жүйелік ойнатқышта ашу",
    camera: "Камера",
    gps: "GPS",
    size: "Өлшемі",
    format: "Пішімі",
    pixels: "Пиксельдер",
    apply: "Қолдану",
    remove: "Алып тастау",
    undo: "Болдырмау",
    redo: "Қайта орындау",
    edits: EditNames {
        caption: "түсініктеме",
        event_date: "оқиға күні",
        place: "орын",
        people: "адамдар",
        keywords: "кілт сөздер",
        source: "дереккөз",
        credit: "авторы",
        review: "тексеру",
        notes: "ескертпе",
        do_not_publish: "«жарияламау»",
        redactions: "жасырылған аймақ",
        several: "түзету",
        rename: "атауын өзгерту",
        merge: "біріктіру",
    },
    use_capture_time: "Түсірілген уақытты алу",
    approximate: "шамамен (~)",
    uncertain: "нақты емес (?)",
    date_none: "Күні жоқ",
    date_exact: "Нақты уақыт",
    date_day: "Күн",
    date_part: "Тәулік бөлігі",
    date_month: "Ай",
    date_year: "Жыл",
    date_interval: "Аралық",
    from: "Басы",
    to: "Соңы",
    // Morning is таңертең (таң alone is dawn); the others are the plain nouns, as in «· кеш».
    parts: ["таңертең", "күндіз", "кеш", "түн"],
    settings: "Баптаулар",
    language: "Тіл",
    user_name: "Атыңыз (өзгерістер тарихы үшін)",
    zoom: "Нобай өлшемі",
    home_zone: "Кітапхананың уақыт белдеуі",
    home_zone_hint: "мысалы Asia/Almaty; бос: уақыт жазылғандай",
    range: "Кезең",
    clear_range: "Кезеңді тазарту",
    edit_many: "Түзету",
    statuses: ["тексерілмеген", "расталған", "дерек керек", "қабылданбаған"],
    months_nominative: [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ],
    // After a day number Kazakh keeps the nominative: «4 қаңтар».
    months_genitive: [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ],
    placeholder_note: "уақытша сурет",
    create_new: "жаңа",
    review: "Тексеру",
    map: "Карта",
    map_camera: "камера GPS-і",
    map_place: "белгіленген орын",
    map_nothing_located: "Көрсетілген суреттердің ешқайсысының орны белгісіз: камера GPS-і де, координаттары бар орын да жоқ.",
    map_basemap_note: "Негізгі карта: Natural Earth 1:50m; қалалар шамамен. Желіден ештеңе жүктелмейді.",
    map_fit: "Барлығын көрсету",
    map_area: "Карта аумағы (сүйреу жылжытады, дөңгелек масштабтайды, Shift+сүйреу немесе оң батырма белгілейді)",
    map_items: "сурет",
    review_hint: "1 тексерілмеген · 2 расталған · 3 дерек керек · 4 қабылданбаған (және келесі) · N ескертпе · бағыттауыштар",
    history: "Тарих",
    notes: "Ескертпелер",
    add_note: "Ескертпе қосу",
    do_not_publish: "Жарияламау",
    verify_originals: "Түпнұсқаларды тексеру",
    verifying: "Түпнұсқалар тексерілуде",
    fixity_intact: "Барлық түпнұсқа бүтін",
    damaged: "Бүлінген (мазмұны SHA-256-пен сәйкес келмейді)",
    missing: "Жоқ",
    unreadable: "Оқылмайды (файл бар, бірақ оқу мүмкін емес)",
    redact: "Аймақтарды жасыру",
    redact_hint: "Беттерді немесе бейджиктерді белгілеңіз: жариялауға арналған көшірмелерде бұл аймақтар боялады. Esc — шығу.",
    clear_redactions: "Барлық аймақты алып тастау",
    redactions: "Жасырылған аймақтар",
    export_bag: "Дәлелдер пакеті (BagIt)",
    export_html: "HTML-хроника",
    export_publish: "Жариялауға арналған көшірмелер",
    current_view: "ағымдағы көрініс",
    output_folder: "Қалта",
    choose: "Таңдау…",
    replace_folder: "Бос емес қалтаны ауыстыру",
    include_do_not_publish: "«Жарияламау» белгісі бар суреттерді қосу",
    export_now: "Экспорттау",
    conflicts: "Біріктіру қайшылықтары (осы кітапхананың мәні қалдырылды, пакеттегі мән — ескертпеде)",
    merged: "Пакеттерден алынған каталог деректері",
    n_different: "— әртүрлі мән: {} —",
    changed_elsewhere: "Сіз түзетіп жатқанда мән өзгерді:",
    keep_mine: "Менікін қалдыру",
    take_theirs: "Жаңасын қабылдау",
    report: ReportStrings {
        chronicle: "Хроника",
        photos: ["сурет", "сурет", "сурет"],
        exported: "экспортталды",
        selection: "іріктеме",
        no_preview: "алдын ала көрініс жоқ",
        no_caption: "түсініктеме жоқ",
        captured_exif: "Түсірілген (EXIF)",
        footer: "Суреттер Kadr кітапханасында өз SHA-256 хэші бойынша сақталады; мұндағы нобайлар тек қарауға арналған.",
        words: SelectionWords {
            items: "суреттер",
            person: "адам",
            place: "орын",
            tag: "кілт сөз",
            from: "басы",
            to: "соңы",
            status: "мәртебе",
            undated: "күні жоқ",
            near: "радиусы",
            bbox: "аумағы",
            everything: "бүкіл кітапхана",
        },
    },
    entities: &KK_ENTITIES,
};

/// Kyrgyz.
pub static KY: Strings = Strings {
    lang: Lang::Ky,
    import: "Импорттоо…",
    import_files: "Файлдар…",
    import_folder: "Папка…",
    export: "Экспорттоо…",
    export_later: "Тандалганды же учурдагы көрүнүштү экспорттоо.",
    search_hint: "Түшүндүрмөлөр, адамдар, жерлер, ачкыч сөздөр боюнча издөө",
    search: "Издөө",
    grid: "Тор",
    timeline: "Хроника",
    people: "Адамдар",
    places: "Жерлер",
    keywords: "Ачкыч сөздөр",
    review_status: "Текшерүү",
    undated: "Датасы жок",
    all_items: "Бардык сүрөттөр",
    clear_filters: "Чыпкаларды тазалоо",
    items: "сүрөт",
    selected: "тандалды",
    no_selection: "Эч нерсе тандалган жок",
    n_selected: "сүрөт тандалды: өзгөртүүлөр баарына колдонулат",
    empty_library: "Китепкана бош. Сүрөттөрдү импорттоңуз, терезеге сүйрөп келиңиз же демо-хрониканы жүктөңүз.",
    load_demo: "Демо-хрониканы жүктөө",
    loading: "Жүктөлүүдө…",
    cancel: "Жокко чыгаруу",
    close: "Жабуу",
    imported: "Импорттолду",
    duplicates: "Кайталанмалар (каталогдо бар)",
    failed: "Каталар",
    no_preview: "Эскертүүлөр (алдын ала көрүү жок)",
    incomplete: "Толук эмес файл: сүрөт бүтө электе файл бүтөт",
    import_report: "Импорт боюнча отчёт",
    importing: "Импорттолууда",
    path_to_import: "Импорттоо жолу",
    dialog_unavailable: "Бул системада файл тандоо терезеси жок: жолду жазыңыз.",
    dialog_photos: "Сүрөттөр",
    dialog_all_files: "Бардык файлдар",
    caption: "Түшүндүрмө",
    event_date: "Окуянын датасы",
    place: "Жер",
    person_add: "Адам кошуу",
    keyword_add: "Ачкыч сөз кошуу",
    source: "Булак",
    credit: "Автору",
    file_facts: "Файл",
    captured: "Тартылган",
    offset_unknown: "убакыт алкагы белгисиз",
    verification: "Текшерүү жардамчылары",
    date_mismatch: "Датасы туура келбейт",
    date_mismatch_detail: "камеранын тартуу убактысы окуянын датасына дал келбейт",
    near_duplicates: "Окшош көчүрмөлөрү бар",
    similar_items: "Окшош сүрөттөр",
    hidden_by_filters: "учурдагы чыпкалар жашырган",
    from_xmp: "XMP'ден",
    from_container: "видео контейнеринен",
    duration: "Узактыгы",
    open_in_player: "Системалык ойноткучта ачуу",
    camera: "Камера",
    gps: "GPS",
    size: "Өлчөмү",
    format: "Формат",
    pixels: "Пикселдер",
    apply: "Колдонуу",
    remove: "Алып салуу",
    undo: "Артка кайтаруу",
    redo: "Кайра аткаруу",
    edits: EditNames {
        caption: "түшүндүрмө",
        event_date: "окуянын датасы",
        place: "жер",
        people: "адамдар",
        keywords: "ачкыч сөздөр",
        source: "булак",
        credit: "автор",
        review: "текшерүү",
        notes: "эскертме",
        do_not_publish: "«жарыяланбасын»",
        redactions: "жашырылган аймак",
        several: "оңдоо",
        rename: "атын өзгөртүү",
        merge: "бириктирүү",
    },
    use_capture_time: "Тартылган убакытты алуу",
    approximate: "болжол менен (~)",
    uncertain: "так эмес (?)",
    date_none: "Датасы жок",
    date_exact: "Так убакыт",
    date_day: "Күн",
    date_part: "Күндүн бөлүгү",
    date_month: "Ай",
    date_year: "Жыл",
    date_interval: "Аралык",
    from: "Башы",
    to: "Аягы",
    // The adverbial forms, as in «2022-жылдын 4-январы · кечинде».
    parts: ["эртең менен", "күндүз", "кечинде", "түнкүсүн"],
    settings: "Жөндөөлөр",
    language: "Тил",
    user_name: "Атыңыз (өзгөртүүлөр тарыхы үчүн)",
    zoom: "Кичи сүрөттүн өлчөмү",
    home_zone: "Китепкананын убакыт алкагы",
    home_zone_hint: "мисалы Asia/Almaty; бош: убакыт жазылгандай",
    range: "Мезгил",
    clear_range: "Мезгилди тазалоо",
    edit_many: "Оңдоо",
    statuses: [
        "текшерилген эмес",
        "ырасталган",
        "маалымат керек",
        "четке кагылган",
    ],
    months_nominative: [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],
    // After «2022-жылдын» and a day number the month takes the possessive ending, by the
    // last vowel of its stem (the soft sign dropped): -ы after а, -и after е, -у after у.
    months_genitive: [
        "январы",
        "февралы",
        "марты",
        "апрели",
        "майы",
        "июну",
        "июлу",
        "августу",
        "сентябры",
        "октябры",
        "ноябры",
        "декабры",
    ],
    placeholder_note: "убактылуу сүрөт",
    create_new: "жаңы",
    review: "Текшерүү",
    map: "Карта",
    map_camera: "камеранын GPS'и",
    map_place: "белгиленген жер",
    map_nothing_located: "Көрсөтүлгөн сүрөттөрдүн биринин да жайгашкан жери белгисиз: камеранын GPS'и да, координаттары бар жер да жок.",
    map_basemap_note: "Негизги карта: Natural Earth 1:50m; шаарлар болжолдуу. Тармактан эч нерсе жүктөлбөйт.",
    map_fit: "Баарын көрсөтүү",
    map_area: "Картанын аймагы (сүйрөө жылдырат, дөңгөлөк масштабдайт, Shift+сүйрөө же оң баскыч белгилейт)",
    map_items: "сүрөт",
    review_hint: "1 текшерилген эмес · 2 ырасталган · 3 маалымат керек · 4 четке кагылган (жана кийинки) · N эскертме · жебелер",
    history: "Тарых",
    notes: "Эскертмелер",
    add_note: "Эскертме кошуу",
    do_not_publish: "Жарыяланбасын",
    verify_originals: "Түп нускаларды текшерүү",
    verifying: "Түп нускалар текшерилүүдө",
    fixity_intact: "Бардык түп нускалар бүтүн",
    damaged: "Бузулган (мазмуну SHA-256 менен дал келбейт)",
    missing: "Жок",
    unreadable: "Окулбайт (файл бар, бирок окууга болбойт)",
    redact: "Аймактарды жашыруу",
    redact_hint: "Жүздөрдү же бейдждерди белгилеңиз: жарыялоо үчүн көчүрмөлөрдө бул аймактар боёлот. Esc — чыгуу.",
    clear_redactions: "Бардык аймактарды алып салуу",
    redactions: "Жашырылган аймактар",
    export_bag: "Далилдер пакети (BagIt)",
    export_html: "HTML-хроника",
    export_publish: "Жарыялоо үчүн көчүрмөлөр",
    current_view: "учурдагы көрүнүш",
    output_folder: "Папка",
    choose: "Тандоо…",
    replace_folder: "Бош эмес папканы алмаштыруу",
    include_do_not_publish: "«Жарыяланбасын» белгиси бар сүрөттөрдү кошуу",
    export_now: "Экспорттоо",
    conflicts: "Бириктирүүдөгү карама-каршылыктар (бул китепкананын мааниси калтырылды, пакеттеги мааниси — эскертмеде)",
    merged: "Пакеттерден алынган каталог маалыматтары",
    n_different: "— ар түрдүү маани: {} —",
    changed_elsewhere: "Сиз оңдоп жатканда маани өзгөрдү:",
    keep_mine: "Меникин калтыруу",
    take_theirs: "Жаңысын кабыл алуу",
    report: ReportStrings {
        chronicle: "Хроника",
        photos: ["сүрөт", "сүрөт", "сүрөт"],
        exported: "экспорттолду",
        selection: "тандоо",
        no_preview: "алдын ала көрүү жок",
        no_caption: "түшүндүрмө жок",
        captured_exif: "Тартылган (EXIF)",
        footer: "Сүрөттөр Kadr китепканасында өздөрүнүн SHA-256 хэши боюнча сакталат; бул жердеги кичи сүрөттөр көрүү үчүн гана.",
        words: SelectionWords {
            items: "сүрөттөр",
            person: "адам",
            place: "жер",
            tag: "ачкыч сөз",
            from: "башы",
            to: "аягы",
            status: "статус",
            undated: "датасы жок",
            near: "радиусу",
            bbox: "аймагы",
            everything: "бүт китепкана",
        },
    },
    entities: &KY_ENTITIES,
};

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
mod tests {
    use super::*;
    use crate::dates::PartOfDay;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn russian_months_are_declined() {
        let d = date(2022, 1, 4);
        assert_eq!(RU.day(d), "4 января 2022");
        assert_eq!(EN.day(d), "4 January 2022");
        assert_eq!(RU.month(2022, 4), "май 2022");
        assert_eq!(RU.day(date(2022, 5, 15)), "15 мая 2022");
        assert_eq!(RU.year(2022), "2022");
        assert_eq!(EN.month(2022, 0), "January 2022");
    }

    #[test]
    fn kazakh_dates_put_the_year_first() {
        let days: Vec<String> = (1..=12).map(|m| KK.day(date(2022, m, 4))).collect();
        assert_eq!(
            days,
            [
                "2022 жылғы 4 қаңтар",
                "2022 жылғы 4 ақпан",
                "2022 жылғы 4 наурыз",
                "2022 жылғы 4 сәуір",
                "2022 жылғы 4 мамыр",
                "2022 жылғы 4 маусым",
                "2022 жылғы 4 шілде",
                "2022 жылғы 4 тамыз",
                "2022 жылғы 4 қыркүйек",
                "2022 жылғы 4 қазан",
                "2022 жылғы 4 қараша",
                "2022 жылғы 4 желтоқсан",
            ]
        );
        assert_eq!(KK.month(2022, 0), "2022 жылғы қаңтар");
        assert_eq!(KK.month(2021, 11), "2021 жылғы желтоқсан");
        assert_eq!(KK.year(2022), "2022 жыл");
        assert_eq!(KK.day_month(date(2022, 9, 1)), "1 қыркүйек");
    }

    #[test]
    fn kyrgyz_months_take_the_possessive_by_vowel_harmony() {
        let days = [
            (1, 4, "2022-жылдын 4-январы"),
            (2, 5, "2022-жылдын 5-февралы"),
            (3, 8, "2022-жылдын 8-марты"),
            (4, 1, "2022-жылдын 1-апрели"),
            (5, 9, "2022-жылдын 9-майы"),
            (6, 12, "2022-жылдын 12-июну"),
            (7, 6, "2022-жылдын 6-июлу"),
            (8, 30, "2022-жылдын 30-августу"),
            (9, 1, "2022-жылдын 1-сентябры"),
            (10, 31, "2022-жылдын 31-октябры"),
            (11, 7, "2022-жылдын 7-ноябры"),
            (12, 31, "2022-жылдын 31-декабры"),
        ];
        for (m, d, want) in days {
            assert_eq!(KY.day(date(2022, m, d)), want);
        }
        assert_eq!(KY.month(2022, 0), "2022-жылдын январы");
        assert_eq!(KY.month(2022, 3), "2022-жылдын апрели");
        assert_eq!(KY.month(2022, 5), "2022-жылдын июну");
        assert_eq!(KY.year(2022), "2022-жыл");
        assert_eq!(KY.day_month(date(2022, 1, 4)), "4-январы");
    }

    #[test]
    fn parts_of_day_in_every_language() {
        let expect = [
            (&EN, ["morning", "afternoon", "evening", "night"]),
            (&RU, ["утро", "день", "вечер", "ночь"]),
            (&KK, ["таңертең", "күндіз", "кеш", "түн"]),
            (&KY, ["эртең менен", "күндүз", "кечинде", "түнкүсүн"]),
        ];
        for (s, parts) in expect {
            for (p, want) in [
                PartOfDay::Morning,
                PartOfDay::Afternoon,
                PartOfDay::Evening,
                PartOfDay::Night,
            ]
            .into_iter()
            .zip(parts)
            {
                assert_eq!(s.parts[p as usize], want);
            }
        }
    }

    #[test]
    fn photo_counts() {
        let ru: Vec<_> = [1, 2, 5, 11, 12, 21, 22, 25, 111]
            .iter()
            .map(|&n| RU.photos(n))
            .collect();
        assert_eq!(
            ru,
            [
                "снимок",
                "снимка",
                "снимков",
                "снимков",
                "снимков",
                "снимок",
                "снимка",
                "снимков",
                "снимков"
            ]
        );
        assert_eq!([EN.photos(1), EN.photos(2)], ["photo", "photos"]);
        assert_eq!([KK.photos(1), KK.photos(5)], ["сурет", "сурет"]);
        assert_eq!([KY.photos(1), KY.photos(5)], ["сүрөт", "сүрөт"]);
    }

    #[test]
    fn the_language_comes_from_the_locale() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "kk_KZ.UTF-8")])), Lang::Kk);
        assert_eq!(Lang::from_locale(env(&[("LANG", "ky_KG")])), Lang::Ky);
        assert_eq!(Lang::from_locale(env(&[("LANG", "ru_RU.UTF-8")])), Lang::Ru);
        assert_eq!(Lang::from_locale(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "de_DE")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        // LC_ALL over LC_MESSAGES over LANG; an empty one does not count.
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "ru_RU"), ("LC_MESSAGES", "ky_KG")])),
            Lang::Ky
        );
        assert_eq!(
            Lang::from_locale(env(&[
                ("LANG", "ru_RU"),
                ("LC_MESSAGES", "ky_KG"),
                ("LC_ALL", "kk_KZ")
            ])),
            Lang::Kk
        );
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "ru_RU"), ("LC_ALL", "")])),
            Lang::Ru
        );
        assert_eq!(Lang::from_code("KK"), Some(Lang::Kk));
        assert_eq!(Lang::from_code("ky-KG"), Some(Lang::Ky));
        assert_eq!(Lang::from_code("fr"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(l));
            assert_eq!(l.strings().lang, l);
        }
    }

    /// Every string of a language as (field path, text), arrays by index.
    fn leaves(s: &Strings) -> Vec<(String, String)> {
        fn walk(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
            match v {
                serde_json::Value::String(t) => out.push((path, t.clone())),
                serde_json::Value::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        walk(v, format!("{path}[{i}]"), out);
                    }
                }
                serde_json::Value::Object(o) => {
                    for (k, v) in o {
                        walk(v, format!("{path}.{k}"), out);
                    }
                }
                other => panic!("{path}: not a string: {other}"),
            }
        }
        let mut out = Vec::new();
        walk(&serde_json::to_value(s).unwrap(), String::new(), &mut out);
        out.retain(|(path, _)| path != ".lang");
        out
    }

    /// Texts that are the same in every language on purpose: names, formats, units.
    const SAME_IN_EVERY_LANGUAGE: &[&str] = &["GPS", "SHA-256", "EDTF", "BagIt", "XMP", "HTML"];

    #[test]
    fn every_string_is_translated() {
        let en = leaves(&EN);
        assert!(en.len() > 150, "the walk sees every field: {}", en.len());
        let mut bad = Vec::new();
        for lang in Lang::ALL {
            let s = leaves(lang.strings());
            let paths =
                |l: &[(String, String)]| l.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
            assert_eq!(paths(&s), paths(&en), "{lang:?} has the same fields");
            for ((path, text), (_, english)) in s.iter().zip(&en) {
                let path = format!("{lang:?}{path}");
                if text.trim().is_empty() {
                    bad.push(format!("{path}: empty"));
                } else if lang != Lang::En
                    && text == english
                    && !SAME_IN_EVERY_LANGUAGE.contains(&text.as_str())
                {
                    bad.push(format!("{path}: still English ({text:?})"));
                } else if english.contains("{}") != text.contains("{}") {
                    bad.push(format!("{path}: the {{}} placeholder ({text:?})"));
                }
                // Kazakh and Kyrgyz are written in Cyrillic here: no Latin word is left over
                // but the names of formats and standards.
                if matches!(lang, Lang::Kk | Lang::Ky) {
                    let latin: Vec<&str> = text
                        .split(|c: char| !c.is_ascii_alphabetic())
                        .filter(|w| w.len() > 1)
                        .filter(|w| {
                            ![
                                "GPS", "SHA", "XMP", "HTML", "BagIt", "EXIF", "Kadr", "Natural",
                                "Earth", "Shift", "Esc", "m",
                                // A time zone's name in the tz database is an identifier.
                                "Asia", "Almaty",
                            ]
                            .contains(w)
                        })
                        .collect();
                    if !latin.is_empty() {
                        bad.push(format!("{path}: Latin words {latin:?} in {text:?}"));
                    }
                }
            }
        }
        assert!(bad.is_empty(), "\n{}", bad.join("\n"));
    }

    #[test]
    fn kazakh_and_kyrgyz_use_their_own_letters() {
        // A Kazakh string with Kyrgyz-only ө/ү in a Kazakh word list would be a slip the other
        // way round too; check the letters each alphabet has and the other lacks.
        let all = |s: &Strings| leaves(s).into_iter().map(|(_, t)| t).collect::<String>();
        let (kk, ky) = (all(&KK), all(&KY));
        for c in ['ә', 'ғ', 'қ', 'ұ', 'һ', 'і'] {
            assert!(!ky.contains(c), "Kazakh letter {c} in Kyrgyz");
        }
        assert!(kk.contains('қ') && kk.contains('і'));
        assert!(ky.contains('ө') && ky.contains('ү'));
    }
}
