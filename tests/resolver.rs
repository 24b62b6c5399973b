//! Resolvers (`sim::resolver`): a custom rule and field-level merge against traces worked
//! out by hand, and the built-in strategies run through the trait giving the golden hashes.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::sync::Arc;

use common::{expect, outline};
use proptest::prelude::*;
use syncscope::sim::determinism::check_resolver_determinism;
use syncscope::sim::record::Values;
use syncscope::sim::resolver::{Case, Resolver, Ruling, StaleReason};
use syncscope::sim::{Decision, Scenario, Simulation, Strategy, library};

/// The higher amount wins, wherever two amounts meet.
#[derive(Debug)]
struct HighestAmount;

impl Resolver for HighestAmount {
    fn name(&self) -> &str {
        "highest-amount"
    }

    fn decide(&self, case: &Case) -> Ruling {
        let amount = |v: &Values| v.get("amount").and_then(|a| a.parse::<f64>().ok());
        if amount(&case.incoming.fields) >= amount(&case.held.fields) {
            Ruling::Apply
        } else {
            Ruling::RejectStale(StaleReason::ByRule)
        }
    }
}

/// The payments service raises the amount to 70 at 100 ms; at 110 ms billing, which has
/// not heard of it, lowers its copy to 30. Links take 30 ms (billing) and 40 ms (ledger).
fn payment() -> Scenario {
    Scenario::builder("payment-race")
        .source("payments")
        .replica("billing")
        .replica_with(
            "ledger",
            syncscope::sim::scenario::LinkFaults {
                delay: syncscope::sim::scenario::Delay::Fixed { ms: 40 },
                ..Default::default()
            },
        )
        .record("payment-1", [("amount", "50")])
        .write(100, "payment-1", [("amount", "70")])
        .local_write(110, "billing", "payment-1", [("amount", "30")])
        .build()
        .unwrap()
}

#[test]
fn the_highest_amount_wins_at_the_replica_and_at_the_source() {
    let mut sim = Simulation::with_resolver(&payment(), 1, Arc::new(HighestAmount)).unwrap();
    sim.run_to_end();
    // By hand: 70 >= 50, so the source commits its own write. At 130 ms billing holds its
    // 30 and takes the 70. At 140 ms the ledger takes the 70 (sent at 100 ms, before billing's
    // request at 110 ms), then billing's 30 reaches the source, which keeps its 70: the
    // write is dropped and counted as lost.
    assert_eq!(
        outline(&sim),
        expect(&[
            (100, "payments", "command"),
            (100, "payments", "commit"),
            (100, "payments", "publish"),
            (110, "billing", "local_write"),
            (130, "billing", "deliver"),
            (130, "billing", "apply"),
            (140, "ledger", "deliver"),
            (140, "ledger", "apply"),
            (140, "payments", "request"),
            (140, "payments", "lost_update"),
        ])
    );
    for system in ["payments", "billing", "ledger"] {
        let copy = sim.record_of(system, "payment-1").unwrap();
        assert_eq!(
            (copy.fields["amount"].as_str(), copy.version),
            ("70", 2),
            "{system}"
        );
    }
    let report = sim.report();
    assert_eq!(report.strategy, "highest-amount");
    assert_eq!(
        (report.metrics.lost_updates, report.metrics.converged_at),
        (1, Some(140))
    );
    assert_eq!(sim.strategy(), None);
    let said = syncscope::sim::explain::narrate(&sim, 9);
    assert!(said.contains("highest-amount"), "{said}");
}

#[test]
fn a_custom_resolver_is_checked_for_determinism() {
    for seed in [1, 2, 99] {
        let hash = check_resolver_determinism(&payment(), seed, Arc::new(HighestAmount));
        assert!(hash.is_ok(), "{hash:?}");
    }
    // A resolver that remembers what it said is caught.
    #[derive(Debug, Default)]
    struct Flip(std::sync::atomic::AtomicU64);
    impl Resolver for Flip {
        fn name(&self) -> &str {
            "flip"
        }
        fn decide(&self, _: &Case) -> Ruling {
            match self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 3 {
                0 => Ruling::Apply,
                _ => Ruling::RejectStale(StaleReason::ByRule),
            }
        }
    }
    let err = check_resolver_determinism(&payment(), 1, Arc::new(Flip::default())).unwrap_err();
    assert!(
        err.contains("not deterministic") && err.contains("strategy=flip"),
        "{err}"
    );
}

fn field_merge() -> Simulation {
    let scenario = library::built_in("field-merge").unwrap();
    let mut sim = Simulation::as_written(&scenario).unwrap();
    sim.run_to_end();
    sim
}

