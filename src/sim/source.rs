//! The source of truth: owns every record, commits changes, and publishes each committed
//! change through its outbox.

use serde::Serialize;

use super::ids::{EventId, Millis, RecordId, WriteId};
use super::invariants::WriteLog;
use super::record::{Fields, RecordState};
use super::shared_log::SharedLog;

/// One committed change in a record's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// The version it created.
    pub version: u64,
    /// The write committed.
    pub write: WriteId,
    /// The version the writer had seen when it wrote.
    pub base_version: u64,
    /// When it was committed.
    pub at: Millis,
    /// The values committed (a merge commits other values than its write's).
    #[serde(skip)]
    pub fields: Fields,
}

/// Whether a published event carries an ordinary change or a person's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A committed change.
    Changed,
    /// A committed escalation decision.
    Resolved,
}

/// An event the source of truth published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedEvent {
    /// Its id.
    pub id: EventId,
    /// The record it is about.
    pub record: RecordId,
    /// The record's new state.
    pub state: RecordState,
    /// The version before this change.
    pub previous_version: u64,
    /// When it was published.
    pub published_at: Millis,
    /// What kind of change it carries.
    pub kind: EventKind,
}

/// The authority for every record.
#[derive(Debug, Clone)]
pub struct SourceOfTruth {
    /// Current state of each record, indexed by `RecordId`.
    records: Vec<RecordState>,
    /// Every commit of each record, oldest first.
    history: Vec<SharedLog<Commit>>,
    outbox: Vec<(RecordId, EventKind, u64)>,
    /// Each record's values at version 1, before any commit.
    initial: Vec<Fields>,
}

impl SourceOfTruth {
    /// A source holding `initial` records.
    pub fn new(initial: Vec<RecordState>) -> Self {
        let history = vec![SharedLog::default(); initial.len()];
        SourceOfTruth {
            initial: initial.iter().map(|r| r.fields.clone()).collect(),
            records: initial,
            history,
            outbox: Vec::new(),
        }
    }

    /// The current state of each record, indexed by `RecordId`.
    pub fn records(&self) -> &[RecordState] {
        &self.records
    }

    /// Every commit of each record, oldest first, indexed by `RecordId`.
    pub fn history(&self) -> &[SharedLog<Commit>] {
        &self.history
    }

    /// How many commits each record's history holds.
    pub fn history_lengths(&self) -> Vec<usize> {
        self.history.iter().map(|h| h.len()).collect()
    }

    /// Takes the first `lengths` commits of each record's history from `full`, a later
    /// state of the same source (time travel: a snapshot keeps no history of its own).
    pub fn restore_history(&mut self, full: &SourceOfTruth, lengths: &[usize]) {
        self.history = full
            .history
            .iter()
            .zip(lengths)
            .map(|(h, &n)| h.prefix(n))
            .collect();
    }

    /// A copy without the commit histories (they are append-only and kept elsewhere).
    pub fn without_history(&self) -> SourceOfTruth {
        SourceOfTruth {
            records: self.records.clone(),
            history: Vec::new(),
            outbox: self.outbox.clone(),
            initial: self.initial.clone(),
        }
    }

    /// `record`'s values at `version`, if it has had that version (a common ancestor).
    pub fn values_at(&self, record: RecordId, version: u64) -> Option<&Fields> {
        if version <= 1 {
            return self.initial.get(record.0 as usize);
        }
        self.commits_after(record, version - 1)
            .next()
            .filter(|c| c.version == version)
            .map(|c| &c.fields)
    }

    /// `record`'s commits that made a version after `version`, oldest first.
    pub fn commits_after(&self, record: RecordId, version: u64) -> impl Iterator<Item = &Commit> {
        // Versions are numbered from 2 on, one per commit, so a version is a position: the
        // commit that made version v sits at v - 2.
        let commits = &self.history[record.0 as usize];
        (version.saturating_sub(1) as usize..commits.len()).map(move |i| &commits[i])
    }

    /// Commits `fields` in `write`'s name as the next version of its record, based on
    /// version `base_version`, stamped `modified_at`, at `now`, and queues it in the outbox
    /// as a change of `kind`. Returns the version.
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &mut self,
        write: &WriteLog,
        fields: Fields,
        base_version: u64,
        modified_at: Millis,
        kind: EventKind,
        now: Millis,
    ) -> u64 {
        let record = write.record;
        let current = &mut self.records[record.0 as usize];
        let previous = current.version;
        *current = RecordState {
            fields: fields.clone(),
            version: previous + 1,
            modified_at,
            writer: write.system,
            write: write.id,
        };
        self.history[record.0 as usize].push(Commit {
            version: previous + 1,
            write: write.id,
            base_version,
            at: now,
            fields,
        });
        self.outbox.push((record, kind, previous));
        previous + 1
    }

    /// Empties the outbox into events numbered from `next_id`.
    pub fn drain_outbox(&mut self, next_id: u64, now: Millis) -> Vec<PublishedEvent> {
        let records = &self.records;
        self.outbox
            .drain(..)
            .enumerate()
            .map(|(i, (record, kind, previous_version))| PublishedEvent {
                id: EventId(next_id + i as u64),
                record,
                state: records[record.0 as usize].clone(),
                previous_version,
                published_at: now,
                kind,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sim::ids::SystemId;
    use crate::sim::record::Fields;

    #[test]
    fn commit_bumps_version_records_history_and_publishes_once() {
        let empty: Fields = Arc::default();
        let mut source = SourceOfTruth::new(vec![RecordState::initial(empty.clone())]);
        let write = WriteLog {
            id: WriteId(5),
            kind: crate::sim::invariants::WriteKind::LocalWrite,
            system: SystemId(2),
            record: RecordId(0),
            fields: empty.clone(),
            base_version: 1,
            at: 45,
            stamp: 40,
        };
        let v = source.commit(&write, empty.clone(), 1, 40, EventKind::Changed, 50);
        assert_eq!(v, 2);
        assert_eq!(source.records[0].writer, SystemId(2));
        assert_eq!(
            source.history[0].iter().cloned().collect::<Vec<_>>(),
            vec![Commit {
                version: 2,
                write: WriteId(5),
                base_version: 1,
                at: 50,
                fields: empty.clone(),
            }]
        );
        let events = source.drain_outbox(7, 50);
        assert_eq!(events.len(), 1);
        assert_eq!(
            (
                events[0].id,
                events[0].previous_version,
                events[0].state.version
            ),
            (EventId(7), 1, 2)
        );
        assert!(source.drain_outbox(8, 51).is_empty());
    }
}
