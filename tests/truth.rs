//! Native tests that what the engine tells a person is true at every step: invariant
//! verdicts (holds, violated, does not apply, not yet decided), explanations that name
//! their cause, and an invariant shown able to fail.
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::invariants::{Invariant, Verdict};
use syncscope::sim::trace::StepKind;
use syncscope::sim::{Scenario, Simulation, Strategy, library};

fn built_in(name: &str) -> Scenario {
    library::by_name(name).unwrap()
}

fn verdict(sim: &Simulation, name: Invariant) -> Verdict {
    sim.verdicts()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap()
}

#[test]
fn before_anything_is_delivered_the_end_of_run_checks_are_not_decided() {
    for scenario in library::all() {
        let sim = Simulation::new(&scenario, scenario.seed, scenario.strategy).unwrap();
        for name in [
            Invariant::Converges,
            Invariant::Finishes,
            Invariant::NoLostAcknowledgedWrite,
        ] {
            let v = verdict(&sim, name);
            assert!(
                matches!(v, Verdict::NotYetDecided(_)),
                "{}: {name} at step 0 is {v:?}",
                scenario.name
            );
        }
    }
}

#[test]
fn with_idempotency_off_exactly_once_apply_does_not_apply_and_points_at_the_badges() {
    let scenario = built_in("storm");
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison)
        .unwrap()
        .with_idempotency(false);
    let Verdict::DoesNotApply(before) = verdict(&sim, Invariant::ExactlyOnceApply) else {
        panic!("exactly_once_apply should not apply with idempotency off");
    };
    assert_eq!(
        before,
        "idempotency is off, so repeats are expected (none so far)"
    );
    sim.run_to_end();
    assert!(sim.metrics().duplicates_applied > 0);
    let Verdict::DoesNotApply(after) = verdict(&sim, Invariant::ExactlyOnceApply) else {
        panic!("exactly_once_apply should not apply with idempotency off");
    };
    assert!(after.ends_with("see the ×2 badges"), "{after}");
    // With idempotency on, the same run holds it.
    let mut on = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison).unwrap();
    on.run_to_end();
    assert_eq!(verdict(&on, Invariant::ExactlyOnceApply), Verdict::Holds);
}

#[test]
fn checks_without_anything_to_check_do_not_apply() {
    let mut sim = Simulation::new(&built_in("baseline"), 1, Strategy::VersionComparison).unwrap();
    sim.run_to_end();
    assert!(matches!(
        verdict(&sim, Invariant::ExactlyOnceEffects),
        Verdict::DoesNotApply(_)
    ));
    assert!(matches!(
        verdict(&sim, Invariant::ValidLifecycleTransitions),
        Verdict::DoesNotApply(_)
    ));
    assert_eq!(verdict(&sim, Invariant::Converges), Verdict::Holds);
    assert_eq!(verdict(&sim, Invariant::Finishes), Verdict::Holds);
}

#[test]
fn a_lost_write_is_a_violation_from_the_step_that_loses_it() {
    // Under last-write-wins the email-conflict run loses w1 at 140 ms, while events are
    // still on their way: the mark must say so then, not only once the bus is quiet.
    let scenario = built_in("email-conflict");
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::LastWriteWins).unwrap();
    while !sim
        .trace()
        .iter()
        .any(|s| matches!(s.kind, StepKind::LostUpdate { .. }))
    {
        assert!(sim.step(), "the run ended without losing a write");
    }
    assert!(!sim.is_quiet());
    assert_eq!(
        verdict(&sim, Invariant::NoLostAcknowledgedWrite),
        Verdict::Violated
    );
    assert!(matches!(
        verdict(&sim, Invariant::Converges),
        Verdict::NotYetDecided(_)
    ));
}

#[test]
fn a_write_lost_to_clock_skew_names_the_skew() {
    let scenario = built_in("lww-skew");
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::LastWriteWins).unwrap();
    sim.run_to_end();
    let lost = sim
        .violations()
        .into_iter()
        .find(|v| v.name == Invariant::NoLostAcknowledgedWrite)
        .unwrap();
    // billing's clock is set 500 ms slow; it writes at 1200 ms, so its stamp is 700 ms,
    // older than the CRM's 1000 ms.
    assert!(
        lost.message
            .contains("stamped 700 ms (billing's clock runs 500 ms behind)"),
        "{}",
        lost.message
    );
    assert!(
        lost.message.contains("crm's write w1, stamped 1000 ms"),
        "{}",
        lost.message
    );
}

/// The order-lifecycle scenario with one more step: at 300 ms, after the order is
/// authorised everywhere, a warehouse user sets its state back to `Submitted` by hand.
fn order_set_back() -> Scenario {
    let mut json: serde_json::Value =
        serde_json::from_str(&built_in("order-lifecycle").to_json()).unwrap();
    json["script"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "at": 300, "do": "local_write", "system": "warehouse", "record": "order-7",
            "set": { "state": "Submitted" }
        }));
    Scenario::from_json(&json.to_string()).unwrap()
}

