//! Bad scenario input: every error names its JSON path, line and column, says what was
//! found and what is allowed, and nothing panics, whatever the input.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use syncscope::sim::rng::SimRng;
use syncscope::sim::scenario::limits::MAX_TIME_MS;
use syncscope::sim::{Scenario, Simulation, Strategy as Resolve, library};

/// Mutated scenario files the fuzzer reads (and runs, when valid) on every test run.
const FUZZ_ROUNDS: usize = 4000;

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
            "script[0]: unknown variant `teleport`; expected one of `write`, `local_write`, `crash`, `restart`, `skew`, `poison`, `replay_dead_letters`, `discard_dead_letters`, `start_saga`, `fail_saga`, `drop`, `delay`, `duplicate`, `deliver_next`, `partition`, `heal`, `set_link`, `resolve` (line 12, column 5)",
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
    { "at": 10, "do": "write", "record": "c2", "set": { "a": "b" } },
    { "at": 20, "do": "crash", "system": "billing", "until": 5 }
  ]
}"#;
    let found = errors(text);
    let expected = [
        "replicas[0].name: \"crm\" is already the name of another system (line 4, column 15)",
        "replicas[1].link.drop_probability: expected a number from 0 to 0.9, found 2 (line 5, column 56)",
        "replicas[1].link.partitions[0].to: expected a time after from (50), found 10 (line 5, column 95)",
        "records[0].lifecycle: no lifecycle is called \"ticket\"; define it under lifecycles (line 7, column 43)",
        "script[0].record: no record has the id \"c2\" (line 9, column 42)",
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
fn every_command_in_a_script_is_checked_for_what_can_be_known_before_the_run() {
    let text = r#"{
  "name": "bad", "title": "Bad", "source": "crm",
  "replicas": [ { "name": "billing" } ],
  "records": [ { "id": "c1" } ],
  "script": [
    { "at": 10, "do": "partition", "system": "crm", "until": 5 },
    { "at": 20, "do": "set_link", "system": "billing", "delay": { "kind": "fixed", "ms": 5 }, "duplicate_probability": 2, "drop_probability": 0, "reorder": false },
    { "at": 30, "do": "skew", "system": "nowhere", "offset_ms": 5 },
    { "at": 40, "do": "delay", "slot": 0, "by_ms": 9999999999 },
    { "at": 50, "do": "resolve", "escalation": 1, "decision": { "merge": {} } },
    { "at": 60, "do": "drop", "slot": 3 }
  ]
}"#;
    assert_eq!(
        errors(text),
        [
            "script[0].system: expected one of the replicas (billing), found \"crm\" (line 6, column 46)",
            "script[0].until: expected a time after at (10), found 5 (line 6, column 62)",
            "script[1].duplicate_probability: expected a number from 0 to 1, found 2 (line 7, column 120)",
            "script[2].system: no system is called \"nowhere\" (line 8, column 41)",
            "script[3].by_ms: expected at most 604800000 ms (one week), found 9999999999 (line 9, column 52)",
            "script[4].decision: expected a merged value with at least one field (line 10, column 63)",
        ]
    );
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
    let mut scenario = library::by_name("baseline").unwrap();
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
    // Bounds of every numeric type the format uses, the edges of its own ranges, and
    // text that needs escaping or is not left-to-right.
    let replacement = |rng: &mut SimRng| match rng.between(0, 17) {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!(u64::MAX),
        3 => json!(1e300),
        4 => json!(""),
        5 => json!("billing"),
        6 => json!([]),
        7 => json!({}),
        8 => json!(true),
        9 => json!(0),
        10 => json!(i64::MIN),
        11 => json!(i64::MAX),
        12 => json!(MAX_TIME_MS),
        13 => json!(MAX_TIME_MS + 1),
        14 => json!("ti\tle"),
        15 => json!("\u{1F4E6} \u{5D0}\u{5D1}"),
        16 => json!(u32::MAX),
        _ => json!(0.5),
    };
    let odd_key = |rng: &mut SimRng| match rng.between(0, 3) {
        0 => format!("extra{}", rng.between(0, 9)),
        1 => "ti\tle".to_string(),
        2 => "\u{1F600}key".to_string(),
        _ => "\u{5E9}\u{5DC}\u{5D5}\u{5DD}".to_string(),
    };
    match value {
        Value::Object(map) if !map.is_empty() && depth < 8 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.between(0, keys.len() as u64 - 1) as usize];
            match rng.between(0, 6) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(odd_key(rng), replacement(rng));
                }
                2 => {
                    map.insert(key.clone(), replacement(rng));
                }
                3 if map.contains_key("kind") => {
                    // A delay: any of its kinds, with every time at one extreme.
                    let ms = replacement(rng);
                    *map = match rng.between(0, 3) {
                        0 => json!({ "kind": "fixed", "ms": ms }),
                        1 => json!({ "kind": "uniform", "min_ms": 0, "max_ms": ms }),
                        2 => json!({ "kind": "exponential", "mean_ms": ms }),
                        _ => json!({ "kind": "long_tail", "min_ms": ms, "alpha": 1.01 }),
                    }
                    .as_object()
                    .unwrap()
                    .clone();
                }
                3 => {
                    // Every number of this object at once: a range such as min..max
                    // breaks only when both ends are extreme.
                    let value = replacement(rng);
                    for v in map.values_mut().filter(|v| v.is_number()) {
                        *v = value.clone();
                    }
                    if let Some(low) = map.get_mut("min_ms") {
                        *low = json!(0);
                    }
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
    for round in 0..FUZZ_ROUNDS {
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
        match Scenario::from_json(&text) {
            Ok(scenario) => {
                valid += 1;
                let strategy = Resolve::ALL[round % 3];
                let mut sim = Simulation::new(&scenario, round as u64, strategy).unwrap();
                sim.run_for(50_000);
                let _ = sim.report();
            }
            Err(errors) => {
                for e in &errors.0 {
                    assert!(
                        e.line.is_some() && e.column.is_some(),
                        "round {round}: no position for {e}\n{text}"
                    );
                }
            }
        }
    }
    println!("fuzz: {tried} mutated scenarios read, {valid} of them valid and run");
    assert_eq!(tried, FUZZ_ROUNDS);
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

/// The baseline scenario with `patch` merged into its first replica.
fn baseline_with_replica(patch: serde_json::Value) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(&library::by_name("baseline").unwrap().to_json()).unwrap();
    let replica = value["replicas"][0].as_object_mut().unwrap();
    for (k, v) in patch.as_object().unwrap() {
        replica.insert(k.clone(), v.clone());
    }
    serde_json::to_string_pretty(&value).unwrap()
}

