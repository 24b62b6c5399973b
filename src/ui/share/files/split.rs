//! The scenario reader comes in a wasm of its own, fetched when it is first needed: once
//! the panels are drawn (for the scenario files panel, but not in an embedded view), or
//! at once for a link that carries a scenario (`custom=`). The panels' wasm then holds
//! none of it, and an embed never downloads it unless its link carries a scenario.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::layout::pace::SPEEDS;
use crate::sim::link::ViewLink;

use super::super::super::parts::{LazyPanel, Part};
use super::super::{Explorer, storage};
use super::ScenarioFiles;

/// Shows the view of `query`, a link that carries a scenario of its own. In the shipped
/// bundle (`--cfg syncscope_split`) a split point in the reader's wasm.
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(files, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn open_custom(explorer: Explorer, query: String) -> Result<(), SplitLoaderError> {
    open_with_mine(explorer, &query);
    Ok(())
}

/// Shows the view of `query` (built without the split point).
#[cfg(not(syncscope_split))]
pub async fn open_custom(explorer: Explorer, query: String) -> Result<(), SplitLoaderError> {
    open_with_mine(explorer, &query);
    Ok(())
}

/// Shows the view of `query`; a scenario it names but does not carry (one too large for a
/// link) is looked up in My scenarios.
fn open_with_mine(explorer: Explorer, query: &str) {
    let mine = |name: &str| storage::load().0.into_iter().find(|s| s.name == name);
    explorer.show_link(ViewLink::from_query_unpacking(
        query,
        SPEEDS.len(),
        crate::sim::link::custom::unpack,
        mine,
    ));
}

/// The scenario files panel, to be drawn into `slot`. A split point in the reader's wasm
/// in the shipped bundle.
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(files, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn files_part(slot: NodeRef<leptos::html::Div>) -> Result<Part, SplitLoaderError> {
    Ok(part(slot))
}

/// The scenario files panel (built without the split point).
#[cfg(not(syncscope_split))]
pub async fn files_part(slot: NodeRef<leptos::html::Div>) -> Result<Part, SplitLoaderError> {
    Ok(part(slot))
}

fn part(slot: NodeRef<leptos::html::Div>) -> Part {
    super::super::super::parts::part(slot, || view! { <ScenarioFiles /> })
}

/// Where the scenario files panel goes once its wasm has arrived (not in an embedded view,
/// which hides it), with a way to try again when the download fails.
#[component]
pub fn FilesSlot() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let panel = LazyPanel::new();
    if explorer.embedded.with_value(|e| e.is_none()) {
        panel.load(files_part);
    }
    view! {
        <div class="files-slot" node_ref=panel.slot></div>
        <Show when=move || panel.failed.get()>
            <p class="run-error" role="alert">
                "The scenario files panel could not be downloaded. "
                <button type="button" on:click=move |_| panel.load(files_part)>"Try again"</button>
            </p>
        </Show>
    }
}
