//! Tests of `catalog::undo`.

use super::*;
use crate::catalog::TagChange;
use crate::catalog::items::tests::catalog as catalog_with;

#[test]
fn a_place_comes_back_as_the_same_entity_even_when_another_has_its_name() {
    let (mut cat, ids) = catalog_with(1);
    let id = ids[0];
    let (before, after, almaty) = cat
        .write("t", |tx| {
            let change = TagChange {
                place: Some(Some("Алматы".into())),
                ..Default::default()
            };
            tx.tag(id, &change)?;
            let almaty = tx.place("Алматы")?;
            let before = tx.item_states(&[id])?.remove(&id).unwrap();
            tx.tag(
                id,
                &TagChange {
                    place: Some(None),
                    ..Default::default()
                },
            )?;
            let after = tx.item_states(&[id])?.remove(&id).unwrap();
            Ok((before, after, almaty))
        })
        .unwrap();
    // Meanwhile the place is renamed and another place takes its old name.
    cat.write("t", |tx| {
        tx.rename_entity(EntityKind::Place, almaty, "Almaty")?;
        tx.conn().execute(
            "INSERT INTO places (name, created_at) VALUES ('Алматы', 'now')",
            [],
        )?;
        Ok(())
    })
    .unwrap();
    let seq = cat
        .write("t", |tx| {
            tx.restore_item(&after, &before, Reverts::Undo(Some(7)))
        })
        .unwrap()
        .unwrap();
    let item = cat.item(id).unwrap();
    assert_eq!(item.place.as_deref(), Some("Almaty"));
    let entry = cat.history(None).unwrap().pop().unwrap();
    assert_eq!(entry.seq, seq);
    assert_eq!(entry.action, "undo");
    assert_eq!(entry.details["undoes"], 7);
    assert_eq!(entry.details["place_id"]["to"], almaty);
    assert!(cat.audit().unwrap().is_empty());
}

#[test]
fn a_merge_is_taken_back_by_ids_and_redone() {
    let (mut cat, ids) = catalog_with(3);
    let (p1, p2) = cat
        .write("t", |tx| {
            let a = TagChange {
                add_people: vec!["Айдар".into()],
                place: Some(Some("Алматы > Площадь".into())),
                ..Default::default()
            };
            let b = TagChange {
                add_people: vec!["Бекзат".into()],
                place: Some(Some("Алматы".into())),
                ..Default::default()
            };
            tx.tag(ids[0], &a)?;
            tx.tag(ids[1], &b)?;
            tx.tag(ids[2], &a)?;
            tx.tag(ids[2], &b)?;
            Ok((tx.person("Айдар")?, tx.person("Бекзат")?))
        })
        .unwrap();
    let before_items = cat.write("t", |tx| tx.item_states(&ids)).unwrap();
    let (before, after) = cat
        .write("t", |tx| {
            let before = tx.entity_states(EntityKind::Person, &[p1, p2])?;
            tx.merge_entity(EntityKind::Person, p1, p2)?;
            Ok((before, tx.entity_states(EntityKind::Person, &[p1, p2])?))
        })
        .unwrap();
    assert!(after[0].row.is_none());
    cat.write("t", |tx| {
        tx.restore_entities(&after, &before, Reverts::Undo(None))
    })
    .unwrap();
    let restored = cat.write("t", |tx| tx.item_states(&ids)).unwrap();
    assert_eq!(restored, before_items);
    let again = cat
        .write("t", |tx| tx.entity_states(EntityKind::Person, &[p1, p2]))
        .unwrap();
    assert_eq!(again, before);
    cat.write("t", |tx| {
        tx.restore_entities(&before, &after, Reverts::Redo(None))
    })
    .unwrap();
    let redone = cat
        .write("t", |tx| tx.entity_states(EntityKind::Person, &[p1, p2]))
        .unwrap();
    assert_eq!(redone, after);
    assert!(cat.audit().unwrap().is_empty());
    // One entry for the entities, one per item whose people changed: the first gets its
    // person back instead of the other, the third (it had both) gets the first back.
    let undo: Vec<_> = cat
        .history(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "undo")
        .collect();
    assert_eq!(undo.len(), 3, "{undo:#?}");
}

#[test]
fn undoing_a_typed_caption_gives_the_files_caption_back_with_its_source() {
    let (mut cat, ids) = catalog_with(1);
    let id = ids[0];
    let caption = |text: &str| TagChange {
        caption: Some(Some(text.into())),
        ..Default::default()
    };
    let (before, after) = cat
        .write("t", |tx| {
            // The file's own caption (IPTC), then a journalist's.
            assert_eq!(
                tx.tag_from_file(id, &caption("Митинг"), &[("caption", "embedded")])?,
                None
            );
            let before = tx.item_states(&[id])?.remove(&id).unwrap();
            tx.tag(id, &caption("Шествие на площади"))?;
            let after = tx.item_states(&[id])?.remove(&id).unwrap();
            Ok((before, after))
        })
        .unwrap();
    assert_eq!(cat.provenance(id).unwrap()["caption"], "typed");
    cat.write("t", |tx| {
        tx.restore_item(&after, &before, Reverts::Undo(None))
    })
    .unwrap();
    assert_eq!(cat.item(id).unwrap().caption.as_deref(), Some("Митинг"));
    assert_eq!(cat.provenance(id).unwrap()["caption"], "embedded");
    // Redo: typed again.
    cat.write("t", |tx| {
        tx.restore_item(&before, &after, Reverts::Redo(None))
    })
    .unwrap();
    assert_eq!(cat.provenance(id).unwrap()["caption"], "typed");
    assert!(cat.audit().unwrap().is_empty());
}
