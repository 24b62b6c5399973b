//! The topology view: source of truth, one bus queue per subscriber, replicas, and the
//! messages moving between them. Positions come from `crate::layout`; the messages are
//! painted by `message_canvas`.

use leptos::prelude::*;
use leptos_use::use_prefers_reduced_motion;

use wasm_bindgen::JsCast;

use crate::layout::topology::{Point, nearest, points, topology, units_per_pixel};

use super::explorer::{Explorer, Selection};
use super::message_canvas::{Dot, MessageCanvas, MessageKind};

/// What the view shows of one replica at the step on show.
#[derive(Debug, Clone, PartialEq)]
struct ReplicaState {
    depth: usize,
    down: Option<u64>,
    partitioned: bool,
    offset: i64,
}

/// The shape of a message of `kind`, centred on 0,0, for the legend and the (invisible)
/// buttons over messages; the canvas draws the same shapes.
fn shape(kind: MessageKind) -> impl IntoView {
    match kind {
        MessageKind::Normal => view! { <circle r="6" /> }.into_any(),
        MessageKind::Duplicate => view! { <polygon points="0,-8 8,0 0,8 -8,0" /> }.into_any(),
        MessageKind::Redelivery => {
            view! { <rect x="-6" y="-6" width="12" height="12" /> }.into_any()
        }
        MessageKind::Poison => view! { <polygon points="0,-8 7,6 -7,6" /> }.into_any(),
        MessageKind::Doomed => view! { <path d="M-6,-6 L6,6 M6,-6 L-6,6" /> }.into_any(),
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
    let replica_names = Memo::new(move |_| {
        names
            .get()
            .map(|n| n.1.into_iter().enumerate().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let layout = Memo::new(move |_| topology(names.get().map_or(1, |n| n.1.len())));
    let dots = Memo::new(move |_| {
        frame
            .get()
            .map(|f| {
                f.sim
                    .in_flight()
                    .iter()
                    .map(|(slot, m)| Dot::new(*slot, m))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // What changes step by step, apart from the systems themselves: the systems are keyed
    // by name and only their details update, so the DOM is not rebuilt every frame.
    let states = Memo::new(move |_| {
        let Some(f) = frame.get() else {
            return Vec::new();
        };
        let sim = &f.sim;
        let in_flight = sim.in_flight();
        (0..sim.scenario().replicas.len())
            .map(|i| ReplicaState {
                depth: in_flight.iter().filter(|(_, m)| m.replica == i).count(),
                down: sim.down_until(i),
                partitioned: sim.is_partitioned(i),
                offset: sim.clock(crate::sim::SystemId::replica(i)).offset_ms,
            })
            .collect::<Vec<_>>()
    });
    let state = move |i: usize| {
        states.with(|s| {
            s.get(i).cloned().unwrap_or(ReplicaState {
                depth: 0,
                down: None,
                partitioned: false,
                offset: 0,
            })
        })
    };
    let source_offset = move || {
        frame
            .get()
            .map_or(0, |f| f.sim.clock(crate::sim::SystemId::SOURCE).offset_ms)
    };
    let select = move |s: Selection| explorer.selected.set(Some(s));
    // While playing, messages have no buttons of their own: a click on the drawing picks
    // the message under the pointer.
    let pick = move |e: leptos::ev::MouseEvent| {
        if !explorer.playing.get_untracked() {
            return;
        }
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
            let now = (!reduced.get_untracked()).then(|| explorer.vnow.get_untracked());
            dots.with_untracked(|dots| {
                let spots: Vec<Point> = dots.iter().map(|d| d.position(layout, now)).collect();
                nearest(&spots, at, 10.0).map(|i| dots[i].selection())
            })
        });
        if let Some(selection) = hit {
            select(selection);
        }
    };
    let targets = move || {
        if explorer.playing.get() {
            Vec::new()
        } else {
            dots.get()
        }
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
                <For each=move || replica_names.get() key=|r| r.clone() let((i, name))>
                    {
                        let path = move || layout.get().link(i);
                        let partitioned = Memo::new(move |_| state(i).partitioned);
                        view! {
                            <g
                                class="link"
                                class:partitioned=partitioned
                                role="button"
                                tabindex="0"
                                aria-label=move || format!("Link to {name}{}: select to partition or heal", if partitioned.get() { ", partitioned" } else { "" })
                                on:click=move |_| select(Selection::Link(i))
                                on:keydown=move |e| activate(&e, || select(Selection::Link(i)))
                            >
                                <polyline class="link-hit" points=move || points(&path()) />
                                <polyline class="link-line" points=move || points(&path()) />
                            </g>
                        }
                    }
                </For>
                <For each=move || replica_names.get() key=|r| r.clone() let((i, name))>
                    {
                        let q = move || layout.get().queue(i);
                        let p = move || layout.get().replica(i);
                        let system = crate::sim::SystemId::replica(i).0;
                        // One memo per detail, so a new queue depth touches only its text.
                        let depth = Memo::new(move |_| state(i).depth);
                        let down = Memo::new(move |_| state(i).down);
                        let sub = Memo::new(move |_| {
                            let s = state(i);
                            match s.down {
                                Some(t) => format!("✕ down until {t} ms"),
                                None if s.offset != 0 => format!("clock {:+} ms", s.offset),
                                None => "replica".into(),
                            }
                        });
                        let status = Memo::new(move |_| {
                            let s = state(i);
                            match (s.down, s.partitioned) {
                                (Some(t), _) => format!(", down until {t} ms"),
                                (None, true) => ", link partitioned".to_string(),
                                _ => String::new(),
                            }
                        });
                        let queue_title = {
                            let name = name.clone();
                            move || format!("{} message(s) on the way to {name}", depth.get())
                        };
                        view! {
                            <g class="queue" transform=move || translate(q())>
                                <rect x="-26" y="-13" width="52" height="26" rx="4" />
                                <text class="depth" text-anchor="middle" dy="4">{move || depth.get().to_string()}</text>
                                <title>{queue_title}</title>
                            </g>
                            <g
                                class="system replica"
                                class:down=move || down.get().is_some()
                                role="button"
                                tabindex="0"
                                aria-label={
                                    let name = name.clone();
                                    move || format!("{name} {}{}: select for actions", sub.get(), status.get())
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
                            </g>
                        }
                    }
                </For>
                <g
                    class="system source"
                    role="button"
                    tabindex="0"
                    aria-label=move || {
                        let sub = match source_offset() {
                            0 => "source of truth".to_string(),
                            o => format!("clock {o:+} ms"),
                        };
                        format!("{} {sub}: select for actions", names.get().map(|n| n.0).unwrap_or_default())
                    }
                    transform=move || translate(layout.get().source)
                    on:click=move |_| select(Selection::System(0))
                    on:keydown=move |e| activate(&e, || select(Selection::System(0)))
                >
                    <rect x="-70" y="-26" width="140" height="52" rx="6" />
                    <text text-anchor="middle">
                        <tspan x="0" dy="-4">{move || names.get().map(|n| n.0).unwrap_or_default()}</tspan>
                        " "
                        <tspan class="sub" x="0" dy="17">
                            {move || match source_offset() {
                                0 => "source of truth".to_string(),
                                o => format!("clock {o:+} ms"),
                            }}
                        </tspan>
                    </text>
                </g>
                <For each=targets key=|d| (d.slot, d.generation, d.event, d.kind) let(dot)>
                    {
                        let kind = dot.kind;
                        let position = {
                            let dot = dot.clone();
                            move || {
                                let now = (!reduced.get()).then(|| explorer.vnow.get());
                                layout.with(|layout| dot.position(layout, now))
                            }
                        };
                        let label = format!(
                            "evt-{} to {}, {}, due at {} ms",
                            dot.event,
                            names.get_untracked().and_then(|n| n.1.get(dot.replica).cloned()).unwrap_or_default(),
                            kind.label(),
                            dot.due
                        );
                        let selection = dot.selection();
                        view! {
                            <g
                                class=format!("message message--{}", kind.as_str())
                                class:selected=move || explorer.selected.get() == Some(selection)
                                role="button"
                                tabindex="0"
                                aria-label=label
                                data-event=dot.event
                                transform=move || translate(position())
                                on:click=move |_| select(selection)
                                on:keydown=move |e| activate(&e, || select(selection))
                            >
                                <circle class="message-hit" r="10" />
                            </g>
                        }
                    }
                </For>
            </svg>
            <MessageCanvas dots=dots layout=layout reduced=reduced />
            </div>
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
