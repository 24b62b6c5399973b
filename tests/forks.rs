//! A fork is exactly its original plus a list of (step, change): replaying the list on a
//! fresh run gives the fork's run, and the list survives a trip through JSON.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use syncscope::sim::scenario::Clock;
use syncscope::sim::timeline::{Intervention, Timeline, replay};
use syncscope::sim::{Simulation, SystemId, library};

/// The change that `kind` and `param` pick at `sim`'s current step; `None` when it picks
/// something that is not there (a message when none is in flight).
fn change_at(sim: &Simulation, kind: u8, param: u8) -> Option<Intervention> {
    let replicas = sim.scenario().replicas.len();
    let replica = param as usize % replicas;
    let slot = sim.in_flight().first().map(|(slot, _)| *slot);
    let now = sim.now();
    Some(match kind % 9 {
        0 => Intervention::Drop { slot: slot? },
        1 => Intervention::Delay {
            slot: slot?,
            by_ms: 10 * (u64::from(param) + 1),
        },
        2 => Intervention::Duplicate { slot: slot? },
        3 => Intervention::Crash {
            replica,
            until: now + 100 + u64::from(param),
        },
        4 => Intervention::Restart { replica },
        5 => Intervention::Partition {
            replica,
            until: now + 50 + u64::from(param),
        },
        6 => Intervention::Heal { replica },
        7 => {
            let system = param as usize % (replicas + 1);
            let Clock { drift_ppm, .. } = sim.clock(SystemId(system as u16));
            Intervention::Skew {
                system: system as u16,
                offset_ms: (i64::from(param) - 128) * 10,
                drift_ppm,
            }
        }
        _ => Intervention::LocalWrite {
            replica,
            record: sim.scenario().records[0].id.clone(),
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
        let mut changes: Vec<(u64, Intervention)> = Vec::new();
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
        let back: Vec<(u64, Intervention)> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, changes);
    }
}

#[test]
fn a_change_reads_as_json_with_its_name_first() {
    let change = Intervention::Crash {
        replica: 0,
        until: 1500,
    };
    assert_eq!(
        serde_json::to_string(&change).unwrap(),
        r#"{"do":"crash","replica":0,"until":1500}"#
    );
    let bad = serde_json::from_str::<Intervention>(r#"{"do":"crash","replica":0}"#);
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("missing field `until`")
    );
}
