//! Verification aids: the `date-mismatch` rule and perceptual hashes for near-duplicates.
//! Pure functions: the catalogue stores what they need, the app and `kadr` show what they say.
//!
//! **date-mismatch.** An event date is an interval of wall-clock time (`dates::EventDate`,
//! `start` ..= `end` to the second, so a day covers `[00:00, 24:00)`). A capture time is the
//! camera's claim. They are compared so:
//!
//! - both carry a UTC offset (an event date typed as `2022-01-04T19:30+06:00`, a camera that
//!   wrote `OffsetTimeOriginal`): as instants, both moved to UTC;
//! - otherwise as wall-clock times: the capture's wall-clock time in the library's home zone
//!   when its offset is known and a home zone is set (`capture_home`, as the timeline places
//!   it), else its wall-clock time as the camera stated it.
//!
//! The item is flagged when the capture lies further outside the interval than the tolerance
//! for camera clocks (the library's `clock_tolerance_h`, 2 hours by default): exactly at the
//! tolerance is no mismatch. When the camera's offset is unknown its clock may have been on
//! any zone's time (UTC, the owner's home), so the tolerance is widened by 14 hours either way,
//! the furthest any zone lies from another's wall clock in practice (UTC-12 .. UTC+14 differ
//! from UTC by at most 14). The qualifiers `~` and `?` do not widen the interval: an
//! approximate "January 2022" on a photo the camera took in March is worth a look.
//!
//! **Near-duplicates.** A 64-bit difference hash (dHash) of the upright thumbnail: the picture
//! in grey, averaged down to 9 × 8 cells, one bit per pair of horizontal neighbours (is the
//! right one brighter?). A copy resized, recompressed by a messenger, cropped a few percent or
//! with its EXIF rotation baked in keeps nearly every bit (the thumbnail is made upright before
//! it is hashed); unrelated photos differ in about half of them. Two items are near-duplicates
//! when their hashes differ in at most `SIMILAR_MAX_DISTANCE` bits.

use crate::dates::EventDate;
use chrono::{Duration, FixedOffset, NaiveDateTime};
use image::RgbImage;
use std::collections::HashMap;

/// The camera clock tolerance when the library sets none, in hours.
pub const DEFAULT_CLOCK_TOLERANCE_H: f64 = 2.0;

/// How much wider the tolerance is when the capture time's UTC offset is unknown, in hours.
pub const UNKNOWN_OFFSET_WIDENING_H: i64 = 14;

/// The flag an item gets when its capture time disagrees with its event date.
pub const DATE_MISMATCH: &str = "date-mismatch";

/// The most bits two perceptual hashes may differ in for their items to be near-duplicates.
///
/// Measured on the transformations a copy goes through (see the tests, on generated scenes):
/// resized to 1280 px 1 bit, then recompressed at quality 60 1 bit, rotation baked in 2 bits,
/// 3 % cropped off each side up to 8 bits (a crop moves every cell's edges, the hardest case);
/// unrelated pictures 20 bits and more (random hashes centre on 32). 10 takes every copy above
/// and stays well below unrelated pictures; a larger crop than a few percent is not matched.
pub const SIMILAR_MAX_DISTANCE: u32 = 10;

/// A capture time as the catalogue holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaptureTime {
    /// Wall-clock time as the camera stated it.
    pub local: NaiveDateTime,
    /// Its UTC offset, when the file states one.
    pub offset: Option<FixedOffset>,
    /// Its wall-clock time in the library's home zone (offset known and a home zone set).
    pub home: Option<NaiveDateTime>,
}

impl CaptureTime {
    /// From the catalogue's text columns (`2022-01-04T19:32:10`, `+06:00`); None when the
    /// local time does not read.
    pub fn from_columns(
        local: Option<&str>,
        offset: Option<&str>,
        home: Option<&str>,
    ) -> Option<CaptureTime> {
        let parse = |s: &str| NaiveDateTime::parse_from_str(s.get(..19)?, "%Y-%m-%dT%H:%M:%S").ok();
        Some(CaptureTime {
            local: parse(local?)?,
            offset: offset.and_then(crate::dates::parse_offset),
            home: home.and_then(parse),
        })
    }
}

