//! The catalogue benchmark's synthetic libraries: the word, name, city and site lists, the
//! generator that writes a library of `n` items through the catalogue's public write API, and
//! the cache of built libraries in `target/kadr-bench-catalog/` (see the bench's module comment).

use kadr::catalog::{EntityKind, NewItem, TagChange};
use kadr::dates::EventDate;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bump when the generator changes, so cached libraries are rebuilt.
const GENERATOR: &str = "catalog-bench v2";

const WORDS: &[&str] = &[
    "митинг",
    "шествие",
    "протестующие",
    "полиция",
    "задержание",
    "площадь",
    "улица",
    "вечер",
    "утро",
    "ночь",
    "родственники",
    "пострадавшие",
    "суд",
    "акимат",
    "прокуратура",
    "мемориал",
    "активисты",
    "журналисты",
    "выступление",
    "пресс-конференция",
    "наводнение",
    "пожар",
    "выборы",
    "участок",
    "очередь",
    "қантар",
    "оқиғалар",
    "жиналыс",
    "сот",
    "баспасөз",
    "тұрғындар",
    "сайлау",
    "әкімдік",
    "шеру",
    "қала",
    "көше",
    "алаң",
    "түнде",
    "таңертең",
    "полицейлер",
    "машины",
    "флаги",
    "лозунги",
    "военные",
    "граждане",
    "адвокат",
];

const FIRST: &[&str] = &[
    "Айгерим",
    "Асель",
    "Жанар",
    "Динара",
    "Мадина",
    "Гульнара",
    "Алия",
    "Сауле",
    "Анна",
    "Ольга",
    "Мария",
    "Елена",
    "Нурлан",
    "Ерлан",
    "Асхат",
    "Даурен",
    "Марат",
    "Бахыт",
    "Серик",
    "Жанболат",
    "Иван",
    "Сергей",
    "Алексей",
    "Тимур",
    "Руслан",
    "Айбек",
    "Бекзат",
    "Нурсултан",
    "Азамат",
    "Дина",
];

const LAST: &[&str] = &[
    "Сапаров",
    "Жумабаев",
    "Ахметов",
    "Нурланов",
    "Касымов",
    "Абенов",
    "Иванов",
    "Петров",
    "Смагулов",
    "Байжанов",
    "Оспанов",
    "Тулегенов",
    "Мамай",
    "Сулейменов",
    "Есенов",
    "Кенжебаев",
    "Омаров",
    "Искаков",
    "Бекмуханов",
    "Ержанов",
    "Кузнецов",
    "Садыков",
    "Токтогулов",
    "Абдрахманов",
    "Муратов",
    "Рахимов",
    "Досанов",
    "Алиев",
    "Шарипов",
    "Турсунов",
    "Жакупов",
    "Калиев",
    "Нургалиев",
    "Бейсенов",
    "Ким",
    "Пак",
    "Ли",
    "Цой",
    "Габдуллин",
    "Мукашев",
    "Орынбаев",
    "Сарсенов",
    "Утебаев",
    "Ибраев",
    "Жунусов",
    "Каримов",
    "Тажибаев",
    "Исаев",
    "Ахмедов",
    "Серикбаев",
];

