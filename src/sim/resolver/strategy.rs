//! The built-in strategies, each a `Resolver`: given what a system holds and what
//! arrives, say what to do. The simulation carries the decision out.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Case, Place, Resolver, Ruling, StaleReason, field_merge};

/// How systems reconcile an incoming change with their own state.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[non_exhaustive]
pub enum Strategy {
    /// No check at all: whatever arrives is applied, and every write that reaches the
    /// source is committed. The naive consumer the others improve on.
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
    /// Concurrent changes to different fields of a record both survive; the same field
    /// changed on both sides goes to a person, as under human escalation.
    #[serde(rename = "merge")]
    FieldMerge,
}

impl Strategy {
    /// Every strategy, in the order they are shown.
    pub const ALL: [Strategy; 5] = [
        Strategy::ApplyOnArrival,
        Strategy::LastWriteWins,
        Strategy::VersionComparison,
        Strategy::HumanEscalation,
        Strategy::FieldMerge,
    ];

    /// The short name used on the command line and in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::ApplyOnArrival => "arrival",
            Strategy::LastWriteWins => "lww",
            Strategy::VersionComparison => "version",
            Strategy::HumanEscalation => "escalate",
            Strategy::FieldMerge => "merge",
        }
    }

    /// Whether it reads versions, and so can hold back an event that skips one.
    pub fn compares_versions(self) -> bool {
        matches!(
            self,
            Strategy::VersionComparison | Strategy::HumanEscalation | Strategy::FieldMerge
        )
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::ApplyOnArrival => "Apply on arrival",
            Strategy::LastWriteWins => "Last write wins",
            Strategy::VersionComparison => "Version comparison",
            Strategy::HumanEscalation => "Human escalation",
            Strategy::FieldMerge => "Field-level merge",
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
                format!("unknown strategy \"{s}\"; expected one of arrival, lww, version, escalate, merge")
            })
    }
}

impl Resolver for Strategy {
    fn name(&self) -> &str {
        self.as_str()
    }

    fn decide(&self, case: &Case<'_>) -> Ruling {
        match case.place {
            Place::Replica => self.at_replica(case),
            Place::Source => self.at_source(case),
        }
    }

    fn holds_out_of_order(&self) -> bool {
        self.compares_versions()
    }

    /// Only field-level merge: the others decide on versions and timestamps alone.
    fn reads_ancestor(&self) -> bool {
        *self == Strategy::FieldMerge
    }
}

/// Last write wins, the same at a replica and at the source: the later timestamp (ties to
/// the higher system id) is applied, the other kept out as older.
fn later_timestamp(case: &Case<'_>) -> Ruling {
    if case.incoming.lww_key() > case.held.lww_key() {
        Ruling::Apply
    } else {
        Ruling::RejectStale(StaleReason::OlderTimestamp)
    }
}

impl Strategy {
    /// What a replica holding `case.held` does with the event `case.incoming`.
    fn at_replica(self, case: &Case<'_>) -> Ruling {
        let (local, incoming) = (case.held, case.incoming);
        match self {
            Strategy::ApplyOnArrival => Ruling::Apply,
            Strategy::LastWriteWins => later_timestamp(case),
            Strategy::VersionComparison | Strategy::HumanEscalation => {
                use std::cmp::Ordering::*;
                match incoming.version.cmp(&local.version) {
                    Greater => Ruling::Apply,
                    Less => Ruling::RejectStale(StaleReason::OlderVersion),
                    Equal if self == Strategy::VersionComparison => Ruling::Conflict,
                    Equal => Ruling::Escalate,
                }
            }
            Strategy::FieldMerge => field_merge::decide(case),
        }
    }

    /// What the source holding `case.held` does with the write `case.incoming`.
    fn at_source(self, case: &Case<'_>) -> Ruling {
        let current = case.held;
        match self {
            Strategy::ApplyOnArrival => Ruling::Apply,
            // Last-write-wins drops a write with an older timestamp without a word.
            Strategy::LastWriteWins => later_timestamp(case),
            Strategy::FieldMerge => field_merge::decide(case),
            _ if case.incoming_base == current.version => Ruling::Apply,
            Strategy::VersionComparison => Ruling::Conflict,
            Strategy::HumanEscalation => Ruling::Escalate,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sim::ids::{SystemId, WriteId};
    use crate::sim::record::{RecordState, Values};

    fn ask(
        s: Strategy,
        place: Place,
        held: &RecordState,
        incoming: &RecordState,
        base: u64,
    ) -> Ruling {
        let ancestor = Values::default();
        s.decide(&Case {
            place,
            held,
            incoming,
            incoming_base: base,
            ancestor: &ancestor,
            ancestor_version: base.min(held.version),
            decided: false,
        })
    }

    fn at_replica(s: Strategy, local: &RecordState, incoming: &RecordState) -> Ruling {
        ask(s, Place::Replica, local, incoming, incoming.version - 1)
    }

    fn at_source(s: Strategy, current: &RecordState, requested: &RecordState, base: u64) -> Ruling {
        ask(s, Place::Source, current, requested, base)
    }

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
            Ruling::Apply
        );
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(9, 199, 0, 4)),
            Ruling::RejectStale(StaleReason::OlderTimestamp)
        );
    }

    #[test]
    fn lww_tie_goes_to_higher_system_id() {
        let local = state(1, 100, 1, 3);
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(2, 100, 0, 4)),
            Ruling::RejectStale(StaleReason::OlderTimestamp)
        );
        assert_eq!(
            at_replica(Strategy::LastWriteWins, &local, &state(2, 100, 2, 4)),
            Ruling::Apply
        );
    }

    #[test]
    fn version_comparison_orders_by_version_and_flags_equal_versions() {
        let local = state(3, 0, 1, 7);
        let v = Strategy::VersionComparison;
        assert_eq!(at_replica(v, &local, &state(4, 0, 0, 8)), Ruling::Apply);
        assert_eq!(
            at_replica(v, &local, &state(2, 0, 0, 8)),
            Ruling::RejectStale(StaleReason::OlderVersion)
        );
        assert_eq!(at_replica(v, &local, &state(3, 0, 0, 8)), Ruling::Conflict);
        assert_eq!(
            at_replica(Strategy::HumanEscalation, &local, &state(3, 0, 0, 8)),
            Ruling::Escalate
        );
    }

    #[test]
    fn source_commits_only_based_or_later_requests() {
        let current = state(4, 100, 0, 5);
        let req = state(4, 120, 2, 6);
        assert_eq!(
            at_source(Strategy::VersionComparison, &current, &req, 4),
            Ruling::Apply
        );
        assert_eq!(
            at_source(Strategy::VersionComparison, &current, &req, 3),
            Ruling::Conflict
        );
        assert_eq!(
            at_source(Strategy::HumanEscalation, &current, &req, 3),
            Ruling::Escalate
        );
        assert_eq!(
            at_source(Strategy::LastWriteWins, &current, &req, 1),
            Ruling::Apply
        );
        let older = state(4, 90, 2, 6);
        assert_eq!(
            at_source(Strategy::LastWriteWins, &current, &older, 4),
            Ruling::RejectStale(StaleReason::OlderTimestamp)
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
                .contains("arrival, lww, version, escalate, merge")
        );
    }
}