#[test]
fn extreme_times_are_refused_with_their_path_and_position() {
    // The fuzzer's crash: high - low + 1 wrapped to 0 in the uniform delay.
    let text = baseline_with_replica(serde_json::json!({
        "link": { "delay": { "kind": "uniform", "min_ms": 0, "max_ms": u64::MAX } }
    }));
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "replicas[0].link.delay.max_ms: expected at most 604800000 ms (one week), found 18446744073709551615 (line "
        ),
        "{found:?}"
    );
    // The same line was reached through the retry jitter.
    let text = baseline_with_replica(serde_json::json!({
        "retry": { "base_ms": u64::MAX, "cap_ms": u64::MAX, "jitter": true }
    }));
    let found = errors(&text);
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("replicas[0].retry.cap_ms: expected at most")),
        "{found:?}"
    );
    assert!(found.iter().all(|e| e.contains("(line ")), "{found:?}");
}

#[test]
fn clock_extremes_are_refused() {
    let mut value: serde_json::Value =
        serde_json::from_str(&library::by_name("baseline").unwrap().to_json()).unwrap();
    value["clocks"] =
        serde_json::json!({ "crm": { "offset_ms": i64::MIN, "drift_ppm": i64::MAX } });
    let found = errors(&value.to_string());
    assert!(
        found.iter().any(
            |e| e.starts_with("clocks.crm.offset_ms: expected from -604800000 to 604800000 ms")
        ),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("clocks.crm.drift_ppm: expected from -1000000 to 1000000")),
        "{found:?}"
    );
}

#[test]
fn every_time_at_its_largest_allowed_value_runs_without_overflow() {
    // Debug builds check arithmetic: any sum of times that could wrap panics here.
    let text = baseline_with_replica(serde_json::json!({
        "link": {
            "delay": { "kind": "uniform", "min_ms": 0, "max_ms": MAX_TIME_MS },
            "ack_timeout_ms": MAX_TIME_MS, "ack_delay_ms": MAX_TIME_MS,
            "drop_probability": 0.9, "duplicate_probability": 1.0,
            "partitions": [ { "from": 0, "to": MAX_TIME_MS } ]
        },
        "retry": { "base_ms": MAX_TIME_MS, "cap_ms": MAX_TIME_MS, "factor": 10.0, "max_attempts": 100, "jitter": true }
    }));
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["clocks"] = serde_json::json!({
        "crm": { "offset_ms": MAX_TIME_MS, "drift_ppm": 1_000_000 },
        value["replicas"][0]["name"].as_str().unwrap(): { "offset_ms": -(MAX_TIME_MS as i64), "drift_ppm": -1_000_000 }
    });
    let script = value["script"].as_array_mut().unwrap();
    script.push(serde_json::json!({ "at": MAX_TIME_MS, "do": "write", "record": "customer-1", "set": { "late": "yes" } }));
    let scenario = Scenario::from_json(&value.to_string()).unwrap();
    for strategy in Resolve::ALL {
        let mut sim = Simulation::new(&scenario, 7, strategy).unwrap();
        sim.run_for(100_000);
        let _ = sim.report();
    }
}

