//! The narration: one sentence for every kind of trace entry, so that the page is never
//! silent about something the picture shows. The kinds are told in five groups: at the
//! source of truth, on the bus, at a replica, when a replica's consumer fails, and what
//! an operator or a saga does.

use super::*;
use crate::sim::Strategy;
use crate::sim::trace::TraceStep;

/// A sentence for trace entry `index`.
pub fn narrate(sim: &Simulation, index: usize) -> String {
    narrate_step(sim, sim.trace().step(index))
}

/// A sentence for `step`, a step of `sim`'s run.
fn narrate_step(sim: &Simulation, step: TraceStep) -> String {
    let words = Words {
        sim,
        actor: step.actor,
        who: sim.scenario().system_name(step.actor),
        source: &sim.scenario().source,
        time: step.time,
    };
    let what = words
        .at_the_source(step.kind)
        .or_else(|| words.on_the_bus(step.kind))
        .or_else(|| words.at_a_replica(step.kind))
        .or_else(|| words.when_a_consumer_fails(step.kind))
        .or_else(|| words.by_an_operator_or_a_saga(step.kind))
        // Every kind is told in one of the groups; a kind added without a sentence
        // still reads as something, never as a panic in the page.
        .unwrap_or_else(|| format!("{} ({}).", step.kind.name(), words.who));
    format!("{} ms: {what}", step.time)
}

/// What a sentence about one step draws on.
#[derive(Clone, Copy)]
struct Words<'a> {
    sim: &'a Simulation,
    /// The acting system.
    actor: SystemId,
    /// The acting system's name.
    who: &'a str,
    /// The source of truth's name.
    source: &'a str,
    /// The step's time.
    time: Millis,
}

