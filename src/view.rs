//! The view model: pure functions from catalogue summaries to what the panels draw (which
//! items are visible, facet counts, chronicle rows with day headers, the time axis and its
//! density histogram). No egui here beyond plain data, so all of it is tested directly.

use crate::catalog::{ItemSummary, PlaceNode};
use crate::dates::{PartOfDay, Precision};
use crate::i18n::Strings;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use std::collections::{BTreeMap, HashMap, HashSet};

pub mod strip;

/// What narrows the centre view. Facet choices combine with AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewFilter {
    pub text: String,
    pub person: Option<String>,
    /// A place id; items at it or any place inside it match.
    pub place: Option<i64>,
    pub keyword: Option<String>,
    pub status: Option<String>,
    pub undated: bool,
    /// A time range dragged on the axis (local wall-clock).
    pub range: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Only items flagged `date-mismatch`.
    pub date_mismatch: bool,
    /// Only items with near-duplicates.
    pub near_duplicates: bool,
    /// Only items whose position (camera GPS, else their place's coordinates) lies in this
    /// box: the map's view, while "filter to map area" is on.
    pub area: Option<crate::geo::BBox>,
}

impl ViewFilter {
    pub fn is_empty(&self) -> bool {
        *self == ViewFilter::default()
    }
}

