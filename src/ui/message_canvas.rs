//! Messages in flight, painted on one canvas laid over the topology drawing.
//!
//! During playback hundreds of messages move every frame. As SVG elements, each move cost
//! the browser style, layout and paint work per element (measured: p95 frame time 83 ms with
//! ~250 in flight); on a canvas it is one repaint. While playback is paused, `TopologyView`
//! puts an invisible button over each message for the keyboard, screen readers and clicks.

use std::f64::consts::TAU;

use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use::use_preferred_dark;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use crate::layout::topology::{Point, Topology, along_past_queue, canvas_pixels, progress};
use crate::sim::bus::Message;
use crate::sim::simulation::RequestInFlight;

use super::explorer::{Explorer, Selection};

/// How a message looks: shape as well as colour, so colour-blind readers can tell kinds apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A first delivery: a circle.
    Normal,
    /// An extra copy made by a duplicate fault: a diamond.
    Duplicate,
    /// A redelivery after a lost delivery, an ack timeout or a crash: a square.
    Redelivery,
    /// A message its consumer keeps failing on: a triangle.
    Poison,
    /// A message a person dropped, lost on arrival: a cross.
    Doomed,
    /// A replica's local write on its way to the source of truth: an arrow pointing back.
    Request,
}

impl MessageKind {
    /// Every kind, in legend order.
    pub const ALL: [MessageKind; 6] = [
        MessageKind::Normal,
        MessageKind::Duplicate,
        MessageKind::Redelivery,
        MessageKind::Poison,
        MessageKind::Doomed,
        MessageKind::Request,
    ];

    /// The kind of `m`.
    pub fn of(m: &Message) -> Self {
        if m.dropped_by_hand {
            MessageKind::Doomed
        } else if m.failures > 0 {
            MessageKind::Poison
        } else if m.duplicate {
            MessageKind::Duplicate
        } else if m.attempt > 1 {
            MessageKind::Redelivery
        } else {
            MessageKind::Normal
        }
    }

    /// The CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Normal => "normal",
            MessageKind::Duplicate => "duplicate",
            MessageKind::Redelivery => "redelivery",
            MessageKind::Poison => "poison",
            MessageKind::Doomed => "doomed",
            MessageKind::Request => "request",
        }
    }

    /// Words for screen readers and the legend.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Normal => "delivery",
            MessageKind::Duplicate => "duplicate",
            MessageKind::Redelivery => "redelivery",
            MessageKind::Poison => "failing (poison)",
            MessageKind::Doomed => "will be dropped",
            MessageKind::Request => "a replica's write to the source",
        }
    }

    /// The CSS custom property that holds this kind's colour.
    fn colour_property(self) -> &'static str {
        match self {
            MessageKind::Normal => "--accent",
            MessageKind::Duplicate => "--msg-duplicate",
            MessageKind::Redelivery => "--msg-redelivery",
            MessageKind::Poison | MessageKind::Doomed => "--bad",
            MessageKind::Request => "--msg-request",
        }
    }
}

/// One message in flight, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// Its bus slot.
    pub slot: u32,
    /// Its bus generation (a slot is reused by later messages).
    pub generation: u32,
    /// The event it carries.
    pub event: u64,
    /// The replica it is on its way to.
    pub replica: usize,
    /// The record the event is about.
    pub record: u32,
    /// The version the event carries (for a request: the version the replica wrote).
    pub version: u64,
    /// When it left, in virtual ms.
    pub sent: f64,
    /// When it is due, in virtual ms.
    pub due: f64,
    /// How it looks.
    pub kind: MessageKind,
}

impl Dot {
    /// The dot for a replica's change request on its way to the source. Its "event" is
    /// the write's number and its slot lies past every bus slot: it is drawn, not acted on.
    pub fn request(r: &RequestInFlight) -> Self {
        Dot {
            slot: u32::MAX,
            generation: 0,
            event: r.write.0,
            replica: r.replica,
            record: r.record.0,
            version: r.version,
            sent: r.sent_at as f64,
            due: r.arrives_at as f64,
            kind: MessageKind::Request,
        }
    }
}

