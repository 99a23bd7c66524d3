//! Tests of `ingest::raw`.

use super::*;
use crate::ingest::encode_jpeg;
use image::Rgb;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/raw")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn ext(name: &str) -> String {
    name.rsplit('.').next().unwrap().to_ascii_lowercase()
}

/// What `preview` chose: its kind and frame size.
type Chosen = Result<(&'static str, u32, u32), NoPreview>;

/// The frame size of the preview chosen, or what was wrong.
fn chosen(bytes: &[u8], ext: &str) -> Chosen {
    preview(bytes, ext).map(|p| match p {
        RawPreview::Jpeg(j) => {
            let (w, h) = jpeg_size(j).unwrap();
            // It decodes.
            let img = image::load_from_memory_with_format(j, image::ImageFormat::Jpeg)
                .expect("the preview decodes");
            assert_eq!((img.width(), img.height()), (w, h));
            ("jpeg", w, h)
        }
        RawPreview::Rgb(img) => ("rgb", img.width(), img.height()),
    })
}

/// An ASCII field of the first block that has it, as kamadak-exif reads it.
fn ascii(blocks: &[Cow<'_, [u8]>], tag: exif::Tag) -> Option<String> {
    blocks.iter().find_map(|b| {
        let exif = match exif::Reader::new()
            .continue_on_error(true)
            .read_raw(b.to_vec())
        {
            Ok(e) => e,
            Err(exif::Error::PartialResult(p)) => p.into_inner().0,
            Err(e) => panic!("the block does not parse: {e}"),
        };
        let f = exif.get_field(tag, exif::In::PRIMARY)?;
        match &f.value {
            exif::Value::Ascii(v) => Some(
                String::from_utf8_lossy(v.first()?)
                    .trim_end_matches(['\0', ' '])
                    .to_string(),
            ),
            _ => None,
        }
    })
}

// ---- real samples (Image-ExifTool 12.57, t/images; image data stripped by ExifTool) ----

/// What exiftool 12.57 reports (`-PreviewImage`, `-JpgFromRaw`, `-ThumbnailImage` and the
/// IFD0 strips): CR2, CR3 and NEF carry only 16- to 29-byte stand-ins such as
/// "<Dummy preview image data>", which are not JPEGs. The DNG's IFD0 is an 8 x 8 RGB strip
/// (192 bytes), the IIQ's a 1 x 1 one. The RAF's preview is a 12167-byte JPEG of 8 x 8 whose
/// EXIF holds a 9362-byte 160 x 120 thumbnail; the RW2's JpgFromRaw a 10785-byte 8 x 8 JPEG.
#[test]
fn previews_of_real_samples() {
    let want: [(&str, Chosen); 8] = [
        ("CanonRaw.cr2", Err(NoPreview::None)),
        ("CanonRaw.cr3", Err(NoPreview::None)),
        ("DNG.dng", Ok(("rgb", 8, 8))),
        ("FujiFilm.raf", Ok(("jpeg", 160, 120))),
        ("Nikon.nef", Err(NoPreview::None)),
        ("Panasonic.rw2", Ok(("jpeg", 8, 8))),
        ("PhaseOne.iiq", Ok(("rgb", 1, 1))),
        ("Minolta.mrw", Err(NoPreview::None)),
    ];
    for (name, want) in want {
        assert_eq!(chosen(&fixture(name), &ext(name)), want, "{name}");
    }
    // The RAF's choice is the 9362-byte thumbnail exiftool extracts.
    let raf = fixture("FujiFilm.raf");
    let Ok(RawPreview::Jpeg(j)) = preview(&raf, "raf") else {
        panic!()
    };
    assert_eq!(j.len(), 9362);
}

/// DateTimeOriginal, Make and Model as `exiftool -a -G1 -s` 12.57 printed them.
#[test]
fn exif_of_real_samples() {
    let want = [
        (
            "CanonRaw.cr2",
            "2005:08:03 18:59:18",
            "Canon",
            "Canon EOS 350D DIGITAL",
        ),
        (
            "CanonRaw.cr3",
            "2018:02:21 12:08:56",
            "Canon",
            "Canon EOS M50",
        ),
        (
            "DNG.dng",
            "2005:08:03 18:59:18",
            "Canon",
            "Canon EOS 350D DIGITAL",
        ),
        (
            "FujiFilm.raf",
            "2007:05:22 13:58:30",
            "FUJIFILM",
            "FinePix S5Pro",
        ),
        (
            "Nikon.nef",
            "2004:06:09 16:02:35",
            "NIKON CORPORATION",
            "NIKON D70",
        ),
        (
            "Panasonic.rw2",
            "2008:08:06 15:21:56",
            "Panasonic",
            "DMC-LX3",
        ),
        ("PhaseOne.iiq", "2013:06:19 15:44:21", "Leaf", "Credo 40"),
        (
            "Minolta.mrw",
            "2004:11:18 23:14:58",
            "Konica Minolta Camera, Inc.",
            "DiMAGE A2",
        ),
    ];
    for (name, date, make, model) in want {
        let bytes = fixture(name);
        let blocks = exif_blocks(&bytes, &ext(name));
        assert!(!blocks.is_empty(), "{name}");
        for b in &blocks {
            assert!(b.starts_with(b"II*\0") || b.starts_with(b"MM\0*"), "{name}");
        }
        let got = (
            ascii(&blocks, exif::Tag::DateTimeOriginal),
            ascii(&blocks, exif::Tag::Make),
            ascii(&blocks, exif::Tag::Model),
        );
        let want = (Some(date.into()), Some(make.into()), Some(model.into()));
        assert_eq!(got, want, "{name}");
    }
    // The CR3's GPS IFD (CMT4) is linked in: exiftool reads GPSVersionID 2 3 0 0.
    let cr3 = fixture("CanonRaw.cr3");
    let blocks = exif_blocks(&cr3, "cr3");
    let exif = exif::Reader::new().read_raw(blocks[0].to_vec()).unwrap();
    let v = exif
        .get_field(exif::Tag::GPSVersionID, exif::In::PRIMARY)
        .unwrap();
    assert!(matches!(&v.value, exif::Value::Byte(b) if b == &[2, 3, 0, 0]));
    // Plain TIFF-based RAW: the file itself, not a copy.
    let nef = fixture("Nikon.nef");
    assert!(matches!(&exif_blocks(&nef, "nef")[0], Cow::Borrowed(b) if b.len() == nef.len()));
}

// ---- files built byte by byte ----

/// A little-endian TIFF-structured file under construction: blobs and IFDs are appended,
/// children before the IFDs that point at them.
struct Builder {
    d: Vec<u8>,
}

/// An entry: tag, type, count, value bytes (little-endian; placed inline when <= 4).
type E = (u16, u16, u32, Vec<u8>);

fn short(tag: u16, v: u16) -> E {
    (tag, 3, 1, v.to_le_bytes().to_vec())
}
fn long(tag: u16, v: u32) -> E {
    (tag, 4, 1, v.to_le_bytes().to_vec())
}
fn longs(tag: u16, v: &[u32]) -> E {
    (
        tag,
        4,
        v.len() as u32,
        v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    )
}
fn text(tag: u16, v: &str) -> E {
    let mut b = v.as_bytes().to_vec();
    b.push(0);
    (tag, 2, b.len() as u32, b)
}
fn undefined(tag: u16, v: &[u8]) -> E {
    (tag, 7, v.len() as u32, v.to_vec())
}

impl Builder {
    fn new(magic: &[u8; 4]) -> Self {
        let mut d = magic.to_vec();
        d.extend([0, 0, 0, 0]);
        Builder { d }
    }
    fn align(&mut self) {
        if self.d.len() % 2 == 1 {
            self.d.push(0);
        }
    }
    fn blob(&mut self, b: &[u8]) -> u32 {
        self.align();
        let at = self.d.len() as u32;
        self.d.extend_from_slice(b);
        at
    }
    /// Where the next IFD will start.
    fn next_ifd(&mut self) -> u32 {
        self.align();
        self.d.len() as u32
    }
    fn ifd(&mut self, entries: &[E], next: u32) -> u32 {
        let at = self.next_ifd() as usize;
        let mut entries = entries.to_vec();
        entries.sort_by_key(|e| e.0);
        let table = 2 + 12 * entries.len() + 4;
        let mut data = Vec::new();
        let mut out = (entries.len() as u16).to_le_bytes().to_vec();
        for (tag, typ, count, v) in &entries {
            out.extend(tag.to_le_bytes());
            out.extend(typ.to_le_bytes());
            out.extend(count.to_le_bytes());
            if v.len() <= 4 {
                let mut f = v.clone();
                f.resize(4, 0);
                out.extend(f);
            } else {
                out.extend(((at + table + data.len()) as u32).to_le_bytes());
                data.extend(v);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        out.extend(next.to_le_bytes());
        out.extend(data);
        self.d.extend(out);
        at as u32
    }
    fn first(mut self, ifd0: u32) -> Vec<u8> {
        self.d[4..8].copy_from_slice(&ifd0.to_le_bytes());
        self.d
    }
}

fn jpeg(w: u32, h: u32, colour: [u8; 3]) -> Vec<u8> {
    encode_jpeg(&RgbImage::from_pixel(w, h, Rgb(colour)), 80).unwrap()
}

/// A JPEG claiming a lossless (SOF3) frame of 4000 x 3000, as a DNG's raw data does.
fn lossless_jpeg() -> Vec<u8> {
    let mut j = jpeg(16, 16, [9, 9, 9]);
    let at = j.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    j[at + 1] = 0xC3;
    j[at + 5..at + 9].copy_from_slice(&[0x0B, 0xB8, 0x0F, 0xA0]);
    j
}

/// A JPEG with an EXIF APP1 holding `tiff`.
fn with_exif(j: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend(tiff);
    let len = (seg.len() + 2) as u16;
    [
        &j[..2],
        &[0xFF, 0xE1],
        &len.to_be_bytes()[..],
        &seg,
        &j[2..],
    ]
    .concat()
}

/// A small EXIF TIFF: IFD0 with Make and Model, EXIF IFD with DateTimeOriginal.
fn exif_tiff(make: &str, date: &str) -> Vec<u8> {
    let mut b = Builder::new(b"II*\0");
    let exif = b.ifd(&[text(0x9003, date)], 0);
    let ifd0 = b.ifd(
        &[
            text(0x010F, make),
            text(0x0110, "Model X"),
            long(0x8769, exif),
        ],
        0,
    );
    b.first(ifd0)
}

/// A DNG/NEF-shaped TIFF: IFD0 a 32 x 24 JPEG thumbnail (0x0201/0x0202) and an 8 x 6 RGB
/// strip; SubIFD 1 a 320 x 240 JPEG strip (compression 7, NewSubFileType 1); SubIFD 2 the
/// lossless raw data claiming 4000 x 3000.
fn dng_like() -> Vec<u8> {
    let mut b = Builder::new(b"II*\0");
    let small = jpeg(32, 24, [200, 0, 0]);
    let big = jpeg(320, 240, [0, 200, 0]);
    let raw = lossless_jpeg();
    let (small_at, big_at, raw_at) = (b.blob(&small), b.blob(&big), b.blob(&raw));
    let rgb: Vec<u8> = (0..8 * 6).flat_map(|i| [i as u8, 100, 200]).collect();
    let rgb_at = b.blob(&rgb);
    let preview = b.ifd(
        &[
            long(0x00FE, 1),
            long(0x0100, 320),
            long(0x0101, 240),
            short(0x0103, 7),
            long(0x0111, big_at),
            long(0x0117, big.len() as u32),
        ],
        0,
    );
    let raw_ifd = b.ifd(
        &[
            long(0x00FE, 0),
            long(0x0100, 4000),
            long(0x0101, 3000),
            short(0x0103, 7),
            long(0x0111, raw_at),
            long(0x0117, raw.len() as u32),
        ],
        0,
    );
    let ifd0 = b.ifd(
        &[
            long(0x00FE, 1),
            long(0x0100, 8),
            long(0x0101, 6),
            (
                0x0102,
                3,
                3,
                [8u16, 8, 8].iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            short(0x0103, 1),
            short(0x0106, 2),
            long(0x0111, rgb_at),
            short(0x0115, 3),
            long(0x0117, rgb.len() as u32),
            long(0x0201, small_at),
            long(0x0202, small.len() as u32),
            longs(0x014A, &[preview, raw_ifd]),
            text(0x010F, "Maker"),
        ],
        0,
    );
    b.first(ifd0)
}

#[test]
fn the_largest_jpeg_wins_and_lossless_raw_data_is_refused() {
    let dng = dng_like();
    assert_eq!(chosen(&dng, "dng"), Ok(("jpeg", 320, 240)));
    // Without the SubIFDs: the 32 x 24 thumbnail beats the RGB strip.
    let mut no_sub = dng.clone();
    let at = no_sub
        .windows(4)
        .position(|w| w == [0x4A, 0x01, 0x04, 0x00])
        .unwrap();
    no_sub[at..at + 2].copy_from_slice(&[0x4B, 0x01]); // an unknown tag now
    assert_eq!(chosen(&no_sub, "dng"), Ok(("jpeg", 32, 24)));
    // The lossless frame alone is no preview.
    let mut b = Builder::new(b"II*\0");
    let raw = lossless_jpeg();
    let raw_at = b.blob(&raw);
    let ifd0 = b.ifd(
        &[
            short(0x0103, 7),
            long(0x0111, raw_at),
            long(0x0117, raw.len() as u32),
        ],
        0,
    );
    assert_eq!(chosen(&b.first(ifd0), "dng"), Err(NoPreview::None));
}

#[test]
fn an_rgb_thumbnail_is_the_last_resort() {
    let mut b = Builder::new(b"II*\0");
    let rgb: Vec<u8> = (0..8 * 6).flat_map(|i| [i as u8, 100, 200]).collect();
    // Two strips of three rows each.
    let (s1, s2) = (b.blob(&rgb[..72]), b.blob(&rgb[72..]));
    let ifd0 = b.ifd(
        &[
            long(0x0100, 8),
            long(0x0101, 6),
            (
                0x0102,
                3,
                3,
                [8u16, 8, 8].iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            short(0x0103, 1),
            short(0x0106, 2),
            longs(0x0111, &[s1, s2]),
            short(0x0115, 3),
            longs(0x0117, &[72, 72]),
        ],
        0,
    );
    let file = b.first(ifd0);
    let Ok(RawPreview::Rgb(img)) = preview(&file, "dng") else {
        panic!("no RGB thumbnail")
    };
    assert_eq!(img.dimensions(), (8, 6));
    assert_eq!(img.as_raw(), &rgb);
    // A strip shorter than the picture: no preview (the NEF sample's case).
    let mut cut = file.clone();
    let at = cut
        .windows(8)
        .position(|w| w == [72, 0, 0, 0, 72, 0, 0, 0])
        .unwrap();
    cut[at + 4] = 10;
    assert_eq!(chosen(&cut, "dng"), Err(NoPreview::None));
    // A huge claimed size made of one small strip repeated: refused, nothing allocated.
    let mut b = Builder::new(b"II*\0");
    let strip = b.blob(&[0u8; 96]);
    let ifd0 = b.ifd(
        &[
            long(0x0100, 30_000),
            long(0x0101, 30_000),
            short(0x0102, 8),
            short(0x0106, 2),
            longs(0x0111, &vec![strip; 20_000]),
            short(0x0115, 3),
            longs(0x0117, &vec![96; 20_000]),
        ],
        0,
    );
    assert_eq!(chosen(&b.first(ifd0), "dng"), Err(NoPreview::None));
}

#[test]
fn a_preview_past_the_end_is_reported() {
    // IFD0 claims a JPEG of 5000 bytes where the file ends first.
    let mut b = Builder::new(b"II*\0");
    let j = jpeg(32, 24, [1, 2, 3]);
    let at = b.blob(&j);
    let ifd0 = b.ifd(&[long(0x0201, at), long(0x0202, 5000)], 0);
    assert_eq!(chosen(&b.first(ifd0), "arw"), Err(NoPreview::PastEnd));
    // A real file cut short: the RAF's preview no longer fits.
    let raf = fixture("FujiFilm.raf");
    assert_eq!(
        preview(&raf[..10_000], "raf").err(),
        Some(NoPreview::PastEnd)
    );
    // The DNG cut inside the 8 x 8 RGB strip at its end.
    let dng = fixture("DNG.dng");
    assert_eq!(
        preview(&dng[..dng.len() - 10], "dng").err(),
        Some(NoPreview::PastEnd)
    );
    // (A smaller preview that is whole still wins over the report: see the CR3 test.)
}

#[test]
fn ifd_loops_end() {
    let mut b = Builder::new(b"II*\0");
    let j = jpeg(48, 32, [5, 5, 5]);
    let at = b.blob(&j);
    // IFD0 whose next IFD, SubIFD and EXIF IFD are all itself.
    let me = b.next_ifd();
    let ifd0 = b.ifd(
        &[
            long(0x0201, at),
            long(0x0202, j.len() as u32),
            longs(0x014A, &[me, me]),
            long(0x8769, me),
        ],
        me,
    );
    assert_eq!(ifd0, me);
    let file = b.first(ifd0);
    assert_eq!(chosen(&file, "nef"), Ok(("jpeg", 48, 32)));
    assert_eq!(exif_blocks(&file, "nef").len(), 1);
    // Two IFDs pointing at each other.
    let mut b = Builder::new(b"II*\0");
    let a_at = b.next_ifd();
    let b_at = a_at + 2 + 12 + 4;
    let a = b.ifd(&[long(0x014A, b_at)], b_at);
    let c = b.ifd(&[long(0x014A, a_at)], a_at);
    assert_eq!((a, c), (a_at, b_at));
    assert_eq!(chosen(&b.first(a), "cr2"), Err(NoPreview::None));
}

fn raf(jpeg: &[u8]) -> Vec<u8> {
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
fn cr3(prvw: u32, full: Option<(u32, u32)>) -> Vec<u8> {
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

/// Seeded mutations of every fixture and built file: bit flips, bytes set to 0x00/0xFF,
/// 32-bit values overwritten (offsets, counts, sizes) and truncations. Every call returns,
/// with no panic, and every block it gives is a TIFF header.
#[test]
fn mutations_never_panic() {
    let mut files: Vec<(String, Vec<u8>)> = [
        "CanonRaw.cr2",
        "CanonRaw.cr3",
        "DNG.dng",
        "FujiFilm.raf",
        "Nikon.nef",
        "Panasonic.rw2",
        "PhaseOne.iiq",
        "Minolta.mrw",
    ]
    .iter()
    .map(|n| (ext(n), fixture(n)))
    .collect();
    files.push(("dng".into(), dng_like()));
    files.push(("cr3".into(), cr3(96, Some((64, 48)))));
    files.push((
        "raf".into(),
        raf(&with_exif(
            &jpeg(16, 16, [0, 0, 0]),
            &exif_tiff("F", "2020:01:01 00:00:00"),
        )),
    ));
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for (ext, file) in &files {
        for round in 0..2500 {
            let mut b = file.clone();
            let n = 1 + next() % 4;
            for _ in 0..n {
                let at = (next() % b.len() as u64) as usize;
                match next() % 4 {
                    0 => b[at] ^= 1 << (next() % 8),
                    1 => b[at] = if next() % 2 == 0 { 0 } else { 0xFF },
                    2 => {
                        let v = (next() as u32).to_le_bytes();
                        for (i, byte) in v.iter().enumerate() {
                            if let Some(slot) = b.get_mut(at + i) {
                                *slot = *byte;
                            }
                        }
                    }
                    _ => b[at] = b[at].wrapping_add(1),
                }
            }
            if round % 5 == 0 {
                b.truncate((next() % (b.len() as u64 + 1)) as usize);
            }
            let _ = preview(&b, ext);
            for block in exif_blocks(&b, ext) {
                assert!(block.starts_with(b"II") || block.starts_with(b"MM"));
                let _ = exif::Reader::new()
                    .continue_on_error(true)
                    .read_raw(block.to_vec());
            }
        }
    }
}
