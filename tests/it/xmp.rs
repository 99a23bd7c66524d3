//! `export --format xmp`: one XMP sidecar per item, read back with exiftool where it is installed
//! (`exiftool -j -G1 -struct`, the strong form, as CI has it) and always with our own XML check
//! (`checks::read_xmp`), which must agree with it; where exiftool is not installed, our check
//! alone decides and stderr says the outside check was skipped. Bags carry the same sidecars
//! beside their originals, and importing such a bag does not list them as skipped files.

use crate::checks;
use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Everything XML must escape, Cyrillic and the Kazakh letters.
const CAPTION: &str = "Әйгерім: «Қаңтар» <b>&amp; \"стреляют\" & 'ұран' — 4 января, ғ ң ө ү һ і";
const KEYWORD: &str = "Қаңтар & <2022>";
const SOURCE: &str = "Telegram «Оқиға» <@qantar_2022>";
const CREDIT: &str = "Фото: Әйгерім Т. & \"Vlast.kz\"";

/// Four photos: one with every field (a Cyrillic file name), two that share a base name, one
/// untouched. Returns the library and the SHA-256s in that order.
fn library() -> (Lib, Vec<String>) {
    let lib = Lib::new();
    let files = [
        "шествие.jpg",
        "a/IMG_0001.jpg",
        "b/IMG_0001.JPG",
        "bare.jpg",
    ];
    for (n, rel) in files.iter().enumerate() {
        lib.write(
            rel,
            &fixtures::jpeg(48, 32, n as u32 + 1, Jpeg::Baseline, None),
        );
    }
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sha = |name: &str| -> Vec<String> {
        report["imported"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["original_name"] == name)
            .map(|i| i["sha256"].as_str().unwrap().to_string())
            .collect()
    };
    let first = sha("шествие.jpg")[0].clone();
    let img = sha("IMG_0001.jpg")[0].clone();
    let img_upper = sha("IMG_0001.JPG")[0].clone();
    let bare = imported(&report, "bare.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let ok = |args: &[&str]| {
        let r = lib.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    };
    ok(&[
        "tag",
        &first,
        "--caption",
        CAPTION,
        "--date",
        "2022?-01-04 evening",
        "--place",
        "Қазақстан > Алматы > Площадь Республики",
        "--person",
        "Жанболат Мамай",
        "--person",
        "Ұлан Әбілқасымұлы",
        "--tag",
        "шествие",
        "--tag",
        KEYWORD,
        "--source",
        SOURCE,
        "--credit",
        CREDIT,
    ]);
    ok(&["place", "locate", "Площадь Республики", "43.2383,76.9456"]);
    ok(&[
        "tag",
        &img,
        "--date",
        "2022-01-04/2022-01-06",
        "--caption",
        "один",
        "--place",
        "Бишкек",
    ]);
    ok(&[
        "tag",
        &img_upper,
        "--date",
        "2022-01-04T19:32:10+06:00",
        "--tag",
        "суд",
        "--person",
        "Roza Otunbaeva",
    ]);
    (lib, vec![first, img, img_upper, bare])
}

/// Each sidecar as exiftool reads it (if installed) and as our own check reads it; they must
/// agree on every field Kadr writes.
pub(crate) fn read_back(files: &[PathBuf]) -> Vec<Vec<Value>> {
    let ours: Vec<Value> = files
        .iter()
        .map(|f| {
            checks::read_xmp(&std::fs::read(f).unwrap())
                .unwrap_or_else(|e| panic!("{} is not a good XMP packet: {e}", f.display()))
        })
        .collect();
    let run = checks::run_outside(
        Command::new("exiftool")
            .args(["-j", "-G1", "-struct"])
            .args(files),
    );
    match run {
        Ok(out) => {
            assert!(
                out.status.success(),
                "exiftool failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(all.len(), files.len());
            files
                .iter()
                .zip(ours)
                .map(|(f, ours)| {
                    let theirs = all
                        .iter()
                        .find(|v| Path::new(v["SourceFile"].as_str().unwrap()) == f)
                        .unwrap()
                        .clone();
                    let warnings: Vec<(&String, &Value)> = theirs
                        .as_object()
                        .unwrap()
                        .iter()
                        .filter(|(k, _)| k.ends_with(":Warning") || k.ends_with(":Error"))
                        .collect();
                    assert!(warnings.is_empty(), "{}: {warnings:?}", f.display());
                    assert_eq!(theirs["File:FileType"], "XMP");
                    for key in ours.as_object().unwrap().keys() {
                        assert_eq!(
                            normalized(&theirs[key]),
                            normalized(&ours[key]),
                            "{}: exiftool and our own XMP check disagree on {key}",
                            f.display()
                        );
                    }
                    vec![theirs, ours]
                })
                .collect()
        }
        Err(why) => {
            eprintln!(
                "skipped the exiftool check: {why}; read the sidecars with our own XMP check instead"
            );
            ours.into_iter().map(|v| vec![v]).collect()
        }
    }
}

/// A value as both readers can be compared: numbers as text, single values as one-item lists
/// where exiftool flattens them, dates in XMP's form, coordinates in decimal degrees.
fn normalized(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => {
            if let Some(c) = coordinate(s) {
                Value::String(format!("{c:.5}"))
            } else {
                Value::String(xmp_date(s))
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), normalized(v))).collect())
        }
        other => other.clone(),
    }
}

