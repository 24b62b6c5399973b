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

/// Mounts the app into a fresh container and waits until every panel is drawn (the page
/// draws its panels a task each, and its first tables a frame each); keep the handle alive
/// while testing.
async fn mount() -> (Element, impl Drop) {
    // Every test starts at the plain address: the page writes its view into the address,
    // and a query left by the test before would open that view.
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        .unwrap();
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), App);
    for _ in 0..100 {
        let drawn = |selector: &str| container.query_selector(selector).unwrap().is_some();
        if drawn("#faults-title") && drawn(".tables[aria-busy=false]") {
            leptos::task::tick().await;
            return (container, handle);
        }
        next_task().await;
    }
    panic!("the page did not draw all its panels within 100 tasks");
}

/// Waits until the browser calls the function `register` hands it, then lets Leptos run.
async fn called_back(register: impl Fn(&web_sys::Window, &js_sys::Function)) {
    let window = web_sys::window().unwrap();
    let promise = js_sys::Promise::new(&mut |resolve, _| register(&window, &resolve));
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

/// Waits for the next task (after the page's own zero-delay timeouts queued before it).
async fn next_task() {
    called_back(|w, f| {
        w.set_timeout_with_callback(f).unwrap();
    })
    .await;
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

async fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
    leptos::task::tick().await;
}

/// Clicks an SVG element (which has no `click()` of its own) as a mouse would.
async fn press(root: &Element, selector: &str) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    find(root, selector)
        .dispatch_event(
            &web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap(),
        )
        .unwrap();
    leptos::task::tick().await;
}

fn step(root: &Element) -> u64 {
    let label = text(root, "#step-label"); // "Step 3 of 5"
    label.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
async fn first_scenario_renders_a_table_per_system_and_plays_to_convergence() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    // Baseline: crm plus three replicas, at step 0.
    assert_eq!(count(&root, "table.record-table"), 4);
    assert_eq!(count(&root, "table[data-system=crm] tbody tr"), 2);
    assert_eq!(count(&root, "g.system"), 4);
    assert_eq!(step(&root), 0);
    click(&root, "#to-end").await;
    assert!(text(&root, "[data-metric=Converged] dd").starts_with("yes"));
    assert_eq!(count(&root, "[data-invariant].violated"), 0);
}

/// Waits for the next animation frame (the message canvas paints in one).
async fn next_frame() {
    called_back(|w, f| {
        w.request_animation_frame(f).unwrap();
    })
    .await;
}

/// The centre of an SVG `translate(x,y)` transform.
fn translation(element: &Element) -> (f64, f64) {
    let t = element.get_attribute("transform").unwrap();
    let inner = t.trim_start_matches("translate(").trim_end_matches(')');
    let (x, y) = inner.split_once(',').unwrap();
    (x.parse().unwrap(), y.parse().unwrap())
}

/// The alpha of the message canvas at drawing point (x, y).
fn canvas_alpha(root: &Element, x: f64, y: f64) -> u8 {
    let canvas: web_sys::HtmlCanvasElement = find(root, "canvas.message-canvas").unchecked_into();
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    // The canvas spans the drawing (its viewBox) in both directions.
    let view_box = find(root, "svg.topology-svg")
        .get_attribute("viewBox")
        .unwrap();
    let size: Vec<f64> = view_box
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (sx, sy) = (
        f64::from(canvas.width()) / size[2],
        f64::from(canvas.height()) / size[3],
    );
    let data = ctx
        .get_image_data((x * sx).round(), (y * sy).round(), 1.0, 1.0)
        .unwrap()
        .data();
    data[3]
}

#[wasm_bindgen_test]
async fn messages_are_painted_where_they_are_and_get_buttons_when_paused() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "lww").await;
    click(&root, "#step-forward").await;
    click(&root, "#step-forward").await; // billing's local write: evt-1 is on its way
    next_frame().await;
    let buttons = root.query_selector_all("g.message").unwrap();
    assert_eq!(buttons.length(), 2);
    for i in 0..buttons.length() {
        let (x, y) = translation(&buttons.item(i).unwrap().unchecked_into());
        assert!(canvas_alpha(&root, x, y) > 0, "nothing painted at {x},{y}");
    }
    // Far from any link (the top left corner) nothing is painted.
    assert_eq!(canvas_alpha(&root, 3.0, 3.0), 0);
    // While playing, messages are only painted; pausing gives them their buttons back.
    click(&root, "#play").await;
    assert_eq!(count(&root, "g.message"), 0);
    click(&root, "#play").await;
    assert_eq!(count(&root, "g.message"), 2);
}

