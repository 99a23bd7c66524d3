//! Search speed on a large catalogue, and what keeping the index in step costs a write.
//!
//!     cargo bench --bench search                 # 100 000 items
//!     KADR_BENCH_ITEMS=20000 cargo bench --bench search
//!
//! Builds a library of synthetic items (as `frame` does), each tagged with a caption of words
//! drawn from a Russian and Kazakh vocabulary, a place in a three-level hierarchy with aliases
//! in several scripts, one or two people with Latin and Cyrillic aliases, and keywords. Prints
//! the time to write it, the cost per item of keeping the index in step, a full `reindex`, and
//! the median and 95th percentile of queries: prefix, cross-script, place hierarchy, two words,
//! a single letter; both the ranked ids (`kadr search`) and the unordered set (the app's field).

use kadr::catalog::{Catalog, EntityKind, Filter, NewItem, TagChange};
use std::time::Instant;

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
    "қантар",
    "оқиғалар",
    "жиналыс",
    "сот",
    "баспасөз",
    "машины",
    "флаги",
    "лозунги",
    "военные",
    "бронетехника",
    "граждане",
    "январь",
    "февраль",
    "адвокат",
];

/// Places: (path, aliases). Items are spread over the leaves.
const PLACES: &[(&str, &[&str])] = &[
    ("Алматы", &["Almaty", "Алма-Ата", "Alma-Ata"]),
    (
        "Алматы > Площадь Республики",
        &["Respublika alany", "Республика аянты", "Republic Square"],
    ),
    (
        "Алматы > Площадь Республики > Акимат города Алматы",
        &["Almaty akimat", "Алматы қаласының әкімдігі"],
    ),
    ("Алматы > Улица Абая", &["Abay Avenue", "Абай даңғылы"]),
    (
        "Алматы > Парк Первого Президента",
        &["First President Park"],
    ),
    ("Астана", &["Astana", "Нур-Султан", "Nur-Sultan"]),
    ("Астана > Акорда", &["Akorda", "Ақорда"]),
    ("Тараз", &["Taraz", "Жамбыл", "Zhambyl"]),
    ("Шымкент", &["Shymkent"]),
    ("Бишкек", &["Bishkek", "Бишкек шаары"]),
];

