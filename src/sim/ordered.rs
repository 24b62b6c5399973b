//! Ordered maps and sets built by inserting one item at a time.
//!
//! `collect()` into a `BTreeMap` or `BTreeSet` (and `BTreeMap::from([...])`) sorts its
//! input first, and every element type sorted that way adds a copy of the standard sort to
//! the page's wasm (2–10 KB each; together they were the largest generic cost after the
//! views). The maps built here are small (a record's fields, a scenario's names, the
//! invariants), so inserting is as fast, and the result is the same: a later duplicate
//! key replaces an earlier one, as with `collect()`.

use std::collections::{BTreeMap, BTreeSet};

/// The map of `pairs`, the last value winning for a repeated key.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// The set of `items`.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// The positions of `keys` in the order of their keys, ties in the order of position.
/// Every sort by a number in the engine and the page goes through here: one copy of the
/// sort code instead of one per element type.
pub fn positions_by_key(keys: impl IntoIterator<Item = u64>) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = keys.into_iter().zip(0u32..).collect();
    // A script is usually written in time order: then there is nothing to sort.
    if keyed.is_sorted() {
        return keyed.into_iter().map(|(_, i)| i).collect();
    }
    // Keys are unique (the position breaks ties): an unstable sort gives the stable order.
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_keeps_its_last_value_like_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let collected: BTreeMap<_, _> = pairs.into_iter().collect();
        assert_eq!(map_of(pairs), collected);
        assert_eq!(map_of(pairs)["b"], 3);
    }

    #[test]
    fn positions_follow_their_keys_and_ties_keep_their_order() {
        assert_eq!(positions_by_key([30, 10, 20, 10]), [1, 3, 2, 0]);
        assert!(positions_by_key([]).is_empty());
        assert_eq!(positions_by_key([5, 5, 7, 9]), [0, 1, 2, 3]);
    }

    #[test]
    fn a_set_holds_each_item_once_in_order() {
        assert_eq!(
            set_of([3, 1, 3, 2]).into_iter().collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }
}
