//! A downstream system: its own copy of every record, and how it takes in events.

use std::collections::{BTreeMap, VecDeque};

use std::sync::Arc;

use super::ids::{EventId, Millis, RecordId, WriteId};
use super::record::{Fields, RecordState, Values};
use super::resolver::{Case, Deciding, Place, Ruling, StaleReason};
use super::source::{EventKind, PublishedEvent};

/// A set of event ids, stored as bits: ids are dense, and this keeps delivery fast.
#[derive(Debug, Clone, Default)]
pub struct EventSet(Vec<u64>, u64);

impl EventSet {
    /// Adds `id`; returns `false` if it was already there.
    pub fn insert(&mut self, id: EventId) -> bool {
        let (word, bit) = ((id.0 / 64) as usize, id.0 % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        let fresh = self.0[word] & (1 << bit) == 0;
        self.0[word] |= 1 << bit;
        self.1 += fresh as u64;
        fresh
    }

    /// How many ids the set holds.
    pub fn len(&self) -> u64 {
        self.1
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: EventId) -> bool {
        self.0
            .get((id.0 / 64) as usize)
            .is_some_and(|w| w & (1 << (id.0 % 64)) != 0)
    }
}

/// What a replica did with one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reception {
    /// It had processed this event before and skipped it (idempotency on).
    SkipDuplicate,
    /// It took the event's state; `again` when it had applied this event before.
    Applied {
        /// Whether this event had been applied before.
        again: bool,
        /// The copy it held before.
        previous: RecordState,
    },
    /// It kept what it had.
    Stale(StaleReason),
    /// The event skips versions this replica has not seen: it waits for `waiting_for`.
    Hold {
        /// The version that must arrive first.
        waiting_for: u64,
    },
    /// Its own unconfirmed write `write` clashed with the event; it took the source's value.
    ConflictTookSource {
        /// The copy it held before, carrying its clashing write.
        previous: RecordState,
    },
    /// Its own unconfirmed write and the event were merged into a new copy.
    Merged {
        /// The copy it held before.
        previous: RecordState,
    },
    /// Its own unconfirmed write `write` clashed with the event; it keeps its value until a
    /// person decides.
    Escalate {
        /// The replica's clashing write.
        write: WriteId,
    },
}

/// An event that failed every attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadLetter {
    /// The event.
    pub event: EventId,
    /// The record it is about.
    pub record: RecordId,
    /// When it was dead-lettered.
    pub at: Millis,
}

/// A downstream system.
#[derive(Debug, Clone)]
pub struct Replica {
    /// Its copy of each record, indexed by `RecordId`.
    pub records: Vec<RecordState>,
    /// For each record, the last version of the source's its copy takes in: the version
    /// it applied or merged, or the one its own unconfirmed write started from. A merged
    /// copy carries the event's version but the replica's own write, so neither tells it.
    incorporated: Vec<u64>,
    /// When a crashed replica is back, while it is down.
    down_until: Option<Millis>,
    /// Events processed recently, whose acknowledgement a crash could still lose.
    recent: VecDeque<(Millis, EventId, RecordId)>,
    /// Records whose events the consumer fails on, each until an optional time.
    /// Poison faults: the record, when it started, and when a fix ends it (if ever).
    poison: Vec<(RecordId, Millis, Option<Millis>)>,
    /// Events that failed every attempt, oldest first.
    dead_letters: Vec<DeadLetter>,
    /// Events held back, by (record, the version they follow).
    held: BTreeMap<(RecordId, u64), EventId>,
    /// Writes (by id) the side effect fired for at least once.
    effects_fired: EventSet,
    /// How often the side effect fired for writes it fired for more than once.
    effect_repeats: BTreeMap<WriteId, u32>,
    /// Idempotency keys (write ids) the external service has seen.
    effect_keys: EventSet,
    /// For each record, the last version it applied a second time and the event that
    /// carried it (only with idempotency off).
    applied_again: BTreeMap<RecordId, (u64, EventId)>,
    /// Event ids it has received at least once.
    seen: EventSet,
    /// Event ids it has applied at least once.
    applied: EventSet,
}

