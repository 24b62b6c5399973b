//! The built-in scenarios, embedded from `public/scenarios/*.json` so the runner and the
//! page carry the same files people can download.

use super::scenario::{Scenario, ScenarioErrors};

/// Every built-in scenario as (name, JSON text), in the order they are listed.
pub const BUILT_IN: [(&str, &str); 10] = [
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
];

/// Built-in lifecycles, usable by name from any scenario.
pub const LIFECYCLES: [(&str, &str); 1] =
    [("order", include_str!("../../public/lifecycles/order.json"))];

/// The built-in lifecycle called `name`.
pub fn lifecycle(name: &str) -> Option<super::lifecycle::Lifecycle> {
    LIFECYCLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| {
            serde_json::from_str(json).expect("built-in lifecycles are valid (tested)")
        })
}

/// The names of the built-in scenarios, comma-separated.
pub fn names() -> String {
    BUILT_IN.map(|(name, _)| name).join(", ")
}

/// The built-in scenario called `name`.
pub fn by_name(name: &str) -> Option<Result<Scenario, ScenarioErrors>> {
    BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| parse_built_in(json))
}

/// Every built-in scenario, parsed.
pub fn all() -> Vec<Scenario> {
    BUILT_IN
        .iter()
        .map(|(_, json)| parse_built_in(json).expect("built-in scenarios are valid (tested)"))
        .collect()
}

/// Reads a built-in scenario directly. The files are checked by `Scenario::from_json` in
/// the tests; skipping its error-reporting machinery here keeps it out of the page's
/// bundle, which never reads any other scenario text.
fn parse_built_in(json: &str) -> Result<Scenario, ScenarioErrors> {
    let scenario: Scenario = serde_json::from_str(json).map_err(|e| {
        ScenarioErrors(vec![super::scenario::ScenarioError::new("", e.to_string())])
    })?;
    scenario.validate()?;
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_parses_and_is_named_like_its_file() {
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
    fn unknown_names_are_not_found() {
        assert!(by_name("nope").is_none());
        assert!(names().contains("email-conflict"));
    }
}
