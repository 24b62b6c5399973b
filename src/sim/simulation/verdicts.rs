//! Each invariant's verdict at the step on show. A mark on the page comes from here, so it
//! never says "holds" for something that does not apply or cannot be judged yet.

use super::Simulation;
use crate::sim::invariants::{Invariant, Verdict, Violation};

impl Simulation {
    /// Every invariant with its verdict at this step, in report order.
    pub fn verdicts(&self) -> Vec<(Invariant, Verdict)> {
        self.verdicts_given(&self.violations())
    }

    /// `invariant`'s verdict at this point of the run.
    pub fn verdict(&self, invariant: Invariant) -> Verdict {
        self.verdict_given(invariant, &self.violations())
    }

    /// Like `verdicts`, with this step's violations already at hand.
    pub(super) fn verdicts_given(&self, violations: &[Violation]) -> Vec<(Invariant, Verdict)> {
        Invariant::ALL
            .into_iter()
            .map(|name| (name, self.verdict_given(name, violations)))
            .collect()
    }

    fn verdict_given(&self, name: Invariant, violations: &[Violation]) -> Verdict {
        if violations.iter().any(|v| v.name == name) {
            return Verdict::Violated;
        }
        let quiet = self.is_quiet();
        match name {
            Invariant::Converges if !quiet => Verdict::NotYetDecided(format!(
                "judged once the bus is quiet: {}",
                self.still_going()
            )),
            Invariant::Finishes if !quiet => {
                Verdict::NotYetDecided(format!("judged when the run ends: {}", self.still_going()))
            }
            Invariant::NoLostAcknowledgedWrite if !quiet => Verdict::NotYetDecided(
                "judged once the bus is quiet; no acknowledged write is lost so far".into(),
            ),
            Invariant::ExactlyOnceApply if !self.idempotency => {
                Verdict::DoesNotApply(match self.metrics.duplicates_applied {
                    0 => "idempotency is off, so repeats are expected (none so far)".into(),
                    // A badge marks a version applied twice only while a copy holds it.
                    n if self.shows_applied_twice() => format!(
                        "idempotency is off, so repeats are expected: {n} so far — see the ×2 badges"
                    ),
                    n => format!("idempotency is off, so repeats are expected: {n} so far"),
                })
            }
            Invariant::ExactlyOnceEffects
                if self.scenario.replicas.iter().all(|r| r.effect.is_none()) =>
            {
                Verdict::DoesNotApply("no system in this scenario has a side effect".into())
            }
            Invariant::ValidLifecycleTransitions if self.machines.iter().all(Option::is_none) => {
                Verdict::DoesNotApply("no record in this scenario follows a lifecycle".into())
            }
            _ => Verdict::Holds,
        }
    }

    /// Whether some copy holds a version its replica applied twice (a ×2 badge).
    fn shows_applied_twice(&self) -> bool {
        (0..self.replicas.len()).any(|r| {
            (0..self.source.records().len()).any(|i| {
                self.applied_twice(r, crate::sim::RecordId(i as u32))
                    .is_some()
            })
        })
    }

    /// What keeps the run from being quiet, in words. Not a count: the sentence stays the
    /// same from step to step while messages travel, so the mark is not redrawn each time.
    fn still_going(&self) -> &'static str {
        if self.bus.in_flight() > 0 || self.has_requests_in_flight() {
            "messages are still on their way"
        } else {
            "the scenario has more to do"
        }
    }
}
