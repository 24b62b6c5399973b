//! Helpers shared by the native and the browser test crates.
#![allow(dead_code)]

use syncscope::sim::{Simulation, Strategy, library};

/// Trace hashes of every built-in scenario (with its own seed) under every strategy.
/// Both the native tests and the browser tests compare against this table, so a
/// difference between the two platforms fails one of them. The `email-conflict` traces
/// behind these hashes are also asserted step by step in `tests/engine.rs`; regenerate the
/// table with `cargo test --test engine print_golden_hashes -- --ignored --nocapture`
/// only after a deliberate change to the engine.
pub const GOLDEN: &[(&str, &str, &str)] = &[
    ("baseline", "lww", "9250149ce9858877"),
    ("baseline", "version", "9250149ce9858877"),
    ("baseline", "escalate", "9250149ce9858877"),
    ("storm", "lww", "68f5307e06584843"),
    ("storm", "version", "8d797cbc455cfc83"),
    ("storm", "escalate", "8d797cbc455cfc83"),
    ("email-conflict", "lww", "700752dfcfdb7190"),
    ("email-conflict", "version", "bc358c639ea51905"),
    ("email-conflict", "escalate", "6a378693d866a4ae"),
    ("partition", "lww", "d5e7b59597e53afe"),
    ("partition", "version", "d5e7b59597e53afe"),
    ("partition", "escalate", "d5e7b59597e53afe"),
    ("order-lifecycle", "lww", "3cadba5ecf6dfafe"),
    ("order-lifecycle", "version", "2844903c20592520"),
    ("order-lifecycle", "escalate", "2844903c20592520"),
    ("saga", "lww", "f95c43e57b09c3f7"),
    ("saga", "version", "f95c43e57b09c3f7"),
    ("saga", "escalate", "f95c43e57b09c3f7"),
    ("payment-webhook", "lww", "44b7967f625c8bb1"),
    ("payment-webhook", "version", "44b7967f625c8bb1"),
    ("payment-webhook", "escalate", "44b7967f625c8bb1"),
    ("lww-skew", "lww", "cf2b39e3d89ae0b0"),
    ("lww-skew", "version", "413c4072867a1ca4"),
    ("lww-skew", "escalate", "413c4072867a1ca4"),
    ("poison-dlq", "lww", "e22f619c3ce8467b"),
    ("poison-dlq", "version", "e22f619c3ce8467b"),
    ("poison-dlq", "escalate", "e22f619c3ce8467b"),
    ("consumer-crash", "lww", "696f3f659061994e"),
    ("consumer-crash", "version", "696f3f659061994e"),
    ("consumer-crash", "escalate", "696f3f659061994e"),
];

/// Runs every built-in scenario under every strategy: (scenario, strategy, trace hash).
pub fn all_hashes() -> Vec<(String, Strategy, String)> {
    let mut out = Vec::new();
    for scenario in library::all() {
        for strategy in Strategy::ALL {
            let mut sim = Simulation::new(&scenario, scenario.seed, strategy)
                .expect("built-in scenarios are valid");
            sim.run_to_end();
            out.push((scenario.name.clone(), strategy, sim.trace().hash()));
        }
    }
    out
}

/// Compares `all_hashes()` with `GOLDEN`, listing every mismatch.
pub fn golden_mismatches() -> Vec<String> {
    let actual = all_hashes();
    let mut problems = Vec::new();
    for (name, strategy, hash) in &actual {
        match GOLDEN
            .iter()
            .find(|(n, s, _)| n == name && *s == strategy.as_str())
        {
            None => problems.push(format!("{name}/{strategy}: no golden hash (got {hash})")),
            Some((_, _, golden)) if golden != hash => {
                problems.push(format!("{name}/{strategy}: golden {golden}, got {hash}"))
            }
            Some(_) => {}
        }
    }
    if GOLDEN.len() != actual.len() {
        problems.push(format!(
            "{} golden hashes for {} runs",
            GOLDEN.len(),
            actual.len()
        ));
    }
    problems
}
