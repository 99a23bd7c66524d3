//! IPTC-IIM from a JPEG's APP13 segments (Photoshop image resource 0x0404) and a TIFF's IFD0
//! (tag 33723, IPTC-NAA), and what a file's own words say about its content (`FileMeta`):
//! caption, keywords, people, place, the content's date, credit, source, creator, copyright. Never the camera's capture time: that is `exif`'s alone.
//!
//! Text is UTF-8 when the envelope's CodedCharacterSet (1:90) says `ESC % G`, and Windows-1251
//! (the legacy Cyrillic code page agencies in the region still write) when nothing says UTF-8.

/// What a file's metadata (or its sidecar) says about the photo's content.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FileMeta {
    pub caption: Option<String>,
    pub keywords: Vec<String>,
    pub people: Vec<String>,
    /// The place path, outermost first (country, region, city, sub-location).
    pub place: Vec<String>,
    /// The content's date as EDTF, at the precision given.
    pub date: Option<String>,
    pub credit: Option<String>,
    pub source: Option<String>,
    /// Who made the photo; several creators joined by `; `.
    pub creator: Option<String>,
    /// The copyright notice.
    pub copyright: Option<String>,
}

impl FileMeta {
    /// Fills each field this one lacks from `other`.
    pub fn fill_from(&mut self, other: FileMeta) {
        if self.caption.is_none() {
            self.caption = other.caption;
        }
        if self.keywords.is_empty() {
            self.keywords = other.keywords;
        }
        if self.people.is_empty() {
            self.people = other.people;
        }
        if self.place.is_empty() {
            self.place = other.place;
        }
        if self.date.is_none() {
            self.date = other.date;
        }
        if self.credit.is_none() {
            self.credit = other.credit;
        }
        if self.source.is_none() {
            self.source = other.source;
        }
        if self.creator.is_none() {
            self.creator = other.creator;
        }
        if self.copyright.is_none() {
            self.copyright = other.copyright;
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == FileMeta::default()
    }
}

/// The IPTC-IIM of a JPEG, if it has any.
pub fn read_jpeg(bytes: &[u8]) -> Option<FileMeta> {
    let resources = app13(bytes);
    if resources.is_empty() {
        return None;
    }
    let iim = resource(&resources, 0x0404)?;
    let m = parse_iim(iim);
    (!m.is_empty()).then_some(m)
}

/// The Photoshop resource blocks of every APP13 segment before the first scan, joined (a large
/// block continues in the next segment).
fn app13(bytes: &[u8]) -> Vec<u8> {
    const SIG: &[u8] = b"Photoshop 3.0\0";
    let mut out = Vec::new();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return out;
    }
    for (marker, payload) in super::exif::Segments::new(bytes) {
        if marker == 0xED
            && let Some(p) = payload.strip_prefix(SIG)
        {
            out.extend_from_slice(p);
        }
    }
    out
}

/// The data of the first image resource `id` among 8BIM blocks.
fn resource(mut b: &[u8], id: u16) -> Option<&[u8]> {
    while b.len() >= 12 && &b[..4] == b"8BIM" {
        let rid = u16::from_be_bytes([b[4], b[5]]);
        // A Pascal name, padded so that length byte and name take an even count.
        let name_len = b[6] as usize;
        let mut at = 6 + 1 + name_len;
        at += at % 2;
        let size = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize;
        let start = at + 4;
        let end = start.checked_add(size)?.min(b.len());
        if rid == id {
            return Some(&b[start..end]);
        }
        let next = end + (size % 2);
        b = b.get(next..)?;
    }
    None
}

