//! Native tests of the engine against hand-derived traces, the golden hashes, and
//! determinism.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{expect, outline};

use syncscope::sim::determinism::check_determinism;
use syncscope::sim::trace::StepKind;
use syncscope::sim::{Command, Decision, Scenario, Simulation, Strategy, SystemId, library};

fn email_conflict(strategy: Strategy) -> Simulation {
    run("email-conflict", strategy, None)
}

/// Asserts that `sim` broke exactly one invariant, `name`, and that its sentence contains
/// `needle`.
fn only_violation(sim: &Simulation, name: &str, needle: &str) {
    let v = sim.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].name, name);
    assert!(v[0].message.contains(needle), "{}", v[0].message);
}

// The three traces below were worked out by hand from the scenario before the engine ran
// it: the CRM commits at 100 ms, billing writes locally at 110 ms, every link takes 30 ms,
// so the CRM's event reaches both replicas at 130 ms and billing's request reaches the CRM
// at 140 ms.

#[test]
fn email_conflict_under_last_write_wins_loses_the_crm_write() {
    let sim = email_conflict(Strategy::LastWriteWins);
    assert_eq!(
        outline(&sim),
        expect(&[
            (100, "crm", "command"),
            (100, "crm", "commit"),
            (100, "crm", "publish"),
            (110, "billing", "local_write"),
            (130, "billing", "deliver"),
            (130, "billing", "reject_stale"), // billing's own write (110 ms) is later
            (130, "warehouse", "deliver"),
            (130, "warehouse", "apply"),
            (140, "crm", "request"),
            (140, "crm", "lost_update"), // the CRM's 100 ms write is overwritten unseen
            (140, "crm", "commit"),
            (140, "crm", "publish"),
            (170, "billing", "deliver"),
            (170, "billing", "apply"),
            (170, "warehouse", "deliver"),
            (170, "warehouse", "apply"),
        ])
    );
    let m = sim.metrics();
    assert_eq!(
        (m.lost_updates, m.conflicts, m.converged, m.converged_at),
        (1, 0, true, Some(170))
    );
    assert_eq!(
        sim.source_records()[0].fields["email"],
        "ada@billing.example"
    );
    only_violation(&sim, "no_lost_acknowledged_write", "ada@crm.example");
}

#[test]
fn email_conflict_under_apply_on_arrival_overwrites_both_ways_without_a_word() {
    let sim = email_conflict(Strategy::ApplyOnArrival);
    assert_eq!(
        outline(&sim),
        expect(&[
            (100, "crm", "command"),
            (100, "crm", "commit"),
            (100, "crm", "publish"),
            (110, "billing", "local_write"),
            (130, "billing", "deliver"),
            (130, "billing", "apply"), // no check: the CRM's email replaces billing's own
            (130, "warehouse", "deliver"),
            (130, "warehouse", "apply"),
            (140, "crm", "request"),
            (140, "crm", "lost_update"), // committed over version 2, which billing never saw
            (140, "crm", "commit"),
            (140, "crm", "publish"),
            (170, "billing", "deliver"),
            (170, "billing", "apply"),
            (170, "warehouse", "deliver"),
            (170, "warehouse", "apply"),
        ])
    );
    let m = sim.metrics();
    assert_eq!(
        (m.lost_updates, m.conflicts, m.stale_rejected, m.converged),
        (1, 0, 0, true)
    );
    assert_eq!(
        sim.source_records()[0].fields["email"],
        "ada@billing.example"
    );
}

