//! The sweep view: the seeds to run, the button that runs them (and the one that stops
//! them), progress, and the result.

use std::sync::Arc;

use leptos::prelude::*;

use crate::sim::sweep::{Outcome, Part, Summary, parse_seeds, summarize};
use crate::sim::{Strategy, library};
use crate::ui::explorer::Explorer;

use super::pool::{self, Reports, Running};
use super::results::SweepResult;

/// A finished sweep.
#[derive(Clone)]
pub struct Done {
    /// The scenario's name.
    pub scenario: String,
    /// The seeds, as typed.
    pub seeds: String,
    /// Every run's outcome, in (strategy, seed) order.
    pub outcomes: Arc<Vec<Outcome>>,
    /// What they add up to, per strategy.
    pub summaries: Vec<Summary>,
    /// How long it took, in ms.
    pub took_ms: f64,
}

/// The seeds field, the run and cancel buttons, progress, and the last result. Starts a
/// sweep of the run on show's scenario over seeds 1 to 1,000 when it is first drawn.
#[component]
pub fn SweepView() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let seeds = RwSignal::new("1..1000".to_string());
    let problem = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let result = RwSignal::new(None::<Done>);
    let running = StoredValue::new_local(None::<Running>);
    let run = move || {
        if let Some(r) = running.get_value() {
            r.cancel();
        }
        let text = seeds.get_untracked();
        let range = match parse_seeds(&text) {
            Ok(range) => range,
            Err(why) => return problem.set(Some(format!("Seeds: {why}."))),
        };
        let part = match template(&explorer) {
            Ok(part) => part,
            Err(why) => return problem.set(Some(why)),
        };
        problem.set(None);
        let parts = pool::parts(&part, &Strategy::ALL, *range.start(), *range.end());
        let started = now();
        let scenario = part.scenario.clone();
        progress.set(Some((0, 0)));
        let reports = Reports {
            progress: std::rc::Rc::new(move |done, of| progress.set(Some((done, of)))),
            done: std::rc::Rc::new(move |outcome: Result<Vec<Outcome>, String>| {
                progress.set(None);
                running.set_value(None);
                match outcome {
                    Ok(outcomes) => result.set(Some(Done {
                        scenario: scenario.clone(),
                        seeds: text.clone(),
                        summaries: summarize(&outcomes),
                        outcomes: Arc::new(outcomes),
                        took_ms: now() - started,
                    })),
                    Err(why) => problem.set(Some(format!("The sweep stopped: {why}."))),
                }
            }),
        };
        match pool::start(parts, reports) {
            Ok(r) => running.set_value(Some(r)),
            Err(why) => {
                progress.set(None);
                problem.set(Some(format!("The sweep could not start: {why}.")));
            }
        }
    };
    let cancel = move |_| {
        if let Some(r) = running.get_value() {
            r.cancel();
            running.set_value(None);
            let (done, of) = progress.get_untracked().unwrap_or_default();
            progress.set(None);
            problem.set(Some(format!(
                "Cancelled after {} of {} runs.",
                crate::sim::explain::grouped(done),
                crate::sim::explain::grouped(of)
            )));
        }
    };
    run();
    view! {
        <form class="sweep-form" on:submit=move |ev| { ev.prevent_default(); run(); }>
            <label>
                <span>"Seeds"</span>
                <input id="sweep-seeds" type="text" autocomplete="off" aria-describedby="sweep-problem"
                    prop:value=move || seeds.get() on:input=move |ev| seeds.set(event_target_value(&ev)) />
            </label>
            <button type="submit" id="sweep-run">"Run every strategy"</button>
            <Show when=move || progress.get().is_some()>
                <button type="button" id="sweep-cancel" on:click=cancel>"Cancel"</button>
            </Show>
        </form>
        <p id="sweep-problem" class="run-error" role="alert">{move || problem.get()}</p>
        {move || progress.get().map(|(done, of)| view! {
            <p class="sweep-progress" role="status">
                <progress max=of.max(1) value=done></progress>
                {format!(" {} of {} runs", crate::sim::explain::grouped(done), crate::sim::explain::grouped(of))}
            </p>
        })}
        {move || result.get().map(|done| view! { <SweepResult done=done /> })}
    }
}

/// What every part of a sweep of the run on show shares: its scenario (by name, or as JSON
/// when it is the person's own) and the idempotency setting.
fn template(explorer: &Explorer) -> Result<Part, String> {
    let name = explorer.settings.scenario.get_untracked();
    let custom = if library::has(&name) {
        None
    } else {
        let scenario = explorer.scenario()?;
        Some(serde_json::to_string(&*scenario).map_err(|e| e.to_string())?)
    };
    Ok(Part {
        scenario: name,
        custom,
        idempotent: explorer.settings.idempotency.get_untracked(),
        strategy: Strategy::default(),
        first: 0,
        last: 0,
    })
}

/// The page's clock, in ms.
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
