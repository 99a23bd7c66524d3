//! Tests on the RAW containers that are not plain TIFF, built byte by byte: RAF, CR3 (ISO
//! BMFF, its EXIF rebuilt as one block), RW2 and ORF headers, and files that are not RAW at
//! all. Not the TIFF-shaped files (`tiff_shaped.rs`).

use super::*;

pub(super) fn raf(jpeg: &[u8]) -> Vec<u8> {
    let mut f = b"FUJIFILMCCD-RAW 0201FF383501".to_vec();
    f.resize(160, 0);
    f[84..88].copy_from_slice(&160u32.to_be_bytes());
    f[88..92].copy_from_slice(&(jpeg.len() as u32).to_be_bytes());
    f.extend(jpeg);
    f.extend([0u8; 64]); // the raw data would follow
    f
}

#[test]
fn raf_preview_and_exif() {
    let j = with_exif(
        &jpeg(96, 64, [10, 20, 30]),
        &exif_tiff("FUJIFILM", "2020:01:02 03:04:05"),
    );
    let file = raf(&j);
    assert_eq!(chosen(&file, "raf"), Ok(("jpeg", 96, 64)));
    let blocks = exif_blocks(&file, "raf");
    assert_eq!(ascii(&blocks, exif::Tag::Make).as_deref(), Some("FUJIFILM"));
    assert_eq!(
        ascii(&blocks, exif::Tag::DateTimeOriginal).as_deref(),
        Some("2020:01:02 03:04:05")
    );
    assert_eq!(preview(&file[..200], "raf").err(), Some(NoPreview::PastEnd));
}

fn bmff(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
    [&(8 + body.len() as u32).to_be_bytes()[..], typ, body].concat()
}

