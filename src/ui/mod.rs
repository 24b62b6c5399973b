//! The explorer: Leptos components that read engine state and send the engine commands.
//! Nothing here computes a simulation result; `run_view` only reshapes the engine's output.

mod controls;
mod escalations;
mod invariants;
mod record_tables;
pub mod run_view;
mod summary;

use leptos::prelude::*;

pub use controls::{RunControls, RunSettings};
pub use escalations::EscalationInbox;
pub use invariants::InvariantList;
pub use record_tables::RecordTables;
pub use summary::SummaryMetrics;

use crate::sim::library;
use run_view::{RunRequest, parse_seed};

/// The whole page: run settings, then what the run produced.
#[component]
pub fn App() -> impl IntoView {
    let first = library::all()
        .into_iter()
        .next()
        .expect("at least one built-in scenario");
    let settings = RunSettings::new(&first);
    let outcome = Memo::new(move |_| {
        let seed = parse_seed(&settings.seed_text.get())?;
        run_view::run(&RunRequest {
            scenario: settings.scenario.get(),
            seed,
            strategy: settings.strategy.get(),
            idempotency: settings.idempotency.get(),
            decisions: settings.decisions.get(),
        })
    });
    let view = Memo::new(move |_| outcome.get().ok());
    let description = move || {
        library::by_name(&settings.scenario.get())
            .and_then(Result::ok)
            .map(|s| s.description)
            .unwrap_or_default()
    };

    view! {
        <header class="masthead">
            <h1>"SyncScope"</h1>
            <p class="tagline">"Watch connected systems disagree — and see how each strategy makes them agree again, or quietly loses data."</p>
        </header>
        <main>
            <RunControls settings=settings />
            <p class="scenario-description">{description}</p>
            <p class="run-error" role="alert">{move || outcome.get().err()}</p>
            <Show when=move || view.get().is_some()>
                <div class="results">
                    <SummaryMetrics view=view />
                    <InvariantList view=view />
                    <EscalationInbox view=view settings=settings />
                    <RecordTables view=view />
                </div>
            </Show>
        </main>
    }
}
