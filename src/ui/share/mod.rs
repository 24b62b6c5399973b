//! Leaving the page: the view as a link in the address bar (read when the page opens and
//! on Back and Forward, written as the view changes), the notices about a link, and the
//! Share and Embed buttons. All of it comes with the panels' wasm (`parts::panels`): a page
//! opened without a link downloads none of it first.

mod address;
mod files;
mod notices;
mod panel;
mod storage;

use leptos::wasm_split::SplitLoaderError;

use crate::layout::pace::SPEEDS;
use crate::sim::link::{ViewLink, has_custom};

use super::explorer::Explorer;

pub use files::FilesSlot;
pub use notices::LinkNotices;
pub use panel::SharePanel;

/// Shows the view the link query `query` describes. In the shipped bundle (`--cfg
/// syncscope_split`) this is a split point in the panels' wasm; elsewhere an ordinary call.
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(panels, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn open(explorer: Explorer, query: String) -> Result<(), SplitLoaderError> {
    open_now(explorer, &query);
    Ok(())
}

/// Shows the view the link query `query` describes (built without the split point).
#[cfg(not(syncscope_split))]
pub async fn open(explorer: Explorer, query: String) -> Result<(), SplitLoaderError> {
    open_now(explorer, &query);
    Ok(())
}

/// `open`'s work, for the panels' own code. A link that carries a scenario of its own is
/// read by the scenario reader, which comes in a wasm of its own (`files::split`).
fn open_now(explorer: Explorer, query: &str) {
    if !has_custom(query) && !names_one_of_mine(query) {
        let unused = |_: &str| Err("it was not read".to_string()); // no custom= to read
        let none = |_: &str| None;
        explorer.show_link(ViewLink::from_query_unpacking(
            query,
            SPEEDS.len(),
            unused,
            none,
        ));
        return;
    }
    let query = query.to_string();
    leptos::task::spawn_local(async move {
        if files::open_custom(explorer, query.clone()).await.is_err() {
            let missing = |_: &str| {
                Err("the part of SyncScope that reads scenarios could not be downloaded; reload the page to try again".to_string())
            };
            let none = |_: &str| None;
            explorer.show_link(ViewLink::from_query_unpacking(
                &query,
                SPEEDS.len(),
                missing,
                none,
            ));
        }
    });
}

/// Whether a link names a scenario that is none of SyncScope's own (so perhaps one of My
/// scenarios, which the scenario reader looks up).
fn names_one_of_mine(query: &str) -> bool {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("scenario="))
        .any(|name| !storage::is_ours(name))
}

/// The address of the view on show (`None` while the seed field holds no seed): this page's
/// address with the view's query, or with none when the view is the page's first.
fn address_of(explorer: Explorer) -> Option<String> {
    let view = explorer.link()?;
    let location = leptos::prelude::window().location();
    let page = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    Some(format!("{page}{}", query_of(&view)))
}

/// `?` and the view's query, or nothing for the page's first view.
fn query_of(view: &ViewLink) -> String {
    let mut plain = view.clone();
    plain.hash = None;
    if ViewLink::of(crate::sim::library::NAMES[0]).as_ref() == Some(&plain) {
        String::new()
    } else {
        format!("?{}", view.to_query())
    }
}
