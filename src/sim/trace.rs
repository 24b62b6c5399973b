//! The trace: every step of a run, in order, with a hash that two runs of the same
//! scenario and seed must share on every platform.

use serde::Serialize;

use super::ids::{EventId, Millis, RecordId, SystemId, WriteId};
use super::resolver::StaleReason;
use super::shared_log::SharedLog;

mod packed;

use packed::Packed;

/// What happened in one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A user changed a record at the source of truth (`write`).
    Command {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// A user changed a replica's copy; the replica forwards it to the source.
    LocalWrite {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// The source of truth committed `write` as a new version.
    Commit {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
        /// The version.
        version: u64,
    },
    /// The outbox published `event` to every subscriber.
    Publish {
        /// The event.
        event: EventId,
        /// The record.
        record: RecordId,
    },
    /// The bus will deliver `event` an extra time.
    Duplicate {
        /// The event.
        event: EventId,
    },
    /// The bus delivered `event` (attempt number `attempt`, from 1).
    Deliver {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// The delivery of `event` was lost; the bus will redeliver after the ack timeout.
    Drop {
        /// The event.
        event: EventId,
    },
    /// The ack timeout passed: the bus sends `event` again.
    Redeliver {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// The replica applied `event`; `again` when it had applied it before.
    Apply {
        /// The event.
        event: EventId,
        /// The version.
        version: u64,
        /// Whether it had happened before.
        again: bool,
    },
    /// The replica kept what it had: `event` is older.
    RejectStale {
        /// The event.
        event: EventId,
        /// Why the event counts as older.
        reason: StaleReason,
    },
    /// The replica had processed `event` already and skipped it (idempotency).
    SkipDuplicate {
        /// The event.
        event: EventId,
    },
    /// A replica's request carrying `write` reached the source of truth.
    Request {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// `write` and the source's value clashed; the source's value was kept and the clash reported.
    Conflict {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// `write` clashed with the source's value and waits in the escalation inbox.
    Escalate {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
        /// The escalation's number.
        escalation: u32,
    },
    /// A person decided escalation `escalation`; the decision is committed as `write`.
    Resolve {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
        /// The escalation's number.
        escalation: u32,
    },
    /// An acknowledged write disappeared without anyone being told (last-write-wins).
    LostUpdate {
        /// The record.
        record: RecordId,
        /// The write.
        write: WriteId,
    },
    /// A command asked for a lifecycle event the record's state does not allow (`note` says which).
    InvalidTransition {
        /// The record.
        record: RecordId,
        /// The note that says why (`Simulation::note_text`).
        note: u32,
    },
    /// The replica held `event` back: it skips versions, so it waits for `waiting_for` first.
    Hold {
        /// The event.
        event: EventId,
        /// The version it waits for first.
        waiting_for: u64,
    },
    /// A held event is taken up again now that its predecessor arrived.
    Release {
        /// The event.
        event: EventId,
    },
    /// The system crashed.
    Crash,
    /// The system is back.
    Restart,
    /// `event` arrived while the consumer was down: not acknowledged, so it will come again.
    NotAcked {
        /// The event.
        event: EventId,
    },
    /// A poison fault starts: the consumer fails on every event about `record`.
    Poisoned {
        /// The record.
        record: RecordId,
    },
    /// The consumer failed to process `event` (attempt `attempt`).
    ProcessingFailed {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// The consumer tries `event` again after its backoff (attempt `attempt`).
    Retry {
        /// The event.
        event: EventId,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// `event` failed every attempt and went to the dead-letter queue.
    DeadLetter {
        /// The event.
        event: EventId,
    },
    /// An operator replayed `event` from the dead-letter queue.
    Replay {
        /// The event.
        event: EventId,
    },
    /// An operator discarded `event` from the dead-letter queue.
    Discard {
        /// The event.
        event: EventId,
    },
    /// The replica fired its side effect for `write`; `again` when it had fired it before.
    Effect {
        /// The write.
        write: WriteId,
        /// Whether it had happened before.
        again: bool,
    },
    /// The external service recognised the idempotency key of `write` and did nothing.
    EffectSkipped {
        /// The write.
        write: WriteId,
    },
    /// The system's clock was set to a new offset (ms).
    Skew {
        /// The clock's new offset, in ms.
        offset_ms: i64,
    },
    /// A scripted change was refused (`note` says why): a local write to a replica that is down.
    Refused {
        /// The note that says why (`Simulation::note_text`).
        note: u32,
    },
    /// A person took the link to this replica down until `until`.
    Partition {
        /// When it ends, in virtual ms.
        until: Millis,
    },
    /// A person brought the link to this replica back up.
    Heal,
    /// Step `step` of saga `saga` starts.
    SagaStep {
        /// The saga's number.
        saga: u32,
        /// The step's number within the saga.
        step: u32,
    },
    /// Saga `saga` failed (`note` says why); its completed steps will be compensated.
    SagaFailed {
        /// The saga's number.
        saga: u32,
        /// The note that says why (`Simulation::note_text`).
        note: u32,
    },
    /// The compensation of step `step` of saga `saga` runs.
    Compensate {
        /// The saga's number.
        saga: u32,
        /// The step's number within the saga.
        step: u32,
    },
}

impl StepKind {
    /// The step's name in JSON and on screen.
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Command { .. } => "command",
            StepKind::LocalWrite { .. } => "local_write",
            StepKind::Commit { .. } => "commit",
            StepKind::Publish { .. } => "publish",
            StepKind::Duplicate { .. } => "duplicate",
            StepKind::Deliver { .. } => "deliver",
            StepKind::Drop { .. } => "drop",
            StepKind::Redeliver { .. } => "redeliver",
            StepKind::Apply { .. } => "apply",
            StepKind::RejectStale { .. } => "reject_stale",
            StepKind::SkipDuplicate { .. } => "skip_duplicate",
            StepKind::Request { .. } => "request",
            StepKind::Conflict { .. } => "conflict",
            StepKind::Escalate { .. } => "escalate",
            StepKind::Resolve { .. } => "resolve",
            StepKind::LostUpdate { .. } => "lost_update",
            StepKind::InvalidTransition { .. } => "invalid_transition",
            StepKind::Hold { .. } => "hold",
            StepKind::Release { .. } => "release",
            StepKind::Crash => "crash",
            StepKind::Restart => "restart",
            StepKind::NotAcked { .. } => "not_acked",
            StepKind::Poisoned { .. } => "poisoned",
            StepKind::ProcessingFailed { .. } => "processing_failed",
            StepKind::Retry { .. } => "retry",
            StepKind::DeadLetter { .. } => "dead_letter",
            StepKind::Replay { .. } => "replay",
            StepKind::Discard { .. } => "discard",
            StepKind::Effect { .. } => "effect",
            StepKind::EffectSkipped { .. } => "effect_skipped",
            StepKind::Skew { .. } => "skew",
            StepKind::Refused { .. } => "refused",
            StepKind::Partition { .. } => "partition",
            StepKind::Heal => "heal",
            StepKind::SagaStep { .. } => "saga_step",
            StepKind::SagaFailed { .. } => "saga_failed",
            StepKind::Compensate { .. } => "compensate",
        }
    }

    /// The event this step concerns, if any.
    pub fn event(&self) -> Option<EventId> {
        match *self {
            StepKind::Publish { event, .. }
            | StepKind::Duplicate { event }
            | StepKind::Deliver { event, .. }
            | StepKind::Drop { event }
            | StepKind::Redeliver { event, .. }
            | StepKind::Apply { event, .. }
            | StepKind::RejectStale { event, .. }
            | StepKind::SkipDuplicate { event }
            | StepKind::Hold { event, .. }
            | StepKind::Release { event }
            | StepKind::NotAcked { event }
            | StepKind::ProcessingFailed { event, .. }
            | StepKind::Retry { event, .. }
            | StepKind::DeadLetter { event }
            | StepKind::Replay { event }
            | StepKind::Discard { event } => Some(event),
            _ => None,
        }
    }
}

/// One step of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceStep {
    /// Virtual time of the step.
    pub time: Millis,
    /// The system that acted (for bus steps: the subscriber whose link it concerns).
    pub actor: SystemId,
    /// What happened.
    pub kind: StepKind,
}

/// Every step of a run, and their running hash. Steps are stored packed in 24 bytes
/// (`Packed`), not as the 40-byte `TraceStep` they are read back as: a long run's trace
/// is most of its memory.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    steps: SharedLog<Packed>,
    hash: WordHash,
}

impl Trace {
    /// Appends a step and folds it into the hash.
    pub fn push(&mut self, step: TraceStep) {
        let words = step.kind.words();
        self.hash.word(step.time);
        self.hash.word(step.actor.0 as u64);
        for w in words {
            self.hash.word(w);
        }
        self.steps.push(Packed::new(step.time, step.actor, words));
    }

    /// How many steps so far.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are none yet.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Step `i` (from 0), if there is one.
    pub fn get(&self, i: usize) -> Option<TraceStep> {
        self.steps.get(i).map(|p| p.unpack())
    }

    /// Step `i` (from 0); panics past the last, as indexing does.
    pub fn step(&self, i: usize) -> TraceStep {
        self.steps[i].unpack()
    }

    /// The last step.
    pub fn last(&self) -> Option<TraceStep> {
        self.steps.last().map(|p| p.unpack())
    }

    /// The steps in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = TraceStep> + ExactSizeIterator + '_ {
        self.steps.iter().map(|p| p.unpack())
    }

    /// This trace without its steps (the hash stays): what a snapshot keeps.
    pub fn detached(&self) -> Trace {
        Trace {
            steps: SharedLog::default(),
            hash: self.hash.clone(),
        }
    }

    /// A detached trace given back its first `len` steps, shared with `full`, a trace of
    /// the same run.
    pub fn reattach(&mut self, full: &Trace, len: usize) {
        self.steps = full.steps.prefix(len);
    }

    /// The hash of every step so far, as 16 hex digits.
    pub fn hash(&self) -> String {
        format!("{:016x}", self.hash.0)
    }
}

/// A hash over explicit 64-bit words: each word is xored in, then the state is multiplied
/// by an odd constant and folded (a per-word FNV-style step, eight times fewer rounds than
/// byte-wise FNV-1a). Hand-written on purpose: `std::hash::Hasher` implementations hash
/// `usize` lengths, which differ between 64-bit hosts and wasm32.
#[derive(Debug, Clone)]
struct WordHash(u64);

impl Default for WordHash {
    fn default() -> Self {
        WordHash(0xcbf2_9ce4_8422_2325)
    }
}

impl WordHash {
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 ^= self.0 >> 29;
    }
}

/// A trace step as JSON, with names instead of numbers.
#[derive(Debug, Serialize)]
pub struct StepJson<'a> {
    /// Position in the trace, from 0.
    pub entry: usize,
    /// Virtual time.
    pub time: Millis,
    /// Step name.
    pub kind: &'static str,
    /// Acting system's name.
    pub actor: &'a str,
    /// Event id (`evt-3`), if the step concerns an event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Record id, if the step concerns a record directly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<&'a str>,
    /// Write id (`w4`), if the step concerns a write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<String>,
    /// Anything else the step carries (attempt, version, reason, escalation).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(time: Millis) -> TraceStep {
        TraceStep {
            time,
            actor: SystemId(1),
            kind: StepKind::Drop { event: EventId(3) },
        }
    }

    #[test]
    fn word_hash_of_known_words() {
        // Worked by hand from the definition: start ^ 1, times the constant, folded.
        let mut h = WordHash::default();
        h.word(1);
        let x = (0xcbf2_9ce4_8422_2325u64 ^ 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        assert_eq!(h.0, x ^ (x >> 29));
    }

    #[test]
    fn hash_depends_on_every_step_and_its_order() {
        let mut a = Trace::default();
        a.push(step(1));
        a.push(step(2));
        let mut b = Trace::default();
        b.push(step(2));
        b.push(step(1));
        assert_ne!(a.hash(), b.hash());
        let mut c = Trace::default();
        c.push(step(1));
        c.push(step(2));
        assert_eq!(a.hash(), c.hash());
        assert_eq!(a.hash().len(), 16);
    }
}