#[test]
fn email_conflict_under_version_comparison_reports_and_keeps_the_crm_value() {
    let sim = email_conflict(Strategy::VersionComparison);
    assert_eq!(
        outline(&sim),
        expect(&[
            (100, "crm", "command"),
            (100, "crm", "commit"),
            (100, "crm", "publish"),
            (110, "billing", "local_write"),
            (130, "billing", "deliver"),
            (130, "billing", "conflict"), // both hold a version 2, made by different writes
            (130, "billing", "apply"),    // the source's value is kept
            (130, "warehouse", "deliver"),
            (130, "warehouse", "apply"),
            (140, "crm", "request"), // based on version 1: refused, already reported
        ])
    );
    let m = sim.metrics();
    assert_eq!(
        (m.lost_updates, m.conflicts, m.converged, m.converged_at),
        (0, 1, true, Some(130))
    );
    assert_eq!(sim.replica_records(0)[0].fields["email"], "ada@crm.example");
    assert!(sim.violations().is_empty());
}

#[test]
fn email_conflict_under_escalation_waits_for_a_person_then_converges() {
    let mut sim = email_conflict(Strategy::HumanEscalation);
    assert_eq!(
        outline(&sim),
        expect(&[
            (100, "crm", "command"),
            (100, "crm", "commit"),
            (100, "crm", "publish"),
            (110, "billing", "local_write"),
            (130, "billing", "deliver"),
            (130, "billing", "escalate"), // billing keeps its value meanwhile
            (130, "warehouse", "deliver"),
            (130, "warehouse", "apply"),
            (140, "crm", "request"),
        ])
    );
    let m = sim.metrics();
    assert_eq!((m.escalations_pending, m.converged), (1, false));
    let pending = &sim.escalations()[0];
    assert_eq!(pending.replica_value["email"], "ada@billing.example");
    assert_eq!(pending.source_value["email"], "ada@crm.example");
    assert_eq!(sim.violations()[0].name, "converges");
    assert!(sim.violations()[0].message.contains("wait for a decision"));

    sim.apply(&Command::Resolve {
        escalation: 1,
        decision: Decision::TakeReplica,
    })
    .unwrap();
    sim.run_to_end();
    let tail: Vec<_> = outline(&sim).split_off(9);
    assert_eq!(
        tail,
        expect(&[
            (140, "crm", "resolve"),
            (140, "crm", "commit"),
            (140, "crm", "publish"),
            (170, "billing", "deliver"),
            (170, "billing", "apply"),
            (170, "warehouse", "deliver"),
            (170, "warehouse", "apply"),
        ])
    );
    let m = sim.metrics();
    assert_eq!(
        (m.escalations_pending, m.converged, m.converged_at),
        (0, true, Some(170))
    );
    assert_eq!(
        sim.source_records()[0].fields["email"],
        "ada@billing.example"
    );
    assert_eq!(sim.source_records()[0].version, 3);
    assert!(sim.violations().is_empty());
    assert!(
        sim.apply(&Command::Resolve {
            escalation: 1,
            decision: Decision::KeepSource,
        })
        .unwrap_err()
        .to_string()
        .contains("already decided")
    );
    assert!(
        sim.apply(&Command::Resolve {
            escalation: 9,
            decision: Decision::KeepSource,
        })
        .unwrap_err()
        .to_string()
        .contains("no escalation #9")
    );
}

#[test]
fn a_merged_decision_is_published_to_everyone() {
    let mut sim = email_conflict(Strategy::HumanEscalation);
    let merged = [("email".to_string(), "ada@merged.example".to_string())].into();
    sim.apply(&Command::Resolve {
        escalation: 1,
        decision: Decision::Merge(merged),
    })
    .unwrap();
    sim.run_to_end();
    for r in 0..2 {
        assert_eq!(
            sim.replica_records(r)[0].fields["email"],
            "ada@merged.example"
        );
    }
    assert!(sim.metrics().converged);
    assert!(
        sim.apply(&Command::Resolve {
            escalation: 1,
            decision: Decision::Merge(Default::default()),
        })
        .is_err()
    );
}

