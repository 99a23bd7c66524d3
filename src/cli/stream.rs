//! `list --json` written while it is read: the items as one JSON array, byte for byte what
//! serde makes of `Catalog::list`'s rows, read a batch at a time so that a 100 000-item list
//! never holds every row at once.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use serde::ser::{Error as _, SerializeSeq, Serializer};
use std::cell::RefCell;

/// The items `ids` (`Catalog::items_for_output`), serialised as a sequence.
pub(super) struct Items<'a> {
    cat: &'a Catalog,
    ids: &'a [i64],
    /// Why reading stopped, when it did: a serialiser's error carries only a message.
    failed: RefCell<Option<Error>>,
}

impl<'a> Items<'a> {
    pub(super) fn new(cat: &'a Catalog, ids: &'a [i64]) -> Self {
        Items {
            cat,
            ids,
            failed: RefCell::new(None),
        }
    }

    /// What stopped the reading, if anything did.
    pub(super) fn failure(self) -> Option<Error> {
        self.failed.into_inner()
    }
}

impl serde::Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.ids.len()))?;
        let mut written = Ok(());
        let read = self.cat.for_each_output_batch(self.ids, |rows| {
            for row in rows {
                if let Err(e) = seq.serialize_element(row) {
                    written = Err(e);
                    return Err(Error::invalid("the output stopped"));
                }
            }
            Ok(())
        });
        written?;
        if let Err(e) = read {
            let message = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom(message));
        }
        seq.end()
    }
}

/// Writes the items `ids` to `out` as pretty JSON and a line end, the way every `--json`
/// output is printed.
pub(super) fn write_items(cat: &Catalog, ids: &[i64], out: &mut impl std::io::Write) -> Result<()> {
    let items = Items::new(cat, ids);
    let written = serde_json::to_writer_pretty(&mut *out, &items)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"));
    if let Some(e) = items.failure() {
        return Err(e);
    }
    written.map_err(|e| Error::invalid(format!("cannot write the output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Filter, NewItem, TagChange};
    use crate::dates::EventDate;

    /// A catalogue of `n` items, every third dated and tagged, so that the timeline order is
    /// not the order of ids.
    fn catalog(n: usize) -> Catalog {
        let mut cat = Catalog::open_in_memory().unwrap();
        cat.write("t", |tx| {
            for i in 0..n {
                let id = tx.insert_item(&NewItem {
                    sha256: format!("{i:064x}"),
                    original_name: format!("{i}.jpg"),
                    source_path: format!("/src/{i}.jpg"),
                    stored_path: format!("originals/{i}.jpg"),
                    size: 1,
                    format: "jpeg".into(),
                    ..Default::default()
                })?;
                if i % 3 == 0 {
                    let day = 1 + (n - i) % 28;
                    tx.tag(
                        id,
                        &TagChange {
                            date: Some(Some(
                                EventDate::parse(&format!("2024-03-{day:02}")).unwrap(),
                            )),
                            caption: Some(Some(format!("Митинг «{i}»\n\"цитата\"\t\\"))),
                            place: Some(Some("Бишкек > Ала-Тоо".into())),
                            add_people: vec!["Айгүл".into(), "Bolat".into()],
                            add_tags: vec!["митинг".into()],
                            ..Default::default()
                        },
                    )?;
                }
            }
            Ok(())
        })
        .unwrap();
        cat
    }

    fn streamed(cat: &Catalog) -> Vec<u8> {
        let ids = cat.list_ids(&Filter::default()).unwrap();
        let mut out = Vec::new();
        write_items(cat, &ids, &mut out).unwrap();
        out
    }

    fn whole(cat: &Catalog) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(&cat.list(&Filter::default()).unwrap()).unwrap();
        v.push(b'\n');
        v
    }

    #[test]
    fn a_streamed_list_is_the_same_bytes_as_the_whole_list() {
        // More than two batches of `Catalog::items`, in timeline order.
        let cat = catalog(2 * 1000 + 17);
        let bytes = streamed(&cat);
        assert_eq!(bytes, whole(&cat));
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed.len(), 2017);
        assert_eq!(parsed[0]["event_date"], "2024-03-01");
        assert_eq!(
            parsed[0]["place_path"],
            serde_json::json!(["Бишкек", "Ала-Тоо"])
        );
        assert!(parsed[0].get("provenance").is_none());
    }

    #[test]
    fn an_empty_or_one_item_list_is_as_before() {
        let empty = catalog(0);
        assert_eq!(streamed(&empty), b"[]\n");
        assert_eq!(streamed(&empty), whole(&empty));
        let one = catalog(1);
        assert_eq!(streamed(&one), whole(&one));
    }

    #[test]
    fn a_missing_item_is_an_error_not_a_shorter_list() {
        let cat = catalog(3);
        let mut out = Vec::new();
        let e = write_items(&cat, &[1, 999_999], &mut out).unwrap_err();
        assert!(matches!(e, Error::NoSuchItem(_)), "{e}");
    }
}