/// Cities with coordinates; each gets `SITES_PER_CITY` sites nearby.
const CITIES: &[(&str, f64, f64)] = &[
    ("Алматы", 43.238, 76.945),
    ("Астана", 51.169, 71.449),
    ("Шымкент", 42.341, 69.590),
    ("Караганда", 49.806, 73.085),
    ("Актобе", 50.283, 57.166),
    ("Тараз", 42.900, 71.367),
    ("Павлодар", 52.287, 76.967),
    ("Усть-Каменогорск", 49.948, 82.628),
    ("Семей", 50.411, 80.227),
    ("Атырау", 47.094, 51.924),
    ("Костанай", 53.214, 63.625),
    ("Кызылорда", 44.853, 65.509),
    ("Уральск", 51.233, 51.367),
    ("Петропавловск", 54.865, 69.136),
    ("Актау", 43.650, 51.160),
    ("Темиртау", 50.054, 72.964),
    ("Туркестан", 43.297, 68.251),
    ("Кокшетау", 53.283, 69.383),
    ("Талдыкорган", 45.017, 78.383),
    ("Экибастуз", 51.723, 75.323),
    ("Жанаозен", 43.341, 52.861),
    ("Конаев", 43.867, 77.067),
    ("Бишкек", 42.875, 74.604),
    ("Ош", 40.528, 72.799),
    ("Джалал-Абад", 40.933, 73.000),
    ("Каракол", 42.491, 78.394),
    ("Токмок", 42.842, 75.301),
    ("Нарын", 41.428, 75.991),
    ("Талас", 42.522, 72.243),
    ("Баткен", 40.062, 70.819),
];

const SITES: &[&str] = &[
    "Площадь Республики",
    "Улица Абая",
    "Акимат",
    "Городской суд",
    "Центральный парк",
    "Вокзал",
    "Рынок",
    "Больница",
    "Школа",
    "Мечеть",
    "Стадион",
    "Аэропорт",
    "Университет",
    "Полицейский участок",
    "Мемориал",
];
const SITES_PER_CITY: usize = 70;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        self.next(1 << 24) as f64 / (1u64 << 24) as f64
    }
}

