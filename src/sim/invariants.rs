//! Named invariants and their explanations. Checks that need the whole history run after
//! the bus is quiet, from the records alone, independently of the engine's own counting.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::{Millis, RecordId, SystemId, WriteId};
use super::record::Fields;
use super::shared_log::SharedLog;
use super::source::Commit;

/// The invariants every run is checked against, in the order they are reported. Each
/// says what it checks (`what`); where it is checked: `converges` and
/// `no_lost_acknowledged_write` once the bus is quiet, from the records and the writes
/// (`Simulation::violations`); `monotonic_versions`, `exactly_once_apply`,
/// `exactly_once_effects` and `valid_lifecycle_transitions` as a replica applies an event;
/// `finishes` when the run stops; and when each applies and is decided, in
/// `Simulation::verdicts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Invariant {
    /// After the bus is quiet, every replica equals the source of truth.
    Converges,
    /// No acknowledged write disappears without a reported conflict.
    NoLostAcknowledgedWrite,
    /// A replica's version of a record never goes down.
    MonotonicVersions,
    /// With idempotency on, each event is applied at most once per replica.
    ExactlyOnceApply,
    /// With idempotency keys, no side effect fires twice for one write; without them, a
    /// repeat is reported by name.
    ExactlyOnceEffects,
    /// A replica's copy of a record only moves forward through its lifecycle.
    ValidLifecycleTransitions,
    /// The run finished within the step limit.
    Finishes,
}

impl Invariant {
    /// Every invariant, in the order they are reported.
    pub const ALL: [Invariant; 7] = [
        Invariant::Converges,
        Invariant::NoLostAcknowledgedWrite,
        Invariant::MonotonicVersions,
        Invariant::ExactlyOnceApply,
        Invariant::ExactlyOnceEffects,
        Invariant::ValidLifecycleTransitions,
        Invariant::Finishes,
    ];

    /// Its name, as reported (in JSON, on the page, by the runner).
    pub const fn name(self) -> &'static str {
        match self {
            Invariant::Converges => "converges",
            Invariant::NoLostAcknowledgedWrite => "no_lost_acknowledged_write",
            Invariant::MonotonicVersions => "monotonic_versions",
            Invariant::ExactlyOnceApply => "exactly_once_apply",
            Invariant::ExactlyOnceEffects => "exactly_once_effects",
            Invariant::ValidLifecycleTransitions => "valid_lifecycle_transitions",
            Invariant::Finishes => "finishes",
        }
    }

    /// What it checks, in a sentence.
    pub const fn what(self) -> &'static str {
        match self {
            Invariant::Converges => {
                "After the bus is quiet, every replica equals the source of truth."
            }
            Invariant::NoLostAcknowledgedWrite => {
                "No acknowledged write disappears without a reported conflict."
            }
            Invariant::MonotonicVersions => "A replica's version of a record never goes down.",
            Invariant::ExactlyOnceApply => {
                "With idempotency on, each event is applied at most once per replica."
            }
            Invariant::ExactlyOnceEffects => {
                "With idempotency keys, no side effect fires twice for one write."
            }
            Invariant::ValidLifecycleTransitions => {
                "A replica's copy of a record only moves forward through its lifecycle."
            }
            Invariant::Finishes => "The run finished within the step limit.",
        }
    }

    /// The invariant called `name`, if any.
    pub fn named(name: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.name() == name)
    }
}

impl std::str::FromStr for Invariant {
    type Err = String;

    /// The invariant called `name`; an unknown name is an error that lists the names.
    fn from_str(name: &str) -> Result<Self, String> {
        Invariant::named(name).ok_or_else(|| {
            let names: Vec<&str> = Invariant::ALL.iter().map(|i| i.name()).collect();
            format!(
                "no invariant is called \"{name}\"; the invariants are {}",
                names.join(", ")
            )
        })
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An invariant equals its name, so that a test or a page can compare it with one.
impl PartialEq<&str> for Invariant {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// What an invariant says about a run at the step on show.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The invariant (reported by its name).
    pub name: Invariant,
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
pub fn lost_writes<'a>(
    writes: impl IntoIterator<Item = &'a WriteLog>,
    history: &[SharedLog<Commit>],
    reported: &BTreeSet<WriteId>,
) -> Vec<LostWrite> {
    // Per record, once: where each write sits in its history, and from each position on
    // the lowest base version. A commit is overwritten unseen only if some later commit
    // was based on an older version, which the lowest base tells at once; the history
    // is searched only then (rarely), so a long run is checked in linear time.
    let found: Vec<(BTreeMap<WriteId, usize>, Vec<u64>)> = history
        .iter()
        .map(|commits| {
            let at = commits
                .iter()
                .enumerate()
                .map(|(i, c)| (c.write, i))
                .collect();
            let mut lowest = vec![u64::MAX; commits.len() + 1];
            for (i, c) in commits.iter().enumerate().rev() {
                lowest[i] = lowest[i + 1].min(c.base_version);
            }
            (at, lowest)
        })
        .collect();
    writes
        .into_iter()
        .filter(|w| !reported.contains(&w.id))
        .filter_map(|w| {
            let (at, lowest) = &found[w.record.0 as usize];
            let position = at.get(&w.id).copied();
            match position {
                Some(i) if lowest[i + 1] >= history[w.record.0 as usize][i].version => None,
                _ => lost_write(w, &history[w.record.0 as usize], position),
            }
        })
        .collect()
}

/// Whether write `w` is lost, given its record's history and its position in it (`None`
/// when it was never committed); see `lost_writes`.
pub fn lost_write(
    w: &WriteLog,
    commits: &SharedLog<Commit>,
    position: Option<usize>,
) -> Option<LostWrite> {
    let Some(i) = position else {
        return Some(LostWrite {
            write: w.id,
            time: w.at,
            overwritten_by: None,
        });
    };
    let version = commits[i].version;
    commits
        .iter()
        .skip(i + 1)
        .find(|c| c.base_version < version)
        .map(|c| LostWrite {
            write: w.id,
            time: c.at,
            overwritten_by: Some(c.write),
        })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn write(id: u64, base: u64) -> WriteLog {
        WriteLog {
            id: WriteId(id),
            kind: WriteKind::Command,
            system: SystemId::SOURCE,
            record: RecordId(0),
            fields: Arc::default(),
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
            fields: Arc::default(),
        }
    }

    fn log(commits: Vec<Commit>) -> SharedLog<Commit> {
        let mut log = SharedLog::default();
        commits.into_iter().for_each(|c| log.push(c));
        log
    }

    #[test]
    fn sequential_writes_lose_nothing() {
        let writes = [write(1, 1), write(2, 2)];
        let history = [log(vec![commit(2, 1, 1), commit(3, 2, 2)])];
        assert!(lost_writes(&writes, &history, &BTreeSet::new()).is_empty());
    }

    #[test]
    fn a_commit_based_on_an_older_version_loses_what_it_skipped() {
        // w1 commits v2; w2 was written on v1 and commits v3 over it without having seen it.
        let writes = [write(1, 1), write(2, 1)];
        let history = [log(vec![commit(2, 1, 1), commit(3, 2, 1)])];
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
        let history = [log(vec![])];
        assert_eq!(lost_writes(&writes, &history, &BTreeSet::new()).len(), 1);
        assert!(lost_writes(&writes, &history, &BTreeSet::from([WriteId(1)])).is_empty());
    }
}
