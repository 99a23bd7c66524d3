//! Tests of `svgmap`.

use super::*;

fn marker(lat: f64, lon: f64, source: Source, number: usize) -> Marker {
    Marker {
        at: LatLon { lat, lon },
        source,
        anchor: format!("item-{number:064x}"),
        number,
        title: format!("<снимок> {number} & \"co\""),
    }
}

const LABELS: &str = "Карта";

fn count(s: &str, what: &str) -> usize {
    s.matches(what).count()
}

/// Every number written in `d` attributes, as text.
fn path_numbers(svg: &str) -> Vec<&str> {
    svg.split(" d=\"")
        .skip(1)
        .flat_map(|rest| {
            rest.split('"')
                .next()
                .unwrap()
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter(|n| !n.is_empty())
        })
        .collect()
}

#[test]
fn one_linked_marker_per_item_camera_and_place_told_apart() {
    let markers = [
        marker(43.2385, 76.9455, Source::Camera, 1),
        marker(43.2380, 76.9140, Source::Place, 2),
        marker(43.1886, 76.8879, Source::Camera, 3),
    ];
    let svg = svg(
        &markers,
        crate::basemap::get(),
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert_eq!(count(&svg, "<a href="), 3, "{svg}");
    for m in &markers {
        assert_eq!(count(&svg, &format!("<a href=\"#{}\">", m.anchor)), 1);
    }
    // Two camera circles and one place diamond.
    assert_eq!(count(&svg, "<circle class=\"camera\""), 2);
    assert_eq!(count(&svg, "<path class=\"place\""), 1);
    // Numbers in the markers; titles escaped.
    assert!(svg.contains(">3</text></a>"), "{svg}");
    assert!(svg.contains("<title>2 · &lt;снимок&gt; 2 &amp; &quot;co&quot;</title>"));
    assert!(svg.contains("aria-label=\"Карта\""));
    // The city they are in is drawn; its name is left out under a marker.
    assert_eq!(count(&svg, "<circle class=\"city\""), 1, "{svg}");
    assert!(!svg.contains(">Алматы</text>"), "{svg}");
}

#[test]
fn cities_are_named_where_no_marker_hides_them() {
    let markers = [
        marker(43.30, 76.80, Source::Camera, 1),
        marker(43.18, 77.10, Source::Place, 2),
    ];
    let svg = svg(
        &markers,
        crate::basemap::get(),
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    assert!(svg.contains(">Алматы</text>"), "{svg}");
}

#[test]
fn nothing_outside_is_referenced() {
    let markers = [
        marker(43.2385, 76.9455, Source::Camera, 1),
        marker(-34.6037, -58.3816, Source::Place, 2),
    ];
    let svg = svg(
        &markers,
        crate::basemap::get(),
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    let lower = svg.to_lowercase();
    for bad in [
        "http",
        "xmlns",
        "<image",
        "href=\"/",
        "href=\"data",
        "url(",
        "@import",
        "@font",
    ] {
        assert!(!lower.contains(bad), "{bad}");
    }
    assert!(
        svg.split("href=\"")
            .skip(1)
            .all(|h| h.starts_with("#item-")),
        "only links to the report's own entries"
    );
}

#[test]
fn no_located_item_no_map() {
    assert!(svg(&[], crate::basemap::get(), crate::basemap::land(), LABELS).is_none());
}

#[test]
fn paths_are_cut_to_the_view_and_rounded() {
    let map = crate::basemap::get();
    let city = svg(
        &[
            marker(43.2385, 76.9455, Source::Camera, 1),
            marker(43.1886, 76.8879, Source::Camera, 2),
        ],
        map,
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    let region = svg(
        &[
            marker(43.2385, 76.9455, Source::Camera, 1),
            marker(42.8746, 74.5698, Source::Camera, 2),
        ],
        map,
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    let world = svg(
        &[
            marker(60.0, -150.0, Source::Camera, 1),
            marker(-40.0, 170.0, Source::Camera, 2),
        ],
        map,
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    // Almaty to Bishkek: the Kazakh-Kyrgyz border is in view, and not the world's coasts.
    assert!(region.contains("class=\"border\""), "{region}");
    assert!(region.len() < 8_000, "{}", region.len());
    assert!(city.len() < 6_000, "{}", city.len());
    // Most of the world, still small: points closer than half a pixel are dropped.
    assert!(world.contains("class=\"land\""));
    assert!(world.len() < 150_000, "{}", world.len());
    for svg in [&city, &region, &world] {
        for n in path_numbers(svg) {
            let decimals = n.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 1, "{n}");
            assert!(!n.ends_with(".0") && n != "-0", "{n}");
        }
    }
    // Every subpath has a point near the view (segments outside it are dropped).
    let view_h: f64 = region
        .split("viewBox=\"0 0 960 ")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let d = region
        .split("<path class=\"border\" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for sub in d.split('M').filter(|s| !s.is_empty()) {
        let pts: Vec<(f64, f64)> = sub
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        assert!(pts.len() >= 2);
        let inside = |&(x, y): &(f64, f64)| {
            (-200.0..=1160.0).contains(&x) && (-200.0..=view_h + 200.0).contains(&y)
        };
        assert!(pts.iter().any(inside), "{sub}");
    }
}

#[test]
fn markers_at_one_spot_fan_out_with_leaders() {
    // Five items tagged with the same square, one camera a few metres away.
    let mut markers: Vec<Marker> = (1..=5)
        .map(|n| marker(43.2385, 76.9455, Source::Place, n))
        .collect();
    markers.push(marker(43.23851, 76.94551, Source::Camera, 6));
    markers.push(marker(43.1886, 76.8879, Source::Camera, 7));
    let world: Vec<[f64; 2]> = markers.iter().map(|m| geo::to_world(m.at)).collect();
    let view = View::fit(&world);
    let laid = layout(&world, &view);
    // The lone marker stays where it is; the six at the square are drawn apart.
    assert_eq!(laid[6].0, laid[6].1);
    for i in 0..6 {
        for j in i + 1..6 {
            let (a, b) = (laid[i].1, laid[j].1);
            assert!((a[0] - b[0]).hypot(a[1] - b[1]) >= 2.0 * R - 1.0, "{i} {j}");
        }
        let (t, d) = laid[i];
        assert!((t[0] - d[0]).hypot(t[1] - d[1]) < 60.0);
    }
    let svg = svg(
        &markers,
        crate::basemap::get(),
        crate::basemap::land(),
        LABELS,
    )
    .unwrap();
    assert_eq!(count(&svg, "<line class=\"leader\""), 6);
    assert_eq!(count(&svg, "<a href="), 7);
}

#[test]
fn the_view_fits_the_items_with_a_margin() {
    let markers = [
        marker(43.2385, 76.9455, Source::Camera, 1),
        marker(-34.6037, -58.3816, Source::Camera, 2),
    ];
    let world: Vec<[f64; 2]> = markers.iter().map(|m| geo::to_world(m.at)).collect();
    let view = View::fit(&world);
    assert!((MIN_HEIGHT..=MAX_HEIGHT).contains(&view.height));
    for w in &world {
        let p = view.px(*w);
        assert!(
            (MARGIN - 0.01..=WIDTH - MARGIN + 0.01).contains(&p[0]),
            "{p:?}"
        );
        assert!(
            (MARGIN - 0.01..=view.height - MARGIN + 0.01).contains(&p[1]),
            "{p:?}"
        );
    }
    // One item: centred, with its surroundings.
    let one = View::fit(&world[..1]);
    let p = one.px(world[0]);
    assert!((p[0] - WIDTH / 2.0).abs() < 0.01 && (p[1] - one.height / 2.0).abs() < 0.01);
    assert!(WIDTH / one.scale >= MIN_SPAN);
}

#[test]
fn numbers_round_to_a_tenth() {
    assert_eq!(num(12.34), "12.3");
    assert_eq!(num(12.0), "12");
    assert_eq!(num(-0.04), "0");
    assert_eq!(num(-3.06), "-3.1");
    assert_eq!(num(959.96), "960");
}

#[test]
fn land_is_filled_where_there_is_land_only() {
    let map = crate::basemap::get();
    let land = crate::basemap::land();
    let inland = svg(
        &[marker(43.2385, 76.9455, Source::Camera, 1)],
        map,
        land,
        LABELS,
    )
    .unwrap();
    // Almaty is far from any sea: the land covers the view, as one clipped ring.
    let d = inland
        .split("<path class=\"land\" d=\"")
        .nth(1)
        .expect("land around Almaty")
        .split('"')
        .next()
        .unwrap();
    assert_eq!(d.matches('M').count(), 1, "{d}");
    let at_sea = svg(&[marker(30.0, -40.0, Source::Camera, 1)], map, land, LABELS).unwrap();
    assert!(!at_sea.contains("class=\"land\""), "mid-Atlantic");
}

#[test]
fn clipping_and_simplifying_keep_the_shape() {
    // A square half outside the box [0,10]: cut at the box's edge.
    let square = [[-5.0, 2.0], [5.0, 2.0], [5.0, 8.0], [-5.0, 8.0]];
    let c = paths::clip(&square, [0.0, 0.0], [10.0, 10.0]);
    assert!(c.iter().all(|p| p[0] >= 0.0 && p[0] <= 5.0));
    assert!(c.contains(&[0.0, 2.0]) && c.contains(&[0.0, 8.0]) && c.contains(&[5.0, 8.0]));
    assert!(paths::clip(&square, [20.0, 20.0], [30.0, 30.0]).is_empty());
    // Points along a straight line go; a real corner stays.
    let line = [[0.0, 0.0], [1.0, 0.1], [2.0, -0.1], [3.0, 0.0], [3.0, 5.0]];
    assert_eq!(
        paths::simplify(&line, 0.4),
        [[0.0, 0.0], [3.0, 0.0], [3.0, 5.0]]
    );
    assert_eq!(paths::simplify(&line, 0.05), line);
}
