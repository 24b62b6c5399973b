//! The explorer: Leptos components that read engine state and send the engine commands.
//! Nothing here computes a simulation result: `run_view` and `crate::sim::explain` shape
//! and word what the engine produced, `crate::layout` places it.

mod controls;
mod escalations;
pub mod explorer;
mod faults;
mod forks;
mod inspector;
mod message_canvas;
mod metrics;
pub mod panic_panel;
mod playback;
mod record_tables;
mod reveal;
pub mod run_view;
mod topology;
mod why;

use leptos::prelude::*;

pub use controls::{RunControls, RunSettings};
pub use escalations::EscalationInbox;
pub use explorer::Explorer;
pub use faults::FaultPanel;
pub use forks::ForkBar;
pub use inspector::Inspector;
pub use metrics::MetricsPanel;
pub use playback::PlaybackControls;
pub use record_tables::RecordTables;
pub use topology::TopologyView;
pub use why::WhyPanel;

use crate::sim::library;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let explorer = Explorer::new();
    provide_context(explorer);
    let frame = explorer.panel_frame;
    let view = Memo::new(move |_| frame.get().map(|f| run_view::view_of(&f.sim)));
    let description = move || {
        let name = explorer.settings.scenario.get();
        library::by_name(&name).and_then(Result::ok).map(|s| s.description).unwrap_or_else(|| {
            "A generated load: eight replicas, 200 records, a command every millisecond, and every fault on a little. Use it to feel the engine's speed."
                .to_string()
        })
    };
    view! {
        <header class="masthead">
            <h1>"SyncScope"</h1>
            <p class="tagline">"Watch connected systems disagree — and see how each strategy makes them agree again, or quietly loses data."</p>
        </header>
        <main>
            <RunControls />
            <p class="scenario-description">{description}</p>
            <p class="run-error" role="alert">{move || explorer.error.get().filter(|_| frame.get().is_none())}</p>
            <PlaybackControls />
            <div class="explorer">
                <div class="stage">
                    <TopologyView />
                    <RecordTables view=view />
                </div>
                <div class="side">
                    <Inspector />
                    <EscalationInbox view=view />
                    <WhyPanel view=view />
                </div>
            </div>
            <div class="lower">
                <MetricsPanel view=view />
                <ForkBar />
                <FaultPanel />
            </div>
        </main>
    }
}
