//! Where each described value came from, end to end: creator and copyright read from IPTC
//! (JPEG APP13, TIFF IPTC-NAA) and XMP sidecars, kept with their sources, shown by `show` and
//! `list`, written back out as `dc:creator`/`dc:rights`; a bag's values recorded as `bag` without
//! replacing what a person typed; the inspector's source tags.

use crate::app::{app, harness, wait};
use crate::fixtures::{self, Jpeg};
use crate::metadata_in::{app13, ds, with_segment};
use crate::util::{Lib, imported};
use egui_kittest::kittest::Queryable;
use serde_json::{Value, json};

const CREATOR: &str = "Әйгерім Сейітова";
const SECOND: &str = "Daniyar Mamyrov";
const COPYRIGHT: &str = "© 2022 Vlast.kz «Қаңтар» & AP";

/// IPTC-IIM in UTF-8 with a caption, two By-lines and a CopyrightNotice.
fn iim(caption: &str) -> Vec<u8> {
    [
        ds(1, 90, &[0x1B, 0x25, 0x47]),
        ds(2, 120, caption.as_bytes()),
        ds(2, 80, CREATOR.as_bytes()),
        ds(2, 80, SECOND.as_bytes()),
        ds(2, 116, COPYRIGHT.as_bytes()),
    ]
    .concat()
}

/// An XMP sidecar with a caption, the two creators (a Seq) and the copyright (an Alt).
fn sidecar(caption: &str) -> Vec<u8> {
    format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{caption}</rdf:li></rdf:Alt></dc:description>
  <dc:creator><rdf:Seq><rdf:li>{CREATOR}</rdf:li><rdf:li>{SECOND}</rdf:li></rdf:Seq></dc:creator>
  <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt></dc:rights>
 </rdf:Description></rdf:RDF></x:xmpmeta>"#,
        COPYRIGHT.replace('&', "&amp;")
    )
    .into_bytes()
}

