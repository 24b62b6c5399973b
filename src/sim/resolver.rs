//! The four reconciliation strategies, as pure decisions: given what a system holds and
//! what arrives, say what to do. The simulation carries the decision out.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::record::RecordState;

/// How systems reconcile an incoming change with their own state.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Strategy {
    /// No check at all: whatever arrives is applied, and every write that reaches the
    /// source is committed. The naive consumer the other three improve on.
    #[serde(rename = "arrival")]
    ApplyOnArrival,
    /// The change with the later timestamp wins; ties go to the higher system id.
    #[serde(rename = "lww")]
    LastWriteWins,
    /// Older versions are rejected; a concurrent change at the same version is a
    /// conflict, reported, and the source of truth's value is kept.
    #[default]
    #[serde(rename = "version")]
    VersionComparison,
    /// Like version comparison, but a conflict waits in an inbox for a person to decide.
    #[serde(rename = "escalate")]
    HumanEscalation,
}

impl Strategy {
    /// Every strategy, in the order they are shown.
    pub const ALL: [Strategy; 4] = [
        Strategy::ApplyOnArrival,
        Strategy::LastWriteWins,
        Strategy::VersionComparison,
        Strategy::HumanEscalation,
    ];

    /// The short name used on the command line and in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::ApplyOnArrival => "arrival",
            Strategy::LastWriteWins => "lww",
            Strategy::VersionComparison => "version",
            Strategy::HumanEscalation => "escalate",
        }
    }

    /// Whether it reads versions, and so can hold back an event that skips one.
    pub fn compares_versions(self) -> bool {
        matches!(
            self,
            Strategy::VersionComparison | Strategy::HumanEscalation
        )
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::ApplyOnArrival => "Apply on arrival",
            Strategy::LastWriteWins => "Last write wins",
            Strategy::VersionComparison => "Version comparison",
            Strategy::HumanEscalation => "Human escalation",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Strategy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Strategy::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!("unknown strategy \"{s}\"; expected one of arrival, lww, version, escalate")
            })
    }
}

/// What a replica does with an event from the source of truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaVerdict {
    /// Take the incoming state.
    Apply,
    /// The replica already holds something newer: keep it.
    RejectStale(StaleReason),
    /// The replica's own unconfirmed write and the source's change carry the same version:
    /// report the conflict and take the source's value.
    ConflictTakeSource,
    /// Same situation, but a person must decide: keep the local value until then.
    Escalate,
}

/// Why an incoming change counts as stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaleReason {
    /// Its version is lower than the one held.
    OlderVersion,
    /// Its timestamp (with tie-break) is not later than the one held.
    OlderTimestamp,
}

/// Decides what a replica holding `local` does with `incoming`.
pub fn at_replica(
    strategy: Strategy,
    local: &RecordState,
    incoming: &RecordState,
) -> ReplicaVerdict {
    if incoming.write == local.write {
        // The replica's own write (or a change it already holds) coming back from the
        // source: the source's numbering is the authoritative one, so adopt it.
        return ReplicaVerdict::Apply;
    }
    match strategy {
        Strategy::ApplyOnArrival => ReplicaVerdict::Apply,
        Strategy::LastWriteWins => {
            if incoming.lww_key() > local.lww_key() {
                ReplicaVerdict::Apply
            } else {
                ReplicaVerdict::RejectStale(StaleReason::OlderTimestamp)
            }
        }
        Strategy::VersionComparison | Strategy::HumanEscalation => {
            use std::cmp::Ordering::*;
            match incoming.version.cmp(&local.version) {
                Greater => ReplicaVerdict::Apply,
                Less => ReplicaVerdict::RejectStale(StaleReason::OlderVersion),
                Equal if strategy == Strategy::VersionComparison => {
                    ReplicaVerdict::ConflictTakeSource
                }
                Equal => ReplicaVerdict::Escalate,
            }
        }
    }
}

/// What the source of truth does with a replica's request to change a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceVerdict {
    /// Commit it as the next version.
    Commit,
    /// Drop it without telling anyone: the write is lost (last-write-wins only).
    DiscardSilently,
    /// Refuse it and report a conflict; the source keeps its value.
    RejectConflict,
    /// Park it in the escalation inbox; the source keeps its value until a person decides.
    Escalate,
}

