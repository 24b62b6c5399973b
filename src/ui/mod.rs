//! The explorer: Leptos components that read engine state and send the engine commands.
//! Nothing here computes a simulation result: `run_view` and `crate::sim::explain` shape
//! and word what the engine produced, `crate::layout` places it.

mod compare;
mod controls;
mod escalations;
pub mod explorer;
mod faults;
mod forks;
mod inspector;
mod keyed;
mod message_canvas;
mod metrics;
mod parts;
mod playback;
mod record_tables;
mod reveal;
mod run_diff;
pub mod run_view;
mod scenarios;
mod share;
mod sweep;
mod topology;
mod why;

use leptos::prelude::*;

pub use controls::{RunControls, RunSettings};
pub use escalations::EscalationInbox;
pub use explorer::Explorer;
pub use faults::FaultPanel;
pub use forks::ForkBar;
pub use inspector::Inspector;
pub use metrics::MetricsPanel;
pub use playback::PlaybackControls;
pub use record_tables::RecordTables;
pub use topology::TopologyView;
pub use why::WhyPanel;

use parts::Slots;

/// The whole page but its masthead (which `index.html` has), for `<main>`.
#[component]
pub fn App() -> impl IntoView {
    let explorer = Explorer::new();
    provide_context(explorer);
    view! {
        <RunControls />
        <p class="scenario-description">{move || description(&explorer)}</p>
        <RunBody />
    }
}

/// Mounts the explorer into `index.html`, around the plain-HTML copy of the first view that
/// the page shows until the app has loaded: the settings go into `settings` and everything
/// below the scenario's description into `body`, replacing the copy. The description
/// paragraph itself stays (its text follows the scenario): it is the largest text on a
/// phone's first screen, and a paragraph replaced by an identical one would count as a
/// second, later largest paint.
pub fn mount_page(
    settings: web_sys::HtmlElement,
    description_text: web_sys::HtmlElement,
    body: web_sys::HtmlElement,
) {
    // Not in the task that instantiates the wasm: that one is long enough on a slow phone
    // (the browser compiles the code the app first runs then), and until the live settings
    // replace the plain-HTML copy, the copy shows the same.
    explorer::later(move || mount_explorer(settings, description_text, body));
}

/// `mount_page`'s work: the settings and the explorer, then the body in a task of its own.
fn mount_explorer(
    settings: web_sys::HtmlElement,
    description_text: web_sys::HtmlElement,
    body: web_sys::HtmlElement,
) {
    let explorer = StoredValue::new_local(None::<Explorer>);
    settings.set_inner_html("");
    leptos::mount::mount_to(settings, move || {
        let made = Explorer::new();
        explorer.set_value(Some(made));
        provide_context(made);
        // The description's paragraph is the page's, outside both mounts.
        Effect::new(move |_| {
            let text = description(&made);
            if description_text.text_content().as_deref() != Some(text.as_str()) {
                description_text.set_text_content(Some(&text));
            }
        });
        view! { <RunControls /> }
    })
    .forget();
    let Some(made) = explorer.get_value() else {
        return;
    };
    // The rest in a task of its own: one task for both was a long one on a slow phone.
    explorer::later(move || {
        let Some(live) = out_of_sight(&body) else {
            return;
        };
        leptos::mount::mount_to(live, move || {
            provide_context(made);
            view! { <RunBody /> }
        })
        .forget();
    });
}

/// A new element at the end of `app`, hidden, for the run's body: it is drawn over several
/// tasks beside what `app` shows until then (the first view prerendered at build time,
/// `scripts/prerender.mjs`, or a note), and `take_over` shows it once its own first view is
/// drawn, so that a half-drawn page never shows and the first view never jumps.
fn out_of_sight(app: &web_sys::HtmlElement) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let live: web_sys::HtmlElement = app
        .owner_document()?
        .create_element("div")
        .ok()?
        .dyn_into()
        .ok()?;
    live.set_class_name("run-body");
    live.set_hidden(true);
    app.append_child(&live).ok()?;
    Some(live)
}

/// Shows the run's body that `mount_page` drew out of sight, in place of what the page
/// showed until then. Nothing to do when the body was mounted on its own (`App`).
fn take_over() {
    let live = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("#app > .run-body").ok().flatten());
    let Some(live) = live else {
        return;
    };
    while let Some(before) = live.previous_element_sibling() {
        before.remove();
    }
    let _ = live.remove_attribute("hidden");
}

/// The description of the scenario the settings name.
fn description(explorer: &Explorer) -> String {
    let name = explorer.settings.scenario.get();
    if let Some(load) = crate::sim::load::ExplorerLoad::named(&name) {
        return load.description();
    }
    explorer
        .chosen(&name)
        .map(|s| s.description.clone())
        .unwrap_or_default()
}

/// Everything below the scenario's description: an error, playback, the picture and the
/// panels.
#[component]
fn RunBody() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let frame = explorer.panel_frame;
    let view = Memo::new(move |_| frame.get().map(|f| run_view::view_of(&f.sim)));
    // The page is drawn over several tasks, so that starting never blocks it for long: the
    // settings and playback first, then the picture and the tables, a task each, then the
    // panels in reading order, from a wasm of their own (`parts::panels`).
    let slots = Slots::new(view);
    let panels_missing = RwSignal::new(false);
    // The panels belong to this component: they go when it goes.
    let drawn = StoredValue::new_local(Vec::new());
    let owner = Owner::current()?; // always there: a component runs under its owner
    let load_panels = {
        let owner = owner.clone();
        move || {
            let owner = owner.clone();
            panels_missing.set(false);
            leptos::task::spawn_local(async move {
                match parts::panels(slots).await {
                    Ok(panels) => parts::draw(owner, panels, drawn, || ()),
                    Err(_) => panels_missing.set(true),
                }
            });
        }
    };
    // The panels' wasm is fetched once the first view is drawn, not while: on a phone's two
    // or four cores, its download and compilation would slow the first view down.
    let first_view_drawn = {
        let load_panels = load_panels.clone();
        // Shown once whole, as the prerendered copy is (`scripts/prerender.mjs`); the panels
        // after it, so that the copy never holds some of them.
        move || {
            reveal::when_all_revealed(move || {
                take_over();
                load_panels();
            })
        }
    };
    parts::draw(owner, parts::first_view(slots), drawn, first_view_drawn);
    let Slots {
        top,
        stage,
        side,
        lower,
        ..
    } = slots;
    Some(view! {
        <div class="top" node_ref=top></div>
        <p class="run-error" role="alert">{move || explorer.error().filter(|_| frame.get().is_none())}</p>
        <PlaybackControls />
        <div class="explorer">
            <div class="stage" node_ref=stage></div>
            <div class="side" node_ref=side></div>
        </div>
        <div class="lower" node_ref=lower></div>
        <Show when=move || panels_missing.get()>
            <p class="run-error" role="alert">
                "The panels (inspector, inbox, why, metrics, runs and faults) could not be downloaded. "
                <button type="button" on:click={
                    let load_panels = load_panels.clone();
                    move |_| load_panels()
                }>"Try again"</button>
            </p>
        </Show>
    })
}
