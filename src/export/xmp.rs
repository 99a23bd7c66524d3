//! `--format xmp`: one XMP sidecar per item, for photo managers (exiftool, digiKam, Lightroom).
//!
//! The sidecar holds what the catalogue says about the content, in the standard places:
//!
//! ```text
//! caption        dc:description (x-default lang alternative)
//! keywords       dc:subject (rdf:Bag)
//! event date     photoshop:DateCreated, truncated to what is known (see `date_created`)
//! people         Iptc4xmpExt:PersonInImage (rdf:Bag)
//! place          Iptc4xmpExt:LocationShown (rdf:Bag of one Location structure, see `location`),
//!                and the same names in the IPTC Core fields Iptc4xmpCore:Location,
//!                photoshop:City, photoshop:State, photoshop:Country
//! credit         photoshop:Credit
//! source         photoshop:Source
//! creator        dc:creator (rdf:Seq, one entry per creator the catalogue joined with `; `)
//! copyright      dc:rights (x-default lang alternative)
//! SHA-256        kadr:SHA256 (which original the sidecar belongs to)
//! event date     kadr:EventDate (the date as catalogued: EDTF and part of day, qualifiers kept)
//! ```
//!
//! Every item gets a sidecar, even one with nothing catalogued (it then holds the SHA-256 alone),
//! so that tools and people can count on one sidecar per original. A sidecar is named after the
//! original's base name (`IMG_0001.JPG` → `IMG_0001.xmp`); when several exported items share a
//! base name (compared case-insensitively), each of them gets the first eight hex digits of its
//! SHA-256 too (`IMG_0001.3f9a2c1b.xmp`). A bag carries the same sidecar beside each original as
//! `data/originals/<sha256>.xmp`.

use super::{Ctx, Out};
use crate::catalog::ItemRow;
use crate::dates::{EventDate, Precision, stamp};
use crate::error::Result;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Our own namespace, for what the standard schemas have no field for.
pub const KADR_NS: &str = "urn:kadr:xmp:1.0:";

pub(crate) fn write(ctx: &Ctx<'_>, out: &mut Out<'_>) -> Result<()> {
    let coords = place_coordinates(ctx)?;
    let originals: Vec<(&str, &str)> = ctx
        .items
        .iter()
        .map(|i| (i.original_name.as_str(), i.sha256.as_str()))
        .collect();
    let names = file_names(&originals);
    for (item, name) in ctx.items.iter().zip(names) {
        out.write(&name, sidecar(item, &coords).as_bytes())?;
    }
    Ok(())
}

/// Every place's coordinates by its path, for the items' LocationShown.
pub(crate) type Coordinates = HashMap<Vec<String>, (f64, f64)>;

pub(crate) fn place_coordinates(ctx: &Ctx<'_>) -> Result<Coordinates> {
    Ok(ctx
        .cat
        .places()?
        .into_iter()
        .filter_map(|p| Some((p.path, (p.lat?, p.lon?))))
        .collect())
}

/// The sidecars' file names for (original name, SHA-256) pairs, in their order:
/// `<base name>.xmp`, with the short hash joining the base name of every item that shares it
/// with another.
pub(crate) fn file_names(items: &[(&str, &str)]) -> Vec<String> {
    let bases: Vec<String> = items.iter().map(|(n, sha)| base_name(n, sha)).collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for b in &bases {
        *count.entry(b.to_lowercase()).or_default() += 1;
    }
    let mut names: Vec<String> = items
        .iter()
        .zip(&bases)
        .map(|((_, sha), base)| {
            if count[&base.to_lowercase()] > 1 {
                format!("{base}.{}.xmp", &sha[..8.min(sha.len())])
            } else {
                format!("{base}.xmp")
            }
        })
        .collect();
    // A base name that happens to look like another's "name.hash" (or two short hashes that
    // collide): fall back to the full SHA-256, which is unique.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for n in &names {
        *seen.entry(n.to_lowercase()).or_default() += 1;
    }
    for (name, (_, sha)) in names.iter_mut().zip(items) {
        if seen[&name.to_lowercase()] > 1 {
            *name = format!("{sha}.xmp");
        }
    }
    names
}

/// The original's file name without its extension, made safe as a file name: no path
/// separators or control characters, no leading dot (a hidden file); the SHA-256 if nothing
/// is left.
fn base_name(original_name: &str, sha256: &str) -> String {
    let name = original_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    };
    let clean: String = stem
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        sha256.to_string()
    } else {
        clean.to_string()
    }
}

