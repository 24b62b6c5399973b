//! The topology view: source of truth, one bus queue per subscriber, replicas, and the
//! messages moving between them. Positions come from `crate::layout`; the messages are
//! painted by `message_canvas`.

use leptos::prelude::*;
use leptos_use::use_prefers_reduced_motion;

use wasm_bindgen::JsCast;

use crate::layout::topology::{Point, nearest, units_per_pixel};

use super::explorer::Explorer;
use super::message_canvas::{Dot, MessageCanvas};

mod parts;
mod picture;

use picture::Picture;

/// Most messages in flight that get a button of their own while paused: each is an element
/// with a label, and a busy bus holds hundreds, which made every jump to another step a
/// long task.
const MAX_TARGETS: usize = 40;

/// The SVG picture of systems, links and queues, with the messages in flight on a canvas
/// over it.
#[component]
pub fn TopologyView() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let reduced = use_prefers_reduced_motion();
    let frame = explorer.frame;
    let p = Picture::of(frame);
    // Eight or ten replicas' links, queues and boxes appear one per frame.
    let shown_replicas = super::reveal::revealed(p.replica_names);
    let source_sub = move || match frame
        .get()
        .map_or(0, |f| f.sim.clock(crate::sim::SystemId::SOURCE).offset_ms)
    {
        0 => "source of truth".to_string(),
        o => format!("clock {o:+} ms"),
    };
    let pick = move |e: leptos::ev::MouseEvent| pick_message(&e, p, reduced, explorer);
    // The buttons move with the panels (`Explorer::panels_follow`), not with the picture:
    // after a jump in a long run the picture moves in a task of its own.
    let targets = move || {
        if explorer.playing() {
            Vec::new()
        } else {
            explorer.panel_frame.track();
            let mut bus: Vec<Dot> = p
                .dots
                .get_untracked()
                .into_iter()
                .filter(Dot::on_bus)
                .collect();
            // The next to arrive first: those are the ones a person acts on.
            bus.sort_unstable_by_key(|d| (d.due as u64, d.slot));
            bus.truncate(MAX_TARGETS);
            bus
        }
    };
    let untargeted = move || {
        if explorer.playing() {
            return None;
        }
        let on_bus = p.dots.with(|d| d.iter().filter(|d| d.on_bus()).count());
        (on_bus > MAX_TARGETS).then(|| {
            format!(
                "The {MAX_TARGETS} messages due soonest can be reached with the keyboard; click the drawing to pick any of the {on_bus} in flight."
            )
        })
    };
    let layout = p.layout;
    view! {
        <section class="panel topology" aria-labelledby="topology-title">
            <h2 id="topology-title">"Systems and the event bus"</h2>
            <div class="topology-stage" on:click=pick>
            <svg
                viewBox=move || format!("0 0 {} {}", layout.get().width, layout.get().height)
                class="topology-svg"
                role="group"
                aria-label="Topology: the source of truth, one bus queue per replica, and the replicas"
            >
                {parts::links(p, explorer, shown_replicas)}
                {parts::replicas(p, explorer, shown_replicas)}
                {parts::source(p, explorer, source_sub)}
                {parts::message_buttons(p, explorer, reduced, targets)}
            </svg>
            <MessageCanvas dots=p.dots layout=layout reduced=reduced />
            </div>
            <p class="visually-hidden" aria-live="off">{untargeted}</p>
            <p class="picture-caption" id="picture-caption">
                {move || p.last.get().map(|(_, line)| line).unwrap_or_else(|| "Nothing has happened yet: press Play, or step forward.".into())}
            </p>
            {parts::legend()}
        </section>
    }
}

/// Selects the message nearest a click on the drawing. While playing, messages have no
/// buttons of their own, and while paused only the `MAX_TARGETS` due soonest have: this
/// picks any other. (A button's own click stops before it, so a message is picked once.)
fn pick_message(e: &leptos::ev::MouseEvent, p: Picture, reduced: Signal<bool>, explorer: Explorer) {
    let Some(stage) = e
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let rect = stage.get_bounding_client_rect();
    let hit = p.layout.with_untracked(|layout| {
        let per_pixel = units_per_pixel(layout.width, rect.width());
        let at = Point {
            x: (f64::from(e.client_x()) - rect.left()) * per_pixel,
            y: (f64::from(e.client_y()) - rect.top()) * per_pixel,
        };
        let now = (!reduced.get_untracked()).then(|| untrack(|| explorer.vnow()));
        p.dots.with_untracked(|dots| {
            let bus: Vec<&Dot> = dots.iter().filter(|d| d.on_bus()).collect();
            let spots: Vec<Point> = bus.iter().map(|d| d.position(layout, now)).collect();
            nearest(&spots, at, 10.0).map(|i| bus[i].selection())
        })
    });
    if let Some(selection) = hit {
        explorer.select(Some(selection));
    }
}

fn translate(p: Point) -> String {
    format!("translate({:.1},{:.1})", p.x, p.y)
}

/// Runs `f` when Enter or Space is pressed on an SVG element acting as a button.
pub fn activate(e: &leptos::ev::KeyboardEvent, f: impl FnOnce()) {
    if e.key() == "Enter" || e.key() == " " {
        e.prevent_default();
        f();
    }
}
