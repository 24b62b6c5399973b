//! Snapshots of a run's state, for time travel: what a snapshot keeps and how a step is
//! restored from one.

use super::*;

impl Simulation {
    /// A copy of this run without its append-only logs (trace steps, events, writes,
    /// histories, notes), for a snapshot; `restore` gives the logs back.
    pub fn snapshot(&self) -> Simulation {
        // clone_state already leaves the logs out; the trace keeps its running hash.
        let mut copy = self.clone_state();
        copy.trace = self.trace.detached();
        copy.log_lengths = Some(LogLengths {
            trace: self.trace.len(),
            events: self.events.len(),
            writes: self.writes.len(),
            notes: self.notes.len(),
            history: self.source.history_lengths(),
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
        sim.source.restore_history(&full.source, &lengths.history);
        sim.log_lengths = None;
        sim
    }

    /// Everything but the logs, cloned.
    pub(super) fn clone_state(&self) -> Simulation {
        Simulation {
            scenario: Arc::clone(&self.scenario),
            seed: self.seed,
            deciding: self.deciding.clone(),
            idempotency: self.idempotency,
            rng: self.rng.clone(),
            now: self.now,
            seq: self.seq,
            tasks: self.tasks,
            queue: self.queue.clone(),
            record_index: Arc::clone(&self.record_index),
            compiled: Arc::clone(&self.compiled),
            script_order: Arc::clone(&self.script_order),
            next_script: self.next_script,
            stepped_order: Arc::clone(&self.stepped_order),
            next_stepped: self.next_stepped,
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
}
