//! Time travel: a recorded run with snapshots at regular steps, so any step can be
//! rebuilt quickly, and forks that replay a run with one change.

use serde::Serialize;

use super::ids::Millis;
use super::simulation::Simulation;
use super::{Decision, Report};

/// Tasks between two snapshots.
pub const SNAPSHOT_EVERY: u64 = 2000;

/// One change a person makes to a run at some step.
#[derive(Debug, Clone, PartialEq)]
pub enum Intervention {
    /// Lose the message in this bus slot (the bus redelivers it after the ack timeout).
    Drop {
        /// The message's slot (see `Simulation::in_flight`).
        slot: u32,
    },
    /// Hold the message in this bus slot back.
    Delay {
        /// The message's slot.
        slot: u32,
        /// How much later it arrives.
        by_ms: Millis,
    },
    /// Deliver the message in this bus slot one more time.
    Duplicate {
        /// The message's slot.
        slot: u32,
    },
    /// Decide an escalation (differently).
    Resolve {
        /// The escalation's number.
        escalation: u32,
        /// The decision.
        decision: Decision,
    },
}

/// A whole run, with a snapshot every `SNAPSHOT_EVERY` tasks.
#[derive(Debug, Clone)]
pub struct Timeline {
    full: Simulation,
    snapshots: Vec<Simulation>,
}

impl Timeline {
    /// A timeline that starts at `sim` (normally a fresh simulation); run it with `advance`.
    pub fn new(sim: Simulation) -> Self {
        let snapshots = vec![sim.snapshot()];
        Timeline {
            full: sim,
            snapshots,
        }
    }

    /// Records a whole run.
    pub fn record(sim: Simulation) -> Self {
        let mut timeline = Timeline::new(sim);
        while timeline.advance(u64::MAX) {}
        timeline
    }

    /// Runs at most `budget` more tasks, taking snapshots on the way; returns whether
    /// anything is left to do. Lets a page record a long run in chunks.
    pub fn advance(&mut self, budget: u64) -> bool {
        for _ in 0..budget {
            if !self.full.step() {
                return false;
            }
            if self.full.tasks_done().is_multiple_of(SNAPSHOT_EVERY) {
                self.snapshots.push(self.full.snapshot());
            }
        }
        !self.full.is_quiet()
    }

    /// The run as far as it was recorded.
    pub fn full(&self) -> &Simulation {
        &self.full
    }

    /// How many tasks were recorded.
    pub fn len(&self) -> u64 {
        self.full.tasks_done()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The run as it was after `task` tasks (clamped to the recorded length).
    pub fn at(&self, task: u64) -> Simulation {
        let task = task.min(self.len());
        let index = ((task / SNAPSHOT_EVERY) as usize).min(self.snapshots.len() - 1);
        let mut sim = Simulation::restore(&self.snapshots[index], &self.full);
        while sim.tasks_done() < task && sim.step() {}
        sim
    }

    /// The run replayed from `task` with one change, to the end.
    pub fn fork(&self, task: u64, change: &Intervention) -> Result<Simulation, String> {
        let mut sim = self.at(task);
        match change {
            Intervention::Drop { slot } => sim.drop_message(*slot)?,
            Intervention::Delay { slot, by_ms } => sim.delay_message(*slot, *by_ms)?,
            Intervention::Duplicate { slot } => sim.duplicate_message(*slot)?,
            Intervention::Resolve {
                escalation,
                decision,
            } => sim.resolve(*escalation, decision.clone())?,
        }
        sim.run_to_end();
        Ok(sim)
    }
}

/// How two runs ended differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunDiff {
    /// Metrics that differ: (name, first run, second run).
    pub metrics: Vec<(String, serde_json::Value, serde_json::Value)>,
    /// Record copies that differ: (system, record, first run's values, second run's values).
    pub records: Vec<(String, String, String, String)>,
    /// Invariants that hold in one run and not the other: (name, first, second).
    pub invariants: Vec<(String, bool, bool)>,
}

impl RunDiff {
    /// Whether the runs ended the same.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty() && self.records.is_empty() && self.invariants.is_empty()
    }
}

/// Compares the final states and metrics of two runs of the same scenario.
pub fn diff(a: &Simulation, b: &Simulation) -> RunDiff {
    let (ra, rb): (Report, Report) = (a.report(), b.report());
    let (ma, mb) = (
        serde_json::to_value(&ra.metrics).unwrap(),
        serde_json::to_value(&rb.metrics).unwrap(),
    );
    let metrics = ma
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| mb.get(k.as_str()) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone(), mb[k.as_str()].clone()))
        .collect();
    let scenario = a.scenario();
    let describe = |r: &super::record::RecordState| {
        format!("v{} {}", r.version, super::record::describe(&r.fields))
    };
    let mut records = Vec::new();
    let systems = std::iter::once((
        scenario.source.clone(),
        a.source_records(),
        b.source_records(),
    ))
    .chain(
        scenario
            .replicas
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), a.replica_records(i), b.replica_records(i))),
    );
    for (system, xs, ys) in systems {
        for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
            if x.fields != y.fields || x.version != y.version {
                records.push((
                    system.clone(),
                    scenario.records[i].id.clone(),
                    describe(x),
                    describe(y),
                ));
            }
        }
    }
    let invariants = ra
        .invariants
        .iter()
        .filter(|(k, v)| rb.invariants.get(*k) != Some(v))
        .map(|(k, v)| (k.to_string(), *v, rb.invariants[k]))
        .collect();
    RunDiff {
        metrics,
        records,
        invariants,
    }
}
