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
    // Shared, as natively and in the page: the 100,000-step script is not copied per run.
    let scenario = std::sync::Arc::new(load_scenario(8, 200, 100_000));
    let mut best = f64::MAX;
    let mut delivered = 0;
    for _ in 0..5 {
        let start = performance.now();
        let mut sim = Simulation::from_shared(
            std::sync::Arc::clone(&scenario),
            1,
            Strategy::VersionComparison,
        )
        .expect("valid");
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

/// Memory of a 100,000-delivery run recorded with its trace and snapshots: the size the
/// wasm linear memory grew to (it never shrinks, so this is the peak).
#[wasm_bindgen_test]
fn wasm_timeline_memory() {
    use syncscope::sim::timeline::Timeline;
    let before = memory_bytes();
    let scenario = std::sync::Arc::new(load_scenario(8, 200, 12_000));
    // As the page does: the run shares the scenario instead of copying it.
    let timeline = Timeline::record(
        Simulation::from_shared(scenario, 1, Strategy::VersionComparison).expect("valid"),
    );
    let delivered = timeline.full().metrics().delivered;
    assert!(delivered >= 100_000, "{delivered}");
    let after = memory_bytes();
    console_log!(
        "wasm: a {delivered}-delivery run ({} steps, {} trace entries) with trace and snapshots: wasm memory {:.1} MB (was {:.1} MB before)",
        timeline.len(),
        timeline.full().trace().len(),
        after as f64 / 1048576.0,
        before as f64 / 1048576.0
    );
}

/// The size the wasm linear memory has grown to (it never shrinks: the peak so far).
fn memory_bytes() -> u32 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()
}

/// A 1,000,000-step run recorded in chunks of 1,000 steps, as the page records: its longest
/// chunk, the wasm memory it took, and rebuilding 100 random steps of it.
#[wasm_bindgen_test]
fn wasm_long_run() {
    use syncscope::sim::rng::SimRng;
    use syncscope::sim::timeline::Timeline;
    let performance = web_sys::window().unwrap().performance().unwrap();
    let scenario = std::sync::Arc::new(load_scenario(8, 200, 102_000));
    let mut timeline = Timeline::new(
        Simulation::from_shared(scenario, 1, Strategy::VersionComparison).expect("valid"),
    );
    let (start, mut longest) = (performance.now(), 0f64);
    loop {
        let chunk = performance.now();
        let more = timeline.advance(1000);
        longest = longest.max(performance.now() - chunk);
        if !more {
            break;
        }
    }
    let recorded = performance.now() - start;
    let mut rng = SimRng::new(3);
    let (mut worst, mut total) = (0f64, 0f64);
    for _ in 0..100 {
        let task = rng.between(0, timeline.len());
        let start = performance.now();
        let sim = timeline.at(task);
        let took = performance.now() - start;
        assert_eq!(sim.tasks_done(), task);
        worst = worst.max(took);
        total += took;
    }
    console_log!(
        "wasm: a {}-step run ({} trace entries) recorded in chunks of 1,000 steps in {recorded:.0} ms, longest chunk {longest:.1} ms; 100 random jumps: mean {:.2} ms, worst {worst:.2} ms; wasm memory now {:.1} MB",
        timeline.len(),
        timeline.full().trace().len(),
        total / 100.0,
        f64::from(memory_bytes()) / 1048576.0
    );
}