/// Decides what the source holding `current` does with a request for `requested`, which
/// the replica based on version `base_version`.
pub fn at_source(
    strategy: Strategy,
    current: &RecordState,
    requested: &RecordState,
    base_version: u64,
) -> SourceVerdict {
    match strategy {
        Strategy::ApplyOnArrival => SourceVerdict::Commit,
        Strategy::LastWriteWins => {
            if requested.lww_key() > current.lww_key() {
                SourceVerdict::Commit
            } else {
                SourceVerdict::DiscardSilently
            }
        }
        _ if base_version == current.version => SourceVerdict::Commit,
        Strategy::VersionComparison => SourceVerdict::RejectConflict,
        Strategy::HumanEscalation => SourceVerdict::Escalate,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sim::ids::{SystemId, WriteId};

    fn state(version: u64, at: u64, writer: u16, write: u64) -> RecordState {
        RecordState {
            fields: Arc::default(),
            version,
            modified_at: at,
            writer: SystemId(writer),
            write: WriteId(write),
        }
    }

    #[test]
    fn lww_takes_later_timestamp_and_ignores_versions() {
        let local = state(5, 200, 1, 3);
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(2, 201, 0, 4)),
            ReplicaVerdict::Apply
        );
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(9, 199, 0, 4)),
            ReplicaVerdict::RejectStale(StaleReason::OlderTimestamp)
        );
    }

    #[test]
    fn lww_tie_goes_to_higher_system_id() {
        let local = state(1, 100, 1, 3);
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(2, 100, 0, 4)),
            ReplicaVerdict::RejectStale(StaleReason::OlderTimestamp)
        );
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(2, 100, 2, 4)),
            ReplicaVerdict::Apply
        );
    }

    #[test]
    fn version_comparison_orders_by_version_and_flags_equal_versions() {
        let local = state(3, 0, 1, 7);
        let v = Strategy::VersionComparison;
        assert_eq!(
            at_replica(v, &local, &state(4, 0, 0, 8)),
            ReplicaVerdict::Apply
        );
        assert_eq!(
            at_replica(v, &local, &state(2, 0, 0, 8)),
            ReplicaVerdict::RejectStale(StaleReason::OlderVersion)
        );
        assert_eq!(
            at_replica(v, &local, &state(3, 0, 0, 8)),
            ReplicaVerdict::ConflictTakeSource
        );
        assert_eq!(
            at_replica(Strategy::HumanEscalation, &local, &state(3, 0, 0, 8)),
            ReplicaVerdict::Escalate
        );
    }

    #[test]
    fn own_write_coming_back_is_applied_under_every_strategy() {
        let local = state(3, 50, 1, 7);
        for s in Strategy::ALL {
            assert_eq!(
                at_replica(s, &local, &state(4, 50, 1, 7)),
                ReplicaVerdict::Apply,
                "{s}"
            );
            // Even when the source numbered it lower than the replica's guess.
            assert_eq!(
                at_replica(s, &local, &state(2, 50, 1, 7)),
                ReplicaVerdict::Apply,
                "{s}"
            );
        }
    }

    #[test]
    fn source_commits_only_based_or_later_requests() {
        let current = state(4, 100, 0, 5);
        let req = state(4, 120, 2, 6);
        assert_eq!(
            at_source(Strategy::VersionComparison, &current, &req, 4),
            SourceVerdict::Commit
        );
        assert_eq!(
            at_source(Strategy::VersionComparison, &current, &req, 3),
            SourceVerdict::RejectConflict
        );
        assert_eq!(
            at_source(Strategy::HumanEscalation, &current, &req, 3),
            SourceVerdict::Escalate
        );
        assert_eq!(
            at_source(Strategy::LastWriteWins, &current, &req, 1),
            SourceVerdict::Commit
        );
        let older = state(4, 90, 2, 6);
        assert_eq!(
            at_source(Strategy::LastWriteWins, &current, &older, 4),
            SourceVerdict::DiscardSilently
        );
    }

    #[test]
    fn strategy_names_round_trip() {
        for s in Strategy::ALL {
            assert_eq!(s.as_str().parse::<Strategy>(), Ok(s));
        }
        assert!(
            "fastest"
                .parse::<Strategy>()
                .unwrap_err()
                .contains("arrival, lww, version, escalate")
        );
    }
}