fn main() {
    let n: usize = std::env::var("KADR_BENCH_ITEMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let lib = kadr::Library::open(&dir.path().join("lib")).unwrap();
    let mut cat = lib.catalog().unwrap();
    let start = Instant::now();
    fill(&mut cat, n);
    println!(
        "catalogue of {n} tagged items written in {:.1} s (index kept in step)",
        start.elapsed().as_secs_f64()
    );

    // What keeping the index in step costs one item: its row rebuilt from the catalogue and
    // written, as every write method does once per change.
    let sample = 5_000.min(n) as i64;
    let t = Instant::now();
    cat.write("bench", |tx| {
        for id in 1..=sample {
            tx.reindex_item(id)?;
        }
        // Every write is recorded (an index row alone would be refused as unrecorded).
        tx.log("bench", None, serde_json::json!({}))
    })
    .unwrap();
    println!(
        "index kept in step: {:.0} µs per item change (mean over {sample})",
        t.elapsed().as_secs_f64() * 1e6 / sample as f64
    );
    let t = Instant::now();
    let indexed = cat.reindex().unwrap();
    println!(
        "reindex of {indexed} items: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let size =
        |name: &str| std::fs::metadata(dir.path().join("lib").join(name)).map_or(0, |m| m.len());
    println!(
        "catalog.sqlite {:.0} MB (+ WAL {:.0} MB)",
        size("catalog.sqlite") as f64 / 1e6,
        size("catalog.sqlite-wal") as f64 / 1e6
    );

    println!(
        "{:<34} {:>8} {:>10} {:>9} {:>10} {:>9}",
        "query", "matches", "ranked med", "p95", "set med", "p95"
    );
    for (label, q) in [
        ("prefix (выступ)", "выступ"),
        ("prefix, Latin for Cyrillic (vystup)", "vystup"),
        ("person, cross-script (Mamai)", "Mamai"),
        ("person, Tokayev = Токаев", "Tokayev"),
        ("person, Janbolat = Жанболат", "Janbolat"),
        ("place hierarchy (Almaty)", "Almaty"),
        ("place hierarchy (Republic Square)", "Republic Square"),
        ("place, Kazakh (Республика аянты)", "Республика аянты"),
        ("two words (Almaty митинг)", "Almaty митинг"),
        ("keyword, Kazakh letters (қантар)", "кантар"),
        ("file name (IMG_0421)", "IMG_0421"),
        ("one letter (а)", "а"),
        ("no match (zqzq)", "zqzq"),
    ] {
        let hits = cat.search_ids(q).unwrap().len();
        let ranked = time(|| {
            cat.search_ids(q).unwrap();
        });
        let set = time(|| {
            cat.search_set(q).unwrap();
        });
        println!(
            "{label:<34} {hits:>8} {:>8.2}ms {:>7.2}ms {:>8.2}ms {:>7.2}ms",
            ranked.0, ranked.1, set.0, set.1
        );
    }
    // `kadr search` prints whole items: with a filter, for a selective query.
    let filter = Filter {
        status: Some("unreviewed".into()),
        ..Default::default()
    };
    let rows = time(|| {
        cat.search("Tokayev выступ", &filter).unwrap();
    });
    println!(
        "kadr search \"Tokayev выступ\" --status unreviewed, whole items: {} found, median {:.2} ms, p95 {:.2} ms",
        cat.search("Tokayev выступ", &filter).unwrap().len(),
        rows.0,
        rows.1
    );
}

/// (median, p95) in ms over 30 runs after 3 warm-up runs.
fn time(mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..3 {
        f();
    }
    let mut v: Vec<f64> = (0..30)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[v.len() * 95 / 100])
}

/// A small deterministic generator (no dependency for a benchmark).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

fn fill(cat: &mut Catalog, n: usize) {
    let base = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    cat.write("bench", |tx| {
        for (path, aliases) in PLACES {
            let id = tx.place(path)?;
            for a in *aliases {
                tx.add_alias(EntityKind::Place, id, a)?;
            }
        }
        let mut people = vec![
            (
                "Жанболат Мамай".to_string(),
                vec!["Zhanbolat Mamay".to_string(), "Мамай".into()],
            ),
            (
                "Касым-Жомарт Токаев".to_string(),
                vec!["Kassym-Jomart Tokayev".to_string(), "Тоқаев".into()],
            ),
        ];
        for i in 0..500 {
            people.push((
                format!("Человек {i} Иванов"),
                vec![format!("Chelovek {i} Ivanov")],
            ));
        }
        for (name, aliases) in &people {
            let id = tx.person(name)?;
            for a in aliases {
                tx.add_alias(EntityKind::Person, id, a)?;
            }
        }
        let mut rng = Lcg(7);
        for i in 0..n {
            let sha = format!("{:064x}", i as u128 * 0x9E37_79B9_7F4A_7C15 + 1);
            let mut item = NewItem {
                stored_path: format!("originals/{}/{sha}.jpg", &sha[..2]),
                sha256: sha.clone(),
                original_name: format!("IMG_{:04}.JPG", i % 10_000),
                source_path: format!("/photos/day{}/IMG_{:04}.JPG", i / 10_000, i % 10_000),
                size: 4_000_000,
                format: "jpeg".into(),
                width: Some(4000),
                height: Some(3000),
                ..Default::default()
            };
            item.exif.capture_local =
                Some(base + chrono::Duration::seconds((i as i64 * 7919) % (365 * 86_400)));
            let id = tx.insert_item(&item)?;
            let mut caption: Vec<&str> = (0..8).map(|_| WORDS[rng.next(WORDS.len())]).collect();
            if i % 100 == 0 {
                caption.push("выступление");
            }
            let person = match rng.next(1000) {
                0..=1 => people[0].0.clone(),
                2..=3 => people[1].0.clone(),
                k => people[2 + k % 500].0.clone(),
            };
            tx.tag(
                id,
                &TagChange {
                    caption: Some(Some(caption.join(" "))),
                    place: Some(Some(PLACES[1 + rng.next(PLACES.len() - 1)].0.into())),
                    add_people: vec![person],
                    add_tags: vec![WORDS[rng.next(WORDS.len())].into()],
                    credit: Some(Some("Vlast.kz".into())),
                    ..Default::default()
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
}
