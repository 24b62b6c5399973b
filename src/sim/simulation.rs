//! The scheduler that runs a scenario: it pops the next task off a time-ordered queue, asks
//! the source, the bus or a replica what happens, records the steps and schedules what
//! follows.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::bus::{EventBus, Message};
use super::command::{Command, CommandError};
use super::escalation::{Decision, Escalation, EscalationInbox};
use super::explain;
use super::ids::{EventId, Millis, RecordId, SystemId, WriteId};
use super::invariants::{self, Invariant, LostWrite, Verdict, Violation, WriteKind, WriteLog};
use super::lifecycle::Lifecycle;
use super::metrics::Metrics;
use super::record::{Fields, RecordState, Values, merged};
use super::replica::{DeadLetter, Reception, Replica};
use super::resolver::{Case, Deciding, Place, Resolver, Ruling, Strategy};
use super::rng::SimRng;
use super::scenario::limits::MAX_TIME_MS;
use super::scenario::{
    Clock, Delay, LinkFaults, Scenario, ScenarioError, ScenarioErrors, ScriptStep,
};
use super::series::{Sample, Series};
use super::shared_log::SharedLog;
use super::source::{EventKind, PublishedEvent, SourceOfTruth};
use super::trace::{StepKind, Trace, TraceStep};

mod commands;
mod compiled;
mod delivery;
mod picture;
mod queue;
mod reads;
mod report;
mod script;
mod settle;
mod snapshot;
mod verdicts;

pub use picture::{Activity, RequestInFlight};
pub use reads::UnknownName;

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

/// The result of a run, as the runner prints it and the page shows it; it reads back from
/// its JSON (`serde`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The strategy (`Strategy::as_str`), or a custom resolver's name.
    pub strategy: String,
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
    /// Every invariant's verdict, by its name (`Report::verdict` looks one up by
    /// `Invariant`).
    pub invariants: BTreeMap<String, Verdict>,
    /// Every failure, explained.
    pub invariant_violations: Vec<Violation>,
}