/// Whether `capture` lies further outside `event`'s interval than the clock tolerance allows
/// (see the module's documentation for how the two are compared).
pub fn date_mismatch(event: &EventDate, capture: &CaptureTime, tolerance_h: f64) -> bool {
    let tolerance = Duration::milliseconds((tolerance_h.max(0.0) * 3_600_000.0).round() as i64);
    // The interval, its end exclusive: `end` is the last second covered.
    let (mut start, mut end) = (event.start, event.end + Duration::seconds(1));
    let (at, tolerance) = match (event.offset, capture.offset) {
        (Some(eo), Some(co)) => {
            let utc = |t: NaiveDateTime, o: FixedOffset| {
                t - Duration::seconds(o.local_minus_utc() as i64)
            };
            start = utc(start, eo);
            end = utc(end, eo);
            (utc(capture.local, co), tolerance)
        }
        (_, Some(_)) => (capture.home.unwrap_or(capture.local), tolerance),
        (_, None) => (
            capture.local,
            tolerance + Duration::hours(UNKNOWN_OFFSET_WIDENING_H),
        ),
    };
    let outside = if at < start {
        start - at
    } else if at >= end {
        at - end
    } else {
        Duration::zero()
    };
    outside > tolerance
}

/// The 64-bit difference hash of a picture (meant for the upright thumbnail; any size works).
pub fn perceptual_hash(img: &RgbImage) -> u64 {
    const W: usize = 9;
    const H: usize = 8;
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return 0;
    }
    // Area averages of the grey picture over a 9 × 8 grid (each pixel split between the cells
    // it straddles, so a resized copy averages the same areas).
    let mut sum = [[0f64; W]; H];
    let mut area = [[0f64; W]; H];
    let (sx, sy) = (W as f64 / w as f64, H as f64 / h as f64);
    let spans = |i: u32, s: f64, cells: usize| -> [(usize, f64); 2] {
        let (a, b) = (i as f64 * s, (i + 1) as f64 * s);
        let c = (a.floor() as usize).min(cells - 1);
        let split = (c + 1) as f64;
        if b > split && c + 1 < cells {
            [(c, split - a), (c + 1, b - split)]
        } else {
            [(c, b - a), (c, 0.0)]
        }
    };
    let xs: Vec<[(usize, f64); 2]> = (0..w).map(|x| spans(x, sx, W)).collect();
    for y in 0..h {
        let ys = spans(y, sy, H);
        for (x, xc) in xs.iter().enumerate() {
            let p = img.get_pixel(x as u32, y);
            let grey = 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
            for &(cy, wy) in &ys {
                for &(cx, wx) in xc {
                    let a = wx * wy;
                    sum[cy][cx] += a * grey;
                    area[cy][cx] += a;
                }
            }
        }
    }
    let mut hash = 0u64;
    for y in 0..H {
        for x in 0..W - 1 {
            let left = sum[y][x] / area[y][x].max(f64::MIN_POSITIVE);
            let right = sum[y][x + 1] / area[y][x + 1].max(f64::MIN_POSITIVE);
            hash = (hash << 1) | u64::from(right > left);
        }
    }
    hash
}

