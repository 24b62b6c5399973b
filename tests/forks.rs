//! A fork is exactly its original plus a list of (step, change): replaying the list on a
//! fresh run gives the fork's run, and the list survives a trip through JSON.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use syncscope::sim::explain::narrate;
use syncscope::sim::scenario::{Clock, Delay};
use syncscope::sim::timeline::{Timeline, replay};
use syncscope::sim::{Command, Simulation, SystemId, library};

/// The command that `kind` and `param` pick at `sim`'s current step; `None` when it picks
/// something that is not there (a message when none is in flight).
fn change_at(sim: &Simulation, kind: u8, param: u8) -> Option<Command> {
    let scenario = sim.scenario();
    let system = scenario.replicas[param as usize % scenario.replicas.len()]
        .name
        .clone();
    let record = scenario.records[param as usize % scenario.records.len()]
        .id
        .clone();
    let slot = sim.in_flight().first().map(|(slot, _)| *slot);
    let now = sim.now();
    Some(match kind % 15 {
        0 => Command::Drop { slot: slot? },
        1 => Command::Delay {
            slot: slot?,
            by_ms: 10 * (u64::from(param) + 1),
        },
        2 => Command::Duplicate { slot: slot? },
        3 => Command::Crash {
            system,
            until: now + 100 + u64::from(param),
        },
        4 => Command::Restart { system },
        5 => Command::Partition {
            system,
            until: now + 50 + u64::from(param),
        },
        6 => Command::Heal { system },
        7 => {
            let index = param as usize % (scenario.replicas.len() + 1);
            let Clock { drift_ppm, .. } = sim.clock(SystemId(index as u16));
            Command::Skew {
                system: scenario.system_name(SystemId(index as u16)).to_string(),
                offset_ms: (i64::from(param) - 128) * 10,
                drift_ppm,
            }
        }
        8 => Command::Write {
            record,
            event: None,
            set: [("note".to_string(), format!("s{param}"))].into(),
        },
        9 => Command::Poison {
            system,
            record,
            until: Some(now + 300),
        },
        10 => Command::ReplayDeadLetters { system },
        11 => Command::DiscardDeadLetters { system },
        12 => Command::SetLink {
            system,
            delay: Delay::Uniform {
                min_ms: 5,
                max_ms: 5 + u64::from(param),
            },
            duplicate_probability: 0.25,
            drop_probability: 0.1,
            reorder: param.is_multiple_of(2),
        },
        13 => Command::DeliverNext {
            slot: sim.in_flight().last().map(|(slot, _)| *slot)?,
        },
        _ => Command::LocalWrite {
            system,
            record,
            set: [("note".to_string(), format!("x{param}"))].into(),
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_fork_is_its_original_plus_its_changes(
        scenario in 0usize..10,
        picks in proptest::collection::vec((0u16..=1000, any::<u8>(), any::<u8>()), 1..=4),
    ) {
        let scenario = &library::all()[scenario];
        let fresh = || Simulation::new(scenario, scenario.seed, scenario.strategy).unwrap();
        // Fork after fork, as a person does in the explorer, each at a step at or after
        // the last change, keeping the changes the engine accepts.
        let mut timeline = Timeline::record(fresh());
        let mut changes: Vec<(u64, Command)> = Vec::new();
        for (fraction, kind, param) in picks {
            let from = changes.last().map_or(0, |(step, _)| *step);
            let step = from + (timeline.len() - from) * u64::from(fraction) / 1000;
            let Some(change) = change_at(&timeline.at(step), kind, param) else { continue };
            if let Ok(mut branch) = timeline.branch(step, &change) {
                while branch.advance(u64::MAX) {}
                timeline = branch;
                changes.push((step, change));
            }
        }
        let replayed = replay(fresh(), &changes).unwrap();
        prop_assert_eq!(replayed.trace().hash(), timeline.full().trace().hash());
        prop_assert_eq!(replayed.tasks_done(), timeline.len());
        let json = serde_json::to_string(&changes).unwrap();
        let back: Vec<(u64, Command)> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, changes);
    }
}

#[test]
fn a_command_reads_as_json_with_its_name_first() {
    let change = Command::Crash {
        system: "billing".into(),
        until: 1500,
    };
    assert_eq!(
        serde_json::to_string(&change).unwrap(),
        r#"{"do":"crash","system":"billing","until":1500}"#
    );
    let bad = serde_json::from_str::<Command>(r#"{"do":"crash","system":"billing"}"#);
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("missing field `until`")
    );
}

#[test]
fn a_script_step_that_cannot_apply_is_recorded_as_refused() {
    // consumer-crash crashes billing from 140 ms to 1000 ms. A second crash of billing at
    // 500 ms finds it down: refused, as a person's would be, and billing still restarts at
    // 1000 ms.
    let mut scenario = library::by_name("consumer-crash").unwrap();
    scenario.script.push(syncscope::sim::scenario::ScriptStep {
        at: 500,
        after_step: None,
        command: Command::Crash {
            system: "billing".into(),
            until: 3000,
        },
    });
    let mut sim = Simulation::new(&scenario, scenario.seed, scenario.strategy).unwrap();
    sim.run_to_end();
    let refused: Vec<String> = (0..sim.trace().len())
        .filter(|&i| sim.trace().step(i).kind.name() == "refused")
        .map(|i| format!("{}: {}", sim.trace().step(i).time, narrate(&sim, i)))
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].starts_with("500: "), "{refused:?}");
    assert!(
        refused[0].contains("a crash of billing: billing is already down"),
        "{refused:?}"
    );
    assert_eq!(sim.report().metrics.crashes, 1);
}
