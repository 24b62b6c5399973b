//! Strategies side by side: the run on show replayed under every strategy (the same
//! scenario, seed, idempotency and changes), shown at the same virtual time as the run on
//! show, so that the one playback bar drives them all; with a summary table and the
//! first moment the strategies part (`sim::compare`). The toggle and the slot come with
//! the panels' wasm; the view itself in a wasm of its own, fetched the first time a
//! person compares (`split`).

mod panes;
mod runs;
mod split;
mod view;

use leptos::prelude::*;

use super::explorer::Explorer;

pub use split::CompareSlot;

/// The button that turns comparing on and off. Below the picture, not above: drawn once the
/// panels arrive, above it would push the first view down.
#[component]
pub fn CompareToggle() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let on = explorer.compare;
    view! {
        <div class="compare-toggle">
            <button type="button" aria-pressed=move || on.get().to_string() aria-controls="compare" on:click=move |_| on.update(|c| *c = !*c)>
                "Compare every strategy"
            </button>
            <span class="legend">{move || if on.get() {
                "Every strategy's run is shown below, at the step on show."
            } else {
                "The same run under apply on arrival, last write wins, version comparison, human escalation and field-level merge, side by side."
            }}</span>
        </div>
    }
}
