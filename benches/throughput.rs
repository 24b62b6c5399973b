//! Engine benchmarks, native, single thread, trace on:
//! - throughput: deliveries per second on a generated load (8 replicas, 200 records,
//!   100,000 commands, every fault and feature on);
//! - time travel: rebuilding random steps of a 100,000-step run from its snapshots;
//! - a 1,000,000-step run recorded in chunks of 1,000 steps (as the page records), its
//!   longest chunk, and rebuilding random steps of it.
//!
//! Run with `cargo bench --no-default-features --bench throughput` (or `scripts/bench`).

use std::time::Instant;

use syncscope::sim::load::load_scenario;
use syncscope::sim::rng::SimRng;
use syncscope::sim::timeline::Timeline;
use syncscope::sim::{Simulation, Strategy};

fn main() {
    // Shared, as the page shares its scenarios: a 100,000-step script is not copied per run.
    let scenario = std::sync::Arc::new(load_scenario(8, 200, 100_000));
    let (mut best, mut best_setup) = (f64::MAX, f64::MAX);
    let mut delivered = 0;
    let mut steps = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let mut sim = Simulation::from_shared(
            std::sync::Arc::clone(&scenario),
            1,
            Strategy::VersionComparison,
        )
        .expect("valid");
        best_setup = best_setup.min(start.elapsed().as_secs_f64());
        sim.run_to_end();
        best = best.min(start.elapsed().as_secs_f64());
        delivered = sim.metrics().delivered;
        steps = sim.trace().len();
    }
    println!(
        "native: {delivered} deliveries, {steps} trace entries in {:.1} ms (best of 5, of which {:.1} ms checking and preparing the scenario): {:.0} deliveries/s",
        best * 1e3,
        best_setup * 1e3,
        delivered as f64 / best
    );

    // About 100,000 tasks.
    let scenario = load_scenario(8, 200, 10_200);
    let start = Instant::now();
    let timeline = Timeline::record(
        Simulation::new(&scenario, 1, Strategy::VersionComparison).expect("valid"),
    );
    let recorded = start.elapsed().as_secs_f64();
    let mut rng = SimRng::new(3);
    let jumps = Jumps::over(&timeline, 200, &mut rng);
    println!(
        "native: time travel over a {}-step run (recorded with snapshots in {:.0} ms): 200 random jumps, mean {:.2} ms, worst {:.2} ms",
        timeline.len(),
        recorded * 1e3,
        jumps.mean * 1e3,
        jumps.worst * 1e3
    );

    let (chunk, jumps) = long_run(102_000, &mut rng);
    println!("native: {chunk}; {jumps}");
}

/// Records a run of the generated load with `commands` commands (about ten steps each) in
/// chunks of 1,000 steps, then jumps to 100 random steps. Returns what it measured, in
/// words: the recording with its longest chunk, and the jumps.
fn long_run(commands: usize, rng: &mut SimRng) -> (String, String) {
    let generating = Instant::now();
    let scenario = std::sync::Arc::new(load_scenario(8, 200, commands));
    let generated = generating.elapsed().as_secs_f64();
    let preparing = Instant::now();
    let sim = Simulation::from_checked(scenario, 1, Strategy::VersionComparison);
    let prepared = preparing.elapsed().as_secs_f64();
    let mut timeline = Timeline::new(sim);
    let (start, mut longest) = (Instant::now(), 0f64);
    loop {
        let chunk = Instant::now();
        let more = timeline.advance(1000);
        longest = longest.max(chunk.elapsed().as_secs_f64());
        if !more {
            break;
        }
    }
    let recorded = start.elapsed().as_secs_f64();
    let jumps = Jumps::over(&timeline, 100, rng);
    let end = Instant::now();
    std::hint::black_box(timeline.full().report());
    let end_report = end.elapsed().as_secs_f64();
    (
        format!(
            "a {}-step run ({} trace entries): its scenario generated in {:.1} ms and prepared (compiled, not checked, as the page does) in {:.1} ms, recorded in chunks of 1,000 steps in {:.0} ms, longest chunk {:.1} ms, {} snapshots",
            timeline.len(),
            timeline.full().trace().len(),
            generated * 1e3,
            prepared * 1e3,
            recorded * 1e3,
            longest * 1e3,
            timeline.snapshot_count()
        ),
        format!(
            "100 random jumps: mean {:.2} ms, worst {:.2} ms; the report of a step: worst {:.2} ms, of the last step (whole-history checks) {:.1} ms",
            jumps.mean * 1e3,
            jumps.worst * 1e3,
            jumps.worst_report * 1e3,
            end_report * 1e3
        ),
    )
}

/// Rebuilding random steps of a recorded run, in seconds.
struct Jumps {
    mean: f64,
    worst: f64,
    /// The longest report of a rebuilt step (the page shows each step with its report).
    worst_report: f64,
}

impl Jumps {
    /// Rebuilds `n` random steps of `timeline`.
    fn over(timeline: &Timeline, n: u32, rng: &mut SimRng) -> Jumps {
        let (mut worst, mut total, mut worst_report) = (0f64, 0f64, 0f64);
        for _ in 0..n {
            let task = rng.between(0, timeline.len());
            let start = Instant::now();
            let sim = timeline.at(task);
            let took = start.elapsed().as_secs_f64();
            assert_eq!(sim.tasks_done(), task);
            worst = worst.max(took);
            total += took;
            let start = Instant::now();
            std::hint::black_box(sim.report());
            worst_report = worst_report.max(start.elapsed().as_secs_f64());
        }
        Jumps {
            mean: total / f64::from(n),
            worst,
            worst_report,
        }
    }
}
