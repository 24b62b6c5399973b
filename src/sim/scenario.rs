//! Scenarios are data: the systems, their records, the links' fault knobs and a script of
//! commands and local writes at given virtual times. They are read from JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::Millis;
use super::resolver::Strategy;

/// Upper bounds that keep any scenario from freezing the page or exhausting memory.
pub mod limits {
    /// Most replicas a scenario may have.
    pub const MAX_REPLICAS: usize = 10;
    /// Most records a scenario may have.
    pub const MAX_RECORDS: usize = 10_000;
    /// Most script steps a scenario may have.
    pub const MAX_SCRIPT_STEPS: usize = 1_000_000;
    /// Latest virtual time a script step may be scheduled at (one week).
    pub const MAX_TIME_MS: u64 = 7 * 24 * 3600 * 1000;
    /// Highest drop probability: redelivery must end eventually.
    pub const MAX_DROP_PROBABILITY: f64 = 0.9;
}

/// A complete, runnable description of a situation to explore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short machine name used on the command line and in links (`email-conflict`).
    pub name: String,
    /// Human title.
    pub title: String,
    /// What happens and what to watch for.
    #[serde(default)]
    pub description: String,
    /// The seed used when none is given.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The strategy used when none is given.
    #[serde(default)]
    pub strategy: Strategy,
    /// Whether replicas remember processed event ids and skip duplicates.
    #[serde(default = "yes")]
    pub idempotency: bool,
    /// The name of the source-of-truth system (`crm`).
    pub source: String,
    /// Downstream systems, each fed by its own link of the event bus.
    pub replicas: Vec<ReplicaSpec>,
    /// The records every system starts with.
    pub records: Vec<RecordSpec>,
    /// What happens, and when.
    #[serde(default)]
    pub script: Vec<ScriptStep>,
}

fn default_seed() -> u64 {
    1
}

fn yes() -> bool {
    true
}

/// A downstream system and the link that feeds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaSpec {
    /// The system's name (`billing`).
    pub name: String,
    /// Fault knobs of the bus link from the source to this replica.
    #[serde(default)]
    pub link: LinkFaults,
}

/// Every fault knob of one link of the event bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkFaults {
    /// How long a message takes to travel.
    #[serde(default)]
    pub delay: Delay,
    /// Probability that a send is delivered twice.
    #[serde(default)]
    pub duplicate_probability: f64,
    /// `false` keeps each record's events in publishing order, like one partition of a log;
    /// `true` lets any message overtake any other.
    #[serde(default)]
    pub reorder: bool,
    /// Probability that a delivery is lost; the bus redelivers after `ack_timeout_ms`.
    #[serde(default)]
    pub drop_probability: f64,
    /// How long the bus waits for an acknowledgement before redelivering.
    #[serde(default = "default_ack_timeout")]
    pub ack_timeout_ms: Millis,
    /// Windows of virtual time during which the link is down; messages wait, then flow.
    #[serde(default)]
    pub partitions: Vec<Window>,
}

fn default_ack_timeout() -> Millis {
    200
}

impl Default for LinkFaults {
    fn default() -> Self {
        LinkFaults {
            delay: Delay::default(),
            duplicate_probability: 0.0,
            reorder: false,
            drop_probability: 0.0,
            ack_timeout_ms: default_ack_timeout(),
            partitions: Vec::new(),
        }
    }
}

/// A delay distribution, in virtual milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Delay {
    /// Always the same delay.
    Fixed {
        /// The delay.
        ms: Millis,
    },
    /// Any delay between the bounds, equally likely.
    Uniform {
        /// Shortest delay.
        min_ms: Millis,
        /// Longest delay.
        max_ms: Millis,
    },
    /// Mostly short delays with an exponential tail.
    Exponential {
        /// Average delay.
        mean_ms: Millis,
    },
    /// A Pareto distribution: at least `min_ms`, and now and then far longer.
    LongTail {
        /// Shortest delay.
        min_ms: Millis,
        /// Tail shape; smaller means heavier (1.1 is very heavy, 3 is mild).
        alpha: f64,
    },
}

impl Default for Delay {
    fn default() -> Self {
        Delay::Fixed { ms: 10 }
    }
}

/// A span of virtual time, `from` included, `to` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Start.
    pub from: Millis,
    /// End.
    pub to: Millis,
}

/// A record every system starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    /// The record's id (`customer-42`).
    pub id: String,
    /// Its initial values.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// One scripted happening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StepJson", into = "StepJson")]
pub struct ScriptStep {
    /// When it happens.
    pub at: Millis,
    /// What happens.
    pub action: Action,
}

/// What a script step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A user of the source of truth changes a record there.
    Command {
        /// The record's id.
        record: String,
        /// Values to set.
        set: BTreeMap<String, String>,
    },
    /// A user of a replica changes that replica's copy; the replica forwards the change
    /// to the source of truth as a request.
    LocalWrite {
        /// The replica's name.
        system: String,
        /// The record's id.
        record: String,
        /// Values to set.
        set: BTreeMap<String, String>,
    },
}

