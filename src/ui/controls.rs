//! The run settings a person picks: scenario, strategy, seed, idempotency.

use leptos::prelude::*;

use crate::sim::{Scenario, Strategy, library};

use super::explorer::Explorer;
use super::run_view::parse_seed;
use crate::sim::load::{EXPLORER_LOADS, ExplorerLoad};

/// The page's run inputs. Every field is a signal, so components can read or change one
/// without owning the rest.
#[derive(Debug, Clone, Copy)]
pub struct RunSettings {
    /// Built-in scenario name.
    pub scenario: RwSignal<String>,
    /// Strategy.
    pub strategy: RwSignal<Strategy>,
    /// The seed as typed (kept even when it is not a number).
    pub seed_text: RwSignal<String>,
    /// Whether replicas skip events already processed.
    pub idempotency: RwSignal<bool>,
}

impl RunSettings {
    /// Settings that run `scenario` with its own seed, strategy and idempotency.
    pub fn new(scenario: &Scenario) -> Self {
        RunSettings {
            scenario: RwSignal::new(scenario.name.clone()),
            strategy: RwSignal::new(scenario.strategy),
            seed_text: RwSignal::new(scenario.seed.to_string()),
            idempotency: RwSignal::new(scenario.idempotency),
        }
    }

    /// Switches to `scenario` with its own settings, and says which of the person's
    /// settings that changed, in a sentence (`None` when none did).
    pub fn load(&self, scenario: &Scenario) -> Option<String> {
        let mut changed = Vec::new();
        if self.strategy.get_untracked() != scenario.strategy {
            changed.push(format!("strategy to {}", scenario.strategy.label()));
        }
        if self.seed_text.get_untracked().trim() != scenario.seed.to_string() {
            changed.push(format!("seed to {}", scenario.seed));
        }
        if self.idempotency.get_untracked() != scenario.idempotency {
            changed.push(format!(
                "idempotent apply {}",
                if scenario.idempotency { "on" } else { "off" }
            ));
        }
        self.scenario.set(scenario.name.clone());
        self.strategy.set(scenario.strategy);
        self.seed_text.set(scenario.seed.to_string());
        self.idempotency.set(scenario.idempotency);
        settings_note(&scenario.title, &changed)
    }
}

/// The form with the run settings.
#[component]
pub fn RunControls() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let settings = explorer.settings;
    let seed_error = move || parse_seed(&settings.seed_text.get()).err();
    // What choosing a scenario changed of the person's settings; a setting changed by
    // hand afterwards makes it old news.
    let note = RwSignal::new(None::<String>);
    view! {
        <form class="run-controls" aria-label="Run settings" on:submit=|ev| ev.prevent_default()>
            {scenario_select(explorer, note)}
            <label>
                <span>"Strategy"</span>
                <select
                    id="strategy"
                    prop:value=move || settings.strategy.get().as_str()
                    on:change=move |ev| {
                        if let Ok(s) = event_target_value(&ev).parse() {
                            note.set(None);
                            settings.strategy.set(s);
                            explorer.reload();
                        }
                    }
                >
                    {Strategy::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                <span>"Seed"</span>
                <input
                    id="seed"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    aria-describedby="seed-error"
                    aria-invalid=move || if seed_error().is_some() { "true" } else { "false" }
                    prop:value=move || settings.seed_text.get()
                    on:input=move |ev| {
                        note.set(None);
                        settings.seed_text.set(event_target_value(&ev));
                        explorer.reload();
                    }
                />
            </label>
            <label class="check">
                <input
                    id="idempotency"
                    type="checkbox"
                    prop:checked=move || settings.idempotency.get()
                    on:change=move |ev| {
                        note.set(None);
                        settings.idempotency.set(event_target_checked(&ev));
                        explorer.reload();
                    }
                />
                <span>"Idempotent apply (skip events already processed)"</span>
            </label>
            <p id="seed-error" class="field-error" aria-live="polite">{seed_error}</p>
            <p id="settings-note" class="settings-note" aria-live="polite">{move || note.get()}</p>
        </form>
    }
}

/// The scenario list: the built-ins, then the generated loads (and "My scenarios", which
/// `share::files` adds with the panels). Choosing one sets what the scenario is built with
/// and says so in `note`.
fn scenario_select(explorer: Explorer, note: RwSignal<Option<String>>) -> impl IntoView {
    let settings = explorer.settings;
    view! {
        <label>
            <span>"Scenario"</span>
            <select
                id="scenario"
                prop:value=move || settings.scenario.get()
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let mine = explorer.mine.with_untracked(|m| m.iter().find(|s| s.name == name).cloned());
                    if let Some(scenario) = mine {
                        note.set(explorer.choose(scenario));
                        explorer.reload();
                    } else if ExplorerLoad::named(&name).is_some() {
                        settings.scenario.set(name);
                        note.set(None);
                        explorer.reload();
                    } else if let Some(index) = library::NAMES.iter().position(|n| *n == name) {
                        leptos::task::spawn_local(async move {
                            match super::scenarios::built_in(index).await {
                                Ok(Some(scenario)) => {
                                    note.set(explorer.choose(std::sync::Arc::new(scenario)));
                                    explorer.reload();
                                }
                                _ => {
                                    // The list shows the scenario still on show again, so
                                    // that choosing this one again tries again.
                                    settings.scenario.notify();
                                    note.set(Some(format!("Scenario: \"{name}\" could not be downloaded; choose it again to try again.")));
                                }
                            }
                        });
                    }
                }
            >
                {library::NAMES
                    .into_iter()
                    .zip(library::TITLES)
                    .map(|(name, title)| view! { <option value=name>{title}</option> })
                    .collect_view()}
                {EXPLORER_LOADS
                    .into_iter()
                    .map(|l| view! { <option value=l.name>{l.title()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The sentence that says what choosing scenario `title` changed of the settings, and why.
pub fn settings_note(title: &str, changed: &[String]) -> Option<String> {
    let list = match changed {
        [] => return None,
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    Some(format!(
        "Set {list}: the settings \"{title}\" is built with, so that it plays out as its description says. Change them to see what else happens."
    ))
}
