//! The built-in scenarios. Their source is `public/scenarios/*.json` (the files people
//! can download); the engine carries them as Rust values generated from those files
//! (`built_in.rs`, checked by `tests/built_in_code.rs`), so the page never parses JSON.

use super::scenario::{Scenario, ScenarioErrors};

/// Every built-in scenario as (name, JSON text), in the order they are listed.
pub const BUILT_IN: [(&str, &str); 14] = [
    (
        "baseline",
        include_str!("../../public/scenarios/baseline.json"),
    ),
    ("storm", include_str!("../../public/scenarios/storm.json")),
    (
        "email-conflict",
        include_str!("../../public/scenarios/email-conflict.json"),
    ),
    (
        "partition",
        include_str!("../../public/scenarios/partition.json"),
    ),
    (
        "order-lifecycle",
        include_str!("../../public/scenarios/order-lifecycle.json"),
    ),
    ("saga", include_str!("../../public/scenarios/saga.json")),
    (
        "payment-webhook",
        include_str!("../../public/scenarios/payment-webhook.json"),
    ),
    (
        "lww-skew",
        include_str!("../../public/scenarios/lww-skew.json"),
    ),
    (
        "poison-dlq",
        include_str!("../../public/scenarios/poison-dlq.json"),
    ),
    (
        "consumer-crash",
        include_str!("../../public/scenarios/consumer-crash.json"),
    ),
    (
        "split-brain",
        include_str!("../../public/scenarios/split-brain.json"),
    ),
    (
        "overtaken",
        include_str!("../../public/scenarios/overtaken.json"),
    ),
    (
        "late-duplicate",
        include_str!("../../public/scenarios/late-duplicate.json"),
    ),
    (
        "field-merge",
        include_str!("../../public/scenarios/field-merge.json"),
    ),
];

/// The names of the built-in scenarios, in the order they are listed.
pub const NAMES: [&str; 14] = [
    "baseline",
    "storm",
    "email-conflict",
    "partition",
    "order-lifecycle",
    "saga",
    "payment-webhook",
    "lww-skew",
    "poison-dlq",
    "consumer-crash",
    "split-brain",
    "overtaken",
    "late-duplicate",
    "field-merge",
];

/// The titles of the built-in scenarios, in `NAMES` order: the page lists them before it has
/// any scenario but the first (`ui::scenarios`).
pub const TITLES: [&str; 14] = [
    "Clean baseline: delays only",
    "Duplicate-and-reorder storm",
    "CRM and billing edit the same email",
    "A partition and its heal",
    "An order through its payment lifecycle",
    "Out of stock two hours later: a saga compensates",
    "A duplicate payment webhook, with and without idempotency keys",
    "Last write wins under clock skew",
    "A poison message ends in the dead-letter queue, then is replayed",
    "A consumer crashes and its events are redelivered",
    "Split brain: both sides of a partition write",
    "A local write races a reordered event",
    "A late duplicate brings a cancelled plan back",
    "Two fields at once, then one field twice",
];

/// The first built-in scenario (`NAMES[0]`), without the code of the others.
pub fn first() -> Scenario {
    super::built_in::first()
}

/// Built-in scenario number `index` in `NAMES` order, not checked again (see `built_in`).
pub fn built_in_at(index: usize) -> Option<Scenario> {
    super::built_in::scenario(index)
}

/// Built-in lifecycles, usable by name from any scenario, as (name, JSON text).
pub const LIFECYCLES: [(&str, &str); 1] =
    [("order", include_str!("../../public/lifecycles/order.json"))];

/// The built-in lifecycle called `name`.
pub fn lifecycle(name: &str) -> Option<super::lifecycle::Lifecycle> {
    let index = LIFECYCLES.iter().position(|(n, _)| *n == name)?;
    super::built_in::lifecycle(index)
}

/// The names of the built-in scenarios, comma-separated.
pub fn names() -> String {
    NAMES.join(", ")
}

/// The built-in scenario called `name`, not checked again: every built-in is valid (the
/// tests check them all), and the page runs them without the checking code (see
/// `Simulation::from_checked`). `by_name` checks.
pub fn built_in(name: &str) -> Option<Scenario> {
    let index = NAMES.iter().position(|n| *n == name)?;
    super::built_in::scenario(index)
}

/// Whether SyncScope has a scenario called `name` of its own: a built-in or a generated
/// load. A person's own scenario must be called otherwise, or a link naming it would open
/// SyncScope's.
pub fn has(name: &str) -> bool {
    NAMES.contains(&name) || super::load::ExplorerLoad::named(name).is_some()
}

/// Why `by_name` gave no scenario.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ByNameError {
    /// No built-in scenario has that name; the message lists those that exist.
    Unknown {
        /// The name asked for.
        name: String,
    },
    /// The built-in does not pass the scenario checks (a bug in SyncScope: the tests check
    /// every built-in).
    Invalid(ScenarioErrors),
}

impl std::fmt::Display for ByNameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ByNameError::Unknown { name } => write!(
                f,
                "no built-in scenario is called \"{name}\"; expected one of {}",
                names()
            ),
            ByNameError::Invalid(errors) => write!(f, "{errors}"),
        }
    }
}

impl std::error::Error for ByNameError {}

/// The built-in scenario called `name`, checked; an unknown name is an error that lists the
/// built-ins.
pub fn by_name(name: &str) -> Result<Scenario, ByNameError> {
    let unknown = || ByNameError::Unknown {
        name: name.to_string(),
    };
    let index = NAMES.iter().position(|n| *n == name).ok_or_else(unknown)?;
    let scenario = super::built_in::scenario(index).ok_or_else(unknown)?;
    scenario.validate().map_err(ByNameError::Invalid)?;
    Ok(scenario)
}

/// Every built-in scenario.
pub fn all() -> Vec<Scenario> {
    (0..NAMES.len())
        .filter_map(super::built_in::scenario)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_titles_and_the_first_are_the_scenarios_own() {
        let titles: Vec<String> = all().into_iter().map(|s| s.title).collect();
        assert_eq!(titles, TITLES);
        assert_eq!(first(), all()[0]);
        assert_eq!(built_in_at(3).map(|s| s.name), Some(NAMES[3].to_string()));
    }

    #[test]
    fn every_built_in_parses_and_is_named_like_its_file() {
        assert_eq!(BUILT_IN.map(|(name, _)| name), NAMES);
        for (name, json) in BUILT_IN {
            let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(scenario.name, name);
            assert!(
                !scenario.description.is_empty(),
                "{name} needs a description"
            );
        }
    }

    #[test]
    fn every_scenario_the_page_runs_unchecked_is_valid() {
        for name in NAMES {
            let scenario = built_in(name).expect("listed");
            assert_eq!(scenario.validate(), Ok(()), "{name}");
        }
        // The explorer's generated loads.
        for load in super::super::load::EXPLORER_LOADS {
            assert_eq!(load.scenario().validate(), Ok(()), "{}", load.name);
        }
    }

    #[test]
    fn unknown_names_are_an_error_that_lists_the_built_ins() {
        let error = by_name("nope").unwrap_err();
        assert_eq!(
            error,
            ByNameError::Unknown {
                name: "nope".into()
            }
        );
        let message = error.to_string();
        assert!(message.contains("\"nope\""), "{message}");
        for name in NAMES {
            assert!(message.contains(name), "{message}");
        }
    }
}
