//! The sweep view comes in a wasm of its own, fetched the first time a person asks for a
//! sweep: few do, and an embed never does.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use super::super::parts::{LazyPanel, Part};
use super::view::SweepView;

/// The sweep view, to be drawn into `slot`. A split point in the sweep's wasm in the
/// shipped bundle (`--cfg syncscope_split`).
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(compare, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn sweep_part(slot: NodeRef<leptos::html::Div>) -> Result<Part, SplitLoaderError> {
    Ok(part(slot))
}

/// The sweep view (built without the split point).
#[cfg(not(syncscope_split))]
pub async fn sweep_part(slot: NodeRef<leptos::html::Div>) -> Result<Part, SplitLoaderError> {
    Ok(part(slot))
}

fn part(slot: NodeRef<leptos::html::Div>) -> Part {
    super::super::parts::part(slot, || view! { <SweepView /> })
}

/// The sweep panel: what a sweep is, and a button that fetches the sweep view (which
/// starts the first sweep at once), with a way to try again when the download fails.
#[component]
pub fn SweepSlot() -> impl IntoView {
    let panel = LazyPanel::new();
    let opened = RwSignal::new(false);
    let open = move |_| {
        opened.set(true);
        panel.load(sweep_part);
    };
    view! {
        <section class="panel sweep" aria-labelledby="sweep-title">
            <h2 id="sweep-title">"Over many seeds"</h2>
            <p class="legend">"One seed is one story. Run this scenario under every strategy over many seeds to see how often each outcome happens: lost updates, conflicts, escalations, runs that never converge, and how long reads stay stale."</p>
            <Show when=move || !opened.get() || panel.failed.get()>
                <button type="button" id="sweep-open" on:click=open>"Run over 1,000 seeds"</button>
            </Show>
            <Show when=move || panel.failed.get()>
                <p class="run-error" role="alert">"The sweep could not be downloaded; press the button to try again."</p>
            </Show>
            <div node_ref=panel.slot></div>
        </section>
    }
}
