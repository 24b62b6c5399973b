//! The page's components in headless Chromium: mount, act as a person would, read the DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use syncscope::ui::App;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the app into a fresh container; keep the handle alive while testing.
fn mount() -> (Element, impl Drop) {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), App);
    (container, handle)
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn fire(element: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

async fn choose(root: &Element, select: &str, value: &str) {
    let element = find(root, select);
    element
        .unchecked_ref::<HtmlSelectElement>()
        .set_value(value);
    fire(&element, "change");
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn first_scenario_renders_a_table_per_system() {
    let (root, _handle) = mount();
    leptos::task::tick().await;
    // Baseline: crm plus three replicas.
    assert_eq!(count(&root, "table.record-table"), 4);
    assert_eq!(count(&root, "table[data-system=crm] tbody tr"), 2);
    assert!(text(&root, "[data-metric=Converged] dd").starts_with("yes"));
    assert_eq!(count(&root, "[data-invariant].violated"), 0);
}

#[wasm_bindgen_test]
async fn resolving_an_escalation_clears_the_inbox_and_converges() {
    let (root, _handle) = mount();
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "escalate").await;
    assert_eq!(count(&root, "article.escalation"), 1);
    assert_eq!(text(&root, "[data-metric=Converged] dd"), "no");
    // billing holds its own email while the conflict waits: that cell is marked.
    assert_eq!(count(&root, "table[data-system=billing] li.differs"), 1);
    assert!(text(&root, "article.escalation").contains("ada@billing.example"));

    find(&root, "button.take-replica")
        .unchecked_into::<HtmlElement>()
        .click();
    leptos::task::tick().await;
    assert_eq!(count(&root, "article.escalation"), 0);
    assert_eq!(text(&root, "[data-metric=Converged] dd"), "yes, at 170 ms");
    assert_eq!(count(&root, "li.differs"), 0);
    assert!(text(&root, "table[data-system=crm]").contains("ada@billing.example"));
}

#[wasm_bindgen_test]
async fn lww_shows_the_lost_update_as_a_violated_invariant() {
    let (root, _handle) = mount();
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "lww").await;
    assert_eq!(text(&root, "[data-metric='Lost updates'] dd"), "1");
    let violated = text(&root, "[data-invariant=no_lost_acknowledged_write]");
    assert!(violated.contains("ada@crm.example"), "{violated}");
    assert_eq!(count(&root, "article.escalation"), 0);
}

#[wasm_bindgen_test]
async fn a_bad_seed_gets_a_message_and_keeps_what_was_typed() {
    let (root, _handle) = mount();
    leptos::task::tick().await;
    let seed = find(&root, "#seed");
    seed.unchecked_ref::<HtmlInputElement>().set_value("12abc");
    fire(&seed, "input");
    leptos::task::tick().await;
    assert!(text(&root, "#seed-error").contains("found \"12abc\""));
    assert_eq!(seed.unchecked_ref::<HtmlInputElement>().value(), "12abc");
    assert_eq!(seed.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(count(&root, "table.record-table"), 0);

    seed.unchecked_ref::<HtmlInputElement>().set_value("42");
    fire(&seed, "input");
    leptos::task::tick().await;
    assert_eq!(text(&root, "#seed-error"), "");
    assert_eq!(count(&root, "table.record-table"), 4);
}

#[wasm_bindgen_test]
async fn switching_idempotency_off_applies_storm_duplicates_twice() {
    let (root, _handle) = mount();
    leptos::task::tick().await;
    choose(&root, "#scenario", "storm").await;
    assert_eq!(
        text(&root, "[data-metric='Duplicates applied twice'] dd"),
        "0"
    );
    let toggle = find(&root, "#idempotency");
    toggle.unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert!(!toggle.unchecked_ref::<HtmlInputElement>().checked());
    let applied: u32 = text(&root, "[data-metric='Duplicates applied twice'] dd")
        .parse()
        .unwrap();
    assert!(applied > 0);
    assert_eq!(
        count(&root, "[data-invariant=exactly_once_apply].violated"),
        0
    );
}
