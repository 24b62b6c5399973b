//! Mounts the explorer into the page.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        // Where panics carry a message (tests and debug builds), it goes to the console;
        // index.html shows the error panel in every build.
        console_error_panic_hook::set_once();
        mount();
    }
}

/// Mounts the explorer into `index.html`'s places for it (see `ui::mount_page`; `Trunk.toml`
/// loads the app once the page's plain-HTML copy of the first view is painted), or into the
/// body where the page has none.
#[cfg(target_arch = "wasm32")]
fn mount() {
    use wasm_bindgen::JsCast;
    let document = leptos::prelude::document();
    let element = |id: &str| {
        document
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    };
    match (
        element("settings"),
        element("scenario-description"),
        element("app"),
    ) {
        (Some(settings), Some(description), Some(body)) => {
            syncscope::ui::mount_page(settings, description, body)
        }
        _ => leptos::mount::mount_to_body(syncscope::ui::App),
    }
}
