//! One scenario over many seeds: each run's outcome, and what they add up to per strategy
//! (the share of runs with lost updates, with conflicts, with escalations, not converged,
//! when runs converge, how long their consistency windows last, and the chance of a fresh
//! read some time after a write). One seed is one story; a sweep says how often each
//! happens.
//!
//! Each run is a pure function of its scenario, strategy and seed, so a sweep's result is
//! the same however its runs are spread over threads (`sweep`, native only) or workers:
//! outcomes are always put back in (strategy, seed) order before they are added up.

use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ids::Millis;
use super::resolver::Strategy;
use super::scenario::Scenario;
use super::simulation::Simulation;
use super::staleness::{self, Staleness};

/// The most seeds one sweep runs, so that a typo (`1..1000000000`) is an error, not a
/// machine busy for days.
pub const MAX_SEEDS: u64 = 1_000_000;

/// How many bars a convergence-time histogram has.
pub const BARS: usize = 10;

/// What one run ended with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The strategy it ran under.
    pub strategy: Strategy,
    /// Its seed.
    pub seed: u64,
    /// Writes lost without anyone being told.
    pub lost_updates: u64,
    /// Conflicts detected.
    pub conflicts: u64,
    /// Conflicts sent to a person.
    pub escalations: u64,
    /// Duplicates delivered by the bus.
    pub duplicates_delivered: u64,
    /// Whether every replica equals the source of truth at the end.
    pub converged: bool,
    /// When the replicas last became equal to the source, if they did.
    pub converged_at: Option<Millis>,
    /// Its stale reads: consistency windows and fresh reads after each commit.
    pub staleness: Staleness,
}

/// Runs `scenario` (already checked: `Scenario::validate`) once under `strategy` with
/// `seed`, to its end.
pub fn outcome(scenario: &Arc<Scenario>, strategy: Strategy, seed: u64) -> Outcome {
    let mut sim = Simulation::from_checked(Arc::clone(scenario), seed, strategy)
        .with_idempotency(scenario.idempotency);
    sim.run_to_end();
    let m = sim.metrics();
    Outcome {
        strategy,
        seed,
        lost_updates: m.lost_updates,
        conflicts: m.conflicts,
        escalations: m.escalations_raised,
        duplicates_delivered: m.duplicates_delivered,
        converged: m.converged,
        converged_at: m.converged_at,
        staleness: staleness::staleness(&sim),
    }
}

/// Counts of runs by when they converged: bar `i` holds the runs that converged at a time
/// `t` with `from_ms + i * width_ms <= t < from_ms + (i + 1) * width_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Histogram {
    /// Where the first bar starts: the earliest time, in ms.
    pub from_ms: Millis,
    /// The time each bar spans, in ms (at least 1).
    pub width_ms: Millis,
    /// Runs per bar, `BARS` bars.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// The histogram of `times`: bars from the earliest, wide enough that the latest falls
    /// in the last.
    pub fn of(times: &[Millis]) -> Histogram {
        let from_ms = times.iter().copied().min().unwrap_or(0);
        let latest = times.iter().copied().max().unwrap_or(0);
        let width_ms = (latest - from_ms) / BARS as u64 + 1;
        let mut counts = vec![0; BARS];
        for t in times {
            counts[(((t - from_ms) / width_ms) as usize).min(BARS - 1)] += 1;
        }
        Histogram {
            from_ms,
            width_ms,
            counts,
        }
    }
}

/// What the runs of one strategy add up to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The strategy.
    pub strategy: Strategy,
    /// How many runs.
    pub runs: u64,
    /// Runs that lost at least one update.
    pub with_lost_updates: u64,
    /// Runs that detected at least one conflict.
    pub with_conflicts: u64,
    /// Runs that sent at least one conflict to a person.
    pub with_escalations: u64,
    /// Runs whose replicas did not all equal the source at the end.
    pub not_converged: u64,
    /// When the converged runs converged.
    pub convergence: Histogram,
    /// The longest consistency window of each run where every commit reached every
    /// replica.
    pub window: Histogram,
    /// Runs where some commit never reached some replica (nor anything newer).
    pub never_consistent: u64,
    /// The chance that a read `staleness::OFFSETS_MS[k]` after a commit returns it (or
    /// newer), over every commit and replica of every run; empty with no commit.
    pub fresh_reads: Vec<f64>,
}

impl Summary {
    /// The share of runs (0 to 1) that `count` stands for.
    pub fn share(&self, count: u64) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            count as f64 / self.runs as f64
        }
    }
}

/// What `outcomes` add up to, one summary per strategy they hold, in `Strategy::ALL` order.
pub fn summarize(outcomes: &[Outcome]) -> Vec<Summary> {
    Strategy::ALL
        .into_iter()
        .filter_map(|strategy| {
            let runs: Vec<&Outcome> = outcomes.iter().filter(|o| o.strategy == strategy).collect();
            if runs.is_empty() {
                return None;
            }
            let count = |f: &dyn Fn(&Outcome) -> bool| runs.iter().filter(|o| f(o)).count() as u64;
            let times: Vec<Millis> = runs.iter().filter_map(|o| o.converged_at).collect();
            let windows: Vec<Millis> = runs
                .iter()
                .filter(|o| o.staleness.never_consistent == 0)
                .filter_map(|o| o.staleness.longest_window_ms)
                .collect();
            Some(Summary {
                strategy,
                runs: runs.len() as u64,
                with_lost_updates: count(&|o| o.lost_updates > 0),
                with_conflicts: count(&|o| o.conflicts > 0),
                with_escalations: count(&|o| o.escalations > 0),
                not_converged: count(&|o| !o.converged),
                convergence: Histogram::of(&times),
                window: Histogram::of(&windows),
                never_consistent: count(&|o| o.staleness.never_consistent > 0),
                fresh_reads: staleness::curve(runs.iter().map(|o| &o.staleness)),
            })
        })
        .collect()
}

