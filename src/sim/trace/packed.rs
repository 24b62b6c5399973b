//! The 24 bytes the trace keeps of each step (a `TraceStep` is 40): a kind's words
//! (`kinds`) packed into a time, an actor, a tag and three 32-bit values, and back.

use super::*;

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
        let values = if StepKind::is_wide(words[0]) {
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
        let words = if StepKind::is_wide(tag) {
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
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_step_comes_back_as_it_was_pushed() {
        let mut kinds = StepKind::one_of_each(&Samples {
            record: RecordId(7),
            write: WriteId(4_000_000_001),
            event: EventId(3_000_000_002),
            saga: 5,
            note: 6,
        });
        let names: std::collections::BTreeSet<&str> = kinds.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), kinds.len(), "every kind has a name of its own");
        // The other side of the fields with a choice inside.
        kinds.push(StepKind::RejectStale {
            event: EventId(1),
            reason: StaleReason::OlderVersion,
        });
        kinds.push(StepKind::Skew { offset_ms: 1234 });
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
