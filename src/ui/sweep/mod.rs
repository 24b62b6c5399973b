//! The scenario over many seeds in the page: every strategy over N seeds, run by Web
//! Workers that carry the same engine (`src/bin/sweep_worker.rs`), with progress, a cancel
//! button, what the runs add up to, histograms and the stale-read curve, and a way to open
//! any run in the normal view. The panel's button comes with the panels' wasm; the rest is a
//! wasm of its own (`split`), fetched the first time a person sweeps.

mod pool;
mod results;
mod split;
mod view;

pub use split::SweepSlot;
