//! Exports: CloudEvents JSON checked against the CloudEvents 1.0 rules, Mermaid diagrams
//! checked line by line against a hand-derived run.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use syncscope::sim::{Simulation, Strategy, export, library};

fn is_rfc3339_utc(s: &str) -> bool {
    // YYYY-MM-DDTHH:MM:SS.mmmZ
    let b = s.as_bytes();
    b.len() == 24
        && s.chars().enumerate().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == '.',
            23 => c == 'Z',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn every_exported_event_follows_the_cloudevents_1_0_rules() {
    for scenario in library::all() {
        for strategy in Strategy::ALL {
            let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
            sim.run_to_end();
            let events = export::cloudevents(&sim);
            let events = events.as_array().expect("a JSON array");
            assert_eq!(events.len() as u64, sim.metrics().published);
            let mut ids = BTreeSet::new();
            for e in events {
                let obj = e.as_object().unwrap();
                // Attribute names: lower-case letters and digits only (spec, "Attribute Naming Convention").
                for name in obj.keys() {
                    assert!(
                        name.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                        "{name}"
                    );
                }
                assert_eq!(e["specversion"], "1.0");
                let id = e["id"].as_str().unwrap();
                assert!(!id.is_empty());
                // source + id must be unique.
                assert!(ids.insert((e["source"].as_str().unwrap().to_string(), id.to_string())));
                assert!(e["source"].as_str().unwrap().starts_with("/systems/"));
                assert!(
                    e["type"]
                        .as_str()
                        .unwrap()
                        .starts_with("io.syncscope.record.")
                );
                assert!(!e["subject"].as_str().unwrap().is_empty());
                assert!(is_rfc3339_utc(e["time"].as_str().unwrap()), "{}", e["time"]);
                assert_eq!(e["datacontenttype"], "application/json");
                assert!(e["data"]["fields"].is_object());
                assert_eq!(
                    e["data"]["version"].as_u64().unwrap(),
                    e["data"]["previous_version"].as_u64().unwrap() + 1
                );
            }
        }
    }
}

#[test]
fn mermaid_sequence_of_the_email_conflict_under_lww() {
    let scenario = library::by_name("email-conflict").unwrap();
    let mut sim = Simulation::new(&scenario, 1, Strategy::LastWriteWins).unwrap();
    sim.run_to_end();
    // Same story as the hand-derived trace in tests/engine.rs.
    assert_eq!(
        export::mermaid(&sim),
        "sequenceDiagram
    participant crm as crm (source of truth)
    participant billing as billing
    participant warehouse as warehouse
    Note over crm: 100 ms: command w1 on customer-1
    Note over billing: 110 ms: local write w2 on customer-1
    crm->>billing: 130 ms: evt-1 (v2)
    Note over billing: evt-1 rejected as stale
    crm->>warehouse: 130 ms: evt-1 (v2)
    billing->>crm: 140 ms: request w2
    Note over crm: 140 ms: w1 lost
    crm->>billing: 170 ms: evt-2 (v3)
    crm->>warehouse: 170 ms: evt-2 (v3)
"
    );
}

#[test]
fn cli_prints_exports_and_lifecycles() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_syncscope"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, out, _) = run(&["lifecycle", "order"]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("stateDiagram-v2\n    [*] --> Draft\n"));
    let (code, _, err) = run(&["lifecycle", "ticket"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "syncscope: unknown lifecycle \"ticket\"; expected one of order\n"
    );
    let (code, out, _) = run(&["run", "storm", "--format", "cloudevents"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let (code, out, _) = run(&["run", "saga", "--format", "mermaid"]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("sequenceDiagram\n"));
    assert_eq!(out.matches("compensation").count(), 3);
}