/// Reads IIM datasets (`0x1C record dataset length data`).
pub fn parse_iim(b: &[u8]) -> FileMeta {
    let mut sets: Vec<(u8, u8, &[u8])> = Vec::new();
    let mut i = 0;
    while i + 5 <= b.len() && b[i] == 0x1C {
        let (rec, ds) = (b[i + 1], b[i + 2]);
        let len = u16::from_be_bytes([b[i + 3], b[i + 4]]) as usize;
        let (len, start) = if len & 0x8000 != 0 {
            // Extended dataset: the next (len & 0x7FFF) bytes hold the length.
            let n = len & 0x7FFF;
            let Some(lb) = b.get(i + 5..i + 5 + n) else {
                break;
            };
            if n > 4 {
                break;
            }
            (
                lb.iter().fold(0usize, |a, &x| (a << 8) | x as usize),
                i + 5 + n,
            )
        } else {
            (len, i + 5)
        };
        let end = (start + len).min(b.len());
        sets.push((rec, ds, &b[start..end]));
        i = start + len;
    }
    let utf8 = sets
        .iter()
        .any(|&(r, d, v)| r == 1 && d == 90 && v.windows(3).any(|w| w == [0x1B, 0x25, 0x47]));
    let text = |v: &[u8]| -> Option<String> {
        let s = if utf8 {
            String::from_utf8_lossy(v).into_owned()
        } else {
            cp1251(v)
        };
        let s = s
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .to_string();
        (!s.is_empty()).then_some(s)
    };
    let one = |ds: u8| {
        sets.iter()
            .find(|s| s.0 == 2 && s.1 == ds)
            .and_then(|s| text(s.2))
    };
    let mut m = FileMeta {
        caption: one(120),
        keywords: sets
            .iter()
            .filter(|s| s.0 == 2 && s.1 == 25)
            .filter_map(|s| text(s.2))
            .collect(),
        credit: one(110),
        source: one(115),
        copyright: one(116),
        ..FileMeta::default()
    };
    // By-line is repeatable: one dataset per creator.
    let creators: Vec<String> = sets
        .iter()
        .filter(|s| s.0 == 2 && s.1 == 80)
        .filter_map(|s| text(s.2))
        .collect();
    m.creator = (!creators.is_empty()).then(|| creators.join(crate::catalog::CREATORS_JOINED_BY));
    // Country, Province-State, City, Sub-location: outermost first.
    m.place = [101, 95, 90, 92].into_iter().filter_map(one).collect();
    m.date = one(55).and_then(|d| iim_date(&d, one(60).as_deref()));
    m
}