/// The event date as `photoshop:DateCreated` holds it (an XMP date: `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[TZD]`, `YYYY-MM-DDThh:mm:ss[TZD]`), truncated to what is
/// known: a part of day gives the date only (the night of the 4th to the 5th is the 4th); an
/// interval gives its start, at the start's own precision but no finer than the date. XMP has
/// no way to say approximate or uncertain: the qualifiers are dropped here (`2022?-01-04` and
/// `2022-01-04~` give `2022-01-04`) and kept in `kadr:EventDate`. `None` if the text is not a
/// date Kadr reads.
pub fn date_created(event_date: &str) -> Option<String> {
    let date = EventDate::parse(event_date).ok()?;
    let (date, interval) = match date.edtf.split_once('/') {
        Some((first, _)) => (EventDate::parse(first).ok()?, true),
        None => (date, false),
    };
    let s = date.start;
    let precision = if interval {
        date.precision.min(Precision::Day)
    } else {
        date.precision
    };
    Some(match precision {
        Precision::Year => s.format("%Y").to_string(),
        Precision::Month => s.format("%Y-%m").to_string(),
        Precision::Day | Precision::PartOfDay => s.format("%Y-%m-%d").to_string(),
        Precision::Minute => {
            let mut t = s.format("%Y-%m-%dT%H:%M").to_string();
            if let Some(o) = date.offset {
                t.push_str(&crate::dates::format_offset(o));
            }
            t
        }
        Precision::Second => stamp(s, date.offset),
    })
}

/// How a place path fills the IPTC location fields. The innermost place is the Sublocation;
/// the places it lies in fill, from the inside out, City (the nearest), then CountryName (the
/// outermost, when there are two or more), then ProvinceState (the second outermost, when
/// there are three or more). Levels between the city and the province (a district) have no
/// field of their own; LocationName holds the whole path, innermost first, so nothing is lost.
#[derive(Debug, Default, PartialEq)]
pub struct Location {
    pub name: String,
    pub sublocation: String,
    pub city: Option<String>,
    pub province_state: Option<String>,
    pub country: Option<String>,
}

pub fn location(path: &[String]) -> Option<Location> {
    let (inner, parents) = path.split_last()?;
    let n = parents.len();
    let mut reversed: Vec<&str> = path.iter().map(String::as_str).collect();
    reversed.reverse();
    Some(Location {
        name: reversed.join(", "),
        sublocation: inner.clone(),
        city: parents.last().cloned(),
        province_state: (n >= 3).then(|| parents[1].clone()),
        country: (n >= 2).then(|| parents[0].clone()),
    })
}

/// An XMP GPSCoordinate: `DDD,MM.mmmmmmk` (degrees, decimal minutes, N/S or E/W).
fn gps_coordinate(value: f64, positive: char, negative: char) -> String {
    let hemisphere = if value < 0.0 { negative } else { positive };
    let v = value.abs();
    let mut degrees = v.trunc();
    let mut minutes = ((v - degrees) * 60.0 * 1e6).round() / 1e6;
    if minutes >= 60.0 {
        degrees += 1.0;
        minutes -= 60.0;
    }
    format!("{degrees:.0},{minutes:.6}{hemisphere}")
}

