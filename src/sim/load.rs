//! A generated scenario for benchmarks: many replicas, many records, a steady stream of
//! commands, and every fault knob turned on a little.

use std::collections::BTreeMap;

use super::resolver::Strategy;
use super::scenario::{Action, Delay, LinkFaults, RecordSpec, ReplicaSpec, Scenario, ScriptStep};

/// A scenario with `replicas` replicas, `records` records and one command per virtual
/// millisecond, `commands` in all. Each command is delivered to every replica at least once.
/// Every feature is on: duplicates, drops, reordering, side effects with idempotency keys,
/// a skewed clock, a crash and restart, and a poison record whose dead letters are replayed.
pub fn load_scenario(replicas: usize, records: usize, commands: usize) -> Scenario {
    let replicas = (0..replicas)
        .map(|i| ReplicaSpec {
            name: format!("replica-{i}"),
            link: LinkFaults {
                delay: Delay::Uniform {
                    min_ms: 1,
                    max_ms: 50,
                },
                duplicate_probability: 0.05,
                reorder: i % 2 == 1,
                drop_probability: 0.02,
                ack_timeout_ms: 100,
                ack_delay_ms: 5,
                partitions: Vec::new(),
            },
            retry: Default::default(),
            effect: Some(super::scenario::Effect {
                name: "notify".into(),
                idempotency_keys: true,
            }),
        })
        .collect();
    let records_list = (0..records)
        .map(|i| RecordSpec {
            id: format!("rec-{i}"),
            fields: super::ordered::map_of([("n".to_string(), "0".to_string())]),
            lifecycle: None,
        })
        .collect();
    let script = (0..commands)
        .map(|i| ScriptStep {
            at: i as u64,
            action: Action::Command {
                record: format!("rec-{}", (i * 7919) % records),
                event: None,
                set: super::ordered::map_of([("n".to_string(), i.to_string())]),
            },
        })
        .collect();
    let mut script: Vec<ScriptStep> = script;
    let end = commands as u64;
    script.push(ScriptStep {
        at: end / 3,
        action: Action::Crash {
            system: "replica-0".into(),
            until: end / 3 + 500,
        },
    });
    script.push(ScriptStep {
        at: 0,
        action: Action::Poison {
            system: "replica-1".into(),
            record: "rec-0".into(),
            until: Some(end / 2),
        },
    });
    script.push(ScriptStep {
        at: end + 5000,
        action: Action::ReplayDeadLetters {
            system: "replica-1".into(),
        },
    });
    let clocks = super::ordered::map_of([(
        "replica-2".to_string(),
        super::scenario::Clock {
            offset_ms: -20,
            drift_ppm: 500,
        },
    )]);
    Scenario {
        name: "load".into(),
        title: "Generated load".into(),
        description: "A steady stream of commands to many replicas, for benchmarks.".into(),
        seed: 1,
        strategy: Strategy::VersionComparison,
        idempotency: true,
        source: "source".into(),
        replicas,
        records: records_list,
        script,
        clocks,
        lifecycles: BTreeMap::new(),
        sagas: Vec::new(),
    }
}