/// The IPTC-IIM of a TIFF (IFD0 tag 33723, IPTC-NAA), if it has any. The tag's type is LONG
/// or UNDEFINED by writer; either way its bytes are the IIM stream as stored, read here
/// without byte swapping.
pub fn read_tiff(bytes: &[u8]) -> Option<FileMeta> {
    let le = match bytes.get(..4)? {
        [b'I', b'I', 42, 0] => true,
        [b'M', b'M', 0, 42] => false,
        _ => return None,
    };
    let u16_at = |i: usize| -> Option<u16> {
        let b: [u8; 2] = bytes.get(i..i.checked_add(2)?)?.try_into().ok()?;
        Some(if le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(i..i.checked_add(4)?)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    for n in 0..count {
        let entry = ifd + 2 + n * 12;
        if u16_at(entry)? != 33723 {
            continue;
        }
        // BYTE, ASCII, UNDEFINED: one byte per value; LONG: four.
        let width = match u16_at(entry + 2)? {
            1 | 2 | 7 => 1,
            4 => 4,
            _ => return None,
        };
        let len = (u32_at(entry + 4)? as usize).checked_mul(width)?;
        let start = if len <= 4 {
            entry + 8
        } else {
            u32_at(entry + 8)? as usize
        };
        let iim = bytes.get(start..start.checked_add(len)?)?;
        let m = parse_iim(iim);
        return (!m.is_empty()).then_some(m);
    }
    None
}

/// IPTC DateCreated (`CCYYMMDD`, `00` for an unknown month or day) and TimeCreated
/// (`HHMMSS±HHMM`) as EDTF at the precision given.
pub fn iim_date(date: &str, time: Option<&str>) -> Option<String> {
    let d = date.trim();
    if d.len() != 8 || !d.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (y, mo, day) = (&d[..4], &d[4..6], &d[6..8]);
    if y == "0000" {
        return None;
    }
    if mo == "00" {
        return Some(y.to_string());
    }
    if day == "00" {
        return Some(format!("{y}-{mo}"));
    }
    let mut out = format!("{y}-{mo}-{day}");
    if let Some(t) = time.map(str::trim)
        && t.len() >= 6
        && t.as_bytes()[..6].iter().all(u8::is_ascii_digit)
    {
        out.push_str(&format!("T{}:{}:{}", &t[..2], &t[2..4], &t[4..6]));
        let z = &t[6..];
        if z.len() == 5
            && (z.starts_with('+') || z.starts_with('-'))
            && z[1..].bytes().all(|c| c.is_ascii_digit())
        {
            out.push_str(&format!("{}:{}", &z[..3], &z[3..]));
        }
    }
    Some(out)
}

/// Windows-1251, 0x80–0xFF (0x98 is unassigned).
const CP1251_HIGH: [char; 64] = [
    'Ђ', 'Ѓ', '‚', 'ѓ', '„', '…', '†', '‡', '€', '‰', 'Љ', '‹', 'Њ', 'Ќ', 'Ћ', 'Џ', //
    'ђ', '‘', '’', '“', '”', '•', '–', '—', '\u{FFFD}', '™', 'љ', '›', 'њ', 'ќ', 'ћ', 'џ', //
    '\u{A0}', 'Ў', 'ў', 'Ј', '¤', 'Ґ', '¦', '§', 'Ё', '©', 'Є', '«', '¬', '\u{AD}', '®',
    'Ї', //
    '°', '±', 'І', 'і', 'ґ', 'µ', '¶', '·', 'ё', '№', 'є', '»', 'ј', 'Ѕ', 'ѕ', 'ї',
];

/// Decodes Windows-1251 text.
pub fn cp1251(b: &[u8]) -> String {
    b.iter()
        .map(|&c| match c {
            0..=0x7F => c as char,
            0x80..=0xBF => CP1251_HIGH[(c - 0x80) as usize],
            // А..я are contiguous from 0xC0.
            _ => char::from_u32(0x0410 + (c - 0xC0) as u32).unwrap_or('\u{FFFD}'),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(rec: u8, n: u8, v: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1C, rec, n];
        out.extend_from_slice(&(v.len() as u16).to_be_bytes());
        out.extend_from_slice(v);
        out
    }

    #[test]
    fn cp1251_reads_cyrillic() {
        assert_eq!(cp1251(&[0xCC, 0xE0, 0xEC, 0xE0, 0xE9]), "Мамай");
        assert_eq!(cp1251(&[0xA8, 0xB8, 0xB9, 0x20, 0x41]), "Ёё№ A");
        assert_eq!(cp1251(&[0xDF, 0xFF]), "Яя");
    }

    #[test]
    fn utf8_marker_and_legacy_text() {
        let utf = [
            ds(1, 90, &[0x1B, 0x25, 0x47]),
            ds(2, 120, "Митинг".as_bytes()),
            ds(2, 25, "протест".as_bytes()),
            ds(2, 25, "Алматы".as_bytes()),
            ds(2, 90, "Алматы".as_bytes()),
            ds(2, 101, "Казахстан".as_bytes()),
            ds(2, 55, b"20220104"),
            ds(2, 60, b"193210+0600"),
        ]
        .concat();
        let m = parse_iim(&utf);
        assert_eq!(m.caption.as_deref(), Some("Митинг"));
        assert_eq!(m.keywords, ["протест", "Алматы"]);
        assert_eq!(m.place, ["Казахстан", "Алматы"]);
        assert_eq!(m.date.as_deref(), Some("2022-01-04T19:32:10+06:00"));
        let legacy = ds(2, 120, &[0xCC, 0xE0, 0xEC, 0xE0, 0xE9]);
        assert_eq!(parse_iim(&legacy).caption.as_deref(), Some("Мамай"));
    }

    #[test]
    fn dates_at_their_precision() {
        assert_eq!(iim_date("20220100", None).as_deref(), Some("2022-01"));
        assert_eq!(iim_date("20220000", None).as_deref(), Some("2022"));
        assert_eq!(
            iim_date("20220104", Some("bad")).as_deref(),
            Some("2022-01-04")
        );
        assert_eq!(iim_date("2022", None), None);
    }

    #[test]
    fn creators_and_copyright() {
        let iim = [
            ds(1, 90, &[0x1B, 0x25, 0x47]),
            ds(2, 80, "Әйгерім Сейітова".as_bytes()),
            ds(2, 80, "Daniyar Mamyrov".as_bytes()),
            ds(2, 116, "© 2022 Vlast.kz".as_bytes()),
        ]
        .concat();
        let m = parse_iim(&iim);
        assert_eq!(
            m.creator.as_deref(),
            Some("Әйгерім Сейітова; Daniyar Mamyrov")
        );
        assert_eq!(m.copyright.as_deref(), Some("© 2022 Vlast.kz"));
    }

    /// A minimal TIFF whose IFD0 holds `iim` under tag 33723 with `typ` (4: LONG, 7: UNDEFINED).
    fn tiff(le: bool, typ: u16, iim: &[u8]) -> Vec<u8> {
        let u16b = |v: u16| if le { v.to_le_bytes() } else { v.to_be_bytes() };
        let u32b = |v: u32| if le { v.to_le_bytes() } else { v.to_be_bytes() };
        let mut iim = iim.to_vec();
        while typ == 4 && !iim.len().is_multiple_of(4) {
            iim.push(0);
        }
        let count = if typ == 4 { iim.len() / 4 } else { iim.len() } as u32;
        let mut t = if le { b"II".to_vec() } else { b"MM".to_vec() };
        t.extend_from_slice(&u16b(42));
        t.extend_from_slice(&u32b(8));
        // IFD0: ImageWidth (1), then IPTC-NAA, then no next IFD; the data after it.
        t.extend_from_slice(&u16b(2));
        for (tag, ty, n, v) in [
            (256u16, 4u16, 1u32, 16u32),
            (33723, typ, count, 8 + 2 + 24 + 4),
        ] {
            t.extend_from_slice(&u16b(tag));
            t.extend_from_slice(&u16b(ty));
            t.extend_from_slice(&u32b(n));
            t.extend_from_slice(&u32b(v));
        }
        t.extend_from_slice(&u32b(0));
        t.extend_from_slice(&iim);
        t
    }

    #[test]
    fn iptc_naa_from_a_tiff_in_either_byte_order() {
        let iim = [
            ds(1, 90, &[0x1B, 0x25, 0x47]),
            ds(2, 120, "Митинг".as_bytes()),
            ds(2, 80, "Әйгерім".as_bytes()),
            ds(2, 116, "© Vlast.kz".as_bytes()),
        ]
        .concat();
        for le in [true, false] {
            for typ in [4, 7] {
                let m = read_tiff(&tiff(le, typ, &iim)).expect("IPTC read");
                assert_eq!(m.caption.as_deref(), Some("Митинг"), "le {le} type {typ}");
                assert_eq!(m.creator.as_deref(), Some("Әйгерім"));
                assert_eq!(m.copyright.as_deref(), Some("© Vlast.kz"));
            }
        }
        // Not a TIFF, a cut-short one, one without the tag: nothing, and no panic.
        assert_eq!(read_tiff(b"\xFF\xD8\xFF"), None);
        let whole = tiff(true, 7, &iim);
        for cut in 0..whole.len() {
            let _ = read_tiff(&whole[..cut]);
        }
        assert_eq!(read_tiff(&tiff(true, 7, &[])), None);
        // A RAW file built on TIFF (DNG, NEF, CR2) is read the same way on import.
        let raw = super::super::meta_in::embedded(
            &tiff(false, 4, &iim),
            super::super::sniff::Format::Raw("dng"),
        );
        assert_eq!(raw.copyright.as_deref(), Some("© Vlast.kz"));
    }
}
