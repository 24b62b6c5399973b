//! The topology view: source of truth, one bus queue per subscriber, replicas, and the
//! messages moving between them. Positions come from `crate::layout`; the messages are
//! painted by `message_canvas`.

use leptos::prelude::*;
use leptos_use::use_prefers_reduced_motion;

use wasm_bindgen::JsCast;

use crate::layout::topology::{Point, nearest, points, topology, units_per_pixel};

use super::explorer::{Explorer, Selection};
use super::keyed::{key, keyed, row};
use super::message_canvas::{Dot, MessageCanvas, MessageKind};

/// Most messages in flight that get a button of their own while paused: each is an element
/// with a label, and a busy bus holds hundreds, which made every jump to another step a
/// long task.
const MAX_TARGETS: usize = 40;

/// How a replica is, apart from its queue: down until, link partitioned, clock offset.
/// It changes rarely, queue depths every frame, so the two are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Condition {
    down: Option<u64>,
    partitioned: bool,
    offset: i64,
}

/// The shape of a message of `kind`, centred on 0,0, for the legend; the canvas draws the
/// same shapes.
fn shape(kind: MessageKind) -> impl IntoView {
    match kind {
        MessageKind::Normal => view! { <circle r="6" /> }.into_any(),
        MessageKind::Duplicate => view! { <polygon points="0,-8 8,0 0,8 -8,0" /> }.into_any(),
        MessageKind::Redelivery => {
            view! { <rect x="-6" y="-6" width="12" height="12" /> }.into_any()
        }
        MessageKind::Poison => view! { <polygon points="0,-8 7,6 -7,6" /> }.into_any(),
        MessageKind::Doomed => view! { <path d="M-6,-6 L6,6 M6,-6 L-6,6" /> }.into_any(),
        MessageKind::Request => view! { <polygon points="-8,0 6,-7 2,0 6,7" /> }.into_any(),
    }
}

