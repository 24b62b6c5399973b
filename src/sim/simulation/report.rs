//! What a run says about itself: its checked lost writes, its violations and the summary
//! report.

use super::*;

impl Simulation {
    /// Writes that the invariant checker finds lost, from the histories alone.
    pub fn checked_lost_writes(&self) -> Vec<LostWrite> {
        invariants::lost_writes(&self.writes, self.source.history(), &self.reported)
    }

    /// Every invariant failure so far, including the end-of-run checks once the bus is quiet.
    pub fn violations(&self) -> Vec<Violation> {
        let mut all = self.violations.clone();
        let quiet = self.is_quiet();
        // The lost-write check runs on the whole history once the bus is quiet; before that,
        // a write the engine has already seen lost is reported at once, so that the mark
        // agrees with the narration that told of the loss. Only those writes are checked
        // then (few, and quick: the whole history at every step of a long run would not be).
        let lost: Vec<LostWrite> = if quiet {
            self.checked_lost_writes()
        } else {
            self.lost
                .keys()
                .filter(|id| !self.reported.contains(id))
                .filter_map(|id| {
                    let w = &self.writes[id.0 as usize - 1];
                    let commits = &self.source.history()[w.record.0 as usize];
                    let position = commits.iter().position(|c| c.write == w.id);
                    invariants::lost_write(w, commits, position)
                })
                .collect()
        };
        for lost in lost {
            all.push(Violation {
                name: Invariant::NoLostAcknowledgedWrite,
                time: lost.time,
                message: explain::lost_write(self, &lost),
            });
        }
        if quiet && self.divergent > 0 {
            all.push(Violation {
                name: Invariant::Converges,
                time: self.now,
                message: self.divergence_sentence(),
            });
        }
        // In time order, ties in the order found (the position breaks them).
        let order = crate::sim::ordered::positions_by_key(all.iter().map(|v| v.time));
        let mut all: Vec<Option<Violation>> = all.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|i| all[i as usize].take())
            .collect()
    }

    /// Why the quiet run has not converged, in words (`explain::divergence`), about the
    /// first copy that differs.
    fn divergence_sentence(&self) -> String {
        let n = self.source.records().len();
        let first = self.differs.iter().position(|&d| d).expect("divergent > 0");
        explain::divergence(self, self.divergent, first / n, first % n)
    }

    /// The summary of the run so far.
    pub fn report(&self) -> Report {
        let invariant_violations = self.violations();
        // Keyed by name: the report lists them alphabetically, as it always has.
        let invariants = crate::sim::ordered::map_of(
            self.verdicts_given(&invariant_violations)
                .into_iter()
                .map(|(invariant, verdict)| (invariant.name().to_string(), verdict)),
        );
        Report {
            scenario: self.scenario.name.clone(),
            seed: self.seed,
            strategy: self.deciding.name().to_string(),
            idempotency: self.idempotency,
            metrics: self.metrics(),
            steps: self.tasks,
            trace_entries: self.trace.len(),
            trace_hash: self.trace.hash(),
            invariants,
            invariant_violations,
        }
    }
}

impl Report {
    /// `invariant`'s verdict; `None` only for a report read from JSON that lacks it.
    pub fn verdict(&self, invariant: Invariant) -> Option<&Verdict> {
        self.invariants.get(invariant.name())
    }
}
