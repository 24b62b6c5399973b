//! The examples in docs/scenario-format.md are real: every JSON block parses (the complete
//! example as a scenario, the lifecycle as a lifecycle) and the complete example runs.
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::lifecycle::Lifecycle;
use syncscope::sim::{Scenario, Simulation, Strategy};

fn json_blocks() -> Vec<String> {
    let doc = include_str!("../docs/scenario-format.md");
    doc.split("```json\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn the_lifecycle_example_is_a_valid_machine() {
    let machine: Lifecycle = serde_json::from_str(&json_blocks()[0]).unwrap();
    assert!(machine.problems().is_empty());
    assert_eq!(machine.fire("Draft", "pay").unwrap(), "Unshipped");
    assert_eq!(machine.fire("Shipped", "close").unwrap(), "Closed");
}

#[test]
fn the_complete_example_parses_and_runs_under_every_strategy() {
    let blocks = json_blocks();
    assert_eq!(blocks.len(), 2);
    let scenario = Scenario::from_json(&blocks[1]).unwrap_or_else(|e| panic!("{e}"));
    for strategy in Strategy::ALL {
        let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
        sim.run_to_end();
        let m = sim.metrics();
        assert!(
            m.dead_lettered > 0 && m.replayed == m.dead_lettered,
            "{strategy}: {m:?}"
        );
        assert_eq!(m.compensations, 2, "{strategy}");
        assert_eq!(m.crashes, 1);
        // The format round-trips: written back out and read again, it is the same scenario.
        assert_eq!(Scenario::from_json(&scenario.to_json()).unwrap(), scenario);
    }
}