/// Indices into `items` that pass `filter`, in timeline order. `found` holds the ids the search
/// index answered for `filter.text` (None: no search, or no answer yet).
pub fn visible(
    items: &[ItemSummary],
    places: &[PlaceNode],
    filter: &ViewFilter,
    found: Option<&crate::ids::IdSet>,
) -> Vec<usize> {
    let found = found.filter(|_| !filter.text.trim().is_empty());
    let place_set: Option<HashSet<i64>> = filter.place.map(|p| descendants(places, p));
    items
        .iter()
        .enumerate()
        .filter(|(_, it)| {
            found.is_none_or(|f| f.contains(it.id))
                && filter.person.as_ref().is_none_or(|p| it.people.contains(p))
                && place_set
                    .as_ref()
                    .is_none_or(|s| it.place_id.is_some_and(|id| s.contains(&id)))
                && filter.keyword.as_ref().is_none_or(|k| it.tags.contains(k))
                && filter
                    .status
                    .as_ref()
                    .is_none_or(|s| &it.review_status == s)
                && (!filter.undated || it.span().is_none())
                && (!filter.date_mismatch || it.date_mismatch())
                && (!filter.near_duplicates || !it.similar.is_empty())
                && filter
                    .range
                    .is_none_or(|(a, b)| it.span().is_some_and(|(s, e)| e >= a && s <= b))
                && filter
                    .area
                    .is_none_or(|b| it.position().is_some_and(|(p, _)| b.contains(p)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A place and every place inside it.
pub fn descendants(places: &[PlaceNode], root: i64) -> HashSet<i64> {
    let Some(root_node) = places.iter().find(|p| p.id == root) else {
        return HashSet::from([root]);
    };
    let prefix = &root_node.path;
    places
        .iter()
        .filter(|p| p.path.starts_with(prefix))
        .map(|p| p.id)
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    /// (name, count), most frequent first.
    pub people: Vec<(String, usize)>,
    /// (place, depth, count including places inside it), in tree order.
    pub places: Vec<(i64, String, usize, usize)>,
    pub keywords: Vec<(String, usize)>,
    /// (status, count) for the four statuses in order.
    pub statuses: Vec<(&'static str, usize)>,
    pub undated: usize,
    /// Items flagged `date-mismatch`.
    pub date_mismatch: usize,
    /// Items with near-duplicates.
    pub near_duplicates: usize,
}

/// Counts over `indices` of `items`.
pub fn facets(items: &[ItemSummary], indices: &[usize], places: &[PlaceNode]) -> Facets {
    let mut people: HashMap<&str, usize> = HashMap::new();
    let mut keywords: HashMap<&str, usize> = HashMap::new();
    let mut direct: HashMap<i64, usize> = HashMap::new();
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    let mut undated = 0;
    let (mut date_mismatch, mut near_duplicates) = (0, 0);
    for &i in indices {
        let it = &items[i];
        for p in &it.people {
            *people.entry(p).or_default() += 1;
        }
        for k in &it.tags {
            *keywords.entry(k).or_default() += 1;
        }
        if let Some(p) = it.place_id {
            *direct.entry(p).or_default() += 1;
        }
        *statuses.entry(it.review_status.as_str()).or_default() += 1;
        if it.span().is_none() {
            undated += 1;
        }
        date_mismatch += usize::from(it.date_mismatch());
        near_duplicates += usize::from(!it.similar.is_empty());
    }
    let sorted = |m: HashMap<&str, usize>| {
        let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let places_out = places
        .iter()
        .map(|p| {
            let n: usize = places
                .iter()
                .filter(|q| q.path.starts_with(&p.path))
                .map(|q| direct.get(&q.id).copied().unwrap_or(0))
                .sum();
            (p.id, p.name.clone(), p.path.len() - 1, n)
        })
        .filter(|p| p.3 > 0)
        .collect();
    Facets {
        people: sorted(people),
        places: places_out,
        keywords: sorted(keywords),
        statuses: crate::catalog::REVIEW_STATUSES
            .iter()
            .map(|s| (*s, statuses.get(s).copied().unwrap_or(0)))
            .collect(),
        undated,
        date_mismatch,
        near_duplicates,
    }
}

/// One row of the chronicle: a day header or one item.
#[derive(Debug, Clone, PartialEq)]
pub enum ChronicleRow {
    Header(String),
    Item(usize),
}

/// Groups `indices` (already in timeline order) under headers the way a photo chronicle reads:
/// "4 января 2022 · вечер", «2022 жылғы 4 қаңтар · кеш», «2022-жылдын 4-январы · кечинде»;
/// month- or year-precision dates under their month or year; undated items last under their own
/// header.
pub fn chronicle(items: &[ItemSummary], indices: &[usize], s: &Strings) -> Vec<ChronicleRow> {
    let mut rows = Vec::with_capacity(indices.len() + indices.len() / 4 + 1);
    let mut last: Option<String> = None;
    for &i in indices {
        let header = header_for(&items[i], s);
        if last.as_ref() != Some(&header) {
            rows.push(ChronicleRow::Header(header.clone()));
            last = Some(header);
        }
        rows.push(ChronicleRow::Item(i));
    }
    rows
}

fn header_for(item: &ItemSummary, s: &Strings) -> String {
    if let Some(e) = &item.event {
        let mut h = match e.precision {
            Precision::Year => s.year(e.start.year()),
            Precision::Month => s.month(e.start.year(), e.start.month0()),
            _ if e.start.date() != e.end.date() && e.part_of_day != Some(PartOfDay::Night) => {
                format!("{} – {}", s.day(e.start.date()), s.day(e.end.date()))
            }
            _ => s.day(e.start.date()),
        };
        if let Some(p) = e.part_of_day {
            h.push_str(" · ");
            h.push_str(s.parts[p as usize]);
        }
        if e.approximate || e.uncertain {
            h.push_str(if e.uncertain { " ?" } else { " ~" });
        }
        return h;
    }
    match item.capture {
        Some(c) => s.day(c.date()),
        None => s.undated.to_string(),
    }
}

/// A readable form of an item's date, for tiles and the inspector.
pub fn date_label(item: &ItemSummary, s: &Strings) -> String {
    match (&item.event, item.capture) {
        (Some(_), _) => header_for(item, s),
        (None, Some(c)) => format!("{} {:02}:{:02}", s.day(c.date()), c.hour(), c.minute()),
        _ => s.undated.to_string(),
    }
}

/// The time of day under a day header, when the item has one: "19:32".
pub fn time_label(item: &ItemSummary) -> Option<String> {
    match (&item.event, item.capture) {
        (Some(e), _) if e.precision >= Precision::Minute => {
            Some(e.start.format("%H:%M").to_string())
        }
        (None, Some(c)) => Some(c.format("%H:%M").to_string()),
        _ => None,
    }
}

/// Seconds on the axis (local wall-clock treated as UTC, so no zone is guessed).
pub fn secs(t: NaiveDateTime) -> f64 {
    t.and_utc().timestamp() as f64
}

pub fn from_secs(s: f64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(s as i64, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// The span every dated item in `indices` covers, padded a little; `None` if none is dated.
pub fn extent(items: &[ItemSummary], indices: &[usize]) -> Option<(f64, f64)> {
    let mut lo = f64::MAX;
    let mut hi = f64::MIN;
    for &i in indices {
        if let Some((s, e)) = items[i].span() {
            lo = lo.min(secs(s));
            hi = hi.max(secs(e));
        }
    }
    if lo > hi {
        return None;
    }
    let pad = ((hi - lo) * 0.03).max(3600.0);
    Some((lo - pad, hi + pad))
}

/// Items per bucket over `[start, end)`; a fuzzy date spreads its weight over every bucket its
/// span covers, so "January 2022" shows as a low plateau, not a spike on the 1st.
pub fn histogram(
    items: &[ItemSummary],
    indices: &[usize],
    start: f64,
    end: f64,
    buckets: usize,
) -> Vec<f32> {
    let mut out = vec![0.0f32; buckets];
    let width = (end - start) / buckets as f64;
    if width <= 0.0 {
        return out;
    }
    for &i in indices {
        let Some((s, e)) = items[i].span() else {
            continue;
        };
        let (s, e) = (secs(s), secs(e) + 1.0);
        if e < start || s >= end {
            continue;
        }
        let first = (((s - start) / width).floor().max(0.0)) as usize;
        let last = ((((e - start) / width).ceil()) as usize).min(buckets);
        let span = e - s;
        for (b, slot) in out.iter_mut().enumerate().take(last).skip(first) {
            let b0 = start + b as f64 * width;
            let overlap = (e.min(b0 + width) - s.max(b0)).max(0.0);
            *slot += (overlap / span) as f32;
        }
    }
    out
}

/// The unit of the axis ticks for a visible span of `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickUnit {
    Year,
    Month,
    Day,
    Hour,
}

pub fn tick_unit(seconds: f64) -> TickUnit {
    const DAY: f64 = 86_400.0;
    if seconds > 3.0 * 365.0 * DAY {
        TickUnit::Year
    } else if seconds > 60.0 * DAY {
        TickUnit::Month
    } else if seconds > 2.0 * DAY {
        TickUnit::Day
    } else {
        TickUnit::Hour
    }
}

/// Tick positions and labels over `[start, end]`, at most about `max` of them.
pub fn ticks(start: f64, end: f64, max: usize, s: &Strings) -> Vec<(f64, String)> {
    let unit = tick_unit(end - start);
    let t0 = from_secs(start);
    let mut out = Vec::new();
    let mut cur: NaiveDateTime = match unit {
        TickUnit::Year => NaiveDate::from_ymd_opt(t0.year(), 1, 1).unwrap().into(),
        TickUnit::Month => NaiveDate::from_ymd_opt(t0.year(), t0.month(), 1)
            .unwrap()
            .into(),
        TickUnit::Day => t0.date().into(),
        TickUnit::Hour => t0.date().and_hms_opt(t0.hour(), 0, 0).unwrap(),
    };
    let step = |t: NaiveDateTime, n: u32| -> NaiveDateTime {
        match unit {
            TickUnit::Year => NaiveDate::from_ymd_opt(t.year() + n as i32, 1, 1)
                .unwrap()
                .into(),
            TickUnit::Month => {
                let m = t.month0() + n;
                NaiveDate::from_ymd_opt(t.year() + (m / 12) as i32, m % 12 + 1, 1)
                    .unwrap()
                    .into()
            }
            TickUnit::Day => t + Duration::days(n as i64),
            TickUnit::Hour => t + Duration::hours(n as i64),
        }
    };
    // Every n-th unit so that at most `max` ticks show.
    let mut n = 1;
    while {
        let count = ((end - start) / (secs(step(cur, n)) - secs(cur)).max(1.0)) as usize;
        count > max && n < 10_000
    } {
        n = match n {
            1 => 2,
            2 => 3,
            3 => 6,
            6 => 12,
            _ => n * 2,
        };
    }
    while secs(cur) <= end {
        if secs(cur) >= start {
            let label = match unit {
                TickUnit::Year => cur.year().to_string(),
                TickUnit::Month => s.month(cur.year(), cur.month0()),
                TickUnit::Day => s.day_month(cur.date()),
                TickUnit::Hour => format!("{:02}:00", cur.hour()),
            };
            out.push((secs(cur), label));
        }
        cur = step(cur, n);
    }
    out
}

/// A duration as a player shows it: `0:07`, `1:23`, `1:02:03`.
pub fn duration_label(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Where a date phrase typed for item `id` takes a year it does not name from: the item's
/// capture time, else the nearest dated item in the chronicle (`items` in timeline order). For
/// an item on the timeline that is its nearest neighbour there (the earlier one on a tie); for
/// an undated one, which sits after every dated item, the dated item imported closest to it.
pub fn phrase_context(items: &[ItemSummary], id: i64) -> crate::dates::PhraseContext {
    let mut context = crate::dates::PhraseContext::default();
    let Some(at) = items.iter().position(|i| i.id == id) else {
        return context;
    };
    let date_of = |i: &ItemSummary| i.span().map(|(start, _)| start.date());
    context.capture = items[at].capture.map(|c| c.date());
    context.neighbour = if date_of(&items[at]).is_some() {
        (1..items.len()).find_map(|k| {
            let before = at.checked_sub(k).and_then(|j| date_of(&items[j]));
            before.or_else(|| items.get(at + k).and_then(date_of))
        })
    } else {
        items
            .iter()
            .filter(|i| i.id != id)
            .filter_map(|i| date_of(i).map(|d| ((i.id - id).abs(), i.id > id, d)))
            .min_by_key(|&(gap, later, _)| (gap, later))
            .map(|(_, _, d)| d)
    };
    context
}

#[cfg(test)]
mod tests;