/// The SVG picture of systems, links and queues, with the messages in flight on a canvas
/// over it.
#[component]
pub fn TopologyView() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let reduced = use_prefers_reduced_motion();
    let frame = explorer.frame;
    // Only the names: cloning a whole scenario (a long script) every frame would be waste.
    let names = Memo::new(move |_| {
        frame.get().map(|f| {
            let s = f.sim.scenario();
            (
                s.source.clone(),
                s.replicas
                    .iter()
                    .map(|r| r.name.clone())
                    .collect::<Vec<_>>(),
            )
        })
    });
    let record_names = Memo::new(move |_| {
        frame
            .get()
            .map(|f| {
                f.sim
                    .scenario()
                    .records
                    .iter()
                    .map(|r| r.id.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let replica_names = Memo::new(move |_| {
        names
            .get()
            .map(|n| n.1.into_iter().enumerate().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    // Eight or ten replicas' links, queues and boxes appear one per frame.
    let shown_replicas = super::reveal::revealed(replica_names);
    let layout = Memo::new(move |_| topology(names.get().map_or(1, |n| n.1.len())));
    let dots = Memo::new(move |_| {
        frame
            .get()
            .map(|f| {
                let sim = &f.sim;
                let version = |e: crate::sim::EventId| {
                    sim.events()
                        .get(e.0 as usize - 1)
                        .map_or(0, |p| p.state.version)
                };
                sim.in_flight()
                    .iter()
                    .map(|(slot, m)| Dot::new(*slot, m, version(m.event)))
                    .chain(sim.requests_in_flight().iter().map(Dot::request))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // What changes step by step. The systems are keyed by name and only these details
    // update, so the DOM is not rebuilt every frame. Depths are counted from the dots
    // already listed rather than from a second copy of the bus.
    let depths = Memo::new(move |_| {
        let mut depths = vec![0usize; names.with(|n| n.as_ref().map_or(0, |n| n.1.len()))];
        dots.with(|dots| {
            for d in dots.iter().filter(|d| d.on_bus()) {
                if let Some(n) = depths.get_mut(d.replica) {
                    *n += 1;
                }
            }
        });
        depths
    });
    let conditions = Memo::new(move |_| {
        let Some(f) = frame.get() else {
            return Vec::new();
        };
        let sim = &f.sim;
        (0..sim.scenario().replicas.len())
            .map(|i| Condition {
                down: sim.down_until(i),
                partitioned: sim.is_partitioned(i),
                offset: sim.clock(crate::sim::SystemId::replica(i)).offset_ms,
            })
            .collect::<Vec<_>>()
    });
    // What each replica holds back, gave up on and fired, in words under its box.
    let activities = Memo::new(move |_| {
        let Some(f) = frame.get() else {
            return Vec::new();
        };
        let sim = &f.sim;
        sim.scenario()
            .replicas
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let a = sim.activity(i);
                let mut parts = Vec::new();
                if a.held > 0 {
                    parts.push(format!("{} held back", a.held));
                }
                if a.dead_letters > 0 {
                    parts.push(format!("{} dead-lettered", a.dead_letters));
                }
                if let Some(effect) = &spec.effect
                    && a.effects > 0
                {
                    parts.push(format!("{} ×{}", effect.name, a.effects));
                }
                parts.join(" · ")
            })
            .collect::<Vec<_>>()
    });
    // The last thing that happened: its system is ringed and its sentence is the caption.
    let last = Memo::new(move |_| {
        frame.get().and_then(|f| {
            let n = f.sim.trace().len();
            (n > 0).then(|| {
                (
                    f.sim.trace().step(n - 1).actor.0,
                    crate::sim::explain::narrate(&f.sim, n - 1),
                )
            })
        })
    });
    let acting = move |system: u16| last.with(|l| l.as_ref().is_some_and(|(a, _)| *a == system));
    let activity = move |i: usize| activities.with(|a| a.get(i).cloned().unwrap_or_default());
    let depth = move |i: usize| depths.with(|d| d.get(i).copied().unwrap_or(0));
    let condition = move |i: usize| conditions.with(|c| c.get(i).copied().unwrap_or_default());
    let source_sub = move || match frame
        .get()
        .map_or(0, |f| f.sim.clock(crate::sim::SystemId::SOURCE).offset_ms)
    {
        0 => "source of truth".to_string(),
        o => format!("clock {o:+} ms"),
    };
    let select = move |s: Selection| explorer.select(Some(s));
    // While playing, messages have no buttons of their own, and while paused only the
    // `MAX_TARGETS` due soonest have: a click on the drawing picks the message under the
    // pointer. (A button's own click stops here, so a message is picked once.)
    let pick = move |e: leptos::ev::MouseEvent| {
        let Some(stage) = e
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let rect = stage.get_bounding_client_rect();
        let hit = layout.with_untracked(|layout| {
            let per_pixel = units_per_pixel(layout.width, rect.width());
            let at = Point {
                x: (f64::from(e.client_x()) - rect.left()) * per_pixel,
                y: (f64::from(e.client_y()) - rect.top()) * per_pixel,
            };
            let now = (!reduced.get_untracked()).then(|| untrack(|| explorer.vnow()));
            dots.with_untracked(|dots| {
                let bus: Vec<&Dot> = dots.iter().filter(|d| d.on_bus()).collect();
                let spots: Vec<Point> = bus.iter().map(|d| d.position(layout, now)).collect();
                nearest(&spots, at, 10.0).map(|i| bus[i].selection())
            })
        });
        if let Some(selection) = hit {
            select(selection);
        }
    };
    let targets = move || {
        if explorer.playing() {
            Vec::new()
        } else {
            let mut bus: Vec<Dot> = dots.get().into_iter().filter(Dot::on_bus).collect();
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
        let on_bus = dots.with(|d| d.iter().filter(|d| d.on_bus()).count());
        (on_bus > MAX_TARGETS).then(|| {
            format!(
                "The {MAX_TARGETS} messages due soonest can be reached with the keyboard; click the drawing to pick any of the {on_bus} in flight."
            )
        })
    };
    let height = move || layout.get().height;
    view! {
        <section class="panel topology" aria-labelledby="topology-title">
            <h2 id="topology-title">"Systems and the event bus"</h2>
            <div class="topology-stage" on:click=pick>
            <svg
                viewBox=move || format!("0 0 {} {}", layout.get().width, height())
                class="topology-svg"
                role="group"
                aria-label="Topology: the source of truth, one bus queue per replica, and the replicas"
            >
                {keyed(move || shown_replicas().into_iter().map(|(i, name)| row(key(&[&i, &name]), move || {
                        let path = move || layout.get().link(i);
                        let partitioned = move || condition(i).partitioned;
                        view! {
                            <g
                                class="link"
                                class:partitioned=partitioned
                                role="button"
                                tabindex="0"
                                aria-label=move || format!("Link to {name}{}: select to partition or heal", if partitioned() { ", partitioned" } else { "" })
                                on:click=move |_| select(Selection::Link(i))
                                on:keydown=move |e| activate(&e, || select(Selection::Link(i)))
                            >
                                <polyline class="link-hit" points=move || points(&path()) />
                                <polyline class="link-line" points=move || points(&path()) />
                            </g>
                        }
                })).collect())}
                {keyed(move || shown_replicas().into_iter().map(|(i, name)| row(key(&[&i, &name]), move || {
                        let q = move || layout.get().queue(i);
                        let p = move || layout.get().replica(i);
                        let system = crate::sim::SystemId::replica(i).0;
                        let sub = move || {
                            let c = condition(i);
                            match c.down {
                                Some(t) => format!("✕ down until {t} ms"),
                                None if c.offset != 0 => format!("clock {:+} ms", c.offset),
                                None => "replica".into(),
                            }
                        };
                        // `sub` already says when it is down; the label adds the link.
                        let status = move || if condition(i).partitioned { ", link partitioned" } else { "" };
                        let queue_title = {
                            let name = name.clone();
                            move || format!("{} message(s) on the way to {name}", depth(i))
                        };
                        view! {
                            <g class="queue" transform=move || translate(q())>
                                <rect x="-26" y="-13" width="52" height="26" rx="4" />
                                <text class="depth" text-anchor="middle" dy="4">{move || depth(i).to_string()}</text>
                                <title>{queue_title}</title>
                            </g>
                            <g
                                class="system replica"
                                class:down=move || condition(i).down.is_some()
                                class:acting=move || acting(system)
                                role="button"
                                tabindex="0"
                                aria-label={
                                    let name = name.clone();
                                    move || {
                                        let busy = activity(i);
                                        let busy = if busy.is_empty() { String::new() } else { format!(", {busy}") };
                                        format!("{name} {}{}{busy}: select for actions", sub(), status())
                                    }
                                }
                                transform=move || translate(p())
                                on:click=move |_| select(Selection::System(system))
                                on:keydown=move |e| activate(&e, || select(Selection::System(system)))
                            >
                                <rect x="-62" y="-20" width="124" height="40" rx="6" />
                                <text text-anchor="middle">
                                    <tspan x="0" dy="-2">{name.clone()}</tspan>
                                    " "
                                    <tspan class="sub" x="0" dy="15">{sub}</tspan>
                                </text>
                                <text class="activity" text-anchor="middle" y="33">{move || activity(i)}</text>
                            </g>
                        }
                })).collect())}
                <g
                    class="system source"
                    class:acting=move || acting(0)
                    role="button"
                    tabindex="0"
                    aria-label=move || format!("{} {}: select for actions", names.get().map(|n| n.0).unwrap_or_default(), source_sub())
                    transform=move || translate(layout.get().source)
                    on:click=move |_| select(Selection::System(0))
                    on:keydown=move |e| activate(&e, || select(Selection::System(0)))
                >
                    <rect x="-70" y="-26" width="140" height="52" rx="6" />
                    <text text-anchor="middle">
                        <tspan x="0" dy="-4">{move || names.get().map(|n| n.0).unwrap_or_default()}</tspan>
                        " "
                        <tspan class="sub" x="0" dy="17">{source_sub}</tspan>
                    </text>
                </g>
                {keyed(move || targets().into_iter().map(|dot| {
                    let key = key(&[&dot.slot, &dot.generation, &dot.event, &dot.kind.as_str()]);
                    row(key, move || {
                        let kind = dot.kind;
                        let position = {
                            let dot = dot.clone();
                            move || {
                                let now = (!reduced.get()).then(|| explorer.vnow());
                                layout.with(|layout| dot.position(layout, now))
                            }
                        };
                        let (event, replica, due, record, version) =
                            (dot.event, dot.replica, dot.due, dot.record, dot.version);
                        // Read when drawn, from the scenario on show, never kept from an
                        // earlier one.
                        let label = move || format!(
                            "evt-{event} ({} v{version}) to {}, {}, due at {due} ms",
                            record_names.with(|r| r.get(record as usize).cloned()).unwrap_or_default(),
                            names.with(|n| n.as_ref().and_then(|n| n.1.get(replica).cloned())).unwrap_or_default(),
                            kind.label(),
                        );
                        let selection = dot.selection();
                        view! {
                            <g
                                class=format!("message message--{}", kind.as_str())
                                class:selected=move || explorer.selected() == Some(selection)
                                role="button"
                                tabindex="0"
                                aria-label=label
                                data-event=dot.event
                                transform=move || translate(position())
                                on:click=move |e| {
                                    e.stop_propagation();
                                    select(selection)
                                }
                                on:keydown=move |e| activate(&e, || select(selection))
                            >
                                <circle class="message-hit" r="10" />
                            </g>
                        }
                    })
                }).collect())}
            </svg>
            <MessageCanvas dots=dots layout=layout reduced=reduced />
            </div>
            <p class="visually-hidden" aria-live="off">{untargeted}</p>
            <p class="picture-caption" id="picture-caption">
                {move || last.get().map(|(_, line)| line).unwrap_or_else(|| "Nothing has happened yet: press Play, or step forward.".into())}
            </p>
            <ul class="legend-list" aria-label="Message legend">
                {MessageKind::ALL
                    .into_iter()
                    .map(|k| view! {
                        <li>
                            <svg viewBox="-10 -10 20 20" class=format!("legend-icon message--{}", k.as_str()) aria-hidden="true">{shape(k)}</svg>
                            {k.label()}
                        </li>
                    })
                    .collect_view()}
                <li><span class="legend-link" aria-hidden="true"></span>"partitioned link"</li>
            </ul>
        </section>
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
