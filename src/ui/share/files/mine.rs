//! "My scenarios": the person's own scenarios, listed in the panel (with a way to remove
//! each) and in the settings' scenario list.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::super::super::keyed::{key, keyed, row};
use super::super::{Explorer, storage};

/// Adds "My scenarios" to the settings' scenario list (drawn with the first view, before
/// this code has arrived).
pub fn list_mine(explorer: Explorer) {
    let Some(select) = document().get_element_by_id("scenario") else {
        return;
    };
    let Ok(select) = select.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    leptos::mount::mount_to(select, move || {
        view! {
            <Show when=move || !explorer.mine.with(Vec::is_empty)>
                <optgroup label="My scenarios">
                    {keyed(move || explorer.mine.get().into_iter().map(|s| {
                        row(key(&[&s.name, &s.title]), move || view! { <option value=s.name.clone()>{s.title.clone()}</option> })
                    }).collect())}
                </optgroup>
            </Show>
        }
    })
    .forget();
    // The list may name a scenario of the person's own that had no option until now.
    explorer.settings.scenario.notify();
}

/// The person's scenarios, each with a button that removes it.
#[component]
pub fn MyScenarios() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    view! {
        <h3>"My scenarios"</h3>
        <Show when=move || explorer.mine.with(Vec::is_empty)>
            <p class="hint">"Scenarios you open are kept here, in this browser, and listed under the settings' scenarios."</p>
        </Show>
        <ul class="my-scenarios">
            {keyed(move || explorer.mine.get().into_iter().map(|s| {
                let name = s.name.clone();
                row(key(&[&s.name, &s.title]), move || view! {
                    <li>
                        <span>{s.title.clone()}" ("<code>{s.name.clone()}</code>")"</span>
                        <button type="button" class="remove" aria-label=format!("Remove {} from My scenarios", s.title) on:click=move |_| {
                            explorer.mine.update(|m| m.retain(|x| x.name != name));
                            let _ = explorer.mine.with_untracked(|m| storage::save(m));
                        }>"Remove"</button>
                    </li>
                })
            }).collect())}
        </ul>
    }
}
