//! Tests on real files made by other tools (ExifTool's samples, clips ffmpeg wrote), each
//! against what ExifTool reads from it, and those files cut short; then the poster frame
//! through ffmpeg and the PPM it returns. Not files built here (`tests.rs`, `fuzz.rs`).
//!
//! The figures are what `exiftool -n -j -api QuickTimeUTC FILE` (ExifTool 12.57) printed.

use super::*;

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