impl Replica {
    /// A replica holding `records`.
    pub fn new(records: Vec<RecordState>) -> Self {
        Replica {
            incorporated: records.iter().map(|r| r.version).collect(),
            records,
            down_until: None,
            recent: VecDeque::new(),
            poison: Vec::new(),
            dead_letters: Vec::new(),
            held: BTreeMap::new(),
            effects_fired: EventSet::default(),
            effect_repeats: BTreeMap::new(),
            effect_keys: EventSet::default(),
            applied_again: BTreeMap::new(),
            seen: EventSet::default(),
            applied: EventSet::default(),
        }
    }

    /// The replica's own write: its copy of `record` becomes `state`, written on the
    /// source's version `base`.
    pub(crate) fn write_locally(&mut self, record: RecordId, state: RecordState, base: u64) {
        self.records[record.0 as usize] = state;
        self.incorporated[record.0 as usize] = base;
    }

    /// The last version of the source's its copy of `record` takes in (the common
    /// ancestor's version, for an event that has seen it).
    pub(crate) fn incorporated(&self, record: RecordId) -> u64 {
        self.incorporated[record.0 as usize]
    }

    /// When it is back, while it is down after a crash.
    pub fn down_until(&self) -> Option<Millis> {
        self.down_until
    }

    /// It crashes until `until`, at `now`. Returns the events it processed within the
    /// last `ack_window` ms, oldest first: their acknowledgements are lost with the crash.
    pub fn crash(
        &mut self,
        now: Millis,
        until: Millis,
        ack_window: Millis,
    ) -> Vec<(EventId, RecordId)> {
        self.down_until = Some(until);
        let unacked = self
            .recent
            .iter()
            .filter(|(t, _, _)| now.saturating_sub(*t) < ack_window)
            .map(|&(_, e, rec)| (e, rec))
            .collect();
        self.recent.clear();
        unacked
    }

    /// It is running again.
    pub fn restart(&mut self) {
        self.down_until = None;
    }

    /// It processed `event` about `record` at `now`; events older than `ack_window` ms
    /// are acknowledged by now, so a crash no longer loses them.
    pub fn processed_now(
        &mut self,
        now: Millis,
        event: EventId,
        record: RecordId,
        ack_window: Millis,
    ) {
        self.recent.push_back((now, event, record));
        while self
            .recent
            .front()
            .is_some_and(|(t, _, _)| now.saturating_sub(*t) >= ack_window)
        {
            self.recent.pop_front();
        }
    }

    /// From `now` on its consumer fails on every event about `record`, until `until`.
    pub fn poison(&mut self, record: RecordId, now: Millis, until: Option<Millis>) {
        self.poison.push((record, now, until));
    }

    /// When the poison fault on `record` that started at `from` ends: `Some(None)` if
    /// never, `None` if no such fault started then.
    pub fn poison_ends(&self, record: RecordId, from: Millis) -> Option<Option<Millis>> {
        self.poison
            .iter()
            .rev()
            .find(|&&(r, start, _)| r == record && start == from)
            .map(|&(_, _, until)| until)
    }

    /// An event that failed every attempt joins the dead-letter queue.
    pub fn dead_letter(&mut self, letter: DeadLetter) {
        self.dead_letters.push(letter);
    }

    /// Its dead-letter queue, oldest first.
    pub fn dead_letters(&self) -> &[DeadLetter] {
        &self.dead_letters
    }

    /// Empties the dead-letter queue and returns what it held, oldest first.
    pub fn take_dead_letters(&mut self) -> Vec<DeadLetter> {
        std::mem::take(&mut self.dead_letters)
    }

    /// It applied `event`, carrying `version` of `record`, a second time.
    pub fn applied_again(&mut self, record: RecordId, version: u64, event: EventId) {
        self.applied_again.insert(record, (version, event));
    }

    /// The event it applied a second time to reach the version of `record` it holds now,
    /// if it did.
    pub fn applied_twice(&self, record: RecordId) -> Option<EventId> {
        let (version, event) = *self.applied_again.get(&record)?;
        (self.records[record.0 as usize].version == version).then_some(event)
    }

    /// The event it held back until `version` of `record` arrived, now that it has.
    pub fn release(&mut self, record: RecordId, version: u64) -> Option<EventId> {
        self.held.remove(&(record, version))
    }

