//! The scheduler that runs a scenario: it pops the next task off a time-ordered queue, asks
//! the source, the bus or a replica what happens, records the steps and schedules what
//! follows.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::Arc;

use serde::Serialize;

use super::bus::{EventBus, Message};
use super::escalation::{Decision, Escalation, EscalationInbox};
use super::explain;
use super::ids::{EventId, Millis, RecordId, SystemId, WriteId};
use super::intervention::InterventionError;
use super::invariants::{self, LostWrite, Verdict, Violation, WriteKind, WriteLog, names};
use super::lifecycle::Lifecycle;
use super::metrics::Metrics;
use super::record::{Fields, RecordState, describe, merged};
use super::replica::{DeadLetter, Reception, Replica};
use super::resolver::{self, SourceVerdict, Strategy};
use super::rng::SimRng;
use super::scenario::limits::MAX_TIME_MS;
use super::scenario::{Action, Change, Clock, Delay, LinkFaults, Scenario, ScenarioErrors};
use super::series::{Sample, Series};
use super::shared_log::SharedLog;
use super::source::{EventKind, PublishedEvent, SourceOfTruth};
use super::trace::{StepKind, Trace, TraceStep};

mod picture;
mod verdicts;

pub use picture::{Activity, RequestInFlight};

/// Most tasks one run may process before it is stopped (keeps a runaway scenario finite).
pub const MAX_TASKS: u64 = 20_000_000;

/// Something scheduled to happen at a virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    /// Script step number n.
    Script(u32),
    /// The message in a bus slot arrives.
    Arrive(u32, u32),
    /// The ack timeout of a dropped message in a bus slot passes.
    Redeliver(u32, u32),
    /// A replica's change request reaches the source of truth.
    Request(WriteId),
    /// The consumer tries the message in a bus slot again after its backoff.
    Retry(u32, u32),
    /// A crashed replica is back.
    Restart(u32),
    /// A saga runs step n.
    SagaStep(u32, u32),
    /// A saga compensates step n.
    Compensate(u32, u32),
}

/// How far a saga has got.
#[derive(Debug, Clone, Copy, Default)]
struct SagaProgress {
    /// Steps completed.
    done: u32,
    /// Whether it failed (no further steps run).
    failed: bool,
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
    /// Steps done: what the explorer's playback moves by (one moment of the scheduler,
    /// which may write several trace entries).
    pub steps: u64,
    /// Entries in the trace.
    pub trace_entries: usize,
    /// Hash of the whole trace.
    pub trace_hash: String,
    /// Every invariant and its verdict.
    pub invariants: BTreeMap<&'static str, Verdict>,
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
    record_index: Arc<BTreeMap<String, RecordId>>,
    script_order: Arc<Vec<u32>>,
    next_script: usize,
    source: SourceOfTruth,
    replicas: Vec<Replica>,
    bus: EventBus,
    events: SharedLog<PublishedEvent>,
    writes: SharedLog<WriteLog>,
    trace: Trace,
    metrics: Metrics,
    inbox: EscalationInbox,
    reported: BTreeSet<WriteId>,
    /// Each write the engine saw lost, with the write that won over it.
    lost: BTreeMap<WriteId, WriteId>,
    differs: Vec<bool>,
    divergent: usize,
    converged_since: Millis,
    violations: Vec<Violation>,
    clocks: Vec<Clock>,
    machines: Vec<Option<Arc<Lifecycle>>>,
    notes: Vec<String>,
    sagas: Vec<SagaProgress>,
    series: Series,
    log_lengths: Option<LogLengths>,
}

/// How long each append-only log was when a snapshot was taken.
#[derive(Debug, Clone)]
struct LogLengths {
    trace: usize,
    events: usize,
    writes: usize,
    notes: usize,
    history: Vec<usize>,
}

impl Simulation {
    /// Prepares a run of `scenario` with `seed` and `strategy`; nothing happens until it is stepped.
    pub fn new(scenario: &Scenario, seed: u64, strategy: Strategy) -> Result<Self, ScenarioErrors> {
        Simulation::from_shared(Arc::new(scenario.clone()), seed, strategy)
    }

    /// Like `new`, for a scenario already behind an `Arc`: a long script is not copied.
    pub fn from_shared(
        scenario: Arc<Scenario>,
        seed: u64,
        strategy: Strategy,
    ) -> Result<Self, ScenarioErrors> {
        scenario.validate()?;
        Ok(Simulation::from_checked(scenario, seed, strategy))
    }

