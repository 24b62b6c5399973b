//! What a sweep adds up to: the share of runs per outcome and strategy, histograms of
//! convergence time and of the longest consistency window, the stale-read curve, and seeds
//! to open. Every count, bar and named seed opens a run that produced it in the normal view.

use leptos::prelude::*;

use crate::sim::Strategy;
use crate::sim::explain::grouped;
use crate::sim::ids::Millis;
use crate::sim::staleness::OFFSETS_MS;
use crate::sim::sweep::{Histogram, Outcome, Summary};
use crate::ui::explorer::Explorer;

use super::view::Done;

/// Shows run `seed` under `strategy` in the normal view, at the top of the page.
fn open(explorer: Explorer, strategy: Strategy, seed: u64) {
    explorer.settings.strategy.set(strategy);
    explorer.settings.seed_text.set(seed.to_string());
    explorer.reload();
    if let Some(w) = web_sys::window() {
        let top = web_sys::js_sys::Object::new();
        let _ = web_sys::js_sys::Reflect::set(&top, &"top".into(), &0.into());
        let _ = super::pool::call(&w, "scrollTo", &top);
    }
}

/// The first outcome of `strategy` for which `pick` holds.
fn first(outcomes: &[Outcome], strategy: Strategy, pick: impl Fn(&Outcome) -> bool) -> Option<u64> {
    outcomes
        .iter()
        .find(|o| o.strategy == strategy && pick(o))
        .map(|o| o.seed)
}

/// A finished sweep, shown whole.
#[component]
pub fn SweepResult(
    /// The sweep.
    done: Done,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let runs: u64 = done.summaries.iter().map(|s| s.runs).sum();
    let title = format!(
        "{} over seeds {}: {} runs in {:.1} s",
        done.scenario,
        done.seeds,
        grouped(runs),
        done.took_ms / 1000.0
    );
    let outcomes = done.outcomes.clone();
    view! {
        <div class="sweep-result" data-took-ms=format!("{:.0}", done.took_ms)>
            <h3>{title}</h3>
            <ShareTable summaries=done.summaries.clone() outcomes=outcomes.clone() explorer=explorer />
            <div class="histograms">
                {done.summaries.iter().map(|s| {
                    let strategy = s.strategy;
                    let converged = outcomes.clone();
                    let consistent = outcomes.clone();
                    view! {
                        <figure class="strategy-histograms">
                            <figcaption>{s.strategy.label()}</figcaption>
                            <Bars title="Converged at" empty="No run converged." histogram=s.convergence.clone() explorer=explorer strategy=strategy
                                seed_in=move |from, to| first(&converged, strategy, |o| o.converged_at.is_some_and(|t| (from..to).contains(&t))) />
                            <Bars title="Longest consistency window" empty="In no run did every commit reach every replica." histogram=s.window.clone() explorer=explorer strategy=strategy
                                seed_in=move |from, to| first(&consistent, strategy, |o| o.staleness.never_consistent == 0 && o.staleness.longest_window_ms.is_some_and(|t| (from..to).contains(&t))) />
                            <Picks outcomes=outcomes.clone() strategy=strategy explorer=explorer />
                        </figure>
                    }
                }).collect::<Vec<_>>()}
            </div>
            <FreshReads summaries=done.summaries />
        </div>
    }
}

