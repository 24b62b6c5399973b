//! Time travel: rebuilt steps equal the original run, forks change exactly what they should.
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::load::load_scenario;
use syncscope::sim::scenario::{Clock, ScriptStep};
use syncscope::sim::timeline::{MAX_SNAPSHOTS, SNAPSHOT_EVERY, TASKS_PER_SNAPSHOT, Timeline, diff};
use syncscope::sim::trace::StepKind;
use syncscope::sim::{Command, CommandError};
use syncscope::sim::{Decision, Simulation, Strategy, SystemId, library};

fn fingerprint(sim: &Simulation) -> (String, usize, String, u64) {
    let records = format!("{:?}{:?}", sim.source_records(), sim.replica_records(0));
    (sim.trace().hash(), sim.trace().len(), records, sim.now())
}

#[test]
fn any_step_is_rebuilt_exactly() {
    let scenario = load_scenario(3, 20, 1500);
    let fresh = || Simulation::new(&scenario, 9, Strategy::VersionComparison).unwrap();
    let timeline = Timeline::record(fresh());
    assert!(
        timeline.len() > 3 * SNAPSHOT_EVERY,
        "the run should span several snapshots"
    );
    for task in [
        0,
        1,
        999,
        1000,
        1001,
        2500,
        timeline.len() - 1,
        timeline.len(),
    ] {
        let mut direct = fresh();
        for _ in 0..task {
            direct.step();
        }
        let rebuilt = timeline.at(task);
        assert_eq!(rebuilt.tasks_done(), task);
        assert_eq!(fingerprint(&rebuilt), fingerprint(&direct), "task {task}");
        assert_eq!(rebuilt.metrics(), direct.metrics(), "task {task}");
    }
    // A rebuilt state runs on to the same end as the original.
    let mut resumed = timeline.at(1234);
    resumed.run_to_end();
    assert_eq!(resumed.trace().hash(), timeline.full().trace().hash());
}

#[test]
fn a_long_run_and_its_fork_keep_few_snapshots_and_rebuild_every_step() {
    // Long enough (well over MAX_SNAPSHOTS * SNAPSHOT_EVERY tasks) to thin the snapshots
    // twice; a fork well inside it must still rebuild its own steps, not its parent's.
    let scenario = load_scenario(3, 10, 50_000);
    let fresh = || Simulation::new(&scenario, 5, Strategy::VersionComparison).unwrap();
    // The fork is made early, while the snapshots are still dense (as a person forks a
    // run that is still being recorded), so that the fork's own snapshots get thinned.
    let mut timeline = Timeline::new(fresh());
    timeline.advance(10_000);
    let at = 5_001;
    let change = Command::Crash {
        system: "replica-1".into(),
        until: timeline.time_at(at) + 700,
    };
    let mut fork = timeline.branch(at, &change).unwrap();
    while fork.advance(u64::MAX) {}
    while timeline.advance(u64::MAX) {}
    let len = timeline.len();
    assert!(
        len > 2 * MAX_SNAPSHOTS as u64 * SNAPSHOT_EVERY,
        "{len} tasks"
    );
    // The documented bound: MAX_SNAPSHOTS, or one per TASKS_PER_SNAPSHOT for a long run;
    // either way far fewer than one per SNAPSHOT_EVERY (the spacing has doubled).
    let bound = |len: u64| MAX_SNAPSHOTS.max((len / TASKS_PER_SNAPSHOT) as usize);
    assert!(timeline.snapshot_count() <= bound(len));
    assert!(timeline.snapshot_count() as u64 <= len / SNAPSHOT_EVERY / 2);
    assert!(fork.len() > 2 * MAX_SNAPSHOTS as u64 * SNAPSHOT_EVERY);
    assert!(fork.snapshot_count() <= bound(fork.len()) + 1);
    // Walk a direct run and a direct fork forward, comparing rebuilt steps on the way.
    let mut direct = fresh();
    let mut forked = fresh();
    while forked.tasks_done() < at && forked.step() {}
    forked.apply(&change).unwrap();
    for task in (0..40).map(|i| i * len / 40 + i % 7) {
        while direct.tasks_done() < task && direct.step() {}
        assert_eq!(
            fingerprint(&timeline.at(task)),
            fingerprint(&direct),
            "task {task}"
        );
        if task > at {
            while forked.tasks_done() < task && forked.step() {}
            assert_eq!(
                fingerprint(&fork.at(task)),
                fingerprint(&forked),
                "fork, task {task}"
            );
        }
    }
}