    /// Like `from_shared`, for a scenario known to be valid: a built-in (every one is
    /// checked by the tests) or one that passed `Scenario::validate`. The page starts its
    /// runs this way, so that it does not carry the checking code. Given an invalid
    /// scenario it may panic.
    pub fn from_checked(scenario: Arc<Scenario>, seed: u64, strategy: Strategy) -> Self {
        let machines: Vec<Option<Arc<Lifecycle>>> = (0..scenario.records.len())
            .map(|i| scenario.record_lifecycle(i).map(Arc::new))
            .collect();
        let initial: Vec<RecordState> = scenario
            .records
            .iter()
            .zip(&machines)
            .map(|(r, machine)| {
                let mut fields = r.fields.clone();
                if let Some(m) = machine {
                    fields.entry("state".into()).or_insert_with(|| m.start());
                }
                RecordState::initial(Arc::new(fields))
            })
            .collect();
        let mut clocks = vec![Clock::default(); scenario.replicas.len() + 1];
        for (name, clock) in &scenario.clocks {
            if let Some(i) = std::iter::once(&scenario.source)
                .chain(scenario.replicas.iter().map(|r| &r.name))
                .position(|n| n == name)
            {
                clocks[i] = *clock;
            }
        }
        let record_index = super::ordered::map_of(
            scenario
                .records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), RecordId(i as u32))),
        );
        let mut sim = Simulation {
            seed,
            strategy,
            idempotency: scenario.idempotency,
            rng: SimRng::new(seed),
            now: 0,
            seq: 0,
            tasks: 0,
            queue: BinaryHeap::new(),
            record_index: Arc::new(record_index),
            script_order: Arc::new(Vec::new()),
            next_script: 0,
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
            events: SharedLog::default(),
            writes: SharedLog::default(),
            trace: Trace::default(),
            metrics: Metrics::default(),
            inbox: EscalationInbox::default(),
            reported: BTreeSet::new(),
            lost: BTreeMap::new(),
            differs: vec![false; scenario.replicas.len() * initial.len()],
            divergent: 0,
            converged_since: 0,
            violations: Vec::new(),
            clocks,
            machines,
            notes: Vec::new(),
            sagas: vec![SagaProgress::default(); scenario.sagas.len()],
            series: Series::default(),
            log_lengths: None,
            scenario: Arc::clone(&scenario),
        };
        // Script steps enter the queue one at a time, in (time, position) order, each with
        // its position as sequence number: the same order as if all were queued up front
        // (before any other task), without a queue that holds the whole script.
        let order = super::ordered::positions_by_key(scenario.script.iter().map(|s| s.at));
        sim.script_order = Arc::new(order);
        sim.seq = scenario.script.len() as u64;
        sim.queue_next_script();
        sim
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

    /// Whether nothing is left to happen.
    pub fn is_quiet(&self) -> bool {
        self.queue.is_empty()
    }

    fn queue_next_script(&mut self) {
        if let Some(&i) = self.script_order.get(self.next_script) {
            self.next_script += 1;
            let at = self.scenario.script[i as usize].at;
            self.queue
                .push(Reverse((at, i as u64 + 1, Task::Script(i))));
        }
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
        // A message task whose message was rescheduled (or is gone) is stale: skip it.
        let (at, task) = loop {
            let Some(Reverse((at, _, task))) = self.queue.pop() else {
                return false;
            };
            match task {
                Task::Arrive(slot, generation)
                | Task::Redeliver(slot, generation)
                | Task::Retry(slot, generation)
                    if !self.bus.is_live(slot, generation) => {}
                _ => break (at, task),
            }
        };
        if at >= self.series.next_at() {
            self.sample();
        }
        self.now = at;
        self.tasks += 1;
        match task {
            Task::Script(i) => {
                self.run_script_step(i as usize);
                self.queue_next_script();
            }
            Task::Arrive(slot, _) => self.arrive(slot),
            Task::Redeliver(slot, _) => self.redeliver(slot),
            Task::Request(write) => self.request(write),
            Task::Retry(slot, _) => self.process(slot, true),
            // A restart planned by a crash that was ended early (or replaced) does nothing.
            Task::Restart(r) if self.replicas[r as usize].down_until == Some(self.now) => {
                self.restart(r as usize)
            }
            Task::Restart(_) => {}
            Task::SagaStep(saga, step) => self.saga_step(saga, step),
            Task::Compensate(saga, step) => self.compensate(saga, step),
        }
        if self.queue.is_empty() {
            // The run is quiet: record how it ends.
            self.sample();
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

    fn sample(&mut self) {
        let sample = Sample {
            time: self.now,
            divergent: self.divergent as u64,
            in_flight: self.bus.in_flight() as u64,
            lag: self.consumer_lag(),
            dead_letters: self.dead_letter_depth(),
            pending_escalations: self.inbox.pending().count() as u64,
        };
        self.series.push(sample);
    }

    /// The largest number of published events some replica has not processed yet.
    fn consumer_lag(&self) -> u64 {
        let published = self.metrics.published;
        self.replicas
            .iter()
            .map(|r| published - r.processed())
            .max()
            .unwrap_or(0)
    }

    /// Events waiting in every dead-letter queue.
    fn dead_letter_depth(&self) -> u64 {
        self.replicas
            .iter()
            .map(|r| r.dead_letters.len() as u64)
            .sum()
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
            stamp: self.clocks[system.0 as usize].read(self.now),
        });
        id
    }

    fn replica_index(&self, name: &str) -> usize {
        self.scenario
            .replicas
            .iter()
            .position(|s| s.name == name)
            .expect("validated")
    }

    fn note(&mut self, text: String) -> u32 {
        self.notes.push(text);
        self.notes.len() as u32 - 1
    }

    fn run_script_step(&mut self, i: usize) {
        let scenario = Arc::clone(&self.scenario);
        match &scenario.script[i].action {
            Action::Command { record, event, set } => {
                self.command(&Change {
                    record: record.clone(),
                    event: event.clone(),
                    set: set.clone(),
                });
            }
            Action::LocalWrite {
                system,
                record,
                set,
            } => {
                // Nobody writes to a system that is not running: refused, as a person's
                // local write is (InterventionError::SystemDown).
                let r = self.replica_index(system);
                match self.replicas[r].down_until {
                    Some(until) => {
                        let why = InterventionError::SystemDown {
                            system: system.clone(),
                            until,
                        };
                        let note = self.note(format!("a local write to {record}: {why}"));
                        self.record(SystemId::replica(r), StepKind::Refused { note });
                    }
                    None => self.do_local_write(system, record, set),
                }
            }
            Action::Crash { system, until } => {
                let r = self.replica_index(system);
                self.crash(r, *until);
            }
            Action::Skew {
                system,
                offset_ms,
                drift_ppm,
            } => {
                let id = std::iter::once(&scenario.source)
                    .chain(scenario.replicas.iter().map(|r| &r.name))
                    .position(|n| n == system)
                    .expect("validated");
                self.clocks[id] = Clock {
                    offset_ms: *offset_ms,
                    drift_ppm: *drift_ppm,
                };
                self.record(
                    SystemId(id as u16),
                    StepKind::Skew {
                        offset_ms: *offset_ms,
                    },
                );
            }
            Action::Poison {
                system,
                record,
                until,
            } => {
                let r = self.replica_index(system);
                let record = self.record_index[record];
                self.replicas[r].poison.push((record, *until));
                self.record(SystemId::replica(r), StepKind::Poisoned { record });
            }
            Action::ReplayDeadLetters { system } => {
                let r = self.replica_index(system);
                self.replay_dead_letters(r);
            }
            Action::DiscardDeadLetters { system } => {
                let r = self.replica_index(system);
                self.discard_dead_letters(r);
            }
            Action::StartSaga { saga } => {
                let s = scenario
                    .sagas
                    .iter()
                    .position(|x| &x.name == saga)
                    .expect("validated");
                self.schedule(self.now, Task::SagaStep(s as u32, 0));
            }
            Action::FailSaga { saga, reason } => {
                let s = scenario
                    .sagas
                    .iter()
                    .position(|x| &x.name == saga)
                    .expect("validated");
                self.fail_saga(s as u32, reason.clone());
            }
        }
    }

    fn do_local_write(&mut self, system: &str, record: &str, set: &BTreeMap<String, String>) {
        let r = self.replica_index(system);
        let record = self.record_index[record];
        let local = &self.replicas[r].records[record.0 as usize];
        let (fields, base) = (merged(&local.fields, set), local.version);
        let actor = SystemId::replica(r);
        let write = self.new_write(WriteKind::LocalWrite, actor, record, fields.clone(), base);
        let stamp = self.writes[write.0 as usize - 1].stamp;
        self.replicas[r].records[record.0 as usize] = RecordState {
            fields,
            version: base + 1,
            modified_at: stamp,
            writer: actor,
            write,
        };
        self.metrics.local_writes += 1;
        self.record(actor, StepKind::LocalWrite { record, write });
        self.refresh(r, record);
        let at = self.bus.request_arrival(r, record, self.now, &mut self.rng);
        self.schedule(at, Task::Request(write));
    }

    /// Runs a command at the source of truth; returns whether it was accepted.
    fn command(&mut self, change: &Change) -> bool {
        let record = self.record_index[&change.record];
        let current = self.source.records[record.0 as usize].clone();
        let mut fields = merged(&current.fields, &change.set);
        if let (Some(event), Some(machine)) =
            (&change.event, self.machines[record.0 as usize].clone())
        {
            let state = current.fields.get("state").cloned().unwrap_or_default();
            match machine.fire(&state, event) {
                Ok(next) => Arc::make_mut(&mut fields)
                    .insert("state".into(), next)
                    .map_or((), |_| ()),
                Err(invalid) => {
                    self.metrics.invalid_transitions += 1;
                    let note = self.note(format!("{}: {invalid}", change.record));
                    self.record(
                        SystemId::SOURCE,
                        StepKind::InvalidTransition { record, note },
                    );
                    return false;
                }
            }
        }
        let base = current.version;
        let write = self.new_write(
            WriteKind::Command,
            SystemId::SOURCE,
            record,
            fields.clone(),
            base,
        );
        let stamp = self.writes[write.0 as usize - 1].stamp;
        self.metrics.commands += 1;
        self.record(SystemId::SOURCE, StepKind::Command { record, write });
        // Last-write-wins applies to the source's own writes too: with a skewed clock, a
        // command can carry an older timestamp than what the record holds, and is lost.
        if self.strategy == Strategy::LastWriteWins
            && (stamp, SystemId::SOURCE, write) <= current.lww_key()
        {
            self.lose(record, write, current.write);
            return true;
        }
        self.commit(
            record,
            fields,
            stamp,
            SystemId::SOURCE,
            write,
            base,
            EventKind::Changed,
        );
        true
    }

    fn saga_step(&mut self, saga: u32, step: u32) {
        let spec = &self.scenario.sagas[saga as usize];
        let (change, gap, len) = (
            spec.steps[step as usize].action.clone(),
            spec.step_gap_ms,
            spec.steps.len() as u32,
        );
        if self.sagas[saga as usize].failed {
            return;
        }
        self.record(SystemId::SOURCE, StepKind::SagaStep { saga, step });
        if !self.command(&change) {
            let reason = format!("step {} was refused", step + 1);
            self.fail_saga(saga, reason);
            return;
        }
        self.sagas[saga as usize].done = step + 1;
        if step + 1 < len {
            self.schedule(self.now.saturating_add(gap), Task::SagaStep(saga, step + 1));
        }
    }

    fn fail_saga(&mut self, saga: u32, reason: String) {
        let progress = &mut self.sagas[saga as usize];
        if progress.failed {
            return;
        }
        progress.failed = true;
        let done = progress.done;
        let note = self.note(reason);
        self.record(SystemId::SOURCE, StepKind::SagaFailed { saga, note });
        if done > 0 {
            self.schedule(self.now, Task::Compensate(saga, done - 1));
        }
    }

    fn compensate(&mut self, saga: u32, step: u32) {
        let spec = &self.scenario.sagas[saga as usize];
        let (change, gap) = (
            spec.steps[step as usize].compensation.clone(),
            spec.step_gap_ms,
        );
        self.metrics.compensations += 1;
        self.record(SystemId::SOURCE, StepKind::Compensate { saga, step });
        self.command(&change);
        if step > 0 {
            self.schedule(
                self.now.saturating_add(gap),
                Task::Compensate(saga, step - 1),
            );
        }
    }

    fn crash(&mut self, r: usize, until: Millis) {
        let actor = SystemId::replica(r);
        self.metrics.crashes += 1;
        self.record(actor, StepKind::Crash);
        let replica = &mut self.replicas[r];
        replica.down_until = Some(until);
        // Events processed within the acknowledgement delay lost their ack with the crash:
        // the bus will send them again once the replica is back.
        let window = self.bus.link(r).faults.ack_delay_ms;
        let unacked: Vec<(EventId, RecordId)> = replica
            .recent
            .iter()
            .filter(|(t, _, _)| self.now.saturating_sub(*t) < window)
            .map(|&(_, e, rec)| (e, rec))
            .collect();
        replica.recent.clear();
        for (event, record) in unacked {
            let slot = self.bus.park(Message::new(event, record, r, until));
            self.schedule(until, Task::Redeliver(slot, self.bus.generation_of(slot)));
        }
        self.schedule(until, Task::Restart(r as u32));
    }

    fn restart(&mut self, r: usize) {
        self.replicas[r].down_until = None;
        self.record(SystemId::replica(r), StepKind::Restart);
    }

    /// Replays every dead letter of replica `r` into its consumer, oldest first.
    pub fn replay_dead_letters(&mut self, r: usize) {
        let letters = std::mem::take(&mut self.replicas[r].dead_letters);
        for letter in letters {
            self.metrics.replayed += 1;
            self.record(
                SystemId::replica(r),
                StepKind::Replay {
                    event: letter.event,
                },
            );
            let slot = self
                .bus
                .park(Message::new(letter.event, letter.record, r, self.now));
            self.schedule(self.now, Task::Retry(slot, self.bus.generation_of(slot)));
        }
    }

    /// Discards every dead letter of replica `r`.
    pub fn discard_dead_letters(&mut self, r: usize) {
        let letters = std::mem::take(&mut self.replicas[r].dead_letters);
        for letter in letters {
            self.metrics.discarded += 1;
            self.record(
                SystemId::replica(r),
                StepKind::Discard {
                    event: letter.event,
                },
            );
        }
    }

    fn effect_name(&self, actor: SystemId) -> &str {
        actor
            .replica_index()
            .and_then(|i| self.scenario.replicas[i].effect.as_ref())
            .map_or("", |e| e.name.as_str())
    }

    /// Tasks processed so far: the explorer's step counter.
    pub fn tasks_done(&self) -> u64 {
        self.tasks
    }

    /// Every message on the bus now, with its slot: what a person can drop, delay or duplicate.
    pub fn in_flight(&self) -> Vec<(u32, Message)> {
        self.bus.messages().map(|(slot, m)| (slot, *m)).collect()
    }

    /// A copy of this run without its append-only logs (trace steps, events, writes,
    /// histories, notes), for a snapshot; `restore` gives the logs back.
    pub fn snapshot(&self) -> Simulation {
        // clone_state already leaves the logs out; the trace keeps its running hash.
        let mut copy = self.clone_state();
        copy.trace = self.trace.detached();
        copy.log_lengths = Some(LogLengths {
            trace: self.trace.steps().len(),
            events: self.events.len(),
            writes: self.writes.len(),
            notes: self.notes.len(),
            history: self.source.history.iter().map(|h| h.len()).collect(),
        });
        copy
    }

    /// A snapshot brought back to life, its logs copied from `full`, a later state of the
    /// same run (or of a run that shares its past).
    pub fn restore(snapshot: &Simulation, full: &Simulation) -> Simulation {
        let lengths = snapshot
            .log_lengths
            .as_ref()
            .expect("restore takes a snapshot");
        let mut sim = snapshot.clone_state();
        sim.trace = snapshot.trace.detached();
        sim.trace.reattach(&full.trace, lengths.trace);
        sim.events = full.events.prefix(lengths.events);
        sim.writes = full.writes.prefix(lengths.writes);
        sim.notes = full.notes[..lengths.notes].to_vec();
        sim.source.history = full
            .source
            .history
            .iter()
            .zip(&lengths.history)
            .map(|(h, &n)| h.prefix(n))
            .collect();
        sim.log_lengths = None;
        sim
    }

    /// Everything but the logs, cloned.
    fn clone_state(&self) -> Simulation {
        Simulation {
            scenario: Arc::clone(&self.scenario),
            seed: self.seed,
            strategy: self.strategy,
            idempotency: self.idempotency,
            rng: self.rng.clone(),
            now: self.now,
            seq: self.seq,
            tasks: self.tasks,
            queue: self.queue.clone(),
            record_index: Arc::clone(&self.record_index),
            script_order: Arc::clone(&self.script_order),
            next_script: self.next_script,
            source: self.source.without_history(),
            replicas: self.replicas.clone(),
            bus: self.bus.clone(),
            events: SharedLog::default(),
            writes: SharedLog::default(),
            trace: Trace::default(),
            metrics: self.metrics.clone(),
            inbox: self.inbox.clone(),
            reported: self.reported.clone(),
            lost: self.lost.clone(),
            differs: self.differs.clone(),
            divergent: self.divergent,
            converged_since: self.converged_since,
            violations: self.violations.clone(),
            clocks: self.clocks.clone(),
            machines: self.machines.clone(),
            notes: Vec::new(),
            sagas: self.sagas.clone(),
            series: Series::default(),
            log_lengths: None,
        }
    }

    /// Drops the message in `slot` on its way: it is lost, and the bus redelivers it after
    /// the ack timeout like any lost delivery.
    pub fn drop_message(&mut self, slot: u32) -> Result<(), InterventionError> {
        let message = self.message_in(slot)?;
        if message.dropped_by_hand {
            return Err(InterventionError::AlreadyDropped {
                event: message.event,
                replica: self.scenario.replicas[message.replica].name.clone(),
            });
        }
        self.bus.message_mut(slot).dropped_by_hand = true;
        Ok(())
    }

    /// Holds the message in `slot` back by `by_ms` more.
    pub fn delay_message(&mut self, slot: u32, by_ms: Millis) -> Result<(), InterventionError> {
        let message = self.message_in(slot)?;
        let at = self.later("a delay", message.arrives_at.max(self.now), by_ms)?;
        let generation = self.bus.reschedule(slot, at);
        self.schedule(at, Task::Arrive(slot, generation));
        Ok(())
    }

    /// Takes the link to replica `r` down until `until`; messages due meanwhile wait.
    pub fn partition(&mut self, r: usize, until: Millis) -> Result<(), InterventionError> {
        self.replica_name(r)?;
        self.future("a partition's end, counted from now,", until)?;
        self.record(SystemId::replica(r), StepKind::Partition { until });
        for slot in self.bus.partition(r, self.now, until) {
            self.schedule(until, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
        Ok(())
    }

    /// Brings the partitioned link to replica `r` back up now; waiting messages leave at once.
    pub fn heal(&mut self, r: usize) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if !self.is_partitioned(r) {
            return Err(InterventionError::NotPartitioned { system });
        }
        self.record(SystemId::replica(r), StepKind::Heal);
        for (slot, at) in self.bus.heal(r, self.now, &mut self.rng) {
            self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
        Ok(())
    }

    /// Changes the knobs of the link to replica `r` for what is sent from now on; its
    /// partitions, timeouts and the messages already on their way stay as they are.
    pub fn set_link(
        &mut self,
        r: usize,
        delay: Delay,
        duplicate_probability: f64,
        drop_probability: f64,
        reorder: bool,
    ) -> Result<(), InterventionError> {
        self.replica_name(r)?;
        let faults = LinkFaults {
            delay,
            duplicate_probability,
            drop_probability,
            reorder,
            ..self.bus.link(r).faults.clone()
        };
        if let Some((field, message)) = faults.problems().into_iter().next() {
            return Err(InterventionError::BadKnob { field, message });
        }
        self.bus.set_faults(r, faults);
        Ok(())
    }

    /// The knobs of the link to replica `r` now.
    pub fn link_faults(&self, r: usize) -> &LinkFaults {
        &self.bus.link(r).faults
    }

    /// Whether the link to replica `r` is down now.
    pub fn is_partitioned(&self, r: usize) -> bool {
        self.bus.is_partitioned(r, self.now)
    }

    /// Crashes replica `r` now; it restarts at `until`.
    pub fn crash_replica(&mut self, r: usize, until: Millis) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if self.replicas[r].down_until.is_some() {
            return Err(InterventionError::AlreadyDown { system });
        }
        self.future("a restart, counted from now,", until)?;
        self.crash(r, until);
        Ok(())
    }

    /// The event replica `r` applied a second time to reach the version of `record` it
    /// holds now, if it did.
    pub fn applied_twice(&self, r: usize, record: RecordId) -> Option<EventId> {
        let replica = &self.replicas[r];
        let (version, event) = *replica.applied_again.get(&record)?;
        (replica.records[record.0 as usize].version == version).then_some(event)
    }

    /// Restarts crashed replica `r` now instead of at its planned time. What it missed
    /// still comes when the bus's redelivery timers fire, as with a consumer that
    /// reconnects early: the bus does not know it is back.
    pub fn restart_replica(&mut self, r: usize) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if self.replicas[r].down_until.is_none() {
            return Err(InterventionError::NotDown { system });
        }
        self.restart(r);
        Ok(())
    }

    /// When replica `r` restarts, if it is down.
    pub fn down_until(&self, r: usize) -> Option<Millis> {
        self.replicas[r].down_until
    }

    /// Sets a system's clock offset from now on (`SystemId::SOURCE` is the source).
    pub fn skew_clock(
        &mut self,
        system: SystemId,
        offset_ms: i64,
    ) -> Result<(), InterventionError> {
        if system.0 as usize >= self.clocks.len() {
            return Err(InterventionError::NoSuchSystem { system: system.0 });
        }
        if offset_ms.unsigned_abs() > MAX_TIME_MS {
            return Err(InterventionError::TooLate {
                what: "a clock offset (either way)",
                max: MAX_TIME_MS,
            });
        }
        self.clocks[system.0 as usize] = Clock {
            offset_ms,
            drift_ppm: 0,
        };
        self.record(system, StepKind::Skew { offset_ms });
        Ok(())
    }

    /// A system's clock.
    pub fn clock(&self, system: SystemId) -> Clock {
        self.clocks[system.0 as usize]
    }

    /// A user of replica `r` writes `set` to `record` now; the change goes to the source.
    /// Refused while the replica is down: nobody can write to a system that is not running.
    pub fn local_write(
        &mut self,
        r: usize,
        record: &str,
        set: BTreeMap<String, String>,
    ) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if let Some(until) = self.replicas[r].down_until {
            return Err(InterventionError::SystemDown { system, until });
        }
        if !self.record_index.contains_key(record) {
            return Err(InterventionError::NoSuchRecord {
                record: record.into(),
            });
        }
        if set.is_empty() || set.keys().any(|k| k.trim().is_empty()) {
            return Err(InterventionError::EmptyWrite);
        }
        self.do_local_write(&system, record, &set);
        Ok(())
    }

    /// Sends the message in `slot` once more, as a duplicate with its own delay.
    pub fn duplicate_message(&mut self, slot: u32) -> Result<(), InterventionError> {
        let message = self.message_in(slot)?;
        self.record(
            SystemId::replica(message.replica),
            StepKind::Duplicate {
                event: message.event,
            },
        );
        let copy = Message {
            duplicate: true,
            sent_at: self.now,
            dropped_by_hand: false,
            ..message
        };
        let slot = self.bus.send(copy, &mut self.rng, false);
        let at = self.bus.message(slot).arrives_at;
        self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        Ok(())
    }

    fn message_in(&self, slot: u32) -> Result<Message, InterventionError> {
        self.bus
            .messages()
            .find(|(s, _)| *s == slot)
            .map(|(_, m)| *m)
            .ok_or(InterventionError::NoMessage { slot })
    }

    /// Replica `r`'s name, or the error for a replica that does not exist.
    fn replica_name(&self, r: usize) -> Result<String, InterventionError> {
        self.scenario.replicas.get(r).map(|s| s.name.clone()).ok_or(
            InterventionError::NoSuchSystem {
                system: u16::try_from(r + 1).unwrap_or(u16::MAX),
            },
        )
    }

    /// Checks that `at` is a time after now and within the engine's range.
    fn future(&self, what: &'static str, at: Millis) -> Result<(), InterventionError> {
        if at <= self.now {
            return Err(InterventionError::NotAfterNow {
                what,
                now: self.now,
            });
        }
        if at - self.now > MAX_TIME_MS {
            return Err(InterventionError::TooLate {
                what,
                max: MAX_TIME_MS,
            });
        }
        Ok(())
    }

    /// `from + by`, for a wait `by` within the engine's range of time.
    fn later(
        &self,
        what: &'static str,
        from: Millis,
        by: Millis,
    ) -> Result<Millis, InterventionError> {
        if by > MAX_TIME_MS {
            return Err(InterventionError::TooLate {
                what,
                max: MAX_TIME_MS,
            });
        }
        Ok(from.saturating_add(by))
    }

    /// Divergent copies, in-flight messages, lag, dead letters and pending escalations,
    /// sampled on the virtual clock.
    pub fn series(&self) -> &Series {
        &self.series
    }

    /// Replica `r`'s dead-letter queue.
    pub fn dead_letters(&self, r: usize) -> &[DeadLetter] {
        &self.replicas[r].dead_letters
    }

    /// Notes referred to by trace steps (refusal reasons, saga failures).
    pub fn note_text(&self, note: u32) -> &str {
        &self.notes[note as usize]
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
                self.send(Message::new(event.id, event.record, r, self.now));
            }
            self.events.push(event);
        }
    }

    fn send(&mut self, message: Message) {
        let slot = self.bus.send(message, &mut self.rng, true);
        let at = self.bus.message(slot).arrives_at;
        self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
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
            self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
    }

    fn arrive(&mut self, slot: u32) {
        let message = *self.bus.message(slot);
        let r = message.replica;
        let actor = SystemId::replica(r);
        let faults = &self.bus.link(r).faults;
        let ack_timeout = faults.ack_timeout_ms;
        if message.dropped_by_hand {
            self.bus.message_mut(slot).dropped_by_hand = false;
            self.metrics.dropped += 1;
            self.record(
                actor,
                StepKind::Drop {
                    event: message.event,
                },
            );
            self.schedule(
                self.now.max(message.sent_at.saturating_add(ack_timeout)),
                Task::Redeliver(slot, self.bus.generation_of(slot)),
            );
            return;
        }
        if self.rng.chance(faults.drop_probability) {
            self.metrics.dropped += 1;
            let at = self.now.max(message.sent_at.saturating_add(ack_timeout));
            self.record(
                actor,
                StepKind::Drop {
                    event: message.event,
                },
            );
            self.schedule(at, Task::Redeliver(slot, self.bus.generation_of(slot)));
            return;
        }
        if let Some(until) = self.replicas[r].down_until {
            self.record(
                actor,
                StepKind::NotAcked {
                    event: message.event,
                },
            );
            self.schedule(
                until.max(message.sent_at.saturating_add(ack_timeout)),
                Task::Redeliver(slot, self.bus.generation_of(slot)),
            );
            return;
        }
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
        self.process(slot, false);
    }

    /// The consumer of the message in `slot` processes it (first try, or a retry).
    fn process(&mut self, slot: u32, retry: bool) {
        let message = *self.bus.message(slot);
        let (r, event) = (message.replica, message.event);
        let actor = SystemId::replica(r);
        if retry {
            if let Some(until) = self.replicas[r].down_until {
                self.schedule(until, Task::Retry(slot, self.bus.generation_of(slot)));
                return;
            }
            self.metrics.retries += 1;
            self.record(
                actor,
                StepKind::Retry {
                    event,
                    attempt: message.failures + 1,
                },
            );
        }
        if self.replicas[r].is_poisoned(message.record, self.now) {
            let failures = message.failures + 1;
            self.metrics.processing_failures += 1;
            self.record(
                actor,
                StepKind::ProcessingFailed {
                    event,
                    attempt: failures,
                },
            );
            let policy = self.scenario.replicas[r].retry;
            if failures < policy.max_attempts {
                self.bus.message_mut(slot).failures = failures;
                let backoff = policy.backoff(failures);
                let wait = if policy.jitter {
                    self.rng.between(0, backoff)
                } else {
                    backoff
                };
                self.schedule(
                    self.now.saturating_add(wait),
                    Task::Retry(slot, self.bus.generation_of(slot)),
                );
            } else {
                self.bus.remove(slot);
                self.metrics.dead_lettered += 1;
                self.replicas[r].dead_letters.push(DeadLetter {
                    event,
                    record: message.record,
                    at: self.now,
                });
                self.record(actor, StepKind::DeadLetter { event });
            }
            return;
        }
        self.bus.remove(slot);
        self.consume(r, event);
    }

    /// Replica `r` takes in `event` and the engine records what it did.
    fn consume(&mut self, r: usize, event_id: EventId) {
        let actor = SystemId::replica(r);
        let event = &self.events[event_id.0 as usize - 1];
        let record = event.record;
        let in_order =
            self.strategy != Strategy::LastWriteWins && self.machines[record.0 as usize].is_some();
        let reception = self.replicas[r].receive(event, self.strategy, self.idempotency, in_order);
        let window = self.bus.link(r).faults.ack_delay_ms;
        let replica = &mut self.replicas[r];
        replica.recent.push_back((self.now, event_id, record));
        while replica
            .recent
            .front()
            .is_some_and(|(t, _, _)| self.now.saturating_sub(*t) >= window)
        {
            replica.recent.pop_front();
        }
        match reception {
            Reception::SkipDuplicate => {
                self.metrics.duplicates_absorbed += 1;
                self.record(actor, StepKind::SkipDuplicate { event: event_id });
            }
            Reception::Applied {
                again,
                previous_version,
                previous_state,
            } => {
                self.applied(r, event_id, record, again, previous_version, previous_state);
            }
            Reception::Stale(reason) => {
                self.metrics.stale_rejected += 1;
                self.record(
                    actor,
                    StepKind::RejectStale {
                        event: event_id,
                        reason,
                    },
                );
            }
            Reception::Hold { waiting_for } => {
                self.metrics.held += 1;
                self.record(
                    actor,
                    StepKind::Hold {
                        event: event_id,
                        waiting_for,
                    },
                );
            }
            Reception::ConflictTookSource {
                write,
                previous_state,
            } => {
                self.report_conflict(actor, record, write);
                let version = self.events[event_id.0 as usize - 1].state.version;
                self.applied(r, event_id, record, false, version, previous_state);
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
        previous_state: Option<String>,
    ) {
        let actor = SystemId::replica(r);
        let state = self.replicas[r].records[record.0 as usize].clone();
        let version = state.version;
        self.metrics.applied += 1;
        if again {
            self.metrics.duplicates_applied += 1;
            self.replicas[r]
                .applied_again
                .insert(record, (version, event));
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
        if let (Some(machine), Some(from)) = (&self.machines[record.0 as usize], previous_state) {
            let to = state.fields.get("state").cloned().unwrap_or_default();
            if from != to && !machine.reachable(&from, &to) {
                self.violations.push(Violation {
                    name: names::VALID_TRANSITIONS,
                    time: self.now,
                    message: format!(
                        "{} moved {} from {from} back to {to}, which its lifecycle never allows, when it applied {event}.",
                        self.scenario.system_name(actor),
                        self.record_name(record)
                    ),
                });
            }
        }
        self.fire_effect(r, state.write);
        self.refresh(r, record);
        if let Some(next) = self.replicas[r].held.remove(&(record, version)) {
            self.record(actor, StepKind::Release { event: next });
            self.consume(r, next);
        }
    }

    fn fire_effect(&mut self, r: usize, write: WriteId) {
        let Some(effect) = &self.scenario.replicas[r].effect else {
            return;
        };
        let keys = effect.idempotency_keys;
        let actor = SystemId::replica(r);
        let replica = &mut self.replicas[r];
        if keys && !replica.effect_keys.insert(EventId(write.0)) {
            self.metrics.effects_deduplicated += 1;
            self.record(actor, StepKind::EffectSkipped { write });
            return;
        }
        let times = if replica.effects_fired.insert(EventId(write.0)) {
            1
        } else {
            let repeats = replica.effect_repeats.entry(write).or_insert(1);
            *repeats += 1;
            *repeats
        };
        self.metrics.effects_fired += 1;
        self.record(
            actor,
            StepKind::Effect {
                write,
                again: times > 1,
            },
        );
        if times > 1 {
            self.metrics.duplicate_effects += 1;
            let name = self.effect_name(actor).to_string();
            self.violations.push(Violation {
                name: names::EXACTLY_ONCE_EFFECTS,
                time: self.now,
                message: format!(
                    "{} fired {name} {times} times for write {write}: the call carried no idempotency key, so the external service could not tell it was a repeat.",
                    self.scenario.system_name(actor)
                ),
            });
        }
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
        self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
    }

    fn request(&mut self, write: WriteId) {
        let log = self.writes[write.0 as usize - 1].clone();
        let record = log.record;
        self.record(SystemId::SOURCE, StepKind::Request { record, write });
        let current = self.source.records[record.0 as usize].clone();
        let requested = RecordState {
            fields: log.fields.clone(),
            version: log.base_version + 1,
            modified_at: log.stamp,
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
                    self.lose(record, lost, write);
                }
                self.commit(
                    record,
                    log.fields,
                    log.stamp,
                    log.system,
                    write,
                    log.base_version,
                    EventKind::Changed,
                );
            }
            SourceVerdict::DiscardSilently => self.lose(record, write, current.write),
            SourceVerdict::RejectConflict => self.report_conflict(SystemId::SOURCE, record, write),
            SourceVerdict::Escalate => self.escalate(SystemId::SOURCE, record, write),
        }
    }

    fn lose(&mut self, record: RecordId, write: WriteId, winner: WriteId) {
        if self.lost.insert(write, winner).is_none() {
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
    pub fn resolve(&mut self, id: u32, decision: Decision) -> Result<(), InterventionError> {
        let escalation = match self.inbox.get(id) {
            None => return Err(InterventionError::NoSuchEscalation { id }),
            Some(e) if e.decision.is_some() => {
                return Err(InterventionError::AlreadyDecided { id });
            }
            Some(e) => e.clone(),
        };
        let record = escalation.record;
        let current = self.source.records[record.0 as usize].clone();
        let fields = match &decision {
            Decision::KeepSource => current.fields.clone(),
            Decision::TakeReplica => escalation.replica_value.clone(),
            Decision::Merge(values) if values.is_empty() => {
                return Err(InterventionError::EmptyMerge);
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
        let quiet = self.is_quiet();
        // The lost-write check runs on the whole history once the bus is quiet; before that,
        // a write the engine has already seen lost is reported at once, so that the mark
        // agrees with the narration that told of the loss.
        if quiet || !self.lost.is_empty() {
            for lost in self.checked_lost_writes() {
                if quiet || self.lost.contains_key(&lost.write) {
                    all.push(Violation {
                        name: names::NO_LOST_WRITE,
                        time: lost.time,
                        message: explain::lost_write(self, &lost),
                    });
                }
            }
        }
        if quiet && self.divergent > 0 {
            all.push(Violation {
                name: names::CONVERGES,
                time: self.now,
                message: self.divergence_sentence(),
            });
        }
        // In time order, ties in the order found (the position breaks them).
        let order = super::ordered::positions_by_key(all.iter().map(|v| v.time));
        let mut all: Vec<Option<Violation>> = all.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|i| all[i as usize].take())
            .collect()
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
        let invariants = super::ordered::map_of(self.verdicts_given(&invariant_violations));
        Report {
            scenario: self.scenario.name.clone(),
            seed: self.seed,
            strategy: self.strategy,
            idempotency: self.idempotency,
            metrics: self.metrics(),
            steps: self.tasks,
            trace_entries: self.trace.steps().len(),
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
            StepKind::InvalidTransition { record: r, note } => {
                record = Some(r);
                extra.insert("note".into(), json!(self.note_text(note)));
            }
            StepKind::Hold { waiting_for, .. } => {
                extra.insert("waiting_for".into(), json!(waiting_for));
            }
            StepKind::ProcessingFailed { attempt, .. } | StepKind::Retry { attempt, .. } => {
                extra.insert("attempt".into(), json!(attempt));
            }
            StepKind::Poisoned { record: r } => record = Some(r),
            StepKind::Effect { write: w, again } => {
                write = Some(w);
                extra.insert("effect".into(), json!(self.effect_name(step.actor)));
                if again {
                    extra.insert("again".into(), json!(true));
                }
            }
            StepKind::EffectSkipped { write: w } => {
                write = Some(w);
                extra.insert("effect".into(), json!(self.effect_name(step.actor)));
            }
            StepKind::Skew { offset_ms } => {
                extra.insert("offset_ms".into(), json!(offset_ms));
            }
            StepKind::Partition { until } => {
                extra.insert("until".into(), json!(until));
            }
            StepKind::Refused { note } => {
                extra.insert("note".into(), json!(self.note_text(note)));
            }
            StepKind::SagaStep { saga, step: n } | StepKind::Compensate { saga, step: n } => {
                let spec = &self.scenario.sagas[saga as usize];
                extra.insert("saga".into(), json!(spec.name));
                extra.insert("saga_step".into(), json!(spec.steps[n as usize].name));
            }
            StepKind::SagaFailed { saga, note } => {
                extra.insert(
                    "saga".into(),
                    json!(self.scenario.sagas[saga as usize].name),
                );
                extra.insert("note".into(), json!(self.note_text(note)));
            }
            StepKind::Duplicate { .. }
            | StepKind::Drop { .. }
            | StepKind::SkipDuplicate { .. }
            | StepKind::Release { .. }
            | StepKind::Crash
            | StepKind::Restart
            | StepKind::Heal
            | StepKind::NotAcked { .. }
            | StepKind::DeadLetter { .. }
            | StepKind::Replay { .. }
            | StepKind::Discard { .. } => {}
        }
        if let Some(e) = step.kind.event() {
            record = record.or(Some(self.events[e.0 as usize - 1].record));
        }
        serde_json::to_value(StepJson {
            entry: index,
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