fn sha(report: &Value, name: &str) -> String {
    imported(report, name)["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `tiff` (little-endian, as the image crate writes it) with IFD0 rewritten at the end of the
/// file to hold one more entry: tag 33723 (IPTC-NAA, type LONG as Photoshop writes it) over
/// `iim`. The other entries keep pointing at their data where it was.
fn tiff_with_iptc(tiff: &[u8], iim: &[u8]) -> Vec<u8> {
    assert_eq!(&tiff[..4], b"II*\0", "a little-endian TIFF");
    let u16_at = |i: usize| u16::from_le_bytes([tiff[i], tiff[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes(tiff[i..i + 4].try_into().unwrap());
    let ifd = u32_at(4) as usize;
    let n = u16_at(ifd) as usize;
    let mut entries: Vec<[u8; 12]> = (0..n)
        .map(|k| {
            tiff[ifd + 2 + 12 * k..ifd + 14 + 12 * k]
                .try_into()
                .unwrap()
        })
        .collect();
    let mut out = tiff.to_vec();
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    let data_at = out.len() as u32;
    let mut data = iim.to_vec();
    while !data.len().is_multiple_of(4) {
        data.push(0);
    }
    out.extend_from_slice(&data);
    let mut entry = [0u8; 12];
    entry[..2].copy_from_slice(&33723u16.to_le_bytes());
    entry[2..4].copy_from_slice(&4u16.to_le_bytes());
    entry[4..8].copy_from_slice(&((data.len() / 4) as u32).to_le_bytes());
    entry[8..].copy_from_slice(&data_at.to_le_bytes());
    entries.push(entry);
    entries.sort_by_key(|e| u16::from_le_bytes([e[0], e[1]]));
    let new_ifd = out.len() as u32;
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for e in &entries {
        out.extend_from_slice(e);
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out[4..8].copy_from_slice(&new_ifd.to_le_bytes());
    out
}

#[test]
fn creator_and_copyright_from_iptc_and_sidecars_round_trip_through_xmp() {
    let lib = Lib::new();
    lib.write(
        "byline.jpg",
        &with_segment(1, 0xED, &app13(&iim("Митинг у акимата"))),
    );
    let tiff = fixtures::encode(40, 30, 2, image::ImageFormat::Tiff);
    lib.write("scan.tif", &tiff_with_iptc(&tiff, &iim("Скан негатива")));
    // A sidecar with dc:creator (a Seq) and dc:rights (an Alt) beside a file with none.
    lib.write(
        "plain.jpg",
        &fixtures::jpeg(40, 30, 3, Jpeg::Baseline, None),
    );
    lib.write(
        "plain.xmp",
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:creator><rdf:Seq><rdf:li>Ұлан Әбілқасымұлы</rdf:li></rdf:Seq></dc:creator>
  <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">CC BY 4.0 &amp; Ұлан</rdf:li><rdf:li xml:lang="ru">CC BY 4.0</rdf:li></rdf:Alt></dc:rights>
 </rdf:Description></rdf:RDF></x:xmpmeta>"#.as_bytes(),
    );
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let both = format!("{CREATOR}; {SECOND}");
    let j = lib.show(&sha(&report, "byline.jpg"));
    assert_eq!(j["creator"], both.as_str(), "{j:#}");
    assert_eq!(j["copyright"], COPYRIGHT);
    assert_eq!(j["provenance"]["creator"], "embedded");
    assert_eq!(j["provenance"]["copyright"], "embedded");

    let t = lib.show(&sha(&report, "scan.tif"));
    assert_eq!(t["caption"], "Скан негатива", "{t:#}");
    assert_eq!(t["creator"], both.as_str());
    assert_eq!(t["copyright"], COPYRIGHT);
    assert_eq!(t["provenance"]["creator"], "embedded");

    let p = lib.show(&sha(&report, "plain.jpg"));
    assert_eq!(p["creator"], "Ұлан Әбілқасымұлы", "{p:#}");
    assert_eq!(p["copyright"], "CC BY 4.0 & Ұлан");
    assert_eq!(p["provenance"]["creator"], "sidecar");
    assert_eq!(p["provenance"]["copyright"], "sidecar");

    // `list --json` carries the new keys too (and every old one).
    let listed = lib.list(&[]);
    let row = listed
        .iter()
        .find(|i| i["original_name"] == "byline.jpg")
        .unwrap();
    assert_eq!(row["creator"], both.as_str());
    assert_eq!(row["copyright"], COPYRIGHT);
    assert!(row.get("credit").is_some() && row.get("caption").is_some());

    // The creator is found by search, in another script too.
    for query in ["Сейітова", "Seitova"] {
        let r = lib.run(&["search", "--json", query]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut names: Vec<String> = r
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["original_name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["byline.jpg", "scan.tif"], "{query}");
    }

    // Out as XMP: dc:creator one entry per creator, dc:rights as the default language.
    let out = lib.dir.path().join("sidecars");
    let r = lib.run(&["export", "--format", "xmp", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = vec![out.join("byline.xmp"), out.join("plain.xmp")];
    let read = crate::xmp::read_back(&files);
    for reader in &read[0] {
        assert_eq!(
            reader["XMP-dc:Creator"],
            json!([CREATOR, SECOND]),
            "{reader:#}"
        );
        assert_eq!(reader["XMP-dc:Rights"], COPYRIGHT, "{reader:#}");
    }
    for reader in &read[1] {
        let creator = &reader["XMP-dc:Creator"];
        assert!(
            *creator == json!(["Ұлан Әбілқасымұлы"]) || *creator == "Ұлан Әбілқасымұлы",
            "{reader:#}"
        );
        assert_eq!(reader["XMP-dc:Rights"], "CC BY 4.0 & Ұлан", "{reader:#}");
    }

    // The exported sidecar read back by Kadr itself, beside the same picture elsewhere.
    let other = Lib::new();
    let again = other.write(
        "byline.jpg",
        &fixtures::jpeg(40, 30, 9, Jpeg::Baseline, None),
    );
    std::fs::copy(out.join("byline.xmp"), again.with_extension("xmp")).unwrap();
    let (run, report) = other.import(&[&again]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = other.show(&sha(&report, "byline.jpg"));
    assert_eq!(v["caption"], "Митинг у акимата");
    assert_eq!(v["creator"], both.as_str());
    assert_eq!(v["copyright"], COPYRIGHT);
    assert_eq!(v["provenance"]["creator"], "sidecar");
}

#[test]
fn a_bag_records_its_values_as_bag_and_never_replaces_typed_ones() {
    // Library A: a photo described by its sidecar (caption, creators, copyright), a person
    // typed; another with embedded IPTC.
    let a = Lib::new();
    let bytes = fixtures::jpeg(40, 30, 4, Jpeg::Baseline, None);
    a.write("march.jpg", &bytes);
    a.write("march.xmp", &sidecar("Шествие по Абая"));
    a.write(
        "square.jpg",
        &with_segment(5, 0xED, &app13(&iim("Площадь Республики"))),
    );
    let (_, report) = a.import(&[&a.src()]);
    let (march, square) = (sha(&report, "march.jpg"), sha(&report, "square.jpg"));
    assert_eq!(a.show(&march)["provenance"]["creator"], "sidecar");
    let r = a.run(&[
        "tag",
        &march,
        "--person",
        "Жанболат Мамай",
        "--tag",
        "шествие",
        "--source",
        "Telegram",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bag = a.dir.path().join("bag");
    let r = a.run(&["export", "--format", "bag", "--out", bag.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Library B already holds the march photo (the same bytes, without A's sidecar), its
    // caption typed there, and a keyword typed too.
    let b = Lib::new();
    let plain = b.write("IMG_0004.jpg", &bytes);
    let (_, report) = b.import(&[&plain]);
    assert_eq!(sha(&report, "IMG_0004.jpg"), march);
    let r = b.run(&["tag", &march, "--caption", "Марш, вечер", "--tag", "Абая"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A source typed and then cleared here: emptied on purpose, a value of its own.
    for source in ["Чат", ""] {
        let r = b.run(&["tag", &march, "--source", source]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }

    let (run, report) = b.import(&[&bag]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);

    let m = b.show(&march);
    assert_eq!(m["caption"], "Марш, вечер", "typed here: kept");
    assert_eq!(m["provenance"]["caption"], "typed");
    assert_eq!(m["source"], Value::Null, "emptied here: kept empty");
    assert_eq!(m["provenance"]["source"], "typed");
    let conflicts: Vec<&str> = report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(conflicts, ["caption", "source"], "{report:#}");
    let merged = report["merged"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["sha256"] == march.as_str())
        .unwrap();
    let took = merged["fields"].as_array().unwrap();
    assert!(
        !took.contains(&json!("caption")) && !took.contains(&json!("source")),
        "{merged:#}"
    );
    // What B lacked came from the bag, and says so.
    assert_eq!(m["people"], json!(["Жанболат Мамай"]), "{m:#}");
    assert_eq!(m["provenance"]["people"], "bag");
    assert_eq!(m["creator"], format!("{CREATOR}; {SECOND}"));
    assert_eq!(m["copyright"], COPYRIGHT);
    assert_eq!(m["provenance"]["copyright"], "bag");
    // Keywords typed here are united with the bag's, and stay typed.
    let tags = m["tags"].as_array().unwrap();
    assert!(
        tags.contains(&json!("Абая")) && tags.contains(&json!("шествие")),
        "{m:#}"
    );

    // The photo B did not have arrives whole, every value from the bag.
    let s = b.show(&square);
    assert_eq!(s["caption"], "Площадь Республики");
    for f in ["caption", "creator", "copyright"] {
        assert_eq!(s["provenance"][f], "bag", "{f}: {s:#}");
    }

    // Importing the bag again changes nothing a person typed.
    let (run, _) = b.import(&[&bag]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = b.show(&march);
    assert_eq!(m["caption"], "Марш, вечер");
    assert_eq!(m["provenance"]["caption"], "typed");
    assert_eq!(b.run(&["audit", "verify"]).code, 0);
}

#[test]
fn the_inspector_tags_each_value_with_where_it_came_from() {
    let lib = Lib::new();
    let path = lib.write(
        "agency.jpg",
        &with_segment(6, 0xED, &app13(&iim("Выступление на площади"))),
    );
    let (run, report) = lib.import(&[&path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = sha(&report, "agency.jpg");
    let r = lib.run(&["tag", &id, "--credit", "Редакция"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let mut h = harness(&lib);
    wait(&mut h, "the library", |h| app(h).item_count() == 1);
    // The grid names a captioned photo by its caption.
    h.get_by_label("Выступление на площади").click();
    wait(&mut h, "the inspector", |h| {
        app(h)
            .detail()
            .is_some_and(|d| d.original_name == "agency.jpg")
    });
    // The caption, creator and copyright came from the file; the credit was typed.
    wait(&mut h, "the source tags", |h| {
        h.query_all_by_label("from file").count() >= 3
    });
    assert_eq!(h.query_all_by_label("from file").count(), 3);
    h.get_by_label("typed");
    h.get_by_label(&format!("{CREATOR}; {SECOND}"));
    h.get_by_label(COPYRIGHT);
    // Their words in the other languages are there too.
    for lang in kadr::i18n::Lang::ALL {
        let p = lang.strings().provenance;
        assert!(p.tag("embedded").is_some() && p.tag("bag").is_some());
        assert_eq!(p.tag("unknown"), None);
    }
}
