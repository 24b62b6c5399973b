//! The topology view: source of truth, one bus queue per subscriber, replicas, and the
//! messages moving between them. Positions come from `crate::layout`.

use leptos::prelude::*;
use leptos_use::use_prefers_reduced_motion;

use crate::layout::topology::{Point, along, points, progress, topology};
use crate::sim::bus::Message;

use super::explorer::{Explorer, Selection};

/// How a message looks: shape and pattern as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A first delivery.
    Normal,
    /// An extra copy made by a duplicate fault.
    Duplicate,
    /// A redelivery after a lost delivery, an ack timeout or a crash.
    Redelivery,
    /// A message its consumer keeps failing on.
    Poison,
    /// A message a person dropped: it will be lost on arrival.
    Doomed,
}

impl MessageKind {
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
        }
    }
}

/// One message on screen.
#[derive(Debug, Clone, PartialEq)]
struct Dot {
    slot: u32,
    generation: u32,
    event: u64,
    replica: usize,
    sent: f64,
    due: f64,
    kind: MessageKind,
}

/// The shape of a message of `kind`, centred on 0,0.
fn shape(kind: MessageKind) -> impl IntoView {
    match kind {
        MessageKind::Normal => view! { <circle r="6" /> }.into_any(),
        MessageKind::Duplicate => view! { <polygon points="0,-8 8,0 0,8 -8,0" /> }.into_any(),
        MessageKind::Redelivery => {
            view! { <rect x="-6" y="-6" width="12" height="12" stroke-dasharray="3 2" /> }
                .into_any()
        }
        MessageKind::Poison => view! { <polygon points="0,-8 7,6 -7,6" /> }.into_any(),
        MessageKind::Doomed => view! { <path d="M-6,-6 L6,6 M6,-6 L-6,6" /> }.into_any(),
    }
}

/// The SVG picture of systems, links, queues and messages in flight.
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
    let layout = Memo::new(move |_| topology(names.get().map_or(1, |n| n.1.len())));
    let dots = Memo::new(move |_| {
        frame
            .get()
            .map(|f| {
                f.sim
                    .in_flight()
                    .into_iter()
                    .map(|(slot, m)| Dot {
                        slot,
                        generation: m.generation,
                        event: m.event.0,
                        replica: m.replica,
                        sent: m.sent_at as f64,
                        due: m.arrives_at as f64,
                        kind: MessageKind::of(&m),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // Per replica: (name, queue depth, down until, partitioned, clock offset).
    let systems = Memo::new(move |_| {
        let Some(f) = frame.get() else {
            return Vec::new();
        };
        let sim = &f.sim;
        let in_flight = sim.in_flight();
        sim.scenario()
            .replicas
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let depth = in_flight.iter().filter(|(_, m)| m.replica == i).count();
                let offset = sim.clock(crate::sim::SystemId::replica(i)).offset_ms;
                (
                    i,
                    r.name.clone(),
                    depth,
                    sim.down_until(i),
                    sim.is_partitioned(i),
                    offset,
                )
            })
            .collect::<Vec<_>>()
    });
    let source_offset = move || {
        frame
            .get()
            .map_or(0, |f| f.sim.clock(crate::sim::SystemId::SOURCE).offset_ms)
    };
    let select = move |s: Selection| explorer.selected.set(Some(s));
    let height = move || layout.get().height;
    view! {
        <section class="panel topology" aria-labelledby="topology-title">
            <h2 id="topology-title">"Systems and the event bus"</h2>
            <svg
                viewBox=move || format!("0 0 {} {}", layout.get().width, height())
                class="topology-svg"
                role="group"
                aria-label="Topology: the source of truth, one bus queue per replica, and the replicas"
            >
                <For each=move || systems.get() key=|s| s.clone() let((i, name, _depth, _down, partitioned, _offset))>
                    {
                        let path = move || layout.get().link(i);
                        view! {
                            <g
                                class="link"
                                class:partitioned=partitioned
                                role="button"
                                tabindex="0"
                                aria-label=format!("Link to {name}{}: select to partition or heal", if partitioned { ", partitioned" } else { "" })
                                on:click=move |_| select(Selection::Link(i))
                                on:keydown=move |e| activate(&e, || select(Selection::Link(i)))
                            >
                                <polyline class="link-hit" points=move || points(&path()) />
                                <polyline class="link-line" points=move || points(&path()) />
                            </g>
                        }
                    }
                </For>
                <For each=move || systems.get() key=|s| s.clone() let((i, name, depth, down, partitioned, offset))>
                    {
                        let q = move || layout.get().queue(i);
                        let p = move || layout.get().replica(i);
                        let system = crate::sim::SystemId::replica(i).0;
                        let status = match (down, partitioned) {
                            (Some(t), _) => format!(", down until {t} ms"),
                            (None, true) => ", link partitioned".to_string(),
                            _ => String::new(),
                        };
                        let clock = (offset != 0).then(|| format!("clock {offset:+} ms"));
                        view! {
                            <g class="queue" transform=move || translate(q())>
                                <rect x="-26" y="-13" width="52" height="26" rx="4" />
                                <text class="depth" text-anchor="middle" dy="4">{depth.to_string()}</text>
                                <title>{format!("{depth} message(s) on the way to {name}")}</title>
                            </g>
                            <g
                                class="system replica"
                                class:down=down.is_some()
                                role="button"
                                tabindex="0"
                                aria-label=format!(
                                    "{name} {}{status}: select for actions",
                                    match down {
                                        Some(t) => format!("✕ down until {t} ms"),
                                        None => clock.clone().unwrap_or_else(|| "replica".into()),
                                    }
                                )
                                transform=move || translate(p())
                                on:click=move |_| select(Selection::System(system))
                                on:keydown=move |e| activate(&e, || select(Selection::System(system)))
                            >
                                <rect x="-62" y="-20" width="124" height="40" rx="6" />
                                <text text-anchor="middle">
                                    <tspan x="0" dy="-2">{name.clone()}</tspan>
                                    " "
                                    <tspan class="sub" x="0" dy="15">
                                        {match down {
                                            Some(t) => format!("✕ down until {t} ms"),
                                            None => clock.clone().unwrap_or_else(|| "replica".into()),
                                        }}
                                    </tspan>
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
                <For each=move || dots.get() key=|d| (d.slot, d.generation, d.event, d.kind) let(dot)>
                    {
                        let kind = dot.kind;
                        let position = move || {
                            let now = if reduced.get() { (dot.sent + dot.due) / 2.0 } else { explorer.vnow.get() };
                            let t = if reduced.get() { 0.5 } else { progress(dot.sent, dot.due, now) };
                            along(&layout.get().link(dot.replica), t)
                        };
                        let label = format!(
                            "evt-{} to {}, {}, due at {} ms",
                            dot.event,
                            names.get_untracked().and_then(|n| n.1.get(dot.replica).cloned()).unwrap_or_default(),
                            kind.label(),
                            dot.due
                        );
                        let selection = Selection::Message(dot.slot, dot.generation);
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
                                {shape(kind)}
                            </g>
                        }
                    }
                </For>
            </svg>
            <ul class="legend-list" aria-label="Message legend">
                {[MessageKind::Normal, MessageKind::Duplicate, MessageKind::Redelivery, MessageKind::Poison, MessageKind::Doomed]
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
