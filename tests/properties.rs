//! Property tests over random seeds, fault settings and scripts.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use syncscope::sim::scenario::{
    Clock, Delay, LinkFaults, RecordSpec, ReplicaSpec, ScriptStep, Window,
};
use syncscope::sim::trace::StepKind;
use syncscope::sim::{Command, Scenario, Simulation, Strategy as Resolve};

fn delay() -> impl Strategy<Value = Delay> {
    prop_oneof![
        (0u64..100).prop_map(|ms| Delay::Fixed { ms }),
        (0u64..50, 0u64..200).prop_map(|(a, b)| Delay::Uniform {
            min_ms: a,
            max_ms: a + b
        }),
        (1u64..150).prop_map(|mean_ms| Delay::Exponential { mean_ms }),
        (1u64..40, 1.1f64..3.0).prop_map(|(min_ms, alpha)| Delay::LongTail { min_ms, alpha }),
    ]
}

fn link() -> impl Strategy<Value = LinkFaults> {
    (
        delay(),
        0.0f64..0.6,
        any::<bool>(),
        0.0f64..0.6,
        20u64..300,
        proptest::option::of((0u64..800, 1u64..600)),
    )
        .prop_map(|(delay, dup, reorder, drop, ack, partition)| LinkFaults {
            delay,
            duplicate_probability: dup,
            reorder,
            drop_probability: drop,
            ack_timeout_ms: ack,
            ack_delay_ms: 5,
            partitions: partition
                .map(|(from, len)| Window {
                    from,
                    to: from + len,
                })
                .into_iter()
                .collect(),
        })
}

/// A random scenario: 1–4 replicas, 1–3 records, up to 12 commands and, when
/// `local_writes`, up to 6 local writes at replicas.
fn scenario(local_writes: bool) -> impl Strategy<Value = Scenario> {
    let max_local = if local_writes { 6 } else { 0 };
    (
        proptest::collection::vec(link(), 1..=4),
        1usize..=3,
        proptest::collection::vec((0u64..1000, 0usize..3, 0u32..5), 0..12),
        proptest::collection::vec((0u64..1000, 0usize..4, 0usize..3, 0u32..5), 0..=max_local),
        proptest::collection::vec((0u64..1000, 0usize..4, 1u64..400), 0..3),
        proptest::collection::vec((0usize..5, -300i64..300, -2000i64..2000), 0..3),
    )
        .prop_map(|(links, records, commands, locals, crashes, skews)| {
            let replicas: Vec<ReplicaSpec> = links
                .into_iter()
                .enumerate()
                .map(|(i, link)| ReplicaSpec {
                    name: format!("r{i}"),
                    link,
                    retry: Default::default(),
                    effect: None,
                })
                .collect();
            let set = |v: u32| [("value".to_string(), v.to_string())].into_iter().collect();
            let mut script: Vec<ScriptStep> = commands
                .into_iter()
                .map(|(at, rec, v)| ScriptStep {
                    at,
                    after_step: None,
                    command: Command::Write {
                        event: None,
                        record: format!("rec{}", rec % records),
                        set: set(v),
                    },
                })
                .collect();
            script.extend(locals.into_iter().map(|(at, r, rec, v)| ScriptStep {
                at,
                after_step: None,
                command: Command::LocalWrite {
                    system: replicas[r % replicas.len()].name.clone(),
                    record: format!("rec{}", rec % records),
                    set: set(100 + v),
                },
            }));
            let mut scenario = Scenario {
                name: "random".into(),
                title: "random".into(),
                description: String::new(),
                seed: 0,
                strategy: Resolve::VersionComparison,
                idempotency: true,
                source: "src".into(),
                replicas,
                records: (0..records)
                    .map(|i| RecordSpec {
                        id: format!("rec{i}"),
                        fields: Default::default(),
                        lifecycle: None,
                    })
                    .collect(),
                script,
                clocks: BTreeMap::new(),
                lifecycles: BTreeMap::new(),
                sagas: Vec::new(),
            };
            // Crashes restart within the run; clock skews apply from the start.
            for (at, r, down) in crashes {
                let system = scenario.replicas[r % scenario.replicas.len()].name.clone();
                scenario.script.push(ScriptStep {
                    at,
                    after_step: None,
                    command: Command::Crash {
                        system,
                        until: at + down,
                    },
                });
            }
            for (s, offset_ms, drift_ppm) in skews {
                let system = if s == 0 {
                    scenario.source.clone()
                } else {
                    scenario.replicas[(s - 1) % scenario.replicas.len()]
                        .name
                        .clone()
                };
                scenario.clocks.insert(
                    system,
                    Clock {
                        offset_ms,
                        drift_ppm,
                    },
                );
            }
            scenario
        })
}

