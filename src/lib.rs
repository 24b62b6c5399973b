//! SyncScope: a reconciliation explorer. `sim` is the engine (pure Rust, tested natively);
//! `ui` is the Leptos explorer built on top of it.
//!
//! # Use SyncScope in your tests
//!
//! Depend on the engine alone (no web crate is built):
//!
//! ```toml
//! [dev-dependencies]
//! syncscope = { path = "../syncscope", default-features = false }
//! ```
//!
//! A run is deterministic: the same scenario, seed and strategy give the same trace, byte
//! for byte, natively and in WebAssembly (`Trace::hash`). `examples/reconcile-tests` is a
//! crate that uses SyncScope this way, natively and under `wasm-bindgen-test`.
//!
//! ## Run a built-in scenario
//!
//! ```
//! use syncscope::sim::{Simulation, Strategy, library};
//!
//! let scenario = library::by_name("email-conflict").expect("a built-in");
//! let mut sim = Simulation::new(&scenario, 1, Strategy::VersionComparison).unwrap();
//! sim.run_to_end();
//! let m = sim.metrics();
//! assert_eq!((m.lost_updates, m.conflicts, m.converged), (0, 1, true));
//! // Records are reached by system and record name; a typo lists the names there are.
//! let billing = sim.record_of("billing", "customer-1").unwrap();
//! assert_eq!(billing.fields["email"], "ada@crm.example");
//! assert!(sim.record_of("biling", "customer-1").unwrap_err().to_string().contains("billing"));
//! ```
//!
//! ## Build a scenario in code, assert on invariants
//!
//! ```
//! use syncscope::sim::invariants::{Invariant, Verdict};
//! use syncscope::sim::{Scenario, Simulation, Strategy};
//!
//! let scenario = Scenario::builder("two-writers")
//!     .source("crm")
//!     .replica("billing") // a 30 ms link without faults, unless given one
//!     .record("customer-1", [("email", "ada@old.example")])
//!     .write(100, "customer-1", [("email", "ada@crm.example")])
//!     .local_write(110, "billing", "customer-1", [("email", "ada@billing.example")])
//!     .build()
//!     .unwrap();
//! let mut lww = Simulation::new(&scenario, 1, Strategy::LastWriteWins).unwrap();
//! lww.run_to_end();
//! // Billing's later write wins, and the CRM's is lost without a word.
//! assert_eq!(lww.verdict(Invariant::NoLostAcknowledgedWrite), Verdict::Violated);
//! assert_eq!(lww.verdict(Invariant::Converges), Verdict::Holds);
//! let report = lww.report();
//! assert_eq!(report.verdict(Invariant::Converges), Some(&Verdict::Holds));
//! ```
//!
//! ## Plug in a rule of your own
//!
//! A `Resolver` decides each change that meets a record, at a replica and at the source of
//! truth. It sees the record held, the incoming change and their common ancestor, and
//! can apply, reject, report a conflict, escalate, or write a merged value. It must be a
//! pure function of what it is given.
//!
//! ```
//! use std::sync::Arc;
//! use syncscope::sim::resolver::{Case, Resolver, Ruling};
//! use syncscope::sim::{Scenario, Simulation};
//!
//! /// Tags are a set: both sides' tags are kept.
//! #[derive(Debug)]
//! struct UnionOfTags;
//!
//! impl Resolver for UnionOfTags {
//!     fn name(&self) -> &str {
//!         "union-of-tags"
//!     }
//!
//!     fn decide(&self, case: &Case) -> Ruling {
//!         if case.ancestor_version >= case.held.version {
//!             return Ruling::Apply; // nothing here the incoming change has not seen
//!         }
//!         let tags = |fields: &syncscope::sim::record::Values| -> Vec<String> {
//!             let list = fields.get("tags").map(String::as_str).unwrap_or("");
//!             list.split(',').filter(|t| !t.is_empty()).map(String::from).collect()
//!         };
//!         let mut all = tags(&case.held.fields);
//!         all.extend(tags(&case.incoming.fields));
//!         all.sort();
//!         all.dedup();
//!         let mut merged = (*case.incoming.fields).clone();
//!         merged.insert("tags".into(), all.join(","));
//!         Ruling::Merge(merged)
//!     }
//! }
//!
//! let scenario = Scenario::builder("tags")
//!     .replica("billing")
//!     .record("customer-1", [("tags", "")])
//!     .write(100, "customer-1", [("tags", "vip")])
//!     .local_write(110, "billing", "customer-1", [("tags", "late-payer")])
//!     .build()
//!     .unwrap();
//! let mut sim = Simulation::with_resolver(&scenario, 1, Arc::new(UnionOfTags)).unwrap();
//! sim.run_to_end();
//! for system in ["source", "billing"] {
//!     let copy = sim.record_of(system, "customer-1").unwrap();
//!     assert_eq!(copy.fields["tags"], "late-payer,vip", "{system}");
//! }
//! assert!(sim.metrics().converged);
//! ```

// The picture's geometry is the page's alone; its own tests run natively with the engine's
// (`cargo test --no-default-features` compiles it for them).
#[cfg(any(feature = "web", test))]
pub mod layout;
pub mod one_file;
pub mod sim;

#[cfg(feature = "web")]
pub mod ui;
