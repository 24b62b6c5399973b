//! A trace step as numbers: the words the hash folds in, and the 24 bytes the trace keeps
//! of each step (a `TraceStep` is 40). Both directions are here, side by side, so that a
//! new kind of step is written into one place.

use super::*;

impl StepKind {
    /// The step's fields as numbers, in a fixed order: its tag, then up to three
    /// values. The hash folds these in, and the trace stores them (`Packed`).
    pub(super) fn words(&self) -> [u64; 4] {
        match *self {
            StepKind::Command { record, write } => [1, record.0 as u64, write.0, 0],
            StepKind::LocalWrite { record, write } => [2, record.0 as u64, write.0, 0],
            StepKind::Commit {
                record,
                write,
                version,
            } => [3, record.0 as u64, write.0, version],
            StepKind::Publish { event, record } => [4, event.0, record.0 as u64, 0],
            StepKind::Duplicate { event } => [5, event.0, 0, 0],
            StepKind::Deliver { event, attempt } => [6, event.0, attempt as u64, 0],
            StepKind::Drop { event } => [7, event.0, 0, 0],
            StepKind::Redeliver { event, attempt } => [8, event.0, attempt as u64, 0],
            StepKind::Apply {
                event,
                version,
                again,
            } => [9, event.0, version, again as u64],
            StepKind::RejectStale { event, reason } => [10, event.0, reason as u64, 0],
            StepKind::SkipDuplicate { event } => [11, event.0, 0, 0],
            StepKind::Request { record, write } => [12, record.0 as u64, write.0, 0],
            StepKind::Conflict { record, write } => [13, record.0 as u64, write.0, 0],
            StepKind::Escalate {
                record,
                write,
                escalation,
            } => [14, record.0 as u64, write.0, escalation as u64],
            StepKind::Resolve {
                record,
                write,
                escalation,
            } => [15, record.0 as u64, write.0, escalation as u64],
            StepKind::LostUpdate { record, write } => [16, record.0 as u64, write.0, 0],
            StepKind::InvalidTransition { record, note } => [17, record.0 as u64, note as u64, 0],
            StepKind::Hold { event, waiting_for } => [18, event.0, waiting_for, 0],
            StepKind::Release { event } => [19, event.0, 0, 0],
            StepKind::Crash => [20, 0, 0, 0],
            StepKind::Restart => [21, 0, 0, 0],
            StepKind::NotAcked { event } => [22, event.0, 0, 0],
            StepKind::Poisoned { record } => [23, record.0 as u64, 0, 0],
            StepKind::ProcessingFailed { event, attempt } => [24, event.0, attempt as u64, 0],
            StepKind::Retry { event, attempt } => [25, event.0, attempt as u64, 0],
            StepKind::DeadLetter { event } => [26, event.0, 0, 0],
            StepKind::Replay { event } => [27, event.0, 0, 0],
            StepKind::Discard { event } => [28, event.0, 0, 0],
            StepKind::Effect { write, again } => [29, write.0, again as u64, 0],
            StepKind::EffectSkipped { write } => [30, write.0, 0, 0],
            StepKind::Skew { offset_ms } => [31, offset_ms as u64, 0, 0],
            StepKind::SagaStep { saga, step } => [32, saga as u64, step as u64, 0],
            StepKind::SagaFailed { saga, note } => [33, saga as u64, note as u64, 0],
            StepKind::Compensate { saga, step } => [34, saga as u64, step as u64, 0],
            StepKind::Partition { until } => [35, until, 0, 0],
            StepKind::Heal => [36, 0, 0, 0],
            StepKind::Refused { note } => [37, note as u64, 0, 0],
        }
    }

    /// The step whose `words` are `w` (the inverse of `words`).
    fn from_words(w: [u64; 4]) -> StepKind {
        let record = RecordId(w[1] as u32);
        let write = WriteId(w[2]);
        let event = EventId(w[1]);
        match w[0] {
            1 => StepKind::Command { record, write },
            2 => StepKind::LocalWrite { record, write },
            3 => StepKind::Commit {
                record,
                write,
                version: w[3],
            },
            4 => StepKind::Publish {
                event,
                record: RecordId(w[2] as u32),
            },
            5 => StepKind::Duplicate { event },
            6 => StepKind::Deliver {
                event,
                attempt: w[2] as u32,
            },
            7 => StepKind::Drop { event },
            8 => StepKind::Redeliver {
                event,
                attempt: w[2] as u32,
            },
            9 => StepKind::Apply {
                event,
                version: w[2],
                again: w[3] != 0,
            },
            10 => StepKind::RejectStale {
                event,
                reason: if w[2] == StaleReason::OlderVersion as u64 {
                    StaleReason::OlderVersion
                } else {
                    StaleReason::OlderTimestamp
                },
            },
            11 => StepKind::SkipDuplicate { event },
            12 => StepKind::Request { record, write },
            13 => StepKind::Conflict { record, write },
            14 => StepKind::Escalate {
                record,
                write,
                escalation: w[3] as u32,
            },
            15 => StepKind::Resolve {
                record,
                write,
                escalation: w[3] as u32,
            },
            16 => StepKind::LostUpdate { record, write },
            17 => StepKind::InvalidTransition {
                record,
                note: w[2] as u32,
            },
            18 => StepKind::Hold {
                event,
                waiting_for: w[2],
            },
            19 => StepKind::Release { event },
            20 => StepKind::Crash,
            21 => StepKind::Restart,
            22 => StepKind::NotAcked { event },
            23 => StepKind::Poisoned { record },
            24 => StepKind::ProcessingFailed {
                event,
                attempt: w[2] as u32,
            },
            25 => StepKind::Retry {
                event,
                attempt: w[2] as u32,
            },
            26 => StepKind::DeadLetter { event },
            27 => StepKind::Replay { event },
            28 => StepKind::Discard { event },
            29 => StepKind::Effect {
                write: WriteId(w[1]),
                again: w[2] != 0,
            },
            30 => StepKind::EffectSkipped {
                write: WriteId(w[1]),
            },
            31 => StepKind::Skew {
                offset_ms: w[1] as i64,
            },
            32 => StepKind::SagaStep {
                saga: w[1] as u32,
                step: w[2] as u32,
            },
            33 => StepKind::SagaFailed {
                saga: w[1] as u32,
                note: w[2] as u32,
            },
            34 => StepKind::Compensate {
                saga: w[1] as u32,
                step: w[2] as u32,
            },
            35 => StepKind::Partition { until: w[1] },
            36 => StepKind::Heal,
            _ => StepKind::Refused { note: w[1] as u32 },
        }
    }
}

