//! A record as one system holds it: its fields plus the metadata every strategy needs.

use std::ops::{Deref, DerefMut, Index};
use std::sync::Arc;

use litemap::LiteMap;

use serde::{Deserialize, Serialize};

use super::ids::{Millis, SystemId, WriteId};

/// Named values (a record's fields, or the fields a write sets), sorted by name; in JSON an
/// object of strings. A flat sorted vector (`LiteMap`, which it derefs to), not a
/// `BTreeMap`: a record has a few fields, and a `BTreeMap` allocates a node with room for
/// eleven even for one, which made every write and every script step cost half a kilobyte.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Values(LiteMap<String, String>);

impl Values {
    /// The single value `value` of field `name`.
    pub fn one(name: impl Into<String>, value: impl Into<String>) -> Values {
        Values(LiteMap::from_sorted_store_unchecked(vec![(
            name.into(),
            value.into(),
        )]))
    }

    /// Whether there are no values (for serde's `skip_serializing_if`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl Deref for Values {
    type Target = LiteMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Values {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Index<&str> for Values {
    type Output = String;

    /// The value of field `name`; panics when there is none, as a map's index does.
    fn index(&self, name: &str) -> &String {
        self.0
            .get(name)
            .unwrap_or_else(|| panic!("no field is called \"{name}\""))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Values {
    /// The values of `pairs`, the last winning for a repeated name.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        from_pairs(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// The values of `pairs`. Every way of making values ends here, so that the map's sort is
/// compiled once, not once per kind of iterator (1.8 KB of the page's first download each).
fn from_pairs(pairs: Vec<(String, String)>) -> Values {
    Values(pairs.into_iter().collect())
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for Values {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = (&'a String, &'a String);
    type IntoIter = <&'a LiteMap<String, String> as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&self.0).into_iter()
    }
}

/// A record's named values. Shared behind an `Arc` because one committed change travels,
/// unchanged, to every replica.
pub type Fields = Arc<Values>;

/// One system's copy of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordState {
    /// The record's values.
    pub fields: Fields,
    /// Version number; the source of truth adds one on every committed change.
    pub version: u64,
    /// When the write that produced these values happened, on the writer's clock.
    pub modified_at: Millis,
    /// The system whose write produced these values.
    pub writer: SystemId,
    /// The write that produced these values.
    pub write: WriteId,
}

impl RecordState {
    /// A record's state at the start of a run, identical on every system.
    pub fn initial(fields: Fields) -> Self {
        RecordState {
            fields,
            version: 1,
            modified_at: 0,
            writer: SystemId::SOURCE,
            write: WriteId::INITIAL,
        }
    }

    /// The last-write-wins ordering key: timestamp first, then system id, then write id
    /// (the last only separates two writes of one system in the same millisecond).
    pub fn lww_key(&self) -> (Millis, SystemId, WriteId) {
        (self.modified_at, self.writer, self.write)
    }

    /// Whether this copy holds the same change as `other` (same version of the same write).
    pub fn same_as(&self, other: &RecordState) -> bool {
        self.version == other.version && self.write == other.write
    }
}

/// `base` with the values of `set` laid over it.
pub fn merged(base: &Fields, set: &Values) -> Fields {
    let mut next = (**base).clone();
    for (k, v) in set.iter() {
        next.insert(k.clone(), v.clone());
    }
    Arc::new(next)
}

/// The fields as `name=value` pairs joined by commas, for messages and tables.
pub fn describe(fields: &Values) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn merged_overrides_and_keeps_other_fields() {
        let base = Arc::new(fields(&[("email", "a@x"), ("name", "Ada")]));
        let next = merged(&base, &fields(&[("email", "b@x")]));
        assert_eq!(*next, fields(&[("email", "b@x"), ("name", "Ada")]));
        assert_eq!(base.get("email").unwrap(), "a@x");
    }

    #[test]
    fn lww_key_breaks_ties_on_system_then_write() {
        let mut a = RecordState::initial(Arc::default());
        a.modified_at = 100;
        let mut b = a.clone();
        b.writer = SystemId(2);
        assert!(b.lww_key() > a.lww_key());
        let mut c = a.clone();
        c.write = WriteId(9);
        assert!(c.lww_key() > a.lww_key());
    }

    #[test]
    fn describe_lists_pairs_in_key_order() {
        assert_eq!(describe(&fields(&[("b", "2"), ("a", "1")])), "a=1, b=2");
    }
}