#[wasm_bindgen_test]
async fn step_back_restores_the_previous_tables() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "version").await;
    // Tasks: 1 the CRM's command, 2 billing's local write, 3 evt-1 reaches billing,
    // 4 evt-1 reaches the warehouse, 5 billing's request reaches the CRM.
    click(&root, "#to-end").await;
    assert_eq!(step(&root), 5);
    click(&root, "#step-back").await;
    click(&root, "#step-back").await;
    assert_eq!(step(&root), 3);
    let billing = "table[data-system=billing]";
    assert!(text(&root, billing).contains("ada@crm.example"));
    click(&root, "#step-back").await;
    assert_eq!(step(&root), 2);
    assert!(text(&root, billing).contains("ada@billing.example"));
    let marked = find(&root, "table[data-system=billing] li.differs");
    let why = marked.get_attribute("title").unwrap();
    assert!(
        why.contains("billing's write of email, w2 has not been confirmed by crm yet"),
        "{why}"
    );
    click(&root, "#step-forward").await;
    assert!(text(&root, billing).contains("ada@crm.example"));
    assert_eq!(count(&root, "table[data-system=billing] li.differs"), 0);
}

#[wasm_bindgen_test]
async fn dropping_a_message_forks_the_run_and_the_trace_says_so() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "lww").await;
    click(&root, "#step-forward").await; // the CRM's command: evt-1 leaves for both replicas
    assert_eq!(count(&root, "g.message"), 2);
    press(&root, "g.message[data-event='1']").await;
    assert!(text(&root, ".inspector").contains("Message evt-1"));
    click(&root, "#drop-message").await;
    // A fork is shown; the original is one click away.
    assert_eq!(count(&root, "button.fork"), 2);
    assert!(
        find(&root, "button.fork[aria-pressed=true]")
            .text_content()
            .unwrap()
            .starts_with("Drop evt-1")
    );
    assert_eq!(count(&root, "g.message--doomed"), 1);
    // Step to the loss: the narration says so there.
    while !text(&root, ".narration").contains("was lost; the bus will redeliver it") {
        let before = step(&root);
        click(&root, "#step-forward").await;
        assert!(
            step(&root) > before,
            "the run ended without the loss being told"
        );
    }
    click(&root, "#to-end").await;
    assert_eq!(text(&root, "[data-metric=Dropped] dd"), "1");
    click(&root, "button.fork").await; // back to the original
    assert_eq!(text(&root, "[data-metric=Dropped] dd"), "0");
}

#[wasm_bindgen_test]
async fn delivering_a_message_next_forks_the_run_and_it_overtakes() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "version").await;
    click(&root, "#step-forward").await; // evt-1 leaves for billing (first) and the warehouse
    press(&root, "g.message[aria-label*='to warehouse']").await;
    click(&root, "#deliver-next").await;
    assert_eq!(count(&root, "button.fork"), 2);
    assert!(
        find(&root, "button.fork[aria-pressed=true]")
            .text_content()
            .unwrap()
            .starts_with("Deliver evt-1 → warehouse next")
    );
    // Billing's local write at 110 ms, then the warehouse's delivery before billing's.
    click(&root, "#step-forward").await;
    click(&root, "#step-forward").await;
    assert!(
        text(&root, ".narration").contains("warehouse"),
        "{}",
        text(&root, ".narration")
    );
}

#[wasm_bindgen_test]
async fn a_fork_made_before_a_change_lists_only_the_changes_it_carries() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "lww").await;
    // Step 2 (billing's local write): evt-1 is still on its way to both replicas.
    click(&root, "#step-forward").await;
    click(&root, "#step-forward").await;
    press(&root, "g.message[data-event='1']").await;
    click(&root, "#drop-message").await;
    assert_eq!(text(&root, "ol.changes"), "at step 2: Drop evt-1 → billing");
    // Back at step 1 of that fork, before its drop, and forked again: the new run starts
    // from the shared past, so the drop is not one of its changes.
    click(&root, "#step-back").await;
    assert_eq!(step(&root), 1);
    press(&root, "g.message[data-event='1']").await;
    click(&root, "#delay-message").await;
    assert_eq!(count(&root, "ol.changes li"), 1);
    assert!(text(&root, "ol.changes").starts_with("at step 1: Delay evt-1"));
}

