//! What an XMP packet (embedded, or a `.xmp` sidecar) says about the content: dc:description,
//! dc:subject, Iptc4xmpExt:PersonInImage, photoshop:City/State/Country and
//! Iptc4xmpCore:Location, photoshop:DateCreated, photoshop:Credit/Source, dc:creator (a Seq)
//! and dc:rights (an Alt).

use super::iptc::FileMeta;
use std::path::{Path, PathBuf};

/// Reads the content fields of one XMP packet.
pub fn read(packet: &str) -> FileMeta {
    let one = |name: &str| -> Option<String> {
        let v = items(packet, name)
            .into_iter()
            .next()
            .or_else(|| super::exif::xmp_value(packet, name).map(|v| unescape(&v)))?;
        let v = v.trim().to_string();
        (!v.is_empty()).then_some(v)
    };
    let mut m = FileMeta {
        caption: one("dc:description"),
        keywords: items(packet, "dc:subject"),
        people: items(packet, "Iptc4xmpExt:PersonInImage"),
        credit: one("photoshop:Credit"),
        source: one("photoshop:Source"),
        copyright: one("dc:rights"),
        ..FileMeta::default()
    };
    let creators = items(packet, "dc:creator");
    m.creator = if creators.is_empty() {
        one("dc:creator")
    } else {
        Some(creators.join(crate::catalog::CREATORS_JOINED_BY))
    };
    m.place = [
        "photoshop:Country",
        "photoshop:State",
        "photoshop:City",
        "Iptc4xmpCore:Location",
    ]
    .into_iter()
    .filter_map(one)
    .collect();
    m.date = one("photoshop:DateCreated").and_then(|d| xmp_date(&d));
    m
}

/// `photoshop:DateCreated` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, with a time and offset) as EDTF
/// the catalogue reads; fractions of a second dropped.
fn xmp_date(d: &str) -> Option<String> {
    let d = d.trim();
    let candidate = match d.find('.') {
        // 2022-01-04T19:32:10.25+06:00
        Some(dot) if d[..dot].contains('T') => {
            let rest = &d[dot + 1..];
            let zone = rest.find(['+', '-', 'Z']).map_or("", |z| &rest[z..]);
            format!("{}{}", &d[..dot], zone)
        }
        _ => d.to_string(),
    };
    let candidate = candidate
        .strip_suffix('Z')
        .map_or(candidate.clone(), |c| format!("{c}+00:00"));
    if crate::dates::EventDate::parse(&candidate).is_ok() {
        return Some(candidate);
    }
    // At least the day, month or year it names.
    let day = d.get(..10).unwrap_or(d);
    crate::dates::EventDate::parse(day)
        .ok()
        .map(|_| day.to_string())
}

/// The `rdf:li` values inside `<name>…</name>` (a Bag, Seq or Alt), unescaped.
fn items(packet: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = packet[from..].find(&open) {
        let start = from + at + open.len();
        from = start;
        // Not a longer name that starts the same way.
        if !packet[start..].starts_with(['>', ' ', '\t', '\r', '\n']) {
            continue;
        }
        let Some(end) = packet[start..].find(&close) else {
            break;
        };
        let body = &packet[start..start + end];
        let mut rest = body;
        while let Some(li) = rest.find("<rdf:li") {
            let after = &rest[li + 7..];
            let Some(gt) = after.find('>') else { break };
            if after[..gt].ends_with('/') {
                rest = &after[gt + 1..];
                continue;
            }
            let text = &after[gt + 1..];
            let Some(e) = text.find("</rdf:li>") else {
                break;
            };
            let v = unescape(text[..e].trim());
            if !v.is_empty() {
                out.push(v);
            }
            rest = &text[e..];
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// XML's five named entities and character references.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The sidecars of `path`: `IMG_1.xmp` and `IMG_1.jpg.xmp` (either case of `xmp`), those that
/// exist.
pub fn sidecars(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for ext in ["xmp", "XMP"] {
        let mut whole = path.as_os_str().to_owned();
        whole.push(format!(".{ext}"));
        for p in [path.with_extension(ext), PathBuf::from(whole)] {
            if p != path && p.is_file() && !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// What the sidecars of `path` say, the later-named filling what the earlier lack.
pub fn read_sidecars(path: &Path) -> FileMeta {
    let mut m = FileMeta::default();
    for p in sidecars(path) {
        // A sidecar is text of a few kilobytes; a huge one is not a sidecar.
        if std::fs::metadata(&p).map_or(true, |md| md.len() > 8 << 20) {
            continue;
        }
        if let Ok(b) = std::fs::read(&p) {
            m.fill_from(read(&String::from_utf8_lossy(&b)));
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>
 <rdf:Description photoshop:City="Алматы" photoshop:Country="Казахстан"
   photoshop:DateCreated="2022-01-04T19:32:10.50+06:00" photoshop:Credit="Vlast.kz &amp; AP">
  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Площадь Республики</rdf:li></rdf:Alt></dc:description>
  <dc:subject><rdf:Bag><rdf:li>митинг</rdf:li><rdf:li>январь</rdf:li></rdf:Bag></dc:subject>
  <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Мамай</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>
  <Iptc4xmpCore:Location>Площадь Республики</Iptc4xmpCore:Location>
  <photoshop:Source>Telegram</photoshop:Source>
  <dc:creator><rdf:Seq><rdf:li>Әйгерім Сейітова</rdf:li><rdf:li>Daniyar M.</rdf:li></rdf:Seq></dc:creator>
  <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2022 Vlast.kz &amp; AP</rdf:li></rdf:Alt></dc:rights>
 </rdf:Description></rdf:RDF></x:xmpmeta>"#;

    #[test]
    fn reads_the_content_fields() {
        let m = read(PACKET);
        assert_eq!(m.caption.as_deref(), Some("Площадь Республики"));
        assert_eq!(m.keywords, ["митинг", "январь"]);
        assert_eq!(m.people, ["Мамай"]);
        assert_eq!(m.place, ["Казахстан", "Алматы", "Площадь Республики"]);
        assert_eq!(m.date.as_deref(), Some("2022-01-04T19:32:10+06:00"));
        assert_eq!(m.credit.as_deref(), Some("Vlast.kz & AP"));
        assert_eq!(m.source.as_deref(), Some("Telegram"));
        assert_eq!(m.creator.as_deref(), Some("Әйгерім Сейітова; Daniyar M."));
        assert_eq!(m.copyright.as_deref(), Some("© 2022 Vlast.kz & AP"));
    }

    #[test]
    fn dates_at_their_precision() {
        assert_eq!(xmp_date("2022-01").as_deref(), Some("2022-01"));
        assert_eq!(xmp_date("2022").as_deref(), Some("2022"));
        assert_eq!(
            xmp_date("2022-01-04T19:32").as_deref(),
            Some("2022-01-04T19:32")
        );
        assert_eq!(xmp_date("nonsense"), None);
    }
}
