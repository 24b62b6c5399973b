//! The picture's pieces: the links, the queues and replica boxes, the source, the
//! messages' buttons and the legend.

use leptos::prelude::*;

use crate::layout::topology::points;

use super::super::explorer::{Explorer, Selection};
use super::super::keyed::{key, keyed, row};
use super::super::message_canvas::{Dot, MessageKind};
use super::picture::{Picture, acted, nth};
use super::{activate, translate};

/// The link to each replica: a button that selects it.
pub(super) fn links(
    p: Picture,
    explorer: Explorer,
    shown: impl Fn() -> Vec<(usize, String)> + Send + Sync + 'static,
) -> impl IntoView {
    keyed(move || {
        shown().into_iter().map(|(i, name)| row(key(&[&i, &name]), move || {
            let path = move || p.layout.get().link(i);
            let partitioned = move || nth(p.conditions, i).partitioned;
            view! {
                <g
                    class="link"
                    class:partitioned=partitioned
                    role="button"
                    tabindex="0"
                    aria-label=move || format!("Link to {name}{}: select to partition or heal", if partitioned() { ", partitioned" } else { "" })
                    on:click=move |_| explorer.select(Some(Selection::Link(i)))
                    on:keydown=move |e| activate(&e, || explorer.select(Some(Selection::Link(i))))
                >
                    <polyline class="link-hit" points=move || points(&path()) />
                    <polyline class="link-line" points=move || points(&path()) />
                </g>
            }
    })).collect()
    })
}

/// Each replica's queue and box.
pub(super) fn replicas(
    p: Picture,
    explorer: Explorer,
    shown: impl Fn() -> Vec<(usize, String)> + Send + Sync + 'static,
) -> impl IntoView {
    keyed(move || {
        shown().into_iter().map(|(i, name)| row(key(&[&i, &name]), move || {
            let q = move || p.layout.get().queue(i);
            let at = move || p.layout.get().replica(i);
            let system = crate::sim::SystemId::replica(i).0;
            let sub = move || {
                let c = nth(p.conditions, i);
                match c.down {
                    Some(t) => format!("✕ down until {t} ms"),
                    None if c.offset != 0 => format!("clock {:+} ms", c.offset),
                    None => "replica".into(),
                }
            };
            // `sub` already says when it is down; the label adds the link.
            let status = move || if nth(p.conditions, i).partitioned { ", link partitioned" } else { "" };
            let queue_title = {
                let name = name.clone();
                move || format!("{} message(s) on the way to {name}", nth(p.depths, i))
            };
            view! {
                <g class="queue" transform=move || translate(q())>
                    <rect x="-26" y="-13" width="52" height="26" rx="4" />
                    <text class="depth" text-anchor="middle" dy="4">{move || nth(p.depths, i).to_string()}</text>
                    <title>{queue_title}</title>
                </g>
                <g
                    class="system replica"
                    class:down=move || nth(p.conditions, i).down.is_some()
                    class:acting=move || acted(p.last, system)
                    role="button"
                    tabindex="0"
                    aria-label={
                        let name = name.clone();
                        move || {
                            let busy = nth(p.activities, i);
                            let busy = if busy.is_empty() { String::new() } else { format!(", {busy}") };
                            format!("{name} {}{}{busy}: select for actions", sub(), status())
                        }
                    }
                    transform=move || translate(at())
                    on:click=move |_| explorer.select(Some(Selection::System(system)))
                    on:keydown=move |e| activate(&e, || explorer.select(Some(Selection::System(system))))
                >
                    <rect x="-62" y="-20" width="124" height="40" rx="6" />
                    <text text-anchor="middle">
                        <tspan x="0" dy="-2">{name.clone()}</tspan>
                        " "
                        <tspan class="sub" x="0" dy="15">{sub}</tspan>
                    </text>
                    <text class="activity" text-anchor="middle" y="33">{move || nth(p.activities, i)}</text>
                </g>
            }
    })).collect()
    })
}

/// The source of truth's box.
pub(super) fn source(
    p: Picture,
    explorer: Explorer,
    source_sub: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
    <g
        class="system source"
        class:acting=move || acted(p.last, 0)
        role="button"
        tabindex="0"
        aria-label=move || format!("{} {}: select for actions", p.names.get().map(|n| n.0).unwrap_or_default(), source_sub())
        transform=move || translate(p.layout.get().source)
        on:click=move |_| explorer.select(Some(Selection::System(0)))
        on:keydown=move |e| activate(&e, || explorer.select(Some(Selection::System(0))))
    >
        <rect x="-70" y="-26" width="140" height="52" rx="6" />
        <text text-anchor="middle">
            <tspan x="0" dy="-4">{move || p.names.get().map(|n| n.0).unwrap_or_default()}</tspan>
            " "
            <tspan class="sub" x="0" dy="17">{source_sub}</tspan>
        </text>
    </g>
    }
}

/// A button for each message in `targets`, over the canvas that draws them.
pub(super) fn message_buttons(
    p: Picture,
    explorer: Explorer,
    reduced: Signal<bool>,
    targets: impl Fn() -> Vec<Dot> + Send + Sync + 'static,
) -> impl IntoView {
    keyed(move || {
        targets()
            .into_iter()
            .map(|dot| {
                let key = key(&[&dot.slot, &dot.generation, &dot.event, &dot.kind.as_str()]);
                row(key, move || {
                    let kind = dot.kind;
                    let position = {
                        let dot = dot.clone();
                        move || {
                            let now = (!reduced.get()).then(|| explorer.vnow());
                            p.layout.with(|layout| dot.position(layout, now))
                        }
                    };
                    let (event, replica, due, record, version) =
                        (dot.event, dot.replica, dot.due, dot.record, dot.version);
                    // Read when drawn, from the scenario on show, never kept from an
                    // earlier one.
                    let label = move || {
                        format!(
                            "evt-{event} ({} v{version}) to {}, {}, due at {due} ms",
                            p.record_names
                                .with(|r| r.get(record as usize).cloned())
                                .unwrap_or_default(),
                            p.names
                                .with(|n| n.as_ref().and_then(|n| n.1.get(replica).cloned()))
                                .unwrap_or_default(),
                            kind.label(),
                        )
                    };
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
                                explorer.select(Some(selection))
                            }
                            on:keydown=move |e| activate(&e, || explorer.select(Some(selection)))
                        >
                            <circle class="message-hit" r="10" />
                        </g>
                    }
                })
            })
            .collect()
    })
}

/// What each message shape means.
pub(super) fn legend() -> impl IntoView {
    view! {
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
    }
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