    /// Its side effect fires for `write`; with idempotency `keys`, the external service
    /// ignores a key it has seen. Returns `None` when ignored, else how many times the
    /// effect has now fired for `write`.
    pub fn fire_effect(&mut self, write: WriteId, keys: bool) -> Option<u32> {
        if keys && !self.effect_keys.insert(EventId(write.0)) {
            return None;
        }
        Some(if self.effects_fired.insert(EventId(write.0)) {
            1
        } else {
            let repeats = self.effect_repeats.entry(write).or_insert(1);
            *repeats += 1;
            *repeats
        })
    }

    /// How many events it holds back, waiting for an earlier version.
    pub fn held_count(&self) -> usize {
        self.held.len()
    }

    /// How many times its side effect fired, repeats included.
    pub fn effects_count(&self) -> u64 {
        self.effects_fired.len()
            + self
                .effect_repeats
                .values()
                .map(|&n| u64::from(n.saturating_sub(1)))
                .sum::<u64>()
    }

    /// Whether this replica has received `event` before.
    pub fn has_seen(&self, event: EventId) -> bool {
        self.seen.contains(event)
    }

    /// How many distinct events this replica has processed.
    pub fn processed(&self) -> u64 {
        self.seen.len()
    }

    /// Whether the consumer fails on events about `record` at `now`.
    pub fn is_poisoned(&self, record: RecordId, now: Millis) -> bool {
        self.poison
            .iter()
            .any(|&(r, _, until)| r == record && until.is_none_or(|u| now < u))
    }

