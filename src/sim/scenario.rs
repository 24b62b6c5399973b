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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
}

/// A change to check, borrowed from a script command or a saga step.
#[derive(Clone, Copy)]
struct ChangeRef<'a> {
    record: &'a str,
    event: Option<&'a str>,
    set: &'a BTreeMap<String, String>,
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

/// A delay distribution, in virtual milliseconds. In JSON, `kind` names the distribution
/// and its parameters sit beside it: `{"kind": "uniform", "min_ms": 5, "max_ms": 40}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DelayJson", into = "DelayJson")]
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

/// The JSON form of a delay: a flat object, so that a bad parameter is reported with its
/// own path (serde loses the path inside internally tagged enums).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DelayJson {
    kind: DelayKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mean_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alpha: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DelayKind {
    #[default]
    Fixed,
    Uniform,
    Exponential,
    LongTail,
}

impl TryFrom<DelayJson> for Delay {
    type Error = String;

    fn try_from(j: DelayJson) -> Result<Self, String> {
        let (name, wanted): (&str, &[&str]) = match j.kind {
            DelayKind::Fixed => ("fixed", &["ms"]),
            DelayKind::Uniform => ("uniform", &["min_ms", "max_ms"]),
            DelayKind::Exponential => ("exponential", &["mean_ms"]),
            DelayKind::LongTail => ("long_tail", &["min_ms", "alpha"]),
        };
        let given = [
            ("ms", j.ms.is_some()),
            ("min_ms", j.min_ms.is_some()),
            ("max_ms", j.max_ms.is_some()),
            ("mean_ms", j.mean_ms.is_some()),
            ("alpha", j.alpha.is_some()),
        ];
        for (field, present) in given {
            if present && !wanted.contains(&field) {
                return Err(format!(
                    "{field} does not apply to kind {name}; it takes {}",
                    wanted.join(" and ")
                ));
            }
            if !present && wanted.contains(&field) {
                return Err(format!("kind {name} needs {}", wanted.join(" and ")));
            }
        }
        Ok(match j.kind {
            DelayKind::Fixed => Delay::Fixed {
                ms: j.ms.unwrap_or_default(),
            },
            DelayKind::Uniform => Delay::Uniform {
                min_ms: j.min_ms.unwrap_or_default(),
                max_ms: j.max_ms.unwrap_or_default(),
            },
            DelayKind::Exponential => Delay::Exponential {
                mean_ms: j.mean_ms.unwrap_or_default(),
            },
            DelayKind::LongTail => Delay::LongTail {
                min_ms: j.min_ms.unwrap_or_default(),
                alpha: j.alpha.unwrap_or_default(),
            },
        })
    }
}

impl From<Delay> for DelayJson {
    fn from(d: Delay) -> Self {
        match d {
            Delay::Fixed { ms } => DelayJson {
                kind: DelayKind::Fixed,
                ms: Some(ms),
                ..Default::default()
            },
            Delay::Uniform { min_ms, max_ms } => DelayJson {
                kind: DelayKind::Uniform,
                min_ms: Some(min_ms),
                max_ms: Some(max_ms),
                ..Default::default()
            },
            Delay::Exponential { mean_ms } => DelayJson {
                kind: DelayKind::Exponential,
                mean_ms: Some(mean_ms),
                ..Default::default()
            },
            Delay::LongTail { min_ms, alpha } => DelayJson {
                kind: DelayKind::LongTail,
                min_ms: Some(min_ms),
                alpha: Some(alpha),
                ..Default::default()
            },
        }
    }
}

impl Delay {
    /// The short form a person types: `fixed 10`, `uniform 5-40`, `exp 60`, `tail 15 1.4`.
    pub fn short(&self) -> String {
        match *self {
            Delay::Fixed { ms } => format!("fixed {ms}"),
            Delay::Uniform { min_ms, max_ms } => format!("uniform {min_ms}-{max_ms}"),
            Delay::Exponential { mean_ms } => format!("exp {mean_ms}"),
            Delay::LongTail { min_ms, alpha } => format!("tail {min_ms} {alpha}"),
        }
    }

