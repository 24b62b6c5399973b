//! The simulation engine: a deterministic discrete-event model of a source of truth,
//! an event bus and downstream replicas. Pure Rust — nothing here may depend on a web crate.

// Generated from public/scenarios/*.json by tests/built_in_code.rs; kept as written.
#[rustfmt::skip]
mod built_in;
pub(crate) mod bus;
pub mod cloudevent;
pub mod command;
pub mod compare;
pub(crate) mod decimal;
pub mod determinism;
pub mod escalation;
pub mod explain;
pub mod export;
pub mod ids;
pub mod invariants;
pub mod library;
pub mod lifecycle;
pub mod link;
pub mod load;
pub mod metrics;
pub(crate) mod ordered;
pub mod record;
pub(crate) mod replica;
pub mod resolver;
pub mod rng;
pub mod scenario;
pub mod scenario_json;
pub(crate) mod series;
pub(crate) mod shared_log;
pub mod simulation;
pub(crate) mod source;
pub mod staleness;
pub mod sweep;
pub mod timeline;
pub mod trace;

pub use command::{Command, CommandError};
pub use escalation::Decision;
pub use ids::{EventId, Millis, RecordId, SystemId, WriteId};
pub use resolver::Strategy;
pub use scenario::Scenario;
pub use simulation::{Report, Simulation};
