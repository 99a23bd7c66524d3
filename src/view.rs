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
mod tests {
    use super::*;
    use crate::dates::EventDate;
    use crate::i18n::{EN, KK, KY, RU};

    /// An item with nothing but an id, an event date and a capture time (`strip`'s tests too).
    pub(super) fn item(id: i64, date: Option<&str>, capture: Option<&str>) -> ItemSummary {
        ItemSummary {
            id,
            sha256: format!("{id:064}"),
            original_name: format!("{id}.jpg"),
            caption: None,
            format: "jpeg".into(),
            has_preview: true,
            event: date.map(|d| EventDate::parse(d).unwrap()),
            capture: capture
                .map(|c| NaiveDateTime::parse_from_str(c, "%Y-%m-%dT%H:%M:%S").unwrap()),
            place_id: None,
            place: None,
            people: vec![],
            tags: vec![],
            review_status: "unreviewed".into(),
            stored_path: String::new(),
            is_video: false,
            duration_s: None,
            incomplete: false,
            gps: None,
            place_at: None,
            flags: Vec::new(),
            similar: Vec::new(),
        }
    }

    #[test]
    fn durations_read_like_a_player() {
        assert_eq!(duration_label(7.4), "0:07");
        assert_eq!(duration_label(83.0), "1:23");
        assert_eq!(duration_label(3723.0), "1:02:03");
    }

    #[test]
    fn chronicle_groups_under_day_headers_in_order() {
        let items = vec![
            item(1, Some("2022-01-04 evening"), None),
            item(2, Some("2022-01-04 evening"), None),
            item(3, Some("2022-01-04 night"), None),
            item(4, None, Some("2022-01-05T09:15:00")),
            item(5, Some("2022-02~"), None),
            item(6, None, None),
        ];
        let idx: Vec<usize> = (0..items.len()).collect();
        let rows = chronicle(&items, &idx, &RU);
        let text: Vec<String> = rows
            .iter()
            .map(|r| match r {
                ChronicleRow::Header(h) => format!("# {h}"),
                ChronicleRow::Item(i) => items[*i].id.to_string(),
            })
            .collect();
        assert_eq!(
            text,
            [
                "# 4 января 2022 · вечер",
                "1",
                "2",
                "# 4 января 2022 · ночь",
                "3",
                "# 5 января 2022",
                "4",
                "# февраль 2022 ~",
                "5",
                "# Без даты",
                "6"
            ]
        );
        assert_eq!(date_label(&items[3], &EN), "5 January 2022 09:15");
    }

