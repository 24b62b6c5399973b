//! The native throughput benchmark's run, compiled to wasm and timed in headless Chromium.
//! Not part of the test suite: `scripts/bench` runs it with `--nocapture` and prints both.
#![cfg(target_arch = "wasm32")]

use syncscope::sim::load::load_scenario;
use syncscope::sim::{Simulation, Strategy};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_throughput() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let scenario = load_scenario(8, 200, 100_000);
    let mut best = f64::MAX;
    let mut delivered = 0;
    for _ in 0..5 {
        let start = performance.now();
        let mut sim = Simulation::new(&scenario, 1, Strategy::VersionComparison).expect("valid");
        sim.run_to_end();
        best = best.min(performance.now() - start);
        delivered = sim.metrics().delivered;
    }
    assert!(delivered > 0);
    console_log!(
        "wasm: {delivered} deliveries in {best:.1} ms (best of 5): {:.0} deliveries/s",
        delivered as f64 / (best / 1e3)
    );
}