#[wasm_bindgen_test]
async fn resolving_an_escalation_clears_the_inbox_and_converges() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "escalate").await;
    click(&root, "#to-end").await;
    assert_eq!(count(&root, "article.escalation"), 1);
    assert_eq!(text(&root, "[data-metric=Converged] dd"), "no");
    // billing holds its own email while the conflict waits: that cell is marked, with why.
    let marked = find(&root, "table[data-system=billing] li.differs");
    assert!(
        marked
            .get_attribute("title")
            .unwrap()
            .contains("escalation #1 waits")
    );
    assert!(text(&root, "article.escalation").contains("ada@billing.example"));

    click(&root, "button.take-replica").await;
    click(&root, "#to-end").await;
    assert_eq!(count(&root, "article.escalation"), 0);
    assert_eq!(text(&root, "[data-metric=Converged] dd"), "yes, at 170 ms");
    assert_eq!(count(&root, "li.differs"), 0);
    assert!(text(&root, "table[data-system=crm]").contains("ada@billing.example"));
}

#[wasm_bindgen_test]
async fn lww_shows_the_lost_update_as_a_violated_invariant() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "lww").await;
    click(&root, "#to-end").await;
    assert_eq!(text(&root, "[data-metric='Lost updates'] dd"), "1");
    let violated = text(&root, "[data-invariant=no_lost_acknowledged_write]");
    assert!(violated.contains("ada@crm.example"), "{violated}");
}

#[wasm_bindgen_test]
async fn a_bad_seed_gets_a_message_and_keeps_what_was_typed() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    let seed = find(&root, "#seed");
    seed.unchecked_ref::<HtmlInputElement>().set_value("12abc");
    fire(&seed, "input");
    leptos::task::tick().await;
    assert!(text(&root, "#seed-error").contains("found \"12abc\""));
    assert_eq!(seed.unchecked_ref::<HtmlInputElement>().value(), "12abc");
    assert_eq!(seed.get_attribute("aria-invalid").as_deref(), Some("true"));
    // The last good run stays on screen.
    assert_eq!(count(&root, "table.record-table"), 4);

    seed.unchecked_ref::<HtmlInputElement>().set_value("42");
    fire(&seed, "input");
    leptos::task::tick().await;
    assert_eq!(text(&root, "#seed-error"), "");
}

#[wasm_bindgen_test]
async fn a_bad_knob_value_gets_an_inline_message() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    let delay = find(&root, "#link-0-delay");
    delay
        .unchecked_ref::<HtmlInputElement>()
        .set_value("uniform 40-5");
    fire(&delay, "input");
    fire(&delay, "change");
    leptos::task::tick().await;
    assert!(
        text(&root, "fieldset[data-link=billing] .field-error")
            .contains("Delay: expected at least min_ms (40), found 5")
    );
    assert_eq!(
        delay.unchecked_ref::<HtmlInputElement>().value(),
        "uniform 40-5"
    );
}

#[wasm_bindgen_test]
async fn switching_idempotency_off_applies_storm_duplicates_twice() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "storm").await;
    click(&root, "#to-end").await;
    assert_eq!(
        text(&root, "[data-metric='Duplicates applied twice'] dd"),
        "0"
    );
    let toggle = find(&root, "#idempotency");
    toggle.unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert!(!toggle.unchecked_ref::<HtmlInputElement>().checked());
    click(&root, "#to-end").await;
    let applied: u32 = text(&root, "[data-metric='Duplicates applied twice'] dd")
        .parse()
        .unwrap();
    assert!(applied > 0);
}

