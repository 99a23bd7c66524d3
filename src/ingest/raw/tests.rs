//! Tests of `ingest::raw`.
//!
//! This file holds the shared helpers, the real samples and the TIFF builder;
//! `tests/tiff_shaped.rs` the TIFF-shaped files built with it, `tests/containers.rs` RAF, CR3,
//! RW2 and ORF, `tests/mutations.rs` damaged files.

use super::*;
use crate::ingest::encode_jpeg;
use image::Rgb;
use std::path::PathBuf;

mod containers;
mod mutations;
mod tiff_shaped;

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
