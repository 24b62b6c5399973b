//! The built-in scenarios reach the page as Rust code, not JSON: parsing JSON in the page
//! cost about 50 KB of the gzipped bundle (serde_json's deserializers and the texts). This
//! test writes that code from `public/scenarios/*.json` and `public/lifecycles/*.json`
//! and fails if `src/sim/built_in.rs` is not exactly what the files say. Regenerate with
//! `SYNCSCOPE_REGENERATE=1 cargo test --no-default-features --test built_in_code`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use syncscope::sim::lifecycle::{Lifecycle, StateSpec, Transition};
use syncscope::sim::record::Values;
use syncscope::sim::scenario::{
    Change, Clock, Delay, Effect, LinkFaults, RecordSpec, ReplicaSpec, RetryPolicy, Saga, SagaStep,
    ScriptStep, Window,
};
use syncscope::sim::{Command, Scenario, Strategy, library};

const PATH: &str = "src/sim/built_in.rs";

/// Rust source that builds a value.
trait Lit {
    fn lit(&self) -> String;
}

fn fields(name: &str, parts: &[(&str, String)]) -> String {
    let inner: Vec<String> = parts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{name} {{ {} }}", inner.join(", "))
}

impl Lit for String {
    fn lit(&self) -> String {
        format!("s({self:?})")
    }
}
/// Numbers and booleans are written as Rust writes them.
macro_rules! displayed {
    ($($t:ty),*) => {$(
        impl Lit for $t {
            fn lit(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
displayed!(u64, u32, i64, bool);

impl Lit for f64 {
    fn lit(&self) -> String {
        format!("{self:?}")
    }
}
impl<T: Lit> Lit for Option<T> {
    fn lit(&self) -> String {
        match self {
            Some(x) => format!("Some({})", x.lit()),
            None => "None".into(),
        }
    }
}
impl<T: Lit> Lit for Vec<T> {
    fn lit(&self) -> String {
        let items: Vec<String> = self.iter().map(Lit::lit).collect();
        format!("vec![{}]", items.join(", "))
    }
}
impl Lit for Values {
    fn lit(&self) -> String {
        let pairs: Vec<String> = self
            .iter()
            .map(|(k, v)| format!("({k:?}, {v:?})"))
            .collect();
        format!("map(&[{}])", pairs.join(", "))
    }
}
/// A map from names to values.
macro_rules! named {
    ($($t:ty),*) => {$(
        impl Lit for BTreeMap<String, $t> {
            fn lit(&self) -> String {
                let pairs: Vec<String> = self
                    .iter()
                    .map(|(k, v)| format!("({}, {})", k.lit(), v.lit()))
                    .collect();
                format!("map_of(vec![{}])", pairs.join(", "))
            }
        }
    )*};
}
named!(Clock, Lifecycle);

impl Lit for Strategy {
    fn lit(&self) -> String {
        format!("Strategy::{self:?}")
    }
}
impl Lit for Clock {
    fn lit(&self) -> String {
        fields(
            "Clock",
            &[
                ("offset_ms", self.offset_ms.lit()),
                ("drift_ppm", self.drift_ppm.lit()),
            ],
        )
    }
}
impl Lit for Delay {
    fn lit(&self) -> String {
        match self {
            Delay::Fixed { ms } => fields("Delay::Fixed", &[("ms", ms.lit())]),
            Delay::Uniform { min_ms, max_ms } => fields(
                "Delay::Uniform",
                &[("min_ms", min_ms.lit()), ("max_ms", max_ms.lit())],
            ),
            Delay::Exponential { mean_ms } => {
                fields("Delay::Exponential", &[("mean_ms", mean_ms.lit())])
            }
            Delay::LongTail { min_ms, alpha } => fields(
                "Delay::LongTail",
                &[("min_ms", min_ms.lit()), ("alpha", alpha.lit())],
            ),
        }
    }
}
impl Lit for Window {
    fn lit(&self) -> String {
        fields(
            "Window",
            &[("from", self.from.lit()), ("to", self.to.lit())],
        )
    }
}
impl Lit for LinkFaults {
    fn lit(&self) -> String {
        if *self == LinkFaults::default() {
            return "LinkFaults::default()".into();
        }
        fields(
            "LinkFaults",
            &[
                ("delay", self.delay.lit()),
                ("duplicate_probability", self.duplicate_probability.lit()),
                ("reorder", self.reorder.lit()),
                ("drop_probability", self.drop_probability.lit()),
                ("ack_timeout_ms", self.ack_timeout_ms.lit()),
                ("ack_delay_ms", self.ack_delay_ms.lit()),
                ("partitions", self.partitions.lit()),
            ],
        )
    }
}
impl Lit for RetryPolicy {
    fn lit(&self) -> String {
        if *self == RetryPolicy::default() {
            return "RetryPolicy::default()".into();
        }
        fields(
            "RetryPolicy",
            &[
                ("base_ms", self.base_ms.lit()),
                ("factor", self.factor.lit()),
                ("cap_ms", self.cap_ms.lit()),
                ("max_attempts", self.max_attempts.lit()),
                ("jitter", self.jitter.lit()),
            ],
        )
    }
}
impl Lit for Effect {
    fn lit(&self) -> String {
        fields(
            "Effect",
            &[
                ("name", self.name.lit()),
                ("idempotency_keys", self.idempotency_keys.lit()),
            ],
        )
    }
}
impl Lit for ReplicaSpec {
    fn lit(&self) -> String {
        fields(
            "ReplicaSpec",
            &[
                ("name", self.name.lit()),
                ("link", self.link.lit()),
                ("retry", self.retry.lit()),
                ("effect", self.effect.lit()),
            ],
        )
    }
}
impl Lit for RecordSpec {
    fn lit(&self) -> String {
        fields(
            "RecordSpec",
            &[
                ("id", self.id.lit()),
                ("fields", self.fields.lit()),
                ("lifecycle", self.lifecycle.lit()),
            ],
        )
    }
}
impl Lit for Change {
    fn lit(&self) -> String {
        fields(
            "Change",
            &[
                ("record", self.record.lit()),
                ("event", self.event.lit()),
                ("set", self.set.lit()),
            ],
        )
    }
}
impl Lit for Command {
    fn lit(&self) -> String {
        match self {
            Command::Write { record, event, set } => fields(
                "Command::Write",
                &[
                    ("record", record.lit()),
                    ("event", event.lit()),
                    ("set", set.lit()),
                ],
            ),
            Command::LocalWrite {
                system,
                record,
                set,
            } => fields(
                "Command::LocalWrite",
                &[
                    ("system", system.lit()),
                    ("record", record.lit()),
                    ("set", set.lit()),
                ],
            ),
            Command::Crash { system, until } => fields(
                "Command::Crash",
                &[("system", system.lit()), ("until", until.lit())],
            ),
            Command::Skew {
                system,
                offset_ms,
                drift_ppm,
            } => fields(
                "Command::Skew",
                &[
                    ("system", system.lit()),
                    ("offset_ms", offset_ms.lit()),
                    ("drift_ppm", drift_ppm.lit()),
                ],
            ),
            Command::Poison {
                system,
                record,
                until,
            } => fields(
                "Command::Poison",
                &[
                    ("system", system.lit()),
                    ("record", record.lit()),
                    ("until", until.lit()),
                ],
            ),
            Command::ReplayDeadLetters { system } => {
                fields("Command::ReplayDeadLetters", &[("system", system.lit())])
            }
            Command::DiscardDeadLetters { system } => {
                fields("Command::DiscardDeadLetters", &[("system", system.lit())])
            }
            Command::StartSaga { saga } => fields("Command::StartSaga", &[("saga", saga.lit())]),
            Command::FailSaga { saga, reason } => fields(
                "Command::FailSaga",
                &[("saga", saga.lit()), ("reason", reason.lit())],
            ),
            Command::SetLink {
                system,
                delay,
                duplicate_probability,
                drop_probability,
                reorder,
            } => fields(
                "Command::SetLink",
                &[
                    ("system", system.lit()),
                    ("delay", delay.lit()),
                    ("duplicate_probability", duplicate_probability.lit()),
                    ("drop_probability", drop_probability.lit()),
                    ("reorder", reorder.lit()),
                ],
            ),
            // The built-ins do not use these yet; writing them needs their knobs' literals.
            other => panic!("teach tests/built_in_code.rs to write {other:?}"),
        }
    }
}
impl Lit for ScriptStep {
    fn lit(&self) -> String {
        fields(
            "ScriptStep",
            &[
                ("at", self.at.lit()),
                ("after_step", self.after_step.lit()),
                ("command", self.command.lit()),
            ],
        )
    }
}
impl Lit for StateSpec {
    fn lit(&self) -> String {
        fields(
            "StateSpec",
            &[
                ("name", self.name.lit()),
                ("parent", self.parent.lit()),
                ("initial", self.initial.lit()),
                ("terminal", self.terminal.lit()),
            ],
        )
    }
}
impl Lit for Transition {
    fn lit(&self) -> String {
        fields(
            "Transition",
            &[
                ("from", self.from.lit()),
                ("event", self.event.lit()),
                ("to", self.to.lit()),
            ],
        )
    }
}
impl Lit for Lifecycle {
    fn lit(&self) -> String {
        fields(
            "Lifecycle",
            &[
                ("initial", self.initial.lit()),
                ("states", self.states.lit()),
                ("transitions", self.transitions.lit()),
            ],
        )
    }
}
impl Lit for SagaStep {
    fn lit(&self) -> String {
        fields(
            "SagaStep",
            &[
                ("name", self.name.lit()),
                ("action", self.action.lit()),
                ("compensation", self.compensation.lit()),
            ],
        )
    }
}
impl Lit for Saga {
    fn lit(&self) -> String {
        fields(
            "Saga",
            &[
                ("name", self.name.lit()),
                ("step_gap_ms", self.step_gap_ms.lit()),
                ("steps", self.steps.lit()),
            ],
        )
    }
}
impl Lit for Scenario {
    fn lit(&self) -> String {
        fields(
            "Scenario",
            &[
                ("name", self.name.lit()),
                ("title", self.title.lit()),
                ("description", self.description.lit()),
                ("seed", self.seed.lit()),
                ("strategy", self.strategy.lit()),
                ("idempotency", self.idempotency.lit()),
                ("source", self.source.lit()),
                ("replicas", self.replicas.lit()),
                ("records", self.records.lit()),
                ("script", self.script.lit()),
                ("clocks", self.clocks.lit()),
                ("lifecycles", self.lifecycles.lit()),
                ("sagas", self.sagas.lit()),
            ],
        )
    }
}

/// The whole generated module.
fn generate() -> String {
    let mut out = String::from(
        "// Generated by tests/built_in_code.rs from public/scenarios/*.json and\n\
         // public/lifecycles/*.json: do not edit. Regenerate with\n\
         // SYNCSCOPE_REGENERATE=1 cargo test --no-default-features --test built_in_code\n\
         \n\
         //! The built-in scenarios and lifecycles as Rust values, so that the page never parses JSON.\n\
         \n\
         use super::command::Command;\n\
         use super::lifecycle::{Lifecycle, StateSpec, Transition};\n\
         use super::ordered::map_of;\n\
         use super::record::Values;\n\
         use super::resolver::Strategy;\n\
         use super::scenario::{\n    Change, Clock, Delay, Effect, LinkFaults, RecordSpec, ReplicaSpec, RetryPolicy, Saga,\n    SagaStep, Scenario, ScriptStep, Window,\n};\n\
         \n\
         fn s(text: &str) -> String {\n    text.to_string()\n}\n\
         \n\
         fn map(pairs: &[(&str, &str)]) -> Values {\n    pairs.iter().map(|(k, v)| (s(k), s(v))).collect()\n}\n\n",
    );
    out.push_str("/// Built-in scenario number `index`, in `library::NAMES` order.\npub fn scenario(index: usize) -> Option<Scenario> {\n    Some(match index {\n");
    for (i, _) in library::BUILT_IN.iter().enumerate() {
        out.push_str(&format!("        {i} => scenario_{i}(),\n"));
    }
    out.push_str("        _ => return None,\n    })\n}\n\n");
    out.push_str("/// The first built-in scenario, alone: the page's first view needs no other, and its\n/// first download holds no other (`ui::scenarios`).\npub fn first() -> Scenario {\n    scenario_0()\n}\n\n");
    out.push_str("/// Built-in lifecycle number `index`, in `library::LIFECYCLES` order.\npub fn lifecycle(index: usize) -> Option<Lifecycle> {\n    Some(match index {\n");
    for (i, _) in library::LIFECYCLES.iter().enumerate() {
        out.push_str(&format!("        {i} => lifecycle_{i}(),\n"));
    }
    out.push_str("        _ => return None,\n    })\n}\n");
    for (i, (name, json)) in library::BUILT_IN.iter().enumerate() {
        let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push_str(&format!(
            "\n/// `{name}`.\nfn scenario_{i}() -> Scenario {{\n    {}\n}}\n",
            scenario.lit()
        ));
    }
    for (i, (name, json)) in library::LIFECYCLES.iter().enumerate() {
        let machine: Lifecycle =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push_str(&format!(
            "\n/// `{name}`.\nfn lifecycle_{i}() -> Lifecycle {{\n    {}\n}}\n",
            machine.lit()
        ));
    }
    out
}

#[test]
fn the_built_in_code_is_what_the_json_files_say() {
    let fresh = generate();
    if std::env::var_os("SYNCSCOPE_REGENERATE").is_some() {
        std::fs::write(PATH, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == fresh,
        "{PATH} is out of date with public/scenarios: regenerate it with \
         SYNCSCOPE_REGENERATE=1 cargo test --no-default-features --test built_in_code"
    );
}

#[test]
fn every_built_in_equals_its_json_file() {
    for (name, json) in library::BUILT_IN {
        let parsed = Scenario::from_json(json).unwrap();
        assert_eq!(library::by_name(name).unwrap(), parsed, "{name}");
    }
    for (name, json) in library::LIFECYCLES {
        let parsed: Lifecycle = serde_json::from_str(json).unwrap();
        assert_eq!(library::lifecycle(name).unwrap(), parsed, "{name}");
    }
}