/// The share of runs with each outcome, per strategy; each count opens a run that had it.
#[component]
fn ShareTable(
    /// Per strategy.
    summaries: Vec<Summary>,
    /// Every run.
    outcomes: std::sync::Arc<Vec<Outcome>>,
    /// To open a run.
    explorer: Explorer,
) -> impl IntoView {
    type Pick = fn(&Outcome) -> bool;
    type Count = fn(&Summary) -> u64;
    let columns: [(&str, Count, Pick); 5] = [
        (
            "Lost updates",
            |s| s.with_lost_updates,
            |o| o.lost_updates > 0,
        ),
        ("Conflicts", |s| s.with_conflicts, |o| o.conflicts > 0),
        ("Escalations", |s| s.with_escalations, |o| o.escalations > 0),
        ("Not converged", |s| s.not_converged, |o| !o.converged),
        (
            "Never consistent",
            |s| s.never_consistent,
            |o| o.staleness.never_consistent > 0,
        ),
    ];
    view! {
        <div class="compare-summary-wrap"><table class="sweep-shares">
            <caption>"Runs with each outcome (a count opens one of them)"</caption>
            <thead><tr>
                <th scope="col">"Strategy"</th><th scope="col">"Runs"</th>
                {columns.iter().map(|(h, _, _)| view! { <th scope="col">{*h}</th> }).collect::<Vec<_>>()}
            </tr></thead>
            <tbody>
                {summaries.iter().map(|s| {
                    let strategy = s.strategy;
                    view! {
                        <tr data-strategy=strategy.as_str()>
                            <th scope="row">{strategy.label()}</th>
                            <td>{grouped(s.runs)}</td>
                            {columns.iter().map(|(_, count, pick)| {
                                let n = count(s);
                                let text = format!("{} ({:.1} %)", grouped(n), 100.0 * s.share(n));
                                match first(&outcomes, strategy, pick) {
                                    Some(seed) if n > 0 => view! {
                                        <td><button type="button" class="link-button" on:click=move |_| open(explorer, strategy, seed)
                                            aria-label=format!("{text}; open seed {seed}")>{text.clone()}</button></td>
                                    }.into_any(),
                                    _ => view! { <td>{text}</td> }.into_any(),
                                }
                            }).collect::<Vec<_>>()}
                        </tr>
                    }
                }).collect::<Vec<_>>()}
            </tbody>
        </table></div>
    }
}

/// A histogram as a row of bars, each a button that opens a run from it; the bars' text
/// says what each holds.
#[component]
fn Bars(
    /// What it counts.
    title: &'static str,
    /// What to say when it counts no run.
    empty: &'static str,
    /// The counts.
    histogram: Histogram,
    /// To open a run.
    explorer: Explorer,
    /// Whose runs.
    strategy: Strategy,
    /// A seed whose value falls in [from, to), if any.
    seed_in: impl Fn(Millis, Millis) -> Option<u64> + 'static,
) -> impl IntoView {
    if histogram.counts.iter().all(|&c| c == 0) {
        return view! {
            <div class="bars-block"><p class="bars-title">{title}</p><p class="legend">{empty}</p></div>
        }
        .into_any();
    }
    let most = histogram.counts.iter().copied().max().unwrap_or(0).max(1);
    let bars: Vec<_> = histogram
        .counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let from = histogram.from_ms + i as u64 * histogram.width_ms;
            let to = from + histogram.width_ms;
            let words = format!("{from}–{} ms: {} runs", to - 1, grouped(count));
            let height = format!("height: {}%", 4 + 96 * count / most);
            match seed_in(from, to).filter(|_| count > 0) {
                Some(seed) => view! {
                    <button type="button" class="bar" style=height on:click=move |_| open(explorer, strategy, seed)>
                        <span class="visually-hidden">{format!("{words}; open seed {seed}")}</span>
                    </button>
                }.into_any(),
                None => view! { <span class="bar empty" style=height><span class="visually-hidden">{words}</span></span> }.into_any(),
            }
        })
        .collect();
    let (low, high) = (
        histogram.from_ms,
        histogram.from_ms + histogram.width_ms * histogram.counts.len() as u64,
    );
    view! {
        <div class="bars-block">
            <p class="bars-title">{title}</p>
            <div class="bars">{bars}</div>
            <p class="bars-axis"><span>{format!("{low} ms")}</span><span>{format!("{high} ms")}</span></p>
        </div>
    }
    .into_any()
}

