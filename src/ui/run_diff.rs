//! A diff between the run on show and another: a fork or the original, or the same run
//! under another strategy. Where they part (with a button that goes there), and at their
//! ends, the record copies, the invariant verdicts and the counts that differ
//! (`timeline::diff`). The run compared with is in the link (`diffWith=`).

use leptos::prelude::*;

use crate::sim::compare::first_parting;
use crate::sim::link::DiffWith;
use crate::sim::timeline::{self, RunDiff};
use crate::sim::{Simulation, Strategy};

use super::explorer::{Branch, Explorer};

/// Runs longer than this are not replayed under another strategy here (the compare view
/// records them in the background instead).
const LONGEST_REPLAY: u64 = 10_000;

/// What the diff shows: where the runs part (time) and how their ends differ, or why
/// there is nothing to show.
type Outcome = Result<(Option<u64>, RunDiff), String>;

/// The other run of a diff with `with`, from `branches` (the one on show is `active`).
fn other_run(with: DiffWith, branches: &[Branch], active: usize) -> Result<Simulation, String> {
    let on_show = &branches[active];
    match with {
        DiffWith::Run(k) => {
            let other = branches
                .get(k)
                .ok_or_else(|| format!("there is no run number {k} here"))?;
            if !other.timeline.is_complete() {
                return Err("that run is still being recorded".into());
            }
            Ok(other.timeline.full().clone())
        }
        DiffWith::Strategy(strategy) => {
            if on_show.timeline.len() > LONGEST_REPLAY {
                return Err(format!(
                    "this run is longer than {} steps: compare every strategy instead (below), which records them in the background",
                    crate::sim::explain::grouped(LONGEST_REPLAY)
                ));
            }
            let full = on_show.timeline.full();
            let start = Simulation::from_checked(full.shared_scenario(), full.seed(), strategy)
                .with_idempotency(full.idempotency());
            let changes: Vec<_> = on_show
                .changes
                .iter()
                .map(|(s, c, _)| (*s, c.clone()))
                .collect();
            timeline::replay(start, &changes)
                .map_err(|e| format!("a change could not be made under {}: {e}", strategy.label()))
        }
    }
}

/// The diff panel: what to compare the run on show with, and how they differ.
#[component]
pub fn RunDiffPanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let outcome = Memo::new(move |_| -> Option<Outcome> {
        let with = explorer.diff_with.get()?;
        let active = explorer.active();
        explorer.with_branches(|b| {
            let on_show = &b.get(active)?.timeline;
            if !on_show.is_complete() {
                return Some(Err("the run on show is still being recorded".to_string()));
            }
            Some(other_run(with, b, active).map(|other| {
                let mine = on_show.full();
                (
                    first_parting(&[mine, &other]).map(|p| p.time),
                    timeline::diff(mine, &other),
                )
            }))
        })?
    });
    let options = move || {
        let active = explorer.active();
        let strategy = explorer.settings.strategy.get();
        let mut options: Vec<(String, String)> = explorer
            .branch_labels()
            .into_iter()
            .filter(|(i, _, _)| *i != active)
            .map(|(i, label, _)| (DiffWith::Run(i).to_string(), label))
            .collect();
        options.extend(
            Strategy::ALL
                .into_iter()
                .filter(|s| *s != strategy)
                .map(|s| {
                    (
                        DiffWith::Strategy(s).to_string(),
                        format!("This run under {}", s.label()),
                    )
                }),
        );
        options
    };
    view! {
        <section class="panel run-diff" aria-labelledby="diff-title">
            <h2 id="diff-title">"Diff two runs"</h2>
            <label>
                <span>"Compare the run on show with "</span>
                <select id="diff-with" prop:value=move || explorer.diff_with.get().map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |ev| explorer.diff_with.set(event_target_value(&ev).parse().ok())>
                    <option value="">"nothing"</option>
                    {move || options().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
            </label>
            {move || outcome.get().map(|o| match o {
                Err(why) => view! { <p class="legend">{format!("No diff: {why}.")}</p> }.into_any(),
                Ok((parting, diff)) => view! { <DiffBody parting=parting diff=diff explorer=explorer /> }.into_any(),
            })}
        </section>
    }
}

/// Where the runs part and what differs at their ends.
#[component]
fn DiffBody(
    /// When they part, if they do.
    parting: Option<u64>,
    /// How their ends differ.
    diff: RunDiff,
    /// To go to where they part.
    explorer: Explorer,
) -> impl IntoView {
    let part = match parting {
        None => view! { <p class="parting">"The two runs never part: they are the same, step for step."</p> }.into_any(),
        Some(time) => view! {
            <p class="parting">{format!("They part at {time} ms. ")}
                <button type="button" id="diff-jump" on:click=move |_| explorer.go_to_time(time)>"Go to where they part"</button>
            </p>
        }.into_any(),
    };
    let same = diff.is_empty();
    view! {
        {part}
        {same.then(|| view! { <p class="legend">"They end the same: every copy, verdict and count."</p> })}
        {(!diff.records.is_empty()).then(|| view! {
            <table class="diff-records">
                <caption>"Copies that end differently"</caption>
                <thead><tr><th scope="col">"System"</th><th scope="col">"Record"</th><th scope="col">"This run"</th><th scope="col">"The other"</th></tr></thead>
                <tbody>{diff.records.iter().map(|(system, record, mine, other)| view! {
                    <tr><th scope="row">{system.clone()}</th><td>{record.clone()}</td><td>{mine.clone()}</td><td>{other.clone()}</td></tr>
                }).collect::<Vec<_>>()}</tbody>
            </table>
        })}
        {(!diff.invariants.is_empty()).then(|| view! {
            <table class="diff-invariants">
                <caption>"Invariants judged differently"</caption>
                <thead><tr><th scope="col">"Invariant"</th><th scope="col">"This run"</th><th scope="col">"The other"</th></tr></thead>
                <tbody>{diff.invariants.iter().map(|(name, mine, other)| view! {
                    <tr><th scope="row">{name.clone()}</th><td>{mine.words()}</td><td>{other.words()}</td></tr>
                }).collect::<Vec<_>>()}</tbody>
            </table>
        })}
        {(!diff.metrics.is_empty()).then(|| view! {
            <table class="diff-metrics">
                <caption>"Counts that differ"</caption>
                <thead><tr><th scope="col">"Count"</th><th scope="col">"This run"</th><th scope="col">"The other"</th></tr></thead>
                <tbody>{diff.metrics.iter().map(|(name, mine, other)| view! {
                    <tr><th scope="row">{name.replace('_', " ")}</th><td>{mine.to_string()}</td><td>{other.to_string()}</td></tr>
                }).collect::<Vec<_>>()}</tbody>
            </table>
        })}
    }
}
