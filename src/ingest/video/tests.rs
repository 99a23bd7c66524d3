//! Tests of `ingest::video`.
//!
//! This file holds the shared helpers, a small ISO BMFF builder and the tests on files built
//! with it; `tests/text.rs` the text forms (ISO 6709, ISO 8601, AVI dates), `tests/real.rs`
//! real files and the poster frame, `tests/fuzz.rs` damaged files.

use super::*;
use std::io::Cursor;
use std::path::PathBuf;

mod fuzz;
mod real;
mod text;

fn fixture(name: &str) -> Vec<u8> {
    let p = fixture_path(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/video")
        .join(name)
}

fn probe_bytes(b: &[u8], container: &'static str) -> Result<VideoFacts, String> {
    probe(&mut Cursor::new(b), b.len() as u64, container)
}

/// Sniffs by the first 64 bytes and the name's extension, then probes.
fn read(name: &str) -> VideoFacts {
    let b = fixture(name);
    let ext = name.rsplit('.').next().unwrap();
    let c = sniff(&b[..b.len().min(64)], ext).unwrap_or_else(|| panic!("{name} not sniffed"));
    probe_bytes(&b, c).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn offset(secs: i32) -> Option<FixedOffset> {
    FixedOffset::east_opt(secs)
}

fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tol)
}

// --- A small ISO BMFF builder -------------------------------------------------------------

fn bx(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(typ);
    v.extend_from_slice(body);
    v
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
    bx(
        b"ftyp",
        &[brand.as_slice(), &[0, 0, 2, 0], brand, b"isom"].concat(),
    )
}

fn mvhd_v0(creation: u32, timescale: u32, duration: u32) -> Vec<u8> {
    let mut b = vec![0u8; 100];
    b[4..8].copy_from_slice(&creation.to_be_bytes());
    b[8..12].copy_from_slice(&creation.to_be_bytes());
    b[12..16].copy_from_slice(&timescale.to_be_bytes());
    b[16..20].copy_from_slice(&duration.to_be_bytes());
    bx(b"mvhd", &b)
}

fn mvhd_v1(creation: u64, timescale: u32, duration: u64) -> Vec<u8> {
    let mut b = vec![0u8; 112];
    b[0] = 1;
    b[4..12].copy_from_slice(&creation.to_be_bytes());
    b[12..20].copy_from_slice(&creation.to_be_bytes());
    b[20..24].copy_from_slice(&timescale.to_be_bytes());
    b[24..32].copy_from_slice(&duration.to_be_bytes());
    bx(b"mvhd", &b)
}

const IDENTITY: [i32; 4] = [0x10000, 0, 0, 0x10000];
const ROT90: [i32; 4] = [0, 0x10000, -0x10000, 0];

fn tkhd(m: [i32; 4], w: u32, h: u32) -> Vec<u8> {
    let mut b = vec![0u8; 84];
    let at = 40;
    b[at..at + 4].copy_from_slice(&m[0].to_be_bytes());
    b[at + 4..at + 8].copy_from_slice(&m[1].to_be_bytes());
    b[at + 12..at + 16].copy_from_slice(&m[2].to_be_bytes());
    b[at + 16..at + 20].copy_from_slice(&m[3].to_be_bytes());
    b[at + 32..at + 36].copy_from_slice(&0x4000_0000u32.to_be_bytes());
    b[76..80].copy_from_slice(&(w << 16).to_be_bytes());
    b[80..84].copy_from_slice(&(h << 16).to_be_bytes());
    bx(b"tkhd", &b)
}

fn hdlr(handler: &[u8; 4]) -> Vec<u8> {
    bx(b"hdlr", &[&[0u8; 8][..], handler, &[0u8; 13]].concat())
}

fn mdhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut b = vec![0u8; 24];
    b[12..16].copy_from_slice(&timescale.to_be_bytes());
    b[16..20].copy_from_slice(&duration.to_be_bytes());
    bx(b"mdhd", &b)
}

fn video_trak(m: [i32; 4], w: u32, h: u32) -> Vec<u8> {
    bx(
        b"trak",
        &cat(&[
            tkhd(m, w, h),
            bx(b"mdia", &cat(&[mdhd(600, 1200), hdlr(b"vide")])),
        ]),
    )
}