/// One item's sidecar: a complete XMP packet, UTF-8.
pub(crate) fn sidecar(item: &ItemRow, coords: &Coordinates) -> String {
    let mut x = String::with_capacity(2048);
    x.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    let _ = writeln!(
        x,
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"Kadr {}\">",
        env!("CARGO_PKG_VERSION")
    );
    x.push_str(" <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("  <rdf:Description rdf:about=\"\"\n");
    x.push_str("    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    x.push_str("    xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n");
    x.push_str("    xmlns:Iptc4xmpCore=\"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/\"\n");
    x.push_str("    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n");
    x.push_str("    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n");
    let _ = writeln!(x, "    xmlns:kadr=\"{KADR_NS}\">");

    let simple = |x: &mut String, indent: &str, tag: &str, value: &str| {
        let _ = writeln!(x, "{indent}<{tag}>{}</{tag}>", esc(value));
    };
    let lang_alt = |x: &mut String, indent: &str, tag: &str, value: &str| {
        let _ = writeln!(
            x,
            "{indent}<{tag}>\n{indent} <rdf:Alt>\n{indent}  <rdf:li xml:lang=\"x-default\">{}</rdf:li>\n{indent} </rdf:Alt>\n{indent}</{tag}>",
            esc(value)
        );
    };
    let bag = |x: &mut String, tag: &str, values: &[String]| {
        if values.is_empty() {
            return;
        }
        let _ = writeln!(x, "   <{tag}>\n    <rdf:Bag>");
        for v in values {
            let _ = writeln!(x, "     <rdf:li>{}</rdf:li>", esc(v));
        }
        let _ = writeln!(x, "    </rdf:Bag>\n   </{tag}>");
    };

    if let Some(caption) = present(&item.caption) {
        lang_alt(&mut x, "   ", "dc:description", caption);
    }
    bag(&mut x, "dc:subject", &item.tags);
    let event_date = present(&item.event_date);
    if let Some(date) = event_date.and_then(date_created) {
        simple(&mut x, "   ", "photoshop:DateCreated", &date);
    }
    if let Some(credit) = present(&item.credit) {
        simple(&mut x, "   ", "photoshop:Credit", credit);
    }
    if let Some(source) = present(&item.source) {
        simple(&mut x, "   ", "photoshop:Source", source);
    }
    if let Some(creator) = present(&item.creator) {
        x.push_str("   <dc:creator>\n    <rdf:Seq>\n");
        for name in creator
            .split(crate::catalog::CREATORS_JOINED_BY)
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let _ = writeln!(x, "     <rdf:li>{}</rdf:li>", esc(name));
        }
        x.push_str("    </rdf:Seq>\n   </dc:creator>\n");
    }
    if let Some(copyright) = present(&item.copyright) {
        lang_alt(&mut x, "   ", "dc:rights", copyright);
    }
    bag(&mut x, "Iptc4xmpExt:PersonInImage", &item.people);
    if let Some(loc) = location(&item.place_path) {
        x.push_str("   <Iptc4xmpExt:LocationShown>\n    <rdf:Bag>\n");
        x.push_str("     <rdf:li rdf:parseType=\"Resource\">\n");
        let i = "      ";
        lang_alt(&mut x, i, "Iptc4xmpExt:LocationName", &loc.name);
        simple(&mut x, i, "Iptc4xmpExt:Sublocation", &loc.sublocation);
        let parents = [
            ("Iptc4xmpExt:City", &loc.city),
            ("Iptc4xmpExt:ProvinceState", &loc.province_state),
            ("Iptc4xmpExt:CountryName", &loc.country),
        ];
        for (tag, v) in parents.iter().filter_map(|(t, v)| Some((t, v.as_ref()?))) {
            simple(&mut x, i, tag, v);
        }
        if let Some(&(lat, lon)) = coords.get(&item.place_path) {
            simple(
                &mut x,
                i,
                "exif:GPSLatitude",
                &gps_coordinate(lat, 'N', 'S'),
            );
            simple(
                &mut x,
                i,
                "exif:GPSLongitude",
                &gps_coordinate(lon, 'E', 'W'),
            );
        }
        x.push_str("     </rdf:li>\n    </rdf:Bag>\n   </Iptc4xmpExt:LocationShown>\n");
        // The IPTC Core fields, which Lightroom and digiKam show first.
        simple(&mut x, "   ", "Iptc4xmpCore:Location", &loc.sublocation);
        let parents = [
            ("photoshop:City", &loc.city),
            ("photoshop:State", &loc.province_state),
            ("photoshop:Country", &loc.country),
        ];
        for (tag, v) in parents.iter().filter_map(|(t, v)| Some((t, v.as_ref()?))) {
            simple(&mut x, "   ", tag, v);
        }
    }
    if let Some(date) = event_date {
        simple(&mut x, "   ", "kadr:EventDate", date);
    }
    simple(&mut x, "   ", "kadr:SHA256", &item.sha256);
    x.push_str("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n");
    x.push_str("<?xpacket end=\"w\"?>\n");
    x
}

/// A text field that holds something.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

