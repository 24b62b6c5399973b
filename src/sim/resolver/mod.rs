//! How a change that meets a record is decided: the `Resolver` trait, what it is asked
//! (`Case`) and what it may answer (`Ruling`). The built-in strategies (`Strategy`) are
//! resolvers; a resolver of one's own runs through `Simulation::with_resolver`.

mod field_merge;
mod strategy;

use std::fmt;

use serde::{Deserialize, Serialize};

use super::record::{RecordState, Values};

pub use field_merge::{changed_fields, merge_fields};
pub use strategy::Strategy;

/// Decides what happens where a change meets a record: at a replica for each arriving
/// event, and at the source of truth for each write that comes back to it (and for each
/// of its own commands).
///
/// A resolver must be a pure function of the `Case` it is given: no clock, no random
/// numbers, no state kept between calls. The engine replays runs to travel in time and
/// checks that a seed gives the same trace twice (`sim::determinism`); a resolver that
/// remembers or guesses breaks both.
///
/// ```
/// use syncscope::sim::resolver::{Case, Resolver, StaleReason, Ruling};
///
/// /// The higher amount wins, wherever two amounts meet.
/// #[derive(Debug)]
/// struct HighestAmount;
///
/// impl Resolver for HighestAmount {
///     fn name(&self) -> &str {
///         "highest-amount"
///     }
///
///     fn decide(&self, case: &Case) -> Ruling {
///         let amount = |fields: &syncscope::sim::record::Values| -> f64 {
///             fields.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0.0)
///         };
///         if amount(&case.incoming.fields) >= amount(&case.held.fields) {
///             Ruling::Apply
///         } else {
///             Ruling::RejectStale(StaleReason::ByRule)
///         }
///     }
/// }
/// # let _ = HighestAmount;
/// ```
pub trait Resolver: fmt::Debug + Send + Sync {
    /// A short name for reports and traces (`Report::strategy`).
    fn name(&self) -> &str;

    /// What to do with `case`.
    fn decide(&self, case: &Case<'_>) -> Ruling;

    /// Whether a replica holds back an event that skips a version it has not seen, for
    /// records with a lifecycle (so a copy never jumps through an impossible state).
    /// Resolvers that read versions say yes; the default is no.
    fn holds_out_of_order(&self) -> bool {
        false
    }

    /// Whether it reads a replica's common ancestor (`Case::ancestor`). One that says no
    /// is given an empty ancestor at version 0 there, and spares the engine the lookup on
    /// every delivery; the default is yes.
    fn reads_ancestor(&self) -> bool {
        true
    }
}

/// Where a resolver is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At a replica, for an event from the source of truth.
    Replica,
    /// At the source of truth, for a write that comes back to it or one of its own
    /// commands.
    Source,
}

/// What a resolver is asked: a change meeting a record.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// Where.
    pub place: Place,
    /// The record as it stands here.
    pub held: &'a RecordState,
    /// The record as the incoming change would make it: its fields (all of them, as its
    /// writer had them), its version, its timestamp (`modified_at`, on the writer's clock),
    /// its writer and its write.
    pub incoming: &'a RecordState,
    /// The version the incoming change was based on: the one its writer had seen.
    pub incoming_base: u64,
    /// The common ancestor: the record's values at the last version both sides had.
    pub ancestor: &'a Values,
    /// The common ancestor's version.
    pub ancestor_version: u64,
    /// Whether the incoming change is a person's decision on an escalation.
    pub decided: bool,
}

impl<'a> Case<'a> {
    /// The fields the incoming change sets differently from the common ancestor.
    pub fn changed_by_incoming(&self) -> Vec<String> {
        changed_fields(self.ancestor, &self.incoming.fields)
    }

    /// The fields the record here holds differently from the common ancestor: the
    /// changes the incoming one has not seen.
    pub fn changed_here(&self) -> Vec<String> {
        changed_fields(self.ancestor, &self.held.fields)
    }
}

/// A resolver's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ruling {
    /// Take the incoming change. At the source it is committed as the next version.
    Apply,
    /// Keep what is held: the incoming change is older. At the source the write is
    /// dropped and nobody is told: the trace counts it as a lost update.
    RejectStale(StaleReason),
    /// The two clash: report a conflict and keep the source of truth's value (a replica
    /// takes the incoming event; the source refuses the write).
    Conflict,
    /// The two clash and a person must decide: the source keeps its value and a replica
    /// its own until then.
    Escalate,
    /// Write a new value that combines the two. At the source it is committed as the next
    /// version in the write's name; at a replica it becomes the copy under the incoming
    /// version, until the source's next event about the record replaces it.
    Merge(Values),
}

/// Why an incoming change counts as stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StaleReason {
    /// Its version is lower than the one held.
    OlderVersion,
    /// Its timestamp (with tie-break) is not later than the one held.
    OlderTimestamp,
    /// A resolver's own rule kept what is held.
    ByRule,
}

/// What decides in a run: a built-in strategy, or a resolver of one's own.
#[derive(Debug, Clone)]
pub(crate) enum Deciding {
    /// A built-in, called directly.
    BuiltIn(Strategy),
    /// A resolver of one's own.
    Custom(std::sync::Arc<dyn Resolver>),
}

impl Deciding {
    /// The resolver's ruling on `case`.
    pub(crate) fn decide(&self, case: &Case<'_>) -> Ruling {
        match self {
            Deciding::BuiltIn(s) => s.decide(case),
            Deciding::Custom(r) => r.decide(case),
        }
    }

    /// See `Resolver::holds_out_of_order`.
    pub(crate) fn holds_out_of_order(&self) -> bool {
        match self {
            Deciding::BuiltIn(s) => s.holds_out_of_order(),
            Deciding::Custom(r) => r.holds_out_of_order(),
        }
    }

    /// See `Resolver::reads_ancestor`.
    pub(crate) fn reads_ancestor(&self) -> bool {
        match self {
            Deciding::BuiltIn(s) => s.reads_ancestor(),
            Deciding::Custom(r) => r.reads_ancestor(),
        }
    }

    /// See `Resolver::name`.
    pub(crate) fn name(&self) -> &str {
        match self {
            Deciding::BuiltIn(s) => s.as_str(),
            Deciding::Custom(r) => r.name(),
        }
    }
}