fn sound_trak() -> Vec<u8> {
    bx(
        b"trak",
        &cat(&[
            tkhd(IDENTITY, 0, 0),
            bx(b"mdia", &cat(&[mdhd(44100, 88200), hdlr(b"soun")])),
        ]),
    )
}

/// QuickTime udta text atom.
fn text_atom(typ: &[u8; 4], text: &str) -> Vec<u8> {
    let mut b = (text.len() as u16).to_be_bytes().to_vec();
    b.extend_from_slice(&0x15C7u16.to_be_bytes());
    b.extend_from_slice(text.as_bytes());
    bx(typ, &b)
}

/// Apple's moov/meta: hdlr 'mdta', keys, ilst.
fn apple_meta(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut keys = vec![0u8; 4];
    keys.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    let mut ilst = Vec::new();
    for (i, (k, v)) in entries.iter().enumerate() {
        keys.extend_from_slice(&((k.len() + 8) as u32).to_be_bytes());
        keys.extend_from_slice(b"mdta");
        keys.extend_from_slice(k.as_bytes());
        let data = bx(
            b"data",
            &[&[0, 0, 0, 1, 0, 0, 0, 0][..], v.as_bytes()].concat(),
        );
        ilst.extend(bx(&(i as u32 + 1).to_be_bytes(), &data));
    }
    bx(
        b"meta",
        &cat(&[hdlr(b"mdta"), bx(b"keys", &keys), bx(b"ilst", &ilst)]),
    )
}

fn mdat(n: usize) -> Vec<u8> {
    bx(b"mdat", &vec![0xAB; n])
}

/// Seconds since 1904 for a UTC time.
fn mac_time(s: &str) -> u64 {
    (dt(s) - dt("1904-01-01 00:00:00")).num_seconds() as u64
}

#[test]
fn mp4_with_mvhd_version_0() {
    let t = mac_time("2021-06-15 08:30:00") as u32;
    let file = cat(&[
        ftyp(b"isom"),
        mdat(100),
        bx(
            b"moov",
            &cat(&[
                mvhd_v0(t, 1000, 2500),
                video_trak(IDENTITY, 1920, 1080),
                sound_trak(),
            ]),
        ),
    ]);
    assert_eq!(sniff(&file[..64], "mp4"), Some("mp4"));
    let f = probe_bytes(&file, "mp4").unwrap();
    assert_eq!(f.container, "mp4");
    assert_eq!(f.duration_s, Some(2.5));
    assert_eq!((f.width, f.height, f.rotation), (Some(1920), Some(1080), 0));
    assert_eq!(f.creation_local, Some(dt("2021-06-15 08:30:00")));
    assert_eq!(f.creation_offset, offset(0));
    assert!(!f.incomplete);
    assert_eq!(f.gps, None);
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn mp4_with_mvhd_version_1_and_a_64_bit_box() {
    let t = mac_time("2023-11-30 23:59:59");
    // A largesize mdat (size field 1, 64-bit size after the type).
    let mut big = 1u32.to_be_bytes().to_vec();
    big.extend_from_slice(b"mdat");
    big.extend_from_slice(&(16u64 + 40).to_be_bytes());
    big.extend_from_slice(&[7u8; 40]);
    let file = cat(&[
        ftyp(b"mp42"),
        big,
        bx(
            b"moov",
            &cat(&[
                mvhd_v1(t, 90000, 90000 * 61),
                video_trak(IDENTITY, 640, 480),
            ]),
        ),
    ]);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert_eq!(f.duration_s, Some(61.0));
    assert_eq!(f.creation_local, Some(dt("2023-11-30 23:59:59")));
    assert_eq!(f.creation_offset, offset(0));
    assert_eq!((f.width, f.height), (Some(640), Some(480)));
    assert!(!f.incomplete, "{:?}", f.warnings);
}

#[test]
fn a_zero_1904_date_is_unknown_and_mdhd_gives_the_duration() {
    let file = cat(&[
        ftyp(b"isom"),
        bx(
            b"moov",
            &cat(&[mvhd_v0(0, 1000, 0), video_trak(IDENTITY, 320, 240)]),
        ),
        mdat(10),
    ]);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert_eq!(f.creation_local, None);
    assert_eq!(f.creation_offset, None);
    // mvhd says 0: the video track's mdhd (1200 at 600 per second) is the fallback.
    assert_eq!(f.duration_s, Some(2.0));
}

#[test]
fn rotation_90_swaps_the_displayed_size() {
    let file = cat(&[
        ftyp(b"qt  "),
        bx(
            b"moov",
            &cat(&[mvhd_v0(0, 600, 600), video_trak(ROT90, 1920, 1080)]),
        ),
        mdat(10),
    ]);
    assert_eq!(sniff(&file[..64], "MOV"), Some("mov"));
    let f = probe_bytes(&file, "mov").unwrap();
    assert_eq!(f.rotation, 90);
    assert_eq!((f.width, f.height), (Some(1080), Some(1920)));
    // 180 and 270 too; a mirrored matrix is not a rotation and says so.
    for (m, want) in [
        ([-0x10000, 0, 0, -0x10000], 180),
        ([0, -0x10000, 0x10000, 0], 270),
    ] {
        let file = cat(&[
            ftyp(b"qt  "),
            bx(
                b"moov",
                &cat(&[mvhd_v0(0, 600, 600), video_trak(m, 1920, 1080)]),
            ),
        ]);
        assert_eq!(probe_bytes(&file, "mov").unwrap().rotation, want);
    }
    let file = cat(&[
        ftyp(b"qt  "),
        bx(
            b"moov",
            &cat(&[
                mvhd_v0(0, 600, 600),
                video_trak([-0x10000, 0, 0, 0x10000], 1920, 1080),
            ]),
        ),
    ]);
    let f = probe_bytes(&file, "mov").unwrap();
    assert_eq!((f.rotation, f.width), (0, Some(1920)));
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("not a plain rotation"))
    );
}

