//! A generated scenario for benchmarks: many replicas, many records, a steady stream of
//! commands, and every fault knob turned on a little.

use std::collections::BTreeMap;

use super::command::Command;
use super::explain::grouped;
use super::record::Values;
use super::resolver::Strategy;
use super::scenario::{Delay, LinkFaults, RecordSpec, ReplicaSpec, Scenario, ScriptStep};

/// One of the explorer's generated loads: its name in the page, its size (replicas,
/// records, and commands, one a virtual millisecond) and about how many steps a run of it
/// takes (a test checks it, within 5 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExplorerLoad {
    /// Its name in the scenario list and the URL.
    pub name: &'static str,
    /// Replicas.
    pub replicas: usize,
    /// Records.
    pub records: usize,
    /// Commands, one a virtual millisecond.
    pub commands: usize,
    /// About how many steps a run takes.
    pub steps: usize,
}

/// The explorer's generated loads: about 100,000 steps, and about 1,000,000.
pub const EXPLORER_LOADS: [ExplorerLoad; 2] = [
    ExplorerLoad {
        name: "generated-load",
        replicas: 8,
        records: 200,
        commands: 10_200,
        steps: 100_000,
    },
    ExplorerLoad {
        name: "generated-load-1m",
        replicas: 8,
        records: 200,
        commands: 102_000,
        steps: 1_000_000,
    },
];

impl ExplorerLoad {
    /// The load called `name`, if there is one.
    pub fn named(name: &str) -> Option<ExplorerLoad> {
        EXPLORER_LOADS.into_iter().find(|l| l.name == name)
    }

    /// Its scenario.
    pub fn scenario(&self) -> Scenario {
        load_scenario(self.replicas, self.records, self.commands)
    }

    /// How the scenario list names it, with its size.
    pub fn title(&self) -> String {
        format!(
            "Generated load: {} replicas, {} commands (about {} steps)",
            self.replicas,
            grouped(self.commands as u64),
            grouped(self.steps as u64)
        )
    }

    /// What the explorer says about it.
    pub fn description(&self) -> String {
        format!(
            "A generated load: {} replicas, {} records, a command every millisecond, and every fault on a little. Use it to feel the engine's speed.",
            self.replicas, self.records
        )
    }
}

/// A scenario with `replicas` replicas, `records` records and one command per virtual
/// millisecond, `commands` in all. Each command is delivered to every replica at least once.
/// Every feature is on: duplicates, drops, reordering, side effects with idempotency keys,
/// a skewed clock, a crash and restart, and a poison record whose dead letters are replayed.
pub fn load_scenario(replicas: usize, records: usize, commands: usize) -> Scenario {
    let replicas = load_replicas(replicas);
    let records_list = (0..records)
        .map(|i| RecordSpec {
            id: format!("rec-{i}"),
            fields: [("n".to_string(), "0".to_string())].into_iter().collect(),
            lifecycle: None,
        })
        .collect();
    let script = load_script(records, commands);
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

/// `n` replicas with every fault knob turned on a little, odd ones reordering.
fn load_replicas(n: usize) -> Vec<ReplicaSpec> {
    (0..n)
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
        .collect()
}

/// One write a millisecond, `commands` in all, over `records` records, with a crash, a
/// poison record and a replay of its dead letters among them.
fn load_script(records: usize, commands: usize) -> Vec<ScriptStep> {
    let end = commands as u64;
    // The three steps besides the writes go where their times put them, after the write
    // of the same millisecond: the script is then in time order, and a run need not sort
    // it (a run orders equal times by position, so this is the order they always ran in).
    let extra = [
        ScriptStep {
            at: end / 3,
            after_step: None,
            command: Command::Crash {
                system: "replica-0".into(),
                until: end / 3 + 500,
            },
        },
        ScriptStep {
            at: 0,
            after_step: None,
            command: Command::Poison {
                system: "replica-1".into(),
                record: "rec-0".into(),
                until: Some(end / 2),
            },
        },
        ScriptStep {
            at: end + 5000,
            after_step: None,
            command: Command::ReplayDeadLetters {
                system: "replica-1".into(),
            },
        },
    ];
    let order = super::ordered::positions_by_key(extra.iter().map(|s| s.at));
    let mut extra = order
        .into_iter()
        .map(|i| extra[i as usize].clone())
        .peekable();
    let names: Vec<String> = (0..records).map(|i| format!("rec-{i}")).collect();
    let mut script: Vec<ScriptStep> = Vec::with_capacity(commands + extra.len());
    for i in 0..commands {
        script.push(ScriptStep {
            at: i as u64,
            after_step: None,
            command: Command::Write {
                record: names[(i * 7919) % records].clone(),
                event: None,
                set: Values::one("n", i.to_string()),
            },
        });
        while let Some(step) = extra.next_if(|s| s.at <= i as u64) {
            script.push(step);
        }
    }
    script.extend(extra);
    script
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Simulation, Strategy};

    #[test]
    fn each_explorer_load_is_named_by_its_size() {
        for load in EXPLORER_LOADS {
            let scenario = std::sync::Arc::new(load.scenario());
            // Written in time order, so that a run has nothing to sort.
            assert!(scenario.script.is_sorted_by_key(|s| s.at));
            let mut sim =
                Simulation::from_shared(scenario, 1, Strategy::VersionComparison).unwrap();
            sim.run_to_end();
            // "about N steps": within 5 %.
            let (steps, about) = (sim.tasks_done() as f64, load.steps as f64);
            assert!((steps - about).abs() <= about * 0.05, "{steps} steps");
            assert_eq!(ExplorerLoad::named(load.name), Some(load));
        }
        assert_eq!(
            EXPLORER_LOADS[1].title(),
            "Generated load: 8 replicas, 102,000 commands (about 1,000,000 steps)"
        );
    }
}
