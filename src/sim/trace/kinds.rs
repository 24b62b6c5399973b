//! Every kind of step, declared once: its number in the trace, its name, its fields and
//! their order. The enum, its names, the words the hash folds in (and the trace keeps) and
//! the way back from them are all made from this one list, so a new kind of step is one
//! entry here and one sentence in `explain::narrate`.

use super::*;

/// A step's field as one of the words the hash folds in and the trace keeps.
trait Word: Copy {
    /// The field as a word.
    fn word(self) -> u64;
    /// The field back from its word.
    fn from_word(w: u64) -> Self;
}

macro_rules! word_as {
    ($($t:ty),*) => {$(
        impl Word for $t {
            fn word(self) -> u64 {
                self as u64
            }
            fn from_word(w: u64) -> Self {
                w as $t
            }
        }
    )*};
}
word_as!(u64, u32, i64);

impl Word for bool {
    fn word(self) -> u64 {
        self as u64
    }
    fn from_word(w: u64) -> Self {
        w != 0
    }
}

impl Word for RecordId {
    fn word(self) -> u64 {
        self.0 as u64
    }
    fn from_word(w: u64) -> Self {
        RecordId(w as u32)
    }
}

impl Word for WriteId {
    fn word(self) -> u64 {
        self.0
    }
    fn from_word(w: u64) -> Self {
        WriteId(w)
    }
}

impl Word for EventId {
    fn word(self) -> u64 {
        self.0
    }
    fn from_word(w: u64) -> Self {
        EventId(w)
    }
}

impl Word for StaleReason {
    fn word(self) -> u64 {
        self as u64
    }
    fn from_word(w: u64) -> Self {
        match w {
            0 => StaleReason::OlderVersion,
            1 => StaleReason::OlderTimestamp,
            _ => StaleReason::ByRule,
        }
    }
}

/// `true` for a kind marked `[wide]`.
macro_rules! wide {
    () => {
        false
    };
    ($wide:ident) => {
        true
    };
}

