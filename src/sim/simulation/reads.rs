//! What a run can be asked about itself: its scenario, trace, logs, records and the state
//! of its systems and links. Nothing here changes the run.

use super::*;

impl Simulation {
    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario being run, shared: another run of it (`from_checked`) need not copy it.
    pub fn shared_scenario(&self) -> Arc<Scenario> {
        Arc::clone(&self.scenario)
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The built-in strategy of this run; `None` when a resolver of one's own decides
    /// (`with_resolver`).
    pub fn strategy(&self) -> Option<Strategy> {
        match &self.deciding {
            Deciding::BuiltIn(s) => Some(*s),
            Deciding::Custom(_) => None,
        }
    }

    /// The name of what decides in this run: the strategy's short name (`Strategy::as_str`)
    /// or the custom resolver's.
    pub fn resolver_name(&self) -> &str {
        self.deciding.name()
    }

    /// The copies of every record held by the system called `system` (the source of truth
    /// or a replica), in the scenario's record order; an unknown name is an error that lists
    /// the systems there are.
    pub fn records_of(&self, system: &str) -> Result<&[RecordState], UnknownName> {
        if system == self.scenario.source {
            return Ok(self.source_records());
        }
        match self.scenario.replicas.iter().position(|r| r.name == system) {
            Some(r) => Ok(self.replica_records(r)),
            None => Err(UnknownName {
                what: "system",
                name: system.to_string(),
                known: std::iter::once(self.scenario.source.clone())
                    .chain(self.scenario.replicas.iter().map(|r| r.name.clone()))
                    .collect(),
            }),
        }
    }

    /// The copy of record `record` (its id) held by the system called `system`; an unknown
    /// system or record is an error that lists those there are.
    pub fn record_of(&self, system: &str, record: &str) -> Result<&RecordState, UnknownName> {
        let copies = self.records_of(system)?;
        let index = self.scenario.records.iter().position(|r| r.id == record);
        index
            .and_then(|i| copies.get(i))
            .ok_or_else(|| UnknownName {
                what: "record",
                name: record.to_string(),
                known: self.scenario.records.iter().map(|r| r.id.clone()).collect(),
            })
    }

    /// `record`'s values at `version` at the source of truth, if it has had that version
    /// so far (a common ancestor, or what a write started from).
    pub fn values_at(&self, record: RecordId, version: u64) -> Option<&Fields> {
        self.source.values_at(record, version)
    }

    /// The current virtual time.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Every step so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Whether replicas skip events they have processed already.
    pub fn idempotency(&self) -> bool {
        self.idempotency
    }

    /// The counts so far.
    pub fn metrics(&self) -> Metrics {
        let mut m = self.metrics.clone();
        m.escalations_pending = self.inbox.pending().count() as u64;
        m.dead_letter_depth = self.dead_letter_depth();
        m.consumer_lag = self.consumer_lag();
        m.converged = self.divergent == 0 && self.is_quiet();
        m.converged_at = m.converged.then_some(self.converged_since);
        m.end_time = self.now;
        m
    }

    /// The source of truth's records.
    pub fn source_records(&self) -> &[RecordState] {
        self.source.records()
    }

    /// Replica `index`'s records (by its position in the scenario; `records_of` reaches
    /// them by name).
    ///
    /// # Panics
    ///
    /// If the scenario has no replica at `index`.
    pub fn replica_records(&self, index: usize) -> &[RecordState] {
        &self.replicas[index].records
    }

    /// Every escalation, decided or not.
    pub fn escalations(&self) -> &[Escalation] {
        self.inbox.all()
    }

    /// Every event published so far.
    pub fn events(&self) -> &SharedLog<PublishedEvent> {
        &self.events
    }

    /// Every acknowledged write so far.
    pub fn writes(&self) -> &SharedLog<WriteLog> {
        &self.writes
    }

    /// The writes the engine saw disappear without a report (last-write-wins only).
    pub fn lost_updates(&self) -> impl Iterator<Item = WriteId> + '_ {
        self.lost.keys().copied()
    }

    /// The write that won over lost write `write`, if it was lost.
    pub fn lost_to(&self, write: WriteId) -> Option<WriteId> {
        self.lost.get(&write).copied()
    }

    /// The name of record `id`.
    pub fn record_name(&self, id: RecordId) -> &str {
        &self.scenario.records[id.0 as usize].id
    }

    /// Tasks processed so far: the explorer's step counter.
    pub fn tasks_done(&self) -> u64 {
        self.tasks
    }

    /// Every message on the bus now, with its slot: what a person can drop, delay or duplicate.
    pub fn in_flight(&self) -> Vec<(u32, Message)> {
        self.bus.messages().map(|(slot, m)| (slot, *m)).collect()
    }

    /// The knobs of the link to replica `r` now.
    pub fn link_faults(&self, r: usize) -> &LinkFaults {
        &self.bus.link(r).faults
    }

    /// Whether the link to replica `r` is down now.
    pub fn is_partitioned(&self, r: usize) -> bool {
        self.bus.is_partitioned(r, self.now)
    }

    /// The event replica `r` applied a second time to reach the version of `record` it
    /// holds now, if it did.
    pub fn applied_twice(&self, r: usize, record: RecordId) -> Option<EventId> {
        self.replicas[r].applied_twice(record)
    }

    /// When replica `r` restarts, if it is down.
    pub fn down_until(&self, r: usize) -> Option<Millis> {
        self.replicas[r].down_until()
    }

    /// A system's clock.
    pub fn clock(&self, system: SystemId) -> Clock {
        self.clocks[system.0 as usize]
    }

    /// Divergent copies, in-flight messages, lag, dead letters and pending escalations,
    /// sampled on the virtual clock.
    pub fn series(&self) -> &Series {
        &self.series
    }

    /// Replica `r`'s dead-letter queue.
    pub fn dead_letters(&self, r: usize) -> &[DeadLetter] {
        self.replicas[r].dead_letters()
    }

    /// Notes referred to by trace steps (refusal reasons, saga failures).
    pub fn note_text(&self, note: u32) -> &str {
        &self.notes[note as usize]
    }

    /// When the poison fault on `record` that started at `from` at replica `r` ends:
    /// `Some(None)` if never, `None` if no such fault started then.
    pub fn poison_ends(&self, r: usize, record: RecordId, from: Millis) -> Option<Option<Millis>> {
        self.replicas[r].poison_ends(record, from)
    }
}

/// A system or record asked for by a name the scenario does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was asked for: `system` or `record`.
    pub what: &'static str,
    /// The name asked for.
    pub name: String,
    /// The names there are.
    pub known: Vec<String>,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no {} is called \"{}\"; this scenario has {}",
            self.what,
            self.name,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}