/// A run of one scenario with one seed and one strategy.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Arc<Scenario>,
    seed: u64,
    deciding: Deciding,
    idempotency: bool,
    rng: SimRng,
    now: Millis,
    seq: u64,
    tasks: u64,
    queue: queue::TaskQueue<Task>,
    record_index: Arc<BTreeMap<String, RecordId>>,
    /// The script and the sagas by id: nothing is looked up by name at run time.
    compiled: Arc<compiled::Compiled>,
    script_order: Arc<Vec<u32>>,
    next_script: usize,
    /// The script's step-keyed entries (`after_step`), by position, in the order they are
    /// due.
    stepped_order: Arc<Vec<u32>>,
    next_stepped: usize,
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
    /// Prepares the run `scenario` describes: its own seed, strategy and idempotency (as
    /// its file says); nothing happens until it is stepped.
    pub fn as_written(scenario: &Scenario) -> Result<Self, ScenarioErrors> {
        Simulation::new(scenario, scenario.seed, scenario.strategy)
    }

    /// Prepares a run of `scenario` with `seed` and `strategy` (and the scenario's own
    /// idempotency, which `with_idempotency` changes); nothing happens until it is stepped.
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
    /// scenario it may panic: a name its script uses that does not exist (the only thing
    /// building a run looks up) is a bug in the caller.
    pub fn from_checked(scenario: Arc<Scenario>, seed: u64, strategy: Strategy) -> Self {
        Simulation::deciding(scenario, seed, Deciding::BuiltIn(strategy))
    }

    /// Prepares a run of `scenario` with `seed` (and the scenario's own idempotency) in
    /// which `resolver` decides every change that meets a record, in place of a built-in
    /// strategy. See `sim::resolver::Resolver` for what it is asked.
    pub fn with_resolver(
        scenario: &Scenario,
        seed: u64,
        resolver: Arc<dyn Resolver>,
    ) -> Result<Self, ScenarioErrors> {
        scenario.validate()?;
        Ok(Simulation::deciding(
            Arc::new(scenario.clone()),
            seed,
            Deciding::Custom(resolver),
        ))
    }

    fn deciding(scenario: Arc<Scenario>, seed: u64, deciding: Deciding) -> Self {
        let machines: Vec<Option<Arc<Lifecycle>>> = (0..scenario.records.len())
            .map(|i| scenario.record_lifecycle(i).map(Arc::new))
            .collect();
        let initial = initial_records(&scenario, &machines);
        let clocks = clocks_of(&scenario);
        let record_index = super::ordered::map_of(
            scenario
                .records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), RecordId(i as u32))),
        );
        let compiled = compiled::compile(&scenario, &record_index)
            .unwrap_or_else(|e| panic!("from_checked takes a checked scenario: {e}"));
        let mut sim = Simulation {
            seed,
            deciding,
            idempotency: scenario.idempotency,
            rng: SimRng::new(seed),
            now: 0,
            seq: 0,
            tasks: 0,
            queue: queue::TaskQueue::default(),
            record_index: Arc::new(record_index),
            compiled: Arc::new(compiled),
            script_order: Arc::new(Vec::new()),
            next_script: 0,
            stepped_order: Arc::new(Vec::new()),
            next_stepped: 0,
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
        let script = &scenario.script;
        let mut order = super::ordered::positions_by_key(script.iter().map(|s| s.at));
        if script.iter().any(|s| s.after_step.is_some()) {
            // Entries keyed by step count, in the order they are due (position breaks ties).
            let due = |s: &ScriptStep| s.after_step.unwrap_or(u64::MAX);
            sim.stepped_order = Arc::new(
                super::ordered::positions_by_key(script.iter().map(due))
                    .into_iter()
                    .take_while(|&i| script[i as usize].after_step.is_some())
                    .collect(),
            );
            order.retain(|&i| script[i as usize].after_step.is_none());
        }
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

    /// Whether nothing is left to happen.
    pub fn is_quiet(&self) -> bool {
        self.queue.is_empty() && self.next_stepped >= self.stepped_order.len()
    }

    /// Carries out the script's step-keyed entries that are due: those whose step count has
    /// been reached, and, once nothing else is left to happen, the next (as
    /// `timeline::replay` carries out a change due after the run went quiet).
    fn run_stepped(&mut self) {
        while let Some(&i) = self.stepped_order.get(self.next_stepped) {
            let due = self.scenario.script[i as usize].after_step.unwrap_or(0);
            if due > self.tasks && !self.queue.is_empty() {
                return;
            }
            self.next_stepped += 1;
            self.run_script_step(i as usize);
        }
    }

    fn queue_next_script(&mut self) {
        if let Some(&i) = self.script_order.get(self.next_script) {
            self.next_script += 1;
            let at = self.scenario.script[i as usize].at;
            self.queue.push(at, i as u64 + 1, Task::Script(i));
        }
    }

    fn schedule(&mut self, at: Millis, task: Task) {
        debug_assert!(at >= self.now, "a task scheduled in the past");
        self.seq += 1;
        self.queue.push(at, self.seq, task);
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
        if self.next_stepped < self.stepped_order.len() {
            self.run_stepped();
        }
        // A message task whose message was rescheduled (or is gone) is stale: skip it.
        let (at, task) = loop {
            let Some((at, _, task)) = self.queue.pop() else {
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
            Task::Restart(r) if self.replicas[r as usize].down_until() == Some(self.now) => {
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
                name: Invariant::Finishes,
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
            .map(|r| r.dead_letters().len() as u64)
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

    fn note(&mut self, text: String) -> u32 {
        self.notes.push(text);
        self.notes.len() as u32 - 1
    }
}

/// Every record as the scenario starts it, a lifecycle's records in their first state.
fn initial_records(scenario: &Scenario, machines: &[Option<Arc<Lifecycle>>]) -> Vec<RecordState> {
    scenario
        .records
        .iter()
        .zip(machines)
        .map(|(r, machine)| {
            let mut fields = r.fields.clone();
            if let Some(m) = machine {
                fields.entry("state".into()).or_insert_with(|| m.start());
            }
            RecordState::initial(Arc::new(fields))
        })
        .collect()
}

/// Each system's clock, the source first: the scenario's, or a true one.
fn clocks_of(scenario: &Scenario) -> Vec<Clock> {
    let mut clocks = vec![Clock::default(); scenario.replicas.len() + 1];
    for (name, clock) in &scenario.clocks {
        if let Some(i) = std::iter::once(&scenario.source)
            .chain(scenario.replicas.iter().map(|r| &r.name))
            .position(|n| n == name)
        {
            clocks[i] = *clock;
        }
    }
    clocks
}
