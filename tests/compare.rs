//! Strategies side by side (`sim::compare`): the summary rows and where runs part, on
//! runs worked out by hand (tests/engine.rs has email-conflict's traces).
#![cfg(not(target_arch = "wasm32"))]

use syncscope::sim::compare::{first_parting, row};
use syncscope::sim::{Simulation, Strategy, library};

fn runs(name: &str) -> Vec<Simulation> {
    let scenario = library::built_in(name).unwrap();
    Strategy::ALL
        .iter()
        .map(|&strategy| {
            let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
            sim.run_to_end();
            sim
        })
        .collect()
}

#[test]
fn email_conflict_parts_when_the_crm_write_reaches_billing() {
    let runs = runs("email-conflict");
    let all: Vec<&Simulation> = runs.iter().collect();
    let parting = first_parting(&all).expect("the strategies part");
    // command, commit, publish, local write, delivery to billing: then each decides.
    assert_eq!((parting.entry, parting.time), (5, 130));
    let said: Vec<String> = parting.said.into_iter().map(Option::unwrap).collect();
    assert!(said[0].contains("applied"), "{}", said[0]); // arrival
    assert!(said[1].contains("stale"), "{}", said[1]); // lww
    assert!(said[2].contains("conflict"), "{}", said[2]); // version
    assert!(said[3].contains("person"), "{}", said[3]); // escalate
}

#[test]
fn the_rows_say_what_each_strategy_ended_with() {
    let runs = runs("email-conflict");
    let rows: Vec<_> = runs.iter().map(row).collect();
    let line = |i: usize| {
        let r = &rows[i];
        (r.lost_updates, r.conflicts, r.escalations, r.converged_at)
    };
    assert_eq!(line(0), (1, 0, 0, Some(170))); // arrival: the CRM's write is lost
    assert_eq!(line(1), (1, 0, 0, Some(170))); // lww: the same, for another reason
    assert_eq!(line(2), (0, 1, 0, Some(130))); // version: reported, the CRM's value kept
    // Escalation: the conflict is detected too, and waits for a person.
    assert_eq!(line(3), (0, 1, 1, None));
    assert_eq!(rows[1].stale_rejected, 1);
    assert_eq!(rows[1].longest_window_ms, Some(70));
    assert_eq!(rows[3].never_consistent, 1);
}

#[test]
fn runs_that_agree_do_not_part() {
    let runs = runs("baseline");
    let all: Vec<&Simulation> = runs.iter().collect();
    assert_eq!(first_parting(&all), None);
    assert_eq!(first_parting(&[]), None);
}

/// What a run ended with, to tell strategies apart: its row without the strategy, and
/// every copy's fields.
fn ending(sim: &Simulation) -> String {
    let mut r = row(sim);
    r.strategy = None;
    let copies: Vec<String> = std::iter::once(sim.source_records())
        .chain((0..sim.scenario().replicas.len()).map(|i| sim.replica_records(i)))
        .flat_map(|records| records.iter().map(|c| format!("{:?}", c.fields)))
        .collect();
    format!("{r:?} {copies:?}")
}

#[test]
fn at_least_six_built_ins_end_differently_by_strategy_and_say_so() {
    let (mut differing, mut problems) = (Vec::new(), Vec::new());
    for scenario in library::all() {
        let runs = runs(&scenario.name);
        let endings: std::collections::BTreeSet<String> = runs.iter().map(ending).collect();
        let description = scenario.description.to_lowercase();
        if endings.len() > 1 {
            differing.push(scenario.name.clone());
            for s in Strategy::ALL {
                if !description.contains(&s.label().to_lowercase()) {
                    problems.push(format!(
                        "{}: the strategies end differently, and the description does not name {}",
                        scenario.name,
                        s.label()
                    ));
                }
            }
        } else if !description.contains("every strategy") {
            problems.push(format!(
                "{}: every strategy ends the same, and the description does not say so",
                scenario.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(differing.len() >= 6, "{differing:?}");
}

#[test]
fn what_each_strategy_holds_where_they_part() {
    use syncscope::sim::compare::held_after;
    use syncscope::sim::timeline::Timeline;
    let scenario = library::built_in("email-conflict").unwrap();
    let held: Vec<String> = Strategy::ALL
        .iter()
        .map(|&s| {
            let timeline = Timeline::record(Simulation::new(&scenario, 1, s).unwrap());
            // The strategies part at entry 5, at 130 ms (billing's decision).
            let then = timeline.at(timeline.task_at_time(130));
            held_after(timeline.full(), 5, &then).unwrap()
        })
        .collect();
    // By hand: apply on arrival and version comparison took the CRM's email; last write
    // wins, escalation and field-level merge (both changed the email) kept billing's own
    // (version 2, its unconfirmed write).
    let crm = "billing then holds email=ada@crm.example, name=Ada of customer-1 (v2).";
    let own = "billing then holds email=ada@billing.example, name=Ada of customer-1 (v2).";
    assert_eq!(held, [crm, own, crm, own, own]);
}
