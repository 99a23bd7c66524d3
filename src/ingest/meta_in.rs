//! Metadata in: what a file (IPTC-IIM, XMP) and its `.xmp` sidecars say about the content,
//! turned into the tag change the writer applies right after inserting the item, each field
//! with its source. A sidecar's value wins over the embedded one (it is the editable layer).

use super::iptc::FileMeta;
use super::sniff::Format;
use crate::catalog::TagChange;
use crate::dates::EventDate;
use std::path::Path;

/// The content fields read for one file, with where each came from.
#[derive(Debug, Default)]
pub struct Found {
    pub embedded: FileMeta,
    pub sidecar: FileMeta,
}

/// Reads a photo's own metadata: IPTC-IIM (JPEG APP13; IPTC-NAA in the IFD0 of a TIFF or of a
/// RAW file built on TIFF, such as DNG, NEF or CR2), then its XMP packets for what IPTC lacks.
pub fn embedded(bytes: &[u8], format: Format) -> FileMeta {
    let mut m = match format {
        Format::Jpeg => super::iptc::read_jpeg(bytes).unwrap_or_default(),
        Format::Tiff | Format::Raw(_) => super::iptc::read_tiff(bytes).unwrap_or_default(),
        _ => FileMeta::default(),
    };
    for packet in super::exif::xmp_packets(bytes, format) {
        m.fill_from(super::xmp_in::read(&packet));
    }
    m
}

/// What `path`'s file (`embedded`, read by the caller) and its sidecars say. An evidence bag's
/// original is the exception: its `<sha256>.xmp` repeats the bag's catalogue data, which the bag
/// merge brings in whole (`bag::merge`), so neither sidecar nor file is read for it here.
pub fn found(path: &Path, embedded: FileMeta) -> Found {
    let originals = path.parent();
    let in_bag = originals.is_some_and(|o| {
        o.ends_with("data/originals")
            && o.parent()
                .and_then(Path::parent)
                .is_some_and(super::bag::is_bag)
    });
    if in_bag {
        return Found::default();
    }
    Found {
        embedded,
        sidecar: super::xmp_in::read_sidecars(path),
    }
}

impl Found {
    /// The tag change and each field's source; `None` when the file says nothing.
    pub fn change(&self) -> Option<(TagChange, Vec<(&'static str, &'static str)>)> {
        let mut c = TagChange::default();
        let mut sources = Vec::new();
        for (meta, source) in [(&self.sidecar, "sidecar"), (&self.embedded, "embedded")] {
            let mut take = |field: &'static str, has: bool| -> bool {
                let free = has && !sources.iter().any(|(f, _)| *f == field);
                if free {
                    sources.push((field, source));
                }
                free
            };
            if take("caption", meta.caption.is_some()) {
                c.caption = Some(meta.caption.clone());
            }
            if take("keywords", !meta.keywords.is_empty()) {
                c.add_tags = meta.keywords.clone();
            }
            if take("people", !meta.people.is_empty()) {
                c.add_people = meta.people.clone();
            }
            let place = meta
                .place
                .iter()
                .map(|p| p.replace('>', " "))
                .collect::<Vec<_>>()
                .join(" > ");
            if take("place", !meta.place.is_empty()) {
                c.place = Some(Some(place));
            }
            let date = meta.date.as_deref().and_then(|d| EventDate::parse(d).ok());
            if take("event_date", date.is_some()) {
                c.date = Some(date);
            }
            if take("credit", meta.credit.is_some()) {
                c.credit = Some(meta.credit.clone());
            }
            if take("source", meta.source.is_some()) {
                c.source = Some(meta.source.clone());
            }
            if take("creator", meta.creator.is_some()) {
                c.creator = Some(meta.creator.clone());
            }
            if take("copyright", meta.copyright.is_some()) {
                c.copyright = Some(meta.copyright.clone());
            }
        }
        (!sources.is_empty()).then_some((c, sources))
    }
}