    /// Reads the short form; the error says what is allowed.
    pub fn parse_short(text: &str) -> Result<Delay, String> {
        const HELP: &str =
            "expected fixed MS, uniform MIN-MAX, exp MEAN or tail MIN ALPHA (times in ms)";
        let words: Vec<&str> = text.split_whitespace().collect();
        let ms = |w: &str| {
            w.parse::<Millis>()
                .map_err(|_| format!("{HELP}; \"{w}\" is not a whole number of ms"))
        };
        let delay = match words.as_slice() {
            ["fixed", v] => Delay::Fixed { ms: ms(v)? },
            ["uniform", range] => {
                let (a, b) = range
                    .split_once('-')
                    .ok_or_else(|| format!("{HELP}; found \"{text}\""))?;
                Delay::Uniform {
                    min_ms: ms(a)?,
                    max_ms: ms(b)?,
                }
            }
            ["exp", v] => Delay::Exponential { mean_ms: ms(v)? },
            ["tail", v, a] => Delay::LongTail {
                min_ms: ms(v)?,
                alpha: super::decimal::parse_decimal(a)
                    .ok_or_else(|| format!("{HELP}; \"{a}\" is not a number"))?,
            },
            _ => return Err(format!("{HELP}; found \"{text}\"")),
        };
        let mut problems = Vec::new();
        let link = LinkFaults {
            delay: delay.clone(),
            ..LinkFaults::default()
        };
        validate_link(&link, "delay", &mut |_, m| problems.push(m));
        match problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(delay),
        }
    }
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
    /// The name of its lifecycle, if it has one; its `state` field then holds the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<String>,
}

/// One scripted happening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value", into = "serde_json::Value")]
pub struct ScriptStep {
    /// When it happens.
    pub at: Millis,
    /// What happens.
    pub action: Action,
}

/// What a script step does. In JSON, `"do"` names the variant and the step's other fields
/// sit beside it: `{"at": 100, "do": "command", "record": "order-7", "event": "submit"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// A user of the source of truth changes a record there: fires a lifecycle event, sets
    /// values, or both.
    Command {
        /// The record's id.
        record: String,
        /// The lifecycle event to fire.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        /// Values to set.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
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
    /// A replica crashes and restarts at `until`; what it had not acknowledged is redelivered.
    Crash {
        /// The replica's name.
        system: String,
        /// When it is back.
        until: Millis,
    },
    /// A system's clock is set to a new offset and drift from now on.
    Skew {
        /// The system's name (source or replica).
        system: String,
        /// New offset in ms.
        #[serde(default)]
        offset_ms: i64,
        /// New drift in parts per million.
        #[serde(default)]
        drift_ppm: i64,
    },
    /// A replica's consumer starts failing on every event about `record` (a poison
    /// message), until `until` if given (a fix is deployed), else for the rest of the run.
    Poison {
        /// The replica's name.
        system: String,
        /// The record whose events fail.
        record: String,
        /// When the consumer is fixed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<Millis>,
    },
    /// An operator replays a replica's dead-letter queue.
    ReplayDeadLetters {
        /// The replica's name.
        system: String,
    },
    /// An operator discards a replica's dead-letter queue.
    DiscardDeadLetters {
        /// The replica's name.
        system: String,
    },
    /// A saga starts its steps.
    StartSaga {
        /// The saga's name.
        saga: String,
    },
    /// A saga fails: its completed steps are compensated in reverse order.
    FailSaga {
        /// The saga's name.
        saga: String,
        /// Why it failed, for the trace.
        #[serde(default)]
        reason: String,
    },
}

impl TryFrom<serde_json::Value> for ScriptStep {
    type Error = String;

    fn try_from(value: serde_json::Value) -> Result<Self, String> {
        // Serde cannot combine `flatten` with `deny_unknown_fields`, so `at` is taken off
        // by hand and the rest must be exactly one action.
        let serde_json::Value::Object(mut map) = value else {
            return Err("expected an object like {\"at\": 0, \"do\": \"command\", ...}".into());
        };
        let at = match map.remove("at") {
            None => return Err("missing field `at`".into()),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| format!("at: expected a whole number of ms, found {v}"))?,
        };
        let action =
            serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| e.to_string())?;
        Ok(ScriptStep { at, action })
    }
}

impl From<ScriptStep> for serde_json::Value {
    fn from(step: ScriptStep) -> Self {
        let mut value = serde_json::to_value(&step.action).expect("an action always serialises");
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("at".into(), step.at.into());
        }
        value
    }
}