impl Dot {
    /// The dot for message `m` in bus slot `slot`, carrying version `version`.
    pub fn new(slot: u32, m: &Message, version: u64) -> Self {
        Dot {
            slot,
            generation: m.generation,
            event: m.event.0,
            replica: m.replica,
            record: m.record.0,
            version,
            sent: m.sent_at as f64,
            due: m.arrives_at as f64,
            kind: MessageKind::of(m),
        }
    }

    /// Where it is at virtual time `now`; with reduced motion (`now` is `None`) it rests
    /// half-way along its link. It is never drawn over its queue's box.
    pub fn position(&self, layout: &Topology, now: Option<f64>) -> Point {
        let t = now.map_or(0.5, |now| progress(self.sent, self.due, now));
        let mut route = layout.route(self.replica);
        if self.kind == MessageKind::Request {
            route.reverse();
        }
        along_past_queue(route, t)
    }

    /// Whether it is a message on the bus (which a person can select and act on), not a
    /// replica's write on its way to the source.
    pub fn on_bus(&self) -> bool {
        self.kind != MessageKind::Request
    }

    /// What selects it.
    pub fn selection(&self) -> Selection {
        Selection::Message(self.slot, self.generation)
    }
}

/// Colours read from the page's CSS, so the canvas follows light and dark mode.
#[derive(Debug, PartialEq)]
struct Palette {
    fills: [String; 6],
    outline: String,
    ink: String,
}

impl Palette {
    fn read(element: &web_sys::Element) -> Self {
        let style = window().get_computed_style(element).ok().flatten();
        let get = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Palette {
            fills: MessageKind::ALL.map(|k| get(k.colour_property(), "#1f5fbf")),
            outline: get("--panel", "#ffffff"),
            ink: get("--ink", "#1d2327"),
        }
    }
}

/// Adds `kind`'s shape centred on `p` to the current path (the same shapes as the legend).
fn trace_shape(ctx: &CanvasRenderingContext2d, kind: MessageKind, p: Point) {
    let Point { x, y } = p;
    match kind {
        MessageKind::Normal => {
            ctx.move_to(x + 6.0, y);
            let _ = ctx.arc(x, y, 6.0, 0.0, TAU);
        }
        MessageKind::Duplicate => polygon(
            ctx,
            &[(x, y - 8.0), (x + 8.0, y), (x, y + 8.0), (x - 8.0, y)],
        ),
        MessageKind::Redelivery => ctx.rect(x - 6.0, y - 6.0, 12.0, 12.0),
        MessageKind::Poison => {
            polygon(ctx, &[(x, y - 8.0), (x + 7.0, y + 6.0), (x - 7.0, y + 6.0)])
        }
        MessageKind::Request => polygon(
            ctx,
            &[
                (x - 8.0, y),
                (x + 6.0, y - 7.0),
                (x + 2.0, y),
                (x + 6.0, y + 7.0),
            ],
        ),
        MessageKind::Doomed => {
            ctx.move_to(x - 6.0, y - 6.0);
            ctx.line_to(x + 6.0, y + 6.0);
            ctx.move_to(x + 6.0, y - 6.0);
            ctx.line_to(x - 6.0, y + 6.0);
        }
    }
}

