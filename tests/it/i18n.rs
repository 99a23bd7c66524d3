//! The users' own languages: the HTML chronicle in Kazakh and Kyrgyz (`kadr export --lang`),
//! and the app switched to Kazakh in its Settings window.

use crate::util::Lib;
use egui_kittest::kittest::Queryable;
use kadr::app::i18n::Lang;
use std::time::{Duration, Instant};

fn demo() -> Lib {
    let lib = Lib::new();
    let run = lib.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    lib
}

fn html(lib: &Lib, name: &str, lang: Option<&str>) -> String {
    let out = lib.dir.path().join(name);
    let mut args = vec!["export", "--format", "html", "--out", out.to_str().unwrap()];
    if let Some(l) = lang {
        args.extend(["--lang", l]);
    }
    let run = lib.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::read_to_string(out.join("index.html")).unwrap()
}

/// The `<h2>` day headers of a chronicle, in order.
fn headers(html: &str) -> Vec<&str> {
    html.split("<h2>")
        .skip(1)
        .map(|s| s.split("</h2>").next().unwrap())
        .collect()
}

#[test]
fn the_html_chronicle_in_kazakh_and_kyrgyz() {
    let lib = demo();

    let kk = html(&lib, "kk", Some("kk"));
    assert!(kk.contains("<html lang=\"kk\">"), "{kk}");
    let h = headers(&kk);
    // The captions are the demo's own (Russian); the headers are not.
    assert!(!h.iter().any(|h| h.contains("января")), "{h:?}");
    assert!(h.contains(&"2022 жылғы 4 қаңтар · кеш"), "{h:?}");
    assert!(
        h.iter().any(|h| h.starts_with("2022 жылғы 15 мамыр")),
        "{h:?}"
    );
    assert!(kk.contains("<h1>Хроника</h1>"));
    assert!(kk.contains("<dt>Орын</dt>"), "field labels in Kazakh");
    assert!(kk.contains("<dt>Адамдар</dt>"));
    assert!(kk.contains("тексерілмеген"), "review status in Kazakh");
    assert!(kk.contains("іріктеме: бүкіл кітапхана"), "{kk}");
    for ru in [
        "<dt>Место</dt>",
        "Снимки хранятся",
        "выборка",
        "без подписи",
    ] {
        assert!(
            !kk.contains(ru),
            "Russian {ru:?} left in the Kazakh chronicle"
        );
    }

    let ky = html(&lib, "ky", Some("ky"));
    assert!(ky.contains("<html lang=\"ky\">"), "{ky}");
    let h = headers(&ky);
    assert!(!h.iter().any(|h| h.contains("января")), "{h:?}");
    assert!(h.contains(&"2022-жылдын 4-январы · кечинде"), "{h:?}");
    assert!(
        h.iter().any(|h| h.starts_with("2022-жылдын 15-майы")),
        "{h:?}"
    );
    assert!(ky.contains("<dt>Жер</dt>"), "field labels in Kyrgyz");
    assert!(ky.contains("текшерилген эмес"), "review status in Kyrgyz");
    for ru in [
        "<dt>Место</dt>",
        "Снимки хранятся",
        "выборка",
        "без подписи",
    ] {
        assert!(
            !ky.contains(ru),
            "Russian {ru:?} left in the Kyrgyz chronicle"
        );
    }

    // English on request; Russian without --lang, as before there was a choice.
    let en = html(&lib, "en", Some("en"));
    assert!(headers(&en).contains(&"4 January 2022 · evening"));
    assert!(en.contains("<html lang=\"en\">"));
    let ru = html(&lib, "ru", None);
    assert!(headers(&ru).contains(&"4 января 2022 · вечер"));
    assert!(ru.contains("<html lang=\"ru\">"));

    let bad = lib.run(&["export", "--format", "html", "--out", "x", "--lang", "de"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn the_app_switches_to_kazakh_in_settings() {
    let lib = demo();
    let mut h = crate::app::harness(&lib);
    let start = Instant::now();
    loop {
        h.step();
        let app = h.state().as_ref().unwrap();
        if app.is_loaded() && app.item_count() >= 20 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the catalogue");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
    h.get_by_label("Timeline").click();
    h.run_steps(3);
    h.get_by_label_contains("4 January 2022 · evening");

    h.get_by_label("Settings").click();
    h.run_steps(2);
    h.get_by_label("Қазақша").click();
    h.run_steps(3);
    assert_eq!(h.state().as_ref().unwrap().prefs().lang, Lang::Kk);
    // The bars, the Settings window and the chronicle's headers all speak Kazakh now.
    h.get_by_label("Хроника");
    h.get_by_label("Импорттау…");
    assert!(
        !h.get_all_by_label("Баптаулар")
            .collect::<Vec<_>>()
            .is_empty()
    );
    h.get_by_label_contains("2022 жылғы 4 қаңтар · кеш");
    assert!(h.query_by_label("Settings").is_none());

    h.get_by_label("Кыргызча").click();
    h.run_steps(3);
    h.get_by_label_contains("2022-жылдын 4-январы · кечинде");
}