/// One problem found in a scenario, with the path of the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where the problem is, as a JSON path (`replicas[1].link.drop_probability`).
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// The line of the JSON text, when read from text.
    pub line: Option<usize>,
    /// The column of the JSON text, when read from text.
    pub column: Option<usize>,
}

impl ScenarioError {
    /// An error at `path` with no position yet.
    pub fn new(path: &str, message: String) -> Self {
        ScenarioError {
            path: path.to_string(),
            message,
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.path.as_str();
        let at = if at.is_empty() { "scenario" } else { at };
        write!(f, "{at}: {}", self.message)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
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
        super::scenario_json::read(text)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// Checks everything serde cannot: ranges, names that must exist, limits.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        let mut errors = Vec::new();
        let mut err =
            |path: String, message: String| errors.push(ScenarioError::new(&path, message));

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
        let mut names = super::ordered::set_of([self.source.as_str()]);
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
        for (name, clock) in &self.clocks {
            validate_clock(clock, &format!("clocks.{name}"), &mut err);
            if !names.contains(name.as_str()) {
                err(
                    format!("clocks.{name}"),
                    format!("no system is called \"{name}\""),
                );
            }
        }
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
            at_most(format!("{path}.base_ms"), retry.base_ms, &mut err);
            at_most(format!("{path}.cap_ms"), retry.cap_ms, &mut err);
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
        let mut saga_names = BTreeSet::new();
        for (i, saga) in self.sagas.iter().enumerate() {
            if !saga_names.insert(saga.name.as_str()) {
                err(
                    format!("sagas[{i}].name"),
                    format!("\"{}\" is listed twice", saga.name),
                );
            }
            at_most(
                format!("sagas[{i}].step_gap_ms"),
                saga.step_gap_ms,
                &mut err,
            );
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
                        &ids,
                        &|| format!("sagas[{i}].steps[{j}].{field}"),
                        &mut err,
                    );
                }
            }
        }
        let replica_exists = |system: &str| self.replicas.iter().any(|r| r.name == system);
        for (i, step) in self.script.iter().enumerate() {
            // Built only for a message: most steps are fine, and there may be many.
            let path = || format!("script[{i}]");
            if step.at > limits::MAX_TIME_MS {
                err(
                    format!("{}.at", path()),
                    format!(
                        "expected at most {} ms (one week), found {}",
                        limits::MAX_TIME_MS,
                        step.at
                    ),
                );
            }
            let need_replica = |system: &str, err: &mut dyn FnMut(String, String)| {
                if !replica_exists(system) {
                    err(
                        format!("{}.system", path()),
                        format!(
                            "expected one of the replicas ({}), found \"{system}\"",
                            self.replica_names()
                        ),
                    );
                }
            };
            let need_record = |record: &str, err: &mut dyn FnMut(String, String)| {
                if !ids.contains_key(record) {
                    err(
                        format!("{}.record", path()),
                        format!("no record has the id \"{record}\""),
                    );
                }
            };
            match &step.action {
                Action::Command { record, event, set } => self.validate_change(
                    ChangeRef {
                        record,
                        event: event.as_deref(),
                        set,
                    },
                    &ids,
                    &path,
                    &mut err,
                ),
                Action::LocalWrite {
                    system,
                    record,
                    set,
                } => {
                    need_replica(system, &mut err);
                    need_record(record, &mut err);
                    if set.is_empty() {
                        err(
                            format!("{}.set", path()),
                            "expected at least one field to set".into(),
                        );
                    }
                }
                Action::Crash { system, until } => {
                    need_replica(system, &mut err);
                    at_most(format!("{}.until", path()), *until, &mut err);
                    if *until <= step.at {
                        err(
                            format!("{}.until", path()),
                            format!("expected a time after at ({}), found {until}", step.at),
                        );
                    }
                }
                Action::Skew {
                    system,
                    offset_ms,
                    drift_ppm,
                } => {
                    validate_clock(
                        &Clock {
                            offset_ms: *offset_ms,
                            drift_ppm: *drift_ppm,
                        },
                        &path(),
                        &mut err,
                    );
                    if !names.contains(system.as_str()) {
                        err(
                            format!("{}.system", path()),
                            format!("no system is called \"{system}\""),
                        );
                    }
                }
                Action::Poison {
                    system,
                    record,
                    until,
                } => {
                    need_replica(system, &mut err);
                    need_record(record, &mut err);
                    if let Some(u) = until {
                        at_most(format!("{}.until", path()), *u, &mut err);
                    }
                    if until.is_some_and(|u| u <= step.at) {
                        err(
                            format!("{}.until", path()),
                            format!("expected a time after at ({})", step.at),
                        );
                    }
                }
                Action::ReplayDeadLetters { system } | Action::DiscardDeadLetters { system } => {
                    need_replica(system, &mut err)
                }
                Action::StartSaga { saga } | Action::FailSaga { saga, .. } => {
                    if !saga_names.contains(saga.as_str()) {
                        err(
                            format!("{}.saga", path()),
                            format!("no saga is called \"{saga}\""),
                        );
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errors))
        }
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

    fn validate_change(
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

/// Refuses a time or duration past `limits::MAX_TIME_MS`.
fn at_most(path: String, ms: Millis, err: &mut impl FnMut(String, String)) {
    if ms > limits::MAX_TIME_MS {
        err(
            path,
            format!(
                "expected at most {} ms (one week), found {ms}",
                limits::MAX_TIME_MS
            ),
        );
    }
}

/// Refuses a clock offset or drift outside its range.
fn validate_clock(clock: &Clock, path: &str, err: &mut impl FnMut(String, String)) {
    let max = limits::MAX_TIME_MS as i64;
    if !(-max..=max).contains(&clock.offset_ms) {
        err(
            format!("{path}.offset_ms"),
            format!(
                "expected from -{max} to {max} ms (one week either way), found {}",
                clock.offset_ms
            ),
        );
    }
    let ppm = limits::MAX_DRIFT_PPM;
    if !(-ppm..=ppm).contains(&clock.drift_ppm) {
        err(
            format!("{path}.drift_ppm"),
            format!(
                "expected from -{ppm} to {ppm} parts per million, found {}",
                clock.drift_ppm
            ),
        );
    }
}

impl LinkFaults {
    /// Every problem with these knobs, as (field, what is wrong and what is allowed).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        validate_link(self, "", &mut |path: String, message| {
            found.push((path.trim_start_matches('.').to_string(), message))
        });
        found
    }
}

