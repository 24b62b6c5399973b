//! What the explorer's picture needs beyond the bus's messages: replicas' change requests
//! on their way to the source, and what each replica holds back, gave up on or fired.

use super::{Simulation, Task};
use crate::sim::ids::{Millis, RecordId, WriteId};

/// A replica's local write on its way to the source of truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestInFlight {
    /// The write it carries.
    pub write: WriteId,
    /// The replica that sent it.
    pub replica: usize,
    /// The record written.
    pub record: RecordId,
    /// The version the replica's copy took with it.
    pub version: u64,
    /// When it was sent (the write's time).
    pub sent_at: Millis,
    /// When it reaches the source.
    pub arrives_at: Millis,
}

/// What a replica is doing besides holding its copies, as the picture shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    /// Events held back until the version before them arrives.
    pub held: usize,
    /// Events in its dead-letter queue.
    pub dead_letters: usize,
    /// Times its side effect fired (repeats included).
    pub effects: u64,
}

impl Simulation {
    /// Every change request still on its way to the source, in no particular order.
    pub fn requests_in_flight(&self) -> Vec<RequestInFlight> {
        self.queue
            .iter()
            .filter_map(|(at, task)| match task {
                Task::Request(write) => {
                    let w = &self.writes[write.0 as usize - 1];
                    Some(RequestInFlight {
                        write,
                        replica: w.system.replica_index()?,
                        record: w.record,
                        version: w.base_version + 1,
                        sent_at: w.at,
                        arrives_at: at,
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// Whether any change request is on its way to the source (without listing them).
    pub fn has_requests_in_flight(&self) -> bool {
        self.queue
            .iter()
            .any(|(_, task)| matches!(task, Task::Request(_)))
    }

    /// What replica `r` holds back, gave up on and fired so far.
    pub fn activity(&self, r: usize) -> Activity {
        let replica = &self.replicas[r];
        Activity {
            held: replica.held_count(),
            dead_letters: replica.dead_letters().len(),
            effects: replica.effects_count(),
        }
    }
}
