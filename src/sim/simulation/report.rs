//! What a run says about itself: its checked lost writes, its violations, the summary
//! report, and each trace step as JSON.

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
        // agrees with the narration that told of the loss.
        if quiet || !self.lost.is_empty() {
            for lost in self.checked_lost_writes() {
                if quiet || self.lost.contains_key(&lost.write) {
                    all.push(Violation {
                        name: Invariant::NoLostAcknowledgedWrite,
                        time: lost.time,
                        message: explain::lost_write(self, &lost),
                    });
                }
            }
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

    pub(super) fn divergence_sentence(&self) -> String {
        let n = self.source.records().len();
        let first = self.differs.iter().position(|&d| d).expect("divergent > 0");
        let (r, record) = (first / n, first % n);
        let local = &self.replicas[r].records[record];
        let source = &self.source.records()[record];
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
        // Keyed by name: the report lists them alphabetically, as it always has.
        let invariants = crate::sim::ordered::map_of(
            self.verdicts_given(&invariant_violations)
                .into_iter()
                .map(|(invariant, verdict)| (invariant.name(), verdict)),
        );
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
        use crate::sim::trace::StepJson;
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