#[test]
fn apple_keys_win_over_the_movie_header() {
    let t = mac_time("2022-01-04 13:32:10") as u32;
    let moov = bx(
        b"moov",
        &cat(&[
            mvhd_v0(t + 3, 600, 600),
            video_trak(ROT90, 1920, 1080),
            apple_meta(&[
                ("com.apple.quicktime.location.accuracy.horizontal", "14.5"),
                ("com.apple.quicktime.make", "Apple"),
                ("com.apple.quicktime.model", "iPhone 12 Pro"),
                (
                    "com.apple.quicktime.creationdate",
                    "2022-01-04T19:32:10+0600",
                ),
                (
                    "com.apple.quicktime.location.ISO6709",
                    "+43.2380+076.9450+0850.000/",
                ),
            ]),
            // The older udta atoms lose to the keys.
            bx(
                b"udta",
                &cat(&[
                    text_atom(b"\xA9xyz", "+10.0000+010.0000/"),
                    text_atom(b"\xA9mak", "Other"),
                ]),
            ),
        ]),
    );
    let file = cat(&[ftyp(b"qt  "), bx(b"wide", &[]), mdat(64), moov]);
    let f = probe_bytes(&file, "mov").unwrap();
    assert_eq!(f.creation_local, Some(dt("2022-01-04 19:32:10")));
    assert_eq!(f.creation_offset, offset(6 * 3600));
    assert_eq!(f.gps, Some((43.238, 76.945)));
    assert_eq!(f.gps_alt, Some(850.0));
    assert_eq!(f.make.as_deref(), Some("Apple"));
    assert_eq!(f.model.as_deref(), Some("iPhone 12 Pro"));
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn android_udta_location_and_utc_time() {
    let t = mac_time("2022-01-04 13:32:10") as u32;
    let moov = bx(
        b"moov",
        &cat(&[
            mvhd_v0(t, 1000, 3000),
            video_trak(IDENTITY, 1280, 720),
            bx(
                b"udta",
                &cat(&[
                    text_atom(b"\xA9xyz", "-33.8688+151.2093/"),
                    text_atom(b"\xA9mak", "samsung"),
                    text_atom(b"\xA9mod", "SM-G991B"),
                    // QuickTime ends udta with four zero bytes.
                    vec![0, 0, 0, 0],
                ]),
            ),
        ]),
    );
    let file = cat(&[ftyp(b"mp42"), moov, mdat(32)]);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert_eq!(f.creation_local, Some(dt("2022-01-04 13:32:10")));
    assert_eq!(f.creation_offset, offset(0));
    assert_eq!(f.gps, Some((-33.8688, 151.2093)));
    assert_eq!(f.gps_alt, None);
    assert_eq!(f.make.as_deref(), Some("samsung"));
    assert_eq!(f.model.as_deref(), Some("SM-G991B"));
    assert!(!f.incomplete);
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn mdat_without_moov_is_incomplete() {
    // A recording cut off: mdat written, moov never.
    let mut file = cat(&[ftyp(b"isom"), mdat(500)]);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert!(f.incomplete);
    assert!(
        f.warnings.iter().any(|w| w.contains("no movie header")),
        "{:?}",
        f.warnings
    );
    assert_eq!(
        (f.duration_s, f.width, f.creation_local),
        (None, None, None)
    );
    // The same with the mdat itself cut short (it claims 508 bytes, 200 are there).
    file.truncate(220);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert!(f.incomplete);
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("past the end of the file"))
    );
}