/// How many bits two hashes differ in.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Every item's near-duplicates among `hashes` (item id, hash): id → (other id, distance),
/// nearest first. Items without any are absent.
///
/// Not every pair is compared (at 100 000 items that is five billion comparisons, seconds on
/// every opening). The 64 bits are cut into four 16-bit blocks: two hashes at most
/// `SIMILAR_MAX_DISTANCE` (10) bits apart differ in at most 2 bits in at least one block (were
/// it 3 or more in each, they would differ in 12). So each hash is compared only with the
/// hashes that share, in some block, a value within 2 bits of its own: the 137 such values are
/// looked up in a table per block. A pair is taken in the first block that finds it, so none
/// is counted twice. Exact: the same pairs as comparing every pair
/// (`near_duplicates_agree_with_every_pair` checks it).
pub fn near_duplicates(hashes: &[(i64, u64)]) -> HashMap<i64, Vec<(i64, u32)>> {
    const BLOCKS: usize = 4;
    const NEAR: u32 = 2;
    const _: () = assert!(SIMILAR_MAX_DISTANCE < (NEAR + 1) * BLOCKS as u32);
    let block = |h: u64, k: usize| ((h >> (16 * k)) & 0xffff) as usize;
    // Per block: the hashes' indices sorted by that block's value, and where each value starts.
    let tables: Vec<(Vec<u32>, Vec<u32>)> = (0..BLOCKS)
        .map(|k| {
            let mut start = vec![0u32; 65_537];
            for &(_, h) in hashes {
                start[block(h, k) + 1] += 1;
            }
            for v in 0..65_536 {
                start[v + 1] += start[v];
            }
            let mut fill = start.clone();
            let mut order = vec![0u32; hashes.len()];
            for (i, &(_, h)) in hashes.iter().enumerate() {
                let v = block(h, k);
                order[fill[v] as usize] = i as u32;
                fill[v] += 1;
            }
            (order, start)
        })
        .collect();
    // The 16-bit masks of at most `NEAR` bits.
    let mut masks = vec![0usize];
    for a in 0..16 {
        masks.push(1 << a);
        for b in a + 1..16 {
            masks.push((1 << a) | (1 << b));
        }
    }
    // The pairs of each hash with the later ones, on every core (the tables are shared).
    let pairs_of = |range: std::ops::Range<usize>| -> Vec<(usize, usize, u32)> {
        let mut found = Vec::new();
        for i in range {
            let (a, ha) = hashes[i];
            for (k, (order, start)) in tables.iter().enumerate() {
                let own = block(ha, k);
                for &m in &masks {
                    let v = own ^ m;
                    for &j in &order[start[v] as usize..start[v + 1] as usize] {
                        let j = j as usize;
                        if j <= i {
                            continue;
                        }
                        let (b, hb) = hashes[j];
                        // Found already in an earlier block?
                        let earlier = (0..k)
                            .any(|e| ((block(ha, e) ^ block(hb, e)) as u64).count_ones() <= NEAR);
                        let d = distance(ha, hb);
                        if !earlier && d <= SIMILAR_MAX_DISTANCE && a != b {
                            found.push((i, j, d));
                        }
                    }
                }
            }
        }
        found
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = hashes.len().div_ceil(threads).max(1);
    let found: Vec<Vec<(usize, usize, u32)>> = if hashes.len() < 4096 || threads == 1 {
        vec![pairs_of(0..hashes.len())]
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..hashes.len())
                .step_by(chunk)
                .map(|from| {
                    let to = (from + chunk).min(hashes.len());
                    let pairs_of = &pairs_of;
                    scope.spawn(move || pairs_of(from..to))
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("a pairing thread panicked"))
                .collect()
        })
    };
    let mut out: HashMap<i64, Vec<(i64, u32)>> = HashMap::new();
    for (i, j, d) in found.into_iter().flatten() {
        let (a, b) = (hashes[i].0, hashes[j].0);
        out.entry(a).or_default().push((b, d));
        out.entry(b).or_default().push((a, d));
    }
    for v in out.values_mut() {
        v.sort_by_key(|&(id, d)| (d, id));
    }
    out
}