/// A CR3-shaped file: THMB (160 x 120) and CMT boxes in moov's Canon uuid, a PRVW
/// (`prvw` x 2/3) box, and (optionally) a first track whose data is a `full` JPEG in mdat.
/// CMT2 is big-endian, as a check on the rebuilt block's byte order.
pub(super) fn cr3(prvw: u32, full: Option<(u32, u32)>) -> Vec<u8> {
    let thmb_j = jpeg(160, 120, [1, 1, 1]);
    let mut thmb = vec![0, 0, 0, 0, 0, 160, 0, 120];
    thmb.extend((thmb_j.len() as u32).to_be_bytes());
    thmb.extend([0, 1, 0, 0]);
    thmb.extend(&thmb_j);
    let mut cmt1 = Builder::new(b"II*\0");
    let ifd = cmt1.ifd(&[text(0x010F, "Canon"), text(0x0110, "Canon EOS R")], 0);
    let cmt1 = cmt1.first(ifd);
    // Big-endian EXIF IFD with DateTimeOriginal and a SHORT (ISO 400).
    let date = b"2021:07:08 09:10:11\0";
    let mut cmt2 = b"MM\0*\0\0\0\x08\0\x02".to_vec();
    cmt2.extend([0x88, 0x27, 0, 3, 0, 0, 0, 1, 0x01, 0x90, 0, 0]);
    cmt2.extend([0x90, 0x03, 0, 2, 0, 0, 0, 20, 0, 0, 0, 38]);
    cmt2.extend([0, 0, 0, 0]);
    cmt2.extend(date);
    let mut cmt4 = Builder::new(b"II*\0");
    let ifd = cmt4.ifd(&[(0x0000, 1, 4, vec![2, 3, 0, 0]), text(0x0001, "N")], 0);
    let cmt4 = cmt4.first(ifd);
    let canon = [
        &[
            0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0, 0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b,
            0x6a, 0x48,
        ][..],
        &bmff(b"CMT1", &cmt1),
        &bmff(b"CMT2", &cmt2),
        &bmff(b"CMT4", &cmt4),
        &bmff(b"THMB", &thmb),
    ]
    .concat();
    let prvw_j = jpeg(prvw, prvw * 2 / 3, [2, 2, 2]);
    let mut p = vec![0, 0, 0, 0, 0, 1];
    p.extend((prvw as u16).to_be_bytes());
    p.extend(((prvw * 2 / 3) as u16).to_be_bytes());
    p.extend([0, 1]);
    p.extend((prvw_j.len() as u32).to_be_bytes());
    p.extend(&prvw_j);
    let preview_uuid = [
        &[
            0xea, 0xf4, 0x2b, 0x5e, 0x1c, 0x98, 0x4b, 0x88, 0xb9, 0xfb, 0xb7, 0xdc, 0x40, 0x6e,
            0x4d, 0x16,
        ][..],
        &[0, 0, 0, 0, 0, 0, 0, 1],
        &bmff(b"PRVW", &p),
    ]
    .concat();
    let ftyp = bmff(b"ftyp", b"crx \0\0\0\x01crx isom");
    let full_j = full.map(|(w, h)| jpeg(w, h, [3, 3, 3]));
    // The track, with the chunk offset filled in once the layout is known.
    let trak = |offset: u64, size: u32| {
        let craw = bmff(b"CRAW", &[&[0u8; 82][..], &bmff(b"JPEG", &[0; 4])].concat());
        let stsd = bmff(b"stsd", &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], &craw].concat());
        let stsz = bmff(
            b"stsz",
            &[&[0u8; 4][..], &size.to_be_bytes(), &1u32.to_be_bytes()].concat(),
        );
        let co64 = bmff(
            b"co64",
            &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], &offset.to_be_bytes()].concat(),
        );
        let stbl = bmff(b"stbl", &[stsd, stsz, co64].concat());
        bmff(b"trak", &bmff(b"mdia", &bmff(b"minf", &stbl)))
    };
    let build = |offset: u64| {
        let mut moov = bmff(b"uuid", &canon);
        if let Some(j) = &full_j {
            moov.extend(trak(offset, j.len() as u32));
        }
        let head = [
            ftyp.clone(),
            bmff(b"moov", &moov),
            bmff(b"uuid", &preview_uuid),
        ]
        .concat();
        let mdat = bmff(b"mdat", full_j.as_deref().unwrap_or_default());
        (head, mdat)
    };
    let (head, _) = build(0);
    let (head, mdat) = build(head.len() as u64 + 8);
    [head, mdat].concat()
}

#[test]
fn cr3_previews_the_largest_wins() {
    assert_eq!(
        chosen(&cr3(240, Some((480, 320))), "cr3"),
        Ok(("jpeg", 480, 320))
    );
    assert_eq!(chosen(&cr3(240, None), "cr3"), Ok(("jpeg", 240, 160)));
    // A PRVW smaller than the THMB: the THMB.
    assert_eq!(chosen(&cr3(96, None), "cr3"), Ok(("jpeg", 160, 120)));
    // The full-size JPEG cut off: the PRVW still wins over the report.
    let whole = cr3(240, Some((480, 320)));
    assert_eq!(
        chosen(&whole[..whole.len() - 100], "cr3"),
        Ok(("jpeg", 240, 160))
    );
}

