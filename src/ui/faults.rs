//! The fault panel: each link's knobs, edited in place. A valid edit forks the run at the
//! step on show, like every other change; a bad value gets a message beside its field and
//! keeps what was typed.

use leptos::prelude::*;

use crate::sim::Command;
use crate::sim::scenario::limits::MAX_DROP_PROBABILITY;
use crate::sim::scenario::{Delay, LinkFaults};

use super::explorer::Explorer;
use super::keyed::{key, keyed, row};

/// One link as the panel shows it: the replica's index and name, the source's name and the
/// knobs in force at the step on show. A row is rebuilt whenever any of them changes, so
/// no label or value outlives the scenario or the run it came from.
type LinkRow = (usize, String, String, String, f64, f64, bool);

/// Link knobs for every replica.
#[component]
pub fn FaultPanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    // A new scenario's links appear one per frame (`reveal`): text fields are
    // costly to create, and eight links' worth made drawing the first step a long task.
    let rows = Memo::new(move |_| {
        explorer
            .panel_frame
            .get()
            .map(|f| {
                let s = f.sim.scenario();
                s.replicas
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let l: &LinkFaults = f.sim.link_faults(i);
                        (
                            i,
                            r.name.clone(),
                            s.source.clone(),
                            l.delay.short(),
                            l.duplicate_probability,
                            l.drop_probability,
                            l.reorder,
                        )
                    })
                    .collect::<Vec<LinkRow>>()
            })
            .unwrap_or_default()
    });
    view! {
        <section class="panel faults" aria-labelledby="faults-title">
            <h2 id="faults-title">"Faults on each link"</h2>
            <p class="hint">"Changing a knob forks the run here: what is sent from this step on uses it. Delay: fixed MS, uniform MIN-MAX, exp MEAN, or tail MIN ALPHA (at most a week)."</p>
            {
                let shown = super::reveal::revealed(rows);
                keyed(move || {
                    shown()
                        .into_iter()
                        .map(|(index, name, source, delay, duplicate, drop, reorder)| {
                            let key = key(&[&index, &name, &source, &delay, &duplicate, &drop, &reorder]);
                            row(key, move || view! { <LinkKnobs index name source delay duplicate drop reorder /> })
                        })
                        .collect()
                })
            }
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
    /// The source of truth's name.
    source: String,
    /// The delay in force, in its short form.
    delay: String,
    /// The duplicate probability in force.
    duplicate: f64,
    /// The drop probability in force.
    drop: f64,
    /// Whether reordering is on.
    reorder: bool,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let delay = RwSignal::new(delay);
    let duplicate = RwSignal::new(duplicate.to_string());
    let drop = RwSignal::new(drop.to_string());
    let error = RwSignal::new(None::<String>);
    let link_name = StoredValue::new(name.clone());
    let apply = move |reorder_now: Option<bool>| {
        let parsed = (|| -> Result<Command, String> {
            Ok(Command::SetLink {
                system: link_name.get_value(),
                delay: Delay::parse_short(&delay.get_untracked())
                    .map_err(|e| format!("Delay: {e}"))?,
                duplicate_probability: probability(&duplicate.get_untracked(), 1.0)
                    .map_err(|e| format!("Duplicate probability: {e}"))?,
                drop_probability: probability(&drop.get_untracked(), MAX_DROP_PROBABILITY)
                    .map_err(|e| format!("Drop probability: {e}"))?,
                reorder: reorder_now.unwrap_or(reorder),
            })
        })();
        match parsed {
            Ok(change) => {
                error.set(None);
                let label = format!(
                    "Link to {}: delay {}, duplicates {}, drops {}, reorder {}",
                    link_name.get_value(),
                    delay.get_untracked().trim(),
                    duplicate.get_untracked().trim(),
                    drop.get_untracked().trim(),
                    if reorder_now.unwrap_or(reorder) {
                        "on"
                    } else {
                        "off"
                    }
                );
                explorer.intervene(change, label);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let id = |what: &str| format!("link-{index}-{what}");
    view! {
        <fieldset class="link-knobs" data-link=name.clone()>
            <legend>{format!("{source} → {name}")}</legend>
            <label for=id("delay")><span>"Delay"</span></label>
            <input id=id("delay") type="text" aria-describedby=id("error") prop:value=move || delay.get() on:input=move |ev| delay.set(event_target_value(&ev)) on:change=move |_| apply(None) />
            <label for=id("duplicate")><span>"Duplicate probability"</span></label>
            <input id=id("duplicate") type="text" inputmode="decimal" aria-describedby=id("error") prop:value=move || duplicate.get() on:input=move |ev| duplicate.set(event_target_value(&ev)) on:change=move |_| apply(None) />
            <label for=id("drop")><span>"Drop probability"</span></label>
            <input id=id("drop") type="text" inputmode="decimal" aria-describedby=id("error") prop:value=move || drop.get() on:input=move |ev| drop.set(event_target_value(&ev)) on:change=move |_| apply(None) />
            <label class="check">
                <input id=id("reorder") type="checkbox" prop:checked=reorder on:change=move |ev| apply(Some(event_target_checked(&ev))) />
                <span>"Reorder"</span>
            </label>
            <p class="field-error" id=id("error") role="alert">{move || error.get()}</p>
        </fieldset>
    }
}

/// A probability typed by a person, between 0 and `max`.
pub fn probability(text: &str, max: f64) -> Result<f64, String> {
    match crate::sim::decimal::parse_decimal(text.trim()) {
        Some(p) if (0.0..=max).contains(&p) => Ok(p),
        _ => Err(format!(
            "expected a number from 0 to {max}, found \"{}\"",
            text.trim()
        )),
    }
}
