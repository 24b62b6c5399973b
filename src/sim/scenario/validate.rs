//! Everything serde cannot check in a scenario: ranges, names that must exist, limits.

use std::collections::{BTreeMap, BTreeSet};

use super::knobs::{at_most, validate_clock, validate_link};
use super::*;
use crate::sim::record::Values;

/// A change to check, borrowed from a script's write or a saga step.
#[derive(Clone, Copy)]
pub(super) struct ChangeRef<'a> {
    pub record: &'a str,
    pub event: Option<&'a str>,
    pub set: &'a Values,
}

impl<'a> ChangeRef<'a> {
    fn of(change: &'a Change) -> Self {
        ChangeRef {
            record: &change.record,
            event: change.event.as_deref(),
            set: &change.set,
        }
    }
}

/// What the checks of the script look names up in.
pub(super) struct Known<'a> {
    /// Every system's name.
    pub names: &'a BTreeSet<&'a str>,
    /// Every record's id, with its position.
    pub ids: &'a BTreeMap<&'a str, usize>,
    /// Every saga's name.
    pub sagas: &'a BTreeSet<&'a str>,
}

impl Scenario {
    /// Checks everything serde cannot: ranges, names that must exist, limits. Every problem
    /// is reported, in the order of the scenario's fields.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        let mut errors = Vec::new();
        let mut err =
            |path: String, message: String| errors.push(ScenarioError::new(&path, message));
        self.check_sizes(&mut err);
        let names = self.check_systems(&mut err);
        let ids = self.check_records(&mut err);
        self.check_clocks(&names, &mut err);
        self.check_retries(&mut err);
        let sagas = self.check_sagas(&ids, &mut err);
        for (i, step) in self.script.iter().enumerate() {
            self.check_script_step(
                i,
                step,
                &Known {
                    names: &names,
                    ids: &ids,
                    sagas: &sagas,
                },
                &mut err,
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errors))
        }
    }

    /// How many replicas, records, script steps and deliveries.
    fn check_sizes(&self, err: &mut impl FnMut(String, String)) {
        if self.replicas.is_empty() || self.replicas.len() > limits::MAX_REPLICAS {
            err(
                "replicas".into(),
                format!(
                    "expected 1 to {} replicas, found {}",
                    limits::MAX_REPLICAS,
                    self.replicas.len()
                ),
            );
        }
        if self.records.is_empty() || self.records.len() > limits::MAX_RECORDS {
            err(
                "records".into(),
                format!(
                    "expected 1 to {} records, found {}",
                    limits::MAX_RECORDS,
                    self.records.len()
                ),
            );
        }
        if self.script.len() > limits::MAX_SCRIPT_STEPS {
            err(
                "script".into(),
                format!(
                    "at most {} steps are allowed, found {}",
                    limits::MAX_SCRIPT_STEPS,
                    self.script.len()
                ),
            );
        }
        let commands =
            self.script.len() + self.sagas.iter().map(|s| 2 * s.steps.len()).sum::<usize>();
        if commands.saturating_mul(self.replicas.len()) > limits::MAX_DELIVERIES {
            err(
                "script".into(),
                format!(
                    "{commands} steps to {} replicas would make up to {} deliveries; the limit is {}",
                    self.replicas.len(),
                    commands * self.replicas.len(),
                    limits::MAX_DELIVERIES
                ),
            );
        }
    }

    /// The systems' names (all different) and the replicas' links; returns the names.
    fn check_systems(&self, err: &mut impl FnMut(String, String)) -> BTreeSet<&str> {
        let mut names = crate::sim::ordered::set_of([self.source.as_str()]);
        if self.source.trim().is_empty() {
            err(
                "source".into(),
                "expected a system name, found an empty string".into(),
            );
        }
        for (i, replica) in self.replicas.iter().enumerate() {
            let path = format!("replicas[{i}]");
            if replica.name.trim().is_empty() {
                err(
                    format!("{path}.name"),
                    "expected a system name, found an empty string".into(),
                );
            } else if !names.insert(replica.name.as_str()) {
                err(
                    format!("{path}.name"),
                    format!("\"{}\" is already the name of another system", replica.name),
                );
            }
            validate_link(&replica.link, &format!("{path}.link"), err);
        }
        names
    }

    /// The records' ids (all different) and lifecycles, and the scenario's own lifecycles;
    /// returns the ids with their positions.
    fn check_records(&self, err: &mut impl FnMut(String, String)) -> BTreeMap<&str, usize> {
        // Record ids to positions: a script of thousands of steps is checked against it.
        let mut ids = BTreeMap::new();
        for (i, record) in self.records.iter().enumerate() {
            if ids.insert(record.id.as_str(), i).is_some() {
                err(
                    format!("records[{i}].id"),
                    format!("\"{}\" is listed twice", record.id),
                );
            }
        }
        for (i, record) in self.records.iter().enumerate() {
            if let Some(name) = &record.lifecycle
                && self.lifecycle(name).is_none()
            {
                err(
                    format!("records[{i}].lifecycle"),
                    format!("no lifecycle is called \"{name}\"; define it under lifecycles"),
                );
            }
        }
        for (name, machine) in &self.lifecycles {
            for (suffix, message) in machine.problems() {
                err(format!("lifecycles.{name}.{suffix}"), message);
            }
        }
        ids
    }

    /// The clocks' settings, each for a system that exists.
    fn check_clocks(&self, names: &BTreeSet<&str>, err: &mut impl FnMut(String, String)) {
        for (name, clock) in &self.clocks {
            validate_clock(clock, &format!("clocks.{name}"), err);
            if !names.contains(name.as_str()) {
                err(
                    format!("clocks.{name}"),
                    format!("no system is called \"{name}\""),
                );
            }
        }
    }

    /// Each replica's retry policy.
    fn check_retries(&self, err: &mut impl FnMut(String, String)) {
        for (i, replica) in self.replicas.iter().enumerate() {
            let retry = &replica.retry;
            let path = format!("replicas[{i}].retry");
            if retry.max_attempts == 0 || retry.max_attempts > 100 {
                err(
                    format!("{path}.max_attempts"),
                    format!("expected 1 to 100, found {}", retry.max_attempts),
                );
            }
            if !(1.0..=10.0).contains(&retry.factor) {
                err(
                    format!("{path}.factor"),
                    format!("expected a number from 1 to 10, found {}", retry.factor),
                );
            }
            at_most(format!("{path}.base_ms"), retry.base_ms, err);
            at_most(format!("{path}.cap_ms"), retry.cap_ms, err);
            if retry.cap_ms < retry.base_ms {
                err(
                    format!("{path}.cap_ms"),
                    format!(
                        "expected at least base_ms ({}), found {}",
                        retry.base_ms, retry.cap_ms
                    ),
                );
            }
        }
    }

    /// The sagas: names all different, steps that change records that exist; returns the
    /// names.
    fn check_sagas(
        &self,
        ids: &BTreeMap<&str, usize>,
        err: &mut impl FnMut(String, String),
    ) -> BTreeSet<&str> {
        let mut saga_names = BTreeSet::new();
        for (i, saga) in self.sagas.iter().enumerate() {
            if !saga_names.insert(saga.name.as_str()) {
                err(
                    format!("sagas[{i}].name"),
                    format!("\"{}\" is listed twice", saga.name),
                );
            }
            at_most(format!("sagas[{i}].step_gap_ms"), saga.step_gap_ms, err);
            if saga.steps.is_empty() {
                err(
                    format!("sagas[{i}].steps"),
                    "expected at least one step".into(),
                );
            }
            for (j, step) in saga.steps.iter().enumerate() {
                for (field, change) in [
                    ("action", &step.action),
                    ("compensation", &step.compensation),
                ] {
                    self.validate_change(
                        ChangeRef::of(change),
                        ids,
                        &|| format!("sagas[{i}].steps[{j}].{field}"),
                        err,
                    );
                }
            }
        }
        saga_names
    }

    pub(super) fn validate_change(
        &self,
        change: ChangeRef,
        ids: &BTreeMap<&str, usize>,
        path: &dyn Fn() -> String,
        err: &mut impl FnMut(String, String),
    ) {
        let Some(&index) = ids.get(change.record) else {
            err(
                format!("{}.record", path()),
                format!("no record has the id \"{}\"", change.record),
            );
            return;
        };
        match change.event {
            Some(event) => match self.record_lifecycle(index) {
                None => err(
                    format!("{}.event", path()),
                    format!(
                        "record \"{}\" has no lifecycle, so it takes no event \"{event}\"",
                        change.record
                    ),
                ),
                Some(machine) if !machine.transitions.iter().any(|t| t.event == event) => err(
                    format!("{}.event", path()),
                    format!(
                        "the lifecycle of \"{}\" has no event \"{event}\"",
                        change.record
                    ),
                ),
                Some(_) => {}
            },
            None if change.set.is_empty() => err(
                format!("{}.set", path()),
                "expected at least one field to set, or an event".into(),
            ),
            None => {}
        }
    }
}
