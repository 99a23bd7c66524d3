//! Tests of `ingest::video`.

use super::*;
use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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

#[test]
fn iso6709() {
    assert_eq!(
        parse_iso6709("+43.2380+076.9450+0850.000/"),
        Some((43.238, 76.945, Some(850.0)))
    );
    assert_eq!(
        parse_iso6709("+43.2380+076.9450/"),
        Some((43.238, 76.945, None))
    );
    assert_eq!(
        parse_iso6709("-33.8688+151.2093-012.5/"),
        Some((-33.8688, 151.2093, Some(-12.5)))
    );
    assert_eq!(
        parse_iso6709("+43.2380+076.9450"),
        Some((43.238, 76.945, None))
    );
    assert_eq!(
        parse_iso6709("+40.7484-073.9857+57.2CRSWGS_84/"),
        Some((40.7484, -73.9857, Some(57.2)))
    );
    // Degrees and minutes; degrees, minutes and seconds.
    let (lat, lon, _) = parse_iso6709("+4314.28+07656.70/").unwrap();
    assert!(
        (lat - (43.0 + 14.28 / 60.0)).abs() < 1e-9 && (lon - (76.0 + 56.7 / 60.0)).abs() < 1e-9
    );
    let (lat, lon, _) = parse_iso6709("-431416.8-0765642/").unwrap();
    assert!((lat + (43.0 + 14.0 / 60.0 + 16.8 / 3600.0)).abs() < 1e-9);
    assert!((lon + (76.0 + 56.0 / 60.0 + 42.0 / 3600.0)).abs() < 1e-9);
    for bad in [
        "",
        "/",
        "+43.2380",
        "43.2380+076.9450/",
        "+91.0000+076.9450/",
        "+43.2380+181.0000/",
        "+4370.00+07656.70/",
        "+43.2380+076.9450+1+2/",
        "+43.23.80+076.9450/",
        "+.5+076.9450/",
        "+43.2380x+076.9450/",
        "+４３.2380+076.9450/",
    ] {
        assert_eq!(parse_iso6709(bad), None, "{bad}");
    }
}

#[test]
fn iso_datetimes() {
    let p = |s| parse_iso_datetime(s);
    assert_eq!(
        p("2022-01-04T19:32:10+0600"),
        Some((dt("2022-01-04 19:32:10"), offset(21600)))
    );
    assert_eq!(
        p("2022-01-04T19:32:10-03:30"),
        Some((dt("2022-01-04 19:32:10"), offset(-12600)))
    );
    assert_eq!(
        p("2022-01-04T13:32:10Z"),
        Some((dt("2022-01-04 13:32:10"), offset(0)))
    );
    assert_eq!(
        p("2022-01-04 13:32:10"),
        Some((dt("2022-01-04 13:32:10"), None))
    );
    let (t, o) = p("2022-01-04T13:32:10.250000Z").unwrap();
    assert_eq!((t.and_utc().timestamp_subsec_millis(), o), (250, offset(0)));
    for bad in [
        "2010",
        "2022-13-04T13:32:10Z",
        "2022-01-04T25:00:00",
        "2022-01-04T13:32:10+99",
        "2022-01-04T13:32:10 junk",
        "",
    ] {
        assert_eq!(p(bad), None, "{bad}");
    }
}

#[test]
fn avi_dates() {
    assert_eq!(
        parse_avi_date("Mon Mar 10 15:04:43 2003\n"),
        Some((dt("2003-03-10 15:04:43"), true))
    );
    assert_eq!(
        parse_avi_date("MON JAN 04 19:32:10 2022"),
        Some((dt("2022-01-04 19:32:10"), true))
    );
    assert_eq!(
        parse_avi_date("2009/10/27 12:14:34"),
        Some((dt("2009-10-27 12:14:34"), true))
    );
    assert_eq!(
        parse_avi_date("2002-12-16  15:35:01\0\0"),
        Some((dt("2002-12-16 15:35:01"), true))
    );
    assert_eq!(
        parse_avi_date("2001/ 1/27  1:42PM"),
        Some((dt("2001-01-27 13:42:00"), false))
    );
    assert_eq!(parse_avi_date("garbage"), None);
    assert_eq!(parse_avi_date("Mon Feb 30 10:00:00 2003"), None);
}

// --- Real files ---------------------------------------------------------------------------
// The figures are what `exiftool -n -j -api QuickTimeUTC FILE` (ExifTool 12.57) printed.