/// Buttons that open the slowest run, a typical one and one with a lost update.
#[component]
fn Picks(
    /// Every run.
    outcomes: std::sync::Arc<Vec<Outcome>>,
    /// Whose runs.
    strategy: Strategy,
    /// To open a run.
    explorer: Explorer,
) -> impl IntoView {
    let mut mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.strategy == strategy).collect();
    // Slowest: a run that never converged, else the latest to converge.
    mine.sort_by_key(|o| {
        (
            o.converged_at.is_some(),
            std::cmp::Reverse(o.converged_at),
            o.seed,
        )
    });
    let slowest = mine.first().map(|o| o.seed);
    let mut converged: Vec<&Outcome> = mine
        .iter()
        .copied()
        .filter(|o| o.converged_at.is_some())
        .collect();
    converged.sort_by_key(|o| (o.converged_at, o.seed));
    let typical = converged.get(converged.len() / 2).map(|o| o.seed);
    let lost = first(&outcomes, strategy, |o| o.lost_updates > 0);
    let picks = [
        ("the slowest", slowest),
        ("a typical run", typical),
        ("one with a lost update", lost),
    ];
    view! {
        <p class="picks">
            "Open "
            {picks.into_iter().filter_map(|(what, seed)| seed.map(|seed| view! {
                <button type="button" class="link-button" on:click=move |_| open(explorer, strategy, seed)>
                    {format!("{what} (seed {seed})")}
                </button>
                " "
            })).collect::<Vec<_>>()}
        </p>
    }
}

/// The chance that a read returns the latest write, against the time since that write:
/// a line per strategy, and the same as a table.
#[component]
fn FreshReads(
    /// Per strategy.
    summaries: Vec<Summary>,
) -> impl IntoView {
    let with_curve: Vec<&Summary> = summaries
        .iter()
        .filter(|s| !s.fresh_reads.is_empty())
        .collect();
    if with_curve.is_empty() {
        return view! { <p class="legend">"No commits, so no reads to judge."</p> }.into_any();
    }
    let (w, h) = (320.0, 120.0);
    let x = |k: usize| 10.0 + (w - 20.0) * k as f64 / (OFFSETS_MS.len() - 1) as f64;
    let y = |chance: f64| h - 10.0 - (h - 20.0) * chance;
    let lines: Vec<_> = with_curve
        .iter()
        .map(|s| {
            let points: Vec<String> = s
                .fresh_reads
                .iter()
                .enumerate()
                .map(|(k, c)| format!("{:.1},{:.1}", x(k), y(*c)))
                .collect();
            view! { <polyline class=format!("curve curve-{}", s.strategy.as_str()) points=points.join(" ") /> }
        })
        .collect();
    view! {
        <figure class="fresh-reads">
            <figcaption>"The chance that a read at a replica returns the latest write (or newer), by time since that write (probabilistically bounded staleness)"</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label="The same as the table below, drawn: a line per strategy from 0 ms to 1 hour after the write">
                <line class="axis" x1="10" y1=y(0.0) x2=w - 10.0 y2=y(0.0) />
                <line class="axis" x1="10" y1=y(1.0) x2=w - 10.0 y2=y(1.0) />
                {lines}
            </svg>
            <p class="legend">{with_curve.iter().map(|s| view! { <span class=format!("key curve-{}", s.strategy.as_str())>{s.strategy.label()}</span> " " }).collect::<Vec<_>>()}</p>
            <div class="compare-summary-wrap"><table class="fresh-table">
                <caption>"Fresh reads, by time since the write"</caption>
                <thead><tr><th scope="col">"Time since the write"</th>
                    {with_curve.iter().map(|s| view! { <th scope="col">{s.strategy.label()}</th> }).collect::<Vec<_>>()}
                </tr></thead>
                <tbody>
                    {OFFSETS_MS.iter().enumerate().map(|(k, offset)| view! {
                        <tr><th scope="row">{crate::sim::explain::duration_words(*offset)}</th>
                            {with_curve.iter().map(|s| view! { <td>{format!("{:.1} %", 100.0 * s.fresh_reads[k])}</td> }).collect::<Vec<_>>()}
                        </tr>
                    }).collect::<Vec<_>>()}
                </tbody>
            </table></div>
        </figure>
    }
    .into_any()
}