/// The cached library of `n` items, generated when missing.
pub(super) fn library_for(n: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("kadr-bench-catalog").join(format!("n{n}"));
    let marker = dir.join("complete");
    if std::fs::read_to_string(&marker).is_ok_and(|s| s == GENERATOR) {
        return dir.join("lib");
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    generate(&dir.join("lib"), n);
    eprintln!(
        "generated {n} items in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        dir.display()
    );
    std::fs::write(&marker, GENERATOR).unwrap();
    dir.join("lib")
}

/// Writes a synthetic library of `n` items at `root` (see the module comment).
pub fn generate(root: &Path, n: usize) {
    let lib = kadr::Library::open(root).unwrap();
    let mut rng = Lcg(11);

    // 256 distinct small thumbnails: gradients in varied colours.
    let thumbs: Vec<Vec<u8>> = (0..256u32)
        .map(|k| {
            let img = image::RgbImage::from_fn(64, 48, |x, y| {
                image::Rgb([
                    ((x * 4 + k * 37) % 256) as u8,
                    ((y * 5 + k * 91) % 256) as u8,
                    ((x + y + k * 13) % 256) as u8,
                ])
            });
            kadr::ingest::encode_jpeg(&img, 80).unwrap()
        })
        .collect();

    let mut cat = lib.catalog().unwrap();
    // Entities first, in one transaction.
    let (places, people) = cat
        .write("bench", |tx| {
            let mut places = Vec::new();
            for (ci, (city, lat, lon)) in CITIES.iter().enumerate() {
                let id = tx.place(city)?;
                tx.set_place_coordinates(id, Some(*lat), Some(*lon))?;
                for s in 0..SITES_PER_CITY {
                    let path = format!(
                        "{city} > {} {}",
                        SITES[s % SITES.len()],
                        s / SITES.len() + 1
                    );
                    let id = tx.place(&path)?;
                    let (dlat, dlon) = (
                        (s as f64 * 0.37).sin() * 0.05,
                        (s as f64 * 0.61).cos() * 0.05,
                    );
                    tx.set_place_coordinates(id, Some(lat + dlat), Some(lon + dlon))?;
                    places.push((path, lat + dlat, lon + dlon, ci));
                }
            }
            let mut people = Vec::new();
            for i in 0..3000 {
                let name = format!(
                    "{} {} {}",
                    FIRST[i % FIRST.len()],
                    LAST[(i / FIRST.len()) % LAST.len()],
                    i / (FIRST.len() * LAST.len()) + 1
                );
                let id = tx.person(&name)?;
                if i % 5 == 0 {
                    tx.add_alias(EntityKind::Person, id, &format!("Person {i} (lat.)"))?;
                }
                people.push(name);
            }
            Ok((places, people))
        })
        .unwrap();

    // Items, in events: a burst of photos over a few hours at one place, as imported.
    let start = chrono::NaiveDate::from_ymd_opt(2019, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let span_days = 7 * 365;
    let mut i = 0usize;
    while i < n {
        let batch = (n - i).min(5_000);
        cat.write("bench", |tx| {
            let mut left = batch;
            while left > 0 {
                let size = (5 + rng.next(200)).min(left);
                let day = rng.next(span_days) as i64;
                let t0 = start
                    + chrono::Duration::days(day)
                    + chrono::Duration::minutes(6 * 60 + rng.next(14 * 60) as i64);
                let place = &places[rng.next(places.len())];
                let crowd: Vec<&String> = (0..6).map(|_| &people[rng.next(people.len())]).collect();
                let keyword = WORDS[rng.next(WORDS.len())];
                // The burst's scene: one photo in ten is a re-save of it, a few bits off.
                let scene = (rng.next(1 << 30) as u64) << 34 ^ (rng.next(1 << 30) as u64) << 4;
                let mut t = t0;
                for _ in 0..size {
                    let k = i + (batch - left);
                    let sha = format!("{:064x}", k as u128 * 0x9E37_79B9_7F4A_7C15 + 1);
                    let phone = k % 3;
                    let mut item = NewItem {
                        stored_path: format!("originals/{}/{sha}.jpg", &sha[..2]),
                        sha256: sha.clone(),
                        original_name: format!("IMG_{:04}.JPG", k % 10_000),
                        source_path: format!("/media/card{phone}/DCIM/IMG_{:04}.JPG", k % 10_000),
                        size: 2_000_000 + rng.next(6_000_000) as u64,
                        format: "jpeg".into(),
                        width: Some(4000),
                        height: Some(3000),
                        has_preview: true,
                        phash: Some(if rng.next(10) == 0 {
                            scene ^ (1 << rng.next(64)) ^ (1 << rng.next(64))
                        } else {
                            (rng.next(1 << 30) as u64) << 34
                                ^ (rng.next(1 << 30) as u64) << 4
                                ^ rng.next(16) as u64
                        }),
                        ..Default::default()
                    };
                    t += chrono::Duration::seconds(5 + rng.next(120) as i64);
                    item.exif.capture_local = Some(t);
                    item.exif.make = Some(["Apple", "Samsung", "Canon"][phone].into());
                    if rng.next(5) < 2 {
                        item.exif.gps = Some((
                            place.1 + (rng.unit() - 0.5) * 0.004,
                            place.2 + (rng.unit() - 0.5) * 0.004,
                        ));
                    }
                    let id = tx.insert_item(&item)?;
                    let thumb = kadr::Library::thumb_path(&lib, &sha);
                    std::fs::create_dir_all(thumb.parent().unwrap()).unwrap();
                    std::fs::write(&thumb, &thumbs[k % thumbs.len()]).unwrap();
                    if rng.next(4) < 3 {
                        let words = 6 + rng.next(9);
                        let caption: Vec<&str> =
                            (0..words).map(|_| WORDS[rng.next(WORDS.len())]).collect();
                        let date = (rng.next(4) == 0)
                            .then(|| EventDate::parse(&t0.format("%Y-%m-%d").to_string()).ok())
                            .flatten();
                        tx.tag(
                            id,
                            &TagChange {
                                date: date.map(Some),
                                place: Some(Some(place.0.clone())),
                                caption: Some(Some(caption.join(" "))),
                                add_people: (0..1 + rng.next(3))
                                    .map(|_| crowd[rng.next(crowd.len())].clone())
                                    .collect(),
                                add_tags: vec![keyword.into()],
                                ..Default::default()
                            },
                        )?;
                    }
                    left -= 1;
                }
            }
            Ok(())
        })
        .unwrap();
        i += batch;
    }
}
