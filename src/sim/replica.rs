//! A downstream system: its own copy of every record, and how it takes in events.

use super::ids::{EventId, WriteId};
use super::record::RecordState;
use super::resolver::{self, ReplicaVerdict, StaleReason, Strategy};
use super::source::PublishedEvent;

/// A set of event ids, stored as bits: ids are dense, and this keeps delivery fast.
#[derive(Debug, Clone, Default)]
pub struct EventSet(Vec<u64>);

impl EventSet {
    /// Adds `id`; returns `false` if it was already there.
    pub fn insert(&mut self, id: EventId) -> bool {
        let (word, bit) = ((id.0 / 64) as usize, id.0 % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        let fresh = self.0[word] & (1 << bit) == 0;
        self.0[word] |= 1 << bit;
        fresh
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: EventId) -> bool {
        self.0
            .get((id.0 / 64) as usize)
            .is_some_and(|w| w & (1 << (id.0 % 64)) != 0)
    }
}

/// What a replica did with one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reception {
    /// It had processed this event before and skipped it (idempotency on).
    SkipDuplicate,
    /// It took the event's state; `again` when it had applied this event before.
    Applied {
        /// Whether this event had been applied before.
        again: bool,
        /// The version it held before.
        previous_version: u64,
    },
    /// It kept what it had.
    Stale(StaleReason),
    /// Its own unconfirmed write `write` clashed with the event; it took the source's value.
    ConflictTookSource {
        /// The replica's clashing write.
        write: WriteId,
    },
    /// Its own unconfirmed write `write` clashed with the event; it keeps its value until a
    /// person decides.
    Escalate {
        /// The replica's clashing write.
        write: WriteId,
    },
}

/// A downstream system.
#[derive(Debug, Clone)]
pub struct Replica {
    /// Its copy of each record, indexed by `RecordId`.
    pub records: Vec<RecordState>,
    /// Event ids it has received at least once.
    seen: EventSet,
    /// Event ids it has applied at least once.
    applied: EventSet,
}

impl Replica {
    /// A replica holding `records`.
    pub fn new(records: Vec<RecordState>) -> Self {
        Replica {
            records,
            seen: EventSet::default(),
            applied: EventSet::default(),
        }
    }

    /// Whether this replica has received `event` before.
    pub fn has_seen(&self, event: EventId) -> bool {
        self.seen.contains(event)
    }

    /// Takes in one delivery of `event`. With `idempotent`, an event already processed is
    /// skipped; without it, the event goes through the strategy again.
    pub fn receive(
        &mut self,
        event: &PublishedEvent,
        strategy: Strategy,
        idempotent: bool,
    ) -> Reception {
        let first = self.seen.insert(event.id);
        if idempotent && !first {
            return Reception::SkipDuplicate;
        }
        let local = &mut self.records[event.record.0 as usize];
        match resolver::at_replica(strategy, local, &event.state) {
            ReplicaVerdict::Apply => {
                let previous_version = local.version;
                *local = event.state.clone();
                Reception::Applied {
                    again: !self.applied.insert(event.id),
                    previous_version,
                }
            }
            ReplicaVerdict::RejectStale(reason) => Reception::Stale(reason),
            ReplicaVerdict::ConflictTakeSource => {
                let write = local.write;
                *local = event.state.clone();
                self.applied.insert(event.id);
                Reception::ConflictTookSource { write }
            }
            ReplicaVerdict::Escalate => Reception::Escalate { write: local.write },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::sim::ids::{RecordId, SystemId};
    use crate::sim::source::EventKind;

    fn event(id: u64, version: u64, write: u64) -> PublishedEvent {
        PublishedEvent {
            id: EventId(id),
            record: RecordId(0),
            state: RecordState {
                fields: Arc::new(BTreeMap::new()),
                version,
                modified_at: version * 10,
                writer: SystemId::SOURCE,
                write: WriteId(write),
            },
            previous_version: version - 1,
            published_at: 0,
            kind: EventKind::Changed,
        }
    }

    fn replica() -> Replica {
        Replica::new(vec![RecordState::initial(Arc::new(BTreeMap::new()))])
    }

    #[test]
    fn event_set_tracks_membership_across_words() {
        let mut set = EventSet::default();
        assert!(set.insert(EventId(130)));
        assert!(!set.insert(EventId(130)));
        assert!(
            set.contains(EventId(130))
                && !set.contains(EventId(129))
                && !set.contains(EventId(9999))
        );
    }

    #[test]
    fn duplicate_is_skipped_with_idempotency_and_applied_again_without() {
        let e = event(1, 2, 1);
        let mut on = replica();
        assert_eq!(
            on.receive(&e, Strategy::VersionComparison, true),
            Reception::Applied {
                again: false,
                previous_version: 1
            }
        );
        assert_eq!(
            on.receive(&e, Strategy::VersionComparison, true),
            Reception::SkipDuplicate
        );
        let mut off = replica();
        off.receive(&e, Strategy::VersionComparison, false);
        assert_eq!(
            off.receive(&e, Strategy::VersionComparison, false),
            Reception::Applied {
                again: true,
                previous_version: 2
            }
        );
    }

    #[test]
    fn out_of_order_older_version_is_rejected() {
        let mut r = replica();
        r.receive(&event(2, 3, 2), Strategy::VersionComparison, true);
        assert_eq!(
            r.receive(&event(1, 2, 1), Strategy::VersionComparison, true),
            Reception::Stale(StaleReason::OlderVersion)
        );
        assert_eq!(r.records[0].version, 3);
    }
}
