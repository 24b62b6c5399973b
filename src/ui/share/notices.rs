//! Above the run: what could not be used of the link the page was opened with, each
//! notice dismissible, and in an embedded view the way out to the full view.

use leptos::prelude::*;

use super::super::keyed::{key, keyed, row};
use super::{Explorer, address_of};

/// The link's notices and, embedded, "Open in SyncScope". It also keeps the address bar on
/// the view (`address::keep_address`).
#[component]
pub fn LinkNotices() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    super::address::keep_address(explorer);
    let notices = explorer.notices;
    let embedded = explorer.embedded.with_value(|e| e.is_some());
    view! {
        <Show when=move || notices.with(|n| !n.is_empty())>
            <ul class="notices" aria-label="About this link">
                {keyed(move || {
                    notices
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| row(key(&[&i, &text]), move || view! {
                            <li>
                                <span>{text}</span>
                                <button type="button" class="dismiss" on:click=move |_| notices.update(|n| {
                                    if i < n.len() {
                                        n.remove(i);
                                    }
                                })>"Dismiss"</button>
                            </li>
                        }))
                        .collect()
                })}
            </ul>
        </Show>
        {embedded.then(|| view! {
            <a class="open-full" target="_blank" rel="noopener" href=move || address_of(explorer).unwrap_or_default()>
                "Open in SyncScope"
            </a>
        })}
    }
}