#[test]
fn step_back_then_forward_returns_to_the_same_state() {
    let scenario = library::by_name("storm").unwrap();
    let timeline =
        Timeline::record(Simulation::new(&scenario, 7, Strategy::VersionComparison).unwrap());
    for task in 1..timeline.len() {
        let mut back = timeline.at(task - 1);
        back.step();
        assert_eq!(
            fingerprint(&back),
            fingerprint(&timeline.at(task)),
            "task {task}"
        );
    }
}

fn email_conflict(strategy: Strategy) -> Timeline {
    let scenario = library::by_name("email-conflict").unwrap();
    Timeline::record(Simulation::new(&scenario, 1, strategy).unwrap())
}

#[test]
fn dropping_a_delivery_in_a_fork_redelivers_it_and_the_diff_says_so() {
    let timeline = email_conflict(Strategy::VersionComparison);
    // After the first task (the CRM's command at 100 ms) evt-1 is on its way to both replicas.
    let at = timeline.at(1);
    let (slot, message) = at
        .in_flight()
        .into_iter()
        .find(|(_, m)| m.replica == 0)
        .unwrap();
    assert_eq!((message.event.0, message.arrives_at), (1, 130));
    let fork = timeline.fork(1, &Command::Drop { slot }).unwrap();
    let steps: Vec<(u64, &str)> = fork
        .trace()
        .iter()
        .filter(|s| s.actor.0 == 1 && s.kind.event().is_some())
        .map(|s| (s.time, s.kind.name()))
        .collect();
    // Lost at 130 ms; the ack timeout (200 ms after sending at 100) sends it again at 300,
    // and the link's 30 ms brings it at 330.
    assert_eq!(steps[0], (130, "drop"));
    assert_eq!(steps[1], (300, "redeliver"));
    assert_eq!(steps[2], (330, "deliver"));
    let d = diff(timeline.full(), &fork);
    let changed: Vec<&str> = d.metrics.iter().map(|(name, _, _)| name.as_str()).collect();
    assert!(
        changed.contains(&"dropped") && changed.contains(&"redelivered"),
        "{changed:?}"
    );
    assert!(d.records.is_empty(), "same final values: {:?}", d.records);
    // The original run is untouched.
    assert_eq!(timeline.full().metrics().dropped, 0);
}

#[test]
fn delaying_and_duplicating_in_forks() {
    let timeline = email_conflict(Strategy::LastWriteWins);
    let at = timeline.at(1);
    let (slot, _) = at
        .in_flight()
        .into_iter()
        .find(|(_, m)| m.replica == 1)
        .unwrap();
    let delayed = timeline
        .fork(1, &Command::Delay { slot, by_ms: 500 })
        .unwrap();
    let warehouse_deliveries: Vec<u64> = delayed
        .trace()
        .iter()
        .filter(|s| s.actor.0 == 2 && s.kind.name() == "deliver")
        .map(|s| s.time)
        .collect();
    assert!(
        warehouse_deliveries.contains(&630),
        "{warehouse_deliveries:?}"
    );
    let duplicated = timeline.fork(1, &Command::Duplicate { slot }).unwrap();
    assert_eq!(duplicated.metrics().duplicates_delivered, 1);
    assert_eq!(duplicated.metrics().duplicates_absorbed, 1);
    assert!(
        timeline
            .fork(1, &Command::Drop { slot: 99 })
            .unwrap_err()
            .to_string()
            .contains("slot 99")
    );
}

