//! Every built-in scenario under every strategy, run in the browser: its trace hash must
//! equal the golden hash that the native tests also check.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn browser_traces_match_the_native_golden_hashes() {
    let problems = common::golden_mismatches();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[wasm_bindgen_test]
fn browser_runs_are_deterministic() {
    use syncscope::sim::determinism::check_determinism;
    for scenario in syncscope::sim::library::all() {
        for strategy in syncscope::sim::Strategy::ALL {
            if let Err(message) = check_determinism(&scenario, 12345, strategy) {
                panic!("{message}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn a_sweep_in_the_browser_shows_what_it_shows_natively() {
    let problems = common::sweep_problems(4);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[wasm_bindgen_test]
fn a_sweep_in_the_browser_gives_what_it_gives_natively() {
    assert_eq!(common::storm_sweep_hash(1), common::STORM_SWEEP_HASH);
}
