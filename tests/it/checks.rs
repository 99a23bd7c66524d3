//! Outside checkers and our own structural checks that stand in for them.
//!
//! Some tests hand their output to an outside tool: exiftool (a publication copy carries no
//! metadata), the Library of Congress bagit tool (a bag validates), Python's csv module (the CSV
//! parses back). CI installs them and runs that strong form. On a machine with only the Rust
//! toolchain, `cargo test` must still pass and still check the property: the test then asserts it
//! with the structural check here, and says on stderr which outside check it skipped.
//!
//! `KADR_TEST_NO_OUTSIDE_CHECKERS=1` makes every outside checker look absent, so that the
//! fallback can be exercised on a machine that has them.

use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, BTreeSet};
use std::io::ErrorKind;
use std::path::Path;
use std::process::{Command, Output};

pub const HIDE_VAR: &str = "KADR_TEST_NO_OUTSIDE_CHECKERS";

/// True when the environment asks the tests to behave as if no outside checker were installed.
pub fn outside_checkers_hidden() -> bool {
    std::env::var_os(HIDE_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs an outside checker. `Err` says why it could not be run: hidden by the environment or not
/// installed. Any other failure to start it panics: a checker that is there must work.
pub fn run_outside(cmd: &mut Command) -> Result<Output, String> {
    let program = cmd.get_program().to_string_lossy().to_string();
    if outside_checkers_hidden() {
        return Err(format!("{HIDE_VAR} is set"));
    }
    match cmd.output() {
        Ok(out) => Ok(out),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(format!("{program} is not installed")),
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

/// Whether the Library of Congress bagit module can be run (`python3 -m bagit`); `Err` says why not.
pub fn bagit_module() -> Result<(), String> {
    let probe = run_outside(Command::new("python3").args(["-c", "import bagit"]))?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the bagit module is not importable (`pip install bagit`): {}",
            String::from_utf8_lossy(&probe.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ))
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// JPEG: pixels only.

/// What an APPn segment's identifier says it holds, for failure messages.
fn app_kind(body: &[u8]) -> String {
    let id: Vec<u8> = body
        .iter()
        .take(32)
        .copied()
        .take_while(|b| *b != 0)
        .collect();
    let id = String::from_utf8_lossy(&id);
    let what = if id.starts_with("Exif") {
        "EXIF"
    } else if id.starts_with("http://ns.adobe.com/xap") || id.starts_with("http://ns.adobe.com/xmp")
    {
        "XMP"
    } else if id.starts_with("ICC_PROFILE") {
        "ICC profile"
    } else if id.starts_with("MPF") {
        "MPF"
    } else if id.starts_with("Photoshop") {
        "IPTC/Photoshop"
    } else {
        "unknown"
    };
    format!("{what}, identifier {id:?}")
}

/// Walks a JPEG's marker segments from SOI through every scan to EOI and returns its size
/// (width, height) from the frame header. `Err` names the first thing that is not pixels: an APPn
/// other than a thumbnail-less APP0 JFIF (so no APP1 EXIF/XMP, APP2 ICC/MPF, APP13 IPTC), a COM
/// segment, a marker we do not know, or anything but zero padding after EOI (appended data).
pub fn jpeg_pixels_only(bytes: &[u8]) -> Result<(u16, u16), String> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("no SOI: not a JPEG".into());
    }
    let mut i = 2;
    let mut size = None;
    let mut scans = 0;
    loop {
        if i >= bytes.len() {
            return Err("the file ends before EOI".into());
        }
        if bytes[i] != 0xFF {
            return Err(format!(
                "offset {i}: expected a marker, found 0x{:02X}",
                bytes[i]
            ));
        }
        while i < bytes.len() && bytes[i] == 0xFF {
            i += 1; // the marker and any fill bytes before it
        }
        let Some(&marker) = bytes.get(i) else {
            return Err("the file ends inside a marker".into());
        };
        let at = i - 1;
        i += 1;
        match marker {
            0xD9 => break,
            0xD8 => return Err(format!("offset {at}: a second SOI")),
            0x01 => continue, // TEM: no length, no content
            0xD0..=0xD7 | 0x00 => {
                return Err(format!("offset {at}: marker 0x{marker:02X} outside a scan"));
            }
            _ => {}
        }
        if i + 2 > bytes.len() {
            return Err(format!("offset {at}: segment 0x{marker:02X} has no length"));
        }
        let len = u16::from_be_bytes([bytes[i], bytes[i + 1]]) as usize;
        if len < 2 || i + len > bytes.len() {
            return Err(format!(
                "offset {at}: segment 0x{marker:02X} of length {len} runs past the end"
            ));
        }
        let body = &bytes[i + 2..i + len];
        match marker {
            0xE0 => {
                // JFIF: "JFIF\0", version (2), units, X and Y density (2 + 2), then the size of an
                // embedded thumbnail, which would be a second, unredacted picture.
                if !body.starts_with(b"JFIF\0") {
                    return Err(format!(
                        "offset {at}: APP0 that is not JFIF ({})",
                        app_kind(body)
                    ));
                }
                if body.len() < 14 {
                    return Err(format!("offset {at}: APP0 JFIF is cut short"));
                }
                if body[12] != 0 || body[13] != 0 || body.len() != 14 {
                    return Err(format!("offset {at}: APP0 JFIF carries a thumbnail"));
                }
            }
            0xE1..=0xEF => {
                return Err(format!(
                    "offset {at}: APP{} segment ({}, {} bytes)",
                    marker - 0xE0,
                    app_kind(body),
                    len
                ));
            }
            0xFE => {
                return Err(format!(
                    "offset {at}: COM segment {:?}",
                    String::from_utf8_lossy(body)
                ));
            }
            0xDB | 0xC4 | 0xCC | 0xDD => {} // DQT, DHT, DAC, DRI: tables and restart interval
            0xC0..=0xCF => {
                // SOFn (C4, C8 and CC are matched above or are JPG, reserved).
                if marker == 0xC8 {
                    return Err(format!("offset {at}: reserved marker 0xC8"));
                }
                if body.len() < 5 {
                    return Err(format!("offset {at}: SOF is cut short"));
                }
                if size.is_some() {
                    return Err(format!("offset {at}: a second frame header"));
                }
                let h = u16::from_be_bytes([body[1], body[2]]);
                let w = u16::from_be_bytes([body[3], body[4]]);
                size = Some((w, h));
            }
            0xDA => {
                if size.is_none() {
                    return Err(format!("offset {at}: a scan before the frame header"));
                }
                scans += 1;
                i += len;
                // Entropy-coded data: runs until a marker other than a stuffed 0xFF00 or RSTn.
                loop {
                    match bytes.get(i..i + 2) {
                        None => return Err("the file ends inside a scan".into()),
                        Some([0xFF, 0x00]) | Some([0xFF, 0xD0..=0xD7]) => i += 2,
                        Some([0xFF, 0xFF]) => i += 1,
                        Some([0xFF, _]) => break,
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            _ => {
                return Err(format!(
                    "offset {at}: unexpected marker 0x{marker:02X} ({len} bytes)"
                ));
            }
        }
        i += len;
    }
    if scans == 0 {
        return Err("EOI before any scan".into());
    }
    let rest = &bytes[i..];
    if rest.iter().any(|b| *b != 0) {
        return Err(format!(
            "{} bytes of data after EOI (starting {:02X?})",
            rest.len(),
            &rest[..rest.len().min(16)]
        ));
    }
    size.ok_or_else(|| "no frame header".into())
}

// ---------------------------------------------------------------------------------------------
// BagIt 1.0 (RFC 8493), as Kadr writes it.

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

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180).

/// Parses CSV as RFC 4180 has it, the way Python's `csv.reader` reads it: fields split by commas,
/// records ended by CRLF or LF, quoted fields that may hold commas, line breaks and doubled
/// quotes. A blank line is an empty record. Stricter than Python: a stray quote is an error.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false; // this field began with a quote
    let mut in_quotes = false; // inside the quotes now
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let end_record = |row: &mut Vec<String>, field: &mut String, quoted: &mut bool| {
        let record = std::mem::take(row);
        let last = std::mem::take(field);
        let blank = record.is_empty() && last.is_empty() && !*quoted;
        *quoted = false;
        if blank {
            Vec::new()
        } else {
            let mut record = record;
            record.push(last);
            record
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
            }
            '"' => return Err(format!("line {line}: a quote inside an unquoted field")),
            ',' => {
                row.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    } else {
                        return Err(format!("line {line}: a bare CR"));
                    }
                }
                line += 1;
                rows.push(end_record(&mut row, &mut field, &mut quoted));
            }
            _ if quoted => {
                return Err(format!("line {line}: text after a closing quote"));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!("line {line}: a quoted field is never closed"));
    }
    if !row.is_empty() || !field.is_empty() || quoted {
        rows.push(end_record(&mut row, &mut field, &mut quoted));
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// The checks themselves are checked. (Names hold "export" or "publish" so that
// `cargo test --test it -- export publish` runs them with the tests that rely on them.)

#[test]
fn export_csv_fallback_parser_reads_rfc4180() {
    let text =
        "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n,\"\",last\n\nтри,\"\",\r\nend";
    let rows = parse_csv(text).unwrap();
    assert_eq!(
        rows,
        vec![
            vec!["a", "b", "c"],
            vec!["x, y", "say \"hi\"", "two\r\nlines"],
            vec!["", "", "last"],
            vec![],
            vec!["три", "", ""],
            vec!["end"],
        ]
    );
    assert!(parse_csv("a,\"open\n").is_err());
    assert!(parse_csv("a,b\"c\n").is_err());
    assert!(parse_csv("\"a\"b,c\n").is_err());
}

#[test]
fn publish_fallback_jpeg_walk_finds_metadata_and_trailers() {
    use crate::fixtures::{self, Exif, Jpeg};
    let plain = fixtures::jpeg(40, 24, 1, Jpeg::Baseline, None);
    assert_eq!(jpeg_pixels_only(&plain), Ok((40, 24)));
    let progressive = fixtures::jpeg(40, 24, 1, Jpeg::Progressive, None);
    assert_eq!(jpeg_pixels_only(&progressive), Ok((40, 24)));

    let exif = Exif {
        datetime_original: Some("2022:01:04 19:32:10"),
        ..Default::default()
    };
    let tagged = fixtures::jpeg(40, 24, 1, Jpeg::Baseline, Some(&exif));
    let err = jpeg_pixels_only(&tagged).unwrap_err();
    assert!(err.contains("APP1") && err.contains("EXIF"), "{err}");

    // The same segment kinds inserted by hand after SOI.
    let insert = |marker: u8, body: &[u8]| {
        let mut j = plain[..2].to_vec();
        j.extend([0xFF, marker]);
        j.extend(((body.len() + 2) as u16).to_be_bytes());
        j.extend(body);
        j.extend(&plain[2..]);
        j
    };
    for (marker, body, want) in [
        (0xE1, &b"http://ns.adobe.com/xap/1.0/\0<x/>"[..], "XMP"),
        (0xE2, &b"ICC_PROFILE\0\x01\x01...."[..], "ICC"),
        (0xE2, &b"MPF\0...."[..], "MPF"),
        (0xED, &b"Photoshop 3.0\08BIM"[..], "IPTC"),
        (0xEB, &b"JP\0\0"[..], "APP11"),
        (0xFE, &b"shot by someone"[..], "COM"),
        (0xE0, &b"JFXX\0\x10...."[..], "APP0"),
    ] {
        let err = jpeg_pixels_only(&insert(marker, body)).unwrap_err();
        assert!(err.contains(want), "{want}: {err}");
    }

    let mut appended = plain.clone();
    appended.extend(b"PK\x03\x04 a zip after the picture");
    let err = jpeg_pixels_only(&appended).unwrap_err();
    assert!(err.contains("after EOI"), "{err}");
    let mut padded = plain.clone();
    padded.extend([0, 0, 0]);
    assert_eq!(jpeg_pixels_only(&padded), Ok((40, 24)));
}

// ---------------------------------------------------------------------------------------------
// XMP: a small XML parser, the stand-in for exiftool reading a sidecar back.

/// An XML element: its qualified name, attributes (qualified names, values unescaped) and
/// children in order.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlElement {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<XmlNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum XmlNode {
    Element(XmlElement),
    Text(String),
}

impl XmlElement {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &XmlElement> {
        self.children.iter().filter_map(|c| match c {
            XmlNode::Element(e) => Some(e),
            XmlNode::Text(_) => None,
        })
    }

    /// The element's own text, whitespace between child elements left out.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                XmlNode::Text(t) => Some(t.as_str()),
                XmlNode::Element(_) => None,
            })
            .collect()
    }
}

