//! If anything panics, the page shows an error panel with a reload button instead of going
//! dead. Written with plain DOM calls: after a panic the reactive system cannot be trusted.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Installs a panic hook that logs the panic to the console and shows the error panel.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_id("panic-panel");
    panel.set_attribute("role", "alertdialog").ok();
    panel.set_attribute("aria-labelledby", "panic-title").ok();
    let Ok(title) = document.create_element("h2") else {
        return;
    };
    title.set_id("panic-title");
    title.set_text_content(Some("SyncScope stopped because of an internal error"));
    let Ok(text) = document.create_element("p") else {
        return;
    };
    // Text content, never HTML: the message may quote scenario input.
    text.set_text_content(Some(message));
    let Ok(button) = document.create_element("button") else {
        return;
    };
    button.set_text_content(Some("Reload the page"));
    let reload = Closure::<dyn FnMut()>::new(|| {
        if let Some(w) = web_sys::window() {
            w.location().reload().ok();
        }
    });
    button
        .add_event_listener_with_callback("click", reload.as_ref().unchecked_ref())
        .ok();
    reload.forget();
    panel.append_child(&title).ok();
    panel.append_child(&text).ok();
    panel.append_child(&button).ok();
    body.append_child(&panel).ok();
    if let Ok(b) = button.dyn_into::<web_sys::HtmlElement>() {
        b.focus().ok();
    }
}
