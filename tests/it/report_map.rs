//! The HTML report's map: one marker per located item, camera GPS and tagged place told apart,
//! each linked to its entry in the chronicle, and nothing outside the file referenced; no map
//! when no item has a position. And the CSV's coordinate columns.

use crate::checks::{XmlElement, parse_csv, parse_xml};
use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};

fn export(lib: &Lib, format: &str) -> std::path::PathBuf {
    let out = lib.dir.path().join(format!("out-{format}"));
    let r = lib.run(&["export", "--format", format, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out
}

/// The `<svg>` element of a report, if it has one.
fn svg_of(html: &str) -> Option<&str> {
    let start = html.find("<svg")?;
    let end = html[start..]
        .find("</svg>")
        .expect("the svg element is closed")
        + start
        + 6;
    Some(&html[start..end])
}

/// Every element named `name` in the tree, depth first.
fn all<'a>(e: &'a XmlElement, name: &str, out: &mut Vec<&'a XmlElement>) {
    if e.name == name {
        out.push(e);
    }
    for c in e.elements() {
        all(c, name, out);
    }
}

#[test]
fn the_report_maps_each_located_item_and_links_it_to_its_entry() {
    let lib = Lib::new();
    // Square and Buenos Aires by camera GPS, the park by its place only, one nowhere.
    let [square, baires, park, nowhere] = crate::map::located(&lib);
    for args in [
        vec![
            "place",
            "locate",
            "Парк Первого Президента",
            "43.1886,76.8879",
        ],
        // A place without coordinates puts nothing on the map.
        vec!["tag", nowhere.as_str(), "--place", "Нигде"],
        vec![
            "tag",
            square.as_str(),
            "--caption",
            "Площадь <Республики> & \"люди\"",
        ],
    ] {
        let r = lib.run(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }

    let out = export(&lib, "html");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.to_lowercase().contains("http"), "no http anywhere");
    for external in [
        "<image",
        "url(",
        "@font-face",
        "@import",
        "<link",
        "<script",
    ] {
        assert!(!html.contains(external), "{external}");
    }
    let svg = svg_of(&html).expect("a map");
    let root = parse_xml(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(root.name, "svg");
    assert!(root.attr("xmlns").is_none() && root.attr("viewBox").is_some());

    // One marker per located item, each a link to an entry the report has.
    let mut links = Vec::new();
    all(&root, "a", &mut links);
    let mut hrefs: Vec<&str> = links.iter().map(|a| a.attr("href").unwrap()).collect();
    hrefs.sort();
    let mut want: Vec<String> = [&square, &baires, &park]
        .iter()
        .map(|s| format!("#item-{s}"))
        .collect();
    want.sort();
    assert_eq!(hrefs, want);
    for href in &hrefs {
        let id = format!("id=\"{}\"", &href[1..]);
        assert_eq!(html.matches(&id).count(), 1, "{id}");
    }
    assert!(!svg.contains(nowhere.as_str()));
    // The camera's GPS is a circle, the journalist's place a diamond, as in the app.
    let shape = |sha: &str| {
        let a = links
            .iter()
            .find(|a| a.attr("href") == Some(&format!("#item-{sha}")))
            .unwrap();
        let s = a.elements().find(|e| e.name != "title" && e.name != "text");
        let s = s.expect("a marker shape");
        (s.name.clone(), s.attr("class").unwrap().to_string())
    };
    assert_eq!(shape(&square), ("circle".into(), "camera".into()));
    assert_eq!(shape(&baires), ("circle".into(), "camera".into()));
    assert_eq!(shape(&park), ("path".into(), "place".into()));
    // Each marker carries its number and its entry's caption, escaped.
    let square_link = links
        .iter()
        .find(|a| a.attr("href") == Some(&format!("#item-{square}")))
        .unwrap();
    let title = square_link.elements().find(|e| e.name == "title").unwrap();
    assert!(
        title.text().ends_with("Площадь <Республики> & \"люди\""),
        "{}",
        title.text()
    );
    let number = square_link.elements().find(|e| e.name == "text").unwrap();
    let pin = format!(
        "<a class=\"pin camera\" href=\"#map\" title=\"GPS камеры\">{}</a>",
        number.text()
    );
    assert_eq!(html.matches(&pin).count(), 1, "{pin}");
    assert_eq!(html.matches("<a class=\"pin ").count(), 3);
    assert_eq!(html.matches("<a class=\"pin place\"").count(), 1);
    assert!(html.contains("<figure class=\"map\" id=\"map\">"));
    // The key to the two shapes is the page's, under the map, not drawn over it.
    assert!(html.contains("<i class=\"camera\"></i>GPS камеры</span>"));
    assert!(html.contains("<i class=\"place\"></i>указанное место</span>"));

    // The CSV carries the camera's GPS in gps_lat / gps_lon (a place's coordinates are in
    // places.json, not in the item's row).
    let csv = std::fs::read_to_string(export(&lib, "csv").join("items.csv")).unwrap();
    let rows = parse_csv(&csv).unwrap();
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (lat, lon) = (col("gps_lat"), col("gps_lon"));
    let row = |sha: &str| rows.iter().find(|r| r[1] == sha).unwrap();
    // EXIF keeps degrees, minutes and seconds as fractions: equal to a millionth of a degree.
    let near = |v: &str, want: f64| (v.parse::<f64>().unwrap() - want).abs() < 1e-6;
    assert!(near(&row(&square)[lat], 43.2385) && near(&row(&square)[lon], 76.9455));
    assert!(near(&row(&baires)[lat], -34.6037) && near(&row(&baires)[lon], -58.3816));
    assert_eq!(
        (row(&park)[lat].as_str(), row(&park)[lon].as_str()),
        ("", "")
    );
}

#[test]
fn a_report_without_located_items_has_no_map() {
    let lib = Lib::new();
    lib.write("a.jpg", &fixtures::jpeg(32, 32, 1, Jpeg::Baseline, None));
    lib.write("b.jpg", &fixtures::jpeg(32, 32, 2, Jpeg::Baseline, None));
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let a = imported(&report, "a.jpg")["sha256"].as_str().unwrap();
    let r = lib.run(&["tag", a, "--place", "Алматы > Площадь Республики"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = export(&lib, "html");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains(&format!("id=\"item-{a}\"")));
    assert!(svg_of(&html).is_none());
    assert!(!html.contains("id=\"map\"") && !html.contains("class=\"pin"));
}
