//! The scheduler that runs a scenario: it pops the next task off a time-ordered queue, asks
//! the source, the bus or a replica what happens, records the steps and schedules what
//! follows.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::Arc;

use serde::Serialize;

use super::bus::{EventBus, Message};
use super::escalation::{Decision, Escalation, EscalationInbox};
use super::ids::{EventId, Millis, RecordId, SystemId, WriteId};
use super::invariants::{self, LostWrite, Violation, WriteKind, WriteLog, names};
use super::metrics::Metrics;
use super::record::{Fields, RecordState, describe, merged};
use super::replica::{Reception, Replica};
use super::resolver::{self, SourceVerdict, Strategy};
use super::rng::SimRng;
use super::scenario::{Action, Scenario, ScenarioErrors};
use super::source::{EventKind, PublishedEvent, SourceOfTruth};
use super::trace::{StepKind, Trace, TraceStep};

/// Most tasks one run may process before it is stopped (keeps a runaway scenario finite).
pub const MAX_TASKS: u64 = 20_000_000;

/// Something scheduled to happen at a virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    /// Script step number n.
    Script(u32),
    /// The message in a bus slot arrives.
    Arrive(u32),
    /// The ack timeout of a dropped message in a bus slot passes.
    Redeliver(u32),
    /// A replica's change request reaches the source of truth.
    Request(WriteId),
}

/// The result of a run, as the runner prints it and the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The strategy.
    pub strategy: Strategy,
    /// Whether replicas skipped duplicates.
    pub idempotency: bool,
    /// Summary numbers.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Steps in the trace.
    pub steps: usize,
    /// Hash of the whole trace.
    pub trace_hash: String,
    /// Every invariant and whether it held.
    pub invariants: BTreeMap<&'static str, bool>,
    /// Every failure, explained.
    pub invariant_violations: Vec<Violation>,
}

/// A run of one scenario with one seed and one strategy.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Arc<Scenario>,
    seed: u64,
    strategy: Strategy,
    idempotency: bool,
    rng: SimRng,
    now: Millis,
    seq: u64,
    tasks: u64,
    queue: BinaryHeap<Reverse<(Millis, u64, Task)>>,
    record_index: BTreeMap<String, RecordId>,
    source: SourceOfTruth,
    replicas: Vec<Replica>,
    bus: EventBus,
    events: Vec<PublishedEvent>,
    writes: Vec<WriteLog>,
    trace: Trace,
    metrics: Metrics,
    inbox: EscalationInbox,
    reported: BTreeSet<WriteId>,
    lost: BTreeSet<WriteId>,
    differs: Vec<bool>,
    divergent: usize,
    converged_since: Millis,
    violations: Vec<Violation>,
}

