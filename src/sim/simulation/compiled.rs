//! A scenario's script and sagas compiled for running: every system, record and saga they
//! name is turned into the id the engine works with, once, when a run is built. At run time
//! nothing is looked up by name.

use super::*;

/// A change to one record at the source of truth: its record by id, and where in the
/// scenario its event and values are (read from there, not copied: a long script would
/// be held twice).
#[derive(Debug, Clone, Copy)]
pub(super) struct CompiledChange {
    /// The record.
    pub record: RecordId,
    /// Where the change is written.
    pub at: ChangeAt,
}

/// Where in a scenario a change is written.
#[derive(Debug, Clone, Copy)]
pub(super) enum ChangeAt {
    /// The command of script step `n`.
    Script(u32),
    /// Saga `saga`'s step `step`: its action, or its compensation.
    Saga {
        saga: u32,
        step: u32,
        compensation: bool,
    },
}

impl ChangeAt {
    /// The change's lifecycle event and values in `scenario`.
    pub fn in_scenario(self, scenario: &Scenario) -> (Option<&str>, &BTreeMap<String, String>) {
        match self {
            ChangeAt::Script(n) => match &scenario.script[n as usize].action {
                Action::Command { event, set, .. } => (event.as_deref(), set),
                _ => unreachable!("compiled from a command"),
            },
            ChangeAt::Saga {
                saga,
                step,
                compensation,
            } => {
                let step = &scenario.sagas[saga as usize].steps[step as usize];
                let change = if compensation {
                    &step.compensation
                } else {
                    &step.action
                };
                (change.event.as_deref(), &change.set)
            }
        }
    }
}

/// What a script step does, by id (`scenario::Action` with its names resolved).
#[derive(Debug, Clone)]
pub(super) enum CompiledAction {
    /// A command at the source of truth.
    Command(CompiledChange),
    /// A user of replica `replica` writes to its copy of `record` (the values are script
    /// step `step`'s).
    LocalWrite {
        replica: usize,
        record: RecordId,
        step: u32,
    },
    /// Replica `replica` crashes until `until`.
    Crash { replica: usize, until: Millis },
    /// A system's clock is set.
    Skew { system: SystemId, clock: Clock },
    /// Replica `replica` fails on every event about `record` until `until`.
    Poison {
        replica: usize,
        record: RecordId,
        until: Option<Millis>,
    },
    /// An operator replays replica `replica`'s dead letters.
    ReplayDeadLetters { replica: usize },
    /// An operator discards replica `replica`'s dead letters.
    DiscardDeadLetters { replica: usize },
    /// Saga `saga` starts.
    StartSaga { saga: u32 },
    /// Saga `saga` fails.
    FailSaga { saga: u32, reason: String },
}

/// The script and the sagas' steps of a scenario, by id.
#[derive(Debug, Clone, Default)]
pub(super) struct Compiled {
    /// Each script step's action, in the scenario's order.
    pub script: Vec<CompiledAction>,
    /// Each saga's steps: (action, compensation).
    pub sagas: Vec<Vec<(CompiledChange, CompiledChange)>>,
}

/// The ids a scenario's names stand for.
struct Names<'a> {
    scenario: &'a Scenario,
    records: &'a BTreeMap<String, RecordId>,
}

impl Names<'_> {
    fn replica(&self, name: &str, path: &dyn Fn() -> String) -> Result<usize, ScenarioError> {
        self.scenario
            .replicas
            .iter()
            .position(|r| r.name == name)
            .ok_or_else(|| ScenarioError::new(&path(), format!("no replica is called \"{name}\"")))
    }

    fn system(&self, name: &str, path: &dyn Fn() -> String) -> Result<SystemId, ScenarioError> {
        std::iter::once(&self.scenario.source)
            .chain(self.scenario.replicas.iter().map(|r| &r.name))
            .position(|n| n == name)
            .map(|i| SystemId(i as u16))
            .ok_or_else(|| ScenarioError::new(&path(), format!("no system is called \"{name}\"")))
    }

    fn record(&self, id: &str, path: &dyn Fn() -> String) -> Result<RecordId, ScenarioError> {
        self.records
            .get(id)
            .copied()
            .ok_or_else(|| ScenarioError::new(&path(), format!("no record has the id \"{id}\"")))
    }

    fn saga(&self, name: &str, path: &dyn Fn() -> String) -> Result<u32, ScenarioError> {
        self.scenario
            .sagas
            .iter()
            .position(|s| s.name == name)
            .map(|i| i as u32)
            .ok_or_else(|| ScenarioError::new(&path(), format!("no saga is called \"{name}\"")))
    }

    fn change(
        &self,
        record: &str,
        at: ChangeAt,
        path: &dyn Fn() -> String,
    ) -> Result<CompiledChange, ScenarioError> {
        Ok(CompiledChange {
            record: self.record(record, &|| format!("{}.record", path()))?,
            at,
        })
    }
}