#[test]
fn delivering_a_message_next_lets_it_overtake_the_others() {
    let timeline = email_conflict(Strategy::VersionComparison);
    // After the CRM's command at 100 ms, evt-1 is on its way to billing (due first, at 130
    // ms) and to the warehouse (also at 130, after billing).
    let at = timeline.at(1);
    let warehouse = |sim: &Simulation| {
        sim.in_flight()
            .into_iter()
            .find(|(_, m)| m.replica == 1)
            .map(|(slot, _)| slot)
            .unwrap()
    };
    let deliveries = |sim: &Simulation| -> Vec<(u64, u16)> {
        sim.trace()
            .iter()
            .filter(|s| s.kind.name() == "deliver")
            .map(|s| (s.time, s.actor.0))
            .collect()
    };
    assert_eq!(deliveries(timeline.full())[..2], [(130, 1), (130, 2)]);
    let fork = timeline
        .fork(
            1,
            &Command::DeliverNext {
                slot: warehouse(&at),
            },
        )
        .unwrap();
    // The warehouse's copy comes first, at the time the first message was due; billing's
    // keeps its time and waits.
    assert_eq!(deliveries(&fork)[..2], [(130, 2), (130, 1)]);
    // Before the first message is due, a script step at 110 ms (billing's local write)
    // still comes first: only messages are overtaken.
    assert_eq!(fork.trace().step(3).kind.name(), "local_write");
    // As data, in a fork's list of changes.
    let json = serde_json::to_string(&Command::DeliverNext { slot: 4 }).unwrap();
    assert_eq!(json, r#"{"do":"deliver_next","slot":4}"#);
    assert!(
        timeline
            .fork(1, &Command::DeliverNext { slot: 99 })
            .unwrap_err()
            .to_string()
            .contains("slot 99")
    );
}

#[test]
fn a_message_on_a_partitioned_link_cannot_be_delivered_next() {
    let scenario = library::by_name("partition").unwrap();
    let timeline =
        Timeline::record(Simulation::new(&scenario, 3, Strategy::VersionComparison).unwrap());
    // The warehouse's link is down from 100 to 900 ms; the order's event at 150 ms waits.
    let step = timeline.task_at_time(160);
    let at = timeline.at(step);
    let (slot, _) = at
        .in_flight()
        .into_iter()
        .find(|(_, m)| m.replica == 1)
        .expect("a message waits for the heal");
    let refused = timeline
        .fork(step, &Command::DeliverNext { slot })
        .unwrap_err();
    assert!(refused.to_string().contains("partitioned"), "{refused}");
}

#[test]
fn resolving_an_escalation_differently_changes_the_outcome() {
    let timeline = email_conflict(Strategy::HumanEscalation);
    let end = timeline.len();
    let take = timeline
        .fork(
            end,
            &Command::Resolve {
                escalation: 1,
                decision: Decision::TakeReplica,
            },
        )
        .unwrap();
    let keep = timeline
        .fork(
            end,
            &Command::Resolve {
                escalation: 1,
                decision: Decision::KeepSource,
            },
        )
        .unwrap();
    assert!(take.metrics().converged && keep.metrics().converged);
    let d = diff(&take, &keep);
    assert!(
        d.records.contains(&(
            "crm".into(),
            "customer-1".into(),
            // A person's decision is committed by the source, whichever side it keeps.
            "v3 email=ada@billing.example, name=Ada (by crm)".into(),
            "v3 email=ada@crm.example, name=Ada (by crm)".into()
        )),
        "{:?}",
        d.records
    );
    assert!(diff(&take, &take).is_empty());
}

#[test]
fn the_partition_series_shows_divergence_until_the_heal() {
    let scenario = library::by_name("partition").unwrap();
    let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison).unwrap();
    sim.run_to_end();
    let series = sim.series();
    let during: Vec<_> = series
        .samples
        .iter()
        .filter(|s| s.time > 200 && s.time < 900)
        .collect();
    assert!(!during.is_empty());
    assert!(
        during.iter().all(|s| s.divergent >= 1 && s.in_flight >= 1),
        "{during:?}"
    );
    assert_eq!(series.samples.last().unwrap().divergent, 0);
}

