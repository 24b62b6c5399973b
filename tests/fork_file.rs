//! A fork written as a scenario file: its changes become script entries keyed by step
//! (`after_step`), and the file replays the fork exactly, with the fork's trace hash, also
//! for a change made after the run went quiet (deciding an escalation at the end).
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::escalation::Decision;
use syncscope::sim::scenario::ScriptStep;
use syncscope::sim::timeline::Timeline;
use syncscope::sim::{Command, Scenario, Simulation, Strategy, library};

/// The fork of `scenario`'s run under `strategy` with `changes`, made as the explorer makes
/// forks: each on the timeline of the one before, at its step.
fn fork(scenario: &Scenario, strategy: Strategy, changes: &[(u64, Command)]) -> Simulation {
    let mut timeline =
        Timeline::record(Simulation::new(scenario, scenario.seed, strategy).unwrap());
    for (step, change) in changes {
        timeline = timeline.branch(*step, change).unwrap();
        while timeline.advance(1000) {}
    }
    timeline.full().clone()
}

/// `scenario` with `changes` appended to its script as step-keyed entries, written to JSON
/// and read back, as the page's download and a later import do.
fn as_file(scenario: &Scenario, changes: &[(u64, Command)]) -> Scenario {
    let mut written = scenario.clone();
    written
        .script
        .extend(changes.iter().map(|(step, command)| ScriptStep {
            at: 0,
            after_step: Some(*step),
            command: command.clone(),
        }));
    Scenario::from_json(&written.to_json()).unwrap()
}

fn hash_of(scenario: &Scenario, strategy: Strategy) -> String {
    let mut sim = Simulation::new(scenario, scenario.seed, strategy).unwrap();
    sim.run_to_end();
    sim.trace().hash()
}

#[test]
fn a_forks_changes_as_step_keyed_script_entries_replay_the_fork() {
    let scenario = library::built_in("email-conflict").unwrap();
    let original = Timeline::record(
        Simulation::new(&scenario, scenario.seed, Strategy::HumanEscalation).unwrap(),
    );
    let end = original.len();
    let changes = vec![
        (
            0,
            Command::Skew {
                system: "billing".into(),
                offset_ms: -40,
                drift_ppm: 0,
            },
        ),
        (
            3,
            Command::Crash {
                system: "warehouse".into(),
                until: original.time_at(3) + 300,
            },
        ),
        (
            3,
            Command::Partition {
                system: "billing".into(),
                until: original.time_at(3) + 200,
            },
        ),
    ];
    let fork_run = fork(&scenario, Strategy::HumanEscalation, &changes);
    let file = as_file(&scenario, &changes);
    assert_eq!(
        hash_of(&file, Strategy::HumanEscalation),
        fork_run.trace().hash()
    );
    // The fork differs from the original: the test would notice changes left out.
    assert_ne!(fork_run.trace().hash(), original.full().trace().hash());
    // A decision made once the run is over (the escalation waits at the end).
    let escalation = original
        .full()
        .escalations()
        .first()
        .expect("email-conflict escalates")
        .id;
    let decided = vec![(
        end,
        Command::Resolve {
            escalation,
            decision: Decision::KeepSource,
        },
    )];
    let fork_run = fork(&scenario, Strategy::HumanEscalation, &decided);
    assert!(fork_run.trace().len() > original.full().trace().len());
    assert_eq!(
        hash_of(&as_file(&scenario, &decided), Strategy::HumanEscalation),
        fork_run.trace().hash()
    );
}

#[test]
fn a_script_entry_has_a_time_or_a_step_count_not_both() {
    let scenario = library::built_in("baseline").unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&scenario.to_json()).unwrap();
    json["script"][0]["after_step"] = 2.into();
    let error = Scenario::from_json(&json.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("script[0]") && error.contains("not both"),
        "{error}"
    );
    json["script"][0].as_object_mut().unwrap().remove("at");
    let read = Scenario::from_json(&json.to_string()).unwrap();
    assert_eq!(read.script[0].after_step, Some(2));
}