impl Words<'_> {
    fn ev(&self, e: EventId) -> String {
        event_short(self.sim, e)
    }

    fn wr(&self, w: WriteId) -> String {
        write_short(self.sim, w)
    }

    /// Saga `n`'s name and the name of its step `step`.
    fn saga(&self, n: u32, step: u32) -> (String, String) {
        let spec = &self.sim.scenario().sagas[n as usize];
        (spec.name.clone(), spec.steps[step as usize].name.clone())
    }

    /// Writes, commits, requests, conflicts and refusals at the source of truth.
    fn at_the_source(&self, kind: StepKind) -> Option<String> {
        let Words {
            sim, who, source, ..
        } = *self;
        Some(match kind {
            StepKind::Command { record, write } => format!(
                "a user of {source} changes {} ({}).",
                sim.record_name(record),
                self.wr(write)
            ),
            StepKind::LocalWrite { record, write } => format!(
                "a user of {who} changes its copy of {} ({}); the change is sent to {source}.",
                sim.record_name(record),
                self.wr(write)
            ),
            StepKind::Commit {
                record,
                write,
                version,
            } => format!(
                "{source} committed {} v{version}: {}.",
                sim.record_name(record),
                self.wr(write)
            ),
            StepKind::Publish { event, .. } => {
                format!("{source} published {} to every subscriber.", self.ev(event))
            }
            StepKind::Request { write, .. } => format!("{} reached {source}.", self.wr(write)),
            StepKind::Conflict { record, write } => format!(
                "conflict on {}: {} clashed with {source}'s value, which is kept.",
                sim.record_name(record),
                self.wr(write)
            ),
            StepKind::Escalate {
                record, escalation, ..
            } => format!(
                "conflict on {} sent to a person (escalation #{escalation}).",
                sim.record_name(record)
            ),
            StepKind::MergeWrite { record, write } => format!(
                "{source} merged {} with the changes to {} it had not seen; the merge is committed.",
                self.wr(write),
                sim.record_name(record)
            ),
            StepKind::Resolve { escalation, .. } => {
                format!("escalation #{escalation} decided; the decision is published.")
            }
            StepKind::LostUpdate { write, .. } => match sim.lost_to(write) {
                Some(winner) if winner != WriteId::INITIAL => format!(
                    "{} was lost without anyone being told: {} won under {}.",
                    self.wr(write),
                    self.wr(winner),
                    match sim.strategy() {
                        Some(Strategy::ApplyOnArrival) => "apply-on-arrival",
                        Some(_) => "last-write-wins",
                        None => sim.resolver_name(),
                    }
                ),
                _ => format!("{} was lost without anyone being told.", self.wr(write)),
            },
            StepKind::InvalidTransition { note, .. } | StepKind::Refused { note } => {
                format!("refused: {}.", sim.note_text(note))
            }
            _ => return None,
        })
    }

    /// Deliveries, losses, duplicates and links.
    fn on_the_bus(&self, kind: StepKind) -> Option<String> {
        let Words { who, .. } = *self;
        Some(match kind {
            StepKind::Duplicate { event } => {
                format!("the bus will deliver {} to {who} twice.", self.ev(event))
            }
            StepKind::Deliver { event, attempt: n } => {
                format!("{} reached {who}{}.", self.ev(event), attempt(n))
            }
            StepKind::Drop { event } => format!(
                "the delivery of {} to {who} was lost; the bus will redeliver it.",
                self.ev(event)
            ),
            StepKind::Redeliver { event, attempt: n } => format!(
                "no acknowledgement came: the bus sends {} to {who} again{}.",
                self.ev(event),
                attempt(n)
            ),
            StepKind::NotAcked { event } => format!(
                "{} reached {who} while it was down: not acknowledged.",
                self.ev(event)
            ),
            StepKind::Partition { until } => {
                format!("the link to {who} is down until {until} ms; messages wait.")
            }
            StepKind::Heal => format!("the link to {who} is back up; waiting messages leave."),
            _ => return None,
        })
    }

    /// What a replica's consumer does with an event.
    fn at_a_replica(&self, kind: StepKind) -> Option<String> {
        let who = self.who;
        Some(match kind {
            StepKind::Apply {
                event, again: true, ..
            } => format!(
                "{who} applied {} again: idempotency is off.",
                self.ev(event)
            ),
            StepKind::Apply { event, version, .. } => {
                format!(
                    "{who} applied {}; its copy is now v{version}.",
                    self.ev(event)
                )
            }
            StepKind::RejectStale { event, reason } => format!(
                "{who} rejected {} as stale: {}.",
                self.ev(event),
                match reason {
                    StaleReason::OlderVersion => "it already holds a later version",
                    StaleReason::OlderTimestamp => "its copy carries a later timestamp",
                    StaleReason::ByRule => "the resolver's rule keeps its copy",
                }
            ),
            StepKind::MergeIn { event, version } => format!(
                "{who} merged {} with its own unconfirmed write; its copy is now v{version}, holding both.",
                self.ev(event)
            ),
            StepKind::SkipDuplicate { event } => format!(
                "{who} skipped a duplicate of {}: it had processed it already.",
                self.ev(event)
            ),
            StepKind::Hold { event, waiting_for } => {
                format!(
                    "{who} holds {} until v{waiting_for} arrives.",
                    self.ev(event)
                )
            }
            StepKind::Release { event } => format!(
                "{who} takes up {} now that the version before it arrived.",
                self.ev(event)
            ),
            StepKind::Effect { write, again } => format!(
                "{who} fired its side effect for {}{}.",
                self.wr(write),
                if again { " again" } else { "" }
            ),
            StepKind::EffectSkipped { write } => format!(
                "the external service recognised the idempotency key of {} and did nothing.",
                self.wr(write)
            ),
            _ => return None,
        })
    }

    /// A replica's consumer failing: a poison record, failed tries, retries, the
    /// dead-letter queue and what an operator does with it.
    fn when_a_consumer_fails(&self, kind: StepKind) -> Option<String> {
        let Words { sim, who, time, .. } = *self;
        Some(match kind {
            StepKind::Poisoned { record } => {
                // The replica knows when the fix is deployed, if ever, whether the fault
                // came from the script or from a person.
                let fixed = self
                    .actor
                    .replica_index()
                    .and_then(|r| sim.poison_ends(r, record, time));
                let until = match fixed.flatten() {
                    Some(t) => format!("until a fix is deployed at {t} ms"),
                    None => "for the rest of the run".into(),
                };
                format!(
                    "{who}'s consumer starts failing on every event about {} (a bug), {until}.",
                    sim.record_name(record)
                )
            }
            StepKind::ProcessingFailed { event, attempt: n } => {
                format!("{who} failed to process {}{}.", self.ev(event), attempt(n))
            }
            StepKind::Retry { event, attempt: n } => format!(
                "{who} tries {} again after its backoff{}.",
                self.ev(event),
                attempt(n)
            ),
            StepKind::DeadLetter { event } => format!(
                "{who} gave up on {}: it is in the dead-letter queue.",
                self.ev(event)
            ),
            StepKind::Replay { event } => {
                format!("an operator replayed {} to {who}.", self.ev(event))
            }
            StepKind::Discard { event } => format!(
                "an operator discarded {} from {who}'s dead-letter queue.",
                self.ev(event)
            ),
            _ => return None,
        })
    }

    /// Crashes, restarts, clocks and sagas.
    fn by_an_operator_or_a_saga(&self, kind: StepKind) -> Option<String> {
        let Words { sim, who, .. } = *self;
        Some(match kind {
            StepKind::Crash => format!("{who} crashed."),
            StepKind::Restart => format!("{who} is back."),
            StepKind::Skew { offset_ms } => {
                format!("{who}'s clock is now off by {offset_ms} ms.")
            }
            StepKind::SagaStep { saga: n, step } => {
                let (name, step_name) = self.saga(n, step);
                format!("saga {name} runs step {} ({step_name}).", step + 1)
            }
            StepKind::SagaFailed { note, .. } => {
                format!("the saga failed ({}); compensating.", sim.note_text(note))
            }
            StepKind::Compensate { saga: n, step } => {
                let (name, step_name) = self.saga(n, step);
                format!("saga {name} undoes step {} ({step_name}).", step + 1)
            }
            _ => return None,
        })
    }
}

