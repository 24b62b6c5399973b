//! The Share and Embed buttons: the link of the view on show, copied to the clipboard, and
//! the `<iframe>` snippet that shows it inside another page.

use leptos::prelude::*;

use crate::sim::link::MAX_QUERY_CHARS;
use crate::sim::link::embed::{Embed, iframe_snippet};

use super::{Explorer, address_of};

/// The size an embed snippet gives its frame: the picture, a playback bar and a line of
/// narration fit it (docs/embedding.md).
pub const EMBED_SIZE: (u32, u32) = (640, 420);

/// What the last copy did, in words a screen reader announces.
fn copied_words(what: &str, done: bool) -> String {
    if done {
        format!("Copied the {what} to the clipboard.")
    } else {
        format!("The browser did not let SyncScope copy the {what}: select it below and copy it.")
    }
}

/// Copies `text` to the clipboard and says whether it did in `status`.
fn copy(text: String, what: &'static str, status: RwSignal<String>) {
    let clipboard = window().navigator().clipboard();
    let promise = clipboard.write_text(&text);
    leptos::task::spawn_local(async move {
        let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        status.set(copied_words(what, done));
    });
}

/// Share (copy the link) and Embed (the `<iframe>` snippet), with what they copied shown
/// for copying by hand.
#[component]
pub fn SharePanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let status = RwSignal::new(String::new());
    // What the person asked for last: the link or the snippet, shown to copy by hand.
    let shown = RwSignal::new(None::<&'static str>);
    let autoplay = RwSignal::new(false);
    let snippet = move || {
        let view = explorer.link()?;
        let page = address_of(explorer)?;
        let base = page.split('?').next().unwrap_or_default().to_string();
        let embed = Embed {
            autoplay: autoplay.get(),
            ..Embed::default()
        };
        let title = explorer
            .chosen(&view.scenario)
            .map(|s| s.title.clone())
            .unwrap_or_else(|| view.scenario.clone());
        Some(iframe_snippet(&base, &view, &embed, &title, EMBED_SIZE))
    };
    let text = move || match shown.get() {
        Some("link") => address_of(explorer),
        Some(_) => snippet(),
        None => None,
    };
    view! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title">"Share and embed"</h2>
            <div class="share-buttons">
                <button type="button" id="share" on:click=move |_| {
                    shown.set(None);
                    match address_of(explorer) {
                        Some(link) if link.len() > MAX_QUERY_CHARS => status.set(format!(
                            "This view's link would be {} characters long, more than the {MAX_QUERY_CHARS} a link may have, because its scenario travels in it: download the scenario (Scenario files, below) and share the file instead.",
                            link.len()
                        )),
                        Some(link) => {
                            shown.set(Some("link"));
                            copy(link, "link", status);
                        }
                        None => status.set("Enter a seed first: the link names the run's seed.".into()),
                    }
                }>"Share: copy the link"</button>
                <button type="button" id="embed" on:click=move |_| {
                    shown.set(Some("snippet"));
                    if let Some(code) = snippet() {
                        copy(code, "embed code", status);
                    }
                }>"Embed: copy the code"</button>
                <label class="check">
                    <input type="checkbox" id="embed-autoplay" prop:checked=move || autoplay.get() on:change=move |ev| autoplay.set(event_target_checked(&ev)) />
                    <span>"Embedded view plays by itself"</span>
                </label>
            </div>
            <p class="share-status" role="status">{move || status.get()}</p>
            <Show when=move || shown.get().is_some()>
                <label class="share-text">
                    <span>{move || if shown.get() == Some("link") { "Link to this view" } else { "Embed code (an iframe)" }}</span>
                    <textarea id="share-text" readonly rows="3" prop:value=move || text().unwrap_or_default()></textarea>
                </label>
            </Show>
        </section>
    }
}
