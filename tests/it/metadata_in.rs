//! Metadata in: IPTC-IIM (UTF-8 by its 1:90 marker, else Windows-1251), XMP and `.xmp`
//! sidecars read on import into caption, keywords, people, place, event date, credit and
//! source, each with its provenance in `show --json`; typed values win over a re-read.
//! Fixtures are built byte by byte; files written by exiftool are checked where it is installed.

use crate::checks;
use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};
use serde_json::{Value, json};
use std::process::Command;

/// One IIM dataset.
pub(crate) fn ds(rec: u8, n: u8, v: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1C, rec, n];
    out.extend_from_slice(&(v.len() as u16).to_be_bytes());
    out.extend_from_slice(v);
    out
}

/// A JPEG with `segment` (marker, payload) right after its SOI.
pub(crate) fn with_segment(seed: u32, marker: u8, payload: &[u8]) -> Vec<u8> {
    let jpeg = fixtures::jpeg(40, 30, seed, Jpeg::Baseline, None);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An APP13 payload: Photoshop 3.0, one 8BIM 0x0404 resource holding `iim`.
pub(crate) fn app13(iim: &[u8]) -> Vec<u8> {
    let mut p = b"Photoshop 3.0\0".to_vec();
    p.extend_from_slice(b"8BIM");
    p.extend_from_slice(&0x0404u16.to_be_bytes());
    p.extend_from_slice(&[0, 0]); // empty Pascal name, padded
    p.extend_from_slice(&(iim.len() as u32).to_be_bytes());
    p.extend_from_slice(iim);
    if iim.len() % 2 == 1 {
        p.push(0);
    }
    p
}

/// Windows-1251 for the Cyrillic this test uses.
fn cp1251(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'Ё' => 0xA8,
            'ё' => 0xB8,
            'А'..='я' => (c as u32 - 0x0410 + 0xC0) as u8,
            c if c.is_ascii() => c as u8,
            c => panic!("{c} not in the test's cp1251"),
        })
        .collect()
}

const XMP: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
   xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
   xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
   photoshop:City="Алматы" photoshop:State="Алматинская область" photoshop:Country="Казахстан"
   photoshop:DateCreated="2022-01" photoshop:Credit="Фото: Әйгерім &amp; Vlast.kz">
  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Шествие на площади</rdf:li></rdf:Alt></dc:description>
  <dc:subject><rdf:Bag><rdf:li>Қаңтар</rdf:li><rdf:li>митинг</rdf:li></rdf:Bag></dc:subject>
  <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Жанболат Мамай</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>
  <Iptc4xmpCore:Location>Площадь Республики</Iptc4xmpCore:Location>
  <photoshop:Source>Telegram</photoshop:Source>
 </rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#;

