//! The escalation inbox: conflicts that wait for a person.

use serde::{Deserialize, Serialize};

use super::ids::{Millis, RecordId, SystemId, WriteId};
use super::record::Fields;
use super::record::Values;

/// A person's decision on an escalated conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Keep the source of truth's value.
    KeepSource,
    /// Take the replica's value.
    TakeReplica,
    /// Use a value the person composed.
    Merge(Values),
}

/// A conflict parked until a person decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    /// Its number, from 1.
    pub id: u32,
    /// The record in dispute.
    pub record: RecordId,
    /// The replica's write that clashed.
    pub write: WriteId,
    /// The replica that made it.
    pub replica: SystemId,
    /// The replica's value.
    pub replica_value: Fields,
    /// The source of truth's value when the conflict was raised.
    pub source_value: Fields,
    /// When it was raised.
    pub raised_at: Millis,
    /// The decision and when it was made, once decided.
    pub decision: Option<(Decision, Millis)>,
}

/// Every escalation of a run.
#[derive(Debug, Clone, Default)]
pub struct EscalationInbox {
    items: Vec<Escalation>,
}

impl EscalationInbox {
    /// The escalation raised for `write`, if any.
    pub fn for_write(&self, write: WriteId) -> Option<&Escalation> {
        self.items.iter().find(|e| e.write == write)
    }

    /// Parks a new conflict and returns its number.
    pub(crate) fn raise(&mut self, mut escalation: Escalation) -> u32 {
        escalation.id = self.items.len() as u32 + 1;
        self.items.push(escalation);
        self.items.len() as u32
    }

    /// The escalation numbered `id`.
    pub fn get(&self, id: u32) -> Option<&Escalation> {
        self.items.get((id as usize).wrapping_sub(1))
    }

    /// Records the decision on `id`.
    pub(crate) fn decide(&mut self, id: u32, decision: Decision, now: Millis) {
        if let Some(e) = self.items.get_mut((id as usize).wrapping_sub(1)) {
            e.decision = Some((decision, now));
        }
    }

    /// Every escalation, decided or not.
    pub fn all(&self) -> &[Escalation] {
        &self.items
    }

    /// The escalations still waiting.
    pub fn pending(&self) -> impl Iterator<Item = &Escalation> {
        self.items.iter().filter(|e| e.decision.is_none())
    }
}
