//! Scenarios are data: the systems, their records, the links' fault knobs and a script of
//! commands and local writes at given virtual times. They are read from JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::command::Command;
use super::ids::Millis;
use super::record::Values;
use super::resolver::Strategy;

mod builder;
mod delay;
mod error;
mod knobs;
mod script_checks;
mod validate;

pub use builder::ScenarioBuilder;
pub use delay::Delay;
pub use error::{ScenarioError, ScenarioErrors};

/// Upper bounds that keep any scenario from freezing the page or exhausting memory.
pub mod limits {
    /// Most replicas a scenario may have.
    pub const MAX_REPLICAS: usize = 10;
    /// Most records a scenario may have.
    pub const MAX_RECORDS: usize = 10_000;
    /// Most script steps a scenario may have.
    pub const MAX_SCRIPT_STEPS: usize = 1_000_000;
    /// Latest virtual time a script step may be scheduled at (one week), and the longest
    /// delay, timeout, backoff, gap or clock offset anywhere in a scenario or typed by a
    /// person: sums of a few such times stay far from overflowing.
    pub const MAX_TIME_MS: u64 = 7 * 24 * 3600 * 1000;
    /// Largest clock drift either way, in parts per million (a clock twice as fast, or stopped).
    pub const MAX_DRIFT_PPM: i64 = 1_000_000;
    /// Most first deliveries a scenario may cause (commands times replicas).
    pub const MAX_DELIVERIES: usize = 5_000_000;
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
    /// Each system's clock, by system name; a system not listed keeps perfect time.
    #[serde(default)]
    pub clocks: BTreeMap<String, Clock>,
    /// Record lifecycles (state machines), by name.
    #[serde(default)]
    pub lifecycles: BTreeMap<String, Lifecycle>,
    /// Sagas: multi-step workflows with a compensation for each step.
    #[serde(default)]
    pub sagas: Vec<Saga>,
}

/// A system's clock: it reads `t + offset_ms + t * drift_ppm / 1_000_000` at virtual time `t`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// How far ahead (positive) or behind (negative) the clock is, in ms.
    #[serde(default)]
    pub offset_ms: i64,
    /// How fast it gains (positive) or loses (negative) time, in parts per million.
    #[serde(default)]
    pub drift_ppm: i64,
}

impl Clock {
    /// What this clock shows at virtual time `t` (never before 0).
    pub fn read(&self, t: Millis) -> Millis {
        let t = t as i128;
        (t + self.offset_ms as i128 + t * self.drift_ppm as i128 / 1_000_000)
            .clamp(0, Millis::MAX as i128) as Millis
    }
}

pub use super::lifecycle::Lifecycle;

/// A saga: steps run one after another; if it fails, the completed steps are compensated in
/// reverse order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saga {
    /// The saga's name.
    pub name: String,
    /// Virtual time between two steps (and between two compensations).
    #[serde(default = "default_step_gap")]
    pub step_gap_ms: Millis,
    /// The steps, in order.
    pub steps: Vec<SagaStep>,
}

fn default_step_gap() -> Millis {
    100
}

/// One step of a saga and its compensation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SagaStep {
    /// What the step is called (`authorise payment`).
    pub name: String,
    /// The change the step makes.
    pub action: Change,
    /// The change that undoes it.
    pub compensation: Change,
}

/// A change to one record at the source of truth: a lifecycle event, field values, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The record's id.
    pub record: String,
    /// The lifecycle event to fire, for a record with a lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Values to set.
    #[serde(default, skip_serializing_if = "Values::is_empty")]
    pub set: Values,
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
    /// How the replica's consumer retries an event it fails to process.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// An external action the replica fires every time it applies a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
}

/// Exponential backoff with jitter for a consumer that fails on an event; after
/// `max_attempts` failures the event goes to the dead-letter queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Wait before the first retry.
    #[serde(default = "default_retry_base")]
    pub base_ms: Millis,
    /// Each wait is this many times the previous one.
    #[serde(default = "default_retry_factor")]
    pub factor: f64,
    /// No wait is longer than this.
    #[serde(default = "default_retry_cap")]
    pub cap_ms: Millis,
    /// Attempts in all (the first one included) before the event is dead-lettered.
    #[serde(default = "default_retry_attempts")]
    pub max_attempts: u32,
    /// Whether each wait is drawn uniformly between 0 and its backoff ("full jitter").
    #[serde(default = "yes")]
    pub jitter: bool,
}

