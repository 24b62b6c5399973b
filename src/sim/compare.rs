//! The same run under several strategies, side by side: what each ended with, and the
//! first moment their stories part. Runs of one scenario, seed, idempotency setting and
//! changes go step for step alike until a strategy decides differently, so they part at
//! the first trace entry on which they do not all agree.

use serde::Serialize;

use super::explain::narrate;
use super::ids::{Millis, RecordId, SystemId};
use super::record::describe;
use super::resolver::Strategy;
use super::simulation::Simulation;
use super::staleness;
use super::trace::{StepKind, TraceStep};

/// One strategy's line in the summary table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The strategy; `None` for a run a custom resolver decided.
    pub strategy: Option<Strategy>,
    /// Writes lost without anyone being told.
    pub lost_updates: u64,
    /// Conflicts detected.
    pub conflicts: u64,
    /// Conflicts sent to a person.
    pub escalations: u64,
    /// Changes merged with the ones they had not seen.
    pub merges: u64,
    /// Events a replica rejected as stale.
    pub stale_rejected: u64,
    /// When every replica last came to equal the source, if they all do.
    pub converged_at: Option<Millis>,
    /// The longest consistency window (`staleness::Staleness::longest_window_ms`).
    pub longest_window_ms: Option<Millis>,
    /// Commits some replica never came to hold.
    pub never_consistent: u64,
    /// Invariants violated.
    pub violations: usize,
}

/// `sim`'s line in the summary table, as it stands.
pub fn row(sim: &Simulation) -> Row {
    let m = sim.metrics();
    let stale = staleness::staleness(sim);
    Row {
        strategy: sim.strategy(),
        lost_updates: m.lost_updates,
        conflicts: m.conflicts,
        escalations: m.escalations_raised,
        merges: m.merges,
        stale_rejected: m.stale_rejected,
        converged_at: m.converged_at.filter(|_| m.converged),
        longest_window_ms: stale.longest_window_ms,
        never_consistent: stale.never_consistent,
        violations: sim
            .verdicts()
            .iter()
            .filter(|(_, v)| v.is_violated())
            .count(),
    }
}

/// Where runs part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parting {
    /// The first trace entry on which the runs do not all agree (the entries before it
    /// are the same in every run).
    pub entry: usize,
    /// Its virtual time: the earliest among the runs that reach it.
    pub time: Millis,
    /// Per run, in the order given, what it did there, in words (`None` for a run that
    /// ended before it).
    pub said: Vec<Option<String>>,
}

/// The first point at which `runs` (of one scenario, seed, idempotency and changes) part,
/// or `None` when they agree to the end of the longest.
pub fn first_parting(runs: &[&Simulation]) -> Option<Parting> {
    let longest = runs.iter().map(|s| s.trace().len()).max()?;
    let entry = (0..longest).find(|&i| {
        let first = runs[0].trace().get(i);
        runs[1..].iter().any(|s| s.trace().get(i) != first)
    })?;
    let time = runs
        .iter()
        .filter_map(|s| s.trace().get(entry).map(|step| step.time))
        .min()?;
    let said = runs
        .iter()
        .map(|s| (entry < s.trace().len()).then(|| narrate(s, entry)))
        .collect();
    Some(Parting { entry, time, said })
}

/// The record trace entry `step` of `sim` is about, if it is about one.
fn record_of(sim: &Simulation, step: &TraceStep) -> Option<RecordId> {
    use StepKind::*;
    match step.kind {
        Command { record, .. }
        | LocalWrite { record, .. }
        | Commit { record, .. }
        | Publish { record, .. }
        | Request { record, .. }
        | Conflict { record, .. }
        | MergeWrite { record, .. }
        | Escalate { record, .. }
        | Resolve { record, .. }
        | LostUpdate { record, .. }
        | InvalidTransition { record, .. }
        | Poisoned { record, .. } => Some(record),
        kind => kind
            .event()
            .and_then(|e| sim.events().get(e.0 as usize - 1))
            .map(|e| e.record),
    }
}

/// What the system that acted in trace entry `entry` of `full` (a whole run) holds of the
/// entry's record in `then`, the same run once that moment is over: "billing then holds
/// email=ada@crm.example (v2)". `None` when the entry is about no record or `full` has no
/// such entry.
pub fn held_after(full: &Simulation, entry: usize, then: &Simulation) -> Option<String> {
    let step = full.trace().get(entry)?;
    let record = record_of(full, &step)?;
    let copies = match step.actor.replica_index() {
        Some(r) => then.replica_records(r),
        None => then.source_records(),
    };
    let copy = copies.get(record.0 as usize)?;
    let who = then.scenario().system_name(step.actor);
    let source = if step.actor == SystemId::SOURCE {
        " (the source of truth)"
    } else {
        ""
    };
    Some(format!(
        "{who}{source} then holds {} of {} (v{}).",
        describe(&copy.fields),
        then.record_name(record),
        copy.version
    ))
}