#[test]
fn baseline_converges_under_every_strategy_with_nothing_lost() {
    let scenario = library::by_name("baseline").unwrap();
    for strategy in Strategy::ALL {
        let mut sim = Simulation::new(&scenario, 1, strategy).unwrap();
        sim.run_to_end();
        let m = sim.metrics();
        assert!(m.converged, "{strategy}");
        // 5 commands, each published once and delivered once to each of 3 replicas.
        assert_eq!(
            (m.published, m.delivered, m.lost_updates, m.conflicts),
            (5, 15, 0, 0),
            "{strategy}"
        );
    }
}

#[test]
fn partition_holds_warehouse_messages_until_the_link_heals() {
    let scenario = library::by_name("partition").unwrap();
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison).unwrap();
    sim.run_to_end();
    let warehouse_deliveries: Vec<u64> = sim
        .trace()
        .iter()
        .filter(|s| s.actor.0 == 2 && matches!(s.kind, StepKind::Deliver { .. }))
        .map(|s| s.time)
        .collect();
    assert_eq!(warehouse_deliveries.len(), 4);
    // The first change (50 ms) gets through before the link goes down at 100 ms; the
    // other three wait for 900 ms.
    assert!(warehouse_deliveries[0] < 100);
    assert!(
        warehouse_deliveries[1..].iter().all(|&t| t == 900),
        "{warehouse_deliveries:?}"
    );
    assert_eq!(sim.metrics().converged_at, Some(900));
}

#[test]
fn storm_without_idempotency_applies_duplicates_twice() {
    let scenario = library::by_name("storm").unwrap();
    let run = |idempotent| {
        let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison)
            .unwrap()
            .with_idempotency(idempotent);
        sim.run_to_end();
        sim.metrics()
    };
    let (on, off) = (run(true), run(false));
    assert!(on.duplicates_delivered > 0 && on.duplicates_absorbed == on.duplicates_delivered);
    assert_eq!(on.duplicates_applied, 0);
    assert!(off.duplicates_applied > 0, "{off:?}");
    assert_eq!(off.duplicates_absorbed, 0);
    assert!(on.converged && off.converged);
}

#[test]
fn every_built_in_run_is_deterministic() {
    for scenario in library::all() {
        for strategy in Strategy::ALL {
            for seed in [scenario.seed, 2, 99] {
                if let Err(message) = check_determinism(&scenario, seed, strategy) {
                    panic!("{message}");
                }
            }
        }
    }
}

#[test]
fn golden_hashes_match() {
    let problems = common::golden_mismatches();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "prints the golden table; run by hand after a deliberate engine change"]
fn print_golden_hashes() {
    for (name, strategy, hash) in common::all_hashes() {
        println!("    (\"{name}\", \"{strategy}\", \"{hash}\"),");
    }
}

#[test]
fn scenario_errors_name_the_field() {
    let mut scenario = library::by_name("storm").unwrap();
    scenario.replicas[1].link.drop_probability = 1.0;
    scenario.replicas[0].link.duplicate_probability = -0.1;
    let errors = Scenario::validate(&scenario).unwrap_err().to_string();
    assert!(
        errors.contains(
            "replicas[1].link.drop_probability: expected a number from 0 to 0.9, found 1"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("replicas[0].link.duplicate_probability"),
        "{errors}"
    );
    let unknown = Scenario::from_json(
        r#"{"name":"x","title":"x","source":"a","replicas":[],"records":[],"colour":1}"#,
    );
    assert!(
        unknown
            .unwrap_err()
            .to_string()
            .contains("colour: unknown field")
    );
    let json = library::BUILT_IN[2]
        .1
        .replace("\"billing\", \"record\"", "\"payroll\", \"record\"");
    let errors = Scenario::from_json(&json).unwrap_err().to_string();
    assert!(
        errors.contains(
            "script[1].system: expected one of the replicas (billing, warehouse), found \"payroll\""
        ),
        "{errors}"
    );
}

#[test]
fn cloud_event_envelope_has_the_required_attributes() {
    use syncscope::sim::cloudevent::CloudEvent;
    let sim = email_conflict(Strategy::LastWriteWins);
    let event = &sim.events()[1];
    let json = serde_json::to_value(CloudEvent::of(event, "crm", "customer-1", "billing")).unwrap();
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["id"], "evt-2");
    assert_eq!(json["source"], "/systems/crm");
    assert_eq!(json["type"], "io.syncscope.record.changed");
    assert_eq!(json["subject"], "customer-1");
    assert_eq!(json["time"], "2026-01-01T00:00:00.140Z");
    assert_eq!(json["datacontenttype"], "application/json");
    assert_eq!(json["data"]["version"], 3);
    assert_eq!(json["data"]["previous_version"], 2);
    assert_eq!(json["data"]["fields"]["email"], "ada@billing.example");
    assert_eq!(json["data"]["modified_at"], "2026-01-01T00:00:00.110Z");
}

