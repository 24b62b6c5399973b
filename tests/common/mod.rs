//! Helpers shared by the native and the browser test crates.
#![allow(dead_code)]

use syncscope::sim::{Simulation, Strategy, library};

/// Trace hashes of every built-in scenario (with its own seed) under every strategy.
/// Both the native tests and the browser tests compare against this table, so a
/// difference between the two platforms fails one of them. The `email-conflict` traces
/// behind these hashes are also asserted step by step in `tests/engine.rs`; regenerate the
/// table with `cargo test --test engine print_golden_hashes -- --ignored --nocapture`
/// only after a deliberate change to the engine. Apply on arrival was added later: where a
/// scenario has no concurrent writer, no reordering and no late duplicate, its hash equals
/// last-write-wins' (checked when it was added); `email-conflict` and `lww-skew` under it
/// were derived by hand (`tests/engine.rs`, the scenario's description). The traces of
/// `split-brain`, `overtaken` and `late-duplicate` were read step by step against their
/// descriptions when they were added.
pub const GOLDEN: &[(&str, &str, &str)] = &[
    ("baseline", "arrival", "a2eb67fbf2fc59a2"),
    ("baseline", "lww", "a2eb67fbf2fc59a2"),
    ("baseline", "version", "a2eb67fbf2fc59a2"),
    ("baseline", "escalate", "a2eb67fbf2fc59a2"),
    ("baseline", "merge", "a2eb67fbf2fc59a2"),
    ("storm", "arrival", "5dd06432010a4eeb"),
    ("storm", "lww", "a81ac6f03f79504b"),
    ("storm", "version", "8abafced077eff04"),
    ("storm", "escalate", "8abafced077eff04"),
    ("storm", "merge", "8abafced077eff04"),
    ("email-conflict", "arrival", "4b7fc313d79bc203"),
    ("email-conflict", "lww", "c64c342661b55e3d"),
    ("email-conflict", "version", "b448a07658999a79"),
    ("email-conflict", "escalate", "16d76ede35c722e3"),
    ("email-conflict", "merge", "16d76ede35c722e3"),
    ("partition", "arrival", "075d4cb38592a76d"),
    ("partition", "lww", "075d4cb38592a76d"),
    ("partition", "version", "075d4cb38592a76d"),
    ("partition", "escalate", "075d4cb38592a76d"),
    ("partition", "merge", "075d4cb38592a76d"),
    ("order-lifecycle", "arrival", "08c8f9e213970617"),
    ("order-lifecycle", "lww", "9fd63682bc4c3415"),
    ("order-lifecycle", "version", "53d9c4530596ac7c"),
    ("order-lifecycle", "escalate", "53d9c4530596ac7c"),
    ("order-lifecycle", "merge", "53d9c4530596ac7c"),
    ("saga", "arrival", "669df251b5868eb9"),
    ("saga", "lww", "669df251b5868eb9"),
    ("saga", "version", "669df251b5868eb9"),
    ("saga", "escalate", "669df251b5868eb9"),
    ("saga", "merge", "669df251b5868eb9"),
    ("payment-webhook", "arrival", "f6cff9483f5a53bd"),
    ("payment-webhook", "lww", "f6cff9483f5a53bd"),
    ("payment-webhook", "version", "f6cff9483f5a53bd"),
    ("payment-webhook", "escalate", "f6cff9483f5a53bd"),
    ("payment-webhook", "merge", "f6cff9483f5a53bd"),
    ("lww-skew", "arrival", "ebf25f2b0c1e3885"),
    ("lww-skew", "lww", "fe06f0397ed1ca5d"),
    ("lww-skew", "version", "ebf25f2b0c1e3885"),
    ("lww-skew", "escalate", "ebf25f2b0c1e3885"),
    ("lww-skew", "merge", "ebf25f2b0c1e3885"),
    ("poison-dlq", "arrival", "e9ff9f0e5fe0c001"),
    ("poison-dlq", "lww", "e9ff9f0e5fe0c001"),
    ("poison-dlq", "version", "e9ff9f0e5fe0c001"),
    ("poison-dlq", "escalate", "e9ff9f0e5fe0c001"),
    ("poison-dlq", "merge", "e9ff9f0e5fe0c001"),
    ("consumer-crash", "arrival", "38bed324b6586284"),
    ("consumer-crash", "lww", "38bed324b6586284"),
    ("consumer-crash", "version", "38bed324b6586284"),
    ("consumer-crash", "escalate", "38bed324b6586284"),
    ("consumer-crash", "merge", "38bed324b6586284"),
    ("split-brain", "arrival", "9ee1ec7cef371637"),
    ("split-brain", "lww", "3b630292a57bb2b6"),
    ("split-brain", "version", "7e67b82da934ff53"),
    ("split-brain", "escalate", "6b19e13f309aa118"),
    ("split-brain", "merge", "6b19e13f309aa118"),
    ("overtaken", "arrival", "41579dbc6e56e2a1"),
    ("overtaken", "lww", "2c605d75c978b6d8"),
    ("overtaken", "version", "d21de582483007eb"),
    ("overtaken", "escalate", "10591a0cb277b469"),
    ("overtaken", "merge", "6e495066873a9aa6"),
    ("late-duplicate", "arrival", "4d2e4542c64f7ef8"),
    ("late-duplicate", "lww", "41573840c844494e"),
    ("late-duplicate", "version", "d5e8115275224bc3"),
    ("late-duplicate", "escalate", "d5e8115275224bc3"),
    ("late-duplicate", "merge", "d5e8115275224bc3"),
    ("field-merge", "arrival", "99949d08c876ccdb"),
    ("field-merge", "lww", "6978398487dd06f7"),
    ("field-merge", "version", "e57b70da3b13dca5"),
    ("field-merge", "escalate", "dd109b5423a03627"),
    ("field-merge", "merge", "10c10ea10845a6ab"),
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

/// What a sweep of `email-conflict` over seeds 1..=20 must show, checked by hand against
/// the scenario (docs and `tests/engine.rs`): apply on arrival and last write wins lose
/// the CRM's update in every run, version comparison detects the conflict in every run and loses nothing,
/// escalation sends it to a person in every run, and so does field-level merge (both sides
/// changed the email). Lists every fact that does not hold.
pub fn sweep_problems(threads: usize) -> Vec<String> {
    use syncscope::sim::sweep;
    let scenario = library::built_in("email-conflict").expect("a built-in");
    let outcomes = sweep::sweep(&scenario, &Strategy::ALL, 1..=20, threads).expect("valid");
    let summaries = sweep::summarize(&outcomes);
    let by = |s: Strategy| summaries.iter().find(|x| x.strategy == s);
    let mut problems = Vec::new();
    let mut expect = |what: &str, ok: bool| {
        if !ok {
            problems.push(what.to_string());
        }
    };
    expect("100 outcomes", outcomes.len() == 100);
    expect("a summary per strategy", summaries.len() == 5);
    expect(
        "apply on arrival loses an update in all 20 runs",
        by(Strategy::ApplyOnArrival).is_some_and(|s| s.with_lost_updates == 20),
    );
    expect(
        "lww loses an update in all 20 runs",
        by(Strategy::LastWriteWins).is_some_and(|s| s.with_lost_updates == 20),
    );
    expect(
        "version comparison detects the conflict in all 20 runs and loses nothing",
        by(Strategy::VersionComparison)
            .is_some_and(|s| s.with_conflicts == 20 && s.with_lost_updates == 0),
    );
    expect(
        "escalation sends the conflict to a person in all 20 runs",
        by(Strategy::HumanEscalation).is_some_and(|s| s.with_escalations == 20),
    );
    expect(
        "field-level merge sends the clash on the email to a person in all 20 runs",
        by(Strategy::FieldMerge).is_some_and(|s| s.with_escalations == 20),
    );
    for s in &summaries {
        expect(
            "every converged run is in the histogram",
            s.convergence.counts.iter().sum::<u64>() == s.runs - s.not_converged,
        );
    }
    problems
}

/// The FNV-1a hash of `storm`'s sweep over seeds 1..=30 under the first four strategies
/// (field-level merge, added later, runs as version comparison there: `tests/sweep.rs`), as CSV
/// (`sweep::csv`), written as 16 hexadecimal digits. Natively and in the browser the
/// sweep must give the same; the facts behind such sweeps are checked by hand in
/// `sweep_problems` and `tests/sweep.rs`, and every run in it is a run of the golden table's
/// engine with another seed.
pub const STORM_SWEEP_HASH: &str = "6a2ae5d811455c8e";

/// `storm`'s sweep over seeds 1..=30, as `STORM_SWEEP_HASH` hashes it.
pub fn storm_sweep_hash(threads: usize) -> String {
    use syncscope::sim::sweep;
    let scenario = library::built_in("storm").expect("a built-in");
    let outcomes = sweep::sweep(&scenario, &Strategy::ALL[..4], 1..=30, threads).expect("valid");
    let hash = sweep::csv(&outcomes)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{hash:016x}")
}

/// (time, actor name, step name) of every step.
pub fn outline(sim: &Simulation) -> Vec<(u64, String, &'static str)> {
    sim.trace()
        .iter()
        .map(|s| {
            (
                s.time,
                sim.scenario().system_name(s.actor).to_string(),
                s.kind.name(),
            )
        })
        .collect()
}

/// `rows` of (time, actor name, step name), in `outline`'s form.
pub fn expect(rows: &[(u64, &str, &str)]) -> Vec<(u64, String, &'static str)> {
    rows.iter()
        .map(|&(t, a, k)| {
            (
                t,
                a.to_string(),
                Box::leak(k.to_string().into_boxed_str()) as &'static str,
            )
        })
        .collect()
}
