//! Stale reads (`sim::staleness`): consistency windows and the PBS curve, on runs worked
//! out by hand.
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::staleness::{OFFSETS_MS, Staleness, curve, staleness};
use syncscope::sim::{Simulation, Strategy, library};

fn email_conflict(strategy: Strategy) -> Staleness {
    let scenario = library::built_in("email-conflict").unwrap();
    let mut sim = Simulation::new(&scenario, 1, strategy).unwrap();
    sim.run_to_end();
    staleness(&sim)
}

/// How many of the pairs are fresh at each offset up to 100 ms (0, 1, 2, 5, 10, 20, 50,
/// 100).
fn first_eight(s: &Staleness) -> Vec<u64> {
    assert_eq!(OFFSETS_MS[7], 100);
    s.fresh[..8].to_vec()
}

// email-conflict, by hand (tests/engine.rs has the traces): every link takes 30 ms; the
// CRM commits version 2 at 100 ms.

#[test]
fn version_comparison_shows_the_crm_write_everywhere_after_30_ms() {
    // Both replicas apply version 2 at 130 ms (billing after reporting the conflict).
    let s = email_conflict(Strategy::VersionComparison);
    assert_eq!(s.pairs, 2);
    assert_eq!(first_eight(&s), [0, 0, 0, 0, 0, 0, 2, 2]);
    assert_eq!((s.longest_window_ms, s.never_consistent), (Some(30), 0));
}

#[test]
fn last_write_wins_keeps_billing_stale_until_its_own_write_returns() {
    // Version 2 (100 ms): the warehouse applies it at 130; billing rejects it and holds
    // nothing newer until version 3 (billing's write, committed at 140) comes at 170: a
    // 70 ms window. Version 3: both apply it at 170, 30 ms after.
    let s = email_conflict(Strategy::LastWriteWins);
    assert_eq!(s.pairs, 4);
    // At 50 ms: the warehouse for version 2, both replicas for version 3. At 100: all.
    assert_eq!(first_eight(&s), [0, 0, 0, 0, 0, 0, 3, 4]);
    assert_eq!((s.longest_window_ms, s.never_consistent), (Some(70), 0));
}

#[test]
fn escalation_leaves_billing_stale_until_a_person_decides() {
    // Billing keeps its own value while the conflict waits: version 2 never reaches it.
    let s = email_conflict(Strategy::HumanEscalation);
    assert_eq!(s.pairs, 2);
    assert_eq!(first_eight(&s), [0, 0, 0, 0, 0, 0, 1, 1]);
    assert_eq!((s.longest_window_ms, s.never_consistent), (None, 1));
}

#[test]
fn apply_on_arrival_is_quick_and_wrong() {
    // Both replicas apply version 2 at 130 and version 3 at 170: never stale for long,
    // though the CRM's write was lost at the source.
    let s = email_conflict(Strategy::ApplyOnArrival);
    assert_eq!(s.pairs, 4);
    assert_eq!(first_eight(&s), [0, 0, 0, 0, 0, 0, 4, 4]);
    assert_eq!((s.longest_window_ms, s.never_consistent), (Some(30), 0));
}

#[test]
fn the_curve_adds_runs_up_pair_by_pair() {
    let (a, b) = (
        email_conflict(Strategy::VersionComparison),
        email_conflict(Strategy::HumanEscalation),
    );
    let c = curve([&a, &b]);
    assert_eq!(c.len(), OFFSETS_MS.len());
    assert_eq!(c[5], 0.0);
    assert_eq!(c[6], 0.75); // 3 fresh of 4 pairs at 50 ms
    assert!(curve([]).is_empty());
}

/// One replica; the first write takes 100 ms to arrive, the second (at 20 ms, after the
/// link got faster and may reorder) 10 ms: it overtakes the first.
fn overtaken(strategy: Strategy) -> Staleness {
    let scenario = syncscope::sim::Scenario::from_json(
        r#"{"name": "overtaken", "title": "Overtaken", "source": "crm",
            "replicas": [{"name": "billing", "link": {"delay": {"kind": "fixed", "ms": 100}}}],
            "records": [{"id": "c", "fields": {"email": "a"}}],
            "script": [
              {"at": 0, "do": "write", "record": "c", "set": {"email": "b"}},
              {"at": 5, "do": "set_link", "system": "billing", "delay": {"kind": "fixed", "ms": 10},
               "duplicate_probability": 0, "drop_probability": 0, "reorder": true},
              {"at": 20, "do": "write", "record": "c", "set": {"email": "c"}}
            ]}"#,
    )
    .unwrap();
    let mut sim = Simulation::new(&scenario, 1, strategy).unwrap();
    sim.run_to_end();
    staleness(&sim)
}

#[test]
fn a_copy_that_goes_back_to_an_older_version_is_stale_for_good() {
    // Version 3 arrives at 30 ms, version 2 at 100 ms. Version comparison rejects version
    // 2 as older: version 2 is held (through 3) from 30 ms, version 3 from 30 ms.
    let v = overtaken(Strategy::VersionComparison);
    assert_eq!((v.longest_window_ms, v.never_consistent), (Some(30), 0));
    // Apply on arrival goes back to version 2 at 100 ms and stays there: version 3 was
    // fresh at billing from 30 to 100 ms only.
    let a = overtaken(Strategy::ApplyOnArrival);
    assert_eq!((a.longest_window_ms, a.never_consistent), (Some(30), 1));
    // Reads 50 ms after each commit (at 50 and 70 ms) see version 3; after 100 ms (at 100
    // and 120 ms) only version 2's read is fresh.
    assert_eq!(a.fresh[6], 2);
    assert_eq!(a.fresh[7], 1);
}