/// Tags whose first value needs 64 bits (a clock offset, a time); their other two are 0,
/// so the value is kept across two 32-bit slots.
const WIDE: [u64; 2] = [31, 35];

/// A trace step in 24 bytes: its time, its actor, its tag and three 32-bit values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Packed {
    time: Millis,
    actor: u16,
    tag: u8,
    values: [u32; 3],
}

/// `x` in 32 bits. Ids, versions, attempts and counts stay far below 2^32 (a run has at
/// most `MAX_TASKS` tasks, and each makes at most a few of them); the hash is taken from
/// the full words, before this.
fn narrow(x: u64) -> u32 {
    x.min(u64::from(u32::MAX)) as u32
}

impl Packed {
    /// The step at `time` by `actor` whose kind's words are `words`.
    pub fn new(time: Millis, actor: SystemId, words: [u64; 4]) -> Packed {
        let values = if WIDE.contains(&words[0]) {
            [words[1] as u32, (words[1] >> 32) as u32, 0]
        } else {
            [narrow(words[1]), narrow(words[2]), narrow(words[3])]
        };
        Packed {
            time,
            actor: actor.0,
            tag: words[0] as u8,
            values,
        }
    }

    /// The step as it was pushed.
    pub fn unpack(self) -> TraceStep {
        let [a, b, c] = self.values.map(u64::from);
        let tag = u64::from(self.tag);
        let words = if WIDE.contains(&tag) {
            [tag, a | (b << 32), 0, 0]
        } else {
            [tag, a, b, c]
        };
        TraceStep {
            time: self.time,
            actor: SystemId(self.actor),
            kind: StepKind::from_words(words),
        }
    }
}

#[cfg(test)]
impl StepKind {
    /// One step of every kind (two of the kinds with a choice inside), naming `record`,
    /// `write`, `event`, `saga` and `note`: for tests that must cover every kind.
    pub(crate) fn one_of_each(
        record: RecordId,
        write: WriteId,
        event: EventId,
        saga: u32,
        note: u32,
    ) -> Vec<StepKind> {
        vec![
            StepKind::Command { record, write },
            StepKind::LocalWrite { record, write },
            StepKind::Commit {
                record,
                write,
                version: 9,
            },
            StepKind::Publish { event, record },
            StepKind::Duplicate { event },
            StepKind::Deliver { event, attempt: 2 },
            StepKind::Drop { event },
            StepKind::Redeliver { event, attempt: 3 },
            StepKind::Apply {
                event,
                version: 5,
                again: true,
            },
            StepKind::RejectStale {
                event,
                reason: StaleReason::OlderVersion,
            },
            StepKind::RejectStale {
                event,
                reason: StaleReason::OlderTimestamp,
            },
            StepKind::SkipDuplicate { event },
            StepKind::Request { record, write },
            StepKind::Conflict { record, write },
            StepKind::Escalate {
                record,
                write,
                escalation: 2,
            },
            StepKind::Resolve {
                record,
                write,
                escalation: 3,
            },
            StepKind::LostUpdate { record, write },
            StepKind::InvalidTransition { record, note },
            StepKind::Hold {
                event,
                waiting_for: 6,
            },
            StepKind::Release { event },
            StepKind::Crash,
            StepKind::Restart,
            StepKind::NotAcked { event },
            StepKind::Poisoned { record },
            StepKind::ProcessingFailed { event, attempt: 1 },
            StepKind::Retry { event, attempt: 4 },
            StepKind::DeadLetter { event },
            StepKind::Replay { event },
            StepKind::Discard { event },
            StepKind::Effect { write, again: true },
            StepKind::EffectSkipped { write },
            StepKind::Skew {
                offset_ms: -604_800_000,
            },
            StepKind::Skew { offset_ms: 1234 },
            StepKind::Refused { note },
            StepKind::Partition {
                until: 5_000_000_000,
            },
            StepKind::Heal,
            StepKind::SagaStep { saga, step: 2 },
            StepKind::SagaFailed { saga, note },
            StepKind::Compensate { saga, step: 0 },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_step_comes_back_as_it_was_pushed() {
        let (record, write, event) = (RecordId(7), WriteId(4_000_000_001), EventId(3_000_000_002));
        let kinds = StepKind::one_of_each(record, write, event, 5, 6);
        let names: std::collections::BTreeSet<&str> = kinds.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), 37, "one of every kind");
        for kind in kinds {
            let step = TraceStep {
                time: 9_000_000_000,
                actor: SystemId(3),
                kind,
            };
            let packed = Packed::new(step.time, step.actor, kind.words());
            assert_eq!(packed.unpack(), step);
        }
        assert_eq!(std::mem::size_of::<Packed>(), 24);
    }
}
