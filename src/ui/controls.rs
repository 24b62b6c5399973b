//! The run settings a person picks: scenario, strategy, seed, idempotency.

use leptos::prelude::*;

use crate::sim::{Scenario, Strategy, library};

use super::explorer::{Explorer, LOAD};
use super::run_view::parse_seed;

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

    /// Switches to `scenario` with its own defaults.
    pub fn load(&self, scenario: &Scenario) {
        self.scenario.set(scenario.name.clone());
        self.strategy.set(scenario.strategy);
        self.seed_text.set(scenario.seed.to_string());
        self.idempotency.set(scenario.idempotency);
    }
}

/// The form with the run settings.
#[component]
pub fn RunControls() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let settings = explorer.settings;
    let scenarios = library::all();
    let seed_error = move || parse_seed(&settings.seed_text.get()).err();
    view! {
        <form class="run-controls" aria-label="Run settings" on:submit=|ev| ev.prevent_default()>
            <label>
                <span>"Scenario"</span>
                <select
                    id="scenario"
                    prop:value=move || settings.scenario.get()
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        explorer.edited.set(None);
                        if name == LOAD {
                            settings.scenario.set(name);
                        } else if let Some(Ok(s)) = library::by_name(&name) {
                            settings.load(&s);
                        }
                        explorer.reload();
                    }
                >
                    {scenarios
                        .into_iter()
                        .map(|s| view! { <option value=s.name.clone()>{s.title.clone()}</option> })
                        .collect_view()}
                    <option value=LOAD>"Generated load: 8 replicas, 10,200 commands (about 100,000 steps)"</option>
                </select>
            </label>
            <label>
                <span>"Strategy"</span>
                <select
                    id="strategy"
                    prop:value=move || settings.strategy.get().as_str()
                    on:change=move |ev| {
                        if let Ok(s) = event_target_value(&ev).parse() {
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
                        settings.idempotency.set(event_target_checked(&ev));
                        explorer.reload();
                    }
                />
                <span>"Idempotent apply (skip events already processed)"</span>
            </label>
            <p id="seed-error" class="field-error" aria-live="polite">{seed_error}</p>
        </form>
    }
}
