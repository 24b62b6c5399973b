//! The source of truth's side of a change: a write logged, decided by the resolver,
//! committed and published, or lost, reported as a conflict, or escalated to a person.

use super::*;

impl Simulation {
    pub(super) fn new_write(
        &mut self,
        kind: WriteKind,
        system: SystemId,
        record: RecordId,
        fields: Fields,
        base_version: u64,
    ) -> WriteId {
        let id = WriteId(self.writes.len() as u64 + 1);
        self.writes.push(WriteLog {
            id,
            kind,
            system,
            record,
            fields,
            base_version,
            at: self.now,
            stamp: self.clocks[system.0 as usize].read(self.now),
        });
        id
    }

    /// The source commits `write` (already logged), stamped `modified_at`, and publishes it.
    pub(super) fn commit(&mut self, write: WriteId, modified_at: Millis, kind: EventKind) {
        let log = &self.writes[write.0 as usize - 1];
        let (fields, base) = (log.fields.clone(), log.base_version);
        self.commit_values(write, fields, base, modified_at, kind);
    }

    /// The source commits `fields` in `write`'s name, based on version `base`, stamped
    /// `modified_at`, and publishes it.
    pub(super) fn commit_values(
        &mut self,
        write: WriteId,
        fields: Fields,
        base: u64,
        modified_at: Millis,
        kind: EventKind,
    ) {
        let log = &self.writes[write.0 as usize - 1];
        let record = log.record;
        let version = self
            .source
            .commit(log, fields, base, modified_at, kind, self.now);
        self.record(
            SystemId::SOURCE,
            StepKind::Commit {
                record,
                write,
                version,
            },
        );
        for r in 0..self.replicas.len() {
            self.refresh(r, record);
        }
        let published = self
            .source
            .drain_outbox(self.events.len() as u64 + 1, self.now);
        for event in published {
            self.metrics.published += 1;
            self.record(
                SystemId::SOURCE,
                StepKind::Publish {
                    event: event.id,
                    record: event.record,
                },
            );
            for r in 0..self.replicas.len() {
                self.send(Message::new(event.id, event.record, r, self.now));
            }
            self.events.push(event);
        }
    }

    pub(super) fn request(&mut self, write: WriteId) {
        let record = self.writes[write.0 as usize - 1].record;
        self.record(SystemId::SOURCE, StepKind::Request { record, write });
        self.settle(write);
    }

    /// The source's resolver decides `write` (a replica's request or the source's own
    /// command), and the source carries the ruling out.
    pub(super) fn settle(&mut self, write: WriteId) {
        let log = self.writes[write.0 as usize - 1].clone();
        let record = log.record;
        let current = self.source.records()[record.0 as usize].clone();
        let requested = RecordState {
            fields: log.fields.clone(),
            version: log.base_version + 1,
            modified_at: log.stamp,
            writer: log.system,
            write,
        };
        let ancestor_version = log.base_version.min(current.version);
        let ancestor = self.ancestor(record, ancestor_version);
        let ruling = self.deciding.decide(&Case {
            place: Place::Source,
            held: &current,
            incoming: &requested,
            incoming_base: log.base_version,
            ancestor: &ancestor,
            ancestor_version,
            decided: false,
        });
        match ruling {
            Ruling::Apply => {
                // A commit over versions this writer never saw (last write wins, apply on
                // arrival) loses those writes, and nobody is told.
                let skipped: Vec<WriteId> = self
                    .source
                    .commits_after(record, log.base_version)
                    .map(|c| c.write)
                    .collect();
                for lost in skipped {
                    self.lose(record, lost, write);
                }
                self.commit(write, log.stamp, EventKind::Changed);
            }
            Ruling::RejectStale(_) => self.lose(record, write, current.write),
            Ruling::Conflict => self.report_conflict(SystemId::SOURCE, record, write),
            Ruling::Escalate => self.escalate(SystemId::SOURCE, record, write),
            Ruling::Merge(values) => {
                self.metrics.merges += 1;
                self.record(SystemId::SOURCE, StepKind::MergeWrite { record, write });
                // The merge has seen every version the source holds: it is based on the
                // current one, so nothing committed before it is lost.
                let fields = Arc::new(values);
                self.commit_values(
                    write,
                    fields,
                    current.version,
                    log.stamp,
                    EventKind::Changed,
                );
            }
        }
    }

    /// `record`'s values at `version` (a common ancestor): from the source's history, or,
    /// for a version it never had, nothing.
    pub(super) fn ancestor(&self, record: RecordId, version: u64) -> Fields {
        self.source
            .values_at(record, version)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn lose(&mut self, record: RecordId, write: WriteId, winner: WriteId) {
        if self.lost.insert(write, winner).is_none() {
            self.metrics.lost_updates += 1;
            self.record(SystemId::SOURCE, StepKind::LostUpdate { record, write });
        }
    }

    pub(super) fn report_conflict(&mut self, actor: SystemId, record: RecordId, write: WriteId) {
        if self.reported.insert(write) {
            self.metrics.conflicts += 1;
            self.record(actor, StepKind::Conflict { record, write });
        }
    }

    pub(super) fn escalate(&mut self, actor: SystemId, record: RecordId, write: WriteId) {
        if self.inbox.for_write(write).is_some() {
            return;
        }
        self.reported.insert(write);
        self.metrics.conflicts += 1;
        self.metrics.escalations_raised += 1;
        let log = &self.writes[write.0 as usize - 1];
        let escalation = self.inbox.raise(Escalation {
            id: 0,
            record,
            write,
            replica: log.system,
            replica_value: log.fields.clone(),
            source_value: self.source.records()[record.0 as usize].fields.clone(),
            raised_at: self.now,
            decision: None,
        });
        self.record(
            actor,
            StepKind::Escalate {
                record,
                write,
                escalation,
            },
        );
    }
}
