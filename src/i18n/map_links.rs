//! The map's links with time and places: the time strip, the map-area filter and placing a
//! place by clicking the map.

/// Texts of the time strip under the map, the "filter to map area" toggle and the banner
/// shown while a place is being placed on the map.
#[derive(serde::Serialize)]
pub struct MapLinkStrings {
    pub play: &'static str,
    pub pause: &'static str,
    /// Move the cursor to the next item's date.
    pub step: &'static str,
    /// Back to rest: every item shown.
    pub reset: &'static str,
    /// The strip itself (its accessible name).
    pub strip: &'static str,
    pub strip_hint: &'static str,
    pub strip_none: &'static str,
    /// `{}` is "3 / 10": items on the map shown at the cursor, of all.
    pub shown: &'static str,
    pub area_filter: &'static str,
    pub area_filter_hint: &'static str,
    /// The sidebar's note that the map area narrows the views.
    pub area_on: &'static str,
    pub area_clear: &'static str,
    /// The People & Places window's and the inspector's button.
    pub set_on_map: &'static str,
    /// `{}` is the place's name.
    pub pick_banner: &'static str,
    pub pick_cancel: &'static str,
}

pub static EN_MAP_LINKS: MapLinkStrings = MapLinkStrings {
    play: "Play",
    pause: "Pause",
    step: "Next",
    reset: "Reset",
    strip: "Time strip",
    strip_hint: "Drag to move through the dates, one step per date: points appear as their date passes. Items with no date stay shown.",
    strip_none: "No item on the map has a date",
    shown: "shown: {}",
    area_filter: "Filter to map area",
    area_filter_hint: "Narrow the grid, the timeline and the selection to the items in the map's view",
    area_on: "Only the map area",
    area_clear: "Show items everywhere again",
    set_on_map: "Set on map",
    pick_banner: "Click the map to place «{}» (Esc to cancel)",
    pick_cancel: "Cancel",
};

pub static RU_MAP_LINKS: MapLinkStrings = MapLinkStrings {
    play: "Воспроизвести",
    pause: "Пауза",
    step: "Дальше",
    reset: "Сбросить",
    strip: "Шкала времени",
    strip_hint: "Перетащите, чтобы пройти по датам (каждая дата — один шаг): точки появляются, когда наступает их дата. Снимки без даты видны всегда.",
    strip_none: "Ни у одного снимка на карте нет даты",
    shown: "показано: {}",
    area_filter: "Только область карты",
    area_filter_hint: "Оставить в сетке, хронике и выделении только снимки в видимой области карты",
    area_on: "Только область карты",
    area_clear: "Снова показать снимки отовсюду",
    set_on_map: "Указать на карте",
    pick_banner: "Щёлкните по карте, чтобы поставить «{}» (Esc — отмена)",
    pick_cancel: "Отмена",
};

pub static KK_MAP_LINKS: MapLinkStrings = MapLinkStrings {
    play: "Ойнату",
    pause: "Кідірту",
    step: "Келесі",
    reset: "Бастапқы күй",
    strip: "Уақыт шкаласы",
    strip_hint: "Күндер бойымен жүру үшін сүйреңіз (әр күн — бір қадам): нүктелер күні келгенде пайда болады. Күні жоқ суреттер әрдайым көрінеді.",
    strip_none: "Картадағы суреттердің ешқайсысының күні жоқ",
    shown: "көрсетілді: {}",
    area_filter: "Тек карта аумағы",
    area_filter_hint: "Торда, хроникада және белгіленгендерде картаның көрінетін аумағындағы суреттерді ғана қалдыру",
    area_on: "Тек карта аумағы",
    area_clear: "Барлық жердегі суреттерді қайта көрсету",
    set_on_map: "Картада белгілеу",
    pick_banner: "«{}» орнын қою үшін картаны басыңыз (Esc — бас тарту)",
    pick_cancel: "Бас тарту",
};

pub static KY_MAP_LINKS: MapLinkStrings = MapLinkStrings {
    play: "Ойнотуу",
    pause: "Тыным",
    step: "Кийинки",
    reset: "Баштапкы абал",
    strip: "Убакыт шкаласы",
    strip_hint: "Даталар боюнча жылуу үчүн сүйрөңүз (ар бир дата — бир кадам): чекиттер датасы келгенде пайда болот. Датасы жок сүрөттөр дайыма көрүнөт.",
    strip_none: "Картадагы сүрөттөрдүн биринин да датасы жок",
    shown: "көрсөтүлдү: {}",
    area_filter: "Картанын аймагы гана",
    area_filter_hint: "Тордо, хроникада жана белгиленгендерде картанын көрүнгөн аймагындагы сүрөттөрдү гана калтыруу",
    area_on: "Картанын аймагы гана",
    area_clear: "Бардык жердеги сүрөттөрдү кайра көрсөтүү",
    set_on_map: "Картада белгилөө",
    pick_banner: "«{}» жерин коюу үчүн картаны басыңыз (Esc — жокко чыгаруу)",
    pick_cancel: "Жокко чыгаруу",
};