fn polygon(ctx: &CanvasRenderingContext2d, corners: &[(f64, f64)]) {
    for (i, &(x, y)) in corners.iter().enumerate() {
        if i == 0 {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
    }
    ctx.close_path();
}

/// Paints `dots` at virtual time `now`: one path per kind, so a frame costs a handful of
/// canvas calls per message and ten fills and strokes in all.
fn paint(
    ctx: &CanvasRenderingContext2d,
    dots: &[Dot],
    layout: &Topology,
    now: Option<f64>,
    selected: Option<Selection>,
    palette: &Palette,
) {
    let positions: Vec<Point> = dots.iter().map(|d| d.position(layout, now)).collect();
    for (kind, fill) in MessageKind::ALL.iter().zip(&palette.fills) {
        ctx.begin_path();
        for (d, p) in dots.iter().zip(&positions) {
            if d.kind == *kind {
                trace_shape(ctx, *kind, *p);
            }
        }
        if *kind == MessageKind::Doomed {
            ctx.set_stroke_style_str(fill);
            ctx.set_line_width(3.0);
        } else {
            ctx.set_fill_style_str(fill);
            ctx.fill();
            ctx.set_stroke_style_str(if *kind == MessageKind::Redelivery {
                &palette.ink
            } else {
                &palette.outline
            });
            ctx.set_line_width(2.0);
        }
        ctx.stroke();
    }
    if let Some(p) = selected.and_then(|s| {
        dots.iter()
            .zip(&positions)
            .find(|(d, _)| d.selection() == s)
            .map(|(_, p)| *p)
    }) {
        ctx.begin_path();
        let _ = ctx.arc(p.x, p.y, 11.0, 0.0, TAU);
        ctx.set_stroke_style_str(&palette.ink);
        ctx.set_line_width(2.5);
        ctx.stroke();
    }
}

/// The canvas the messages in flight are painted on. It lies over the SVG drawing, the
/// same size, and lets clicks through to it.
#[component]
pub fn MessageCanvas(
    /// The messages in flight at the step on show.
    dots: Memo<Vec<Dot>>,
    /// Where systems and links sit.
    layout: Memo<Topology>,
    /// Whether the person prefers reduced motion (messages then rest mid-link).
    reduced: Signal<bool>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let canvas = NodeRef::<Canvas>::new();
    let dark = use_preferred_dark();
    // Re-read only when the colour scheme changes: reading computed style every frame
    // would make the browser recompute styles every frame.
    let palette = Memo::new(move |_| {
        dark.track();
        canvas
            .get()
            .map(|c| Palette::read(&c))
            .map(std::sync::Arc::new)
    });
    // A canvas never painted is blank: it waits for the first message. That also spares
    // start-up the canvas's first paint and the style read for its palette.
    let painted = StoredValue::new(false);
    // Paint in an animation frame, at most once per frame however many signals change.
    let pending = StoredValue::new(false);
    let paint_now = move || {
        // A frame asked for just before the picture was taken down finds it gone.
        if pending.try_set_value(false).is_some() {
            return;
        }
        let (Some(el), Some(palette)) = (canvas.get_untracked(), palette.get_untracked()) else {
            return;
        };
        painted.set_value(true);
        let now = (!reduced.get_untracked()).then(|| untrack(|| explorer.vnow()));
        let selected = untrack(|| explorer.selected());
        // The canvas keeps one size (room for the tallest layout at a fixed resolution
        // per drawing unit) and CSS stretches it over the drawing, like the SVG's viewBox:
        // no need to watch the element's size, and a new scenario does not reallocate it.
        let (w, h) = canvas_pixels(window().device_pixel_ratio());
        if el.width() != w {
            el.set_width(w);
        }
        if el.height() != h {
            el.set_height(h);
        }
        layout.with_untracked(|layout| {
            let Some(ctx) = el
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            else {
                return;
            };
            let (sx, sy) = (f64::from(w) / layout.width, f64::from(h) / layout.height);
            let _ = ctx.set_transform(sx, 0.0, 0.0, sy, 0.0, 0.0);
            ctx.clear_rect(0.0, 0.0, layout.width, layout.height);
            dots.with_untracked(|dots| paint(&ctx, dots, layout, now, selected, &palette));
        });
    };
    Effect::new(move |_| {
        if !painted.get_value() && dots.with(|d| d.is_empty()) {
            return;
        }
        // Everything the picture depends on.
        canvas.track();
        palette.track();
        layout.track();
        dots.track();
        explorer.selected();
        if !reduced.get() {
            explorer.vnow();
        }
        if !pending.get_value() {
            pending.set_value(true);
            request_animation_frame(paint_now);
        }
    });
    view! { <canvas class="message-canvas" node_ref=canvas aria-hidden="true"></canvas> }
}