impl Simulation {
    /// Prepares a run of `scenario` with `seed` and `strategy`; nothing happens until it is stepped.
    pub fn new(scenario: &Scenario, seed: u64, strategy: Strategy) -> Result<Self, ScenarioErrors> {
        scenario.validate()?;
        let initial: Vec<RecordState> = scenario
            .records
            .iter()
            .map(|r| RecordState::initial(Arc::new(r.fields.clone())))
            .collect();
        let record_index = scenario
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), RecordId(i as u32)))
            .collect();
        let mut sim = Simulation {
            seed,
            strategy,
            idempotency: scenario.idempotency,
            rng: SimRng::new(seed),
            now: 0,
            seq: 0,
            tasks: 0,
            queue: BinaryHeap::new(),
            record_index,
            source: SourceOfTruth::new(initial.clone()),
            replicas: scenario
                .replicas
                .iter()
                .map(|_| Replica::new(initial.clone()))
                .collect(),
            bus: EventBus::new(
                scenario.replicas.iter().map(|r| r.link.clone()),
                initial.len(),
            ),
            events: Vec::new(),
            writes: Vec::new(),
            trace: Trace::default(),
            metrics: Metrics::default(),
            inbox: EscalationInbox::default(),
            reported: BTreeSet::new(),
            lost: BTreeSet::new(),
            differs: vec![false; scenario.replicas.len() * initial.len()],
            divergent: 0,
            converged_since: 0,
            violations: Vec::new(),
            scenario: Arc::new(scenario.clone()),
        };
        for (i, step) in scenario.script.iter().enumerate() {
            sim.schedule(step.at, Task::Script(i as u32));
        }
        Ok(sim)
    }

    /// Turns idempotency (the processed-event-id check) on or off for this run.
    pub fn with_idempotency(mut self, on: bool) -> Self {
        self.idempotency = on;
        self
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The strategy of this run.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The current virtual time.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Every step so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The counts so far.
    pub fn metrics(&self) -> Metrics {
        let mut m = self.metrics.clone();
        m.escalations_pending = self.inbox.pending().count() as u64;
        m.converged = self.divergent == 0 && self.is_quiet();
        m.converged_at = m.converged.then_some(self.converged_since);
        m.end_time = self.now;
        m
    }

    /// The source of truth's records.
    pub fn source_records(&self) -> &[RecordState] {
        &self.source.records
    }

    /// Replica `index`'s records.
    pub fn replica_records(&self, index: usize) -> &[RecordState] {
        &self.replicas[index].records
    }

    /// Every escalation, decided or not.
    pub fn escalations(&self) -> &[Escalation] {
        self.inbox.all()
    }

    /// Every event published so far.
    pub fn events(&self) -> &[PublishedEvent] {
        &self.events
    }

    /// Every acknowledged write so far.
    pub fn writes(&self) -> &[WriteLog] {
        &self.writes
    }

    /// The writes the engine saw disappear without a report (last-write-wins only).
    pub fn lost_updates(&self) -> &BTreeSet<WriteId> {
        &self.lost
    }

    /// The name of record `id`.
    pub fn record_name(&self, id: RecordId) -> &str {
        &self.scenario.records[id.0 as usize].id
    }

    /// Whether nothing is left to happen.
    pub fn is_quiet(&self) -> bool {
        self.queue.is_empty()
    }

    fn schedule(&mut self, at: Millis, task: Task) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, task)));
    }

    fn record(&mut self, actor: SystemId, kind: StepKind) {
        self.trace.push(TraceStep {
            time: self.now,
            actor,
            kind,
        });
    }

    /// Processes the next task; returns `false` when nothing is left or the task limit is hit.
    pub fn step(&mut self) -> bool {
        if self.tasks >= MAX_TASKS {
            return false;
        }
        let Some(Reverse((at, _, task))) = self.queue.pop() else {
            return false;
        };
        self.now = at;
        self.tasks += 1;
        match task {
            Task::Script(i) => self.run_script_step(i as usize),
            Task::Arrive(slot) => self.arrive(slot),
            Task::Redeliver(slot) => self.redeliver(slot),
            Task::Request(write) => self.request(write),
        }
        if self.tasks == MAX_TASKS && !self.queue.is_empty() {
            self.violations.push(Violation {
                name: names::FINISHES,
                time: self.now,
                message: format!(
                    "The run was stopped after {MAX_TASKS} steps with work still queued."
                ),
            });
        }
        true
    }

    /// Processes at most `budget` tasks; returns whether anything is left to do.
    pub fn run_for(&mut self, budget: u64) -> bool {
        for _ in 0..budget {
            if !self.step() {
                return false;
            }
        }
        !self.is_quiet() && self.tasks < MAX_TASKS
    }

    /// Runs until the bus is quiet.
    pub fn run_to_end(&mut self) -> &mut Self {
        while self.step() {}
        self
    }

    fn new_write(
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
        });
        id
    }

    fn run_script_step(&mut self, i: usize) {
        let scenario = Arc::clone(&self.scenario);
        match &scenario.script[i].action {
            Action::Command { record, set } => {
                let record = self.record_index[record];
                let current = &self.source.records[record.0 as usize];
                let (fields, base) = (merged(&current.fields, set), current.version);
                let write = self.new_write(
                    WriteKind::Command,
                    SystemId::SOURCE,
                    record,
                    fields.clone(),
                    base,
                );
                self.metrics.commands += 1;
                self.record(SystemId::SOURCE, StepKind::Command { record, write });
                self.commit(
                    record,
                    fields,
                    self.now,
                    SystemId::SOURCE,
                    write,
                    base,
                    EventKind::Changed,
                );
            }
            Action::LocalWrite {
                system,
                record,
                set,
            } => {
                let r = scenario
                    .replicas
                    .iter()
                    .position(|s| &s.name == system)
                    .expect("validated");
                let record = self.record_index[record];
                let local = &self.replicas[r].records[record.0 as usize];
                let (fields, base) = (merged(&local.fields, set), local.version);
                let actor = SystemId::replica(r);
                let write =
                    self.new_write(WriteKind::LocalWrite, actor, record, fields.clone(), base);
                self.replicas[r].records[record.0 as usize] = RecordState {
                    fields,
                    version: base + 1,
                    modified_at: self.now,
                    writer: actor,
                    write,
                };
                self.metrics.local_writes += 1;
                self.record(actor, StepKind::LocalWrite { record, write });
                self.refresh(r, record);
                let at = self.bus.request_arrival(r, record, self.now, &mut self.rng);
                self.schedule(at, Task::Request(write));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        record: RecordId,
        fields: Fields,
        modified_at: Millis,
        writer: SystemId,
        write: WriteId,
        base: u64,
        kind: EventKind,
    ) {
        let version = self.source.commit(
            record,
            fields,
            modified_at,
            writer,
            write,
            base,
            kind,
            self.now,
        );
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
                self.send(Message {
                    event: event.id,
                    record: event.record,
                    replica: r,
                    attempt: 1,
                    sent_at: self.now,
                    arrives_at: 0,
                    duplicate: false,
                });
            }
            self.events.push(event);
        }
    }

    fn send(&mut self, message: Message) {
        let slot = self.bus.send(message, &mut self.rng, true);
        let at = self.bus.message(slot).arrives_at;
        self.schedule(at, Task::Arrive(slot));
        if self
            .rng
            .chance(self.bus.link(message.replica).faults.duplicate_probability)
        {
            self.record(
                SystemId::replica(message.replica),
                StepKind::Duplicate {
                    event: message.event,
                },
            );
            let slot = self.bus.send(
                Message {
                    duplicate: true,
                    ..message
                },
                &mut self.rng,
                true,
            );
            let at = self.bus.message(slot).arrives_at;
            self.schedule(at, Task::Arrive(slot));
        }
    }

    fn arrive(&mut self, slot: u32) {
        let message = *self.bus.message(slot);
        let r = message.replica;
        let actor = SystemId::replica(r);
        let faults = &self.bus.link(r).faults;
        if self.rng.chance(faults.drop_probability) {
            self.metrics.dropped += 1;
            let at = self.now.max(message.sent_at + faults.ack_timeout_ms);
            self.record(
                actor,
                StepKind::Drop {
                    event: message.event,
                },
            );
            self.schedule(at, Task::Redeliver(slot));
            return;
        }
        self.bus.remove(slot);
        self.metrics.delivered += 1;
        if self.replicas[r].has_seen(message.event) {
            self.metrics.duplicates_delivered += 1;
        }
        self.record(
            actor,
            StepKind::Deliver {
                event: message.event,
                attempt: message.attempt,
            },
        );
        let event = &self.events[message.event.0 as usize - 1];
        let record = event.record;
        let reception = self.replicas[r].receive(event, self.strategy, self.idempotency);
        match reception {
            Reception::SkipDuplicate => {
                self.metrics.duplicates_absorbed += 1;
                self.record(
                    actor,
                    StepKind::SkipDuplicate {
                        event: message.event,
                    },
                );
            }
            Reception::Applied {
                again,
                previous_version,
            } => {
                self.applied(r, message.event, record, again, previous_version);
            }
            Reception::Stale(reason) => {
                self.metrics.stale_rejected += 1;
                self.record(
                    actor,
                    StepKind::RejectStale {
                        event: message.event,
                        reason,
                    },
                );
            }
            Reception::ConflictTookSource { write } => {
                self.report_conflict(actor, record, write);
                let previous_version = self.events[message.event.0 as usize - 1].state.version;
                self.applied(r, message.event, record, false, previous_version);
            }
            Reception::Escalate { write } => self.escalate(actor, record, write),
        }
    }

    fn applied(
        &mut self,
        r: usize,
        event: EventId,
        record: RecordId,
        again: bool,
        previous_version: u64,
    ) {
        let actor = SystemId::replica(r);
        let version = self.replicas[r].records[record.0 as usize].version;
        self.metrics.applied += 1;
        if again {
            self.metrics.duplicates_applied += 1;
        }
        self.record(
            actor,
            StepKind::Apply {
                event,
                version,
                again,
            },
        );
        if version < previous_version {
            self.violations.push(Violation {
                name: names::MONOTONIC_VERSIONS,
                time: self.now,
                message: format!(
                    "{} went back from version {previous_version} to {version} of {} when it applied {event}.",
                    self.scenario.system_name(actor),
                    self.record_name(record)
                ),
            });
        }
        if again && self.idempotency {
            self.violations.push(Violation {
                name: names::EXACTLY_ONCE,
                time: self.now,
                message: format!(
                    "{} applied {event} a second time although idempotency is on.",
                    self.scenario.system_name(actor)
                ),
            });
        }
        self.refresh(r, record);
    }

    fn redeliver(&mut self, slot: u32) {
        let at = self.bus.resend(slot, self.now, &mut self.rng);
        let message = *self.bus.message(slot);
        self.metrics.redelivered += 1;
        self.record(
            SystemId::replica(message.replica),
            StepKind::Redeliver {
                event: message.event,
                attempt: message.attempt,
            },
        );
        self.schedule(at, Task::Arrive(slot));
    }

    fn request(&mut self, write: WriteId) {
        let log = self.writes[write.0 as usize - 1].clone();
        let record = log.record;
        self.record(SystemId::SOURCE, StepKind::Request { record, write });
        let current = self.source.records[record.0 as usize].clone();
        let requested = RecordState {
            fields: log.fields.clone(),
            version: log.base_version + 1,
            modified_at: log.at,
            writer: log.system,
            write,
        };
        match resolver::at_source(self.strategy, &current, &requested, log.base_version) {
            SourceVerdict::Commit => {
                // Last-write-wins may commit over versions this writer never saw: those
                // writes are gone, and nobody is told.
                let skipped: Vec<WriteId> = self.source.history[record.0 as usize]
                    .iter()
                    .filter(|c| c.version > log.base_version)
                    .map(|c| c.write)
                    .collect();
                for lost in skipped {
                    self.lose(record, lost);
                }
                self.commit(
                    record,
                    log.fields,
                    log.at,
                    log.system,
                    write,
                    log.base_version,
                    EventKind::Changed,
                );
            }
            SourceVerdict::DiscardSilently => self.lose(record, write),
            SourceVerdict::RejectConflict => self.report_conflict(SystemId::SOURCE, record, write),
            SourceVerdict::Escalate => self.escalate(SystemId::SOURCE, record, write),
        }
    }

    fn lose(&mut self, record: RecordId, write: WriteId) {
        if self.lost.insert(write) {
            self.metrics.lost_updates += 1;
            self.record(SystemId::SOURCE, StepKind::LostUpdate { record, write });
        }
    }

    fn report_conflict(&mut self, actor: SystemId, record: RecordId, write: WriteId) {
        if self.reported.insert(write) {
            self.metrics.conflicts += 1;
            self.record(actor, StepKind::Conflict { record, write });
        }
    }

    fn escalate(&mut self, actor: SystemId, record: RecordId, write: WriteId) {
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
            source_value: self.source.records[record.0 as usize].fields.clone(),
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

    /// A person decides escalation `id`: the decision is committed at the source of truth
    /// as a new version and published. Run the simulation on to see it spread.
    pub fn resolve(&mut self, id: u32, decision: Decision) -> Result<(), String> {
        let escalation = match self.inbox.get(id) {
            None => return Err(format!("there is no escalation #{id}")),
            Some(e) if e.decision.is_some() => {
                return Err(format!("escalation #{id} is already decided"));
            }
            Some(e) => e.clone(),
        };
        let record = escalation.record;
        let current = self.source.records[record.0 as usize].clone();
        let fields = match &decision {
            Decision::KeepSource => current.fields.clone(),
            Decision::TakeReplica => escalation.replica_value.clone(),
            Decision::Merge(values) if values.is_empty() => {
                return Err("a merged value needs at least one field".into());
            }
            Decision::Merge(values) => Arc::new(values.clone()),
        };
        let write = self.new_write(
            WriteKind::Resolution,
            SystemId::SOURCE,
            record,
            fields.clone(),
            current.version,
        );
        self.inbox.decide(id, decision, self.now);
        self.record(
            SystemId::SOURCE,
            StepKind::Resolve {
                record,
                write,
                escalation: id,
            },
        );
        self.commit(
            record,
            fields,
            self.now,
            SystemId::SOURCE,
            write,
            current.version,
            EventKind::Resolved,
        );
        Ok(())
    }

    /// Recomputes whether replica `r`'s copy of `record` differs from the source.
    fn refresh(&mut self, r: usize, record: RecordId) {
        let i = r * self.source.records.len() + record.0 as usize;
        let differs = !self.replicas[r].records[record.0 as usize]
            .same_as(&self.source.records[record.0 as usize]);
        if differs != self.differs[i] {
            self.differs[i] = differs;
            if differs {
                self.divergent += 1;
            } else {
                self.divergent -= 1;
                if self.divergent == 0 {
                    self.converged_since = self.now;
                }
            }
        }
    }

    /// Writes that the invariant checker finds lost, from the histories alone.
    pub fn checked_lost_writes(&self) -> Vec<LostWrite> {
        invariants::lost_writes(&self.writes, &self.source.history, &self.reported)
    }

    /// Every invariant failure so far, including the end-of-run checks once the bus is quiet.
    pub fn violations(&self) -> Vec<Violation> {
        let mut all = self.violations.clone();
        if !self.is_quiet() {
            return all;
        }
        for lost in self.checked_lost_writes() {
            let w = &self.writes[lost.write.0 as usize - 1];
            let who = self.scenario.system_name(w.system);
            let what = format!(
                "{}'s write {} to {} ({}, at {} ms)",
                who,
                w.id,
                self.record_name(w.record),
                describe(&w.fields),
                w.at
            );
            let message = match lost.overwritten_by {
                Some(by) => {
                    let by_who = self
                        .scenario
                        .system_name(self.writes[by.0 as usize - 1].system);
                    format!(
                        "{what} was committed, then replaced by {by_who}'s write {by}, which had not seen it; no conflict was reported."
                    )
                }
                None => format!(
                    "{what} was acknowledged but discarded by the source of truth as older; no conflict was reported."
                ),
            };
            all.push(Violation {
                name: names::NO_LOST_WRITE,
                time: lost.time,
                message,
            });
        }
        if self.divergent > 0 {
            all.push(Violation {
                name: names::CONVERGES,
                time: self.now,
                message: self.divergence_sentence(),
            });
        }
        all.sort_by_key(|v| v.time);
        all
    }

    fn divergence_sentence(&self) -> String {
        let n = self.source.records.len();
        let first = self.differs.iter().position(|&d| d).expect("divergent > 0");
        let (r, record) = (first / n, first % n);
        let local = &self.replicas[r].records[record];
        let source = &self.source.records[record];
        let pending = self.inbox.pending().count();
        let why = if pending > 0 {
            format!(" {pending} escalation(s) wait for a decision.")
        } else {
            String::new()
        };
        format!(
            "After the bus went quiet, {} record {} from the source of truth: {} holds {} v{} ({}) but {} holds v{} ({}).{why}",
            self.divergent,
            if self.divergent == 1 {
                "copy still differs"
            } else {
                "copies still differ"
            },
            self.scenario.replicas[r].name,
            self.scenario.records[record].id,
            local.version,
            describe(&local.fields),
            self.scenario.source,
            source.version,
            describe(&source.fields),
        )
    }

    /// The summary of the run so far.
    pub fn report(&self) -> Report {
        let invariant_violations = self.violations();
        let invariants = names::ALL
            .into_iter()
            .map(|name| (name, !invariant_violations.iter().any(|v| v.name == name)))
            .collect();
        Report {
            scenario: self.scenario.name.clone(),
            seed: self.seed,
            strategy: self.strategy,
            idempotency: self.idempotency,
            metrics: self.metrics(),
            steps: self.trace.steps().len(),
            trace_hash: self.trace.hash(),
            invariants,
            invariant_violations,
        }
    }

    /// Trace step `index` as JSON, with names instead of numbers.
    pub fn step_json(&self, index: usize) -> serde_json::Value {
        use super::trace::StepJson;
        use serde_json::json;
        let step = self.trace.steps()[index];
        let mut extra = serde_json::Map::new();
        let (mut record, mut write) = (None, None);
        match step.kind {
            StepKind::Command {
                record: r,
                write: w,
            }
            | StepKind::LocalWrite {
                record: r,
                write: w,
            }
            | StepKind::Request {
                record: r,
                write: w,
            }
            | StepKind::Conflict {
                record: r,
                write: w,
            }
            | StepKind::LostUpdate {
                record: r,
                write: w,
            } => (record, write) = (Some(r), Some(w)),
            StepKind::Commit {
                record: r,
                write: w,
                version,
            } => {
                (record, write) = (Some(r), Some(w));
                extra.insert("version".into(), json!(version));
            }
            StepKind::Escalate {
                record: r,
                write: w,
                escalation,
            }
            | StepKind::Resolve {
                record: r,
                write: w,
                escalation,
            } => {
                (record, write) = (Some(r), Some(w));
                extra.insert("escalation".into(), json!(escalation));
            }
            StepKind::Publish { record: r, .. } => record = Some(r),
            StepKind::Deliver { attempt, .. } | StepKind::Redeliver { attempt, .. } => {
                extra.insert("attempt".into(), json!(attempt));
            }
            StepKind::Apply { version, again, .. } => {
                extra.insert("version".into(), json!(version));
                if again {
                    extra.insert("again".into(), json!(true));
                }
            }
            StepKind::RejectStale { reason, .. } => {
                extra.insert("reason".into(), json!(reason));
            }
            StepKind::Duplicate { .. } | StepKind::Drop { .. } | StepKind::SkipDuplicate { .. } => {
            }
        }
        if let Some(e) = step.kind.event() {
            record = record.or(Some(self.events[e.0 as usize - 1].record));
        }
        serde_json::to_value(StepJson {
            step: index,
            time: step.time,
            kind: step.kind.name(),
            actor: self.scenario.system_name(step.actor),
            event: step.kind.event().map(|e| e.to_string()),
            record: record.map(|r| self.record_name(r)),
            write: write.map(|w| w.to_string()),
            extra,
        })
        .expect("a step always serialises")
    }
}
