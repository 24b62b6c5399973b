//! The compare view comes in a wasm of its own, fetched the first time a person turns
//! comparing on (or opens a link with `compare=1`): most people never compare, and an
//! embed that does not compare never downloads it.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use super::super::parts::{LazyPanel, Part};
use super::view::CompareView;
use super::{CompareToggle, Explorer};

/// The compare view, to be drawn into `slot`. A split point in the compare wasm in the
/// shipped bundle (`--cfg syncscope_split`).
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(compare, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn compare_part(slot: NodeRef<leptos::html::Div>) -> Result<Part, SplitLoaderError> {
    Ok(part(slot))
}

/// The compare view (built without the split point).
#[cfg(not(syncscope_split))]
pub async fn compare_part(slot: NodeRef<leptos::html::Div>) -> Result<Part, SplitLoaderError> {
    Ok(part(slot))
}

fn part(slot: NodeRef<leptos::html::Div>) -> Part {
    super::super::parts::part(slot, || view! { <CompareView /> })
}

/// The toggle, and where the compare view goes once comparing is turned on and its wasm
/// has arrived, with a way to try again when the download fails.
#[component]
pub fn CompareSlot() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let panel = LazyPanel::new();
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        if explorer.compare.get() && !asked.get_value() {
            asked.set_value(true);
            panel.load(compare_part);
        }
    });
    view! {
        <div class="compare-slot">
            <CompareToggle />
            <div id="compare" node_ref=panel.slot hidden=move || !explorer.compare.get()></div>
            <Show when=move || panel.failed.get() && explorer.compare.get()>
                <p class="run-error" role="alert">
                    "The compare view could not be downloaded. "
                    <button type="button" on:click=move |_| panel.load(compare_part)>"Try again"</button>
                </p>
            </Show>
        </div>
    }
}