fn validate_link(link: &LinkFaults, path: &str, err: &mut impl FnMut(String, String)) {
    at_most(format!("{path}.ack_timeout_ms"), link.ack_timeout_ms, err);
    at_most(format!("{path}.ack_delay_ms"), link.ack_delay_ms, err);
    let delays: &[(&str, Millis)] = match &link.delay {
        Delay::Fixed { ms } => &[("ms", *ms)],
        Delay::Uniform { min_ms, max_ms } => &[("min_ms", *min_ms), ("max_ms", *max_ms)],
        Delay::Exponential { mean_ms } => &[("mean_ms", *mean_ms)],
        Delay::LongTail { min_ms, .. } => &[("min_ms", *min_ms)],
    };
    for (field, ms) in delays {
        at_most(format!("{path}.delay.{field}"), *ms, err);
    }
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
        at_most(format!("{path}.partitions[{i}].from"), w.from, err);
        at_most(format!("{path}.partitions[{i}].to"), w.to, err);
        if w.from >= w.to {
            err(
                format!("{path}.partitions[{i}].to"),
                format!("expected a time after from ({}), found {}", w.from, w.to),
            );
        }
    }
}

#[cfg(test)]
mod delay_tests {
    use super::*;

    #[test]
    fn short_delays_round_trip_and_explain_mistakes() {
        for d in [
            Delay::Fixed { ms: 10 },
            Delay::Uniform {
                min_ms: 5,
                max_ms: 40,
            },
            Delay::Exponential { mean_ms: 60 },
            Delay::LongTail {
                min_ms: 15,
                alpha: 1.4,
            },
        ] {
            assert_eq!(Delay::parse_short(&d.short()), Ok(d));
        }
        assert!(
            Delay::parse_short("uniform 40-5")
                .unwrap_err()
                .contains("expected at least min_ms (40), found 5")
        );
        assert!(
            Delay::parse_short("soon")
                .unwrap_err()
                .starts_with("expected fixed MS")
        );
        assert!(
            Delay::parse_short("fixed -3")
                .unwrap_err()
                .contains("\"-3\" is not a whole number")
        );
        assert!(
            Delay::parse_short("exp 0")
                .unwrap_err()
                .contains("positive")
        );
    }
}
