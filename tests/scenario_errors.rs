//! Bad scenario input: every error names its JSON path, line and column, says what was
//! found and what is allowed, and nothing panics, whatever the input.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use syncscope::sim::rng::SimRng;
use syncscope::sim::{Scenario, Simulation, library};

fn errors(text: &str) -> Vec<String> {
    Scenario::from_json(text)
        .unwrap_err()
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

const TYPED_BADLY: &str = r#"{
  "name": "bad",
  "title": "Bad",
  "source": "crm",
  "colour": "blue",
  "replicas": [
    { "name": "billing", "link": { "delay": { "kind": "exponential", "mean_ms": -5 } } },
    { "name": "warehouse", "link": { "reorder": "sometimes" } }
  ],
  "records": [ { "id": "c1" } ],
  "script": [
    { "at": 20, "do": "teleport" }
  ]
}"#;

#[test]
fn every_type_error_is_reported_with_path_line_and_column() {
    assert_eq!(
        errors(TYPED_BADLY),
        vec![
            "colour: unknown field; expected one of name, title, description, seed, strategy, idempotency, source, replicas, records, script, clocks, lifecycles, sagas (line 5, column 13)",
            "replicas[0].link.delay.mean_ms: expected a whole number, 0 or more, found -5 (line 7, column 81)",
            "replicas[1].link.reorder: expected a boolean, found \"sometimes\" (line 8, column 49)",
            "script[0]: unknown variant `teleport`; expected one of `command`, `local_write`, `crash`, `skew`, `poison`, `replay_dead_letters`, `discard_dead_letters`, `start_saga`, `fail_saga` (line 12, column 5)",
        ]
    );
}

#[test]
fn meaning_errors_are_all_reported_with_positions() {
    let text = r#"{
  "name": "bad", "title": "Bad", "source": "crm",
  "replicas": [
    { "name": "crm" },
    { "name": "billing", "link": { "drop_probability": 2, "partitions": [ { "from": 50, "to": 10 } ] } }
  ],
  "records": [ { "id": "c1", "lifecycle": "ticket" } ],
  "script": [
    { "at": 10, "do": "command", "record": "c2", "set": { "a": "b" } },
    { "at": 20, "do": "crash", "system": "billing", "until": 5 }
  ]
}"#;
    let found = errors(text);
    let expected = [
        "replicas[0].name: \"crm\" is already the name of another system (line 4, column 15)",
        "replicas[1].link.drop_probability: expected a number from 0 to 0.9, found 2 (line 5, column 56)",
        "replicas[1].link.partitions[0].to: expected a time after from (50), found 10 (line 5, column 95)",
        "records[0].lifecycle: no lifecycle is called \"ticket\"; define it under lifecycles (line 7, column 43)",
        "script[0].record: no record has the id \"c2\" (line 9, column 44)",
        "script[1].until: expected a time after at (20), found 5 (line 10, column 62)",
    ];
    for e in expected {
        assert!(
            found.iter().any(|f| f == e),
            "missing {e}\nfound:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(found.len(), expected.len(), "{}", found.join("\n"));
}

#[test]
fn nested_unknown_fields_are_errors() {
    let json =
        library::BUILT_IN[0]
            .1
            .replacen("\"min_ms\": 5,", "\"min_ms\": 5, \"jitter\": 1,", 1);
    let found = errors(&json);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(
            "replicas[0].link.delay.jitter: unknown field `jitter`; expected one of `kind`"
        ),
        "{}",
        found[0]
    );
}

#[test]
fn broken_json_gets_its_position() {
    assert_eq!(
        errors("{\"name\": \"x\",\n  \"title\": }"),
        vec!["scenario: not valid JSON: expected value (line 2, column 12)"]
    );
    assert_eq!(
        errors("[1, 2]"),
        vec!["scenario: expected a JSON object, found a list (line 1, column 1)"]
    );
}

#[test]
fn limits_are_named() {
    let mut scenario = library::by_name("baseline").unwrap().unwrap();
    let step = scenario.script[0].clone();
    scenario.script = vec![step; 2_000_000];
    let message = scenario.validate().unwrap_err().to_string();
    assert!(
        message.contains("would make up to 6000000 deliveries; the limit is 5000000"),
        "{message}"
    );
    let huge = " ".repeat(syncscope::sim::scenario_json::MAX_BYTES + 1);
    assert!(errors(&huge)[0].contains("the limit is 16777216 bytes"));
}

/// Changes one thing in a JSON value, chosen by `rng`.
fn mutate(value: &mut serde_json::Value, rng: &mut SimRng, depth: u32) {
    use serde_json::{Value, json};
    let replacement = |rng: &mut SimRng| match rng.between(0, 9) {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!(u64::MAX),
        3 => json!(1e300),
        4 => json!(""),
        5 => json!("billing"),
        6 => json!([]),
        7 => json!({}),
        8 => json!(true),
        _ => json!(0.5),
    };
    match value {
        Value::Object(map) if !map.is_empty() && depth < 8 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.between(0, keys.len() as u64 - 1) as usize];
            match rng.between(0, 5) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(format!("extra{}", rng.between(0, 9)), replacement(rng));
                }
                2 => {
                    map.insert(key.clone(), replacement(rng));
                }
                _ => mutate(map.get_mut(key).unwrap(), rng, depth + 1),
            }
        }
        Value::Array(items) if !items.is_empty() && depth < 8 => {
            let i = rng.between(0, items.len() as u64 - 1) as usize;
            match rng.between(0, 4) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.push(copy);
                }
                _ => mutate(&mut items[i], rng, depth + 1),
            }
        }
        other => *other = replacement(rng),
    }
}

/// A structure-aware fuzzer: mutates the built-in scenarios one to three times each, and
/// sometimes cuts or garbles the text, then reads each result and, when it is valid, runs
/// it with a step budget. Nothing may panic. Prints how many inputs were tried.
#[test]
fn fuzzing_the_reader_never_panics() {
    let mut rng = SimRng::new(2026);
    let (mut tried, mut valid) = (0, 0);
    for round in 0..3000 {
        let (_, json) = library::BUILT_IN[round % library::BUILT_IN.len()];
        let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
        for _ in 0..rng.between(1, 3) {
            mutate(&mut value, &mut rng, 0);
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap();
        match rng.between(0, 9) {
            0 => text.truncate(rng.between(0, text.len() as u64) as usize),
            1 => {
                let at = rng.between(0, text.len() as u64 - 1) as usize;
                text = format!("{}{}{}", &text[..at], "\u{0}}}]\"", &text[at..]);
            }
            _ => {}
        }
        tried += 1;
        if let Ok(scenario) = Scenario::from_json(&text) {
            valid += 1;
            let mut sim = Simulation::new(&scenario, round as u64, scenario.strategy).unwrap();
            sim.run_for(200_000);
            let _ = sim.report();
        }
    }
    println!("fuzz: {tried} mutated scenarios read, {valid} of them valid and run");
    assert_eq!(tried, 3000);
    assert!(
        valid > 100,
        "the mutations should leave some scenarios valid ({valid})"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(Scenario::from_json(&text).is_err());
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let _ = Scenario::from_json(&value.to_string());
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("name".to_string()),
                    Just("replicas".to_string()),
                    Just("records".to_string()),
                    Just("script".to_string()),
                    Just("link".to_string()),
                    Just("delay".to_string()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
