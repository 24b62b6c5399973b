//! The runs a comparison shows: the run on show's scenario, seed, idempotency and changes,
//! replayed under every strategy and recorded a chunk at a time.

use std::sync::Arc;

use crate::sim::timeline::Timeline;
use crate::sim::{Command, Scenario, Simulation, Strategy};
use crate::ui::explorer::CHUNK;

/// What every pane replays.
#[derive(Debug, Clone)]
pub struct Basis {
    /// The scenario of the run on show.
    pub scenario: Arc<Scenario>,
    /// Its seed.
    pub seed: u64,
    /// Whether replicas skip events already processed.
    pub idempotent: bool,
    /// The changes that lead from the scenario's run to the run on show.
    pub changes: Vec<(u64, Command)>,
}

impl PartialEq for Basis {
    /// The same scenario object (a scenario is compared by identity: the generated load is
    /// large), seed, idempotency and changes.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.scenario, &other.scenario)
            && (self.seed, self.idempotent) == (other.seed, other.idempotent)
            && self.changes == other.changes
    }
}

/// One strategy's run.
#[derive(Debug, Clone)]
pub struct Pane {
    /// The strategy.
    pub strategy: Strategy,
    /// Its run, recorded so far.
    pub timeline: Timeline,
    /// A change that could not be made in this run, and why; the changes after it are left
    /// out too.
    pub problem: Option<String>,
}

/// `strategy`'s run of `basis`, from its first step; each change is made at the step it
/// was made at in the run on show (before the strategies part, the runs are the same step
/// for step).
pub fn one(basis: &Basis, strategy: Strategy) -> Pane {
    let sim = Simulation::from_checked(Arc::clone(&basis.scenario), basis.seed, strategy)
        .with_idempotency(basis.idempotent);
    let mut pane = Pane {
        strategy,
        timeline: Timeline::new(sim),
        problem: None,
    };
    for (step, change) in &basis.changes {
        if let Err(why) = pane.change(*step, change) {
            pane.problem = Some(why);
            break;
        }
    }
    pane
}

impl Pane {
    /// Makes `change` once `step` steps are done: the run from there is new.
    pub fn change(&mut self, step: u64, change: &Command) -> Result<(), String> {
        while self.timeline.len() < step && self.timeline.advance(CHUNK) {}
        let branched = self.timeline.branch(step, change).map_err(|e| {
            format!(
                "{} could not be made at step {step} of this run: {e}.",
                change.what()
            )
        })?;
        self.timeline = branched;
        Ok(())
    }
}

/// Records a little more of every pane; whether any has more to record.
pub fn advance(panes: &mut [Pane]) -> bool {
    let each = CHUNK / panes.len().max(1) as u64;
    let mut more = false;
    for pane in panes {
        more |= pane.timeline.advance(each.max(1));
    }
    more
}