#[wasm_bindgen_test]
async fn a_version_applied_twice_is_marked_in_its_table() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "lww").await;
    find(&root, "#idempotency")
        .unchecked_ref::<HtmlElement>()
        .click();
    leptos::task::tick().await;
    click(&root, "#step-forward").await; // evt-1 leaves for both replicas
    press(
        &root,
        "g.message[aria-label^='evt-1 (customer-1 v2) to warehouse']",
    )
    .await;
    click(&root, "#duplicate-message").await;
    let twice = "[data-metric='Duplicates applied twice'] dd";
    while text(&root, twice) == "0" {
        let before = step(&root);
        click(&root, "#step-forward").await;
        assert!(
            step(&root) > before,
            "the run ended without applying the copy"
        );
    }
    assert_eq!(count(&root, ".applied-twice[title]"), 1);
    let why = find(&root, "table[data-system=warehouse] .applied-twice")
        .get_attribute("title")
        .unwrap();
    assert_eq!(
        why,
        "duplicate applied: evt-1 was applied twice here (idempotency is off)"
    );
    // Billing got one copy: nothing is marked there.
    assert_eq!(count(&root, "table[data-system=billing] .applied-twice"), 0);
}

#[wasm_bindgen_test]
async fn a_crashed_replica_can_be_restarted_at_once() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    click(&root, "#step-forward").await;
    let warehouse = "g.system.replica[aria-label^='warehouse']";
    press(&root, warehouse).await;
    click(&root, "#crash-system").await;
    assert_eq!(count(&root, "g.system.replica.down"), 1);
    assert!(text(&root, ".inspector").contains("Down until"));
    click(&root, "#restart-system").await;
    // A second fork: crash, then restart, and the warehouse is up again.
    assert_eq!(count(&root, "button.fork"), 3);
    assert!(
        find(&root, "button.fork[aria-pressed=true]")
            .text_content()
            .unwrap()
            .starts_with("Restart warehouse")
    );
    assert_eq!(count(&root, "g.system.replica.down"), 0);
    assert!(text(&root, ".narration").contains("warehouse is back"));
}

#[wasm_bindgen_test]
async fn arrow_keys_step_through_the_run() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        let e =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        web_sys::window().unwrap().dispatch_event(&e).unwrap();
    };
    key("ArrowRight");
    leptos::task::tick().await;
    key("ArrowRight");
    leptos::task::tick().await;
    assert_eq!(step(&root), 2);
    key("ArrowLeft");
    leptos::task::tick().await;
    assert_eq!(step(&root), 1);
    key("End");
    leptos::task::tick().await;
    assert!(step(&root) > 10);
}

/// Waits a few animation frames: long lists (tables, link knobs) appear one per frame.
async fn settle() {
    for _ in 0..12 {
        next_frame().await;
    }
}

fn verdict(root: &Element, invariant: &str) -> String {
    find(root, &format!("[data-invariant={invariant}]"))
        .get_attribute("data-verdict")
        .unwrap()
}

#[wasm_bindgen_test]
async fn invariant_marks_agree_with_the_badges_and_the_step() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    // At step 0 nothing is delivered: the end-of-run checks are not decided yet.
    assert_eq!(verdict(&root, "converges"), "not_yet_decided");
    assert_eq!(verdict(&root, "finishes"), "not_yet_decided");
    assert!(text(&root, "[data-invariant=converges]").contains("is not decided yet"));
    choose(&root, "#scenario", "storm").await;
    let toggle = find(&root, "#idempotency");
    toggle.unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    click(&root, "#to-end").await;
    assert!(count(&root, ".applied-twice") > 0);
    // The tables badge ×2: the check mark is gone, and the reason points at the badges.
    assert_eq!(verdict(&root, "exactly_once_apply"), "does_not_apply");
    let line = text(&root, "[data-invariant=exactly_once_apply]");
    assert!(line.contains("does not apply to this run"), "{line}");
    assert!(line.contains("see the ×2 badges"), "{line}");
}

#[wasm_bindgen_test]
async fn the_skewed_write_names_the_clock_and_no_narration_line_repeats() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "lww-skew").await;
    choose(&root, "#strategy", "lww").await;
    click(&root, "#to-end").await;
    let why = text(&root, "[data-invariant=no_lost_acknowledged_write]");
    assert!(why.contains("billing's clock runs 500 ms behind"), "{why}");
    let items = root.query_selector_all(".why li").unwrap();
    let mut lines: Vec<String> = (0..items.length())
        .map(|i| items.item(i).unwrap().text_content().unwrap_or_default())
        .collect();
    let all = lines.len();
    lines.sort();
    lines.dedup();
    assert_eq!(lines.len(), all, "a line of the why panel is written twice");
    // Nor anywhere else in the panel (a hidden copy for screen readers repeated the newest).
    let newest = text(&root, ".narration li");
    assert_eq!(
        text(&root, ".why").matches(newest.as_str()).count(),
        1,
        "{newest}"
    );
}