/// ExifTool's QuickTime.mov: an old QuickTime file (no ftyp, starts with moov).
/// exiftool: CreateDate 2005:08:11 14:03:54+00:00, Duration 4.96666666666667,
/// ImageWidth 320, ImageHeight 240, Rotation 0, no GPS. (Its Make, "PENTAX DIGITAL CAMERA",
/// comes from Pentax's private TAGS atom, which this does not read.)
#[test]
fn exiftool_quicktime_mov() {
    let f = read("QuickTime.mov");
    assert_eq!(f.container, "mov");
    assert_eq!(f.creation_local, Some(dt("2005-08-11 14:03:54")));
    assert_eq!(f.creation_offset, offset(0));
    assert!(
        close(f.duration_s, 4.96666666666667, 1e-9),
        "{:?}",
        f.duration_s
    );
    assert_eq!((f.width, f.height, f.rotation), (Some(320), Some(240), 0));
    assert_eq!(f.gps, None);
    assert!(!f.incomplete, "{:?}", f.warnings);
}

/// ExifTool's QuickTime.m4a is audio: not sniffed as a video, refused by probe.
#[test]
fn exiftool_m4a_is_audio() {
    let b = fixture("QuickTime.m4a");
    assert_eq!(sniff(&b[..64], "m4a"), None);
    assert_eq!(sniff(&b[..64], "mp4"), None);
    assert!(probe_bytes(&b, "mp4").unwrap_err().contains("audio"));
}

/// ExifTool's Matroska.mkv (a 507-byte cut of a longer file).
/// exiftool: DocType matroska, Duration 148.608, DateTimeOriginal 2010:02:03 21:17:48Z,
/// ImageWidth 704, ImageHeight 576, DisplayWidth 768, DisplayHeight 576.
#[test]
fn exiftool_matroska() {
    let f = read("Matroska.mkv");
    assert_eq!(f.container, "mkv");
    assert!(close(f.duration_s, 148.608, 1e-6), "{:?}", f.duration_s);
    assert_eq!(f.creation_local, Some(dt("2010-02-03 21:17:48")));
    assert_eq!(f.creation_offset, offset(0));
    // Displayed: the DisplayWidth/Height (PAL anamorphic), not the 704 coded pixels.
    assert_eq!((f.width, f.height), (Some(768), Some(576)));
    // The Segment claims 17 MB: this file is a cut.
    assert!(f.incomplete);
}

/// ExifTool's RIFF.avi (Canon, cut to 1262 bytes).
/// exiftool: Duration 15.533178, ImageWidth 320, ImageHeight 240,
/// DateTimeOriginal 2003:03:10 15:04:43 (IDIT "Mon Mar 10 15:04:43 2003").
#[test]
fn exiftool_riff_avi() {
    let f = read("RIFF.avi");
    assert_eq!(f.container, "avi");
    assert!(close(f.duration_s, 15.533178, 1e-9), "{:?}", f.duration_s);
    assert_eq!((f.width, f.height), (Some(320), Some(240)));
    assert_eq!(f.creation_local, Some(dt("2003-03-10 15:04:43")));
    assert_eq!(f.creation_offset, None);
    assert!(f.incomplete);
}

/// ExifTool's Pentax.avi (OpenDML, cut to 1672 bytes).
/// exiftool: Duration 24.9996, ImageWidth 1280, ImageHeight 720,
/// DateTimeOriginal 2009:10:27 12:14:00. The IDIT says "2009/10/27 12:14:34": ExifTool's
/// pattern for this form drops the seconds; we keep them.
#[test]
fn exiftool_pentax_avi() {
    let f = read("Pentax.avi");
    assert!(close(f.duration_s, 24.9996, 1e-9), "{:?}", f.duration_s);
    assert_eq!((f.width, f.height), (Some(1280), Some(720)));
    assert_eq!(f.creation_local, Some(dt("2009-10-27 12:14:34")));
    assert_eq!(f.creation_offset, None);
    assert!(f.incomplete);
}

/// ffmpeg's rot90.mp4: exiftool: MatrixStructure "0 1 0 -1 0 0 0 0 1", Rotation 90,
/// ImageWidth 160, ImageHeight 120, Duration 1, CreateDate 1904:01:01 00:00:00 (zero).
#[test]
fn ffmpeg_rotated_mp4() {
    let f = read("rot90.mp4");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    assert_eq!(f.container, "mp4");
    assert_eq!(f.rotation, 90);
    assert_eq!((f.width, f.height), (Some(120), Some(160)));
    assert_eq!(f.duration_s, Some(1.0));
    assert_eq!(f.creation_local, None);
    assert!(!f.incomplete, "{:?}", f.warnings);
}