/// Declares `StepKind` from its list: each kind with `= tag "name"`, `[wide]` when its
/// one field needs all 64 bits in the trace, and its fields in the order they are hashed.
macro_rules! step_kinds {
    ($(
        $(#[$doc:meta])*
        $kind:ident = $tag:literal $name:literal $([$wide:ident])?
        $({ $($(#[$field_doc:meta])* $field:ident: $ty:ty,)* })?,
    )*) => {
        /// What happened in one step.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum StepKind {
            $(
                $(#[$doc])*
                $kind $({ $($(#[$field_doc])* $field: $ty,)* })?,
            )*
        }

        impl StepKind {
            /// The step's name in JSON and on screen.
            pub fn name(&self) -> &'static str {
                match self {
                    $(StepKind::$kind { .. } => $name,)*
                }
            }

            /// The step's fields as numbers, in a fixed order: its tag, then up to three
            /// values. The hash folds these in, and the trace stores them (`Packed`).
            pub(super) fn words(&self) -> [u64; 4] {
                match *self {
                    $(StepKind::$kind $({ $($field,)* })? => {
                        let values: &[u64] = &[$($($field.word(),)*)?];
                        let mut words = [$tag, 0, 0, 0];
                        words[1..=values.len()].copy_from_slice(values);
                        words
                    })*
                }
            }

            /// The step whose `words` are `w` (the inverse of `words`).
            pub(super) fn from_words(w: [u64; 4]) -> StepKind {
                let mut values = w[1..].iter().copied();
                let mut next = move || values.next().unwrap_or(0);
                match w[0] {
                    $($tag => StepKind::$kind $({ $($field: Word::from_word(next()),)* })?,)*
                    // Never stored: a trace holds only the tags above.
                    _ => StepKind::Refused { note: w[1] as u32 },
                }
            }

            /// Whether the kind tagged `tag` keeps its one value in 64 bits.
            pub(super) fn is_wide(tag: u64) -> bool {
                match tag {
                    $($tag => wide!($($wide)?),)*
                    _ => false,
                }
            }

            /// One step of every kind, its fields from `samples` (by field name): for tests
            /// that must cover every kind.
            #[cfg(test)]
            pub(crate) fn one_of_each(samples: &Samples) -> Vec<StepKind> {
                vec![$(StepKind::$kind $({ $($field: Sample::sample(stringify!($field), samples),)* })?,)*]
            }
        }
    };
}

step_kinds! {
    /// A user changed a record at the source of truth (`write`).
    Command = 1 "command" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// A user changed a replica's copy; the replica forwards it to the source.
    LocalWrite = 2 "local_write" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// The source of truth committed `write` as a new version.
    Commit = 3 "commit" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
        /// The version.
        version: u64,
    },
    /// The outbox published `event` to every subscriber.
    Publish = 4 "publish" {
        /// The event.
        event: EventId,
        /// The record.
        record: RecordId,
    },
    /// The bus will deliver `event` an extra time.
    Duplicate = 5 "duplicate" {
        /// The event.
        event: EventId,
    },
    /// The bus delivered `event` (attempt number `attempt`, from 1).
    Deliver = 6 "deliver" {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// The delivery of `event` was lost; the bus will redeliver after the ack timeout.
    Drop = 7 "drop" {
        /// The event.
        event: EventId,
    },
    /// The ack timeout passed: the bus sends `event` again.
    Redeliver = 8 "redeliver" {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// The replica applied `event`; `again` when it had applied it before.
    Apply = 9 "apply" {
        /// The event.
        event: EventId,
        /// The version.
        version: u64,
        /// Whether it had happened before.
        again: bool,
    },
    /// The replica kept what it had: `event` is older.
    RejectStale = 10 "reject_stale" {
        /// The event.
        event: EventId,
        /// Why the event counts as older.
        reason: StaleReason,
    },
    /// The replica had processed `event` already and skipped it (idempotency).
    SkipDuplicate = 11 "skip_duplicate" {
        /// The event.
        event: EventId,
    },
    /// A replica's request carrying `write` reached the source of truth.
    Request = 12 "request" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// `write` and the source's value clashed; the source's value was kept and the clash reported.
    Conflict = 13 "conflict" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// `write` clashed with the source's value and waits in the escalation inbox.
    Escalate = 14 "escalate" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
        /// The escalation's number.
        escalation: u32,
    },
    /// A person decided escalation `escalation`; the decision is committed as `write`.
    Resolve = 15 "resolve" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
        /// The escalation's number.
        escalation: u32,
    },
    /// An acknowledged write disappeared without anyone being told (last-write-wins).
    LostUpdate = 16 "lost_update" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// A command asked for a lifecycle event the record's state does not allow (`note` says which).
    InvalidTransition = 17 "invalid_transition" {
        /// The record.
        record: RecordId,
        /// The note that says why (`Simulation::note_text`).
        note: u32,
    },
    /// The replica held `event` back: it skips versions, so it waits for `waiting_for` first.
    Hold = 18 "hold" {
        /// The event.
        event: EventId,
        /// The version it waits for first.
        waiting_for: u64,
    },
    /// A held event is taken up again now that its predecessor arrived.
    Release = 19 "release" {
        /// The event.
        event: EventId,
    },
    /// The system crashed.
    Crash = 20 "crash",
    /// The system is back.
    Restart = 21 "restart",
    /// `event` arrived while the consumer was down: not acknowledged, so it will come again.
    NotAcked = 22 "not_acked" {
        /// The event.
        event: EventId,
    },
    /// A poison fault starts: the consumer fails on every event about `record`.
    Poisoned = 23 "poisoned" {
        /// The record.
        record: RecordId,
    },
    /// The consumer failed to process `event` (attempt `attempt`).
    ProcessingFailed = 24 "processing_failed" {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// The consumer tries `event` again after its backoff (attempt `attempt`).
    Retry = 25 "retry" {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// `event` failed every attempt and went to the dead-letter queue.
    DeadLetter = 26 "dead_letter" {
        /// The event.
        event: EventId,
    },
    /// An operator replayed `event` from the dead-letter queue.
    Replay = 27 "replay" {
        /// The event.
        event: EventId,
    },
    /// An operator discarded `event` from the dead-letter queue.
    Discard = 28 "discard" {
        /// The event.
        event: EventId,
    },
    /// The replica fired its side effect for `write`; `again` when it had fired it before.
    Effect = 29 "effect" {
        /// The write.
        write: WriteId,
        /// Whether it had happened before.
        again: bool,
    },
    /// The external service recognised the idempotency key of `write` and did nothing.
    EffectSkipped = 30 "effect_skipped" {
        /// The write.
        write: WriteId,
    },
    /// The system's clock was set to a new offset (ms).
    Skew = 31 "skew" [wide] {
        /// The clock's new offset, in ms.
        offset_ms: i64,
    },
    /// A scripted change was refused (`note` says why): a local write to a replica that is down.
    Refused = 37 "refused" {
        /// The note that says why (`Simulation::note_text`).
        note: u32,
    },
    /// A person took the link to this replica down until `until`.
    Partition = 35 "partition" [wide] {
        /// When it ends, in virtual ms.
        until: Millis,
    },
    /// A person brought the link to this replica back up.
    Heal = 36 "heal",
    /// Step `step` of saga `saga` starts.
    SagaStep = 32 "saga_step" {
        /// The saga's number.
        saga: u32,
        /// The step's number within the saga.
        step: u32,
    },
    /// Saga `saga` failed (`note` says why); its completed steps will be compensated.
    SagaFailed = 33 "saga_failed" {
        /// The saga's number.
        saga: u32,
        /// The note that says why (`Simulation::note_text`).
        note: u32,
    },
    /// The compensation of step `step` of saga `saga` runs.
    Compensate = 34 "compensate" {
        /// The saga's number.
        saga: u32,
        /// The step's number within the saga.
        step: u32,
    },
    /// The replica merged `event` with its own unconfirmed write into a new copy, under
    /// the event's version `version`.
    MergeIn = 38 "merge_in" {
        /// The event.
        event: EventId,
        /// The version.
        version: u64,
    },
    /// The source merged `write` with the changes it had not seen, and commits the result.
    MergeWrite = 39 "merge_write" {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
}

/// What `StepKind::one_of_each` fills fields with: the ids a test's scenario has.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Samples {
    /// For `record` fields.
    pub record: RecordId,
    /// For `write` fields.
    pub write: WriteId,
    /// For `event` fields.
    pub event: EventId,
    /// For `saga` fields.
    pub saga: u32,
    /// For `note` fields.
    pub note: u32,
}

/// A field's sample value, chosen by the field's name.
#[cfg(test)]
trait Sample {
    fn sample(field: &str, samples: &Samples) -> Self;
}

#[cfg(test)]
impl Sample for RecordId {
    fn sample(_: &str, s: &Samples) -> Self {
        s.record
    }
}

#[cfg(test)]
impl Sample for WriteId {
    fn sample(_: &str, s: &Samples) -> Self {
        s.write
    }
}

#[cfg(test)]
impl Sample for EventId {
    fn sample(_: &str, s: &Samples) -> Self {
        s.event
    }
}

#[cfg(test)]
impl Sample for u32 {
    fn sample(field: &str, s: &Samples) -> Self {
        match field {
            "saga" => s.saga,
            "note" => s.note,
            "step" => 2,
            _ => 3,
        }
    }
}

#[cfg(test)]
impl Sample for u64 {
    fn sample(field: &str, _: &Samples) -> Self {
        // A time needs more than 32 bits; a version or a count does not.
        if field == "until" { 5_000_000_000 } else { 9 }
    }
}

#[cfg(test)]
impl Sample for i64 {
    fn sample(_: &str, _: &Samples) -> Self {
        -604_800_000
    }
}

#[cfg(test)]
impl Sample for bool {
    fn sample(_: &str, _: &Samples) -> Self {
        true
    }
}

#[cfg(test)]
impl Sample for StaleReason {
    fn sample(_: &str, _: &Samples) -> Self {
        StaleReason::OlderTimestamp
    }
}
