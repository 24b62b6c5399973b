//! `Command`, the engine's one vocabulary of what happens to a run (a scenario's script
//! step, a person's action, a fork's change), and why the engine refuses one: a command
//! that needs a running system, a message still in flight, or a time still to come is
//! refused with a typed error, never applied half-way.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Decision;
use super::ids::{EventId, Millis};
use super::record::Values;
use super::scenario::Delay;

/// One thing that happens to a run: the engine's one vocabulary of change. A scenario's
/// script is a list of them at given times, every action a person takes in the explorer is
/// one, and a fork is its original plus a list of (step, command). In JSON, `"do"` names
/// the command and its fields sit beside it: `{"do": "crash", "system": "billing",
/// "until": 1500}`. Systems, records and sagas are named as in the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Command {
    /// A user of the source of truth changes a record there: fires a lifecycle event, sets
    /// values, or both.
    Write {
        /// The record's id.
        record: String,
        /// The lifecycle event to fire.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        /// Values to set.
        #[serde(default, skip_serializing_if = "Values::is_empty")]
        set: Values,
    },
    /// A user of a replica changes that replica's copy; the replica forwards the change to
    /// the source of truth as a request. Refused while the replica is down.
    LocalWrite {
        /// The replica's name.
        system: String,
        /// The record's id.
        record: String,
        /// Values to set.
        set: Values,
    },
    /// A replica crashes and restarts at `until`; what it had not acknowledged is
    /// redelivered. Refused while it is down already.
    Crash {
        /// The replica's name.
        system: String,
        /// When it is back (virtual ms, after now).
        until: Millis,
    },
    /// A crashed replica restarts now instead of at its planned time.
    Restart {
        /// The replica's name.
        system: String,
    },
    /// A system's clock is set to a new offset and drift from now on.
    Skew {
        /// The system's name (the source or a replica).
        system: String,
        /// New offset in ms.
        #[serde(default)]
        offset_ms: i64,
        /// New drift in parts per million (to change only the offset, give the clock's
        /// drift as it is).
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
    /// Lose the message in this bus slot (the bus redelivers it after the ack timeout).
    Drop {
        /// The message's slot (see `Simulation::in_flight`).
        slot: u32,
    },
    /// Hold the message in this bus slot back.
    Delay {
        /// The message's slot.
        slot: u32,
        /// How much later it arrives.
        by_ms: Millis,
    },
    /// Deliver the message in this bus slot one more time.
    Duplicate {
        /// The message's slot.
        slot: u32,
    },
    /// Deliver the message in this bus slot before every other message in flight: it
    /// arrives when the first of them would have (or now), ahead of it; the others keep
    /// their times and wait.
    DeliverNext {
        /// The message's slot.
        slot: u32,
    },
    /// Take the link to a replica down until a time.
    Partition {
        /// The replica's name.
        system: String,
        /// When the link comes back (virtual ms, after now).
        until: Millis,
    },
    /// Bring the partitioned link to a replica back up now.
    Heal {
        /// The replica's name.
        system: String,
    },
    /// Change the knobs of the link to a replica, for what is sent from now on.
    SetLink {
        /// The replica's name.
        system: String,
        /// How long a message takes.
        delay: Delay,
        /// Probability that a send is delivered twice.
        duplicate_probability: f64,
        /// Probability that a delivery is lost (and redelivered).
        drop_probability: f64,
        /// Whether messages may overtake each other.
        reorder: bool,
    },
    /// A person decides an escalation.
    Resolve {
        /// The escalation's number.
        escalation: u32,
        /// The decision.
        decision: Decision,
    },
}

impl Command {
    /// What the command is, in a few words, for a refusal in the trace ("a local write to
    /// customer-1").
    pub fn what(&self) -> String {
        match self {
            Command::Write { record, .. } => format!("a write to {record}"),
            Command::LocalWrite { record, .. } => format!("a local write to {record}"),
            Command::Crash { system, .. } => format!("a crash of {system}"),
            Command::Restart { system } => format!("a restart of {system}"),
            Command::Skew { system, .. } => format!("a change of {system}'s clock"),
            Command::Poison { system, record, .. } => {
                format!("a poison record {record} at {system}")
            }
            Command::ReplayDeadLetters { system } => format!("a replay of {system}'s dead letters"),
            Command::DiscardDeadLetters { system } => {
                format!("a discard of {system}'s dead letters")
            }
            Command::StartSaga { saga } => format!("the start of saga {saga}"),
            Command::FailSaga { saga, .. } => format!("the failure of saga {saga}"),
            Command::Drop { slot } => format!("a drop of the message in slot {slot}"),
            Command::Delay { slot, .. } => format!("a delay of the message in slot {slot}"),
            Command::Duplicate { slot } => format!("a duplicate of the message in slot {slot}"),
            Command::DeliverNext { slot } => {
                format!("delivering the message in slot {slot} next")
            }
            Command::Partition { system, .. } => format!("a partition of the link to {system}"),
            Command::Heal { system } => format!("a heal of the link to {system}"),
            Command::SetLink { system, .. } => format!("a change of the link to {system}"),
            Command::Resolve { escalation, .. } => {
                format!("a decision on escalation #{escalation}")
            }
        }
    }
}