fn run(name: &str, strategy: Strategy, idempotent: Option<bool>) -> Simulation {
    let scenario = library::by_name(name).unwrap();
    let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
    if let Some(on) = idempotent {
        sim = sim.with_idempotency(on);
    }
    sim.run_to_end();
    sim
}

fn steps_named<'a>(
    sim: &'a Simulation,
    name: &'a str,
) -> impl Iterator<Item = syncscope::sim::trace::TraceStep> + 'a {
    sim.trace().iter().filter(move |s| s.kind.name() == name)
}

#[test]
fn clock_skew_makes_lww_discard_the_real_last_write() {
    let sim = run("lww-skew", Strategy::LastWriteWins, None);
    // Billing wrote at 1200 ms, after the CRM's 1000 ms write, but its clock reads 700 ms.
    assert_eq!(sim.writes()[1].stamp, 700);
    assert_eq!(sim.source_records()[0].fields["email"], "ada@crm.example");
    assert_eq!(
        sim.replica_records(0)[0].fields["email"],
        "ada@typed-last.example"
    );
    let m = sim.metrics();
    assert_eq!((m.lost_updates, m.converged), (1, false));
    let names: Vec<_> = sim.violations().iter().map(|v| v.name).collect();
    assert_eq!(names, vec!["no_lost_acknowledged_write", "converges"]);

    let sim = run("lww-skew", Strategy::VersionComparison, None);
    assert_eq!(
        sim.source_records()[0].fields["email"],
        "ada@typed-last.example"
    );
    assert!(sim.metrics().converged && sim.violations().is_empty());
}

#[test]
fn a_crashed_consumer_gets_unacknowledged_events_again() {
    let sim = run("consumer-crash", Strategy::VersionComparison, None);
    let billing = SystemId(1);
    // Processed at 120 and 130 ms, within the 50 ms ack delay before the 140 ms crash; the
    // 400 ms change arrives while billing is down. All three come again at the 1000 ms restart.
    let redelivered: Vec<(u64, u64)> = steps_named(&sim, "redeliver")
        .filter(|s| s.actor == billing)
        .map(|s| (s.time, s.kind.event().unwrap().0))
        .collect();
    assert_eq!(redelivered, vec![(1000, 1), (1000, 2), (1000, 3)]);
    assert_eq!(steps_named(&sim, "not_acked").count(), 1);
    let m = sim.metrics();
    assert_eq!(
        (
            m.crashes,
            m.duplicates_absorbed,
            m.effects_fired,
            m.duplicate_effects
        ),
        (1, 2, 3, 0)
    );
    assert!(m.converged && sim.violations().is_empty());

    let off = run("consumer-crash", Strategy::VersionComparison, Some(false));
    let m = off.metrics();
    assert_eq!((m.duplicates_applied, m.duplicate_effects), (1, 1));
    only_violation(
        &off,
        "exactly_once_effects",
        "email_invoice 2 times for write w2",
    );
}