/// Compiles `scenario`'s script and sagas, with `records` mapping record ids to their
/// positions. A name that does not exist is an error (`Scenario::validate` reports it first
/// for every scenario a run is built from).
pub(super) fn compile(
    scenario: &Scenario,
    records: &BTreeMap<String, RecordId>,
) -> Result<Compiled, ScenarioError> {
    let names = Names { scenario, records };
    let script = scenario
        .script
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let path = || format!("script[{i}]");
            let system = || format!("script[{i}].system");
            let record = || format!("script[{i}].record");
            let saga_path = || format!("script[{i}].saga");
            Ok(match &step.action {
                Action::Command { record: id, .. } => {
                    CompiledAction::Command(names.change(id, ChangeAt::Script(i as u32), &path)?)
                }
                Action::LocalWrite {
                    system: name,
                    record: id,
                    ..
                } => CompiledAction::LocalWrite {
                    replica: names.replica(name, &system)?,
                    record: names.record(id, &record)?,
                    step: i as u32,
                },
                Action::Crash {
                    system: name,
                    until,
                } => CompiledAction::Crash {
                    replica: names.replica(name, &system)?,
                    until: *until,
                },
                Action::Skew {
                    system: name,
                    offset_ms,
                    drift_ppm,
                } => CompiledAction::Skew {
                    system: names.system(name, &system)?,
                    clock: Clock {
                        offset_ms: *offset_ms,
                        drift_ppm: *drift_ppm,
                    },
                },
                Action::Poison {
                    system: name,
                    record: id,
                    until,
                } => CompiledAction::Poison {
                    replica: names.replica(name, &system)?,
                    record: names.record(id, &record)?,
                    until: *until,
                },
                Action::ReplayDeadLetters { system: name } => CompiledAction::ReplayDeadLetters {
                    replica: names.replica(name, &system)?,
                },
                Action::DiscardDeadLetters { system: name } => CompiledAction::DiscardDeadLetters {
                    replica: names.replica(name, &system)?,
                },
                Action::StartSaga { saga } => CompiledAction::StartSaga {
                    saga: names.saga(saga, &saga_path)?,
                },
                Action::FailSaga { saga, reason } => CompiledAction::FailSaga {
                    saga: names.saga(saga, &saga_path)?,
                    reason: reason.clone(),
                },
            })
        })
        .collect::<Result<Vec<_>, ScenarioError>>()?;
    let sagas = scenario
        .sagas
        .iter()
        .enumerate()
        .map(|(i, saga)| {
            saga.steps
                .iter()
                .enumerate()
                .map(|(j, step)| {
                    let at = |compensation| ChangeAt::Saga {
                        saga: i as u32,
                        step: j as u32,
                        compensation,
                    };
                    Ok((
                        names.change(&step.action.record, at(false), &|| {
                            format!("sagas[{i}].steps[{j}].action")
                        })?,
                        names.change(&step.compensation.record, at(true), &|| {
                            format!("sagas[{i}].steps[{j}].compensation")
                        })?,
                    ))
                })
                .collect::<Result<Vec<_>, ScenarioError>>()
        })
        .collect::<Result<Vec<_>, ScenarioError>>()?;
    Ok(Compiled { script, sagas })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::library;

    fn ids(scenario: &Scenario) -> BTreeMap<String, RecordId> {
        scenario
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), RecordId(i as u32)))
            .collect()
    }

    #[test]
    fn names_become_the_ids_the_engine_uses() {
        // email-conflict: step 0, the CRM changes customer-1; step 1, billing (replica 0)
        // writes customer-1 (record 0).
        let scenario = library::by_name("email-conflict").unwrap().unwrap();
        let compiled = compile(&scenario, &ids(&scenario)).unwrap();
        assert!(matches!(
            &compiled.script[0],
            CompiledAction::Command(CompiledChange {
                record: RecordId(0),
                ..
            })
        ));
        assert!(matches!(
            &compiled.script[1],
            CompiledAction::LocalWrite {
                replica: 0,
                record: RecordId(0),
                ..
            }
        ));
    }

    #[test]
    fn a_name_that_does_not_exist_is_an_error_with_its_path() {
        let mut scenario = library::by_name("email-conflict").unwrap().unwrap();
        scenario.script[1].action = Action::Crash {
            system: "nowhere".into(),
            until: 500,
        };
        let error = compile(&scenario, &ids(&scenario)).unwrap_err();
        assert_eq!(error.path, "script[1].system");
        assert_eq!(error.message, "no replica is called \"nowhere\"");
    }
}
