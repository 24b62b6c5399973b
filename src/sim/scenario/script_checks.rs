//! The checks of a scenario's script: each step's time, and the systems, records, sagas
//! and knobs its command names. What only the run can tell (a message slot, an
//! escalation's number, whether a replica is down then) is checked when the step runs, and
//! a step refused then is recorded as refused.

use super::knobs::{at_most, validate_clock, validate_link};
use super::validate::{ChangeRef, Known};
use super::*;
use crate::sim::escalation::Decision;

/// Where a step's problems are reported: `script[i]` and its time.
struct At<'a> {
    /// The step's position.
    i: usize,
    /// The step's time.
    at: Millis,
    /// What exists.
    known: &'a Known<'a>,
}

impl At<'_> {
    fn path(&self, field: &str) -> String {
        format!("script[{}].{field}", self.i)
    }

    fn replica(&self, scenario: &Scenario, system: &str, err: &mut impl FnMut(String, String)) {
        if !scenario.replicas.iter().any(|r| r.name == system) {
            err(
                self.path("system"),
                format!(
                    "expected one of the replicas ({}), found \"{system}\"",
                    scenario.replica_names()
                ),
            );
        }
    }

    fn record(&self, record: &str, err: &mut impl FnMut(String, String)) {
        if !self.known.ids.contains_key(record) {
            err(
                self.path("record"),
                format!("no record has the id \"{record}\""),
            );
        }
    }

    /// `until`, a time after the step's own and within a week.
    fn until(&self, until: Millis, err: &mut impl FnMut(String, String)) {
        at_most(self.path("until"), until, err);
        if until <= self.at {
            err(
                self.path("until"),
                format!("expected a time after at ({}), found {until}", self.at),
            );
        }
    }

    fn saga(&self, saga: &str, err: &mut impl FnMut(String, String)) {
        if !self.known.sagas.contains(saga) {
            err(self.path("saga"), format!("no saga is called \"{saga}\""));
        }
    }
}

impl Scenario {
    /// Script step `i`: its time, and the systems, records and sagas it names.
    pub(super) fn check_script_step(
        &self,
        i: usize,
        step: &ScriptStep,
        known: &Known,
        err: &mut impl FnMut(String, String),
    ) {
        let at = At {
            i,
            at: step.at,
            known,
        };
        if let Some(steps) = step.after_step
            && steps > crate::sim::simulation::MAX_TASKS
        {
            err(
                at.path("after_step"),
                format!(
                    "expected at most {} steps (a run's longest), found {steps}",
                    crate::sim::simulation::MAX_TASKS
                ),
            );
        }
        if step.at > limits::MAX_TIME_MS {
            err(
                at.path("at"),
                format!(
                    "expected at most {} ms (one week), found {}",
                    limits::MAX_TIME_MS,
                    step.at
                ),
            );
        }
        match &step.command {
            Command::Write { record, event, set } => self.validate_change(
                ChangeRef {
                    record,
                    event: event.as_deref(),
                    set,
                },
                known.ids,
                &|| format!("script[{i}]"),
                err,
            ),
            Command::LocalWrite {
                system,
                record,
                set,
            } => {
                at.replica(self, system, err);
                at.record(record, err);
                if set.is_empty() {
                    err(at.path("set"), "expected at least one field to set".into());
                }
            }
            Command::Crash { system, until } | Command::Partition { system, until } => {
                at.replica(self, system, err);
                at.until(*until, err);
            }
            Command::Poison {
                system,
                record,
                until,
            } => {
                at.replica(self, system, err);
                at.record(record, err);
                if let Some(until) = until {
                    at.until(*until, err);
                }
            }
            Command::Restart { system }
            | Command::Heal { system }
            | Command::ReplayDeadLetters { system }
            | Command::DiscardDeadLetters { system } => at.replica(self, system, err),
            Command::Skew { .. } | Command::SetLink { .. } => {
                self.check_knobs(&at, &step.command, err)
            }
            Command::StartSaga { saga } | Command::FailSaga { saga, .. } => at.saga(saga, err),
            Command::Delay { by_ms, .. } => at_most(at.path("by_ms"), *by_ms, err),
            Command::Resolve {
                decision: Decision::Merge(values),
                ..
            } if values.is_empty() => err(
                at.path("decision"),
                "expected a merged value with at least one field".into(),
            ),
            Command::Drop { .. }
            | Command::Duplicate { .. }
            | Command::DeliverNext { .. }
            | Command::Resolve { .. } => {}
        }
    }
}

impl Scenario {
    /// A `skew` or `set_link` step: the system it names, and its knobs' ranges.
    fn check_knobs(&self, at: &At, command: &Command, err: &mut impl FnMut(String, String)) {
        let path = format!("script[{}]", at.i);
        match command {
            Command::Skew {
                system,
                offset_ms,
                drift_ppm,
            } => {
                let clock = Clock {
                    offset_ms: *offset_ms,
                    drift_ppm: *drift_ppm,
                };
                validate_clock(&clock, &path, err);
                if !at.known.names.contains(system.as_str()) {
                    err(
                        at.path("system"),
                        format!("no system is called \"{system}\""),
                    );
                }
            }
            Command::SetLink {
                system,
                delay,
                duplicate_probability,
                drop_probability,
                reorder,
            } => {
                at.replica(self, system, err);
                let link = LinkFaults {
                    delay: delay.clone(),
                    duplicate_probability: *duplicate_probability,
                    drop_probability: *drop_probability,
                    reorder: *reorder,
                    ..LinkFaults::default()
                };
                validate_link(&link, &path, err);
            }
            _ => {}
        }
    }
}
