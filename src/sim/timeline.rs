//! Time travel: a recorded run with snapshots at regular steps, so any step can be
//! rebuilt quickly, and forks that replay a run with one change.

use std::sync::Arc;

use serde::Serialize;

use super::Report;
pub use super::command::{Command, CommandError};
use super::ids::Millis;
use super::invariants::Verdict;
use super::simulation::Simulation;

/// Tasks between two snapshots while a run is short.
pub const SNAPSHOT_EVERY: u64 = 2000;

/// Most snapshots a timeline keeps while its run is short. When it would take more, every
/// other one is let go and the spacing doubles, so that a run's snapshots (each a copy of
/// every replica's records) hold a bounded amount of memory.
pub const MAX_SNAPSHOTS: usize = 24;

/// A long run may keep one snapshot per this many tasks (more than `MAX_SNAPSHOTS`), so
/// that rebuilding a step of it never replays much more than this: its snapshots grow with
/// the run, as its trace does, and its jumps stay short.
pub const TASKS_PER_SNAPSHOT: u64 = 7_500;

/// A whole run, with a snapshot every `SNAPSHOT_EVERY` tasks (more sparsely once there would
/// be more than `MAX_SNAPSHOTS`). Snapshots are shared with forks, which replay only what
/// comes after their change.
#[derive(Debug, Clone)]
pub struct Timeline {
    full: Simulation,
    /// Snapshots with the task count they were taken at, in order.
    snapshots: Vec<(u64, Arc<Simulation>)>,
    /// Tasks between two snapshots now: `SNAPSHOT_EVERY`, doubled at each thinning.
    every: u64,
    /// The tasks at which this run's changes were made (it forked there): the snapshot
    /// just after each change is the only one that can rebuild what follows it, so it
    /// always stays.
    pinned: Vec<u64>,
    /// Virtual time after each task: `times[k]` is the time once `k` tasks are done.
    times: Vec<Millis>,
}

impl Timeline {
    /// A timeline that starts at `sim` (normally a fresh simulation); run it with `advance`.
    pub fn new(sim: Simulation) -> Self {
        let snapshots = vec![(sim.tasks_done(), Arc::new(sim.snapshot()))];
        let times = vec![sim.now()];
        Timeline {
            full: sim,
            snapshots,
            every: SNAPSHOT_EVERY,
            pinned: Vec::new(),
            times,
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
            self.times.push(self.full.now());
            if self.full.tasks_done().is_multiple_of(self.every) {
                self.snapshots
                    .push((self.full.tasks_done(), Arc::new(self.full.snapshot())));
                let allowed =
                    MAX_SNAPSHOTS.max((self.full.tasks_done() / TASKS_PER_SNAPSHOT) as usize);
                if self.snapshots.len() > allowed + self.pinned.len() {
                    self.thin();
                }
            }
        }
        !self.full.is_quiet()
    }

    /// Lets every other regular snapshot go and doubles the spacing. The first (task 0)
    /// and the ones just after this run's changes always stay.
    fn thin(&mut self) {
        self.every *= 2;
        let (every, pinned) = (self.every, &self.pinned);
        self.snapshots
            .retain(|(task, _)| *task == 0 || pinned.contains(task) || task.is_multiple_of(every));
    }

    /// How many snapshots the timeline holds.
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
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

    /// Whether the run is over (recorded to the end).
    pub fn is_complete(&self) -> bool {
        self.full.is_quiet()
    }

    /// Virtual time once `task` tasks are done.
    pub fn time_at(&self, task: u64) -> Millis {
        self.times[(task as usize).min(self.times.len() - 1)]
    }

    /// The last task done at or before virtual time `time`.
    pub fn task_at_time(&self, time: Millis) -> u64 {
        (self.times.partition_point(|&t| t <= time).max(1) - 1) as u64
    }

    /// The run as it was after `task` tasks (clamped to the recorded length).
    pub fn at(&self, task: u64) -> Simulation {
        let task = task.min(self.len());
        let index = self.snapshots.partition_point(|(t, _)| *t <= task).max(1) - 1;
        let mut sim = Simulation::restore(&self.snapshots[index].1, &self.full);
        while sim.tasks_done() < task && sim.step() {}
        sim
    }

    /// The run replayed from `task` with one change, to the end.
    pub fn fork(&self, task: u64, change: &Command) -> Result<Simulation, CommandError> {
        let mut sim = self.at(task);
        sim.apply(change)?;
        sim.run_to_end();
        Ok(sim)
    }

    /// A new timeline that shares this one's past up to `task`, then carries `change` out.
    /// It is not yet run on: call `advance`.
    pub fn branch(&self, task: u64, change: &Command) -> Result<Timeline, CommandError> {
        let task = task.min(self.len());
        let mut sim = self.at(task);
        sim.apply(change)?;
        // The past is shared; from the change on, the branch has snapshots of its own,
        // starting with the state just after the change.
        let mut snapshots: Vec<_> = self
            .snapshots
            .iter()
            .filter(|(t, _)| *t < task)
            .cloned()
            .collect();
        snapshots.push((task, Arc::new(sim.snapshot())));
        let mut pinned: Vec<u64> = self.pinned.iter().copied().filter(|t| *t < task).collect();
        pinned.push(task);
        Ok(Timeline {
            snapshots,
            every: self.every,
            pinned,
            times: self.times[..=task as usize].to_vec(),
            full: sim,
        })
    }
}

/// The run `start` (normally fresh) with `changes` carried out, each once `step` tasks are
/// done, in order (steps never go down), then run to the end. A fork in the explorer is
/// exactly its original plus such a list: replaying it gives the fork's run, step for step.
pub fn replay(
    mut start: Simulation,
    changes: &[(u64, Command)],
) -> Result<Simulation, CommandError> {
    for (step, change) in changes {
        while start.tasks_done() < *step && start.step() {}
        start.apply(change)?;
    }
    start.run_to_end();
    Ok(start)
}

/// How two runs ended differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunDiff {
    /// Metrics that differ: (name, first run, second run).
    pub metrics: Vec<(String, serde_json::Value, serde_json::Value)>,
    /// Record copies that differ: (system, record, first run's values, second run's values).
    pub records: Vec<(String, String, String, String)>,
    /// Invariants whose verdicts differ: (name, first run's, second run's).
    pub invariants: Vec<(String, Verdict, Verdict)>,
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
    // The values, their version and who wrote them: under last-write-wins, who won.
    let describe = |r: &super::record::RecordState| {
        format!(
            "v{} {} (by {})",
            r.version,
            super::record::describe(&r.fields),
            scenario.system_name(r.writer)
        )
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
        .map(|(k, v)| (k.to_string(), v.clone(), rb.invariants[k].clone()))
        .collect();
    RunDiff {
        metrics,
        records,
        invariants,
    }
}