#[test]
fn a_poison_message_retries_with_backoff_then_dead_letters_and_replays() {
    let sim = run("poison-dlq", Strategy::VersionComparison, None);
    let failures: Vec<(u64, u64, u32)> = sim
        .trace()
        .iter()
        .filter_map(|s| match s.kind {
            StepKind::ProcessingFailed { event, attempt } => Some((s.time, event.0, attempt)),
            _ => None,
        })
        .collect();
    for event in [1, 3] {
        let times: Vec<u64> = failures
            .iter()
            .filter(|f| f.1 == event)
            .map(|f| f.0)
            .collect();
        assert_eq!(
            times.len(),
            4,
            "event {event} fails four times: {failures:?}"
        );
        // Full jitter: each wait is at most base * 2^(n-1) = 100, 200, 400 ms.
        for (n, pair) in times.windows(2).enumerate() {
            assert!(
                pair[1] - pair[0] <= 100 << n,
                "wait {n} of event {event}: {times:?}"
            );
        }
    }
    // order-8's event (evt-2) is never poisoned.
    assert!(failures.iter().all(|f| f.1 != 2));
    let dead: Vec<u64> = steps_named(&sim, "dead_letter")
        .map(|s| s.kind.event().unwrap().0)
        .collect();
    assert_eq!(dead, vec![1, 3]);
    let replays: Vec<u64> = steps_named(&sim, "replay").map(|s| s.time).collect();
    assert_eq!(replays, vec![6000, 6000]);
    let m = sim.metrics();
    assert_eq!(
        (
            m.dead_lettered,
            m.replayed,
            m.dead_letter_depth,
            m.consumer_lag
        ),
        (2, 2, 0, 0)
    );
    assert_eq!(m.converged_at, Some(6000));
    assert_eq!(sim.replica_records(0)[0].fields["status"], "shipped");
}

#[test]
fn discarded_dead_letters_leave_the_replica_behind() {
    let mut scenario = library::by_name("poison-dlq").unwrap();
    let last = scenario.script.len() - 1;
    scenario.script[last].command = Command::DiscardDeadLetters {
        system: "billing".into(),
    };
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison).unwrap();
    sim.run_to_end();
    let m = sim.metrics();
    assert_eq!((m.discarded, m.converged, m.consumer_lag), (2, false, 2));
    assert_eq!(sim.replica_records(0)[0].fields["status"], "submitted");
}

#[test]
fn side_effects_repeat_without_keys_and_not_with_them() {
    let sim = run("payment-webhook", Strategy::VersionComparison, None);
    let effects: Vec<(u16, &str)> = sim
        .trace()
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                StepKind::Effect { .. } | StepKind::EffectSkipped { .. }
            )
        })
        .map(|s| (s.actor.0, s.kind.name()))
        .collect();
    // shipping (1) ships twice; billing (2) sends one receipt and its repeat is recognised.
    assert_eq!(effects.iter().filter(|e| **e == (1, "effect")).count(), 2);
    assert_eq!(effects.iter().filter(|e| **e == (2, "effect")).count(), 1);
    assert_eq!(
        effects
            .iter()
            .filter(|e| **e == (2, "effect_skipped"))
            .count(),
        1
    );
    only_violation(
        &sim,
        "exactly_once_effects",
        "shipping fired ship_order 2 times",
    );

    let on = run("payment-webhook", Strategy::VersionComparison, Some(true));
    let m = on.metrics();
    assert_eq!(
        (m.effects_fired, m.duplicate_effects, m.duplicates_absorbed),
        (2, 0, 2)
    );
}

