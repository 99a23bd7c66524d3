//! Where a described value came from, as the inspector tags it (`catalog::provenance`'s
//! sources), and the labels of the fields only files fill (creator, copyright).

/// The inspector's source tags, each with its hover text.
#[derive(serde::Serialize)]
pub struct ProvenanceStrings {
    /// The file's own IPTC or XMP (`embedded`).
    pub embedded: &'static str,
    pub embedded_hover: &'static str,
    /// A `.xmp` sidecar beside the file (`sidecar`).
    pub sidecar: &'static str,
    pub sidecar_hover: &'static str,
    /// A person, in Kadr (`typed`).
    pub typed: &'static str,
    pub typed_hover: &'static str,
    /// An evidence bag's catalogue data (`bag`).
    pub bag: &'static str,
    pub bag_hover: &'static str,
    /// The photo's creator (IPTC By-line, `dc:creator`) and copyright notice (`dc:rights`).
    pub creator: &'static str,
    pub copyright: &'static str,
}

impl ProvenanceStrings {
    /// The tag and hover text of a source as `item_provenance` names it.
    pub fn tag(&self, source: &str) -> Option<(&'static str, &'static str)> {
        match source {
            "embedded" => Some((self.embedded, self.embedded_hover)),
            "sidecar" => Some((self.sidecar, self.sidecar_hover)),
            "typed" => Some((self.typed, self.typed_hover)),
            "bag" => Some((self.bag, self.bag_hover)),
            _ => None,
        }
    }
}

pub static EN_PROVENANCE: ProvenanceStrings = ProvenanceStrings {
    embedded: "from file",
    embedded_hover: "Read on import from the file's own IPTC or XMP metadata.",
    sidecar: "from sidecar",
    sidecar_hover: "Read on import from the .xmp sidecar beside the file.",
    typed: "typed",
    typed_hover: "Entered by a person in Kadr. Re-reading or re-importing files never overwrites it.",
    bag: "from bag",
    bag_hover: "Taken from an evidence bag's catalogue data when the bag was imported.",
    creator: "Creator",
    copyright: "Copyright",
};

pub static RU_PROVENANCE: ProvenanceStrings = ProvenanceStrings {
    embedded: "из файла",
    embedded_hover: "Прочитано при импорте из метаданных IPTC или XMP самого файла.",
    sidecar: "из .xmp рядом",
    sidecar_hover: "Прочитано при импорте из файла .xmp, лежащего рядом с оригиналом.",
    typed: "введено вручную",
    typed_hover: "Введено человеком в Kadr. Повторное чтение или импорт файлов никогда его не перезапишет.",
    bag: "из пакета",
    bag_hover: "Взято из данных каталога пакета доказательств при его импорте.",
    creator: "Автор снимка",
    copyright: "Авторские права",
};

pub static KK_PROVENANCE: ProvenanceStrings = ProvenanceStrings {
    embedded: "файлдан",
    embedded_hover: "Импорт кезінде файлдың өз метадеректерінен (XMP және басқалары) оқылды.",
    sidecar: "қасындағы XMP-тен",
    sidecar_hover: "Импорт кезінде түпнұсқаның жанындағы XMP файлынан оқылды.",
    typed: "қолмен енгізілген",
    typed_hover: "Kadr-да адам енгізген. Файлдарды қайта оқу немесе қайта импорттау оны ешқашан өзгертпейді.",
    bag: "пакеттен",
    bag_hover: "Дәлелдер пакеті импортталғанда оның каталог деректерінен алынды.",
    creator: "Суреттің авторы",
    copyright: "Авторлық құқық",
};

pub static KY_PROVENANCE: ProvenanceStrings = ProvenanceStrings {
    embedded: "файлдан",
    embedded_hover: "Импорттоодо файлдын өз метамаалыматтарынан (XMP жана башкалар) окулду.",
    sidecar: "жанындагы XMP'ден",
    sidecar_hover: "Импорттоодо түп нусканын жанындагы XMP файлынан окулду.",
    typed: "кол менен киргизилген",
    typed_hover: "Kadr'да адам киргизген. Файлдарды кайра окуу же кайра импорттоо аны эч качан өзгөртпөйт.",
    bag: "пакеттен",
    bag_hover: "Далилдер пакети импорттолгондо анын каталог маалыматтарынан алынды.",
    creator: "Сүрөттүн автору",
    copyright: "Автордук укук",
};