#[test]
fn a_size_0_box_runs_to_the_end() {
    let moov = bx(
        b"moov",
        &cat(&[mvhd_v0(0, 600, 1800), video_trak(IDENTITY, 720, 576)]),
    );
    let mut last = 0u32.to_be_bytes().to_vec();
    last.extend_from_slice(b"mdat");
    last.extend_from_slice(&[1u8; 300]);
    let file = cat(&[ftyp(b"isom"), moov, last]);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert!(!f.incomplete, "{:?}", f.warnings);
    assert_eq!(f.duration_s, Some(3.0));
    assert_eq!((f.width, f.height), (Some(720), Some(576)));
}

#[test]
fn stray_bytes_at_the_end() {
    let base = cat(&[
        ftyp(b"isom"),
        bx(
            b"moov",
            &cat(&[mvhd_v0(0, 600, 600), video_trak(IDENTITY, 64, 48)]),
        ),
        mdat(16),
    ]);
    // Zeros: padding, not a cut.
    let f = probe_bytes(&[base.clone(), vec![0; 5]].concat(), "mp4").unwrap();
    assert!(!f.incomplete, "{:?}", f.warnings);
    // The start of a box header: the file was cut there.
    let f = probe_bytes(&[base.clone(), vec![0, 0, 1]].concat(), "mp4").unwrap();
    assert!(f.incomplete);
    assert!(f.warnings.iter().any(|w| w.contains("inside a box header")));
    // A stream shorter than the length it was said to have.
    let f = probe(&mut Cursor::new(&base), base.len() as u64 + 100, "mp4").unwrap();
    assert!(f.incomplete);
}

#[test]
fn huge_claimed_boxes_are_not_allocated() {
    // An ilst and a keys box claiming nearly 4 GB in a 300-byte file.
    let mut ilst = 0xFFFF_FFF0u32.to_be_bytes().to_vec();
    ilst.extend_from_slice(b"ilst");
    ilst.extend_from_slice(&[0u8; 64]);
    let mut keys = 0xFFFF_FF00u32.to_be_bytes().to_vec();
    keys.extend_from_slice(b"keys");
    keys.extend_from_slice(&[0xFF; 32]);
    let meta = [b"\0\0\0\0meta".to_vec(), hdlr(b"mdta"), keys, ilst].concat();
    let moov = [
        0xFFFF_FFF8u32.to_be_bytes().to_vec(),
        b"moov".to_vec(),
        mvhd_v0(0, 600, 600),
        meta,
    ]
    .concat();
    let file = cat(&[ftyp(b"isom"), moov]);
    let f = probe_bytes(&file, "mp4").unwrap();
    assert!(f.incomplete);
    // A 64-bit size near u64::MAX must not overflow either.
    let mut big = 1u32.to_be_bytes().to_vec();
    big.extend_from_slice(b"moov");
    big.extend_from_slice(&u64::MAX.to_be_bytes());
    let file = cat(&[ftyp(b"isom"), big]);
    assert!(probe_bytes(&file, "mp4").unwrap().incomplete);
}

