//! The map's time strip: the event played forward, item by item.
//!
//! Each item takes its turn at its moment: the start of its event date, else its capture time
//! (the timeline's own order, `ItemSummary::span`). An item with neither has no moment and is
//! always shown: no point of the event can say it had not happened yet. The cursor is the
//! map's view state, not a filter: the other views never see it.

use super::secs;
use crate::catalog::ItemSummary;

/// When an item takes its turn: its event date's start, else its capture time (axis seconds).
pub fn moment(item: &ItemSummary) -> Option<f64> {
    item.span().map(|(start, _)| secs(start))
}

/// The moments play stops at: each distinct moment of the items at `indices`, earliest first.
pub fn stops(items: &[ItemSummary], indices: &[usize]) -> Vec<f64> {
    let mut out: Vec<f64> = indices.iter().filter_map(|&i| moment(&items[i])).collect();
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}

/// Whether an item is shown with the cursor at `cursor`: its moment has come, or it has none.
/// `None`: the strip is at rest and everything is shown.
pub fn shown_at(item: &ItemSummary, cursor: Option<f64>) -> bool {
    match (cursor, moment(item)) {
        (Some(c), Some(t)) => t <= c,
        _ => true,
    }
}

/// The stop play moves to next: the first after the cursor (the very first when the strip is
/// at rest); `None` once the last has passed.
pub fn next_stop(stops: &[f64], cursor: Option<f64>) -> Option<f64> {
    match cursor {
        None => stops.first().copied(),
        Some(c) => stops.iter().copied().find(|&t| t > c),
    }
}

/// The time a fraction (0..1) of the strip's width stands for. Each moment is one equal step
/// of the strip, so a night of the march is as easy to follow as a year of aftermath; between
/// two moments, time runs evenly.
pub fn at_fraction(stops: &[f64], f: f64) -> Option<f64> {
    let last = stops.len().checked_sub(1)?;
    if last == 0 {
        return Some(stops[0]);
    }
    let x = f.clamp(0.0, 1.0) * last as f64;
    let k = (x.floor() as usize).min(last - 1);
    Some(stops[k] + (stops[k + 1] - stops[k]) * (x - k as f64))
}

/// Where a time sits on the strip, as a fraction of its width: the inverse of `at_fraction`
/// (1 with a single moment, once it has come).
pub fn fraction(stops: &[f64], t: f64) -> Option<f64> {
    let last = stops.len().checked_sub(1)?;
    if last == 0 {
        return Some(if t >= stops[0] { 1.0 } else { 0.0 });
    }
    let k = stops.partition_point(|&s| s <= t);
    Some(match k {
        0 => 0.0,
        k if k > last => 1.0,
        k => {
            let (a, b) = (stops[k - 1], stops[k]);
            ((k - 1) as f64 + (t - a) / (b - a)) / last as f64
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::tests::item;
    use chrono::NaiveDateTime;

    fn at(s: &str) -> f64 {
        secs(NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap())
    }

    /// The march: the park at 11:00, the square at 12:30 (event dates), a photo dated only by
    /// its camera at 12:00, one with no date at all, and a second photo of the square.
    fn march() -> Vec<ItemSummary> {
        vec![
            item(1, Some("2022-01-05T12:30"), Some("2022-01-05T09:00:00")),
            item(2, Some("2022-01-05T11:00"), None),
            item(3, None, Some("2022-01-05T12:00:00")),
            item(4, None, None),
            item(5, Some("2022-01-05T12:30"), None),
        ]
    }

    #[test]
    fn play_stops_at_each_moment_in_event_date_order_camera_time_when_undated() {
        let items = march();
        let all: Vec<usize> = (0..items.len()).collect();
        let s = stops(&items, &all);
        // The event date wins over the camera's clock; two photos at 12:30 are one stop.
        assert_eq!(
            s,
            [
                at("2022-01-05T11:00:00"),
                at("2022-01-05T12:00:00"),
                at("2022-01-05T12:30:00")
            ]
        );
        assert_eq!(next_stop(&s, None), Some(s[0]));
        assert_eq!(next_stop(&s, Some(s[0])), Some(s[1]));
        // Between stops, the next is the one after.
        assert_eq!(next_stop(&s, Some(s[0] + 60.0)), Some(s[1]));
        assert_eq!(next_stop(&s, Some(s[2])), None);
        assert!(stops(&items, &[3]).is_empty());
    }

    #[test]
    fn at_a_cursor_only_the_earlier_items_and_the_undated_are_shown() {
        let items = march();
        let shown = |cursor| -> Vec<i64> {
            items
                .iter()
                .filter(|i| shown_at(i, cursor))
                .map(|i| i.id)
                .collect()
        };
        assert_eq!(shown(None), [1, 2, 3, 4, 5]);
        assert_eq!(shown(Some(at("2022-01-05T10:00:00"))), [4]);
        assert_eq!(shown(Some(at("2022-01-05T11:00:00"))), [2, 4]);
        assert_eq!(shown(Some(at("2022-01-05T12:15:00"))), [2, 3, 4]);
        assert_eq!(shown(Some(at("2022-01-05T12:30:00"))), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn each_moment_is_one_equal_step_of_the_strip() {
        // An evening, the next morning, and a year later: each a third of the way on.
        let s = [
            at("2022-01-04T18:00:00"),
            at("2022-01-05T06:00:00"),
            at("2023-01-05T06:00:00"),
        ];
        assert_eq!(at_fraction(&s, 0.0), Some(s[0]));
        assert_eq!(at_fraction(&s, 0.25), Some(at("2022-01-05T00:00:00")));
        assert_eq!(at_fraction(&s, 0.5), Some(s[1]));
        assert_eq!(at_fraction(&s, 1.7), Some(s[2]));
        assert_eq!(fraction(&s, at("2022-01-05T00:00:00")), Some(0.25));
        assert_eq!(fraction(&s, s[1]), Some(0.5));
        assert_eq!(fraction(&s, s[2]), Some(1.0));
        assert_eq!(fraction(&s, s[0] - 10.0), Some(0.0));
        for f in [0.1, 0.4, 0.6, 0.9] {
            let back = fraction(&s, at_fraction(&s, f).unwrap()).unwrap();
            assert!((back - f).abs() < 1e-9, "{f} came back as {back}");
        }
        assert_eq!(fraction(&[s[0]], s[0]), Some(1.0));
        assert_eq!(at_fraction(&[s[0]], 0.3), Some(s[0]));
        assert_eq!(at_fraction(&[], 0.5), None);
    }
}
