//! Tests of the text forms video metadata takes: ISO 6709 positions, ISO 8601 date-times and
//! AVI's IDIT dates. Not the containers around them (`tests.rs`, `real.rs`).

use super::*;

#[test]
fn iso6709() {
    assert_eq!(
        parse_iso6709("+43.2380+076.9450+0850.000/"),
        Some((43.238, 76.945, Some(850.0)))
    );
    assert_eq!(
        parse_iso6709("+43.2380+076.9450/"),
        Some((43.238, 76.945, None))
    );
    assert_eq!(
        parse_iso6709("-33.8688+151.2093-012.5/"),
        Some((-33.8688, 151.2093, Some(-12.5)))
    );
    assert_eq!(
        parse_iso6709("+43.2380+076.9450"),
        Some((43.238, 76.945, None))
    );
    assert_eq!(
        parse_iso6709("+40.7484-073.9857+57.2CRSWGS_84/"),
        Some((40.7484, -73.9857, Some(57.2)))
    );
    // Degrees and minutes; degrees, minutes and seconds.
    let (lat, lon, _) = parse_iso6709("+4314.28+07656.70/").unwrap();
    assert!(
        (lat - (43.0 + 14.28 / 60.0)).abs() < 1e-9 && (lon - (76.0 + 56.7 / 60.0)).abs() < 1e-9
    );
    let (lat, lon, _) = parse_iso6709("-431416.8-0765642/").unwrap();
    assert!((lat + (43.0 + 14.0 / 60.0 + 16.8 / 3600.0)).abs() < 1e-9);
    assert!((lon + (76.0 + 56.0 / 60.0 + 42.0 / 3600.0)).abs() < 1e-9);
    for bad in [
        "",
        "/",
        "+43.2380",
        "43.2380+076.9450/",
        "+91.0000+076.9450/",
        "+43.2380+181.0000/",
        "+4370.00+07656.70/",
        "+43.2380+076.9450+1+2/",
        "+43.23.80+076.9450/",
        "+.5+076.9450/",
        "+43.2380x+076.9450/",
        "+４３.2380+076.9450/",
    ] {
        assert_eq!(parse_iso6709(bad), None, "{bad}");
    }
}

#[test]
fn iso_datetimes() {
    let p = |s| parse_iso_datetime(s);
    assert_eq!(
        p("2022-01-04T19:32:10+0600"),
        Some((dt("2022-01-04 19:32:10"), offset(21600)))
    );
    assert_eq!(
        p("2022-01-04T19:32:10-03:30"),
        Some((dt("2022-01-04 19:32:10"), offset(-12600)))
    );
    assert_eq!(
        p("2022-01-04T13:32:10Z"),
        Some((dt("2022-01-04 13:32:10"), offset(0)))
    );
    assert_eq!(
        p("2022-01-04 13:32:10"),
        Some((dt("2022-01-04 13:32:10"), None))
    );
    let (t, o) = p("2022-01-04T13:32:10.250000Z").unwrap();
    assert_eq!((t.and_utc().timestamp_subsec_millis(), o), (250, offset(0)));
    for bad in [
        "2010",
        "2022-13-04T13:32:10Z",
        "2022-01-04T25:00:00",
        "2022-01-04T13:32:10+99",
        "2022-01-04T13:32:10 junk",
        "",
    ] {
        assert_eq!(p(bad), None, "{bad}");
    }
}

#[test]
fn avi_dates() {
    assert_eq!(
        parse_avi_date("Mon Mar 10 15:04:43 2003\n"),
        Some((dt("2003-03-10 15:04:43"), true))
    );
    assert_eq!(
        parse_avi_date("MON JAN 04 19:32:10 2022"),
        Some((dt("2022-01-04 19:32:10"), true))
    );
    assert_eq!(
        parse_avi_date("2009/10/27 12:14:34"),
        Some((dt("2009-10-27 12:14:34"), true))
    );
    assert_eq!(
        parse_avi_date("2002-12-16  15:35:01\0\0"),
        Some((dt("2002-12-16 15:35:01"), true))
    );
    assert_eq!(
        parse_avi_date("2001/ 1/27  1:42PM"),
        Some((dt("2001-01-27 13:42:00"), false))
    );
    assert_eq!(parse_avi_date("garbage"), None);
    assert_eq!(parse_avi_date("Mon Feb 30 10:00:00 2003"), None);
}