/// Parses a whole XML document (the XML declaration, processing instructions, comments and
/// whitespace around the root allowed) and checks it is well-formed as far as a sidecar needs:
/// every tag closed by its own name, attributes quoted and not repeated, entity and character
/// references known and valid, no `<` or bare `&` in text, no character XML 1.0 forbids. Returns
/// the root element.
pub fn parse_xml(text: &str) -> Result<XmlElement, String> {
    let mut p = XmlParser { s: text, i: 0 };
    p.misc()?;
    if !p.s[p.i..].starts_with('<') {
        return Err(format!("offset {}: no root element", p.i));
    }
    let root = p.element()?;
    p.misc()?;
    if p.i != p.s.len() {
        return Err(format!("offset {}: content after the root element", p.i));
    }
    Ok(root)
}

struct XmlParser<'a> {
    s: &'a str,
    i: usize,
}

impl XmlParser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("offset {}: {what}", self.i))
    }

    fn skip_ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.i += n;
    }

    /// Whitespace, `<?...?>` and `<!--...-->` outside the root.
    fn misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<?") {
                let Some(end) = self.rest().find("?>") else {
                    return self.err("an unterminated processing instruction");
                };
                self.i += end + 2;
            } else if self.rest().starts_with("<!--") {
                let Some(end) = self.rest().find("-->") else {
                    return self.err("an unterminated comment");
                };
                self.i += end + 3;
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let n = self
            .rest()
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '=' | '<'))
            .unwrap_or(self.rest().len());
        if n == 0 {
            return self.err("a name expected");
        }
        let name = self.rest()[..n].to_string();
        if name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
            return self.err(&format!("{name:?} is not an XML name"));
        }
        self.i += n;
        Ok(name)
    }

    fn element(&mut self) -> Result<XmlElement, String> {
        self.i += 1; // '<'
        let name = self.name()?;
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.i += 2;
                return Ok(XmlElement {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            }
            if self.rest().starts_with('>') {
                self.i += 1;
                break;
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return self.err(&format!("attribute {key} has no value"));
            }
            self.i += 1;
            self.skip_ws();
            let Some(quote) = self
                .rest()
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\''))
            else {
                return self.err(&format!("attribute {key} is not quoted"));
            };
            self.i += 1;
            let Some(end) = self.rest().find(quote) else {
                return self.err(&format!("attribute {key} is not closed"));
            };
            let raw = &self.rest()[..end];
            if raw.contains('<') {
                return self.err(&format!("attribute {key} holds a '<'"));
            }
            let value = unescape_xml(raw).map_err(|e| format!("offset {}: {e}", self.i))?;
            self.i += end + 1;
            if attrs.iter().any(|(k, _)| *k == key) {
                return self.err(&format!("attribute {key} appears twice"));
            }
            attrs.push((key, value));
        }
        let mut children = Vec::new();
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return self.err(&format!("<{name}> is never closed"));
            }
            if let Some(after) = rest.strip_prefix("</") {
                let n = after.find('>').unwrap_or(after.len());
                let closing = after[..n].trim_end();
                if closing != name {
                    return self.err(&format!("<{name}> closed by </{closing}>"));
                }
                self.i += 2 + n + 1;
                return Ok(XmlElement {
                    name,
                    attrs,
                    children,
                });
            }
            if rest.starts_with("<!--") {
                let Some(end) = rest.find("-->") else {
                    return self.err("an unterminated comment");
                };
                self.i += end + 3;
            } else if rest.starts_with("<?") {
                let Some(end) = rest.find("?>") else {
                    return self.err("an unterminated processing instruction");
                };
                self.i += end + 2;
            } else if rest.starts_with("<![CDATA[") {
                let Some(end) = rest.find("]]>") else {
                    return self.err("an unterminated CDATA section");
                };
                children.push(XmlNode::Text(rest[9..end].to_string()));
                self.i += end + 3;
            } else if rest.starts_with('<') {
                children.push(XmlNode::Element(self.element()?));
            } else {
                let n = rest.find('<').unwrap_or(rest.len());
                let raw = &rest[..n];
                if raw.contains("]]>") {
                    return self.err("]]> in text");
                }
                let text = unescape_xml(raw).map_err(|e| format!("offset {}: {e}", self.i))?;
                children.push(XmlNode::Text(text));
                self.i += n;
            }
        }
    }
}

