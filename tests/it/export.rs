//! `export`: BagIt bags checked with the Library of Congress `bagit` tool, CSV parsed back by
//! Python's csv module, the HTML chronicle, selections, and the output folder's safety rules.
//! Where those tools are not installed, our own checks in `checks.rs` stand in (and say so).

use crate::checks;
use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

mod formats;
mod output;

const TRICKY_CAPTION: &str = "Площадь Республики, ночь с 4 на 5 января: \"стреляют\"";

/// Three tagged photos (one with a Cyrillic file name) and one untouched; their SHA-256s.
fn library() -> (Lib, Vec<String>) {
    let lib = Lib::new();
    let exif = Exif {
        datetime_original: Some("2022:01:04 19:32:10"),
        offset_original: Some("+06:00"),
        ..Default::default()
    };
    lib.write(
        "шествие.jpg",
        &fixtures::jpeg(96, 64, 1, Jpeg::Baseline, Some(&exif)),
    );
    lib.write(
        "square.jpg",
        &fixtures::jpeg(64, 64, 2, Jpeg::Baseline, None),
    );
    lib.write(
        "night.jpg",
        &fixtures::jpeg(80, 48, 3, Jpeg::Progressive, None),
    );
    lib.write(
        "other.jpg",
        &fixtures::jpeg(40, 40, 4, Jpeg::Baseline, None),
    );
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shas: Vec<String> = ["шествие.jpg", "square.jpg", "night.jpg", "other.jpg"]
        .iter()
        .map(|n| imported(&report, n)["sha256"].as_str().unwrap().to_string())
        .collect();
    let tag = |sha: &str, args: &[&str]| {
        let mut all = vec!["tag", sha];
        all.extend(args);
        let r = lib.run(&all);
        assert_eq!(r.code, 0, "tag: {}", r.stderr);
    };
    tag(
        &shas[0],
        &[
            "--date",
            "2022-01-04 evening",
            "--place",
            "Алматы > парк Первого Президента",
            "--person",
            "Жанболат Мамай",
            "--caption",
            "4 января. Вечер. Шествие в Алматы.",
            "--tag",
            "шествие",
        ],
    );
    tag(
        &shas[1],
        &[
            "--date",
            "2022-01-05",
            "--place",
            "Алматы > Площадь Республики",
            "--caption",
            TRICKY_CAPTION,
        ],
    );
    tag(
        &shas[2],
        &[
            "--date",
            "2022-05-15",
            "--person",
            "Zhanbolat Mamay",
            "--tag",
            "суд",
        ],
    );
    (lib, shas)
}

fn export(lib: &Lib, args: &[&str]) -> crate::util::Run {
    let mut all = vec!["export"];
    all.extend(args);
    lib.run(&all)
}

