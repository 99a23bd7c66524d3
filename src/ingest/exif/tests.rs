//! Tests of `ingest::exif`.

use super::*;

#[test]
fn garbage_dates_are_unknown() {
    assert!(parse_exif_datetime("0000:00:00 00:00:00").is_none());
    assert!(parse_exif_datetime("    :  :     :  :  ").is_none());
    assert!(parse_exif_datetime("2022:02:30 10:00:00").is_none());
    assert!(parse_exif_datetime("2022:01:04 25:00:00").is_none());
    assert!(parse_exif_datetime("2022:01:04").is_none());
    assert_eq!(
        parse_exif_datetime("2022:01:04 19:32:10")
            .unwrap()
            .to_string(),
        "2022-01-04 19:32:10"
    );
}

#[test]
fn dates_as_writers_write_them() {
    let check = |s: &str, local: &str, off: Option<i32>, sub: Option<&str>| {
        let st = parse_stamp(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(st.local.to_string(), local, "{s}");
        assert_eq!(st.offset.map(|o| o.local_minus_utc()), off, "{s}");
        assert_eq!(st.subsec.as_deref(), sub, "{s}");
    };
    check(
        "2022-01-04T19:32:10+06:00",
        "2022-01-04 19:32:10",
        Some(21600),
        None,
    );
    check(
        "2022-01-04T19:32:10.25Z",
        "2022-01-04 19:32:10",
        Some(0),
        Some("25"),
    );
    check("2022:01:04 19:32", "2022-01-04 19:32:00", None, None);
    check("2022/01/04 19:32:10\0", "2022-01-04 19:32:10", None, None);
    assert!(parse_stamp("2022-01-04T19:32:10 nonsense").is_none());
}

#[test]
fn coordinates_written_as_text() {
    let c = |s: &str| parse_coord_text(s).and_then(|(p, h)| dms(&p).map(|v| (v, h)));
    assert_eq!(c("43.238"), Some((43.238, false)));
    let (v, _) = c("43,14.28").unwrap();
    assert!((v - 43.238).abs() < 1e-9);
    let (v, h) = c("76°56'42\" W").unwrap();
    assert!((v - 76.945).abs() < 1e-9 && h);
    assert_eq!(c("N/A"), None);
}

#[test]
fn xmp_values_as_attributes_and_elements() {
    let a = r#"<rdf:Description exif:DateTimeOriginal="2022-01-04T19:32:10+06:00" xmp:CreateDate='2021-01-01T00:00:00'/>"#;
    let f = xmp_facts(a);
    assert_eq!(f.capture_local.unwrap().to_string(), "2022-01-04 19:32:10");
    assert_eq!(f.capture_offset.unwrap().local_minus_utc(), 21600);
    assert_eq!(f.capture_source, Some(CaptureSource::Xmp));
    let e = "<x><xmp:CreateDate>2022-01-05T09:15:00</xmp:CreateDate><photoshop:DateCreated>2020-01-01</photoshop:DateCreated></x>";
    let f = xmp_facts(e);
    assert_eq!(f.capture_local.unwrap().to_string(), "2022-01-05 09:15:00");
    assert_eq!(f.capture_offset, None);
    // The content's date is not a capture time, and a date without a time is not one either.
    let p = r#"<d photoshop:DateCreated="2022-01-04T19:00:00" xmp:CreateDate="2022-01-04"/>"#;
    assert_eq!(xmp_facts(p).capture_local, None);
}

#[test]
fn imagemagick_raw_profile() {
    let text = b"\nexif\n      10\n457869660000\n4d4d002a";
    assert_eq!(raw_profile(text).unwrap(), b"Exif\0\0MM\0*".to_vec());
}

/// A little-endian TIFF block built entry by entry, so that each defect real writers
/// produce can be placed exactly. Values longer than 4 bytes go into a data area after the
/// IFDs; `bad_offset` entries point past the end instead.
/// tag, type, count, value, value offset out of range
type Entry = (u16, u16, u32, Vec<u8>, bool);

struct Tiff {
    ifds: Vec<Vec<Entry>>,
    next: Vec<u32>,
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;

fn ascii(s: &str) -> (u16, u32, Vec<u8>) {
    let mut d = s.as_bytes().to_vec();
    d.push(0);
    (ASCII, d.len() as u32, d)
}

fn rationals(v: &[(u32, u32)]) -> (u16, u32, Vec<u8>) {
    let d = v
        .iter()
        .flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat())
        .collect();
    (RATIONAL, v.len() as u32, d)
}

impl Tiff {
    /// Lays out IFD i at a fixed place; pointer entries (0x8769, 0x8825) name IFD indexes.
    fn bytes(&self) -> Vec<u8> {
        let sizes: Vec<usize> = self.ifds.iter().map(|e| 2 + e.len() * 12 + 4).collect();
        let mut at = vec![8usize];
        for s in &sizes {
            at.push(at.last().unwrap() + s);
        }
        let mut data_at = *at.last().unwrap();
        let mut out = b"II*\0".to_vec();
        out.extend(8u32.to_le_bytes());
        let mut data: Vec<u8> = Vec::new();
        for (i, entries) in self.ifds.iter().enumerate() {
            out.extend((entries.len() as u16).to_le_bytes());
            for (tag, typ, count, value, bad) in entries {
                out.extend(tag.to_le_bytes());
                out.extend(typ.to_le_bytes());
                out.extend(count.to_le_bytes());
                if *tag == 0x8769 || *tag == 0x8825 {
                    let target = u32::from_le_bytes(value[..4].try_into().unwrap());
                    out.extend((at[target as usize] as u32).to_le_bytes());
                } else if *bad {
                    out.extend(0xFFFF_FF00u32.to_le_bytes());
                } else if value.len() <= 4 {
                    let mut v = value.clone();
                    v.resize(4, 0);
                    out.extend(v);
                } else {
                    out.extend((data_at as u32).to_le_bytes());
                    data.extend(value);
                    data_at += value.len();
                }
            }
            let next = self.next.get(i).copied().unwrap_or(0);
            let next = if next == u32::MAX { at[i] as u32 } else { next };
            out.extend(next.to_le_bytes());
        }
        out.extend(data);
        out
    }
}

fn entry(tag: u16, (typ, count, data): (u16, u32, Vec<u8>)) -> Entry {
    (tag, typ, count, data, false)
}

fn short(tag: u16, v: u16) -> Entry {
    (tag, SHORT, 1, v.to_le_bytes().to_vec(), false)
}

fn pointer(tag: u16, ifd: u32) -> Entry {
    (tag, LONG, 1, ifd.to_le_bytes().to_vec(), false)
}

/// IFD0 (make, model, orientation 6), the Exif IFD (capture time, offset, sub-seconds) and
/// the GPS IFD (Almaty, 850 m).
fn camera() -> Tiff {
    Tiff {
        ifds: vec![
            vec![
                entry(0x010F, ascii("Apple")),
                entry(0x0110, ascii("iPhone 13 Pro")),
                short(0x0112, 6),
                pointer(0x8769, 1),
                pointer(0x8825, 2),
            ],
            vec![
                entry(0x9003, ascii("2022:01:04 19:32:10")),
                entry(0x9011, ascii("+06:00")),
                entry(0x9291, ascii("123")),
            ],
            vec![
                entry(0x0001, ascii("N")),
                entry(0x0002, rationals(&[(43, 1), (14, 1), (1680, 100)])),
                entry(0x0003, ascii("E")),
                entry(0x0004, rationals(&[(76, 1), (56, 1), (4200, 100)])),
                (0x0005, 1, 1, vec![0], false),
                entry(0x0006, rationals(&[(850, 1)])),
            ],
        ],
        next: vec![0, 0, 0],
    }
}

fn read_tiff(t: &Tiff) -> Read {
    read(&t.bytes(), Format::Tiff)
}

fn assert_camera(r: &Read) {
    let f = &r.facts;
    assert_eq!(f.capture_local.unwrap().to_string(), "2022-01-04 19:32:10");
    assert_eq!(f.capture_offset.unwrap().local_minus_utc(), 6 * 3600);
    assert_eq!(f.capture_source, Some(CaptureSource::Exif));
    let (lat, lon) = f.gps.unwrap();
    assert!(
        (lat - 43.238).abs() < 1e-6 && (lon - 76.945).abs() < 1e-6,
        "{lat} {lon}"
    );
    assert_eq!(f.orientation, Some(6));
    assert_eq!(f.make.as_deref(), Some("Apple"));
}

#[test]
fn a_well_formed_block_reads_whole() {
    let r = read_tiff(&camera());
    assert_camera(&r);
    assert_eq!(r.facts.capture_subsec.as_deref(), Some("123"));
    assert_eq!(r.facts.gps_alt, Some(850.0));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn a_next_ifd_pointer_in_a_sub_ifd_costs_nothing() {
    // Pillow and other libraries write a non-zero next pointer after the Exif IFD.
    let mut t = camera();
    t.next = vec![0, 8, 0];
    let r = read_tiff(&t);
    assert_camera(&r);
    assert!(r.warnings.is_empty(), "nothing was lost: {:?}", r.warnings);
}

#[test]
fn a_loop_ends_and_costs_nothing() {
    let mut t = camera();
    t.next = vec![u32::MAX, u32::MAX, 0]; // IFD0 and the Exif IFD point at themselves
    assert_camera(&read_tiff(&t));
}

#[test]
fn an_entry_pointing_out_of_range_costs_that_entry() {
    let mut t = camera();
    t.ifds[0][1].4 = true; // the model's value lies past the end
    let r = read_tiff(&t);
    assert_camera(&r);
    assert_eq!(r.facts.model, None);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("lost"), "{:?}", r.warnings);
}

#[test]
fn overlapping_values_cost_only_what_they_garble() {
    // The model's value offset points into the IFD entries themselves (values overlapping
    // the structure, as damaged or hand-edited files have): the model is garbage, the rest
    // is read.
    let t = camera();
    let mut b = t.bytes();
    let model_value_at = 8 + 2 + 12 + 8; // IFD0 entry 1's value offset
    b[model_value_at..model_value_at + 4].copy_from_slice(&10u32.to_le_bytes());
    let r = read(&b, Format::Tiff);
    assert_camera(&r);
    assert_ne!(r.facts.model.as_deref(), Some("iPhone 13 Pro"));
}

#[test]
fn a_capture_time_written_into_ifd0_is_read() {
    let mut t = camera();
    let date = t.ifds[1].remove(0);
    t.ifds[0].insert(0, date);
    let r = read_tiff(&t);
    assert_eq!(
        r.facts.capture_local.unwrap().to_string(),
        "2022-01-04 19:32:10"
    );
}

#[test]
fn a_truncated_gps_ifd_costs_the_position_only() {
    let t = camera();
    let mut b = t.bytes();
    // Point the GPS IFD past the end: its count cannot be read.
    let gps_ptr_at = 8 + 2 + 4 * 12 + 8;
    let past_end = (b.len() as u32 + 10).to_le_bytes();
    b[gps_ptr_at..gps_ptr_at + 4].copy_from_slice(&past_end);
    let r = read(&b, Format::Tiff);
    assert_eq!(r.facts.gps, None);
    assert_eq!(
        r.facts.capture_local.unwrap().to_string(),
        "2022-01-04 19:32:10"
    );
    assert_eq!(r.facts.orientation, Some(6));
    assert!(!r.warnings.is_empty());
}

#[test]
fn gps_written_as_text_and_as_signed_degrees() {
    let mut t = camera();
    t.ifds[2][1] = entry(0x0002, ascii("43.238"));
    t.ifds[2][3] = entry(0x0004, ascii("76 56 42"));
    t.ifds[2][2] = entry(0x0003, ascii("W"));
    let (lat, lon) = read_tiff(&t).facts.gps.unwrap();
    assert!((lat - 43.238).abs() < 1e-9);
    assert!((lon + 76.945).abs() < 1e-9, "west is negative: {lon}");
}

#[test]
fn exif_in_jpeg_png_text_and_webp() {
    let tiff = camera().bytes();
    // JPEG: an XMP APP1 first, then the Exif APP1.
    let xmp = [XMP_JPEG, b"<x xmp:CreateDate='2000-01-01T00:00:00'/>"].concat();
    let mut j = vec![0xFF, 0xD8];
    for payload in [xmp, [b"Exif\0\0".as_slice(), &tiff].concat()] {
        j.extend([0xFF, 0xE1]);
        j.extend(((payload.len() + 2) as u16).to_be_bytes());
        j.extend(payload);
    }
    j.extend([0xFF, 0xDA, 0, 2]);
    assert_camera(&read(&j, Format::Jpeg));
    // PNG with ImageMagick's raw profile in a zTXt chunk.
    let exif = [b"Exif\0\0".as_slice(), &tiff].concat();
    let hex: String = exif.iter().map(|b| format!("{b:02x}")).collect();
    let text = format!("\nexif\n{:8}\n{}\n", exif.len(), hex);
    let z = miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 6);
    let mut chunk = b"Raw profile type exif\0\0".to_vec();
    chunk.extend(z);
    let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
    p.extend((chunk.len() as u32).to_be_bytes());
    p.extend(b"zTXt");
    p.extend(&chunk);
    p.extend([0; 4]);
    assert_camera(&read(&p, Format::Png));
    // WebP with an EXIF chunk that has no `Exif` header.
    let mut w = b"RIFF\0\0\0\0WEBP".to_vec();
    w.extend(b"EXIF");
    w.extend((tiff.len() as u32).to_le_bytes());
    w.extend(&tiff);
    assert_camera(&read(&w, Format::Webp));
}

