//! The same tests natively (`cargo test`) and in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown`).

use std::sync::Arc;

use reconcile_tests::LargerTotal;
use syncscope::sim::invariants::{Invariant, Verdict};
use syncscope::sim::{Scenario, Simulation};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The invoicing service raises invoice-3's total to 120 at 100 ms; at 110 ms billing,
/// before it has heard, sets the total to 90 and the due date to the 30th.
fn race() -> Scenario {
    Scenario::builder("invoice-race")
        .source("invoicing")
        .replica("billing")
        .replica("ledger")
        .record("invoice-3", [("due", "2026-12-01"), ("total", "100")])
        .write(100, "invoice-3", [("total", "120")])
        .local_write(
            110,
            "billing",
            "invoice-3",
            [("due", "2026-12-30"), ("total", "90")],
        )
        .build()
        .expect("a valid scenario")
}

fn run() -> Simulation {
    let mut sim = Simulation::with_resolver(&race(), 1, Arc::new(LargerTotal)).unwrap();
    sim.run_to_end();
    sim
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_larger_total_wins_and_billings_due_date_is_kept() {
    let sim = run();
    // Worked out by hand: billing merges the 120 into its copy at 130 ms (keeping its due
    // date), the source merges billing's write at 140 ms, and everyone ends with both.
    for system in ["invoicing", "billing", "ledger"] {
        let copy = sim.record_of(system, "invoice-3").unwrap();
        assert_eq!(copy.fields["total"], "120", "{system}");
        assert_eq!(copy.fields["due"], "2026-12-30", "{system}");
    }
    assert_eq!(sim.metrics().merges, 2);
    assert_eq!(sim.verdict(Invariant::Converges), Verdict::Holds);
    assert_eq!(
        sim.verdict(Invariant::NoLostAcknowledgedWrite),
        Verdict::Holds
    );
    assert_eq!(sim.report().strategy, "larger-total");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_rule_is_deterministic() {
    assert_eq!(run().trace().hash(), run().trace().hash());
}
