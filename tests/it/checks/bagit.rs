//! BagIt 1.0 (RFC 8493), as Kadr writes it: our own validator, the stand-in for the Library of
//! Congress bagit tool.

use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(algo: &str, bytes: &[u8]) -> String {
    match algo {
        "sha256" => hex(&Sha256::digest(bytes)),
        "sha512" => hex(&Sha512::digest(bytes)),
        _ => unreachable!("{algo}"),
    }
}

/// RFC 8493 §2.1.3: CR, LF and % in a manifest's file path are percent-encoded.
fn decode_manifest_path(p: &str) -> String {
    p.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

/// A manifest's lines as (digest, path); malformed lines go to `problems`.
fn read_manifest(dir: &Path, name: &str, problems: &mut Vec<String>) -> Vec<(String, String)> {
    let text = match std::fs::read_to_string(dir.join(name)) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("{name}: cannot read it ({e})"));
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line.split_once([' ', '\t']) {
            Some((hash, path)) if !hash.is_empty() && !path.trim_start().is_empty() => {
                entries.push((hash.to_string(), decode_manifest_path(path.trim_start())));
            }
            _ => problems.push(format!(
                "{name} line {}: not \"<digest> <path>\": {line:?}",
                n + 1
            )),
        }
    }
    entries
}

/// Whether a manifest path stays inside the bag: relative, no `..`, no empty part.
fn safe_path(path: &str) -> bool {
    !path.starts_with('/')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Checks every (digest, path) of a manifest against `files` (path → bytes on disk).
fn check_entries(
    name: &str,
    algo: &str,
    entries: &[(String, String)],
    dir: &Path,
    problems: &mut Vec<String>,
) -> BTreeSet<String> {
    let want_len = if algo == "sha256" { 64 } else { 128 };
    let mut listed = BTreeSet::new();
    for (hash, path) in entries {
        if hash.len() != want_len || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(format!("{name}: {path}: {hash:?} is not a {algo} digest"));
        }
        if !safe_path(path) {
            problems.push(format!("{name}: {path:?} leaves the bag"));
            continue;
        }
        if !listed.insert(path.clone()) {
            problems.push(format!("{name}: {path} is listed twice"));
        }
        let full = dir.join(path);
        if !full.is_file() {
            problems.push(format!("{name}: {path} does not exist"));
            continue;
        }
        match std::fs::read(&full) {
            Ok(bytes) => {
                let actual = digest(algo, &bytes);
                if !actual.eq_ignore_ascii_case(hash) {
                    problems.push(format!(
                        "{name}: {path}: the file's {algo} is {actual}, the manifest says {hash}"
                    ));
                }
            }
            Err(e) => problems.push(format!("{name}: {path}: cannot read it ({e})")),
        }
    }
    listed
}

/// Every regular file under `data/`, as "data/..." paths, with its size.
fn payload(dir: &Path, problems: &mut Vec<String>) -> BTreeMap<String, u64> {
    let mut files = BTreeMap::new();
    let data = dir.join("data");
    if !data.is_dir() {
        problems.push("there is no data/ folder".into());
        return files;
    }
    for entry in walkdir::WalkDir::new(&data).min_depth(1) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("cannot walk data/: {e}"));
                continue;
            }
        };
        let rel = entry.path().strip_prefix(dir).unwrap();
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        let rel = rel.join("/");
        if entry.file_type().is_file() {
            files.insert(rel, entry.metadata().map(|m| m.len()).unwrap_or(0));
        } else if !entry.file_type().is_dir() {
            problems.push(format!("{rel} is neither a file nor a folder"));
        }
    }
    files
}

/// `bag-info.txt` as (label, value) pairs, continuation lines joined.
fn bag_info(dir: &Path, problems: &mut Vec<String>) -> Vec<(String, String)> {
    let text = match std::fs::read_to_string(dir.join("bag-info.txt")) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("bag-info.txt: cannot read it ({e})"));
            return Vec::new();
        }
    };
    let mut info: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with([' ', '\t']) {
            match info.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                None => problems.push(format!("bag-info.txt line {}: continues nothing", n + 1)),
            }
        } else if let Some((k, v)) = line.split_once(':') {
            info.push((k.trim().to_string(), v.trim().to_string()));
        } else {
            problems.push(format!(
                "bag-info.txt line {}: not \"Label: value\": {line:?}",
                n + 1
            ));
        }
    }
    info
}

/// Our own BagIt 1.0 validator for the bags Kadr writes: `bagit.txt` exactly as Kadr writes it;
/// `manifest-sha256.txt` and `manifest-sha512.txt` each list every payload file under `data/`,
/// nothing else and nothing twice, with the right digests; `Payload-Oxum` in `bag-info.txt` is the
/// payload's bytes.count; `tagmanifest-sha256.txt` covers `bagit.txt`, `bag-info.txt` and both
/// manifests, and every tag file it lists has the right digest. `Err` lists every problem found.
pub fn validate_bag(dir: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    match std::fs::read_to_string(dir.join("bagit.txt")) {
        Ok(t) if t == BAGIT_TXT => {}
        Ok(t) => problems.push(format!("bagit.txt is {t:?}, not {BAGIT_TXT:?}")),
        Err(e) => problems.push(format!("bagit.txt: cannot read it ({e})")),
    }

    let files = payload(dir, &mut problems);
    let on_disk: BTreeSet<String> = files.keys().cloned().collect();
    for (name, algo) in [
        ("manifest-sha256.txt", "sha256"),
        ("manifest-sha512.txt", "sha512"),
    ] {
        let entries = read_manifest(dir, name, &mut problems);
        for (_, path) in &entries {
            if !path.starts_with("data/") {
                problems.push(format!(
                    "{name}: {path} is not a payload file (outside data/)"
                ));
            }
        }
        let listed = check_entries(name, algo, &entries, dir, &mut problems);
        for missing in on_disk.difference(&listed) {
            problems.push(format!("{name}: the payload file {missing} is not listed"));
        }
    }

    // Any other manifest would be one we cannot check.
    if let Ok(read) = std::fs::read_dir(dir) {
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let known = [
                "manifest-sha256.txt",
                "manifest-sha512.txt",
                "tagmanifest-sha256.txt",
            ];
            if (name.starts_with("manifest-") || name.starts_with("tagmanifest-"))
                && !known.contains(&name.as_str())
            {
                problems.push(format!("an unexpected manifest: {name}"));
            }
        }
    }

    let info = bag_info(dir, &mut problems);
    let oxum: Vec<&String> = info
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Payload-Oxum"))
        .map(|(_, v)| v)
        .collect();
    let want = format!("{}.{}", files.values().sum::<u64>(), files.len());
    match oxum.as_slice() {
        [one] if **one == want => {}
        [one] => problems.push(format!(
            "Payload-Oxum is {one}, the payload is {want} (bytes.files)"
        )),
        _ => problems.push(format!(
            "bag-info.txt has {} Payload-Oxum lines, not one",
            oxum.len()
        )),
    }

    let name = "tagmanifest-sha256.txt";
    let entries = read_manifest(dir, name, &mut problems);
    for (_, path) in &entries {
        if path.starts_with("data/") || path.starts_with("tagmanifest-") {
            problems.push(format!("{name}: {path} is not a tag file it may list"));
        }
    }
    let listed = check_entries(name, "sha256", &entries, dir, &mut problems);
    for required in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ] {
        if !listed.contains(required) {
            problems.push(format!("{name} does not cover {required}"));
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