/// Every system name of every built-in scenario.
fn all_system_names() -> std::collections::BTreeSet<String> {
    syncscope::sim::library::all()
        .iter()
        .flat_map(|s| {
            std::iter::once(s.source.clone()).chain(s.replicas.iter().map(|r| r.name.clone()))
        })
        .collect()
}

/// The words shown or announced in `selector` (text, labels, hover texts, legends).
fn words_in(root: &Element, selector: &str) -> String {
    let mut out = String::new();
    let nodes = root.query_selector_all(selector).unwrap();
    for i in 0..nodes.length() {
        let node: Element = nodes.item(i).unwrap().unchecked_into();
        out.push_str(&node.text_content().unwrap_or_default());
        let inner = node.query_selector_all("[title], [aria-label]").unwrap();
        for j in 0..inner.length() {
            let e: Element = inner.item(j).unwrap().unchecked_into();
            for attr in ["title", "aria-label"] {
                if let Some(v) = e.get_attribute(attr) {
                    out.push(' ');
                    out.push_str(&v);
                }
            }
        }
    }
    out
}

#[wasm_bindgen_test]
async fn switching_through_every_scenario_leaves_no_name_of_another() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    let names = all_system_names();
    for scenario in syncscope::sim::library::all() {
        choose(&root, "#scenario", &scenario.name).await;
        settle().await;
        click(&root, "#to-end").await;
        settle().await;
        // Its own names, and words it uses otherwise (a field called "email" beside a
        // system called "email" elsewhere).
        let own: std::collections::BTreeSet<String> = std::iter::once(scenario.source.clone())
            .chain(scenario.replicas.iter().map(|r| r.name.clone()))
            .chain(
                scenario
                    .records
                    .iter()
                    .flat_map(|r| std::iter::once(r.id.clone()).chain(r.fields.keys().cloned())),
            )
            .chain(scenario.script.iter().flat_map(|s| match &s.command {
                syncscope::sim::Command::Write { set, .. }
                | syncscope::sim::Command::LocalWrite { set, .. } => {
                    set.keys().cloned().collect::<Vec<_>>()
                }
                _ => Vec::new(),
            }))
            .collect();
        let shown = words_in(
            &root,
            ".topology, .records, .faults, .why, .inspector, .inbox, .forks",
        );
        let words: std::collections::BTreeSet<&str> = shown
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .collect();
        for name in names.difference(&own) {
            assert!(
                !words.contains(name.as_str()),
                "{}: \"{name}\" from another scenario is on the page",
                scenario.name
            );
        }
        // And every link's knobs name this scenario's source.
        let legends = words_in(&root, ".faults legend");
        assert!(
            legends.contains(&format!("{} →", scenario.source)),
            "{}: {legends}",
            scenario.name
        );
    }
}

#[wasm_bindgen_test]
async fn a_down_replica_offers_no_local_write() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    click(&root, "#step-forward").await;
    press(&root, "g.system.replica[aria-label^='warehouse']").await;
    assert!(!find(&root, "fieldset.local-write").has_attribute("disabled"));
    click(&root, "#crash-system").await;
    assert!(find(&root, "fieldset.local-write").has_attribute("disabled"));
    assert!(
        text(&root, "#local-write-note").contains("warehouse is down until"),
        "{}",
        text(&root, "#local-write-note")
    );
}

#[wasm_bindgen_test]
async fn a_dropped_message_cannot_be_dropped_again() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    click(&root, "#step-forward").await;
    press(&root, "g.message[data-event='1']").await;
    click(&root, "#drop-message").await;
    press(&root, "g.message--doomed").await;
    assert_eq!(count(&root, "#drop-message"), 0);
    assert!(text(&root, "#drop-message-note").starts_with("Dropped already"));
    // Delay and duplicate still apply to it.
    assert_eq!(count(&root, "#delay-message"), 1);
}