#[test]
fn a_branch_shares_the_past_and_replays_the_change() {
    let scenario = load_scenario(3, 20, 1500);
    let original =
        Timeline::record(Simulation::new(&scenario, 4, Strategy::LastWriteWins).unwrap());
    let task = 2345;
    let at = original.at(task);
    let (slot, _) = at.in_flight()[0];
    let change = Command::Drop { slot };
    let mut branch = original.branch(task, &change).unwrap();
    while branch.advance(500) {}
    let direct = original.fork(task, &change).unwrap();
    assert_eq!(branch.full().trace().hash(), direct.trace().hash());
    // Before the change the branch is the original; after it, the forked run.
    assert_eq!(
        fingerprint(&branch.at(1000)),
        fingerprint(&original.at(1000))
    );
    let later = task + 700;
    let mut stepped = original.at(task);
    stepped.apply(&change).unwrap();
    while stepped.tasks_done() < later {
        stepped.step();
    }
    assert_eq!(fingerprint(&branch.at(later)), fingerprint(&stepped));
    assert_eq!(branch.time_at(later), stepped.now());
    assert!(branch.task_at_time(stepped.now()) >= later);
}

#[test]
fn restarting_a_crashed_replica_early_brings_it_back_once() {
    let timeline = email_conflict(Strategy::VersionComparison);
    let scenario = timeline.full().scenario().clone();
    let w = scenario
        .replicas
        .iter()
        .position(|r| r.name == "warehouse")
        .unwrap();
    let actor = w as u16 + 1;
    // Just after the CRM's command (100 ms) the warehouse crashes until 5,000 ms.
    let mut sim = timeline.at(1);
    sim.apply(&Command::Crash {
        system: "warehouse".into(),
        until: 5000,
    })
    .unwrap();
    // evt-1 reaches the crashed warehouse and is not acknowledged.
    let not_acked = |sim: &Simulation| {
        sim.trace()
            .iter()
            .any(|s| s.actor.0 == actor && s.kind.name() == "not_acked")
    };
    while !not_acked(&sim) && sim.step() {}
    assert_eq!(sim.down_until(w), Some(5000));
    let restarted_at = sim.now();
    sim.apply(&restart("warehouse")).unwrap();
    assert_eq!(sim.down_until(w), None);
    assert_eq!(
        sim.apply(&restart("warehouse")).unwrap_err().to_string(),
        "warehouse is not down"
    );
    sim.run_to_end();
    let steps: Vec<(u64, &str)> = sim
        .trace()
        .iter()
        .filter(|s| s.actor.0 == actor)
        .map(|s| (s.time, s.kind.name()))
        .collect();
    // One restart, when the person asked for it; the planned one at 5,000 ms is void.
    let restarts: Vec<_> = steps.iter().filter(|s| s.1 == "restart").collect();
    assert_eq!(restarts, vec![&(restarted_at, "restart")], "{steps:?}");
    // What it missed comes when the bus's redelivery timer fires (5,000 ms), then applies.
    let redelivered = steps
        .iter()
        .position(|s| s.1 == "redeliver" && s.0 >= 5000)
        .unwrap_or_else(|| panic!("no redelivery at the planned restart: {steps:?}"));
    assert!(
        steps[redelivered..].iter().any(|s| s.1 == "apply"),
        "{steps:?}"
    );
    assert!(sim.metrics().converged);
}