/// The outcomes as CSV, a header line and then one line per run.
pub fn csv(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "strategy,seed,lost_updates,conflicts,escalations,duplicates_delivered,converged,converged_at_ms,longest_window_ms,never_consistent\n",
    );
    for o in outcomes {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            o.strategy.as_str(),
            o.seed,
            o.lost_updates,
            o.conflicts,
            o.escalations,
            o.duplicates_delivered,
            o.converged,
            o.converged_at.map(|t| t.to_string()).unwrap_or_default(),
            o.staleness
                .longest_window_ms
                .map(|t| t.to_string())
                .unwrap_or_default(),
            o.staleness.never_consistent
        );
    }
    out
}

/// Reads a range of seeds written `FIRST..LAST` (both included) or a single seed.
pub fn parse_seeds(text: &str) -> Result<RangeInclusive<u64>, String> {
    let number = |s: &str| {
        s.trim().parse::<u64>().map_err(|_| {
            format!("expected seeds as FIRST..LAST (e.g. 1..1000) or one seed, found \"{text}\"")
        })
    };
    let range = match text.split_once("..") {
        Some((first, last)) => number(first)?..=number(last)?,
        None => number(text).map(|n| n..=n)?,
    };
    let count = range
        .end()
        .checked_sub(*range.start())
        .map(|d| d.saturating_add(1));
    match count {
        None => Err(format!(
            "the last seed comes before the first in \"{text}\""
        )),
        Some(n) if n > MAX_SEEDS => Err(format!(
            "\"{text}\" is {n} seeds; a sweep runs at most {MAX_SEEDS}"
        )),
        Some(_) => Ok(range),
    }
}

/// A part of a sweep that a worker runs (the page spreads a sweep over Web Workers, each
/// running this engine): one strategy over a range of seeds. Sent as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// A built-in scenario's or a generated load's name, when `custom` is not given.
    pub scenario: String,
    /// A scenario of the person's own, as JSON (it is checked before it runs).
    pub custom: Option<String>,
    /// Whether replicas skip events already processed (the page's setting, which may
    /// differ from the scenario's own).
    pub idempotent: bool,
    /// The strategy.
    pub strategy: Strategy,
    /// The first seed.
    pub first: u64,
    /// The last seed (included).
    pub last: u64,
}

impl Part {
    /// The scenario this part runs, checked, with the part's idempotency: a custom one is
    /// read from its JSON, else a built-in or generated load is found by name.
    pub fn scenario(&self) -> Result<Scenario, String> {
        let mut scenario = match &self.custom {
            Some(json) => Scenario::from_json(json).map_err(|e| e.to_string())?,
            None => super::library::built_in(&self.scenario)
                .or_else(|| super::load::ExplorerLoad::named(&self.scenario).map(|l| l.scenario()))
                .ok_or_else(|| format!("no scenario is called \"{}\"", self.scenario))?,
        };
        scenario.validate().map_err(|e| e.to_string())?;
        scenario.idempotency = self.idempotent;
        Ok(scenario)
    }

    /// Runs this part on `scenario` (what `scenario()` gave): its outcomes, in seed order.
    pub fn run(&self, scenario: &Arc<Scenario>) -> Vec<Outcome> {
        (self.first..=self.last)
            .map(|seed| outcome(scenario, self.strategy, seed))
            .collect()
    }
}

/// Runs `scenario` under each of `strategies` for every seed in `seeds`, on `threads`
/// threads (one in wasm, where a page spreads work over workers instead), and returns the
/// outcomes in (strategy, seed) order: the same whatever the number of threads. Checks the
/// scenario first.
pub fn sweep(
    scenario: &Scenario,
    strategies: &[Strategy],
    seeds: RangeInclusive<u64>,
    threads: usize,
) -> Result<Vec<Outcome>, super::scenario::ScenarioErrors> {
    scenario.validate()?;
    let scenario = Arc::new(scenario.clone());
    let jobs: Vec<(Strategy, u64)> = strategies
        .iter()
        .flat_map(|&s| seeds.clone().map(move |seed| (s, seed)))
        .collect();
    Ok(run_jobs(&scenario, &jobs, threads))
}

/// The outcomes of `jobs`, in their order, on `threads` threads.
#[cfg(not(target_arch = "wasm32"))]
fn run_jobs(scenario: &Arc<Scenario>, jobs: &[(Strategy, u64)], threads: usize) -> Vec<Outcome> {
    let per_thread = jobs.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&(strategy, seed)| outcome(scenario, strategy, seed))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Joined in the order the chunks were cut: the outcomes keep the jobs' order.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The outcomes of `jobs`, in their order (wasm has no threads here).
#[cfg(target_arch = "wasm32")]
fn run_jobs(scenario: &Arc<Scenario>, jobs: &[(Strategy, u64)], _threads: usize) -> Vec<Outcome> {
    jobs.iter()
        .map(|&(strategy, seed)| outcome(scenario, strategy, seed))
        .collect()
}
