//! Where the bytes of a recorded run go, natively: a counting allocator measures the live
//! and peak heap of the wasm memory benchmark's run (8 replicas, 200 records, 12,000
//! commands, about 100,000 deliveries, trace and snapshots on), part by part.
//!
//! Run with `cargo bench --no-default-features --bench memory` (or `scripts/bench`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use syncscope::sim::load::load_scenario;
use syncscope::sim::timeline::Timeline;
use syncscope::sim::{Simulation, Strategy};

/// The system allocator, counting the bytes live and the most ever live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                + (new_size - layout.size());
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

fn main() {
    let base = LIVE.load(Ordering::Relaxed);
    let scenario = std::sync::Arc::new(load_scenario(8, 200, 12_000));
    let with_scenario = LIVE.load(Ordering::Relaxed);
    // As the page does: the run shares the scenario instead of copying it.
    let sim = Simulation::from_shared(scenario, 1, Strategy::VersionComparison).expect("valid");
    let with_sim = LIVE.load(Ordering::Relaxed);
    PEAK.store(with_sim, Ordering::Relaxed);
    let timeline = Timeline::record(sim);
    let live = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    let trace = timeline.full().trace().len();
    println!(
        "native memory: scenario {}, a fresh run {}, recorded ({} deliveries, {} steps, {trace} trace entries, {} snapshots) {} live, peak {} (run and snapshots, not counting the scenario)",
        mb(with_scenario - base),
        mb(with_sim - with_scenario),
        timeline.full().metrics().delivered,
        timeline.len(),
        timeline.snapshot_count(),
        mb(live - with_sim),
        mb(peak - with_sim),
    );
}
