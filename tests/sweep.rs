//! Sweeps (`sim::sweep`, `syncscope sweep`): the same result whatever the number of
//! threads, statistics that match a closed form, and bad arguments that exit 2.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::process::Command;

use syncscope::sim::library;
use syncscope::sim::scenario::{Delay, LinkFaults, RecordSpec, ReplicaSpec, Scenario};
use syncscope::sim::sweep::{self, Histogram};
use syncscope::sim::{Strategy, record::Values};

#[test]
fn a_sweep_is_the_same_on_one_thread_and_on_many() {
    let scenario = library::built_in("storm").unwrap();
    let one = sweep::sweep(&scenario, &Strategy::ALL, 1..=60, 1).unwrap();
    let many = sweep::sweep(&scenario, &Strategy::ALL, 1..=60, 7).unwrap();
    assert_eq!(one.len(), 300);
    assert_eq!(one, many);
    assert_eq!(sweep::csv(&one), sweep::csv(&many));
    // In (strategy, seed) order.
    assert_eq!((one[0].strategy, one[0].seed), (Strategy::ALL[0], 1));
    assert_eq!((one[60].strategy, one[60].seed), (Strategy::ALL[1], 1));
}

/// One write, one replica whose link duplicates a send with probability `p`.
fn duplicating(p: f64) -> Scenario {
    let mut scenario = library::built_in("baseline").unwrap();
    scenario.name = "one-write".into();
    scenario.replicas = vec![ReplicaSpec {
        name: "billing".into(),
        link: LinkFaults {
            delay: Delay::Uniform {
                min_ms: 5,
                max_ms: 40,
            },
            duplicate_probability: p,
            ..scenario.replicas[0].link.clone()
        },
        ..scenario.replicas[0].clone()
    }];
    scenario.records = vec![RecordSpec {
        id: "order-1".into(),
        fields: Values::one("status", "new"),
        lifecycle: None,
    }];
    scenario.script.truncate(1);
    scenario.script[0].command = syncscope::sim::Command::Write {
        record: "order-1".into(),
        event: None,
        set: Values::one("status", "paid"),
    };
    scenario
}

#[test]
fn the_share_of_runs_with_a_duplicate_is_the_links_duplicate_probability() {
    // One send, duplicated with probability p: over n seeds the share of runs with a
    // duplicate is p, give or take a few standard deviations, sqrt(p (1 - p) / n).
    let p = 0.3;
    let n = 2000;
    let outcomes = sweep::sweep(&duplicating(p), &[Strategy::VersionComparison], 1..=n, 4).unwrap();
    let share = outcomes
        .iter()
        .filter(|o| o.duplicates_delivered > 0)
        .count() as f64
        / n as f64;
    let sd = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (share - p).abs() < 4.0 * sd,
        "share {share}, expected {p} ± {}",
        4.0 * sd
    );
    // And with no duplicates on the link, none.
    let none = sweep::sweep(&duplicating(0.0), &[Strategy::VersionComparison], 1..=50, 2).unwrap();
    assert!(none.iter().all(|o| o.duplicates_delivered == 0));
}

#[test]
fn the_summary_counts_what_the_runs_hold() {
    // The same facts the browser test checks (tests/golden_wasm.rs).
    let problems = common::sweep_problems(3);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_histogram_puts_each_time_in_its_bar() {
    let h = Histogram::of(&[100, 100, 112, 190, 199]);
    assert_eq!((h.from_ms, h.width_ms), (100, 10));
    assert_eq!(h.counts, vec![2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    let empty = Histogram::of(&[]);
    assert_eq!(empty.counts.iter().sum::<u64>(), 0);
}

#[test]
fn seeds_are_a_range_with_both_ends_included_and_bounded() {
    assert_eq!(sweep::parse_seeds("1..1000").unwrap(), 1..=1000);
    assert_eq!(sweep::parse_seeds("7").unwrap(), 7..=7);
    for (bad, words) in [
        ("10..1", "comes before"),
        ("1..x", "FIRST..LAST"),
        ("0..18446744073709551615", "at most 1000000"),
    ] {
        let error = sweep::parse_seeds(bad).unwrap_err();
        assert!(error.contains(words), "{bad}: {error}");
    }
}

#[test]
fn the_runner_sweeps_and_bad_sweep_arguments_exit_2_with_one_line() {
    let runner = env!("CARGO_BIN_EXE_syncscope");
    let run = |args: &[&str]| Command::new(runner).args(args).output().unwrap();
    let csv = run(&[
        "sweep",
        "email-conflict",
        "--seeds",
        "1..5",
        "--strategy",
        "lww",
        "--format",
        "csv",
        "--threads",
        "2",
    ]);
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(
        text.lines().nth(1).unwrap().starts_with("lww,1,1,"),
        "{text}"
    );
    let summary =
        String::from_utf8(run(&["sweep", "email-conflict", "--seeds", "1..5"]).stdout).unwrap();
    assert!(
        summary.contains("Last write wins (5 runs)")
            && summary.contains("lost updates:   5 runs (100.0 %)"),
        "{summary}"
    );
    for (args, words) in [
        (vec!["sweep"], "needs a scenario"),
        (vec!["sweep", "nope"], "unknown scenario"),
        (
            vec!["sweep", "storm", "--seeds", "9..1"],
            "--seeds: the last seed comes before",
        ),
        (vec!["sweep", "storm", "--strategy", "fast"], "--strategy"),
        (
            vec!["sweep", "storm", "--threads", "0"],
            "--threads: expected a whole number from 1 to 256",
        ),
        (
            vec!["sweep", "storm", "--format", "xml"],
            "expected summary or csv",
        ),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let error = String::from_utf8(out.stderr).unwrap();
        assert!(
            error.contains(words) && error.lines().count() == 1,
            "{args:?}: {error}"
        );
    }
}

#[test]
fn field_merge_sweeps_a_storm_as_version_comparison() {
    // Storm has no local writes, so nothing is ever merged: field-level merge decides by
    // versions alone, as version comparison does, run for run.
    let scenario = library::built_in("storm").unwrap();
    let strategies = [Strategy::VersionComparison, Strategy::FieldMerge];
    let outcomes = sweep::sweep(&scenario, &strategies, 1..=30, 2).unwrap();
    let (version, merge) = outcomes.split_at(30);
    for (v, m) in version.iter().zip(merge) {
        let renamed = sweep::Outcome {
            strategy: Strategy::VersionComparison,
            ..m.clone()
        };
        assert_eq!(&renamed, v);
    }
}

#[test]
fn a_sweep_gives_what_the_browser_gives() {
    assert_eq!(common::storm_sweep_hash(3), common::STORM_SWEEP_HASH);
}