    /// Takes in one delivery of `event`, which `deciding` decides given the common
    /// ancestor `ancestor` (values, if the resolver reads them, and version). With
    /// `idempotent`, an event already processed is skipped; without it, the event is
    /// decided again. With `in_order`, an
    /// event that skips versions this replica has not seen is held back.
    pub(crate) fn receive(
        &mut self,
        event: &PublishedEvent,
        deciding: &Deciding,
        ancestor: (Option<Fields>, u64),
        idempotent: bool,
        in_order: bool,
    ) -> Reception {
        if idempotent && self.seen.contains(event.id) {
            return Reception::SkipDuplicate;
        }
        let held_version = self.records[event.record.0 as usize].version;
        if in_order
            && event.previous_version > held_version
            && event.state.write != self.records[event.record.0 as usize].write
        {
            self.held
                .insert((event.record, event.previous_version), event.id);
            return Reception::Hold {
                waiting_for: held_version + 1,
            };
        }
        self.seen.insert(event.id);
        let local = &mut self.records[event.record.0 as usize];
        // The replica's own write (or a change it already holds) coming back from the
        // source: the source's numbering is the authoritative one, so it is adopted without
        // asking, even under a lower version than the replica guessed (a guess built on a
        // write the source threw away). Only a merged copy, which carries the replica's
        // write under the version of the event it merged, leaves an older echo to be
        // decided like any other event (it is stale).
        let older_echo = self.incorporated[event.record.0 as usize] == local.version
            && event.state.version < local.version;
        let ruling = if event.state.write == local.write && !older_echo {
            Ruling::Apply
        } else {
            let (values, ancestor_version) = ancestor;
            let none = Values::default();
            deciding.decide(&Case {
                place: Place::Replica,
                held: local,
                incoming: &event.state,
                incoming_base: event.previous_version,
                ancestor: values.as_deref().unwrap_or(&none),
                ancestor_version,
                decided: event.kind == EventKind::Resolved,
            })
        };
        // The copy it replaces is handed back, not cloned: the engine reads its version
        // and lifecycle state, and a clone would cost two atomic counts per delivery.
        if matches!(ruling, Ruling::Apply | Ruling::Conflict | Ruling::Merge(_)) {
            self.incorporated[event.record.0 as usize] = event.state.version;
        }
        match ruling {
            Ruling::Apply => {
                let previous = std::mem::replace(local, event.state.clone());
                Reception::Applied {
                    again: !self.applied.insert(event.id),
                    previous,
                }
            }
            Ruling::RejectStale(reason) => Reception::Stale(reason),
            Ruling::Conflict => {
                let previous = std::mem::replace(local, event.state.clone());
                self.applied.insert(event.id);
                Reception::ConflictTookSource { previous }
            }
            Ruling::Escalate => Reception::Escalate { write: local.write },
            Ruling::Merge(values) => {
                // The merged copy stands in for the replica's own write, under the event's
                // version, until the source's next event about the record replaces it.
                let merged = RecordState {
                    fields: Arc::new(values),
                    version: event.state.version,
                    ..local.clone()
                };
                let previous = std::mem::replace(local, merged);
                self.applied.insert(event.id);
                Reception::Merged { previous }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sim::ids::{RecordId, SystemId};
    use crate::sim::resolver::Strategy;

    const VERSION: Deciding = Deciding::BuiltIn(Strategy::VersionComparison);

    /// `r` receives `e` under version comparison (its ancestor does not matter there).
    fn receive(r: &mut Replica, e: &PublishedEvent, idempotent: bool, in_order: bool) -> Reception {
        r.receive(e, &VERSION, (None, 0), idempotent, in_order)
    }

    fn event(id: u64, version: u64, write: u64) -> PublishedEvent {
        PublishedEvent {
            id: EventId(id),
            record: RecordId(0),
            state: RecordState {
                fields: Arc::default(),
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
        Replica::new(vec![RecordState::initial(Arc::default())])
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
            receive(&mut on, &e, true, false),
            Reception::Applied {
                again: false,
                previous: replica().records[0].clone(),
            }
        );
        assert_eq!(receive(&mut on, &e, true, false), Reception::SkipDuplicate);
        let mut off = replica();
        receive(&mut off, &e, false, false);
        assert_eq!(
            receive(&mut off, &e, false, false),
            Reception::Applied {
                again: true,
                previous: e.state.clone(),
            }
        );
    }

    #[test]
    fn out_of_order_older_version_is_rejected() {
        let mut r = replica();
        receive(&mut r, &event(2, 3, 2), true, false);
        assert_eq!(
            receive(&mut r, &event(1, 2, 1), true, false),
            Reception::Stale(StaleReason::OlderVersion)
        );
        assert_eq!(r.records[0].version, 3);
    }

    #[test]
    fn in_order_holds_an_event_that_skips_a_version() {
        let mut r = replica();
        // Version 3 follows version 2, which this replica (at version 1) has not seen.
        assert_eq!(
            receive(&mut r, &event(2, 3, 2), true, true),
            Reception::Hold { waiting_for: 2 }
        );
        assert_eq!(r.held.get(&(RecordId(0), 2)), Some(&EventId(2)));
        assert_eq!(r.processed(), 0);
        assert!(matches!(
            receive(&mut r, &event(1, 2, 1), true, true),
            Reception::Applied { .. }
        ));
    }

    #[test]
    fn its_own_write_comes_back_under_any_version_unless_the_copy_merged_a_later_one() {
        let mut r = replica();
        let mine = RecordState {
            version: 4, // guessed on version 3
            writer: SystemId(1),
            write: WriteId(9),
            ..r.records[0].clone()
        };
        r.write_locally(RecordId(0), mine.clone(), 3);
        // The source numbered it 3 (the write the guess built on was thrown away).
        let echo = PublishedEvent {
            state: RecordState {
                version: 3,
                ..mine.clone()
            },
            ..event(5, 3, 9)
        };
        assert!(matches!(
            receive(&mut r, &echo, true, false),
            Reception::Applied { .. }
        ));
        // A copy that merged version 6 into the same write: the echo at 5 is older.
        let mut merged = replica();
        merged.write_locally(RecordId(0), mine.clone(), 3);
        merged.records[0].version = 6;
        merged.incorporated[0] = 6;
        let late = PublishedEvent {
            state: RecordState { version: 5, ..mine },
            ..event(7, 5, 9)
        };
        assert_eq!(
            receive(&mut merged, &late, true, false),
            Reception::Stale(StaleReason::OlderVersion)
        );
    }

    #[test]
    fn poison_lasts_until_its_end() {
        let mut r = replica();
        r.poison(RecordId(0), 10, Some(100));
        assert_eq!(r.poison_ends(RecordId(0), 10), Some(Some(100)));
        assert_eq!(r.poison_ends(RecordId(0), 11), None);
        assert!(r.is_poisoned(RecordId(0), 99));
        assert!(!r.is_poisoned(RecordId(0), 100));
        assert!(!r.is_poisoned(RecordId(1), 50));
    }
}
