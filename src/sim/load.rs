//! A generated scenario for benchmarks: many replicas, many records, a steady stream of
//! commands, and every fault knob turned on a little.

use std::collections::BTreeMap;

use super::command::Command;
use super::resolver::Strategy;
use super::scenario::{Delay, LinkFaults, RecordSpec, ReplicaSpec, Scenario, ScriptStep};

/// The size of the explorer's generated load: replicas, records and commands (one a
/// virtual millisecond).
pub const EXPLORER_LOAD: (usize, usize, usize) = (8, 200, 10_200);

/// The explorer's generated load (`EXPLORER_LOAD`).
pub fn explorer_load() -> Scenario {
    let (replicas, records, commands) = EXPLORER_LOAD;
    load_scenario(replicas, records, commands)
}

/// The explorer's name for its generated load, with its size. The number of steps is
/// what a run of it takes (a test checks it).
pub fn explorer_load_title() -> String {
    let (replicas, _, commands) = EXPLORER_LOAD;
    format!(
        "Generated load: {replicas} replicas, {} commands (about 100,000 steps)",
        grouped(commands)
    )
}

/// `n` with a comma between thousands: 10,200.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the explorer says about its generated load.
pub fn explorer_load_description() -> String {
    let (replicas, records, _) = EXPLORER_LOAD;
    format!(
        "A generated load: {replicas} replicas, {records} records, a command every millisecond, and every fault on a little. Use it to feel the engine's speed."
    )
}

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
            fields: [("n".to_string(), "0".to_string())].into_iter().collect(),
            lifecycle: None,
        })
        .collect();
    // Room for the three steps added below, so that the script does not double its
    // capacity for them (a long script is most of a scenario's memory).
    let mut script: Vec<ScriptStep> = Vec::with_capacity(commands + 3);
    script.extend((0..commands).map(|i| ScriptStep {
        at: i as u64,
        command: Command::Write {
            record: format!("rec-{}", (i * 7919) % records),
            event: None,
            set: [("n".to_string(), i.to_string())].into_iter().collect(),
        },
    }));
    let end = commands as u64;
    script.push(ScriptStep {
        at: end / 3,
        command: Command::Crash {
            system: "replica-0".into(),
            until: end / 3 + 500,
        },
    });
    script.push(ScriptStep {
        at: 0,
        command: Command::Poison {
            system: "replica-1".into(),
            record: "rec-0".into(),
            until: Some(end / 2),
        },
    });
    script.push(ScriptStep {
        at: end + 5000,
        command: Command::ReplayDeadLetters {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Simulation, Strategy};

    #[test]
    fn the_explorer_load_is_named_by_its_size() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(10_200), "10,200");
        assert_eq!(grouped(1_234_567), "1,234,567");
        let mut sim = Simulation::new(&explorer_load(), 1, Strategy::VersionComparison).unwrap();
        sim.run_to_end();
        // "about 100,000 steps": within 5 %.
        let steps = sim.tasks_done();
        assert!((95_000..=105_000).contains(&steps), "{steps} steps");
        assert!(explorer_load_title().contains("8 replicas, 10,200 commands"));
    }
}