#[test]
fn cr3_exif_is_one_linked_block() {
    let file = cr3(96, None);
    let blocks = exif_blocks(&file, "cr3");
    assert_eq!(blocks.len(), 1);
    assert_eq!(ascii(&blocks, exif::Tag::Make).as_deref(), Some("Canon"));
    assert_eq!(
        ascii(&blocks, exif::Tag::Model).as_deref(),
        Some("Canon EOS R")
    );
    assert_eq!(
        ascii(&blocks, exif::Tag::DateTimeOriginal).as_deref(),
        Some("2021:07:08 09:10:11")
    );
    let exif = exif::Reader::new().read_raw(blocks[0].to_vec()).unwrap();
    let iso = exif
        .get_field(exif::Tag::PhotographicSensitivity, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(
        iso.value.get_uint(0),
        Some(400),
        "big-endian SHORT converted"
    );
    assert_eq!(
        ascii(&blocks, exif::Tag::GPSLatitudeRef).as_deref(),
        Some("N")
    );
}

#[test]
fn rw2_and_orf_headers() {
    // RW2: magic 0x55, JpgFromRaw (0x002E) in IFD0 carrying its own EXIF.
    let j = with_exif(
        &jpeg(64, 48, [7, 7, 7]),
        &exif_tiff("Panasonic", "2019:09:09 09:09:09"),
    );
    let mut b = Builder::new(b"IIU\0");
    let exif = b.ifd(&[text(0x9003, "2019:09:09 09:09:09")], 0);
    let ifd0 = b.ifd(
        &[
            text(0x010F, "Panasonic"),
            undefined(0x002E, &j),
            long(0x8769, exif),
        ],
        0,
    );
    let rw2 = b.first(ifd0);
    assert_eq!(chosen(&rw2, "rw2"), Ok(("jpeg", 64, 48)));
    let blocks = exif_blocks(&rw2, "rw2");
    assert_eq!(blocks.len(), 2);
    assert!(blocks.iter().all(|b| b.starts_with(b"II*\0")));
    // The rebuilt block alone carries IFD0 and the EXIF IFD.
    assert_eq!(
        ascii(&blocks[..1], exif::Tag::Make).as_deref(),
        Some("Panasonic")
    );
    assert_eq!(
        ascii(&blocks[..1], exif::Tag::DateTimeOriginal).as_deref(),
        Some("2019:09:09 09:09:09")
    );
    assert!(blocks[0].len() < 200, "the JPEG is not copied");

    // ORF: magic "RO", the preview in the Olympus maker note's camera settings (0x2020),
    // offsets counted from the note's start.
    let pj = jpeg(80, 60, [8, 8, 8]);
    let mut note = b"OLYMPUS\0II\x03\0".to_vec();
    // Maker note IFD at 12: one entry, 0x2020 of type IFD pointing at 30.
    note.extend([1, 0, 0x20, 0x20, 13, 0, 1, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0]);
    // Camera settings IFD at 30: PreviewImageStart (0x0101), PreviewImageLength (0x0102).
    let start = 30 + 2 + 24 + 4;
    note.extend([2, 0]);
    note.extend([0x01, 0x01, 4, 0, 1, 0, 0, 0]);
    note.extend((start as u32).to_le_bytes());
    note.extend([0x02, 0x01, 4, 0, 1, 0, 0, 0]);
    note.extend((pj.len() as u32).to_le_bytes());
    note.extend([0, 0, 0, 0]);
    note.extend(&pj);
    let mut b = Builder::new(b"IIRO");
    let exif = b.ifd(
        &[
            text(0x9003, "2018:08:08 08:08:08"),
            undefined(0x927C, &note),
        ],
        0,
    );
    let ifd0 = b.ifd(&[text(0x010F, "OLYMPUS"), long(0x8769, exif)], 0);
    let orf = b.first(ifd0);
    assert_eq!(chosen(&orf, "orf"), Ok(("jpeg", 80, 60)));
    let blocks = exif_blocks(&orf, "orf");
    assert_eq!(ascii(&blocks, exif::Tag::Make).as_deref(), Some("OLYMPUS"));
    assert_eq!(
        ascii(&blocks, exif::Tag::DateTimeOriginal).as_deref(),
        Some("2018:08:08 08:08:08")
    );
}

#[test]
fn not_a_raw() {
    for junk in [
        &b""[..],
        b"II*",
        b"II*\0\xff\xff\xff\xff",
        b"\0MRM",
        b"FUJIFILMCCD-RAW",
    ] {
        assert_eq!(preview(junk, "nef").err(), Some(NoPreview::None));
        assert!(
            exif_blocks(junk, "nef")
                .iter()
                .all(|b| b.len() == junk.len())
        );
    }
}