    #[test]
    fn chronicle_headers_in_kazakh_and_kyrgyz() {
        let items = vec![
            item(1, Some("2022-01-04 evening"), None),
            item(2, Some("2022-01-05 morning"), None),
            item(3, Some("2022-01-05 afternoon"), None),
            item(4, Some("2022-01-05 night"), None),
            item(5, Some("2022-02"), None),
            item(6, Some("2023"), None),
            item(7, None, None),
        ];
        let idx: Vec<usize> = (0..items.len()).collect();
        let headers = |s| {
            chronicle(&items, &idx, s)
                .into_iter()
                .filter_map(|r| match r {
                    ChronicleRow::Header(h) => Some(h),
                    ChronicleRow::Item(_) => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            headers(&KK),
            [
                "2022 жылғы 4 қаңтар · кеш",
                "2022 жылғы 5 қаңтар · таңертең",
                "2022 жылғы 5 қаңтар · күндіз",
                "2022 жылғы 5 қаңтар · түн",
                "2022 жылғы ақпан",
                "2023 жыл",
                "Күні жоқ",
            ]
        );
        assert_eq!(
            headers(&KY),
            [
                "2022-жылдын 4-январы · кечинде",
                "2022-жылдын 5-январы · эртең менен",
                "2022-жылдын 5-январы · күндүз",
                "2022-жылдын 5-январы · түнкүсүн",
                "2022-жылдын февралы",
                "2023-жыл",
                "Датасы жок",
            ]
        );
        assert_eq!(headers(&RU)[5], "2023");
    }

    #[test]
    fn a_fuzzy_date_spreads_over_the_axis() {
        let items = vec![
            item(1, Some("2022-01"), None),
            item(2, Some("2022-01-10T12:00"), None),
        ];
        let start = secs(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap().into());
        let end = secs(NaiveDate::from_ymd_opt(2022, 2, 1).unwrap().into());
        let h = histogram(&items, &[0, 1], start, end, 31);
        let total: f32 = h.iter().sum();
        assert!(
            (total - 2.0).abs() < 1e-3,
            "each item weighs one in all: {total}"
        );
        assert!(
            (h[0] - 1.0 / 31.0).abs() < 1e-3,
            "the month is a plateau: {h:?}"
        );
        assert!(h[9] > 1.0, "the exact time is a spike on the 10th");
    }

    #[test]
    fn axis_ticks_follow_the_zoom() {
        let day = |d| secs(NaiveDate::from_ymd_opt(2022, 1, d).unwrap().into());
        assert_eq!(tick_unit(day(5) - day(1)), TickUnit::Day);
        let t = ticks(day(3), day(6), 10, &RU);
        assert_eq!(
            t.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["3 января", "4 января", "5 января", "6 января"]
        );
        let t = ticks(day(4), day(4) + 86_400.0, 8, &EN);
        assert!(t.len() <= 9 && t[0].1 == "00:00", "{t:?}");
        assert_eq!(
            ticks(
                secs(NaiveDate::from_ymd_opt(2010, 1, 1).unwrap().into()),
                day(1),
                20,
                &EN
            )[0]
            .1,
            "2010"
        );
    }

    #[test]
    fn the_map_area_keeps_items_by_camera_position_else_by_place() {
        use crate::geo::{BBox, LatLon};
        let at = |lat, lon| Some(LatLon { lat, lon });
        let mut items = vec![
            item(1, Some("2022-01-04"), None),
            item(2, Some("2022-01-05"), None),
            item(3, Some("2022-01-06"), None),
            item(4, None, None),
        ];
        // The square by its camera; a photo tagged with the square but taken in Buenos Aires;
        // one located by its place only; one with no position at all.
        items[0].gps = at(43.2385, 76.9455);
        items[1].gps = at(-34.6037, -58.3816);
        items[1].place_at = at(43.2385, 76.9455);
        items[2].place_at = at(43.1886, 76.8879);
        let almaty = ViewFilter {
            area: Some(BBox {
                west: 76.8,
                south: 43.1,
                east: 77.0,
                north: 43.3,
            }),
            ..Default::default()
        };
        assert_eq!(visible(&items, &[], &almaty, None), [0, 2]);
        assert!(!almaty.is_empty());
        let with_date = ViewFilter {
            undated: true,
            ..almaty.clone()
        };
        assert!(visible(&items, &[], &with_date, None).is_empty());
    }

    #[test]
    fn filters_combine() {
        let mut items = vec![
            item(1, Some("2022-01-04"), None),
            item(2, Some("2022-05-15"), None),
            item(3, None, None),
        ];
        items[0].people = vec!["Жанболат Мамай".into()];
        items[1].review_status = "verified".into();
        let f = ViewFilter {
            text: "Мамай".into(),
            ..Default::default()
        };
        let found = crate::ids::IdSet::from_iter([items[0].id]);
        assert_eq!(visible(&items, &[], &f, Some(&found)), [0]);
        // Before the index answers, the text narrows nothing; a cleared field drops the answer.
        assert_eq!(visible(&items, &[], &f, None), [0, 1, 2]);
        assert_eq!(
            visible(&items, &[], &ViewFilter::default(), Some(&found)),
            [0, 1, 2]
        );
        let f = ViewFilter {
            status: Some("verified".into()),
            ..Default::default()
        };
        assert_eq!(visible(&items, &[], &f, None), [1]);
        let f = ViewFilter {
            undated: true,
            ..Default::default()
        };
        assert_eq!(visible(&items, &[], &f, None), [2]);
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2022, 1, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        let f = ViewFilter {
            range: Some((day(3), day(5))),
            ..Default::default()
        };
        assert_eq!(visible(&items, &[], &f, None), [0]);
        let counts = facets(&items, &[0, 1, 2], &[]);
        assert_eq!(counts.people, [("Жанболат Мамай".to_string(), 1)]);
        assert_eq!(counts.undated, 1);
        assert_eq!(counts.statuses[1], ("verified", 1));
        // Verification facets.
        items[1].flags = vec![crate::verify::DATE_MISMATCH.into()];
        items[0].similar = vec![(3, 2)];
        items[2].similar = vec![(1, 2)];
        let f = ViewFilter {
            date_mismatch: true,
            ..Default::default()
        };
        assert_eq!(visible(&items, &[], &f, None), [1]);
        let f = ViewFilter {
            near_duplicates: true,
            ..Default::default()
        };
        assert_eq!(visible(&items, &[], &f, None), [0, 2]);
        let counts = facets(&items, &[0, 1, 2], &[]);
        assert_eq!((counts.date_mismatch, counts.near_duplicates), (1, 2));
    }

    #[test]
    fn a_phrase_takes_its_year_from_the_capture_time_then_the_nearest_dated_neighbour() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        // Timeline order: dated items by date, then undated ones by id.
        let items = vec![
            item(1, Some("2019-05-01"), None),
            item(4, None, Some("2021-03-01T10:00:00")),
            item(2, Some("2022-01-04"), None),
            item(3, Some("2023-07-01"), None),
            item(6, None, None),
            item(9, None, None),
        ];
        let c = phrase_context(&items, 4);
        assert_eq!((c.capture, c.neighbour), (day(2021, 3, 1), day(2019, 5, 1)));
        // A dated item without a capture time: its nearest neighbour on the timeline.
        let c = phrase_context(&items, 2);
        assert_eq!((c.capture, c.neighbour), (None, day(2021, 3, 1)));
        let c = phrase_context(&items, 1);
        assert_eq!(c.neighbour, day(2021, 3, 1));
        // An undated item: the dated item imported closest to it (by id).
        assert_eq!(phrase_context(&items, 6).neighbour, day(2021, 3, 1));
        assert_eq!(phrase_context(&items, 9).neighbour, day(2021, 3, 1));
        assert_eq!(phrase_context(&items[..1], 1).neighbour, None);
        assert_eq!(phrase_context(&items, 77), Default::default());
    }
}