fn out_dir(lib: &Lib, rel: &str) -> PathBuf {
    lib.dir.path().join(rel)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Validates a bag. Where the Library of Congress tool is installed, runs
/// `python3 -m bagit --validate DIR` (the strong form, as CI has it) and also our own validator,
/// which must agree with it; where it is not, our own BagIt 1.0 validator alone decides, and
/// stderr says the outside check was skipped.
pub fn bagit_validate(dir: &Path) -> (bool, String) {
    let ours = checks::validate_bag(dir);
    match checks::bagit_module() {
        Ok(()) => {
            let out = Command::new("python3")
                .args(["-m", "bagit", "--validate"])
                .arg(dir)
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                out.status.success(),
                ours.is_ok(),
                "bagit and our own bag check disagree on {}:\nbagit: {text}\nours: {ours:?}",
                dir.display()
            );
            (out.status.success(), text)
        }
        Err(why) => {
            eprintln!(
                "skipped the bagit check: {why}; checked the bag with our own BagIt 1.0 validator instead"
            );
            match ours {
                Ok(()) => (true, String::new()),
                Err(problems) => (false, problems),
            }
        }
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn bag_info(dir: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(dir.join("bag-info.txt"))
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn bag_validates_and_holds_byte_identical_originals() {
    let (lib, shas) = library();
    let out = out_dir(&lib, "handoff/bag");
    let r = export(
        &lib,
        &["--json", "--format", "bag", "--out", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = r.json();
    assert_eq!(summary["format"], "bag");
    assert_eq!(summary["items"], 4);
    assert_eq!(summary["out"], out.to_str().unwrap());

    assert_eq!(
        std::fs::read_to_string(out.join("bagit.txt")).unwrap(),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    // Originals: byte-identical to what was imported, named by their SHA-256.
    for (sha, name) in shas.iter().zip(["шествие.jpg", "square.jpg", "night.jpg"]) {
        let bagged = std::fs::read(out.join(format!("data/originals/{sha}.jpg"))).unwrap();
        assert_eq!(
            bagged,
            std::fs::read(lib.src().join(name)).unwrap(),
            "{name}"
        );
        assert_eq!(&sha256_hex(&bagged), sha);
    }
    // Every payload file is in both manifests with the right hash, and nothing else is.
    let mut payload: Vec<String> = walkdir::WalkDir::new(out.join("data"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    payload.sort();
    // Each original with its XMP sidecar, and the five catalogue files.
    assert_eq!(payload.len(), 4 * 2 + 5, "{payload:?}");
    for (manifest, algo) in [("manifest-sha256.txt", 256), ("manifest-sha512.txt", 512)] {
        let text = std::fs::read_to_string(out.join(manifest)).unwrap();
        let mut listed = Vec::new();
        for line in text.lines() {
            let (hash, path) = line.split_once("  ").unwrap();
            let bytes = std::fs::read(out.join(path)).unwrap();
            let actual = if algo == 256 {
                sha256_hex(&bytes)
            } else {
                hex(&Sha512::digest(&bytes))
            };
            assert_eq!(hash, actual, "{manifest}: {path}");
            listed.push(path.to_string());
        }
        listed.sort();
        assert_eq!(listed, payload, "{manifest}");
    }
    let tagmanifest = std::fs::read_to_string(out.join("tagmanifest-sha256.txt")).unwrap();
    for name in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ] {
        let want = format!(
            "{}  {name}",
            sha256_hex(&std::fs::read(out.join(name)).unwrap())
        );
        assert!(
            tagmanifest.lines().any(|l| l == want),
            "{name}: {tagmanifest}"
        );
    }

    // bag-info.txt: Payload-Oxum is the payload's bytes and file count.
    let info = bag_info(&out);
    let get = |k: &str| {
        info.iter()
            .find(|(key, _)| key == k)
            .unwrap_or_else(|| panic!("{k} missing: {info:?}"))
            .1
            .clone()
    };
    let bytes: u64 = payload
        .iter()
        .map(|p| std::fs::metadata(out.join(p)).unwrap().len())
        .sum();
    assert_eq!(get("Payload-Oxum"), format!("{bytes}.{}", payload.len()));
    assert_eq!(get("Contact-Name"), "tester");
    assert_eq!(get("Source-Organization"), "Kadr");
    assert_eq!(get("Bagging-Date").len(), 10);
    assert!(get("External-Description").starts_with("4 items exported from a Kadr library"));
    assert!(get("Bag-Software-Agent").starts_with("kadr "));
    assert!(!get("Bag-Size").is_empty());

    // The catalogue data rides along.
    let items = read_json(&out.join("data/catalog/items.json"));
    assert_eq!(items.as_array().unwrap().len(), 4);
    // `show` adds each value's provenance, which the bag's items do not carry.
    let mut shown = lib.show(&shas[0]);
    shown.as_object_mut().unwrap().remove("provenance");
    assert_eq!(items[0], shown);
    let people = read_json(&out.join("data/catalog/people.json"));
    assert_eq!(people.as_array().unwrap().len(), 1, "{people:#}");
    assert_eq!(people[0]["name"], "Жанболат Мамай", "{people:#}");
    assert_eq!(people[0]["aliases"][0], "Жанболат Мамай", "{people:#}");
    let places = read_json(&out.join("data/catalog/places.json"));
    let names: Vec<&str> = places
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Алматы", "Площадь Республики", "парк Первого Президента"]
    );
    assert_eq!(places[1]["parent"], places[0]["id"]);
    let history = read_json(&out.join("data/catalog/history.json"));
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "import").count(), 4);
    assert_eq!(actions.iter().filter(|a| **a == "tag").count(), 3);

    // The real validator agrees, and catches a single flipped byte in an original.
    let (ok, text) = bagit_validate(&out);
    assert!(ok, "bagit --validate failed:\n{text}");
    let victim = out.join(format!("data/originals/{}.jpg", shas[1]));
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(&victim).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&victim, bytes).unwrap();
    let (ok, text) = bagit_validate(&out);
    assert!(!ok, "bagit --validate passed a damaged bag:\n{text}");

    // The export is in the history, naming every item.
    let h = lib.run(&["history", "--json"]).json();
    let last = h.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "export");
    assert_eq!(last["details"]["format"], "bag");
    assert_eq!(last["details"]["out"], out.to_str().unwrap());
    assert_eq!(last["details"]["items"].as_array().unwrap().len(), 4);
}

/// A writable copy of a bag, to damage.
fn copy_bag(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

/// Rewrites the tag manifest to match the tag files, so that only the damage under test is left.
fn reseal_tags(bag: &Path) {
    let text: String = [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ]
    .iter()
    .map(|n| {
        format!(
            "{}  {n}\n",
            sha256_hex(&std::fs::read(bag.join(n)).unwrap())
        )
    })
    .collect();
    std::fs::write(bag.join("tagmanifest-sha256.txt"), text).unwrap();
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Our own bag check (the stand-in for the bagit tool where it is not installed) passes a good
/// bag and catches each kind of damage, each on its own.
#[test]
fn our_bag_check_catches_each_kind_of_damage() {
    let (lib, shas) = library();
    let good = out_dir(&lib, "bag");
    let r = export(&lib, &["--format", "bag", "--out", good.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(checks::validate_bag(&good), Ok(()));
    let original = format!("data/originals/{}.jpg", shas[1]);

    type Damage = Box<dyn Fn(&Path)>;
    let o = original.clone();
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "a flipped byte in an original",
            Box::new(move |b: &Path| {
                let p = b.join(&o);
                let mut bytes = std::fs::read(&p).unwrap();
                let mid = bytes.len() / 2;
                bytes[mid] ^= 0x01;
                std::fs::write(&p, bytes).unwrap();
            }),
            "the manifest says",
        ),
        (
            "a flipped byte in the catalogue data",
            Box::new(|b: &Path| {
                edit(&b.join("data/catalog/items.json"), |t| {
                    t.replacen("\"sha256\"", "\"sha257\"", 1)
                })
            }),
            "items.json",
        ),
        (
            "an extra payload file",
            Box::new(|b: &Path| std::fs::write(b.join("data/catalog/extra.txt"), "x").unwrap()),
            "extra.txt is not listed",
        ),
        (
            "a missing payload file",
            Box::new(|b: &Path| std::fs::remove_file(b.join("data/catalog/people.json")).unwrap()),
            "people.json does not exist",
        ),
        (
            "a manifest line removed",
            Box::new(|b: &Path| {
                edit(&b.join("manifest-sha512.txt"), |t| {
                    t.lines()
                        .filter(|l| !l.ends_with("places.json"))
                        .map(|l| format!("{l}\n"))
                        .collect()
                });
                reseal_tags(b);
            }),
            "places.json is not listed",
        ),
        (
            "a wrong Payload-Oxum",
            Box::new(|b: &Path| {
                edit(&b.join("bag-info.txt"), |t| {
                    t.lines()
                        .map(|l| {
                            if l.starts_with("Payload-Oxum: ") {
                                "Payload-Oxum: 1.1\n".to_string()
                            } else {
                                format!("{l}\n")
                            }
                        })
                        .collect()
                });
                reseal_tags(b);
            }),
            "Payload-Oxum is 1.1",
        ),
        (
            "another bagit.txt",
            Box::new(|b: &Path| {
                edit(&b.join("bagit.txt"), |t| t.replace("1.0", "0.97"));
                reseal_tags(b);
            }),
            "bagit.txt is",
        ),
        (
            "bag-info.txt edited after sealing",
            Box::new(|b: &Path| {
                edit(&b.join("bag-info.txt"), |t| {
                    t.replace("tester", "someone else")
                })
            }),
            "tagmanifest-sha256.txt: bag-info.txt",
        ),
        (
            "a tag manifest that does not cover a manifest",
            Box::new(|b: &Path| {
                edit(&b.join("tagmanifest-sha256.txt"), |t| {
                    t.lines()
                        .filter(|l| !l.ends_with("manifest-sha512.txt"))
                        .map(|l| format!("{l}\n"))
                        .collect()
                })
            }),
            "does not cover manifest-sha512.txt",
        ),
    ];
    for (n, (what, damage, want)) in cases.into_iter().enumerate() {
        let bag = out_dir(&lib, &format!("damaged-{n}"));
        copy_bag(&good, &bag);
        assert_eq!(checks::validate_bag(&bag), Ok(()), "{what}: the copy");
        damage(&bag);
        match checks::validate_bag(&bag) {
            Ok(()) => panic!("our bag check passed {what}"),
            Err(problems) => assert!(problems.contains(want), "{what}: {problems}"),
        }
    }
}
