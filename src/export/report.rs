//! Reports: `--format json` (items, people, places), `--format csv` (one row per item) and
//! `--format html` (a self-contained chronicle: index.html and thumbs/, no network). The JSON
//! and CSV writers here also make the catalogue files inside a bag.

use super::svgmap::{self, Marker};
use super::{Ctx, Out};
use crate::catalog::{Catalog, ItemRow};
use crate::error::Result;
use crate::geo::Source;
use crate::i18n::Strings;
use crate::view::{self, ChronicleRow};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;

/// The columns of `items.csv`, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "sha256",
    "original_name",
    "capture_time",
    "event_date",
    "place",
    "people",
    "caption",
    "tags",
    "review_status",
    "gps_lat",
    "gps_lon",
    "camera",
    "size",
    "format",
    "media",
    "duration_s",
    "incomplete",
];

pub(crate) fn write_json(ctx: &Ctx<'_>, out: &mut Out<'_>) -> Result<()> {
    // The same bytes as `items_json`, serialised straight into the file.
    out.write_from("items.json", |file| {
        serde_json::to_writer_pretty(&mut *file, ctx.items)?;
        file.write_all(b"\n")
    })?;
    out.write("people.json", &people_json(ctx.cat, ctx.items)?)?;
    out.write("places.json", &places_json(ctx.cat, ctx.items)?)
}

pub(crate) fn write_csv(ctx: &Ctx<'_>, out: &mut Out<'_>) -> Result<()> {
    out.write("items.csv", &items_csv(ctx.items))
}

pub(crate) fn pretty<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(value).expect("export data serialises");
    v.push(b'\n');
    v
}

/// The items as `show --json` prints each one, in one array.
pub(crate) fn items_json(items: &[ItemRow]) -> Vec<u8> {
    pretty(items)
}

#[derive(Serialize)]
struct PersonOut {
    id: i64,
    name: String,
    aliases: Vec<String>,
}

/// The people the items show, with their aliases, sorted by name.
pub(crate) fn people_json(cat: &Catalog, items: &[ItemRow]) -> Result<Vec<u8>> {
    let names: HashSet<&str> = items
        .iter()
        .flat_map(|i| i.people.iter().map(String::as_str))
        .collect();
    let people: Vec<PersonOut> = cat
        .people()?
        .into_iter()
        .filter(|(_, name, _)| names.contains(name.as_str()))
        .map(|(id, name, aliases)| PersonOut { id, name, aliases })
        .collect();
    Ok(pretty(&people))
}

