//! A record as one system holds it: its fields plus the metadata every strategy needs.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::ids::{Millis, SystemId, WriteId};

/// A record's named values. Shared behind an `Arc` because one committed change travels,
/// unchanged, to every replica.
pub type Fields = Arc<BTreeMap<String, String>>;

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
pub fn merged(base: &Fields, set: &BTreeMap<String, String>) -> Fields {
    let mut next = (**base).clone();
    next.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
    Arc::new(next)
}

/// The fields as `name=value` pairs joined by commas, for messages and tables.
pub fn describe(fields: &BTreeMap<String, String>) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
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
        assert_eq!(base["email"], "a@x");
    }

    #[test]
    fn lww_key_breaks_ties_on_system_then_write() {
        let mut a = RecordState::initial(Arc::new(BTreeMap::new()));
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
