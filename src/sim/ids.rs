//! Small identifiers shared by every part of the engine.

use serde::{Deserialize, Serialize};

/// Virtual time in milliseconds since the start of a run.
pub type Millis = u64;

/// A system taking part in a run: `SystemId::SOURCE` is the source of truth,
/// replicas are numbered from 1 in the order the scenario lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SystemId(pub u16);

impl SystemId {
    /// The source of truth.
    pub const SOURCE: SystemId = SystemId(0);

    /// The replica at `index` in the scenario's list of replicas.
    pub fn replica(index: usize) -> SystemId {
        SystemId(index as u16 + 1)
    }

    /// The index of this replica in the scenario's list, or `None` for the source.
    pub fn replica_index(self) -> Option<usize> {
        (self.0 as usize).checked_sub(1)
    }
}

/// A record, numbered by its position in the scenario's list of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordId(pub u32);

/// A published event, numbered from 1 in publishing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventId(pub u64);

/// An acknowledged write (a command, a local write or an escalation decision), numbered
/// from 1 in the order they happened; 0 is a record's initial content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WriteId(pub u64);

impl WriteId {
    /// The content every system starts with.
    pub const INITIAL: WriteId = WriteId(0);
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "evt-{}", self.0)
    }
}

impl std::fmt::Display for WriteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "w{}", self.0)
    }
}
