//! The changes a person makes to a run mid-way, and why the engine refuses one: a
//! change that needs a running system, a message still in flight, or a time still to come
//! is refused with a typed error, never applied half-way.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Decision;
use super::ids::{EventId, Millis, SystemId};
use super::scenario::{Clock, Delay};
use super::simulation::Simulation;

/// One change a person makes to a run at some step. In JSON, `"do"` names it and its fields
/// sit beside it: `{"do": "crash", "replica": 0, "until": 1500}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Intervention {
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
    /// Take the link to a replica down until a time.
    Partition {
        /// The replica's index.
        replica: usize,
        /// When the link comes back.
        until: Millis,
    },
    /// Bring the link to a replica back up.
    Heal {
        /// The replica's index.
        replica: usize,
    },
    /// Crash a replica until a time.
    Crash {
        /// The replica's index.
        replica: usize,
        /// When it restarts.
        until: Millis,
    },
    /// Restart a crashed replica now.
    Restart {
        /// The replica's index.
        replica: usize,
    },
    /// Set a system's clock offset and drift (a scenario's `skew` step does the same).
    Skew {
        /// The system (0 is the source, replicas from 1).
        system: u16,
        /// The new offset in ms.
        offset_ms: i64,
        /// The new drift in parts per million; the clock's own drift to change only the
        /// offset.
        drift_ppm: i64,
    },
    /// A user of a replica writes values to a record.
    LocalWrite {
        /// The replica's index.
        replica: usize,
        /// The record's id.
        record: String,
        /// The values written.
        set: BTreeMap<String, String>,
    },
    /// Change the knobs of the link to a replica, for what is sent from now on.
    SetLink {
        /// The replica's index.
        replica: usize,
        /// How long a message takes.
        delay: Delay,
        /// Probability that a send is delivered twice.
        duplicate_probability: f64,
        /// Probability that a delivery is lost (and redelivered).
        drop_probability: f64,
        /// Whether messages may overtake each other.
        reorder: bool,
    },
    /// Decide an escalation (differently).
    Resolve {
        /// The escalation's number.
        escalation: u32,
        /// The decision.
        decision: Decision,
    },
}

impl Intervention {
    /// Carries the change out on `sim`, now.
    pub fn apply(&self, sim: &mut Simulation) -> Result<(), InterventionError> {
        match self {
            Intervention::Drop { slot } => sim.drop_message(*slot),
            Intervention::Delay { slot, by_ms } => sim.delay_message(*slot, *by_ms),
            Intervention::Duplicate { slot } => sim.duplicate_message(*slot),
            Intervention::Resolve {
                escalation,
                decision,
            } => sim.resolve(*escalation, decision.clone()),
            Intervention::Partition { replica, until } => sim.partition(*replica, *until),
            Intervention::Heal { replica } => sim.heal(*replica),
            Intervention::SetLink {
                replica,
                delay,
                duplicate_probability,
                drop_probability,
                reorder,
            } => sim.set_link(
                *replica,
                delay.clone(),
                *duplicate_probability,
                *drop_probability,
                *reorder,
            ),
            Intervention::Crash { replica, until } => sim.crash_replica(*replica, *until),
            Intervention::Restart { replica } => sim.restart_replica(*replica),
            Intervention::Skew {
                system,
                offset_ms,
                drift_ppm,
            } => sim.skew_clock(
                SystemId(*system),
                Clock {
                    offset_ms: *offset_ms,
                    drift_ppm: *drift_ppm,
                },
            ),
            Intervention::LocalWrite {
                replica,
                record,
                set,
            } => sim.local_write(*replica, record, set.clone()),
        }
    }
}

/// Why the engine refused an intervention. Nothing of the change was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterventionError {
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
    /// A local write that sets nothing, or a field with an empty name.
    EmptyWrite,
    /// No system has that number.
    NoSuchSystem {
        /// The number asked for (0 is the source, replicas from 1).
        system: u16,
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

impl fmt::Display for InterventionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterventionError::NoMessage { slot } => {
                write!(f, "no message is in flight in slot {slot}")
            }
            InterventionError::AlreadyDropped { event, replica } => write!(
                f,
                "{event} to {replica} is already dropped: it will be lost when it arrives"
            ),
            InterventionError::SystemDown { system, until } => write!(
                f,
                "{system} is down until {until} ms: restart it first, or wait until it is back"
            ),
            InterventionError::AlreadyDown { system } => write!(f, "{system} is already down"),
            InterventionError::NotDown { system } => write!(f, "{system} is not down"),
            InterventionError::NotPartitioned { system } => {
                write!(f, "the link to {system} is not partitioned")
            }
            InterventionError::NotAfterNow { what, now } => {
                write!(f, "{what} must come after now ({now} ms)")
            }
            InterventionError::TooLate { what, max } => {
                write!(f, "{what} must be at most {max} ms (one week)")
            }
            InterventionError::NoSuchRecord { record } => {
                write!(f, "no record has the id \"{record}\"")
            }
            InterventionError::EmptyWrite => {
                write!(f, "a local write needs at least one field, with a name")
            }
            InterventionError::NoSuchSystem { system } => {
                write!(f, "no system has the number {system}")
            }
            InterventionError::NoSuchEscalation { id } => write!(f, "there is no escalation #{id}"),
            InterventionError::AlreadyDecided { id } => {
                write!(f, "escalation #{id} is already decided")
            }
            InterventionError::EmptyMerge => write!(f, "a merged value needs at least one field"),
            InterventionError::BadKnob { field, message } => write!(f, "{field}: {message}"),
        }
    }
}

impl std::error::Error for InterventionError {}