/// Why the engine refused a command. Nothing of the change was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandError {
    /// No message is in flight in that bus slot.
    NoMessage {
        /// The slot asked for.
        slot: u32,
    },
    /// That message was already dropped by hand: it is lost when it arrives.
    AlreadyDropped {
        /// The event it carries.
        event: EventId,
        /// The replica it was going to.
        replica: String,
    },
    /// The system is down, and the change needs it running.
    SystemDown {
        /// The system's name.
        system: String,
        /// When it restarts.
        until: Millis,
    },
    /// The replica is down already.
    AlreadyDown {
        /// The replica's name.
        system: String,
    },
    /// The replica is not down.
    NotDown {
        /// The replica's name.
        system: String,
    },
    /// The link is partitioned: its messages wait for the heal.
    LinkDown {
        /// The replica at the end of the link.
        system: String,
    },
    /// The link is not partitioned, so there is nothing to heal.
    NotPartitioned {
        /// The replica at the end of the link.
        system: String,
    },
    /// A time that must come after now does not.
    NotAfterNow {
        /// What the time is for ("a partition's end", "a restart").
        what: &'static str,
        /// Now, in virtual ms.
        now: Millis,
    },
    /// A wait, or a time from now, longer than the engine accepts
    /// (`scenario::limits::MAX_TIME_MS`).
    TooLate {
        /// What the time is for.
        what: &'static str,
        /// The largest accepted value.
        max: Millis,
    },
    /// No record has that id.
    NoSuchRecord {
        /// The id asked for.
        record: String,
    },
    /// A write or local write that sets nothing, or a field with an empty name.
    EmptyWrite,
    /// An event for a record that has no lifecycle.
    NoLifecycle {
        /// The record's id.
        record: String,
    },
    /// No system has that name.
    NoSuchSystem {
        /// The name asked for.
        name: String,
    },
    /// No replica has that name (the command needs a replica, not the source).
    NoSuchReplica {
        /// The name asked for.
        name: String,
    },
    /// No saga has that name.
    NoSuchSaga {
        /// The name asked for.
        name: String,
    },
    /// No escalation has that number.
    NoSuchEscalation {
        /// The number asked for.
        id: u32,
    },
    /// The escalation is decided already.
    AlreadyDecided {
        /// Its number.
        id: u32,
    },
    /// A merged value with no field.
    EmptyMerge,
    /// A knob of a link or a clock out of its range.
    BadKnob {
        /// The knob (`drop_probability`, `delay.max_ms`).
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::NoMessage { slot } => {
                write!(f, "no message is in flight in slot {slot}")
            }
            CommandError::AlreadyDropped { event, replica } => write!(
                f,
                "{event} to {replica} is already dropped: it will be lost when it arrives"
            ),
            CommandError::SystemDown { system, until } => write!(
                f,
                "{system} is down until {until} ms: restart it first, or wait until it is back"
            ),
            CommandError::AlreadyDown { system } => write!(f, "{system} is already down"),
            CommandError::NotDown { system } => write!(f, "{system} is not down"),
            CommandError::LinkDown { system } => write!(
                f,
                "the link to {system} is partitioned: its messages wait for the heal"
            ),
            CommandError::NotPartitioned { system } => {
                write!(f, "the link to {system} is not partitioned")
            }
            CommandError::NotAfterNow { what, now } => {
                write!(f, "{what} must come after now ({now} ms)")
            }
            CommandError::TooLate { what, max } => {
                write!(f, "{what} must be at most {max} ms (one week)")
            }
            CommandError::NoSuchRecord { record } => {
                write!(f, "no record has the id \"{record}\"")
            }
            CommandError::EmptyWrite => {
                write!(f, "a write needs at least one field, with a name")
            }
            CommandError::NoLifecycle { record } => {
                write!(
                    f,
                    "record \"{record}\" has no lifecycle, so it takes no event"
                )
            }
            CommandError::NoSuchSystem { name } => write!(f, "no system is called \"{name}\""),
            CommandError::NoSuchReplica { name } => {
                write!(f, "no replica is called \"{name}\"")
            }
            CommandError::NoSuchSaga { name } => write!(f, "no saga is called \"{name}\""),
            CommandError::NoSuchEscalation { id } => write!(f, "there is no escalation #{id}"),
            CommandError::AlreadyDecided { id } => {
                write!(f, "escalation #{id} is already decided")
            }
            CommandError::EmptyMerge => write!(f, "a merged value needs at least one field"),
            CommandError::BadKnob { field, message } => write!(f, "{field}: {message}"),
        }
    }
}

impl std::error::Error for CommandError {}
