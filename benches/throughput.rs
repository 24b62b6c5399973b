//! Engine throughput, native, single thread, trace on: deliveries per second on a generated
//! load (8 replicas, 200 records, 100,000 commands, every fault knob on a little).
//! Run with `cargo bench --no-default-features --bench throughput`.

use std::time::Instant;

use syncscope::sim::load::load_scenario;
use syncscope::sim::{Simulation, Strategy};

fn main() {
    let scenario = load_scenario(8, 200, 100_000);
    let mut best = f64::MAX;
    let mut delivered = 0;
    let mut steps = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let mut sim = Simulation::new(&scenario, 1, Strategy::VersionComparison).expect("valid");
        sim.run_to_end();
        best = best.min(start.elapsed().as_secs_f64());
        delivered = sim.metrics().delivered;
        steps = sim.trace().steps().len();
    }
    println!(
        "native: {delivered} deliveries, {steps} trace steps in {:.1} ms (best of 5): {:.0} deliveries/s",
        best * 1e3,
        delivered as f64 / best
    );
}