#[test]
fn a_copy_moving_backwards_through_its_lifecycle_violates_valid_transitions() {
    // The source enforces the lifecycle for its own commands, but a replica's local write
    // of the state field reaches it as a change request; once committed and published,
    // the other replicas move backwards, and the invariant says so, under every strategy.
    let scenario = order_set_back();
    for strategy in Strategy::ALL {
        let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
        sim.run_to_end();
        let v = sim.violations();
        let backwards: Vec<_> = v
            .iter()
            .filter(|v| v.name == Invariant::ValidLifecycleTransitions)
            .collect();
        assert!(!backwards.is_empty(), "{strategy:?}: {v:?}");
        assert!(
            backwards[0].message.contains("back to Submitted"),
            "{}",
            backwards[0].message
        );
        assert_eq!(
            verdict(&sim, Invariant::ValidLifecycleTransitions),
            Verdict::Violated
        );
    }
    // Without that step, the invariant holds.
    let plain = built_in("order-lifecycle");
    let mut sim = Simulation::new(&plain, plain.seed, plain.strategy).unwrap();
    sim.run_to_end();
    assert_eq!(
        verdict(&sim, Invariant::ValidLifecycleTransitions),
        Verdict::Holds
    );
}

#[test]
fn the_report_counts_steps_as_playback_does_and_trace_entries_apart() {
    let scenario = built_in("email-conflict");
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::LastWriteWins).unwrap();
    sim.run_to_end();
    let report = sim.report();
    // Playback moves by steps (tasks done); each may write several trace entries.
    assert_eq!(report.steps, sim.tasks_done());
    assert_eq!(report.trace_entries, sim.trace().len());
    assert!(report.trace_entries > report.steps as usize);
}

#[test]
fn every_trace_entry_of_every_built_in_has_a_narration_line_naming_who() {
    use syncscope::sim::explain::narrate;
    for scenario in library::all() {
        for strategy in Strategy::ALL {
            let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
            sim.run_to_end();
            for i in 0..sim.trace().len() {
                let line = narrate(&sim, i);
                let step = sim.trace().step(i);
                assert!(line.starts_with(&format!("{} ms: ", step.time)), "{line}");
                // A write is never a bare id: it comes with whose it is and what it changed.
                let ids = line
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| {
                        w.len() > 1
                            && w.starts_with('w')
                            && w[1..].chars().all(|c| c.is_ascii_digit())
                    })
                    .count();
                assert!(ids <= line.matches("'s write of ").count(), "{line}");
            }
        }
    }
}

#[test]
fn a_replica_write_on_its_way_to_the_source_can_be_drawn() {
    let scenario = built_in("lww-skew");
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::LastWriteWins).unwrap();
    while sim.now() < 1200 {
        sim.step();
    }
    // billing writes at 1200 ms; its request takes the link's 30 ms.
    let requests = sim.requests_in_flight();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        (
            requests[0].replica,
            requests[0].sent_at,
            requests[0].arrives_at
        ),
        (0, 1200, 1230)
    );
    sim.run_to_end();
    assert!(sim.requests_in_flight().is_empty());
}

#[test]
fn effects_and_dead_letters_are_counted_per_replica() {
    for name in ["payment-webhook", "poison-dlq"] {
        let scenario = built_in(name);
        let mut sim = Simulation::new(&scenario, scenario.seed, scenario.strategy).unwrap();
        sim.run_to_end();
        let n = scenario.replicas.len();
        let total_effects: u64 = (0..n).map(|r| sim.activity(r).effects).sum();
        assert_eq!(total_effects, sim.metrics().effects_fired, "{name}");
        let dead: usize = (0..n).map(|r| sim.activity(r).dead_letters).sum();
        assert_eq!(dead as u64, sim.metrics().dead_letter_depth, "{name}");
    }
}

#[test]
fn a_scripted_local_write_to_a_down_replica_is_refused_too() {
    // email-conflict's billing writes at 110 ms; here it crashed at 105 ms until 500 ms.
    let mut json: serde_json::Value =
        serde_json::from_str(&built_in("email-conflict").to_json()).unwrap();
    json["script"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "at": 105, "do": "crash", "system": "billing", "until": 500
        }));
    let scenario = Scenario::from_json(&json.to_string()).unwrap();
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::LastWriteWins).unwrap();
    sim.run_to_end();
    assert_eq!(sim.metrics().local_writes, 0);
    let refused: Vec<String> = (0..sim.trace().len())
        .filter(|&i| sim.trace().step(i).kind.name() == "refused")
        .map(|i| syncscope::sim::explain::narrate(&sim, i))
        .collect();
    assert_eq!(
        refused,
        vec![
            "110 ms: refused: a local write to customer-1: billing is down until 500 ms: restart it first, or wait until it is back."
        ]
    );
}
