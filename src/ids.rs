//! Sets of item ids. Ids are SQLite rowids: small, positive and dense, so a set of them is a
//! row of bits and asking whether an item is in it is an index, not a hash. The search field
//! answers with one of these; at 100 000 items a broad prefix ("IMG") matches every item, and
//! a hashed set cost more to fill and to ask than the search itself.

use std::collections::HashSet;

/// Ids up to this are kept as bits (8 MB of bits at most); any other id (negative, or larger
/// than a library ever numbers its items) is kept in a hashed set beside them.
const MAX_BIT: i64 = 1 << 26;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSet {
    words: Vec<u64>,
    others: HashSet<i64>,
    len: usize,
}

impl IdSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `id`; returns whether it was not there yet.
    pub fn insert(&mut self, id: i64) -> bool {
        let added = if (0..MAX_BIT).contains(&id) {
            let (word, bit) = ((id / 64) as usize, id % 64);
            if word >= self.words.len() {
                self.words.resize(word + 1, 0);
            }
            let was = self.words[word] & (1 << bit) != 0;
            self.words[word] |= 1 << bit;
            !was
        } else {
            self.others.insert(id)
        };
        self.len += usize::from(added);
        added
    }

    pub fn contains(&self, id: i64) -> bool {
        if (0..MAX_BIT).contains(&id) {
            self.words
                .get((id / 64) as usize)
                .is_some_and(|w| w & (1 << (id % 64)) != 0)
        } else {
            self.others.contains(&id)
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids, the bit-kept ones in increasing order, then the others in no order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.words
            .iter()
            .enumerate()
            .flat_map(|(k, &w)| {
                let mut w = w;
                std::iter::from_fn(move || {
                    (w != 0).then(|| {
                        let bit = w.trailing_zeros() as i64;
                        w &= w - 1;
                        k as i64 * 64 + bit
                    })
                })
            })
            .chain(self.others.iter().copied())
    }
}

impl FromIterator<i64> for IdSet {
    fn from_iter<I: IntoIterator<Item = i64>>(iter: I) -> Self {
        let mut set = IdSet::new();
        for id in iter {
            set.insert(id);
        }
        set
    }
}

impl Extend<i64> for IdSet {
    fn extend<I: IntoIterator<Item = i64>>(&mut self, iter: I) {
        for id in iter {
            self.insert(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_what_was_put_in_and_nothing_else() {
        let ids = [
            0,
            1,
            63,
            64,
            65,
            1000,
            99_999,
            -5,
            MAX_BIT,
            i64::MAX,
            i64::MIN,
        ];
        let set: IdSet = ids.iter().copied().collect();
        assert_eq!(set.len(), ids.len());
        for id in ids {
            assert!(set.contains(id), "{id}");
        }
        for id in [2, 62, 66, 999, 1001, 100_000, -4, MAX_BIT - 1, MAX_BIT + 1] {
            assert!(!set.contains(id), "{id}");
        }
        let mut again = set.clone();
        assert!(!again.insert(64), "already there");
        assert_eq!(again.len(), ids.len());
        let mut listed: Vec<i64> = set.iter().collect();
        listed.sort();
        let mut want = ids.to_vec();
        want.sort();
        assert_eq!(listed, want);
        assert!(IdSet::new().is_empty() && !IdSet::new().contains(0));
    }

    #[test]
    fn agrees_with_a_hashed_set_on_random_ids() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut ours = IdSet::new();
        let mut theirs = HashSet::new();
        for _ in 0..5000 {
            let id = (next() % 20_000) as i64 - 100;
            assert_eq!(ours.insert(id), theirs.insert(id));
        }
        assert_eq!(ours.len(), theirs.len());
        for id in -200..20_100 {
            assert_eq!(ours.contains(id), theirs.contains(&id), "{id}");
        }
    }
}
