//! Runs one seed twice and reports the first step where the two runs part ways.

use std::sync::Arc;

use super::resolver::{Resolver, Strategy};
use super::scenario::Scenario;
use super::simulation::Simulation;

/// Runs `scenario` twice with `seed` and `strategy`. Returns the trace hash when both runs
/// agree step for step, or a message naming the first differing step and the seed.
pub fn check_determinism(
    scenario: &Scenario,
    seed: u64,
    strategy: Strategy,
) -> Result<String, String> {
    twice(scenario, seed, &strategy.to_string(), || {
        Simulation::new(scenario, seed, strategy)
    })
}

/// Like `check_determinism`, with `resolver` deciding: a resolver that keeps state or
/// reads a clock shows up here as two runs that part.
pub fn check_resolver_determinism(
    scenario: &Scenario,
    seed: u64,
    resolver: Arc<dyn Resolver>,
) -> Result<String, String> {
    let name = resolver.name().to_string();
    twice(scenario, seed, &name, || {
        Simulation::with_resolver(scenario, seed, Arc::clone(&resolver))
    })
}

fn twice(
    scenario: &Scenario,
    seed: u64,
    strategy: &str,
    start: impl Fn() -> Result<Simulation, super::scenario::ScenarioErrors>,
) -> Result<String, String> {
    let run = || -> Result<Simulation, String> {
        let mut sim = start().map_err(|e| e.to_string())?;
        sim.run_to_end();
        Ok(sim)
    };
    let (a, b) = (run()?, run()?);
    let (sa, sb) = (a.trace(), b.trace());
    if let Some(i) = (0..sa.len().max(sb.len())).find(|&i| sa.get(i) != sb.get(i)) {
        return Err(format!(
            "scenario {} is not deterministic: step {i} differs ({:?} vs {:?}); reproduce with seed={seed} strategy={strategy}",
            scenario.name,
            sa.get(i),
            sb.get(i)
        ));
    }
    Ok(a.trace().hash())
}
