//! The inspector's editing model, without egui: one `FieldEditor` per field knows what the
//! catalogue holds across the selection (one shared value, or several different ones), what the
//! user has typed, and whether the catalogue changed underneath while the user was editing.
//!
//! The rule it keeps: a field is written only when the user changed it. Focusing and leaving an
//! editor, a catalogue reload, or a selection with mixed values never produce a write, and a
//! reload never replaces text the user has changed but not yet committed.

/// A value an editor can hold. `same` decides whether two values are one for the catalogue
/// (text is compared trimmed, because the catalogue stores it trimmed).
pub trait FieldValue: Clone + PartialEq + Default {
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

impl FieldValue for String {
    fn same(&self, other: &Self) -> bool {
        self.trim() == other.trim()
    }
}

/// What the catalogue holds for a field across the selection.
#[derive(Debug, Clone, PartialEq)]
pub enum Original<V> {
    /// Every selected item has this value (an empty value when the field is unset).
    Shared(V),
    /// The selected items hold this many different values.
    Mixed(usize),
}

impl<V: FieldValue> Original<V> {
    /// The field across `values` (one per selected item).
    pub fn of(values: impl IntoIterator<Item = V>) -> Original<V> {
        let mut distinct: Vec<V> = Vec::new();
        for v in values {
            if !distinct.iter().any(|d| d.same(&v)) {
                distinct.push(v);
            }
        }
        match distinct.len() {
            0 => Original::Shared(V::default()),
            1 => Original::Shared(distinct.pop().unwrap()),
            n => Original::Mixed(n),
        }
    }

    fn same(&self, other: &Original<V>) -> bool {
        match (self, other) {
            (Original::Shared(a), Original::Shared(b)) => a.same(b),
            (Original::Mixed(a), Original::Mixed(b)) => a == b,
            _ => false,
        }
    }

    /// What an editor shows for it: the shared value, or blank (with a hint) when mixed.
    fn shown(&self) -> V {
        match self {
            Original::Shared(v) => v.clone(),
            Original::Mixed(_) => V::default(),
        }
    }
}

/// One field's editor across the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEditor<V> {
    original: Original<V>,
    /// What the editor shows and the user edits.
    pub value: V,
    /// What the catalogue holds now, when it changed while the user had an uncommitted edit.
    theirs: Option<Original<V>>,
}

impl<V: FieldValue> Default for FieldEditor<V> {
    fn default() -> Self {
        FieldEditor::new(Original::Shared(V::default()))
    }
}

impl<V: FieldValue> FieldEditor<V> {
    pub fn new(original: Original<V>) -> FieldEditor<V> {
        FieldEditor {
            value: original.shown(),
            original,
            theirs: None,
        }
    }

    /// Whether the user changed the value. A blank editor over mixed values is unchanged.
    pub fn dirty(&self) -> bool {
        !self.value.same(&self.original.shown())
    }

    /// The number of different values to hint at, while the editor is blank over them.
    pub fn mixed_hint(&self) -> Option<usize> {
        match self.original {
            Original::Mixed(n) if !self.dirty() => Some(n),
            _ => None,
        }
    }

    /// The catalogue's value, when it changed underneath an uncommitted edit.
    pub fn conflict(&self) -> Option<&Original<V>> {
        self.theirs.as_ref()
    }

    /// The catalogue was read again. An unchanged editor follows it; a changed one keeps the
    /// user's value and, if the catalogue moved, remembers the new value as a conflict.
    pub fn refresh(&mut self, now: Original<V>) {
        if !self.dirty() {
            *self = FieldEditor::new(now);
        } else if now.same(&self.original) {
            self.theirs = None;
        } else if matches!(&now, Original::Shared(v) if v.same(&self.value)) {
            // Someone else wrote what the user typed: nothing left to commit.
            *self = FieldEditor::new(now);
        } else {
            self.theirs = Some(now);
        }
    }

    /// The value to write, if the user changed it and no conflict waits for an answer. After
    /// this the editor treats the value as the catalogue's.
    pub fn commit(&mut self) -> Option<V> {
        if !self.dirty() || self.theirs.is_some() {
            return None;
        }
        self.original = Original::Shared(self.value.clone());
        Some(self.value.clone())
    }