/// Character data with its references resolved; `Err` for a bare `&`, an unknown entity, or a
/// character XML 1.0 does not allow (raw or referenced).
pub fn unescape_xml(raw: &str) -> Result<String, String> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ((c as u32) >= 0x20 && c != '\u{fffe}' && c != '\u{ffff}')
    };
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            return Err(format!("a bare & in {raw:?}"));
        };
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .filter(|c| allowed(*c))
                    .ok_or_else(|| {
                        format!("an unknown or invalid reference &{entity}; in {raw:?}")
                    })?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    if let Some(bad) = raw.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "character U+{:04X} is not allowed in XML",
            bad as u32
        ));
    }
    Ok(out)
}

/// What a sidecar says, read the way exiftool reports it (`exiftool -j -G1 -struct`): a JSON
/// object keyed `XMP-<group>:<Name>` (`XMP-dc:Subject`, `XMP-iptcExt:LocationShown`), a
/// language alternative as its x-default text, a Bag or Seq as an array, a structure as an
/// object keyed by field name. Checks the XMP packet around it: the `xpacket` wrapper,
/// `x:xmpmeta`, `rdf:RDF`, and `rdf:Description` elements with `rdf:about`, each property's
/// namespace declared. Names are as exiftool spells the ones Kadr writes; others keep their
/// local name with its first letter upper-cased.
pub fn read_xmp(bytes: &[u8]) -> Result<serde_json::Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    if !text.starts_with("<?xpacket begin=\"\u{feff}\"") {
        return Err("does not start with <?xpacket begin=\"\\u{feff}\"".into());
    }
    if !text.trim_end().ends_with("<?xpacket end=\"w\"?>") {
        return Err("does not end with <?xpacket end=\"w\"?>".into());
    }
    let root = parse_xml(text)?;
    if root.name != "x:xmpmeta" || root.attr("xmlns:x") != Some("adobe:ns:meta/") {
        return Err(format!("the root is <{}>, not x:xmpmeta", root.name));
    }
    let rdf = root
        .elements()
        .find(|e| e.name == "rdf:RDF")
        .ok_or("no rdf:RDF")?;
    if rdf.attr("xmlns:rdf") != Some("http://www.w3.org/1999/02/22-rdf-syntax-ns#") {
        return Err("rdf:RDF does not declare the RDF namespace".into());
    }
    let groups = [
        ("http://purl.org/dc/elements/1.1/", "dc"),
        ("http://ns.adobe.com/photoshop/1.0/", "photoshop"),
        ("http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "iptcCore"),
        ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "iptcExt"),
        ("http://ns.adobe.com/exif/1.0/", "exif"),
    ];
    let mut out = serde_json::Map::new();
    for desc in rdf.elements() {
        if desc.name != "rdf:Description" || desc.attr("rdf:about").is_none() {
            return Err(format!(
                "<{}> where rdf:Description was expected",
                desc.name
            ));
        }
        for prop in desc.elements() {
            let (prefix, local) = prop
                .name
                .split_once(':')
                .ok_or_else(|| format!("{} has no namespace prefix", prop.name))?;
            let ns = desc
                .attr(&format!("xmlns:{prefix}"))
                .ok_or_else(|| format!("the namespace of {} is not declared", prop.name))?;
            let group = groups
                .iter()
                .find(|(uri, _)| *uri == ns)
                .map(|(_, g)| g.to_string())
                .unwrap_or_else(|| prefix.to_string());
            out.insert(
                format!("XMP-{group}:{}", exiftool_name(local)),
                rdf_value(prop)?,
            );
        }
    }
    Ok(serde_json::Value::Object(out))
}

