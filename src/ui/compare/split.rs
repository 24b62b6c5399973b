//! The compare view comes in a wasm of its own, fetched the first time a person turns
//! comparing on (or opens a link with `compare=1`): most people never compare, and an
//! embed that does not compare never downloads it.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use super::super::parts::Part;
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
    let slot = NodeRef::<leptos::html::Div>::new();
    let failed = RwSignal::new(false);
    let kept = StoredValue::new_local(None::<Box<dyn std::any::Any>>);
    let asked = StoredValue::new(false);
    let owner = Owner::current();
    let load = move || {
        let owner = owner.clone();
        failed.set(false);
        leptos::task::spawn_local(async move {
            match compare_part(slot).await {
                Ok(draw) => {
                    let handle = owner.and_then(|o| o.with(draw));
                    kept.set_value(handle);
                }
                Err(_) => failed.set(true),
            }
        });
    };
    let first_load = load.clone();
    Effect::new(move |_| {
        if explorer.compare.get() && !asked.get_value() {
            asked.set_value(true);
            first_load();
        }
    });
    view! {
        <div class="compare-slot">
            <CompareToggle />
            <div id="compare" node_ref=slot hidden=move || !explorer.compare.get()></div>
            <Show when=move || failed.get() && explorer.compare.get()>
                <p class="run-error" role="alert">
                    "The compare view could not be downloaded. "
                    <button type="button" on:click={
                        let load = load.clone();
                        move |_| load()
                    }>"Try again"</button>
                </p>
            </Show>
        </div>
    }
}