/// exiftool prints XMP dates EXIF-style (`2022:01:04 19:32:10+06:00`); back to XMP's form.
fn xmp_date(s: &str) -> String {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if digits(0..4) && b.get(4) == Some(&b':') && digits(5..7) {
        let mut t = s.replacen(':', "-", 2);
        if t.len() > 10 && t.as_bytes()[10] == b' ' {
            t.replace_range(10..11, "T");
        }
        return t;
    }
    s.to_string()
}

/// Degrees from XMP's `43,14.298000N` or exiftool's `43 deg 14' 17.88" N`.
fn coordinate(s: &str) -> Option<f64> {
    let s = s.trim();
    let hemi = s.chars().last()?;
    let sign = match hemi {
        'N' | 'E' => 1.0,
        'S' | 'W' => -1.0,
        _ => return None,
    };
    let body = s[..s.len() - 1].trim();
    let v = if let Some((d, m)) = body.split_once(',') {
        d.parse::<f64>().ok()? + m.parse::<f64>().ok()? / 60.0
    } else {
        let parts: Vec<f64> = body
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [d, m, sec] = parts.as_slice() else {
            return None;
        };
        d + m / 60.0 + sec / 3600.0
    };
    Some(sign * v)
}

fn text(v: &Value, key: &str) -> Option<String> {
    match &v[key] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn list(v: &Value, key: &str) -> Vec<Value> {
    match &v[key] {
        Value::Null => Vec::new(),
        Value::Array(a) => a.clone(),
        one => vec![one.clone()],
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    let mut l: Vec<String> = list(v, key)
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    l.sort();
    l
}

fn date(v: &Value) -> Option<String> {
    text(v, "XMP-photoshop:DateCreated").map(|d| xmp_date(&d))
}

#[test]
fn sidecars_round_trip_through_exiftool() {
    let (lib, shas) = library();
    let out = lib.dir.path().join("sidecars");
    let r = lib.run(&["export", "--format", "xmp", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("exported 4 items as XMP sidecars: 4 files"),
        "{}",
        r.stdout
    );

    // One sidecar per item, named after the original; a shared base name takes the short hash.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut want = vec![
        "bare.xmp".to_string(),
        "шествие.xmp".to_string(),
        format!("IMG_0001.{}.xmp", &shas[1][..8]),
        format!("IMG_0001.{}.xmp", &shas[2][..8]),
    ];
    want.sort();
    assert_eq!(names, want);
    let files = [
        out.join("шествие.xmp"),
        out.join(&want.iter().find(|n| n.contains(&shas[1][..8])).unwrap()[..]),
        out.join(&want.iter().find(|n| n.contains(&shas[2][..8])).unwrap()[..]),
        out.join("bare.xmp"),
    ];
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(raw.contains("Қаңтар &amp; &lt;2022&gt;"), "{raw}");

    let views = read_back(&files);
    for v in &views[0] {
        assert_eq!(
            text(v, "XMP-dc:Description").as_deref(),
            Some(CAPTION),
            "{v:#}"
        );
        assert_eq!(strings(v, "XMP-dc:Subject"), ["шествие", KEYWORD]);
        // `2022?-01-04 evening`: the year was a guess and the evening has no XMP form; the date
        // is written as known, the catalogued form kept beside it.
        assert_eq!(date(v).as_deref(), Some("2022-01-04"));
        assert_eq!(
            text(v, "XMP-kadr:EventDate").as_deref(),
            Some("2022?-01-04 evening")
        );
        assert_eq!(
            text(v, "XMP-kadr:Sha256").as_deref(),
            Some(shas[0].as_str())
        );
        assert_eq!(
            strings(v, "XMP-iptcExt:PersonInImage"),
            ["Жанболат Мамай", "Ұлан Әбілқасымұлы"]
        );
        assert_eq!(text(v, "XMP-photoshop:Credit").as_deref(), Some(CREDIT));
        assert_eq!(text(v, "XMP-photoshop:Source").as_deref(), Some(SOURCE));
        let shown = list(v, "XMP-iptcExt:LocationShown");
        assert_eq!(shown.len(), 1, "{v:#}");
        let loc = &shown[0];
        assert_eq!(loc["Sublocation"], "Площадь Республики");
        assert_eq!(loc["City"], "Алматы");
        assert_eq!(loc["CountryName"], "Қазақстан");
        assert_eq!(loc["ProvinceState"], Value::Null);
        assert_eq!(loc["LocationName"], "Площадь Республики, Алматы, Қазақстан");
        let lat = coordinate(loc["GPSLatitude"].as_str().unwrap()).unwrap();
        let lon = coordinate(loc["GPSLongitude"].as_str().unwrap()).unwrap();
        assert!((lat - 43.2383).abs() < 1e-5, "{lat}");
        assert!((lon - 76.9456).abs() < 1e-5, "{lon}");
        assert_eq!(
            text(v, "XMP-iptcCore:Location").as_deref(),
            Some("Площадь Республики")
        );
        assert_eq!(text(v, "XMP-photoshop:City").as_deref(), Some("Алматы"));
        assert_eq!(
            text(v, "XMP-photoshop:Country").as_deref(),
            Some("Қазақстан")
        );
    }
    for v in &views[1] {
        // An interval: its start date. A place with no parents is the Sublocation alone, and
        // without coordinates there are none.
        assert_eq!(date(v).as_deref(), Some("2022-01-04"));
        assert_eq!(text(v, "XMP-dc:Description").as_deref(), Some("один"));
        let loc = &list(v, "XMP-iptcExt:LocationShown")[0];
        assert_eq!(loc["Sublocation"], "Бишкек");
        assert_eq!(loc["City"], Value::Null);
        assert_eq!(loc["GPSLatitude"], Value::Null);
        assert_eq!(v["XMP-dc:Subject"], Value::Null);
        assert_eq!(v["XMP-photoshop:Credit"], Value::Null);
    }
    for v in &views[2] {
        assert_eq!(date(v).as_deref(), Some("2022-01-04T19:32:10+06:00"));
        assert_eq!(strings(v, "XMP-dc:Subject"), ["суд"]);
        assert_eq!(strings(v, "XMP-iptcExt:PersonInImage"), ["Roza Otunbaeva"]);
        assert_eq!(v["XMP-iptcExt:LocationShown"], Value::Null);
    }
    for v in &views[3] {
        // Nothing catalogued: the sidecar still names its original, and says nothing else.
        assert_eq!(
            text(v, "XMP-kadr:Sha256").as_deref(),
            Some(shas[3].as_str())
        );
        for key in [
            "XMP-dc:Description",
            "XMP-dc:Subject",
            "XMP-photoshop:DateCreated",
            "XMP-iptcExt:PersonInImage",
            "XMP-iptcExt:LocationShown",
        ] {
            assert_eq!(v[key], Value::Null, "{key}");
        }
    }

    // The export is in the history.
    let h = lib.run(&["history", "--json"]).json();
    let last = h.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "export");
    assert_eq!(last["details"]["format"], "xmp");
    assert_eq!(last["details"]["items"].as_array().unwrap().len(), 4);
}

#[test]
fn our_xmp_check_catches_broken_packets() {
    let good = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
        <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
        <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
        <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">a &amp; b</rdf:li></rdf:Alt></dc:description>\
        </rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>\n";
    let v = checks::read_xmp(good.as_bytes()).unwrap();
    assert_eq!(v["XMP-dc:Description"], "a & b");
    for (bad, want) in [
        (good.replace("a &amp; b", "a & b"), "bare &"),
        (good.replace("a &amp; b", "a < b"), ""),
        (
            good.replace("</dc:description>", "</dc:subject>"),
            "closed by",
        ),
        (good.replace("a &amp; b", "a \u{1} b"), "not allowed"),
        (
            good.replace(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"", ""),
            "not declared",
        ),
        (good.replace("<?xpacket end=\"w\"?>", ""), "xpacket end"),
    ] {
        match checks::read_xmp(bad.as_bytes()) {
            Ok(v) => panic!("passed a broken packet ({want}): {v}"),
            Err(e) => assert!(e.contains(want), "{want}: {e}"),
        }
    }
    assert!(checks::read_xmp(&[0xff, 0xfe]).is_err());
}

#[test]
fn bags_carry_the_sidecars_and_import_without_noise() {
    let (lib, shas) = library();
    let xmp = lib.dir.path().join("sidecars");
    let r = lib.run(&["export", "--format", "xmp", "--out", xmp.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bag = lib.dir.path().join("bag");
    let r = lib.run(&["export", "--format", "bag", "--out", bag.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    for sha in &shas {
        let rel = format!("data/originals/{sha}.xmp");
        let sidecar = std::fs::read(bag.join(&rel)).unwrap();
        assert!(
            manifest.lines().any(|l| l.ends_with(&format!("  {rel}"))),
            "{rel} not in the manifest:\n{manifest}"
        );
        checks::read_xmp(&sidecar).unwrap();
        // The same sidecar as `--format xmp` writes.
        let same = std::fs::read_dir(&xmp)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .any(|b| b == sidecar);
        assert!(same, "{rel} differs from the xmp export's sidecar");
    }
    assert_eq!(checks::validate_bag(&bag), Ok(()));
    let (ok, text) = crate::export::bagit_validate(&bag);
    assert!(ok, "{text}");

    // Another library imports the bag: four originals, the sidecars neither imported nor
    // reported as skipped.
    let b = Lib::new();
    let (run, report) = b.import(&[&bag]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        4,
        "{report:#}"
    );
    assert_eq!(report["skipped"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["failed"], serde_json::json!([]), "{report:#}");
    let run = b.run(&["import", bag.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("skipped"), "{}", run.stdout);
    assert!(!run.stderr.contains("skipped"), "{}", run.stderr);
    assert_eq!(b.show(&shas[0])["caption"], CAPTION);
}
