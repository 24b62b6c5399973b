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
use crate::sim::library;
use crate::sim::link::{ViewLink, has_custom, parameter};

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

/// `open`'s work, for the panels' own code. A link that carries a scenario of its own, or
/// names one (My scenarios), is read by the scenario reader, which comes in a wasm of its
/// own (`files::split`).
fn open_now(explorer: Explorer, query: &str) {
    let named = parameter(query, "scenario");
    if !has_custom(query) && named.is_none_or(|name| library::has(&name)) {
        return open_without_reader(explorer, query, "it was not read"); // nothing to read
    }
    let query = query.to_string();
    leptos::task::spawn_local(async move {
        if files::open_custom(explorer, query.clone()).await.is_err() {
            let why = "the part of SyncScope that reads scenarios could not be downloaded; reload the page to try again";
            open_without_reader(explorer, &query, why);
        }
    });
}

/// Shows the view of `query` without the scenario reader: a `custom=` scenario gets a
/// notice saying `why` it was not read, and a name SyncScope does not have gets its own.
fn open_without_reader(explorer: Explorer, query: &str, why: &str) {
    let unread = |_: &str| Err(why.to_string());
    let unknown = |_: &str| None;
    explorer.show_link(ViewLink::from_query_unpacking(
        query,
        SPEEDS.len(),
        unread,
        unknown,
    ));
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