/// ffmpeg's apple.mov (mdta keys written with -movflags use_metadata_tags).
/// exiftool: CreateDate 2022:01:04 13:32:10+00:00, CreationDate 2022:01:04 19:32:10+06:00,
/// GPSLatitude 43.238, GPSLongitude 76.945, GPSAltitude 850, Make Apple, Model iPhone 12,
/// ImageWidth 160, ImageHeight 120, Duration 1.
#[test]
fn ffmpeg_apple_keys_mov() {
    let f = read("apple.mov");
    assert_eq!(f.container, "mov");
    assert_eq!(f.creation_local, Some(dt("2022-01-04 19:32:10")));
    assert_eq!(f.creation_offset, offset(6 * 3600));
    assert_eq!(f.gps, Some((43.238, 76.945)));
    assert_eq!(f.gps_alt, Some(850.0));
    assert_eq!(f.make.as_deref(), Some("Apple"));
    assert_eq!(f.model.as_deref(), Some("iPhone 12"));
    assert_eq!(
        (f.width, f.height, f.duration_s),
        (Some(160), Some(120), Some(1.0))
    );
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

/// ffmpeg's xyz.mov (udta ©xyz, ©mak, ©mod as Android-style atoms).
/// exiftool: CreateDate 2022:01:04 13:32:10+00:00, GPSLatitude 43.238,
/// GPSLongitude 76.945, Make Xiaomi, Model Redmi Note 8.
#[test]
fn ffmpeg_udta_mov() {
    let f = read("xyz.mov");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    assert_eq!(f.creation_local, Some(dt("2022-01-04 13:32:10")));
    assert_eq!(f.creation_offset, offset(0));
    assert_eq!(f.gps, Some((43.238, 76.945)));
    assert_eq!(f.gps_alt, None);
    assert_eq!(f.make.as_deref(), Some("Xiaomi"));
    assert_eq!(f.model.as_deref(), Some("Redmi Note 8"));
}

/// ffmpeg's loci.mp4 (MP4 mode writes the location as a 3GPP loci box, 16.16 fixed point).
/// exiftool: GPSLatitude 43.23799, GPSLongitude 76.94499, GPSAltitude 0,
/// CreateDate 2022:01:04 13:32:10+00:00.
#[test]
fn ffmpeg_loci_mp4() {
    let f = read("loci.mp4");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    let (lat, lon) = f.gps.unwrap();
    assert!(
        (lat - 43.23799).abs() < 1e-5 && (lon - 76.94499).abs() < 1e-5,
        "{lat} {lon}"
    );
    assert_eq!(f.gps_alt, Some(0.0));
    assert_eq!(f.creation_local, Some(dt("2022-01-04 13:32:10")));
}

/// ffmpeg's clip.3gp: exiftool: MajorBrand 3gp6, ImageWidth 160, ImageHeight 120,
/// Duration 1, CreateDate 1904:01:01 00:00:00 (zero: unknown).
#[test]
fn ffmpeg_3gp() {
    let f = read("clip.3gp");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    assert_eq!(f.container, "3gp");
    assert_eq!(
        (f.width, f.height, f.duration_s),
        (Some(160), Some(120), Some(1.0))
    );
    assert_eq!(f.creation_local, None);
}

/// ffmpeg's clip.mkv and clip.webm: exiftool: DocType matroska / webm,
/// DateTimeOriginal 2020:03:01 10:00:00Z, ImageWidth 160, ImageHeight 120, Duration 1 s.
#[test]
fn ffmpeg_matroska_and_webm() {
    for (name, container) in [("clip.mkv", "mkv"), ("clip.webm", "webm")] {
        let f = read(name);
        assert_eq!(f.container, container);
        assert_eq!((f.width, f.height), (Some(160), Some(120)), "{name}");
        assert!(close(f.duration_s, 1.0, 1e-6), "{name}: {:?}", f.duration_s);
        assert_eq!(f.creation_local, Some(dt("2020-03-01 10:00:00")), "{name}");
        assert_eq!(f.creation_offset, offset(0));
        assert!(!f.incomplete, "{name}: {:?}", f.warnings);
        assert!(f.warnings.is_empty(), "{name}: {:?}", f.warnings);
    }
    // Probed as the wrong one of the two, the DocType decides.
    let b = fixture("clip.webm");
    assert_eq!(probe_bytes(&b, "mkv").unwrap().container, "webm");
}

/// ffmpeg's clip.avi (MJPEG): exiftool: ImageWidth 160, ImageHeight 120, Duration 1.
#[test]
fn ffmpeg_avi() {
    let f = read("clip.avi");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    assert_eq!((f.width, f.height), (Some(160), Some(120)));
    assert!(close(f.duration_s, 1.0, 1e-9), "{:?}", f.duration_s);
    assert_eq!(f.creation_local, None);
    assert!(!f.incomplete, "{:?}", f.warnings);
}

#[test]
fn truncated_real_files_are_incomplete_not_errors() {
    for name in [
        "rot90.mp4",
        "apple.mov",
        "clip.mkv",
        "clip.webm",
        "clip.avi",
    ] {
        let b = fixture(name);
        let ext = name.rsplit('.').next().unwrap();
        let c = sniff(&b[..64], ext).unwrap();
        // ffmpeg writes moov after mdat: cut in the middle, the moov is gone.
        let f = probe_bytes(&b[..b.len() / 2], c).unwrap();
        assert!(f.incomplete, "{name}: {:?}", f);
    }
}

#[test]
fn poster_frame_via_ffmpeg() {
    let have = std::process::Command::new("ffmpeg")
        .arg("-version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    let got = poster_frame(&fixture_path("rot90.mp4"), 64);
    if !have {
        eprintln!("poster_frame_via_ffmpeg: skipped, ffmpeg is not on the PATH");
        let e = got.unwrap_err();
        assert!(e.contains("ffmpeg is not installed"), "{e}");
        return;
    }
    // 160 x 120 turned a quarter: upright it is 120 x 160, so 48 x 64 within 64.
    let img = got.unwrap();
    assert_eq!(img.dimensions(), (48, 64));
    // Never enlarged.
    let img = poster_frame(&fixture_path("clip.mkv"), 1000).unwrap();
    assert_eq!(img.dimensions(), (160, 120));
    // Not a video: ffmpeg's own reason.
    let e = poster_frame(&fixture_path("README.md"), 64).unwrap_err();
    assert!(e.starts_with("ffmpeg could not decode a frame"), "{e}");
    assert!(poster_frame(&fixture_path("clip.mkv"), 0).is_err());
}

#[test]
fn ppm_decoding() {
    let mut b = b"P6\n# made by hand\n2 1\n255\n".to_vec();
    b.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
    let img = decode_ppm(&b).unwrap();
    assert_eq!(img.dimensions(), (2, 1));
    assert_eq!(img.get_pixel(1, 0).0, [4, 5, 6]);
    assert!(decode_ppm(&b[..b.len() - 1]).is_none());
    assert!(decode_ppm(b"P6\n99999 99999\n255\n").is_none());
    assert!(decode_ppm(b"P5\n1 1\n255\n\0").is_none());
    assert!(decode_ppm(b"").is_none());
    assert_eq!(fit(1920, 1080, 64), (64, 36));
    assert_eq!(fit(1, 5000, 64), (1, 64));
}

/// A xorshift64 generator: reproducible noise without a crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Files from the builder, with Apple keys, udta atoms, a largesize and a size-0 box.
fn built_files() -> Vec<Vec<u8>> {
    let t = mac_time("2022-01-04 13:32:10") as u32;
    let mut big = 1u32.to_be_bytes().to_vec();
    big.extend_from_slice(b"mdat");
    big.extend_from_slice(&(16u64 + 8).to_be_bytes());
    big.extend_from_slice(&[7u8; 8]);
    let mut last = 0u32.to_be_bytes().to_vec();
    last.extend_from_slice(b"free");
    last.extend_from_slice(&[0u8; 12]);
    vec![cat(&[
        ftyp(b"qt  "),
        big,
        bx(
            b"moov",
            &cat(&[
                mvhd_v1(t as u64, 600, 600),
                video_trak(ROT90, 1920, 1080),
                sound_trak(),
                apple_meta(&[
                    ("com.apple.quicktime.make", "Apple"),
                    (
                        "com.apple.quicktime.creationdate",
                        "2022-01-04T19:32:10+0600",
                    ),
                    (
                        "com.apple.quicktime.location.ISO6709",
                        "+43.2380+076.9450+0850.000/",
                    ),
                ]),
                bx(
                    b"udta",
                    &cat(&[
                        text_atom(b"\xA9xyz", "+10.0000+010.0000/"),
                        text_atom(b"\xA9day", "2022-01-04T19:32:10+0600"),
                        bx(
                            b"loci",
                            b"\0\0\0\0\x15\xC7\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0",
                        ),
                    ]),
                ),
            ]),
        ),
        last,
    ])]
}

/// Offsets that look like ISO box headers (a four-letter type after the size).
fn box_offsets(b: &[u8]) -> Vec<usize> {
    (0..b.len().saturating_sub(8))
        .filter(|&i| {
            b[i + 4..i + 8]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == 0xA9)
        })
        .collect()
}

#[test]
fn fuzzed_files_never_panic_or_hang() {
    let names = [
        "rot90.mp4",
        "apple.mov",
        "xyz.mov",
        "loci.mp4",
        "clip.3gp",
        "clip.mkv",
        "clip.webm",
        "clip.avi",
        "QuickTime.mov",
        "Matroska.mkv",
        "RIFF.avi",
        "Pentax.avi",
    ];
    let mut files: Vec<(Vec<u8>, &str, Vec<usize>)> = names
        .iter()
        .map(|n| (fixture(n), n.rsplit('.').next().unwrap()))
        .collect::<Vec<_>>()
        .into_iter()
        .chain(built_files().into_iter().map(|b| (b, "mov")))
        .map(|(b, ext)| {
            let offs = box_offsets(&b);
            (b, ext, offs)
        })
        .collect();
    files.retain(|f| !f.0.is_empty());
    // VIDEO_FUZZ_SEED and VIDEO_FUZZ_CASES run it longer or differently by hand.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env("VIDEO_FUZZ_SEED").unwrap_or(0x2545_F491_4F6C_DD1D) | 1);
    let cases = env("VIDEO_FUZZ_CASES").unwrap_or(4000) as usize;
    let budget = Duration::from_secs(120);
    let started = Instant::now();
    let mut runs = 0;
    for i in 0..cases {
        if started.elapsed() > budget {
            break;
        }
        let (orig, ext, offs) = &files[i % files.len()];
        let mut b = orig.clone();
        for _ in 0..1 + rng.below(4) {
            match rng.below(6) {
                0 => {
                    let at = rng.below(b.len());
                    b[at] ^= 1 << rng.below(8);
                }
                1 => {
                    let cut = rng.below(b.len() + 1);
                    b.truncate(cut);
                }
                2 if !offs.is_empty() => {
                    // A random 32-bit size into a box header.
                    let at = offs[rng.below(offs.len())];
                    let size = match rng.below(4) {
                        0 => 0,
                        1 => 1,
                        2 => rng.below(64) as u32,
                        _ => rng.next() as u32,
                    };
                    if at + 4 <= b.len() {
                        b[at..at + 4].copy_from_slice(&size.to_be_bytes());
                    }
                }
                3 if !offs.is_empty() => {
                    // A 64-bit largesize.
                    let at = offs[rng.below(offs.len())];
                    if at + 16 <= b.len() {
                        b[at..at + 4].copy_from_slice(&1u32.to_be_bytes());
                        b[at + 8..at + 16].copy_from_slice(&rng.next().to_be_bytes());
                    }
                }
                4 => {
                    // EBML-ish noise: unknown sizes, long vints, zero bytes.
                    let at = rng.below(b.len());
                    b[at] = [0x01, 0xFF, 0x00, 0x80, 0x1F][rng.below(5)];
                }
                _ => {
                    // A random run of bytes.
                    let at = rng.below(b.len());
                    for k in 0..rng.below(16) {
                        if let Some(c) = b.get_mut(at + k) {
                            *c = rng.next() as u8;
                        }
                    }
                }
            }
            if b.is_empty() {
                break;
            }
        }
        let t = Instant::now();
        let head = &b[..b.len().min(64)];
        let sniffed = sniff(head, ext);
        let container = sniffed.unwrap_or(match *ext {
            "mkv" | "webm" => "mkv",
            "avi" => "avi",
            "mov" => "mov",
            _ => "mp4",
        });
        let r = probe_bytes(&b, container);
        if let Ok(f) = &r {
            assert!(f.warnings.len() <= MAX_WARNINGS);
            if let Some((lat, lon)) = f.gps {
                assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0);
            }
            assert!(f.duration_s.is_none_or(|d| d.is_finite() && d >= 0.0));
        }
        // Also lying about the length: longer than the bytes there are.
        let _ = probe(&mut Cursor::new(&b), b.len() as u64 + 1_000_000, container);
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "case {i} took {:?}",
            t.elapsed()
        );
        runs += 1;
    }
    assert!(
        runs >= cases.min(500),
        "only {runs} cases in the time budget"
    );
    // Pure noise too.
    for n in 0..300 {
        let b: Vec<u8> = (0..rng.below(2000)).map(|_| rng.next() as u8).collect();
        for c in ["mp4", "mov", "mkv", "webm", "avi"] {
            let _ = probe_bytes(&b, c);
        }
        let _ = sniff(
            &b[..b.len().min(64)],
            ["mp4", "mov", "mkv", "avi", ""][n % 5],
        );
    }
}
