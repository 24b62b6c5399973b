//! The native runner, as a person calls it.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn syncscope(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_syncscope"))
        .args(args)
        .output()
        .expect("runner starts");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn list_names_every_built_in() {
    let (code, out, _) = syncscope(&["list"]);
    assert_eq!(code, 0);
    for name in ["baseline", "storm", "email-conflict", "partition"] {
        assert!(
            out.lines().any(|l| l.starts_with(name)),
            "{name} missing from {out}"
        );
    }
}

#[test]
fn run_prints_a_json_summary() {
    let (code, out, _) = syncscope(&["run", "email-conflict", "--seed", "1", "--strategy", "lww"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["strategy"], "lww");
    assert_eq!(json["seed"], 1);
    assert_eq!(json["lost_updates"], 1);
    assert_eq!(json["converged"], true);
    assert_eq!(json["trace_hash"].as_str().unwrap().len(), 16);
    assert_eq!(
        json["invariant_violations"][0]["name"],
        "no_lost_acknowledged_write"
    );
}

#[test]
fn run_prints_the_trace_as_json_lines() {
    let (code, out, _) = syncscope(&[
        "run",
        "email-conflict",
        "--strategy",
        "version",
        "--format",
        "trace",
    ]);
    assert_eq!(code, 0);
    let steps: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(steps.len(), 10);
    assert_eq!(steps[5]["kind"], "conflict");
    assert_eq!(steps[5]["actor"], "billing");
    assert_eq!(steps[5]["write"], "w2");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    for (args, needle) in [
        (vec!["run", "nope"], "expected one of baseline"),
        (
            vec!["run", "storm", "--seed", "x1"],
            "--seed: expected a whole number",
        ),
        (
            vec!["run", "storm", "--strategy", "fastest"],
            "expected one of arrival, lww, version, escalate, merge",
        ),
        (
            vec!["run", "storm", "--format", "yaml"],
            "expected summary, trace, cloudevents, mermaid or html",
        ),
        (vec!["run", "storm", "--colour"], "unknown option"),
        (vec!["run", "missing.json"], "cannot read missing.json"),
        (vec![], "no command given"),
    ] {
        let (code, out, err) = syncscope(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
