//! The fault panel: each link's knobs, edited in place. A valid edit restarts the run with
//! the edited scenario; a bad value gets a message beside its field and keeps what was typed.

use leptos::prelude::*;

use crate::sim::scenario::Delay;

use super::explorer::Explorer;

/// Link knobs for every replica.
#[component]
pub fn FaultPanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    // The links' names only; the whole scenario is read when an edit is applied. A new
    // scenario's links appear one per frame (all at once for a few): text fields are
    // costly to create, and eight links' worth made drawing the first step a long task.
    let rows = Memo::new(move |_| {
        explorer.revision.track();
        explorer
            .with_branch(|b| {
                let s = b.timeline.full().scenario();
                s.replicas
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (i, r.name.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <section class="panel faults" aria-labelledby="faults-title">
            <h2 id="faults-title">"Faults on each link"</h2>
            <p class="hint">"Changing a knob restarts the run with it. Delay: fixed MS, uniform MIN-MAX, exp MEAN, or tail MIN ALPHA."</p>
            <For each=super::reveal::revealed(rows) key=|r| r.clone() let((i, name))>
                <LinkKnobs index=i name=name />
            </For>
        </section>
    }
}

/// The knobs of the link to replica `index`.
#[component]
fn LinkKnobs(
    /// The replica's position in the scenario.
    index: usize,
    /// The replica's name.
    name: String,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let scenario = move || explorer.with_branch(|b| b.timeline.full().scenario().clone());
    let source = explorer
        .with_branch(|b| b.timeline.full().scenario().source.clone())
        .unwrap_or_default();
    let link = explorer
        .with_branch(|b| {
            b.timeline
                .full()
                .scenario()
                .replicas
                .get(index)
                .map(|r| r.link.clone())
        })
        .flatten()
        .unwrap_or_default();
    let delay = RwSignal::new(link.delay.short());
    let duplicate = RwSignal::new(link.duplicate_probability.to_string());
    let drop = RwSignal::new(link.drop_probability.to_string());
    let error = RwSignal::new(None::<String>);
    let apply = move |reorder: Option<bool>| {
        let Some(mut edited) = scenario().filter(|s| index < s.replicas.len()) else {
            return;
        };
        let parsed = (|| -> Result<(), String> {
            let l = &mut edited.replicas[index].link;
            l.delay =
                Delay::parse_short(&delay.get_untracked()).map_err(|e| format!("Delay: {e}"))?;
            l.duplicate_probability = probability(&duplicate.get_untracked(), 1.0)
                .map_err(|e| format!("Duplicates: {e}"))?;
            l.drop_probability =
                probability(&drop.get_untracked(), 0.9).map_err(|e| format!("Drops: {e}"))?;
            if let Some(r) = reorder {
                l.reorder = r;
            }
            Ok(())
        })();
        match parsed {
            Ok(()) => {
                error.set(None);
                explorer.edited.set(Some(edited));
                explorer.reload();
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let id = |what: &str| format!("link-{index}-{what}");
    view! {
        <fieldset class="link-knobs" data-link=name.clone()>
            <legend>{format!("{source} → {name}")}</legend>
            <label for=id("delay")><span>"Delay"</span></label>
            <input id=id("delay") type="text" prop:value=move || delay.get() on:input=move |ev| delay.set(event_target_value(&ev)) on:change=move |_| apply(None) />
            <label for=id("duplicate")><span>"Duplicate probability"</span></label>
            <input id=id("duplicate") type="text" inputmode="decimal" prop:value=move || duplicate.get() on:input=move |ev| duplicate.set(event_target_value(&ev)) on:change=move |_| apply(None) />
            <label for=id("drop")><span>"Drop probability"</span></label>
            <input id=id("drop") type="text" inputmode="decimal" prop:value=move || drop.get() on:input=move |ev| drop.set(event_target_value(&ev)) on:change=move |_| apply(None) />
            <label class="check">
                <input id=id("reorder") type="checkbox" prop:checked=link.reorder on:change=move |ev| apply(Some(event_target_checked(&ev))) />
                <span>"Reorder"</span>
            </label>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </fieldset>
    }
}

/// A probability typed by a person, between 0 and `max`.
pub fn probability(text: &str, max: f64) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=max).contains(&p) => Ok(p),
        _ => Err(format!(
            "expected a number from 0 to {max}, found \"{}\"",
            text.trim()
        )),
    }
}