#[derive(Serialize)]
struct PlaceOut {
    id: i64,
    name: String,
    /// The id of the place it lies in, or null.
    parent: Option<i64>,
    path: Vec<String>,
    aliases: Vec<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// The places the items are at and every place those lie in, with aliases, sorted by path.
pub(crate) fn places_json(cat: &Catalog, items: &[ItemRow]) -> Result<Vec<u8>> {
    let mut wanted: HashSet<&[String]> = HashSet::new();
    for item in items {
        for n in 1..=item.place_path.len() {
            wanted.insert(&item.place_path[..n]);
        }
    }
    let all = cat.places()?;
    let by_path: HashMap<&[String], i64> = all.iter().map(|p| (p.path.as_slice(), p.id)).collect();
    let places: Vec<PlaceOut> = all
        .iter()
        .filter(|p| wanted.contains(p.path.as_slice()))
        .map(|p| PlaceOut {
            id: p.id,
            name: p.name.clone(),
            parent: p
                .path
                .len()
                .checked_sub(1)
                .filter(|&n| n > 0)
                .and_then(|n| by_path.get(&p.path[..n]).copied()),
            path: p.path.clone(),
            aliases: p.aliases.clone(),
            lat: p.lat,
            lon: p.lon,
        })
        .collect();
    Ok(pretty(&places))
}

/// `items.csv`: a header row, then one row per item. RFC 4180: comma-separated, CRLF line ends,
/// a field with a comma, quote or line break is quoted and its quotes doubled; UTF-8, no BOM.
pub(crate) fn items_csv(items: &[ItemRow]) -> Vec<u8> {
    let mut s = String::new();
    csv_row(&mut s, CSV_COLUMNS.iter().map(|c| c.to_string()));
    for i in items {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let camera = i
            .camera
            .as_ref()
            .map(|c| {
                [c.make.as_deref(), c.model.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        csv_row(
            &mut s,
            [
                i.id.to_string(),
                i.sha256.clone(),
                i.original_name.clone(),
                opt(&i.capture_time),
                opt(&i.event_date),
                i.place_path.join(" > "),
                i.people.join("; "),
                opt(&i.caption),
                i.tags.join("; "),
                i.review_status.clone(),
                i.gps
                    .as_ref()
                    .map(|g| g.lat.to_string())
                    .unwrap_or_default(),
                i.gps
                    .as_ref()
                    .map(|g| g.lon.to_string())
                    .unwrap_or_default(),
                camera,
                i.size.to_string(),
                i.format.clone(),
                i.media.clone(),
                i.duration_s.map(|d| format!("{d:.3}")).unwrap_or_default(),
                i.incomplete.to_string(),
            ]
            .into_iter(),
        );
    }
    s.into_bytes()
}

fn csv_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (n, field) in fields.enumerate() {
        if n > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// `index.html` and `thumbs/<sha256>.jpg`: the items in timeline order under day headers,
/// after a map of those with a position (`svgmap`), numbered in that order.
pub(crate) fn write_html(ctx: &Ctx<'_>, out: &mut Out<'_>) -> Result<()> {
    let summaries = ctx.cat.summaries()?;
    let selected: HashMap<i64, &ItemRow> = ctx.items.iter().map(|i| (i.id, i)).collect();
    let indices: Vec<usize> = (0..summaries.len())
        .filter(|&n| selected.contains_key(&summaries[n].id))
        .collect();
    let mut thumbs = HashSet::new();
    for &n in &indices {
        let sha = &summaries[n].sha256;
        let src = ctx.lib.thumb_path(sha);
        if src.is_file() {
            out.copy(&src, &format!("thumbs/{sha}.jpg"))?;
            thumbs.insert(sha.clone());
        }
    }

    let s = ctx.strings;
    let n = ctx.items.len();
    let mut h = String::with_capacity(4096 + n * 1500);
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">",
        s.lang.code()
    );
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        h,
        "<meta name=\"generator\" content=\"kadr {}\">",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(h, "<title>{} · Kadr</title>", esc(s.report.chronicle));
    h.push_str("<style>\n");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<header>\n");
    let _ = writeln!(h, "<h1>{}</h1>", esc(s.report.chronicle));
    let _ = writeln!(
        h,
        "<p class=\"meta\">{n} {} · {} {} · {} · {}: {}</p>",
        esc(s.photos(n)),
        esc(s.report.exported),
        chrono::Local::now().format("%Y-%m-%d %H:%M"),
        esc(ctx.actor),
        esc(s.report.selection),
        esc(&ctx.selection_local)
    );
    h.push_str("</header>\n");
    let rows = view::chronicle(&summaries, &indices, s);
    let mut markers: Vec<Marker> = Vec::new();
    let mut pins: HashMap<i64, (usize, Source)> = HashMap::new();
    for row in &rows {
        if let ChronicleRow::Item(n) = row
            && let Some((at, source)) = summaries[*n].position()
        {
            let item = selected[&summaries[*n].id];
            let number = markers.len() + 1;
            pins.insert(item.id, (number, source));
            markers.push(Marker {
                at,
                source,
                anchor: format!("item-{}", item.sha256),
                number,
                title: short(item.caption.as_deref().unwrap_or(&item.original_name), 100),
            });
        }
    }
    // The basemap is decoded only for a report that has something to put on it.
    if !markers.is_empty()
        && let Some(svg) = svgmap::svg(
            &markers,
            crate::basemap::get(),
            crate::basemap::land(),
            s.map,
        )
    {
        h.push_str("<figure class=\"map\" id=\"map\">\n");
        h.push_str(&svg);
        let _ = writeln!(
            h,
            "\n<figcaption><span class=\"key\"><i class=\"camera\"></i>{}</span> \
             <span class=\"key\"><i class=\"place\"></i>{}</span> {}</figcaption>\n</figure>",
            esc(s.map_camera),
            esc(s.map_place),
            esc(s.map_basemap_note)
        );
    }
    h.push_str("<main>\n");
    let mut open = false;
    for row in rows {
        match row {
            ChronicleRow::Header(title) => {
                if open {
                    h.push_str("</section>\n");
                }
                let _ = writeln!(h, "<section class=\"day\">\n<h2>{}</h2>", esc(&title));
                open = true;
            }
            ChronicleRow::Item(n) => {
                let summary = &summaries[n];
                let item = selected[&summary.id];
                item_html(
                    &mut h,
                    s,
                    item,
                    view::time_label(summary),
                    thumbs.contains(&item.sha256),
                    pins.get(&item.id).copied(),
                );
            }
        }
    }
    if open {
        h.push_str("</section>\n");
    }
    let _ = writeln!(h, "</main>\n<footer>{}</footer>", esc(s.report.footer));
    h.push_str("</body>\n</html>\n");
    out.write("index.html", h.as_bytes())
}

/// One entry; `pin` is its number on the map and whose claim its position is.
fn item_html(
    h: &mut String,
    s: &Strings,
    item: &ItemRow,
    time: Option<String>,
    has_thumb: bool,
    pin: Option<(usize, Source)>,
) {
    let title = item.caption.as_deref().unwrap_or(&item.original_name);
    let _ = writeln!(
        h,
        "<article class=\"item\" id=\"item-{}\">",
        esc(&item.sha256)
    );
    if has_thumb {
        let _ = writeln!(
            h,
            "<img src=\"thumbs/{}.jpg\" alt=\"{}\" loading=\"lazy\">",
            esc(&item.sha256),
            esc(title)
        );
    } else {
        let _ = writeln!(
            h,
            "<div class=\"nothumb\">{}</div>",
            esc(s.report.no_preview)
        );
    }
    h.push_str("<div class=\"text\">\n");
    let pin = pin.map(|(number, source)| {
        let (class, claim) = match source {
            Source::Camera => ("camera", s.map_camera),
            Source::Place => ("place", s.map_place),
        };
        format!(
            "<a class=\"pin {class}\" href=\"#map\" title=\"{}\">{number}</a>",
            esc(claim)
        )
    });
    match (pin, time) {
        (None, None) => {}
        (pin, time) => {
            let _ = writeln!(
                h,
                "<p class=\"time\">{}{}</p>",
                pin.unwrap_or_default(),
                esc(time.as_deref().unwrap_or(""))
            );
        }
    }
    match &item.caption {
        Some(c) => {
            let _ = writeln!(h, "<p class=\"caption\">{}</p>", esc(c));
        }
        None => {
            let _ = writeln!(
                h,
                "<p class=\"caption none\">{}</p>",
                esc(s.report.no_caption)
            );
        }
    }
    h.push_str("<dl>\n");
    let mut field = |label: &str, value: String, class: &str| {
        if !value.is_empty() {
            let _ = writeln!(h, "<dt>{}</dt><dd{class}>{value}</dd>", esc(label));
        }
    };
    field(s.place, esc(&item.place_path.join(" › ")), "");
    field(s.people, esc(&item.people.join(", ")), "");
    field(
        s.event_date,
        esc(item.event_date.as_deref().unwrap_or("")),
        "",
    );
    let captured = match &item.capture_time {
        Some(t) if item.capture_offset_known => esc(t),
        Some(t) => format!("{} ({})", esc(t), s.offset_unknown),
        None => String::new(),
    };
    field(s.report.captured_exif, captured, "");
    field(s.keywords, esc(&item.tags.join(", ")), "");
    let status = s.status(&item.review_status);
    let by = item
        .review_by
        .as_deref()
        .map(|b| format!(" · {}", esc(b)))
        .unwrap_or_default();
    field(
        s.review_status,
        format!("{}{by}", esc(status)),
        &format!(" class=\"status {}\"", esc(&item.review_status)),
    );
    field(s.source, esc(item.source.as_deref().unwrap_or("")), "");
    field(s.credit, esc(item.credit.as_deref().unwrap_or("")), "");
    field(s.file_facts, esc(&item.original_name), "");
    field(
        "SHA-256",
        format!("<code>{}</code>", esc(&item.sha256)),
        " class=\"sha\"",
    );
    h.push_str("</dl>\n</div>\n</article>\n");
}

/// At most `max` characters of `s`, cut at a word with "…" when longer.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let at = cut.rfind(char::is_whitespace).filter(|&i| i > max / 2);
    format!("{}…", cut[..at.unwrap_or(cut.len())].trim_end())
}

/// Text made safe for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "\
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1d1f; background: #f6f5f2; }
header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; }
h1 { font-size: 28px; margin: 0 0 4px; }
.meta, footer { color: #6b6b6b; font-size: 14px; }
footer { padding-bottom: 32px; }
section.day { margin: 28px 0; }
h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 2px solid #c9c4b8; }
article.item { display: flex; gap: 18px; align-items: flex-start; background: #fff; border-radius: 6px; padding: 14px; margin: 0 0 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); break-inside: avoid; }
article.item img, .nothumb { flex: none; width: 256px; max-width: 40%; height: auto; border-radius: 3px; }
.nothumb { height: 160px; display: flex; align-items: center; justify-content: center; background: #e4e1da; color: #6b6b6b; font-size: 14px; }
.text { flex: 1; min-width: 0; }
.time { margin: 0; color: #6b6b6b; font-variant-numeric: tabular-nums; }
.caption { margin: 2px 0 10px; font-size: 17px; }
.caption.none { color: #8a8a8a; font-style: italic; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 14px; }
dt { color: #6b6b6b; }
dd { margin: 0; overflow-wrap: anywhere; }
dd.sha code { font: 12px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; }
dd.status.verified { color: #1d7a35; }
dd.status.needs-info { color: #9a6200; }
dd.status.rejected { color: #b3261e; }
figure.map { max-width: 980px; margin: 20px auto 0; padding: 0 20px; box-sizing: border-box; }
figure.map svg { display: block; width: 100%; height: auto; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
figure.map figcaption { color: #6b6b6b; font-size: 13px; margin-top: 6px; }
.key { white-space: nowrap; margin-right: 14px; }
.key i { display: inline-block; width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; border: 1.5px solid rgba(0,0,0,.63); }
.key i.camera { background: #1e78e6; border-radius: 50%; }
.key i.place { background: #e17814; transform: rotate(45deg) scale(.85); }
.pin { display: inline-block; min-width: 18px; height: 18px; padding: 0 3px; margin-right: 8px; box-sizing: border-box; border-radius: 9px; color: #fff; font-size: 11px; font-weight: 700; line-height: 18px; text-align: center; text-decoration: none; vertical-align: 1px; }
.pin.camera { background: #1e78e6; }
.pin.place { background: #e17814; border-radius: 2px; }
@media (max-width: 640px) { article.item { flex-direction: column; } article.item img, .nothumb { max-width: 100%; } }
@media print { body { background: #fff; } article.item { box-shadow: none; border: 1px solid #ddd; } figure.map { break-inside: avoid; } }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut s = String::new();
        csv_row(
            &mut s,
            ["a", "b,c", "say \"hi\"", "x\ny", "Мамай"]
                .iter()
                .map(|s| s.to_string()),
        );
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",Мамай\r\n");
    }

    #[test]
    fn marker_titles_are_cut_at_a_word() {
        assert_eq!(short("Шествие в Алматы", 100), "Шествие в Алматы");
        assert_eq!(short("Шествие в Алматы у парка", 18), "Шествие в Алматы…");
        assert_eq!(short("Шествие", 3), "Шес…");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