#[test]
fn a_version_applied_twice_is_known_until_a_newer_one_replaces_it() {
    let scenario = library::by_name("email-conflict").unwrap();
    let timeline = Timeline::record(
        Simulation::new(&scenario, 1, Strategy::LastWriteWins)
            .unwrap()
            .with_idempotency(false),
    );
    let mut sim = timeline.at(1);
    let (slot, _) = sim
        .in_flight()
        .into_iter()
        .find(|(_, m)| m.replica == 1)
        .unwrap();
    sim.apply(&Command::Duplicate { slot }).unwrap();
    let record = syncscope::sim::RecordId(0);
    while sim.metrics().duplicates_applied == 0 {
        // Applied once at most so far: nothing to report.
        assert_eq!(sim.applied_twice(1, record), None);
        assert!(sim.step(), "the run ended without applying the copy");
    }
    // The warehouse (replica 1) applied evt-1 twice; billing did not.
    assert_eq!(
        sim.applied_twice(1, record),
        Some(syncscope::sim::EventId(1))
    );
    assert_eq!(sim.applied_twice(0, record), None);
    // Billing's write (evt-2) then gives the warehouse a newer version, applied once.
    sim.run_to_end();
    assert!(sim.replica_records(1)[0].version > 2);
    assert_eq!(sim.applied_twice(1, record), None);
}

#[test]
fn a_down_replica_refuses_a_local_write_and_nothing_changes() {
    let timeline = email_conflict(Strategy::VersionComparison);
    let mut sim = timeline.at(1);
    sim.apply(&Command::Crash {
        system: "billing".into(),
        until: 5000,
    })
    .unwrap();
    let before = fingerprint(&sim);
    let set = [("email".to_string(), "x@example".to_string())].into();
    assert_eq!(
        sim.apply(&local_write(set)),
        Err(CommandError::SystemDown {
            system: "billing".into(),
            until: 5000
        })
    );
    assert_eq!(fingerprint(&sim), before);
    assert_eq!(
        sim.metrics().local_writes,
        0,
        "billing writes at 110 ms, after step 1"
    );
    // Once restarted it takes writes again.
    sim.apply(&restart("billing")).unwrap();
    let set = [("email".to_string(), "x@example".to_string())].into();
    assert_eq!(sim.apply(&local_write(set)), Ok(()));
}

#[test]
fn impossible_interventions_are_refused_with_a_typed_error() {
    let timeline = email_conflict(Strategy::VersionComparison);
    let mut sim = timeline.at(2);
    let (slot, _) = sim.in_flight()[0];
    sim.apply(&Command::Drop { slot }).unwrap();
    assert!(matches!(
        sim.apply(&Command::Drop { slot }),
        Err(CommandError::AlreadyDropped { .. })
    ));
    assert_eq!(
        sim.apply(&Command::Heal {
            system: "billing".into()
        }),
        Err(CommandError::NotPartitioned {
            system: "billing".into()
        })
    );
    assert_eq!(
        sim.apply(&Command::Crash {
            system: "nowhere".into(),
            until: 5000
        }),
        Err(CommandError::NoSuchReplica {
            name: "nowhere".into()
        })
    );
    assert!(matches!(
        sim.apply(&Command::Delay {
            slot,
            by_ms: u64::MAX
        }),
        Err(CommandError::TooLate { .. })
    ));
    assert!(matches!(
        sim.apply(&Command::Partition {
            system: "billing".into(),
            until: u64::MAX
        }),
        Err(CommandError::TooLate { .. })
    ));
    let skew = |system: &str, offset_ms, drift_ppm| Command::Skew {
        system: system.into(),
        offset_ms,
        drift_ppm,
    };
    assert!(matches!(
        sim.apply(&skew("billing", i64::MIN, 0)),
        Err(CommandError::TooLate { .. })
    ));
    assert!(matches!(
        sim.apply(&skew("billing", 0, i64::MAX)),
        Err(CommandError::BadKnob { ref field, .. }) if field == "drift_ppm"
    ));
    assert_eq!(
        sim.apply(&skew("nowhere", 0, 0)),
        Err(CommandError::NoSuchSystem {
            name: "nowhere".into()
        })
    );
    let blank = [(" ".to_string(), "x".to_string())].into();
    assert_eq!(
        sim.apply(&local_write(blank)),
        Err(CommandError::EmptyWrite)
    );
}

