//! Keyed lists through one copy of Leptos's `For`.
//!
//! Every `<For>` is a copy of the keyed-diff code for its own item, key and view types
//! (about 6 KB of wasm each; a dozen lists made them the largest generic cost of the
//! page). Here every list is a `Vec<Row>`, a key as text and a boxed function that draws
//! the row, so all lists share one `For`. As with `For`, a row is drawn when its key first
//! appears, kept while the key stays, and removed when it goes.

use leptos::prelude::*;

/// One item of a keyed list: its key and how to draw it.
pub struct Row {
    key: String,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

/// A key made of `parts`, kept apart by the unit separator (no name or label holds it), so
/// that different parts never run together into the same key.
pub fn key(parts: &[&dyn std::fmt::Display]) -> String {
    let mut key = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push('\u{1f}');
        }
        key.push_str(&part.to_string());
    }
    key
}

/// A row known by `key` (two rows with the same key are the same row), drawn by `draw`.
pub fn row<V: IntoView + 'static>(key: String, draw: impl FnOnce() -> V + Send + 'static) -> Row {
    Row {
        key,
        draw: Box::new(move || draw().into_any()),
    }
}

/// The keyed list of the rows `rows` returns (it is tracked like `For`'s `each`).
pub fn keyed(rows: impl Fn() -> Vec<Row> + Send + Sync + 'static) -> AnyView {
    keyed_rows(Box::new(rows))
}

/// `keyed`, past its one generic step.
fn keyed_rows(rows: Box<dyn Fn() -> Vec<Row> + Send + Sync>) -> AnyView {
    view! {
        <For each=move || rows() key=|r: &Row| r.key.clone() let(r)>
            {(r.draw)()}
        </For>
    }
    .into_any()
}
