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

mod bagit;
mod csv;
mod jpeg;
mod xmp;

pub use bagit::validate_bag;
pub use csv::parse_csv;
pub use jpeg::jpeg_pixels_only;
pub use xmp::{XmlElement, parse_xml, read_xmp};

use std::io::ErrorKind;
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