fn exiftool_name(local: &str) -> String {
    match local {
        "SHA256" => "Sha256".into(),
        _ => {
            let mut c = local.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// One RDF property's value: text, a language alternative, a Bag/Seq, or a structure.
fn rdf_value(prop: &XmlElement) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    let inner: Vec<&XmlElement> = prop.elements().collect();
    if prop.attr("rdf:parseType") == Some("Resource") {
        let mut fields = serde_json::Map::new();
        for f in inner {
            let local = f.name.split_once(':').map(|(_, l)| l).unwrap_or(&f.name);
            fields.insert(exiftool_name(local), rdf_value(f)?);
        }
        return Ok(Value::Object(fields));
    }
    match inner.as_slice() {
        [] => Ok(Value::String(prop.text())),
        [container] => {
            let items: Vec<&XmlElement> = container.elements().collect();
            if items.iter().any(|i| i.name != "rdf:li") {
                return Err(format!(
                    "{} holds something other than rdf:li",
                    container.name
                ));
            }
            match container.name.as_str() {
                "rdf:Alt" => items
                    .iter()
                    .find(|i| i.attr("xml:lang") == Some("x-default"))
                    .map(|i| Value::String(i.text()))
                    .ok_or_else(|| format!("{} has no x-default", prop.name)),
                "rdf:Bag" | "rdf:Seq" => Ok(Value::Array(
                    items
                        .iter()
                        .map(|i| rdf_value(i))
                        .collect::<Result<_, _>>()?,
                )),
                other => Err(format!("{}: unexpected <{other}>", prop.name)),
            }
        }
        _ => Err(format!("{} holds more than one element", prop.name)),
    }
}
