//! Tests of `app::worker`.
//!
//! The edits of the People & Places window, each one undoable step that undoes exactly; the
//! undo stack against a plain model of random edits in `tests/model.rs`.

use super::*;
use crate::catalog::{NewItem, Tx};

mod model;

fn catalog_with(n: usize) -> (Catalog, Vec<i64>) {
    let mut cat = Catalog::open_in_memory().unwrap();
    let ids = cat
        .write("t", |tx: &Tx<'_>| {
            (0..n)
                .map(|i| {
                    tx.insert_item(&NewItem {
                        sha256: format!("{:064x}", i + 1),
                        original_name: format!("{i}.jpg"),
                        source_path: format!("/src/{i}.jpg"),
                        stored_path: format!("originals/{i}.jpg"),
                        size: 1,
                        format: "jpeg".into(),
                        ..Default::default()
                    })
                })
                .collect()
        })
        .unwrap();
    (cat, ids)
}

#[test]
fn the_window_s_edits_are_one_step_each_and_undo_exactly() {
    let (mut cat, ids) = catalog_with(1);
    let mut stack = UndoStack::default();
    let place =
        |cat: &Catalog, name: &str| cat.places().unwrap().into_iter().find(|p| p.name == name);
    let run = |stack: &mut UndoStack, cat: &mut Catalog, cmd| stack.handle(cat, "t", cmd).unwrap();
    run(
        &mut stack,
        &mut cat,
        Command::CreateEntity {
            kind: EntityKind::Place,
            name: "Алматы".into(),
            parent: None,
        },
    );
    run(
        &mut stack,
        &mut cat,
        Command::CreateEntity {
            kind: EntityKind::Place,
            name: "Медеу".into(),
            parent: None,
        },
    );
    // Creating one that is there already is no step.
    run(
        &mut stack,
        &mut cat,
        Command::CreateEntity {
            kind: EntityKind::Place,
            name: "медеу".into(),
            parent: None,
        },
    );
    assert_eq!(stack.undo.len(), 2);
    let almaty = place(&cat, "Алматы").unwrap().id;
    let medeu = place(&cat, "Медеу").unwrap().id;
    cat.write("t", |tx| {
        tx.tag(
            ids[0],
            &TagChange {
                place: Some(Some("Медеу".into())),
                ..Default::default()
            },
        )
    })
    .unwrap();
    run(
        &mut stack,
        &mut cat,
        Command::SetParent {
            id: medeu,
            parent: Some(almaty),
        },
    );
    assert_eq!(place(&cat, "Медеу").unwrap().path, ["Алматы", "Медеу"]);
    // A place cannot go inside one inside it.
    assert!(
        stack
            .handle(
                &mut cat,
                "t",
                Command::SetParent {
                    id: almaty,
                    parent: Some(medeu)
                }
            )
            .is_err()
    );
    run(
        &mut stack,
        &mut cat,
        Command::AddAlias {
            kind: EntityKind::Place,
            id: medeu,
            alias: "Медеу шатқалы".into(),
        },
    );
    run(
        &mut stack,
        &mut cat,
        Command::RemoveAlias {
            kind: EntityKind::Place,
            id: medeu,
            alias: "Медеу шатқалы".into(),
        },
    );
    assert!(
        stack
            .handle(
                &mut cat,
                "t",
                Command::RemoveAlias {
                    kind: EntityKind::Place,
                    id: medeu,
                    alias: "Медеу".into(),
                }
            )
            .is_err(),
        "its own name is not removed"
    );
    run(
        &mut stack,
        &mut cat,
        Command::LocatePlace {
            id: medeu,
            at: Some(crate::geo::LatLon {
                lat: 43.157,
                lon: 77.059,
            }),
            radius_m: Some(1500.0),
        },
    );
    let m = place(&cat, "Медеу").unwrap();
    assert_eq!(
        (m.lat, m.lon, m.radius_m),
        (Some(43.157), Some(77.059), Some(1500.0))
    );
    assert_eq!(stack.labels().0, Some(UndoWhat::Coordinates));
    assert!(cat.search_set("medeu").unwrap().contains(ids[0]));

    // Undo, step by step.
    run(&mut stack, &mut cat, Command::Undo);
    let m = place(&cat, "Медеу").unwrap();
    assert_eq!((m.lat, m.lon, m.radius_m), (None, None, None));
    run(&mut stack, &mut cat, Command::Undo);
    assert!(
        place(&cat, "Медеу")
            .unwrap()
            .aliases
            .contains(&"Медеу шатқалы".to_string())
    );
    run(&mut stack, &mut cat, Command::Undo);
    assert!(
        !place(&cat, "Медеу")
            .unwrap()
            .aliases
            .contains(&"Медеу шатқалы".to_string())
    );
    run(&mut stack, &mut cat, Command::Undo);
    assert_eq!(place(&cat, "Медеу").unwrap().path, ["Медеу"]);
    // Redo puts it back inside, and the search index follows.
    run(&mut stack, &mut cat, Command::Redo);
    assert_eq!(place(&cat, "Медеу").unwrap().path, ["Алматы", "Медеу"]);
    assert!(cat.search_set("Алматы").unwrap().contains(ids[0]));
    run(&mut stack, &mut cat, Command::Undo);
    // The first place created goes away, and comes back with its id.
    // Медеу is on an item since it was created: its creation is not taken back.
    assert!(stack.handle(&mut cat, "t", Command::Undo).is_err());
    assert!(place(&cat, "Медеу").is_some());
    assert_eq!(cat.item(ids[0]).unwrap().place.as_deref(), Some("Медеу"));
    run(&mut stack, &mut cat, Command::Undo); // Алматы
    assert!(place(&cat, "Алматы").is_none());
    run(&mut stack, &mut cat, Command::Redo);
    assert_eq!(place(&cat, "Алматы").unwrap().id, almaty);
    assert!(cat.audit().unwrap().is_empty());
}