#[test]
fn changing_a_link_at_step_0_is_the_same_run_as_a_scenario_with_that_link() {
    use syncscope::sim::scenario::Delay;
    let original = email_conflict(Strategy::VersionComparison);
    let change = Command::SetLink {
        system: "warehouse".into(),
        delay: Delay::Uniform {
            min_ms: 5,
            max_ms: 400,
        },
        duplicate_probability: 0.5,
        drop_probability: 0.3,
        reorder: true,
    };
    let forked = original.fork(0, &change).unwrap();
    let mut edited = original.full().scenario().clone();
    let link = &mut edited.replicas[1].link;
    link.delay = Delay::Uniform {
        min_ms: 5,
        max_ms: 400,
    };
    link.duplicate_probability = 0.5;
    link.drop_probability = 0.3;
    link.reorder = true;
    let mut direct = Simulation::new(&edited, 1, Strategy::VersionComparison).unwrap();
    direct.run_to_end();
    assert_eq!(forked.trace().hash(), direct.trace().hash());
    assert_ne!(forked.trace().hash(), original.full().trace().hash());
    // Out of range: refused, with the knob named.
    let bad = Command::SetLink {
        system: "warehouse".into(),
        delay: Delay::Uniform {
            min_ms: 0,
            max_ms: u64::MAX,
        },
        duplicate_probability: 0.0,
        drop_probability: 0.0,
        reorder: false,
    };
    let e = original.fork(0, &bad).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("delay.max_ms: expected at most 604800000 ms"),
        "{e}"
    );
}

/// The first built-in scenario with billing's clock gaining 1,000 ppm (1 ms a second).
fn drifting_billing() -> syncscope::sim::Scenario {
    let mut scenario = library::by_name("baseline").unwrap();
    scenario.clocks.insert(
        "billing".into(),
        Clock {
            offset_ms: 0,
            drift_ppm: 1000,
        },
    );
    scenario
}

#[test]
fn changing_a_clock_offset_by_hand_keeps_its_drift() {
    let mut sim = Simulation::new(&drifting_billing(), 1, Strategy::VersionComparison).unwrap();
    let billing = SystemId(1);
    let drift_ppm = sim.clock(billing).drift_ppm;
    sim.apply(&Command::Skew {
        system: "billing".into(),
        offset_ms: 500,
        drift_ppm,
    })
    .unwrap();
    // At 2,000 ms: 2,000 + 500 (the new offset) + 2 (1,000 ppm of 2,000 ms), by hand.
    assert_eq!(sim.clock(billing).read(2000), 2502);
}

#[test]
fn a_script_skew_and_a_skew_by_hand_do_the_same() {
    let set = Clock {
        offset_ms: -300,
        drift_ppm: 250,
    };
    // By script: a skew step at 0 ms, the run's first task.
    let mut scripted = drifting_billing();
    scripted.script.insert(
        0,
        ScriptStep {
            at: 0,
            after_step: None,
            command: Command::Skew {
                system: "billing".into(),
                offset_ms: set.offset_ms,
                drift_ppm: set.drift_ppm,
            },
        },
    );
    let mut by_script = Simulation::new(&scripted, 1, Strategy::VersionComparison).unwrap();
    by_script.step();
    // By hand: the same change before the first task.
    let mut by_hand = Simulation::new(&drifting_billing(), 1, Strategy::VersionComparison).unwrap();
    by_hand
        .apply(&Command::Skew {
            system: "billing".into(),
            offset_ms: set.offset_ms,
            drift_ppm: set.drift_ppm,
        })
        .unwrap();
    for sim in [&by_script, &by_hand] {
        assert_eq!(sim.clock(SystemId(1)), set);
        let last = sim.trace().last().unwrap();
        assert_eq!(last.kind, StepKind::Skew { offset_ms: -300 });
        assert_eq!(last.actor, SystemId(1));
    }
}

/// A restart of `system`.
fn restart(system: &str) -> Command {
    Command::Restart {
        system: system.into(),
    }
}

/// Billing writes `set` to customer-1.
fn local_write(set: syncscope::sim::record::Values) -> Command {
    Command::LocalWrite {
        system: "billing".into(),
        record: "customer-1".into(),
        set,
    }
}
