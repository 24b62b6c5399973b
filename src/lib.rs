//! SyncScope: a reconciliation explorer. `sim` is the engine (pure Rust, tested natively);
//! `ui` is the Leptos explorer built on top of it.

pub mod layout;
pub mod one_file;
pub mod sim;

#[cfg(feature = "web")]
pub mod ui;