fn sha(report: &Value, name: &str) -> String {
    imported(report, name)["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn iptc_utf8_cp1251_xmp_and_sidecars() {
    let lib = Lib::new();
    let utf8 = [
        ds(1, 90, &[0x1B, 0x25, 0x47]),
        ds(2, 120, "Митинг у акимата".as_bytes()),
        ds(2, 25, "протест".as_bytes()),
        ds(2, 25, "Қаңтар".as_bytes()),
        ds(2, 92, "Площадь Республики".as_bytes()),
        ds(2, 90, "Алматы".as_bytes()),
        ds(2, 101, "Казахстан".as_bytes()),
        ds(2, 55, b"20220105"),
        ds(2, 60, b"193210+0600"),
        ds(2, 110, "Агентство «Қазақ»".as_bytes()),
        ds(2, 115, "Telegram".as_bytes()),
    ]
    .concat();
    lib.write("utf8.jpg", &with_segment(1, 0xED, &app13(&utf8)));
    let legacy = [
        ds(2, 120, &cp1251("Задержания на площади, ёлка")),
        ds(2, 25, &cp1251("Январь")),
        ds(2, 90, &cp1251("Алматы")),
        ds(2, 55, b"20220100"),
    ]
    .concat();
    lib.write("legacy.jpg", &with_segment(2, 0xED, &app13(&legacy)));
    let mut app1 = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    app1.extend_from_slice(XMP.as_bytes());
    lib.write("xmp.jpg", &with_segment(3, 0xE1, &app1));
    // A sidecar beside a file with embedded IPTC: the sidecar's caption wins, the rest is
    // the file's own; `IMG_1.jpg.xmp` is read too.
    lib.write("IMG_1.jpg", &with_segment(4, 0xED, &app13(&utf8)));
    lib.write(
        "IMG_1.xmp",
        XMP.replace("Шествие на площади", "Подпись из сидекара")
            .as_bytes(),
    );
    lib.write(
        "plain.jpg",
        &fixtures::jpeg(40, 30, 5, Jpeg::Baseline, None),
    );
    lib.write("plain.jpg.xmp", XMP.as_bytes());
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        5,
        "{report:#}"
    );
    // A sidecar is not itself an item: the walker lists it as metadata only.
    for skipped in report["skipped"].as_array().unwrap() {
        assert!(
            skipped["path"].as_str().unwrap().ends_with(".xmp"),
            "{report:#}"
        );
    }

    let u = lib.show(&sha(&report, "utf8.jpg"));
    assert_eq!(u["caption"], "Митинг у акимата");
    assert_eq!(u["tags"].as_array().unwrap().len(), 2, "{u:#}");
    assert!(
        u["tags"].as_array().unwrap().contains(&json!("Қаңтар")),
        "{u:#}"
    );
    assert_eq!(
        u["place_path"],
        json!(["Казахстан", "Алматы", "Площадь Республики"])
    );
    assert_eq!(u["event_date"], "2022-01-05T19:32:10+06:00");
    assert_eq!(u["credit"], "Агентство «Қазақ»");
    assert_eq!(u["source"], "Telegram");
    assert_eq!(
        u["capture_time"],
        Value::Null,
        "capture time is the camera's alone"
    );
    for f in [
        "caption",
        "keywords",
        "place",
        "event_date",
        "credit",
        "source",
    ] {
        assert_eq!(u["provenance"][f], "embedded", "{f}: {u:#}");
    }

    let l = lib.show(&sha(&report, "legacy.jpg"));
    assert_eq!(l["caption"], "Задержания на площади, ёлка");
    assert_eq!(l["tags"], json!(["Январь"]));
    assert_eq!(l["place"], "Алматы");
    assert_eq!(l["event_date"], "2022-01");

    let x = lib.show(&sha(&report, "xmp.jpg"));
    assert_eq!(x["caption"], "Шествие на площади");
    assert_eq!(x["people"], json!(["Жанболат Мамай"]));
    assert_eq!(
        x["place_path"],
        json!([
            "Казахстан",
            "Алматинская область",
            "Алматы",
            "Площадь Республики"
        ])
    );
    assert_eq!(x["event_date"], "2022-01");
    assert_eq!(x["credit"], "Фото: Әйгерім & Vlast.kz");
    assert_eq!(x["provenance"]["people"], "embedded");

    let s = lib.show(&sha(&report, "IMG_1.jpg"));
    assert_eq!(s["caption"], "Подпись из сидекара");
    assert_eq!(s["provenance"]["caption"], "sidecar");
    assert_eq!(s["provenance"]["people"], "sidecar");
    let p = lib.show(&sha(&report, "plain.jpg"));
    assert_eq!(p["caption"], "Шествие на площади");
    assert_eq!(p["provenance"]["caption"], "sidecar");

    // A journalist's value is typed; importing the same bytes again changes nothing.
    let id = sha(&report, "utf8.jpg");
    let run = lib.run(&["tag", &id, "--caption", "Исправлено редактором"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = lib.write("copy/utf8-again.jpg", &with_segment(1, 0xED, &app13(&utf8)));
    let (run, report2) = lib.import(&[&again]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report2["duplicates"].as_array().unwrap().len(),
        1,
        "{report2:#}"
    );
    let u = lib.show(&id);
    assert_eq!(u["caption"], "Исправлено редактором");
    assert_eq!(u["provenance"]["caption"], "typed");
    assert_eq!(u["provenance"]["credit"], "embedded");
}

#[test]
fn files_written_by_exiftool() {
    let lib = Lib::new();
    let path = lib.write("et.jpg", &fixtures::jpeg(40, 30, 7, Jpeg::Baseline, None));
    let out = checks::run_outside(
        Command::new("exiftool")
            .args([
                "-overwrite_original",
                "-charset",
                "iptc=UTF8",
                "-IPTC:CodedCharacterSet=UTF8",
                "-IPTC:Caption-Abstract=Выступление Токаева",
                "-IPTC:Keywords=Қаңтар",
                "-IPTC:Keywords=митинг",
                "-IPTC:City=Алматы",
                "-IPTC:Country-PrimaryLocationName=Казахстан",
                "-IPTC:DateCreated=2022:01:07",
                "-XMP-iptcExt:PersonInImage=Касым-Жомарт Токаев",
            ])
            .arg(&path),
    );
    let out = match out {
        Ok(o) => o,
        Err(why) => {
            eprintln!("skipped the exiftool check of metadata in: {why}");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (run, report) = lib.import(&[&path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = lib.show(&sha(&report, "et.jpg"));
    assert_eq!(v["caption"], "Выступление Токаева");
    assert_eq!(v["tags"].as_array().unwrap().len(), 2, "{v:#}");
    assert_eq!(v["place_path"], json!(["Казахстан", "Алматы"]));
    assert_eq!(v["event_date"], "2022-01-07");
    assert_eq!(v["people"], json!(["Касым-Жомарт Токаев"]));
    assert_eq!(v["provenance"]["caption"], "embedded");
}