fn strategy() -> impl Strategy<Value = Resolve> {
    prop_oneof![
        Just(Resolve::LastWriteWins),
        Just(Resolve::VersionComparison),
        Just(Resolve::HumanEscalation),
    ]
}

fn run(scenario: &Scenario, seed: u64, strategy: Resolve) -> Simulation {
    let mut sim = Simulation::new(scenario, seed, strategy).expect("generated scenarios are valid");
    sim.run_to_end();
    assert!(sim.is_quiet(), "seed={seed}: run did not finish");
    sim
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn with_idempotency_every_event_is_applied_at_most_once_per_replica(
        sc in scenario(true), seed in any::<u64>(), st in strategy()
    ) {
        let sim = run(&sc, seed, st);
        let mut applied = BTreeSet::new();
        for step in sim.trace().iter() {
            if let StepKind::Apply { event, .. } = step.kind {
                prop_assert!(applied.insert((step.actor, event)), "seed={seed}: {:?} applied {event} twice", step.actor);
            }
        }
        prop_assert_eq!(sim.metrics().duplicates_applied, 0);
    }

    #[test]
    fn version_comparison_without_local_writes_converges(sc in scenario(false), seed in any::<u64>()) {
        let sim = run(&sc, seed, Resolve::VersionComparison);
        prop_assert!(sim.metrics().converged, "seed={seed}: {:?}", sim.violations());
        for r in 0..sc.replicas.len() {
            prop_assert_eq!(sim.replica_records(r), sim.source_records(), "seed={}", seed);
        }
    }

    #[test]
    fn lww_lost_updates_are_exactly_what_the_checker_reports(sc in scenario(true), seed in any::<u64>()) {
        let sim = run(&sc, seed, Resolve::LastWriteWins);
        let checked: BTreeSet<_> = sim.checked_lost_writes().into_iter().map(|l| l.write).collect();
        prop_assert_eq!(sim.lost_updates().collect::<BTreeSet<_>>(), checked.clone(), "seed={}", seed);
        prop_assert_eq!(sim.metrics().lost_updates as usize, checked.len());
        // Without clock skew, last-write-wins still converges: it loses writes, not
        // agreement. With skew it can leave a replica holding a write the source threw away.
        if sc.clocks.is_empty() {
            prop_assert!(sim.metrics().converged, "seed={seed}: {:?}", sim.violations());
        }
    }

    #[test]
    fn same_seed_same_trace(sc in scenario(true), seed in any::<u64>(), st in strategy()) {
        let a = run(&sc, seed, st);
        let b = run(&sc, seed, st);
        prop_assert_eq!(a.trace().hash(), b.trace().hash(), "seed={}", seed);
    }

    #[test]
    fn version_and_escalation_lose_no_write_silently(sc in scenario(true), seed in any::<u64>()) {
        for st in [Resolve::VersionComparison, Resolve::HumanEscalation] {
            let sim = run(&sc, seed, st);
            prop_assert!(sim.checked_lost_writes().is_empty(), "seed={seed} {st}");
        }
    }
}