#[test]
fn lifecycle_refuses_invalid_events_and_replicas_hold_gaps() {
    let sim = run("order-lifecycle", Strategy::VersionComparison, None);
    let refused: Vec<_> = steps_named(&sim, "invalid_transition").collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].time, 500);
    let json = syncscope::sim::export::step_json(
        &sim,
        sim.trace()
            .iter()
            .position(|s| s.kind.name() == "invalid_transition")
            .unwrap(),
    );
    assert_eq!(
        json["note"],
        "order-7: event \"submit\" is not allowed in state Completed; allowed: none (final state)"
    );
    assert!(sim.metrics().held > 0);
    for r in 0..3 {
        assert_eq!(sim.replica_records(r)[0].fields["state"], "Completed");
    }
    // Every apply moved a replica forward: never onto a state it could not reach.
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    // Held events are applied in version order.
    for r in 1..=3u16 {
        let versions: Vec<u64> = sim
            .trace()
            .iter()
            .filter(|s| s.actor.0 == r)
            .filter_map(|s| match s.kind {
                StepKind::Apply { version, .. } => Some(version),
                _ => None,
            })
            .collect();
        assert_eq!(versions, (2..=9).collect::<Vec<_>>(), "replica {r}");
    }
}

#[test]
fn the_saga_compensates_in_reverse_order_and_ends_consistent() {
    let sim = run("saga", Strategy::VersionComparison, None);
    let saga: Vec<(u64, &str)> = sim
        .trace()
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                StepKind::SagaStep { .. }
                    | StepKind::SagaFailed { .. }
                    | StepKind::Compensate { .. }
            )
        })
        .map(|s| (s.time, s.kind.name()))
        .collect();
    assert_eq!(
        saga,
        vec![
            (0, "saga_step"),
            (200, "saga_step"),
            (400, "saga_step"),
            (7_200_000, "saga_failed"),
            (7_200_000, "compensate"),
            (7_200_200, "compensate"),
            (7_200_400, "compensate"),
        ]
    );
    let compensated: Vec<u32> = sim
        .trace()
        .iter()
        .filter_map(|s| match s.kind {
            StepKind::Compensate { step, .. } => Some(step),
            _ => None,
        })
        .collect();
    assert_eq!(compensated, vec![2, 1, 0]);
    assert!(sim.metrics().converged);
    for records in
        std::iter::once(sim.source_records()).chain((0..3).map(|r| sim.replica_records(r)))
    {
        assert_eq!(records[0].fields["state"], "Cancelled");
        assert_eq!(records[1].fields["status"], "refunded");
        assert_eq!(records[2].fields["reserved"], "0");
    }
}

#[test]
fn systems_and_records_are_reached_by_name_and_a_typo_lists_the_names() {
    let sim = email_conflict(Strategy::VersionComparison);
    // By hand (the trace above): every copy ends with the CRM's email, version 2.
    for system in ["crm", "billing", "warehouse"] {
        let copy = sim.record_of(system, "customer-1").unwrap();
        assert_eq!(
            (copy.fields["email"].as_str(), copy.version),
            ("ada@crm.example", 2)
        );
    }
    assert_eq!(sim.records_of("billing").unwrap().len(), 1);
    let typo = sim.records_of("biling").unwrap_err().to_string();
    assert_eq!(
        typo,
        "no system is called \"biling\"; this scenario has crm, billing, warehouse"
    );
    let record = sim.record_of("crm", "customer-2").unwrap_err().to_string();
    assert_eq!(
        record,
        "no record is called \"customer-2\"; this scenario has customer-1"
    );
    let unknown = library::by_name("email-conflcit").unwrap_err().to_string();
    assert!(
        unknown.starts_with("no built-in scenario is called \"email-conflcit\"; expected one of baseline, storm, email-conflict"),
        "{unknown}"
    );
}

#[test]
fn a_scenario_runs_as_its_file_says() {
    // late-duplicate's file: seed 29, version comparison, idempotency off.
    let scenario = library::by_name("late-duplicate").unwrap();
    let mut sim = Simulation::as_written(&scenario).unwrap();
    assert_eq!(
        (sim.seed(), sim.strategy(), sim.idempotency()),
        (29, Some(Strategy::VersionComparison), false)
    );
    sim.run_to_end();
    let golden = common::GOLDEN
        .iter()
        .find(|(name, strategy, _)| *name == "late-duplicate" && *strategy == "version")
        .unwrap();
    assert_eq!(sim.trace().hash(), golden.2);
}
