//! A scenario's script and sagas compiled for running: every system, record and saga a
//! command names is turned into the id the engine works with, once, when a run is built
//! (and once when a person's command arrives). While a run runs, nothing is looked up by
//! name.

use super::*;

/// The ids a command's names stand for. A command reads only the ids it names; the
/// others stay at their defaults.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target {
    /// The replica it names, by index.
    pub replica: usize,
    /// The system it names (the source or a replica).
    pub system: SystemId,
    /// The record it names.
    pub record: RecordId,
    /// The saga it names, by index.
    pub saga: u32,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            replica: 0,
            system: SystemId::SOURCE,
            record: RecordId(0),
            saga: 0,
        }
    }
}

/// The script and the sagas' steps of a scenario, by id.
#[derive(Debug, Clone, Default)]
pub(super) struct Compiled {
    /// The ids each script step names, in the scenario's order.
    pub script: Vec<Target>,
    /// Each saga's steps: the records of its action and of its compensation.
    pub sagas: Vec<Vec<(RecordId, RecordId)>>,
}

/// The ids a scenario's names stand for.
pub(super) struct Names<'a> {
    /// The scenario the names come from.
    pub scenario: &'a Scenario,
    /// Record ids to their positions.
    pub records: &'a BTreeMap<String, RecordId>,
}

impl Names<'_> {
    fn replica(&self, name: &str) -> Result<usize, CommandError> {
        self.scenario
            .replicas
            .iter()
            .position(|r| r.name == name)
            .ok_or_else(|| CommandError::NoSuchReplica { name: name.into() })
    }

    fn system(&self, name: &str) -> Result<SystemId, CommandError> {
        std::iter::once(&self.scenario.source)
            .chain(self.scenario.replicas.iter().map(|r| &r.name))
            .position(|n| n == name)
            .map(|i| SystemId(i as u16))
            .ok_or_else(|| CommandError::NoSuchSystem { name: name.into() })
    }

    fn record(&self, id: &str) -> Result<RecordId, CommandError> {
        self.records
            .get(id)
            .copied()
            .ok_or_else(|| CommandError::NoSuchRecord { record: id.into() })
    }

    fn saga(&self, name: &str) -> Result<u32, CommandError> {
        self.scenario
            .sagas
            .iter()
            .position(|s| s.name == name)
            .map(|i| i as u32)
            .ok_or_else(|| CommandError::NoSuchSaga { name: name.into() })
    }

    /// The ids `command` names, or the error for the first name that does not exist.
    pub fn target(&self, command: &Command) -> Result<Target, CommandError> {
        let mut target = Target::default();
        let replica = |name: &str, target: &mut Target| {
            let r = self.replica(name)?;
            (target.replica, target.system) = (r, SystemId::replica(r));
            Ok::<_, CommandError>(())
        };
        match command {
            Command::Write { record, .. } => target.record = self.record(record)?,
            Command::LocalWrite { system, record, .. } | Command::Poison { system, record, .. } => {
                replica(system, &mut target)?;
                target.record = self.record(record)?;
            }
            Command::Crash { system, .. }
            | Command::Restart { system }
            | Command::ReplayDeadLetters { system }
            | Command::DiscardDeadLetters { system }
            | Command::Partition { system, .. }
            | Command::Heal { system }
            | Command::SetLink { system, .. } => replica(system, &mut target)?,
            Command::Skew { system, .. } => target.system = self.system(system)?,
            Command::StartSaga { saga } | Command::FailSaga { saga, .. } => {
                target.saga = self.saga(saga)?
            }
            Command::Drop { .. }
            | Command::Delay { .. }
            | Command::Duplicate { .. }
            | Command::DeliverNext { .. }
            | Command::Resolve { .. } => {}
        }
        Ok(target)
    }
}

/// The JSON path of the field a name error is about, below `path`.
fn field_path(path: &str, error: &CommandError) -> String {
    match error {
        CommandError::NoSuchRecord { .. } => format!("{path}.record"),
        CommandError::NoSuchSaga { .. } => format!("{path}.saga"),
        _ => format!("{path}.system"),
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
            names.target(&step.command).map_err(|e| {
                ScenarioError::new(&field_path(&format!("script[{i}]"), &e), e.to_string())
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
                    let record = |id: &str, part: &str| {
                        names.record(id).map_err(|e| {
                            let path = format!("sagas[{i}].steps[{j}].{part}.record");
                            ScenarioError::new(&path, e.to_string())
                        })
                    };
                    Ok((
                        record(&step.action.record, "action")?,
                        record(&step.compensation.record, "compensation")?,
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
        let scenario = library::by_name("email-conflict").unwrap();
        let compiled = compile(&scenario, &ids(&scenario)).unwrap();
        assert_eq!(compiled.script[0].record, RecordId(0));
        let local = compiled.script[1];
        assert_eq!((local.replica, local.system), (0, SystemId(1)));
        assert_eq!(local.record, RecordId(0));
    }

    #[test]
    fn a_name_that_does_not_exist_is_an_error_with_its_path() {
        let mut scenario = library::by_name("email-conflict").unwrap();
        scenario.script[1].command = Command::Crash {
            system: "nowhere".into(),
            until: 500,
        };
        let error = compile(&scenario, &ids(&scenario)).unwrap_err();
        assert_eq!(error.path, "script[1].system");
        assert_eq!(error.message, "no replica is called \"nowhere\"");
    }
}
