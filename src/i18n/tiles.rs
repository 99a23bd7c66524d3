//! The offline map tiles: their setting in Settings and their credit on the map.

/// Texts of the Settings window's map tiles row and the map's tile credit.
#[derive(serde::Serialize)]
pub struct TileStrings {
    /// The setting's label.
    pub tiles: &'static str,
    /// What the setting says when no tiles are chosen.
    pub none: &'static str,
    pub choose_file: &'static str,
    pub choose_folder: &'static str,
    /// The button that goes back to the built-in map alone.
    pub clear: &'static str,
    pub hint: &'static str,
    pub path_hint: &'static str,
    pub opening: &'static str,
    /// Before the zoom levels a source holds ("zoom 0–6").
    pub zoom: &'static str,
    /// Before the reason a chosen source cannot be used.
    pub unreadable: &'static str,
    /// The file dialog's filter name.
    pub dialog_filter: &'static str,
    /// Before the tileset's name and credit in the map's corner.
    pub on_map: &'static str,
}

pub static EN_TILES: TileStrings = TileStrings {
    tiles: "Offline map tiles",
    none: "none: the built-in map only",
    choose_file: "Choose a file…",
    choose_folder: "Choose a folder…",
    clear: "None",
    hint: "A raster tile file or a folder of z/x/y tiles you brought (on a USB stick, say). Nothing is downloaded.",
    path_hint: "path to a tile file or folder",
    opening: "opening…",
    zoom: "zoom",
    unreadable: "cannot be read, the built-in map is shown",
    dialog_filter: "Map tiles",
    on_map: "Tiles",
};

pub static RU_TILES: TileStrings = TileStrings {
    tiles: "Офлайн-тайлы карты",
    none: "нет: только встроенная карта",
    choose_file: "Выбрать файл…",
    choose_folder: "Выбрать папку…",
    clear: "Нет",
    hint: "Растровый файл тайлов или папка тайлов z/x/y, принесённые с собой (например, на флешке). Ничего не загружается из сети.",
    path_hint: "путь к файлу или папке тайлов",
    opening: "открывается…",
    zoom: "масштаб",
    unreadable: "не читается, показана встроенная карта",
    dialog_filter: "Тайлы карты",
    on_map: "Тайлы",
};

pub static KK_TILES: TileStrings = TileStrings {
    tiles: "Картаның офлайн тайлдары",
    none: "жоқ: тек кірістірілген карта",
    choose_file: "Файлды таңдау…",
    choose_folder: "Қалтаны таңдау…",
    clear: "Жоқ",
    hint: "Өзіңізбен әкелген растрлық тайл файлы немесе z/x/y тайлдар қалтасы (мысалы, флешкада). Желіден ештеңе жүктелмейді.",
    path_hint: "тайл файлына немесе қалтасына жол",
    opening: "ашылуда…",
    zoom: "масштаб",
    unreadable: "оқылмайды, кірістірілген карта көрсетілген",
    dialog_filter: "Карта тайлдары",
    on_map: "Тайлдар",
};

pub static KY_TILES: TileStrings = TileStrings {
    tiles: "Картанын офлайн тайлдары",
    none: "жок: камтылган карта гана",
    choose_file: "Файлды тандоо…",
    choose_folder: "Папканы тандоо…",
    clear: "Жок",
    hint: "Өзүңүз менен алып келген растрдык тайл файлы же z/x/y тайлдар папкасы (мисалы, флешкада). Тармактан эч нерсе жүктөлбөйт.",
    path_hint: "тайл файлына же папкасына жол",
    opening: "ачылууда…",
    zoom: "масштаб",
    unreadable: "окулбайт, камтылган карта көрсөтүлдү",
    dialog_filter: "Карта тайлдары",
    on_map: "Тайлдар",
};
