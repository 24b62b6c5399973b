//! The why panel: each invariant's status at the step on show, with the sentence that
//! explains a violation and a way to jump to it; and the narration of notable steps.

use leptos::prelude::*;

use crate::sim::explain::narrate;
use crate::sim::invariants::Verdict;

use super::explorer::{Explorer, Selection};
use super::keyed::{key, keyed, row};
use super::run_view::RunView;

/// Invariants at the current step, and the narration.
#[component]
pub fn WhyPanel(
    /// The run on show.
    view: Memo<Option<RunView>>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let frame = explorer.panel_frame;
    let items = move || view.with(|v| v.as_ref().map(invariant_items).unwrap_or_default());
    // The last twelve trace entries, newest first, with their event if any.
    let story = Memo::new(move |_| {
        frame
            .get()
            .map(|f| {
                let n = f.sim.trace().len();
                (n.saturating_sub(12)..n)
                    .rev()
                    .map(|i| {
                        let line = narrate(&f.sim, i);
                        (i, line, f.sim.trace().step(i).kind.event().map(|e| e.0))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <section class="panel why" aria-labelledby="why-title">
            <h2 id="why-title">"Why: invariants at this step"</h2>
            <ul class="invariant-list">
                {keyed(move || items().into_iter().map(|(name, verdict, reasons)| {
                    let reasons_text = reasons.iter().map(|(t, m)| format!("{t} {m}")).collect::<Vec<_>>().join("\n");
                    let key = key(&[&name, &verdict.as_str(), &verdict.reason().unwrap_or_default(), &reasons_text]);
                    row(key, move || invariant_line(name, verdict, reasons, explorer))
                }).collect())}
            </ul>
            <h3>"What just happened"</h3>
            // The list itself is the live region: a screen reader hears each new line once,
            // and nothing is written twice on the page. While playing it is silent (lines come
            // faster than they can be read; the step counter tells the progress).
            <ol
                class="narration"
                reversed
                aria-live=move || if explorer.playing() { "off" } else { "polite" }
                aria-relevant="additions"
            >
                {keyed(move || story.get().into_iter().map(|(i, line, event)| row(key(&[&i, &line]), move || view! {
                    <li>
                        {match event {
                            Some(e) => view! {
                                <button type="button" class="link-button" on:click=move |_| explorer.select(Some(Selection::Event(e)))>{line}</button>
                            }.into_any(),
                            None => view! { <span>{line}</span> }.into_any(),
                        }}
                    </li>
                })).collect())}
            </ol>
        </section>
    }
}

/// The mark drawn before an invariant's name; its words are in the text beside it.
pub(crate) fn mark(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Holds => "✓",
        Verdict::Violated => "✗",
        Verdict::DoesNotApply(_) => "–",
        Verdict::NotYetDecided(_) => "…",
    }
}

/// An invariant's name, its verdict, and each failure's time and explanation.
type InvariantItem = (&'static str, Verdict, Vec<(u64, String)>);

/// Each invariant with its verdict at the step of `v` and the failures behind it (time
/// and explanation).
fn invariant_items(v: &RunView) -> Vec<InvariantItem> {
    v.invariants
        .iter()
        .map(|(name, verdict)| {
            let reasons: Vec<(u64, String)> = v
                .violations
                .iter()
                .filter(|x| x.name == *name)
                .map(|x| (x.time, x.message.clone()))
                .collect();
            (*name, verdict.clone(), reasons)
        })
        .collect()
}

/// One invariant: its mark, name and verdict in words, and each failure with a button
/// that goes to it.
fn invariant_line(
    name: &'static str,
    verdict: Verdict,
    reasons: Vec<(u64, String)>,
    explorer: Explorer,
) -> impl IntoView {
    view! {
                    <li class=verdict.as_str() data-invariant=name data-verdict=verdict.as_str()>
                        <span class="status" aria-hidden="true">{mark(&verdict)}</span>
                        <code>{name}</code>
                        <span class="visually-hidden">{format!(" {}", verdict.words())}</span>
                        {verdict.reason().map(|r| view! { <span class="verdict-reason">{format!(": {r}")}</span> })}
                        <ul class="reasons">
                            {reasons
                                .into_iter()
                                .map(|(time, message)| view! {
                                    <li>
                                        {format!("At {time} ms: {message} ")}
                                        <button type="button" class="link-button" on:click=move |_| explorer.go_to_time(time)>
                                            {format!("Go to {time} ms")}
                                        </button>
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    </li>
    }
}
