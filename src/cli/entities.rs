//! `kadr person` and `kadr place`: people and places listed, created, renamed, given aliases,
//! merged and placed under a parent, and a place's position set (`place locate`). Not
//! responsible for how entities are stored or merged (`catalog/entities.rs`).

use super::*;

/// `kadr person` and `kadr place` (all but `locate`): one entity action, then what it changed.
pub(super) fn entity(
    lib: &Library,
    actor: &str,
    kind: crate::catalog::EntityKind,
    action: EntityAction,
) -> Result<i32> {
    let mut cat = lib.catalog()?;
    let find = |cat: &crate::catalog::Catalog, name: &str| {
        cat.find_entity(kind, name)?
            .ok_or_else(|| Error::invalid(format!("no {} is called {name:?}", kind.as_str())))
    };
    match action {
        EntityAction::List { json } => {
            let rows: Vec<serde_json::Value> = match kind {
                crate::catalog::EntityKind::Person => cat
                    .people()?
                    .into_iter()
                    .map(|(id, name, aliases)| serde_json::json!({"id": id, "name": name, "aliases": aliases}))
                    .collect(),
                crate::catalog::EntityKind::Place => cat
                    .places()?
                    .into_iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.name, "path": p.path, "aliases": p.aliases, "lat": p.lat, "lon": p.lon, "radius_m": p.radius_m}))
                    .collect(),
            };
            if json {
                print_json(&rows);
            } else {
                for r in &rows {
                    let name = r.get("path").and_then(|p| p.as_array()).map(|p| {
                        p.iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(" > ")
                    });
                    let aliases: Vec<&str> = r["aliases"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                        .unwrap_or_default();
                    println!(
                        "{:>5}  {}  ({})",
                        r["id"],
                        name.unwrap_or_else(|| r["name"].as_str().unwrap_or("").to_string()),
                        aliases.join(", ")
                    );
                }
            }
        }
        EntityAction::Rename { name, new_name } => {
            let id = find(&cat, &name)?;
            cat.write(actor, |tx| tx.rename_entity(kind, id, &new_name))?;
            println!("{} {name:?} is now {new_name:?}", kind.as_str());
        }
        EntityAction::Merge { name, into } => {
            let (from, to) = (find(&cat, &name)?, find(&cat, &into)?);
            let n = cat.write(actor, |tx| tx.merge_entity(kind, from, to))?;
            println!(
                "merged {} {name:?} into {into:?}: {n} items changed",
                kind.as_str()
            );
        }
        EntityAction::Alias { name, alias } => {
            let id = find(&cat, &name)?;
            cat.write(actor, |tx| tx.add_alias(kind, id, &alias))?;
            println!("{} {name:?} is also {alias:?}", kind.as_str());
        }
    }
    Ok(0)
}

/// `kadr place locate`: sets a place's coordinates and radius, and prints the place.
pub(super) fn locate(
    lib: &Library,
    actor: &str,
    name: &str,
    at: crate::geo::LatLon,
    radius: Option<f64>,
    json: bool,
) -> Result<i32> {
    let kind = crate::catalog::EntityKind::Place;
    let mut cat = lib.catalog()?;
    let id = cat
        .find_entity(kind, name)?
        .ok_or_else(|| Error::invalid(format!("no place is called {name:?}")))?;
    cat.write(actor, |tx| tx.locate_place(id, at, radius))?;
    let place = cat
        .places()?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::invalid(format!("no place is called {name:?}")))?;
    let radius = place.radius_m.unwrap_or(crate::geo::DEFAULT_PLACE_RADIUS_M);
    if json {
        print_json(&serde_json::json!({
            "id": place.id, "name": place.name, "path": place.path,
            "lat": place.lat, "lon": place.lon, "radius_m": radius,
        }));
    } else {
        println!(
            "place {:?} is at {:.6}, {:.6}, radius {radius} m",
            place.path.join(" > "),
            at.lat,
            at.lon
        );
    }
    Ok(0)
}