#[test]
fn xmp_fills_a_capture_time_exif_lacks() {
    let mut t = camera();
    t.ifds[1].clear();
    t.ifds[1].push(entry(0xA420, ascii("unique")));
    let xmp = [
        XMP_JPEG,
        b"<rdf:Description exif:DateTimeOriginal='2022-01-05T09:15:00'/>",
    ]
    .concat();
    let mut j = vec![0xFF, 0xD8];
    for payload in [[b"Exif\0\0".as_slice(), &t.bytes()].concat(), xmp] {
        j.extend([0xFF, 0xE1]);
        j.extend(((payload.len() + 2) as u16).to_be_bytes());
        j.extend(payload);
    }
    let f = read(&j, Format::Jpeg).facts;
    assert_eq!(f.capture_local.unwrap().to_string(), "2022-01-05 09:15:00");
    assert_eq!(f.capture_offset, None);
    assert_eq!(f.capture_source, Some(CaptureSource::Xmp));
    assert_eq!(
        f.make.as_deref(),
        Some("Apple"),
        "EXIF still gives the rest"
    );
}

/// A seeded mutation run over every container: no panic, and every call returns.
#[test]
fn mutations_never_panic() {
    let tiff = camera().bytes();
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
    j.extend(((tiff.len() + 8) as u16).to_be_bytes());
    j.extend(b"Exif\0\0");
    j.extend(&tiff);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for (base, format) in [(tiff.clone(), Format::Tiff), (j, Format::Jpeg)] {
        for _ in 0..3000 {
            let mut m = base.clone();
            for _ in 0..1 + rnd() % 6 {
                let i = (rnd() as usize) % m.len();
                match rnd() % 3 {
                    0 => m[i] ^= 1 << (rnd() % 8),
                    1 => m[i] = rnd() as u8,
                    _ => m[i] = 0xFF,
                }
            }
            if rnd() % 4 == 0 {
                m.truncate((rnd() as usize) % m.len());
            }
            let _ = read(&m, format);
            let _ = read(&m, Format::Png);
            let _ = read(&m, Format::Webp);
        }
    }
}
