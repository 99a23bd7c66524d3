//! What kind of file this is, from its first bytes (and the extension where bytes are shared,
//! as with TIFF-based camera RAW). Never trusts the extension alone.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
    Tiff,
    Bmp,
    Heif,
    Avif,
    /// A camera RAW format, with its usual extension.
    Raw(&'static str),
}

/// What the importer does with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A photo: catalogued with its metadata, and with thumbnails where it can be decoded.
    Photo(Format),
    /// A video, by its container name (`mp4`, `mov`, `m4v`, `3gp`, `mkv`, `webm`, `avi`).
    Video(&'static str),
    /// A known file that is neither.
    NotPhoto(&'static str),
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Tiff => "tiff",
            Format::Bmp => "bmp",
            Format::Heif => "heic",
            Format::Avif => "avif",
            Format::Raw(ext) => ext,
        }
    }

    /// The extension the original is stored under.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Tiff => "tif",
            other => other.name(),
        }
    }
}

const RAW_TIFF_EXTS: &[&str] = &[
    "cr2", "nef", "nrw", "arw", "srf", "sr2", "dng", "pef", "srw", "3fr", "erf", "kdc", "mos",
    "iiq", "rwl",
];

pub fn sniff(head: &[u8], extension: &str) -> Option<Kind> {
    let ext = extension.to_ascii_lowercase();
    let starts = |m: &[u8]| head.starts_with(m);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Photo(Format::Jpeg));
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Photo(Format::Png));
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(Kind::Photo(Format::Gif));
    }
    if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Some(Kind::Photo(Format::Webp));
    }
    if let Some(container) = super::video::sniff(head, &ext) {
        return Some(Kind::Video(container));
    }
    if starts(b"BM") && head.len() >= 26 && ext == "bmp" {
        return Some(Kind::Photo(Format::Bmp));
    }
    if starts(b"IIRO") || starts(b"IIRS") || starts(b"MMOR") {
        return Some(Kind::Photo(Format::Raw("orf")));
    }
    if starts(b"IIU\0") {
        return Some(Kind::Photo(Format::Raw("rw2")));
    }
    if starts(b"FUJIFILMCCD-RAW") {
        return Some(Kind::Photo(Format::Raw("raf")));
    }
    if starts(b"\0MRM") {
        return Some(Kind::Photo(Format::Raw("mrw")));
    }
    if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        if let Some(raw) = RAW_TIFF_EXTS.iter().find(|e| **e == ext) {
            return Some(Kind::Photo(Format::Raw(raw)));
        }
        if head.get(8..10) == Some(b"CR") {
            return Some(Kind::Photo(Format::Raw("cr2")));
        }
        return Some(Kind::Photo(Format::Tiff));
    }
    if head.get(4..8) == Some(b"ftyp") {
        let brand = head.get(8..12).unwrap_or_default();
        return Some(match brand {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs"
            | b"mif1" | b"msf1" => Kind::Photo(Format::Heif),
            b"avif" | b"avis" => Kind::Photo(Format::Avif),
            b"crx " => Kind::Photo(Format::Raw("cr3")),
            b"M4A " | b"M4B " | b"M4P " => Kind::NotPhoto("an audio recording"),
            _ => Kind::NotPhoto("an ISO media file that is neither a photo nor a video"),
        });
    }
    if starts(b"%PDF") {
        return Some(Kind::NotPhoto("a PDF document"));
    }
    if starts(b"PK\x03\x04") {
        return Some(Kind::NotPhoto("a ZIP archive"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE1], "txt"),
            Some(Kind::Photo(Format::Jpeg))
        );
        assert_eq!(
            sniff(b"II*\0\x08\0\0\0", "NEF"),
            Some(Kind::Photo(Format::Raw("nef")))
        );
        assert_eq!(
            sniff(b"II*\0\x08\0\0\0", "tif"),
            Some(Kind::Photo(Format::Tiff))
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0", "HEIC"),
            Some(Kind::Photo(Format::Heif))
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom\0\0\0\0isom", "mp4"),
            Some(Kind::Video("mp4"))
        );
        // Minolta's MRW is not TIFF-structured: its own magic, whatever the extension.
        assert_eq!(
            sniff(b"\0MRM\0\0\x0a\x0c\0PRD", "bin"),
            Some(Kind::Photo(Format::Raw("mrw")))
        );
        assert_eq!(sniff(b"hello world", "jpg"), None);
        assert_eq!(sniff(b"", "jpg"), None);
    }
}
