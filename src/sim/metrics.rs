//! The summary numbers of a run.

use serde::{Deserialize, Serialize};

use super::ids::Millis;

/// Counts kept while a run proceeds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Commands run at the source of truth.
    pub commands: u64,
    /// Local writes made at replicas.
    pub local_writes: u64,
    /// Events the outbox published.
    pub published: u64,
    /// Deliveries that reached a replica, duplicates included.
    pub delivered: u64,
    /// Deliveries of an event the replica had already received.
    pub duplicates_delivered: u64,
    /// Duplicates skipped thanks to the processed-event-id set.
    pub duplicates_absorbed: u64,
    /// Duplicates applied a second time because idempotency was off.
    pub duplicates_applied: u64,
    /// Deliveries lost in transit.
    pub dropped: u64,
    /// Redeliveries after an ack timeout.
    pub redelivered: u64,
    /// Events applied.
    pub applied: u64,
    /// Events rejected as older than what the replica held.
    pub stale_rejected: u64,
    /// Writes that clashed with the source of truth and were reported.
    pub conflicts: u64,
    /// Acknowledged writes that disappeared without anyone being told.
    pub lost_updates: u64,
    /// Conflicts sent to the escalation inbox.
    pub escalations_raised: u64,
    /// Escalations still waiting for a decision.
    pub escalations_pending: u64,
    /// Changes combined with the ones they had not seen into a new value, at the source or
    /// at a replica.
    pub merges: u64,
    /// Commands refused because the record's lifecycle does not allow their event.
    pub invalid_transitions: u64,
    /// Events a replica held back until the versions before them arrived.
    pub held: u64,
    /// Replica crashes.
    pub crashes: u64,
    /// Times a consumer failed to process an event.
    pub processing_failures: u64,
    /// Consumer retries after a backoff.
    pub retries: u64,
    /// Events moved to a dead-letter queue.
    pub dead_lettered: u64,
    /// Events waiting in dead-letter queues now.
    pub dead_letter_depth: u64,
    /// Dead letters replayed by an operator.
    pub replayed: u64,
    /// Dead letters discarded by an operator.
    pub discarded: u64,
    /// The largest number of published events some replica has not yet processed.
    pub consumer_lag: u64,
    /// Side effects fired.
    pub effects_fired: u64,
    /// Side effects the external service skipped because it knew the idempotency key.
    pub effects_deduplicated: u64,
    /// Side effects fired a second (or further) time for the same write.
    pub duplicate_effects: u64,
    /// Saga steps compensated.
    pub compensations: u64,
    /// Whether every replica equals the source of truth now that the bus is quiet.
    pub converged: bool,
    /// When the replicas last became equal to the source, if they are equal now.
    pub converged_at: Option<Millis>,
    /// Virtual time of the last step.
    pub end_time: Millis,
}