    /// Resolves a conflict for the user's value: returns it, to be written.
    pub fn keep_mine(&mut self) -> Option<V> {
        if let Some(theirs) = self.theirs.take() {
            self.original = theirs;
        }
        self.commit()
    }

    /// Resolves a conflict for the catalogue's value: the user's edit is dropped.
    pub fn take_theirs(&mut self) {
        if let Some(theirs) = self.theirs.take() {
            *self = FieldEditor::new(theirs);
        }
    }
}

/// The text to store for an edited text field: trimmed, and `None` when blank.
pub fn stored(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(values: &[&str]) -> FieldEditor<String> {
        FieldEditor::new(Original::of(values.iter().map(|v| v.to_string())))
    }

    #[test]
    fn the_original_is_one_value_or_the_number_of_different_ones() {
        assert_eq!(Original::<String>::of([]), Original::Shared(String::new()));
        assert_eq!(
            Original::of(["a".to_string(), "a ".into()]),
            Original::Shared("a".into())
        );
        assert_eq!(
            Original::of(["a".to_string(), "b".into(), "".into(), "b".into()]),
            Original::Mixed(3)
        );
    }

    #[test]
    fn focusing_and_leaving_writes_nothing() {
        for values in [&["a", "b", "c"][..], &["x", "x"], &["", ""], &["only"]] {
            let mut f = field(values);
            assert!(!f.dirty(), "{values:?}");
            assert_eq!(f.commit(), None, "{values:?}");
            // A trailing space is not a change either: the catalogue stores text trimmed.
            f.value.push(' ');
            assert_eq!(f.commit(), None, "{values:?}");
        }
    }

    #[test]
    fn a_mixed_field_shows_blank_with_a_hint_until_typed_in() {
        let mut f = field(&["a", "b", "c"]);
        assert_eq!(f.value, "");
        assert_eq!(f.mixed_hint(), Some(3));
        f.value = "new".into();
        assert_eq!(f.mixed_hint(), None);
        assert_eq!(f.commit().as_deref(), Some("new"));
        // Committed once: leaving again writes nothing.
        assert_eq!(f.commit(), None);
        assert_eq!(f.original, Original::Shared("new".to_string()));
    }

    #[test]
    fn a_reload_follows_the_catalogue_unless_the_user_changed_the_field() {
        let mut f = field(&["a"]);
        f.refresh(Original::Shared("b".into()));
        assert_eq!(f.value, "b");

        f.value = "mine".into();
        // The same catalogue value again: the edit stays, no conflict.
        f.refresh(Original::Shared("b".into()));
        assert_eq!(f.value, "mine");
        assert!(f.conflict().is_none());
        assert_eq!(f.commit().as_deref(), Some("mine"));
        // The write comes back in the next reload: nothing left to commit.
        f.refresh(Original::Shared("mine".into()));
        assert!(!f.dirty());
    }

    #[test]
    fn a_change_underneath_an_edit_waits_for_the_user() {
        let mut f = field(&["a"]);
        f.value = "mine".into();
        f.refresh(Original::Shared("theirs".into()));
        assert_eq!(f.value, "mine", "never overwritten");
        assert_eq!(f.conflict(), Some(&Original::Shared("theirs".to_string())));
        assert_eq!(f.commit(), None, "leaving the field does not decide");

        let mut keep = f.clone();
        assert_eq!(keep.keep_mine().as_deref(), Some("mine"));
        assert!(keep.conflict().is_none());

        f.take_theirs();
        assert_eq!(f.value, "theirs");
        assert!(!f.dirty());
        assert!(f.conflict().is_none());
    }

    #[test]
    fn someone_writing_the_same_value_ends_the_edit() {
        let mut f = field(&["a"]);
        f.value = "b".into();
        f.refresh(Original::Shared("b".into()));
        assert!(!f.dirty());
        assert!(f.conflict().is_none());
    }

    #[test]
    fn stored_text_is_trimmed_and_blank_is_none() {
        assert_eq!(stored("  x "), Some("x".into()));
        assert_eq!(stored("   "), None);
    }
}