/// The near-duplicates of one hash among `hashes`, nearest first (`id` itself left out).
pub fn similar_to(id: i64, hash: u64, hashes: &[(i64, u64)]) -> Vec<(i64, u32)> {
    let mut v: Vec<(i64, u32)> = hashes
        .iter()
        .filter(|(other, _)| *other != id)
        .map(|&(other, h)| (other, distance(hash, h)))
        .filter(|&(_, d)| d <= SIMILAR_MAX_DISTANCE)
        .collect();
    v.sort_by_key(|&(id, d)| (d, id));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    fn cap(local: &str, offset: Option<&str>, home: Option<&str>) -> CaptureTime {
        CaptureTime::from_columns(Some(local), offset, home).unwrap()
    }

    fn flagged(date: &str, c: CaptureTime) -> bool {
        date_mismatch(&EventDate::parse(date).unwrap(), &c, 2.0)
    }

    #[test]
    fn a_day_with_a_known_offset_allows_exactly_the_tolerance() {
        let o = Some("+06:00");
        // Inside the day, and up to exactly 2 hours either side of [00:00, 24:00).
        assert!(!flagged("2022-01-04", cap("2022-01-04T12:00:00", o, None)));
        assert!(!flagged("2022-01-04", cap("2022-01-05T02:00:00", o, None)));
        assert!(flagged("2022-01-04", cap("2022-01-05T02:00:01", o, None)));
        assert!(!flagged("2022-01-04", cap("2022-01-03T22:00:00", o, None)));
        assert!(flagged("2022-01-04", cap("2022-01-03T21:59:59", o, None)));
        // The case: claimed 5 January 2022, the camera says 2019.
        assert!(flagged("2022-01-05", cap("2019-06-01T10:00:00", o, None)));
    }

    #[test]
    fn an_unknown_offset_widens_the_tolerance_by_14_hours() {
        assert!(!flagged(
            "2022-01-04",
            cap("2022-01-05T16:00:00", None, None)
        ));
        assert!(flagged(
            "2022-01-04",
            cap("2022-01-05T16:00:01", None, None)
        ));
        assert!(!flagged(
            "2022-01-04",
            cap("2022-01-03T08:00:00", None, None)
        ));
        assert!(flagged(
            "2022-01-04",
            cap("2022-01-03T07:59:59", None, None)
        ));
        // The same capture with its offset known is a mismatch.
        assert!(flagged(
            "2022-01-04",
            cap("2022-01-05T16:00:00", Some("+06:00"), None)
        ));
    }

    #[test]
    fn part_of_day_and_month_spans() {
        let o = Some("+06:00");
        // Evening: 18:00 to 22:00.
        let ev = "2022-01-04 evening";
        assert!(!flagged(ev, cap("2022-01-04T16:00:00", o, None)));
        assert!(flagged(ev, cap("2022-01-04T15:59:59", o, None)));
        assert!(!flagged(ev, cap("2022-01-05T00:00:00", o, None)));
        assert!(flagged(ev, cap("2022-01-05T00:00:01", o, None)));
        // Night of the 4th to the 5th: 22:00 to 06:00.
        let night = "2022-01-04 night";
        assert!(!flagged(night, cap("2022-01-05T08:00:00", o, None)));
        assert!(flagged(night, cap("2022-01-05T08:00:01", o, None)));
        // A month.
        assert!(!flagged("2022-01", cap("2022-01-31T23:59:59", o, None)));
        assert!(!flagged("2022-01", cap("2022-02-01T02:00:00", o, None)));
        assert!(flagged("2022-01", cap("2022-02-01T02:00:01", o, None)));
        assert!(flagged("2022-01", cap("2021-12-31T21:59:59", o, None)));
        // A year; a range of days.
        assert!(!flagged("2022", cap("2022-07-01T00:00:00", o, None)));
        assert!(flagged("2022", cap("2023-01-01T02:00:01", o, None)));
        assert!(!flagged(
            "2022-01-04/2022-01-06",
            cap("2022-01-06T23:00:00", o, None)
        ));
    }

    #[test]
    fn instants_and_home_wall_time() {
        // Both with offsets: compared as instants. 19:30+06:00 is the minute from 13:30 UTC;
        // 16:30 UTC is 2:59 after it ends, 14:30 UTC within 2 hours.
        assert!(flagged(
            "2022-01-04T19:30+06:00",
            cap("2022-01-04T16:30:00", Some("+00:00"), None)
        ));
        assert!(!flagged(
            "2022-01-04T19:30+06:00",
            cap("2022-01-04T14:30:00", Some("+00:00"), None)
        ));
        // A clip whose container states UTC, with the home zone set: its home wall time counts.
        let clip = cap(
            "2022-01-04T13:32:10",
            Some("+00:00"),
            Some("2022-01-04T19:32:10"),
        );
        assert!(!flagged("2022-01-04 evening", clip));
        // Without a home zone, the time as stated (13:32) is 4.5 h before the evening.
        assert!(flagged(
            "2022-01-04 evening",
            cap("2022-01-04T13:32:10", Some("+00:00"), None)
        ));
        // The tolerance is the setting's.
        let e = EventDate::parse("2022-01-04").unwrap();
        let c = cap("2022-01-05T05:00:00", Some("+06:00"), None);
        assert!(date_mismatch(&e, &c, 2.0));
        assert!(!date_mismatch(&e, &c, 5.0));
        assert!(date_mismatch(&e, &c, 4.99));
        assert_eq!(
            at("2022-01-04T00:00:00"),
            EventDate::parse("2022-01-04").unwrap().start
        );
    }

    /// A photo-like scene: a lit gradient in a random direction, a horizon, shapes of random
    /// colours and sizes, and grain. Different seeds make different pictures.
    pub(crate) fn scene(w: u32, h: u32, seed: u64) -> RgbImage {
        let mut s = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let mut rnd = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let (gx, gy) = (rnd() * 2.0 - 1.0, rnd() * 2.0 - 1.0);
        let horizon = 0.3 + rnd() * 0.4;
        let shapes: Vec<(f64, f64, f64, f64, [f64; 3])> = (0..7)
            .map(|_| {
                (
                    rnd(),
                    rnd(),
                    0.05 + rnd() * 0.2,
                    0.05 + rnd() * 0.2,
                    [rnd() * 255.0, rnd() * 255.0, rnd() * 255.0],
                )
            })
            .collect();
        let base = [rnd() * 200.0, rnd() * 200.0, rnd() * 200.0];
        RgbImage::from_fn(w, h, |x, y| {
            let (u, v) = (x as f64 / w as f64, y as f64 / h as f64);
            let light = 60.0 * (gx * u + gy * v);
            let mut c = [0f64; 3];
            for k in 0..3 {
                c[k] = base[k] + light + if v > horizon { -50.0 } else { 30.0 };
            }
            for &(cx, cy, rx, ry, col) in &shapes {
                if ((u - cx) / rx).powi(2) + ((v - cy) / ry).powi(2) < 1.0 {
                    c = col;
                }
            }
            let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 17) as f64 - 8.0;
            image::Rgb(c.map(|v| (v + grain).clamp(0.0, 255.0) as u8))
        })
    }

    fn jpeg_round_trip(img: &RgbImage, quality: u8) -> RgbImage {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(img)
            .unwrap();
        image::load_from_memory(&out).unwrap().to_rgb8()
    }

    /// What the import hashes: the picture shrunk to the 256 px thumbnail.
    fn thumb_hash(img: &RgbImage) -> u64 {
        let (w, h) = img.dimensions();
        let k = 256.0 / w.max(h) as f64;
        let (tw, th) = ((w as f64 * k).round() as u32, (h as f64 * k).round() as u32);
        perceptual_hash(&image::imageops::thumbnail(img, tw.max(1), th.max(1)))
    }

    #[test]
    fn copies_match_and_other_photos_do_not() {
        let mut worst = std::collections::BTreeMap::new();
        for seed in 0..4u64 {
            let original = scene(1600, 1200, seed);
            let h = thumb_hash(&original);
            let resized = image::imageops::resize(
                &original,
                1280,
                960,
                image::imageops::FilterType::Triangle,
            );
            let messenger = jpeg_round_trip(&resized, 60);
            let (cw, ch) = (original.width() * 3 / 100, original.height() * 3 / 100);
            let cropped = image::imageops::crop_imm(
                &original,
                cw,
                ch,
                original.width() - 2 * cw,
                original.height() - 2 * ch,
            )
            .to_image();
            // A camera's sideways original made upright by its EXIF orientation, and the copy
            // whose messenger baked the rotation in, hash the same upright picture.
            let baked = jpeg_round_trip(&image::imageops::rotate90(&original), 80);
            let upright_again = image::imageops::rotate270(&baked);
            for (what, copy) in [
                ("resized", &resized),
                ("messenger", &messenger),
                ("cropped", &cropped),
                ("re-rotated", &upright_again),
            ] {
                let d = distance(h, thumb_hash(copy));
                assert!(d <= SIMILAR_MAX_DISTANCE, "seed {seed}: {what} copy at {d}");
                let w = worst.entry(what).or_insert(0);
                *w = (*w).max(d);
            }
        }
        let others: Vec<u64> = (0..12).map(|k| thumb_hash(&scene(640, 480, k))).collect();
        let mut closest = 64;
        for (i, a) in others.iter().enumerate() {
            for b in &others[i + 1..] {
                closest = closest.min(distance(*a, *b));
            }
        }
        assert!(
            closest > SIMILAR_MAX_DISTANCE + 4,
            "unrelated photos at {closest} (copies at most {worst:?})"
        );
        eprintln!("copies at most {worst:?}; unrelated at least {closest}");
    }

    #[test]
    fn near_duplicates_agree_with_every_pair() {
        // Clusters of hashes a few bits apart, and random ones, some sharing an id.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut hashes = Vec::new();
        // More than 4096 hashes, so the pairs are found on several threads.
        for c in 0..1500 {
            let base = next();
            for k in 0..1 + next() % 6 {
                let mut h = base;
                for _ in 0..next() % 14 {
                    h ^= 1 << (next() % 64);
                }
                hashes.push((c * 10 + k as i64, h));
            }
        }
        hashes.push((5, hashes[3].1));
        assert!(hashes.len() > 4096, "{}", hashes.len());
        let mut every: HashMap<i64, Vec<(i64, u32)>> = HashMap::new();
        for (i, &(a, ha)) in hashes.iter().enumerate() {
            for &(b, hb) in &hashes[i + 1..] {
                let d = distance(ha, hb);
                if d <= SIMILAR_MAX_DISTANCE && a != b {
                    every.entry(a).or_default().push((b, d));
                    every.entry(b).or_default().push((a, d));
                }
            }
        }
        for v in every.values_mut() {
            v.sort_by_key(|&(id, d)| (d, id));
        }
        assert!(every.len() > 100, "the clusters make pairs");
        assert_eq!(near_duplicates(&hashes), every);
    }

    #[test]
    fn near_duplicates_pair_both_ways() {
        let hashes = [(1, 0u64), (2, 0b111), (3, u64::MAX), (4, 0b1)];
        let m = near_duplicates(&hashes);
        assert_eq!(m[&1], [(4, 1), (2, 3)]);
        assert_eq!(m[&2], [(4, 2), (1, 3)]);
        assert!(!m.contains_key(&3));
        assert_eq!(similar_to(1, 0, &hashes), [(4, 1), (2, 3)]);
        assert_eq!(similar_to(3, u64::MAX, &hashes), []);
    }
}
