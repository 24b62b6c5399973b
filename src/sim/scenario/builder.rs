//! Scenarios built in code, with sensible defaults for everything not said.

use super::{Delay, LinkFaults, RecordSpec, ReplicaSpec, Scenario, ScenarioErrors, ScriptStep};
use crate::sim::command::Command;
use crate::sim::ids::Millis;
use crate::sim::record::Values;
use crate::sim::resolver::Strategy;

/// Builds a `Scenario` step by step; `Scenario::builder` starts one.
///
/// Defaults: the source of truth is called `source`; seed 1; version comparison;
/// idempotent apply on; every link delivers after a fixed 30 ms with no faults (give a
/// replica its own `LinkFaults` with `replica_with`); no records, no script.
///
/// ```
/// use syncscope::sim::Scenario;
///
/// let scenario = Scenario::builder("two-writes")
///     .source("crm")
///     .replica("billing")
///     .record("customer-1", [("email", "ada@old.example")])
///     .write(100, "customer-1", [("email", "ada@crm.example")])
///     .local_write(110, "billing", "customer-1", [("email", "ada@billing.example")])
///     .build()
///     .expect("a valid scenario");
/// assert_eq!(scenario.replicas[0].name, "billing");
/// ```
#[derive(Debug, Clone)]
pub struct ScenarioBuilder {
    scenario: Scenario,
}

/// The link a replica gets when none is given: 30 ms, no faults.
fn default_link() -> LinkFaults {
    LinkFaults {
        delay: Delay::Fixed { ms: 30 },
        ..LinkFaults::default()
    }
}

impl Scenario {
    /// A builder for a scenario called `name` (see `ScenarioBuilder` for its defaults).
    pub fn builder(name: impl Into<String>) -> ScenarioBuilder {
        let name = name.into();
        ScenarioBuilder {
            scenario: Scenario {
                title: name.clone(),
                name,
                description: String::new(),
                seed: 1,
                strategy: Strategy::VersionComparison,
                idempotency: true,
                source: "source".into(),
                replicas: Vec::new(),
                records: Vec::new(),
                script: Vec::new(),
                clocks: Default::default(),
                lifecycles: Default::default(),
                sagas: Vec::new(),
            },
        }
    }
}

impl ScenarioBuilder {
    /// Its title (the name, unless given).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.scenario.title = title.into();
        self
    }

    /// What happens and what to watch for.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.scenario.description = text.into();
        self
    }

    /// The seed `Simulation::as_written` runs with.
    pub fn seed(mut self, seed: u64) -> Self {
        self.scenario.seed = seed;
        self
    }

    /// The strategy `Simulation::as_written` runs with.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.scenario.strategy = strategy;
        self
    }

    /// Whether replicas skip events they have processed before.
    pub fn idempotency(mut self, on: bool) -> Self {
        self.scenario.idempotency = on;
        self
    }

    /// The name of the source of truth.
    pub fn source(mut self, name: impl Into<String>) -> Self {
        self.scenario.source = name.into();
        self
    }

    /// A replica called `name`, fed by a link that delivers after 30 ms with no faults.
    pub fn replica(self, name: impl Into<String>) -> Self {
        self.replica_with(name, default_link())
    }

    /// A replica called `name`, fed by a link with `link`'s delay and faults.
    pub fn replica_with(mut self, name: impl Into<String>, link: LinkFaults) -> Self {
        self.scenario.replicas.push(ReplicaSpec {
            name: name.into(),
            link,
            retry: Default::default(),
            effect: None,
        });
        self
    }

    /// A record every system starts with: its id and its values.
    pub fn record<K, V>(
        mut self,
        id: impl Into<String>,
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.scenario.records.push(RecordSpec {
            id: id.into(),
            fields: fields.into_iter().collect(),
            lifecycle: None,
        });
        self
    }

    /// At `at` ms, the source of truth sets `set` on `record`.
    pub fn write<K, V>(
        self,
        at: Millis,
        record: impl Into<String>,
        set: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let set: Values = set.into_iter().collect();
        self.command(
            at,
            Command::Write {
                record: record.into(),
                event: None,
                set,
            },
        )
    }

    /// At `at` ms, replica `system` sets `set` on its own copy of `record` and forwards
    /// the write to the source of truth.
    pub fn local_write<K, V>(
        self,
        at: Millis,
        system: impl Into<String>,
        record: impl Into<String>,
        set: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let set: Values = set.into_iter().collect();
        self.command(
            at,
            Command::LocalWrite {
                system: system.into(),
                record: record.into(),
                set,
            },
        )
    }

    /// At `at` ms, `command` (any of them: a crash, a partition, a fault on a link…).
    pub fn command(mut self, at: Millis, command: Command) -> Self {
        self.scenario.script.push(ScriptStep {
            at,
            after_step: None,
            command,
        });
        self
    }

    /// The scenario, checked (`Scenario::validate`): every mistake named, with where it is.
    pub fn build(self) -> Result<Scenario, ScenarioErrors> {
        self.scenario.validate()?;
        Ok(self.scenario)
    }
}
