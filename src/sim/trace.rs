//! The trace: every step of a run, in order, with a hash that two runs of the same
//! scenario and seed must share on every platform.

use serde::Serialize;

use super::ids::{EventId, Millis, RecordId, SystemId, WriteId};
use super::resolver::StaleReason;
use super::shared_log::SharedLog;

mod kinds;
mod packed;

#[cfg(test)]
pub(crate) use kinds::Samples;
pub use kinds::StepKind;
use packed::Packed;

impl StepKind {
    /// The event this step concerns, if any.
    pub fn event(&self) -> Option<EventId> {
        match *self {
            StepKind::Publish { event, .. }
            | StepKind::Duplicate { event }
            | StepKind::Deliver { event, .. }
            | StepKind::Drop { event }
            | StepKind::Redeliver { event, .. }
            | StepKind::Apply { event, .. }
            | StepKind::MergeIn { event, .. }
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