/// " (attempt n)" after the first attempt.
fn attempt(n: u32) -> String {
    if n > 1 {
        format!(" (attempt {n})")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Strategy, SystemId, library};

    #[test]
    fn a_persons_poison_is_told_with_its_end() {
        // email-conflict has billing and the record customer-1; a person poisons it for
        // 500 ms at step 3, which no script step says.
        let scenario = library::by_name("email-conflict").unwrap();
        let mut sim = Simulation::new(&scenario, 1, Strategy::VersionComparison).unwrap();
        sim.run_for(3);
        let now = sim.now();
        let poison = |until| crate::sim::Command::Poison {
            system: "billing".into(),
            record: "customer-1".into(),
            until,
        };
        sim.apply(&poison(Some(now + 500))).unwrap();
        let told = narrate(&sim, sim.trace().len() - 1);
        assert!(
            told.ends_with(&format!("until a fix is deployed at {} ms.", now + 500)),
            "{told}"
        );
        sim.apply(&poison(None)).unwrap();
        let told = narrate(&sim, sim.trace().len() - 1);
        assert!(told.ends_with("for the rest of the run."), "{told}");
    }

    #[test]
    fn every_kind_of_step_has_a_sentence_of_its_own() {
        // The saga run has records, events, writes, a saga and a note (its failure).
        let scenario = library::by_name("saga").unwrap();
        let mut sim = Simulation::new(&scenario, 2, Strategy::VersionComparison).unwrap();
        sim.run_to_end();
        let kinds = StepKind::one_of_each(&crate::sim::trace::Samples {
            record: RecordId(0),
            write: WriteId(1),
            event: EventId(1),
            saga: 0,
            note: 0,
        });
        for kind in kinds {
            let step = TraceStep {
                time: 5,
                actor: SystemId(1),
                kind,
            };
            let sentence = narrate_step(&sim, step);
            assert!(sentence.starts_with("5 ms: "), "{sentence}");
            assert!(
                !sentence.ends_with(&format!("{} (billing).", kind.name())),
                "no sentence for {kind:?}"
            );
        }
    }
}