#[test]
fn every_refusal_has_a_line_and_column() {
    // A missing top-level field points at the object that lacks it.
    let mut value: serde_json::Value =
        serde_json::from_str(&library::by_name("baseline").unwrap().to_json()).unwrap();
    value.as_object_mut().unwrap().remove("records");
    let found = errors(&serde_json::to_string_pretty(&value).unwrap());
    assert_eq!(
        found,
        vec!["records: missing; this field is required (line 1, column 1)"]
    );
    // Unknown keys whose text needs escaping, or is emoji or right-to-left.
    for key in ["ti\tle", "\u{1F600}key", "\u{5E9}\u{5DC}\u{5D5}\u{5DD}"] {
        let mut value: serde_json::Value =
            serde_json::from_str(&library::by_name("baseline").unwrap().to_json()).unwrap();
        value[key] = serde_json::json!(1);
        let text = serde_json::to_string_pretty(&value).unwrap();
        let found = Scenario::from_json(&text).unwrap_err();
        let e = &found.0[0];
        assert_eq!(e.path, key);
        assert!(e.line.is_some() && e.column.is_some(), "{e}");
        // The position is the key's own line.
        let line = text.lines().nth(e.line.unwrap() - 1).unwrap();
        assert!(
            line.contains(&serde_json::to_string(key).unwrap()),
            "{key:?} at {line}"
        );
    }
}

/// The numbers at the edges of every type and range the format uses.
fn extremes() -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!(0),
        json!(1),
        json!(MAX_TIME_MS),
        json!(MAX_TIME_MS + 1),
        json!(u32::MAX),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(-1),
        json!(i64::MIN),
        json!(1e300),
    ]
}

/// Every object in `value` that holds numbers, by its JSON pointer, with their keys.
fn numeric_objects(value: &serde_json::Value, at: String, out: &mut Vec<(String, Vec<String>)>) {
    match value {
        serde_json::Value::Object(map) => {
            let keys: Vec<String> = map
                .iter()
                .filter(|(_, v)| v.is_number())
                .map(|(k, _)| k.clone())
                .collect();
            if !keys.is_empty() {
                out.push((at.clone(), keys));
            }
            for (k, v) in map {
                numeric_objects(v, format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                numeric_objects(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A systematic boundary fuzzer: in every built-in scenario, each number, and each pair of
/// numbers in one object (a range's two ends), takes every extreme value; each result is
/// read, and run under a strategy when valid. Nothing may panic (debug builds check
/// arithmetic for overflow), and every refusal has a line and column.
#[test]
fn every_number_at_every_extreme_is_read_and_run_or_refused() {
    let values = extremes();
    let mut tried = 0;
    for (name, json) in library::BUILT_IN {
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut objects = Vec::new();
        numeric_objects(&original, String::new(), &mut objects);
        for (pointer, keys) in objects {
            let mut combos: Vec<Vec<&String>> = keys.iter().map(|k| vec![k]).collect();
            for (i, a) in keys.iter().enumerate() {
                for b in &keys[i + 1..] {
                    combos.push(vec![a, b]);
                }
            }
            for combo in combos {
                for (vi, low) in values.iter().enumerate() {
                    let highs: &[serde_json::Value] = if combo.len() == 2 {
                        &values
                    } else {
                        &values[vi..=vi]
                    };
                    for high in highs {
                        let mut value = original.clone();
                        let object = value.pointer_mut(&pointer).unwrap();
                        object[combo[0].as_str()] = low.clone();
                        if let Some(second) = combo.get(1) {
                            object[second.as_str()] = high.clone();
                        }
                        let text = serde_json::to_string_pretty(&value).unwrap();
                        tried += 1;
                        match Scenario::from_json(&text) {
                            Ok(scenario) => {
                                let strategy = Resolve::ALL[tried % 3];
                                let mut sim = Simulation::new(&scenario, 1, strategy).unwrap();
                                sim.run_for(20_000);
                                let _ = sim.report();
                            }
                            Err(errors) => {
                                for e in &errors.0 {
                                    assert!(
                                        e.line.is_some(),
                                        "{name}{pointer}: no position for {e}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    println!("boundary fuzz: {tried} scenarios with extreme numbers read");
    assert!(tried > 1000, "{tried}");
}