/// A script step as written in JSON: `{"at": 100, "do": "command", ...}`. Serde cannot
/// combine `flatten` with `deny_unknown_fields`, so `at` sits in every variant here.
#[derive(Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
enum StepJson {
    Command {
        at: Millis,
        record: String,
        set: BTreeMap<String, String>,
    },
    LocalWrite {
        at: Millis,
        system: String,
        record: String,
        set: BTreeMap<String, String>,
    },
}

impl From<StepJson> for ScriptStep {
    fn from(step: StepJson) -> Self {
        match step {
            StepJson::Command { at, record, set } => ScriptStep {
                at,
                action: Action::Command { record, set },
            },
            StepJson::LocalWrite {
                at,
                system,
                record,
                set,
            } => ScriptStep {
                at,
                action: Action::LocalWrite {
                    system,
                    record,
                    set,
                },
            },
        }
    }
}

impl From<ScriptStep> for StepJson {
    fn from(step: ScriptStep) -> Self {
        let at = step.at;
        match step.action {
            Action::Command { record, set } => StepJson::Command { at, record, set },
            Action::LocalWrite {
                system,
                record,
                set,
            } => StepJson::LocalWrite {
                at,
                system,
                record,
                set,
            },
        }
    }
}

/// One problem found in a scenario, with the path of the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where the problem is, as a JSON path (`replicas[1].link.drop_probability`).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for ScenarioErrors {}

impl Scenario {
    /// Reads and validates a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioErrors> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            ScenarioErrors(vec![ScenarioError {
                path: String::new(),
                message: format!("invalid scenario JSON: {e}"),
            }])
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// Checks everything serde cannot: ranges, names that must exist, limits.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        let mut errors = Vec::new();
        let mut err = |path: String, message: String| errors.push(ScenarioError { path, message });

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
        let mut names = BTreeSet::from([self.source.as_str()]);
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
            validate_link(&replica.link, &format!("{path}.link"), &mut err);
        }
        let mut ids = BTreeSet::new();
        for (i, record) in self.records.iter().enumerate() {
            if !ids.insert(record.id.as_str()) {
                err(
                    format!("records[{i}].id"),
                    format!("\"{}\" is listed twice", record.id),
                );
            }
        }
        for (i, step) in self.script.iter().enumerate() {
            let path = format!("script[{i}]");
            if step.at > limits::MAX_TIME_MS {
                err(
                    format!("{path}.at"),
                    format!(
                        "expected at most {} ms (one week), found {}",
                        limits::MAX_TIME_MS,
                        step.at
                    ),
                );
            }
            let (record, set) = match &step.action {
                Action::Command { record, set } => (record, set),
                Action::LocalWrite {
                    system,
                    record,
                    set,
                } => {
                    if !self.replicas.iter().any(|r| &r.name == system) {
                        err(
                            format!("{path}.system"),
                            format!(
                                "expected one of the replicas ({}), found \"{system}\"",
                                self.replica_names()
                            ),
                        );
                    }
                    (record, set)
                }
            };
            if !ids.contains(record.as_str()) {
                err(
                    format!("{path}.record"),
                    format!("no record has the id \"{record}\""),
                );
            }
            if set.is_empty() {
                err(
                    format!("{path}.set"),
                    "expected at least one field to set".into(),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errors))
        }
    }

    /// The replicas' names, comma-separated.
    pub fn replica_names(&self) -> String {
        self.replicas
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The name of a system by id.
    pub fn system_name(&self, id: super::SystemId) -> &str {
        match id.replica_index() {
            None => &self.source,
            Some(i) => &self.replicas[i].name,
        }
    }
}

fn validate_link(link: &LinkFaults, path: &str, err: &mut impl FnMut(String, String)) {
    for (name, p, max) in [
        ("duplicate_probability", link.duplicate_probability, 1.0),
        (
            "drop_probability",
            link.drop_probability,
            limits::MAX_DROP_PROBABILITY,
        ),
    ] {
        if !(0.0..=max).contains(&p) {
            err(
                format!("{path}.{name}"),
                format!("expected a number from 0 to {max}, found {p}"),
            );
        }
    }
    if link.ack_timeout_ms == 0 {
        err(
            format!("{path}.ack_timeout_ms"),
            "expected a positive number of ms, found 0".into(),
        );
    }
    match link.delay {
        Delay::Uniform { min_ms, max_ms } if min_ms > max_ms => err(
            format!("{path}.delay.max_ms"),
            format!("expected at least min_ms ({min_ms}), found {max_ms}"),
        ),
        Delay::Exponential { mean_ms: 0 } => err(
            format!("{path}.delay.mean_ms"),
            "expected a positive number of ms, found 0".into(),
        ),
        Delay::LongTail { min_ms, alpha } => {
            if min_ms == 0 {
                err(
                    format!("{path}.delay.min_ms"),
                    "expected a positive number of ms, found 0".into(),
                );
            }
            if !(1.01..=10.0).contains(&alpha) {
                err(
                    format!("{path}.delay.alpha"),
                    format!("expected a number from 1.01 to 10, found {alpha}"),
                );
            }
        }
        _ => {}
    }
    for (i, w) in link.partitions.iter().enumerate() {
        if w.from >= w.to {
            err(
                format!("{path}.partitions[{i}].to"),
                format!("expected a time after from ({}), found {}", w.from, w.to),
            );
        }
    }
}