#[wasm_bindgen_test]
async fn changing_a_knob_forks_the_run_and_keeps_the_original() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    settle().await;
    click(&root, "#step-forward").await;
    let before = step(&root);
    let delay = find(&root, "#link-0-delay");
    delay
        .unchecked_ref::<HtmlInputElement>()
        .set_value("fixed 500");
    fire(&delay, "input");
    fire(&delay, "change");
    leptos::task::tick().await;
    assert_eq!(count(&root, "button.fork"), 2, "the original stays in Runs");
    assert!(
        find(&root, "button.fork[aria-pressed=true]")
            .text_content()
            .unwrap()
            .starts_with("Link to billing: delay fixed 500")
    );
    assert_eq!(step(&root), before, "the fork starts at the step on show");
    settle().await;
    assert_eq!(
        find(&root, "#link-0-delay")
            .unchecked_ref::<HtmlInputElement>()
            .value(),
        "fixed 500"
    );
}

#[wasm_bindgen_test]
async fn an_enormous_delay_is_refused_beside_its_field_and_the_page_stays() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    settle().await;
    let typed = "uniform 0-18446744073709551615";
    let delay = find(&root, "#link-0-delay");
    delay.unchecked_ref::<HtmlInputElement>().set_value(typed);
    fire(&delay, "input");
    fire(&delay, "change");
    leptos::task::tick().await;
    let message = text(&root, "fieldset[data-link=billing] .field-error");
    assert!(
        message.starts_with("Delay: expected at most 604800000 ms (one week)"),
        "{message}"
    );
    assert_eq!(delay.unchecked_ref::<HtmlInputElement>().value(), typed);
    assert_eq!(count(&root, "button.fork"), 1);
    assert_eq!(count(&root, "table.record-table"), 4);
}

#[wasm_bindgen_test]
async fn choosing_a_scenario_says_which_settings_it_changed() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#strategy", "lww").await;
    choose(&root, "#scenario", "order-lifecycle").await;
    let note = text(&root, "#settings-note");
    assert!(note.starts_with("Set strategy to"), "{note}");
    assert!(note.contains("seed to 4"), "{note}");
    assert!(
        note.contains("\"An order through its payment lifecycle\""),
        "{note}"
    );
    // Changing a setting by hand makes the note old news.
    choose(&root, "#strategy", "escalate").await;
    assert_eq!(text(&root, "#settings-note"), "");
}

#[wasm_bindgen_test]
async fn a_differing_cell_explains_itself_without_hover() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    choose(&root, "#scenario", "email-conflict").await;
    choose(&root, "#strategy", "version").await;
    click(&root, "#step-forward").await;
    click(&root, "#step-forward").await;
    let billing = ".system-records[data-system=billing] details.reasons";
    assert_eq!(
        text(&root, &format!("{billing} summary")),
        "Why 1 copy differs"
    );
    // Closed, it holds no list; opened by keyboard or touch (a click), it says why.
    assert_eq!(count(&root, &format!("{billing} li")), 0);
    click(&root, &format!("{billing} summary")).await;
    assert!(find(&root, billing).has_attribute("open"));
    assert!(
        text(&root, &format!("{billing} li")).contains("has not been confirmed by crm yet"),
        "{}",
        text(&root, billing)
    );
    // The source of truth never differs from itself: its disclosure is hidden.
    assert_eq!(
        count(
            &root,
            ".system-records[data-system=crm] details.reasons.hidden"
        ),
        1
    );
}

#[wasm_bindgen_test]
async fn playback_icons_are_drawn_and_a_write_to_the_source_is_in_the_picture() {
    let (root, _handle) = mount().await;
    leptos::task::tick().await;
    assert_eq!(count(&root, "#play svg.icon"), 1);
    assert!(!text(&root, ".playback").contains('⏸'));
    choose(&root, "#scenario", "lww-skew").await;
    choose(&root, "#strategy", "lww").await;
    // Step 4: billing's local write at 1200 ms; its request is on its way to the CRM.
    for _ in 0..4 {
        click(&root, "#step-forward").await;
    }
    assert!(
        text(&root, "#picture-caption").contains("the change is sent to crm"),
        "{}",
        text(&root, "#picture-caption")
    );
    assert!(text(&root, ".legend-list").contains("a replica's write to the source"));
}