/// Text made safe as XML character data: `&`, `<`, `>` and quotes escaped, a carriage return
/// kept as a character reference (a parser would turn a bare one into a line feed), and the
/// characters XML 1.0 cannot hold at all (other control characters, unpaired surrogates cannot
/// occur in a `str`) replaced with U+FFFD.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\r' => o.push_str("&#xD;"),
            '\t' | '\n' => o.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_truncated_to_what_is_known() {
        let cases = [
            ("2022", "2022"),
            ("2022-01", "2022-01"),
            ("2022-01~", "2022-01"),
            ("2022-01-04", "2022-01-04"),
            ("2022-05-15?", "2022-05-15"),
            ("2022?-01-04", "2022-01-04"),
            ("2022%-01-04 evening", "2022-01-04"),
            ("2022-01-04 evening", "2022-01-04"),
            ("2022-01-04 night", "2022-01-04"),
            ("2022-01-04/2022-01-06", "2022-01-04"),
            ("2022-01/2022-02", "2022-01"),
            ("2021/2022", "2021"),
            ("2022-01-04T19:30/2022-01-04T21:00", "2022-01-04"),
            ("2022-01-04T19:30", "2022-01-04T19:30"),
            ("2022-01-04T19:30+06:00", "2022-01-04T19:30+06:00"),
            ("2022-01-04T19:30:05", "2022-01-04T19:30:05"),
            ("2022-01-04T19:30:05-03:30", "2022-01-04T19:30:05-03:30"),
        ];
        for (edtf, want) in cases {
            assert_eq!(date_created(edtf).as_deref(), Some(want), "{edtf}");
        }
        assert_eq!(date_created("not a date"), None);
    }

    #[test]
    fn place_paths_fill_the_location_fields() {
        let p = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(location(&[]), None);
        let l = location(&p(&["Алматы"])).unwrap();
        assert_eq!(
            (l.sublocation.as_str(), l.city, l.country),
            ("Алматы", None, None)
        );
        let l = location(&p(&["Алматы", "Площадь Республики"])).unwrap();
        assert_eq!(l.sublocation, "Площадь Республики");
        assert_eq!(l.city.as_deref(), Some("Алматы"));
        assert_eq!((l.province_state, l.country), (None, None));
        let l = location(&p(&["Қазақстан", "Алматы", "Площадь Республики"])).unwrap();
        assert_eq!(l.city.as_deref(), Some("Алматы"));
        assert_eq!(l.country.as_deref(), Some("Қазақстан"));
        assert_eq!(l.province_state, None);
        let l = location(&p(&[
            "Қазақстан",
            "Алматы облысы",
            "Талгар ауданы",
            "Талгар",
            "көшесі",
        ]))
        .unwrap();
        assert_eq!(l.sublocation, "көшесі");
        assert_eq!(l.city.as_deref(), Some("Талгар"));
        assert_eq!(l.province_state.as_deref(), Some("Алматы облысы"));
        assert_eq!(l.country.as_deref(), Some("Қазақстан"));
        assert_eq!(
            l.name,
            "көшесі, Талгар, Талгар ауданы, Алматы облысы, Қазақстан"
        );
    }

    #[test]
    fn sidecars_are_named_after_the_originals() {
        let a = "3f9a2c1b".repeat(8);
        let b = "0123abcd".repeat(8);
        let c = "ffff0000".repeat(8);
        let names = file_names(&[
            ("IMG_0001.JPG", &a),
            ("шествие.jpg", &c),
            ("img_0001.jpg", &b),
        ]);
        assert_eq!(
            names,
            [
                "IMG_0001.3f9a2c1b.xmp",
                "шествие.xmp",
                "img_0001.0123abcd.xmp"
            ]
        );
        // Odd names: no extension, hidden, nothing but a dot, a control character.
        let names = file_names(&[("README", &a), (".hidden.jpg", &b), (".", &c)]);
        assert_eq!(
            names,
            ["README.xmp", "hidden.xmp", format!("{c}.xmp").as_str()]
        );
        assert_eq!(file_names(&[("a\nb.jpg", &a)]), ["a_b.xmp"]);
        // A base name that looks like another's name with its short hash.
        let names = file_names(&[("x.jpg", &a), ("x.png", &b), ("x.3f9a2c1b.jpg", &c)]);
        assert_eq!(
            names,
            [
                format!("{a}.xmp"),
                "x.0123abcd.xmp".into(),
                format!("{c}.xmp")
            ]
        );
    }

    #[test]
    fn coordinates_read_as_degrees_and_minutes() {
        assert_eq!(gps_coordinate(43.25, 'N', 'S'), "43,15.000000N");
        assert_eq!(gps_coordinate(-34.5, 'N', 'S'), "34,30.000000S");
        assert_eq!(gps_coordinate(-58.999_999_999_9, 'E', 'W'), "59,0.000000W");
        assert_eq!(gps_coordinate(0.0, 'E', 'W'), "0,0.000000E");
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>\r\n\u{1}Қ"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#xD;\n\u{fffd}Қ"
        );
    }
}