fn default_retry_base() -> Millis {
    50
}
fn default_retry_factor() -> f64 {
    2.0
}
fn default_retry_cap() -> Millis {
    2000
}
fn default_retry_attempts() -> u32 {
    4
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_ms: default_retry_base(),
            factor: default_retry_factor(),
            cap_ms: default_retry_cap(),
            max_attempts: default_retry_attempts(),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The longest wait before retry number `retry` (from 1): `base * factor^(retry-1)`, capped.
    pub fn backoff(&self, retry: u32) -> Millis {
        let raw = self.base_ms as f64 * libm::pow(self.factor, retry.saturating_sub(1) as f64);
        raw.min(self.cap_ms as f64) as Millis
    }
}

/// A side effect: an external action (send an email, charge a card) fired on every apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    /// What the action is called (`charge_card`).
    pub name: String,
    /// Whether each call carries an idempotency key (the id of the write it acts on), so the
    /// external service can recognise a repeat and do nothing.
    #[serde(default)]
    pub idempotency_keys: bool,
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
    /// How long a consumer takes to acknowledge an event after processing it; a crash
    /// within that time loses the acknowledgement, so the event is redelivered.
    #[serde(default = "default_ack_delay")]
    pub ack_delay_ms: Millis,
    /// Windows of virtual time during which the link is down; messages wait, then flow.
    #[serde(default)]
    pub partitions: Vec<Window>,
}

fn default_ack_timeout() -> Millis {
    200
}

fn default_ack_delay() -> Millis {
    5
}

impl Default for LinkFaults {
    fn default() -> Self {
        LinkFaults {
            delay: Delay::default(),
            duplicate_probability: 0.0,
            reorder: false,
            drop_probability: 0.0,
            ack_timeout_ms: default_ack_timeout(),
            ack_delay_ms: default_ack_delay(),
            partitions: Vec::new(),
        }
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
    pub fields: Values,
    /// The name of its lifecycle, if it has one; its `state` field then holds the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<String>,
}

/// One scripted happening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value", into = "serde_json::Value")]
pub struct ScriptStep {
    /// When it happens (0 for a step-keyed entry, see `after_step`).
    pub at: Millis,
    /// Instead of a time: once this many steps are done (written `"after_step"` in place of
    /// `"at"`). This is how a fork's changes are written (`timeline::replay`): a change made
    /// at step 12 is carried out once 12 steps are done, before the 13th, exactly as the
    /// explorer made it; one due after the run has gone quiet is carried out then.
    pub after_step: Option<u64>,
    /// What happens.
    pub command: Command,
}

impl TryFrom<serde_json::Value> for ScriptStep {
    type Error = String;

    fn try_from(value: serde_json::Value) -> Result<Self, String> {
        // Serde cannot combine `flatten` with `deny_unknown_fields`, so `at` is taken off
        // by hand and the rest must be exactly one command.
        let serde_json::Value::Object(mut map) = value else {
            return Err("expected an object like {\"at\": 0, \"do\": \"write\", ...}".into());
        };
        let number = |key: &str, v: serde_json::Value, unit: &str| {
            v.as_u64()
                .ok_or_else(|| format!("{key}: expected a whole number of {unit}, found {v}"))
        };
        let (at, after_step) = match (map.remove("at"), map.remove("after_step")) {
            (Some(at), None) => (number("at", at, "ms")?, None),
            (None, Some(step)) => (0, Some(number("after_step", step, "steps")?)),
            (None, None) => return Err("missing field `at` (or `after_step`)".into()),
            (Some(_), Some(_)) => {
                return Err("expected `at` or `after_step`, not both".into());
            }
        };
        let command =
            serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| e.to_string())?;
        Ok(ScriptStep {
            at,
            after_step,
            command,
        })
    }
}

impl From<ScriptStep> for serde_json::Value {
    fn from(step: ScriptStep) -> Self {
        let mut value = serde_json::to_value(&step.command).expect("a command always serialises");
        if let serde_json::Value::Object(map) = &mut value {
            match step.after_step {
                Some(steps) => map.insert("after_step".into(), steps.into()),
                None => map.insert("at".into(), step.at.into()),
            };
        }
        value
    }
}

impl Scenario {
    /// Reads and validates a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioErrors> {
        super::scenario_json::read(text)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// The lifecycle called `name`: the scenario's own, else a built-in one.
    pub fn lifecycle(&self, name: &str) -> Option<Lifecycle> {
        self.lifecycles
            .get(name)
            .cloned()
            .or_else(|| super::library::lifecycle(name))
    }

    /// The lifecycle of record `index`, if it has one.
    pub fn record_lifecycle(&self, index: usize) -> Option<Lifecycle> {
        self.records[index]
            .lifecycle
            .as_deref()
            .and_then(|name| self.lifecycle(name))
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
