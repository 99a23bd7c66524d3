//! Human-readable output of items (`list`, `show`); JSON output is serde's, in the core types.

use crate::catalog::ItemRow;

pub(super) fn list_line(item: &ItemRow) -> String {
    let when = item
        .event_date
        .clone()
        .or_else(|| item.capture_time.clone())
        .unwrap_or_else(|| "undated".into());
    let what = item.caption.as_deref().unwrap_or(&item.original_name);
    let mut line = format!("{:>5}  {}  {:<25}", item.id, &item.sha256[..12], when);
    if let Some(p) = &item.place {
        line.push_str(&format!("  @{p}"));
    }
    if !item.people.is_empty() {
        line.push_str(&format!("  [{}]", item.people.join(", ")));
    }
    line.push_str("  ");
    line.push_str(what);
    line
}

pub(super) fn show_text(i: &ItemRow) -> String {
    let mut s = String::new();
    let mut line = |k: &str, v: String| s.push_str(&format!("{k:<14}{v}\n"));
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    line("id", i.id.to_string());
    line("sha256", i.sha256.clone());
    line("name", i.original_name.clone());
    for p in &i.paths {
        line("imported from", p.clone());
    }
    line("size", format!("{} bytes", i.size));
    line("format", i.format.clone());
    line(
        "pixels",
        match (i.width, i.height) {
            (Some(w), Some(h)) => format!("{w} x {h}"),
            _ => "-".into(),
        },
    );
    let capture = match &i.capture_time {
        Some(t) if i.capture_offset_known => t.clone(),
        Some(t) => format!("{t} (offset unknown)"),
        None => "-".into(),
    };
    line("captured", capture);
    line(
        "gps",
        i.gps
            .as_ref()
            .map(|g| format!("{:.6}, {:.6}", g.lat, g.lon))
            .unwrap_or_else(|| "-".into()),
    );
    line(
        "camera",
        i.camera
            .as_ref()
            .map(|c| {
                [c.make.clone(), c.model.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| "-".into()),
    );
    line("event date", opt(&i.event_date));
    line(
        "place",
        if i.place_path.is_empty() {
            "-".into()
        } else {
            i.place_path.join(" > ")
        },
    );
    line(
        "people",
        if i.people.is_empty() {
            "-".into()
        } else {
            i.people.join(", ")
        },
    );
    line("caption", opt(&i.caption));
    line(
        "keywords",
        if i.tags.is_empty() {
            "-".into()
        } else {
            i.tags.join(", ")
        },
    );
    line("source", opt(&i.source));
    line("credit", opt(&i.credit));
    if i.creator.is_some() {
        line("creator", opt(&i.creator));
    }
    if i.copyright.is_some() {
        line("copyright", opt(&i.copyright));
    }
    line("review", i.review_status.clone());
    s
}