fn fields(sim: &Simulation, system: &str) -> Vec<(String, String)> {
    let copy = sim.record_of(system, "customer-1").unwrap();
    copy.fields
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

#[test]
fn field_merge_keeps_changes_to_different_fields_and_escalates_the_same_field() {
    let sim = field_merge();
    // By hand (links: billing 30 ms, support 40 ms). The CRM's email (v2, 100 ms) reaches
    // billing at 130 ms, where billing's own phone write (110 ms, on v1) waits: different
    // fields since v1, so billing merges. Billing's write reaches the CRM at 140 ms (after
    // support's delivery, sent earlier): the CRM merges it over v2 and commits v3, which
    // brings billing its own write back (170 ms) and support both changes (180 ms).
    // Then the CRM's address (v4, 500 ms) meets billing's own address (510 ms, on v3) at
    // 530 ms: the same field, changed twice, goes to a person; the request arriving at
    // 540 ms is the same clash, already escalated.
    assert_eq!(
        outline(&sim),
        expect(&[
            (100, "crm", "command"),
            (100, "crm", "commit"),
            (100, "crm", "publish"),
            (110, "billing", "local_write"),
            (130, "billing", "deliver"),
            (130, "billing", "merge_in"),
            (140, "support", "deliver"),
            (140, "support", "apply"),
            (140, "crm", "request"),
            (140, "crm", "merge_write"),
            (140, "crm", "commit"),
            (140, "crm", "publish"),
            (170, "billing", "deliver"),
            (170, "billing", "apply"),
            (180, "support", "deliver"),
            (180, "support", "apply"),
            (500, "crm", "command"),
            (500, "crm", "commit"),
            (500, "crm", "publish"),
            (510, "billing", "local_write"),
            (530, "billing", "deliver"),
            (530, "billing", "escalate"),
            (540, "support", "deliver"),
            (540, "support", "apply"),
            (540, "crm", "request"),
        ])
    );
    let crm = pairs(&[
        ("address", "2 CRM Street"),
        ("email", "ada@crm.example"),
        ("phone", "555-0142"),
    ]);
    assert_eq!(fields(&sim, "crm"), crm);
    assert_eq!(fields(&sim, "support"), crm);
    // Billing keeps its own address until the person decides.
    assert_eq!(
        fields(&sim, "billing"),
        pairs(&[
            ("address", "3 Billing Lane"),
            ("email", "ada@crm.example"),
            ("phone", "555-0142"),
        ])
    );
    let m = sim.metrics();
    assert_eq!(
        (m.merges, m.conflicts, m.escalations_pending, m.lost_updates),
        (2, 1, 1, 0)
    );
    assert!(!m.converged);
}

#[test]
fn a_decision_on_a_field_merge_escalation_reaches_every_copy() {
    let mut sim = field_merge();
    let id = sim.escalations()[0].id;
    sim.apply(&syncscope::sim::Command::Resolve {
        escalation: id,
        decision: Decision::TakeReplica,
    })
    .unwrap();
    sim.run_to_end();
    // The decision is the last word: billing applies it although it still holds its own
    // write, and every copy ends with billing's address and both earlier changes.
    let all = pairs(&[
        ("address", "3 Billing Lane"),
        ("email", "ada@crm.example"),
        ("phone", "555-0142"),
    ]);
    for system in ["crm", "billing", "support"] {
        assert_eq!(fields(&sim, system), all, "{system}");
    }
    assert!(sim.metrics().converged);
}

#[test]
fn field_merge_runs_as_version_comparison_or_escalation_where_no_fields_part() {
    // Where nobody writes concurrently, field-level merge decides by versions alone; where
    // both sides changed the same field, it asks a person as escalation does. Only
    // overtaken (quantity against address) and field-merge itself merge.
    let golden = |name: &str, s: &str| {
        common::GOLDEN
            .iter()
            .find(|(n, st, _)| *n == name && *st == s)
            .map(|r| r.2)
            .unwrap()
    };
    for scenario in library::all() {
        let name = scenario.name.as_str();
        let like = match name {
            "email-conflict" | "split-brain" => Some("escalate"),
            "overtaken" | "field-merge" => None,
            _ => Some("version"),
        };
        if let Some(like) = like {
            assert_eq!(golden(name, "merge"), golden(name, like), "{name}");
        }
    }
}

#[test]
fn overtaken_under_field_merge_keeps_both_changes() {
    let scenario = library::built_in("overtaken").unwrap();
    let mut sim = Simulation::new(&scenario, 1, Strategy::FieldMerge).unwrap();
    sim.run_to_end();
    // By hand: billing's address (130 ms, on v1) meets quantity 3 (v3, 140 ms): merged.
    // The source merges billing's write over v3 as v4 at 150 ms; the late v2 is older.
    let kinds: Vec<_> = outline(&sim)
        .into_iter()
        .map(|(t, a, k)| format!("{t} {a} {k}"))
        .collect();
    for line in [
        "140 billing merge_in",
        "150 orders merge_write",
        "170 billing apply",
        "300 billing reject_stale",
    ] {
        assert!(kinds.contains(&line.to_string()), "{line}: {kinds:?}");
    }
    for system in ["orders", "billing", "warehouse"] {
        let copy = sim.record_of(system, "order-7").unwrap();
        assert_eq!(
            (
                copy.fields["address"].as_str(),
                copy.fields["quantity"].as_str(),
                copy.version
            ),
            ("2 New Street", "3", 4),
            "{system}"
        );
    }
    assert_eq!(sim.metrics().lost_updates, 0);
}

#[test]
fn every_built_in_through_the_trait_gives_its_golden_hash() {
    for scenario in library::all() {
        for strategy in Strategy::ALL {
            let mut sim =
                Simulation::with_resolver(&scenario, scenario.seed, Arc::new(strategy)).unwrap();
            sim.run_to_end();
            let golden = common::GOLDEN
                .iter()
                .find(|(n, s, _)| *n == scenario.name && *s == strategy.as_str())
                .unwrap();
            assert_eq!(sim.trace().hash(), golden.2, "{}/{strategy}", scenario.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_built_in_through_the_trait_is_the_built_in(
        index in 0..library::NAMES.len(),
        strategy in 0..Strategy::ALL.len(),
        seed in 0u64..10_000,
    ) {
        let scenario = library::built_in(library::NAMES[index]).unwrap();
        let strategy = Strategy::ALL[strategy];
        let mut direct = Simulation::new(&scenario, seed, strategy).unwrap();
        let mut traited = Simulation::with_resolver(&scenario, seed, Arc::new(strategy)).unwrap();
        direct.run_to_end();
        traited.run_to_end();
        prop_assert_eq!(direct.trace().hash(), traited.trace().hash());
    }
}

/// A scenario of `writes` (at ms, by a replica or the source, which field, which value)
/// on one record of three fields, with links of the given delays that may reorder.
fn random_race(delays: &[u64], reorder: bool, writes: &[(u64, usize, usize, u8)]) -> Scenario {
    let mut builder = Scenario::builder("race").source("crm");
    let names: Vec<String> = (0..delays.len()).map(|i| format!("r{i}")).collect();
    for (name, &ms) in names.iter().zip(delays) {
        builder = builder.replica_with(
            name.clone(),
            syncscope::sim::scenario::LinkFaults {
                delay: syncscope::sim::scenario::Delay::Uniform {
                    min_ms: 1,
                    max_ms: ms,
                },
                reorder,
                ..Default::default()
            },
        );
    }
    builder = builder.record("c", [("a", "0"), ("b", "0"), ("c", "0")]);
    for &(at, who, field, value) in writes {
        let set = [(["a", "b", "c"][field], value.to_string())];
        builder = match who.checked_sub(1) {
            None => builder.write(at, "c", set),
            Some(r) => builder.local_write(at, names[r % names.len()].clone(), "c", set),
        };
    }
    builder.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Field-level merge never drops a write without a word: each write is committed
    /// (merged or not) or sent to a person; and where nobody was asked, every copy ends
    /// equal to the source's.
    #[test]
    fn field_merge_loses_no_write_and_converges_unless_it_asks_a_person(
        delays in proptest::collection::vec(5u64..80, 1..3),
        reorder in any::<bool>(),
        writes in proptest::collection::vec((0u64..300, 0usize..3, 0usize..3, 0u8..9), 1..7),
        seed in 0u64..1000,
    ) {
        let scenario = random_race(&delays, reorder, &writes);
        let mut sim = Simulation::new(&scenario, seed, Strategy::FieldMerge).unwrap();
        sim.run_to_end();
        let m = sim.metrics();
        prop_assert_eq!(m.lost_updates, 0);
        prop_assert_ne!(
            sim.verdict(syncscope::sim::invariants::Invariant::NoLostAcknowledgedWrite),
            syncscope::sim::invariants::Verdict::Violated
        );
        if m.escalations_raised == 0 {
            prop_assert!(m.converged, "{:?}", sim.report().invariant_violations);
        }
    }
}
