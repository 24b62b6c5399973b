//! Named invariants and their explanations. Checks that need the whole history run after
//! the bus is quiet, from the records alone, independently of the engine's own counting.

use std::collections::BTreeSet;

use serde::Serialize;

use super::ids::{Millis, RecordId, SystemId, WriteId};
use super::record::Fields;
use super::source::Commit;

/// An invariant's name, as reported.
pub mod names {
    /// After the bus is quiet, every replica equals the source of truth.
    pub const CONVERGES: &str = "converges";
    /// No acknowledged write disappears without a reported conflict.
    pub const NO_LOST_WRITE: &str = "no_lost_acknowledged_write";
    /// A replica's version of a record never goes down.
    pub const MONOTONIC_VERSIONS: &str = "monotonic_versions";
    /// With idempotency on, each event is applied at most once per replica.
    pub const EXACTLY_ONCE: &str = "exactly_once_apply";
    /// The run finished within the step limit.
    pub const FINISHES: &str = "finishes";
    /// With idempotency keys, no side effect fires twice for one write; without them, a
    /// repeat is reported by name.
    pub const EXACTLY_ONCE_EFFECTS: &str = "exactly_once_effects";
    /// A replica's copy of a record only moves forward through its lifecycle.
    pub const VALID_TRANSITIONS: &str = "valid_lifecycle_transitions";

    /// Every invariant, in the order they are reported.
    pub const ALL: [&str; 7] = [
        CONVERGES,
        NO_LOST_WRITE,
        MONOTONIC_VERSIONS,
        EXACTLY_ONCE,
        EXACTLY_ONCE_EFFECTS,
        VALID_TRANSITIONS,
        FINISHES,
    ];
}

/// What an invariant says about a run at the step on show.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "snake_case")]
pub enum Verdict {
    /// It held at every step so far (an end-of-run check: the run is over and it held).
    Holds,
    /// It failed; the run's violations say when and why.
    Violated,
    /// It does not apply to this run, for the reason given.
    DoesNotApply(String),
    /// It is judged only once the bus is quiet; the reason says what is still under way.
    NotYetDecided(String),
}

impl Verdict {
    /// A short name, for class names and JSON: `holds`, `violated`, `does_not_apply`,
    /// `not_yet_decided` (as in the report JSON).
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::DoesNotApply(_) => "does_not_apply",
            Verdict::NotYetDecided(_) => "not_yet_decided",
        }
    }

    /// The verdict in words, as a screen reader says it after the invariant's name.
    pub fn words(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "is violated",
            Verdict::DoesNotApply(_) => "does not apply to this run",
            Verdict::NotYetDecided(_) => "is not decided yet",
        }
    }

    /// Why it does not apply or is not decided yet; `None` for a held or violated one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::DoesNotApply(r) | Verdict::NotYetDecided(r) => Some(r),
            Verdict::Holds | Verdict::Violated => None,
        }
    }

    /// Whether it failed.
    pub fn is_violated(&self) -> bool {
        *self == Verdict::Violated
    }
}

/// One invariant that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The invariant's name.
    pub name: &'static str,
    /// When it failed.
    pub time: Millis,
    /// What went wrong, in a sentence.
    pub message: String,
}

/// How a write came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteKind {
    /// A command at the source of truth.
    Command,
    /// A local write at a replica.
    LocalWrite,
    /// A person's decision on an escalation.
    Resolution,
}

/// An acknowledged write, as the engine logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteLog {
    /// Its id.
    pub id: WriteId,
    /// How it came about.
    pub kind: WriteKind,
    /// The system that acknowledged it.
    pub system: SystemId,
    /// The record written.
    pub record: RecordId,
    /// The record's values as written.
    pub fields: Fields,
    /// The version the writer had.
    pub base_version: u64,
    /// When it was acknowledged (virtual time).
    pub at: Millis,
    /// Its timestamp: the writer's clock at that moment.
    pub stamp: Millis,
}

/// A write that no longer survives anywhere, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostWrite {
    /// The lost write.
    pub write: WriteId,
    /// When it was lost (or acknowledged, if it was never committed).
    pub time: Millis,
    /// The write that replaced it without having seen it, if any.
    pub overwritten_by: Option<WriteId>,
}

/// Finds every acknowledged write that was neither committed and kept, nor reported as a
/// conflict: either never committed, or committed and then replaced by a write based on an
/// older version (one that had not seen it).
pub fn lost_writes(
    writes: &[WriteLog],
    history: &[impl std::ops::Deref<Target = [Commit]>],
    reported: &BTreeSet<WriteId>,
) -> Vec<LostWrite> {
    let mut lost = Vec::new();
    for w in writes {
        if reported.contains(&w.id) {
            continue;
        }
        let commits = &history[w.record.0 as usize];
        match commits.iter().position(|c| c.write == w.id) {
            None => lost.push(LostWrite {
                write: w.id,
                time: w.at,
                overwritten_by: None,
            }),
            Some(i) => {
                let version = commits[i].version;
                if let Some(c) = commits[i + 1..].iter().find(|c| c.base_version < version) {
                    lost.push(LostWrite {
                        write: w.id,
                        time: c.at,
                        overwritten_by: Some(c.write),
                    });
                }
            }
        }
    }
    lost
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;

    fn write(id: u64, base: u64) -> WriteLog {
        WriteLog {
            id: WriteId(id),
            kind: WriteKind::Command,
            system: SystemId::SOURCE,
            record: RecordId(0),
            fields: Arc::new(BTreeMap::new()),
            base_version: base,
            at: id * 10,
            stamp: id * 10,
        }
    }

    fn commit(version: u64, write: u64, base: u64) -> Commit {
        Commit {
            version,
            write: WriteId(write),
            base_version: base,
            at: write * 10 + 1,
        }
    }

    #[test]
    fn sequential_writes_lose_nothing() {
        let writes = [write(1, 1), write(2, 2)];
        let history = [vec![commit(2, 1, 1), commit(3, 2, 2)]];
        assert!(lost_writes(&writes, &history, &BTreeSet::new()).is_empty());
    }

    #[test]
    fn a_commit_based_on_an_older_version_loses_what_it_skipped() {
        // w1 commits v2; w2 was written on v1 and commits v3 over it without having seen it.
        let writes = [write(1, 1), write(2, 1)];
        let history = [vec![commit(2, 1, 1), commit(3, 2, 1)]];
        assert_eq!(
            lost_writes(&writes, &history, &BTreeSet::new()),
            vec![LostWrite {
                write: WriteId(1),
                time: 21,
                overwritten_by: Some(WriteId(2))
            }]
        );
    }

    #[test]
    fn uncommitted_writes_are_lost_unless_reported() {
        let writes = [write(1, 1)];
        let history = [vec![]];
        assert_eq!(lost_writes(&writes, &history, &BTreeSet::new()).len(), 1);
        assert!(lost_writes(&writes, &history, &BTreeSet::from([WriteId(1)])).is_empty());
    }
}
