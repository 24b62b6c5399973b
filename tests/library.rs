//! The engine as a library: what a user's test reads back, looks up and builds.
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::escalation::Escalation;
use syncscope::sim::invariants::{Invariant, Verdict};
use syncscope::sim::{Report, Scenario, Simulation, Strategy, library};

fn escalated() -> Simulation {
    let scenario = library::by_name("email-conflict").unwrap();
    let mut sim = Simulation::new(&scenario, 1, Strategy::HumanEscalation).unwrap();
    sim.run_to_end();
    sim
}

#[test]
fn a_report_reads_back_from_its_json() {
    let report = escalated().report();
    let json = serde_json::to_string(&report).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
    // The conflict waits for a person, so the run never converges.
    assert_eq!(back.verdict(Invariant::Converges), Some(&Verdict::Violated));
    assert_eq!(back.strategy, "escalate");
    assert_eq!(back.metrics.escalations_pending, 1);
}

#[test]
fn an_escalation_reads_back_from_its_json() {
    let sim = escalated();
    let escalation = sim.escalations()[0].clone();
    assert_eq!(escalation.replica_value["email"], "ada@billing.example");
    let json = serde_json::to_string(&escalation).unwrap();
    let back: Escalation = serde_json::from_str(&json).unwrap();
    assert_eq!(back, escalation);
}

#[test]
fn an_invariant_is_looked_up_by_name_or_by_kind() {
    assert_eq!("converges".parse::<Invariant>(), Ok(Invariant::Converges));
    let typo = "converge".parse::<Invariant>().unwrap_err();
    assert!(
        typo.contains("\"converge\"") && typo.contains("converges, no_lost_acknowledged_write"),
        "{typo}"
    );
    let sim = escalated();
    assert_eq!(sim.verdict(Invariant::MonotonicVersions), Verdict::Holds);
    assert!(matches!(
        sim.verdict(Invariant::ExactlyOnceEffects),
        Verdict::DoesNotApply(_)
    ));
}

#[test]
fn a_built_scenario_has_the_defaults_it_promises() {
    let scenario = Scenario::builder("defaults")
        .replica("billing")
        .record("r", [("a", "1")])
        .build()
        .unwrap();
    assert_eq!(
        (
            scenario.source.as_str(),
            scenario.seed,
            scenario.strategy,
            scenario.idempotency
        ),
        ("source", 1, Strategy::VersionComparison, true)
    );
    assert_eq!(
        scenario.replicas[0].link.delay,
        syncscope::sim::scenario::Delay::Fixed { ms: 30 }
    );
    // A mistake is named, with where it is.
    let bad = Scenario::builder("bad")
        .replica("billing")
        .record("r", [("a", "1")])
        .write(10, "nope", [("a", "2")])
        .build()
        .unwrap_err()
        .to_string();
    assert!(bad.contains("nope"), "{bad}");
}