#[test]
fn not_videos_are_errors() {
    assert!(probe_bytes(b"", "mp4").is_err());
    assert!(probe_bytes(b"\0\0\0\x04abcdefgh", "mp4").is_err());
    assert!(probe_bytes(&ftyp(b"heic"), "mp4").is_err());
    assert!(probe_bytes(&ftyp(b"M4A "), "mp4").is_err());
    assert!(probe_bytes(b"RIFF\0\0\0\0WAVEfmt ", "avi").is_err());
    assert!(probe_bytes(b"not matroska", "mkv").is_err());
    assert!(probe_bytes(&ftyp(b"isom"), "ogg").is_err());
}

#[test]
fn sniffing() {
    let head = |brand: &[u8; 4]| ftyp(brand);
    assert_eq!(sniff(&head(b"isom"), "mp4"), Some("mp4"));
    assert_eq!(sniff(&head(b"isom"), "M4V"), Some("m4v"));
    assert_eq!(sniff(&head(b"isom"), "3gp"), Some("3gp"));
    assert_eq!(sniff(&head(b"mp42"), ""), Some("mp4"));
    assert_eq!(sniff(&head(b"qt  "), "mp4"), Some("mov"));
    assert_eq!(sniff(&head(b"M4V "), "mp4"), Some("m4v"));
    assert_eq!(sniff(&head(b"M4VH"), "mp4"), Some("m4v"));
    assert_eq!(sniff(&head(b"3gp5"), "mp4"), Some("3gp"));
    assert_eq!(sniff(&head(b"3g2a"), "3g2"), Some("3gp"));
    assert_eq!(sniff(&head(b"dash"), "mp4"), Some("mp4"));
    for photo in [b"heic", b"heix", b"mif1", b"msf1", b"avif", b"crx "] {
        assert_eq!(sniff(&head(photo), "mp4"), None, "{photo:?}");
    }
    assert_eq!(sniff(&head(b"M4A "), "m4a"), None);
    assert_eq!(sniff(&head(b"M4B "), "m4b"), None);
    // An unknown maker brand: its compatible brands, or the extension, decide.
    assert_eq!(sniff(&head(b"XYZW"), "mp4"), Some("mp4"));
    assert_eq!(sniff(&head(b"XYZW"), "dat"), Some("mp4")); // compatible 'isom'
    let mut odd = bx(b"ftyp", b"XYZW\0\0\0\0mif1heic");
    assert_eq!(sniff(&odd, "mp4"), None);
    odd = bx(b"ftyp", b"XYZW\0\0\0\0ABCD");
    assert_eq!(sniff(&odd, "bin"), None);
    // Old QuickTime: no ftyp, a .mov extension.
    let moov = bx(b"moov", &mvhd_v0(0, 600, 600));
    assert_eq!(sniff(&moov, "mov"), Some("mov"));
    assert_eq!(sniff(&moov, "mp4"), None);
    assert_eq!(sniff(b"\0\0\0\x08wide\0\0\0\0mdat", "MOV"), Some("mov"));
    // Matroska and AVI.
    assert_eq!(sniff(&fixture("clip.webm")[..64], "mkv"), Some("webm"));
    assert_eq!(sniff(&fixture("clip.mkv")[..64], "webm"), Some("mkv"));
    assert_eq!(sniff(&fixture("clip.mkv")[..64], "mka"), None);
    assert_eq!(sniff(&fixture("RIFF.avi")[..64], "avi"), Some("avi"));
    assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", "avi"), None);
    assert_eq!(sniff(b"", "mp4"), None);
    assert_eq!(sniff(b"\0\0\0", "mov"), None);
    assert_eq!(sniff(&[0x1A, 0x45, 0xDF, 0xA3], "webm"), Some("webm"));
}
