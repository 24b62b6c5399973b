//! The built-in scenarios as the page gets them. The first download holds only the first
//! (the first view shows it, `library::first`) and the list's names and titles
//! (`library::TITLES`); the others come with the panels' wasm, which the page fetches once
//! the first view is drawn (`parts::panels`), so choosing one later seldom waits.

use leptos::wasm_split::SplitLoaderError;

use crate::sim::{Scenario, library};

/// Built-in scenario number `index` (in `library::NAMES` order). In the shipped bundle
/// (`--cfg syncscope_split`) this is a split point in the panels' wasm; elsewhere an
/// ordinary call.
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(panels, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn built_in(index: usize) -> Result<Option<Scenario>, SplitLoaderError> {
    Ok(library::built_in_at(index))
}

/// Built-in scenario number `index` (built without the split point: nothing to fetch).
#[cfg(not(syncscope_split))]
pub async fn built_in(index: usize) -> Result<Option<Scenario>, SplitLoaderError> {
    Ok(library::built_in_at(index))
}
