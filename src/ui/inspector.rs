//! The inspector: what is selected (a message, an event, a system, a link), its details,
//! and the actions a person can take on it. Every action forks the run at the current step.

use leptos::prelude::*;

use crate::sim::Command;
use crate::sim::cloudevent::CloudEvent;
use crate::sim::explain::event_history;
use crate::sim::scenario::Clock;
use crate::sim::{EventId, Simulation, SystemId};

use super::explorer::{Explorer, Frame, Selection};

/// Details of the selection and the actions on it.
#[component]
pub fn Inspector() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let frame = explorer.panel_frame;
    let body = move || {
        let Some(f) = frame.get() else {
            return view! { <p class="empty">"Nothing to show yet."</p> }.into_any();
        };
        match explorer.selected() {
            None => view! { <p class="empty">"Select a message, a system or a link in the picture, or an event in the narration."</p> }.into_any(),
            Some(Selection::Message(slot, generation)) => message_view(&f, slot, generation, explorer).into_any(),
            Some(Selection::Event(id)) => event_view(&f.sim, EventId(id)).into_any(),
            Some(Selection::System(id)) => system_view(&f, id, explorer).into_any(),
            Some(Selection::Link(r)) => link_view(&f, r, explorer).into_any(),
        }
    };
    view! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <h2 id="inspector-title">"Inspector"</h2>
            <p class="action-error" role="alert">{move || explorer.error()}</p>
            {body}
        </section>
    }
}

fn message_view(f: &Frame, slot: u32, generation: u32, explorer: Explorer) -> impl IntoView {
    let sim = &f.sim;
    let Some((_, m)) = sim
        .in_flight()
        .into_iter()
        .find(|(s, m)| *s == slot && m.generation == generation)
    else {
        return view! { <p class="empty">"That message is no longer in flight at this step."</p> }
            .into_any();
    };
    let to = sim.scenario().replicas[m.replica].name.clone();
    let name = format!("{} → {to}", m.event);
    let (drop_label, delay_label, dup_label, next_label) = (
        format!("Drop {name}"),
        format!("Delay {name} by 200 ms"),
        format!("Duplicate {name}"),
        format!("Deliver {name} next"),
    );
    let partitioned = sim.is_partitioned(m.replica);
    view! {
        <h3>{format!("Message {name}")}</h3>
        <p>{format!("Attempt {}, sent at {} ms, due at {} ms{}.", m.attempt, m.sent_at, m.arrives_at, if m.duplicate { ", a duplicate copy" } else { "" })}</p>
        <div class="actions">
            {if m.dropped_by_hand {
                view! { <p class="action-note" id="drop-message-note">"Dropped already: it will be lost when it arrives, and the bus will send it again after the ack timeout."</p> }.into_any()
            } else {
                view! { <button type="button" id="drop-message" on:click=move |_| explorer.intervene(Command::Drop { slot }, drop_label.clone())>"Drop it"</button> }.into_any()
            }}
            <button type="button" id="delay-message" on:click=move |_| explorer.intervene(Command::Delay { slot, by_ms: 200 }, delay_label.clone())>"Delay 200 ms"</button>
            <button type="button" id="duplicate-message" on:click=move |_| explorer.intervene(Command::Duplicate { slot }, dup_label.clone())>"Duplicate it"</button>
            {if partitioned {
                view! { <p class="action-note">"Its link is partitioned: it waits for the heal, so it cannot be delivered next."</p> }.into_any()
            } else {
                view! { <button type="button" id="deliver-next" on:click=move |_| explorer.intervene(Command::DeliverNext { slot }, next_label.clone())>"Deliver it next"</button> }.into_any()
            }}
        </div>
        {event_view(sim, m.event)}
    }
    .into_any()
}

/// An event's CloudEvents JSON, its delivery history so far and the changes it caused.
fn event_view(sim: &Simulation, event: EventId) -> impl IntoView {
    let Some(e) = sim.events().get((event.0 as usize).wrapping_sub(1)) else {
        return view! { <p class="empty">"That event is not published yet at this step."</p> }
            .into_any();
    };
    let scenario = sim.scenario();
    let envelope = CloudEvent::of(
        e,
        &scenario.source,
        sim.record_name(e.record),
        scenario.system_name(e.state.writer),
    );
    let json = serde_json::to_string_pretty(&envelope).unwrap_or_default();
    let history: Vec<(usize, String)> = event_history(sim, event)
        .into_iter()
        .map(|i| {
            let s = sim.trace().step(i);
            let what = match s.kind {
                crate::sim::trace::StepKind::Apply { version, again, .. } => {
                    format!("apply → v{version}{}", if again { " (again)" } else { "" })
                }
                k => k.name().replace('_', " "),
            };
            (
                i,
                format!("{} ms · {} · {what}", s.time, scenario.system_name(s.actor)),
            )
        })
        .collect();
    view! {
        <h3>{format!("Event {event}: {} v{} → v{}", sim.record_name(e.record), e.previous_version, e.state.version)}</h3>
        <h4>"Delivery history"</h4>
        <ol class="history">
            {history.into_iter().map(|(i, line)| view! { <li data-step=i>{line}</li> }).collect_view()}
        </ol>
        <h4>"CloudEvents JSON"</h4>
        <pre class="cloudevent" tabindex="0" aria-label="CloudEvents JSON">{json}</pre>
    }
    .into_any()
}

fn system_view(f: &Frame, id: u16, explorer: Explorer) -> impl IntoView {
    let sim = &f.sim;
    let system = SystemId(id);
    let name = sim.scenario().system_name(system).to_string();
    let offset = sim.clock(system).offset_ms;
    let replica_part = system
        .replica_index()
        .map(|r| replica_actions(sim, r, name.clone(), explorer));
    view! {
        <h3>{format!("{name}{}", if id == 0 { " (source of truth)" } else { "" })}</h3>
        <p>{format!("Clock offset {offset:+} ms.")}</p>
        {replica_part}
        {clock_form(sim.clock(system), name, explorer)}
    }
    .into_any()
}

/// Crash or restart replica `r` (called `name`), and write to its copy of a record.
fn replica_actions(sim: &Simulation, r: usize, name: String, explorer: Explorer) -> impl IntoView {
    let down = sim.down_until(r);
    let now = sim.now();
    let crash_label = format!("Crash {name} for 1 s");
    let (crash_name, restart_name) = (name.clone(), name.clone());
    let restart_label = format!("Restart {name}");
    let records: Vec<String> = sim
        .scenario()
        .records
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let first = records.first().cloned().unwrap_or_default();
    let record = RwSignal::new(first);
    let field = RwSignal::new("note".to_string());
    let value = RwSignal::new(format!("written by {name}"));
    let write_name = name.clone();
    let name_for_note = name.clone();
    let write = move |_| {
        let set = [(field.get_untracked(), value.get_untracked())].into();
        explorer.intervene(
            Command::LocalWrite {
                system: write_name.clone(),
                record: record.get_untracked(),
                set,
            },
            format!(
                "{write_name} writes {}={} to {}",
                field.get_untracked(),
                value.get_untracked(),
                record.get_untracked()
            ),
        )
    };
    view! {
        <div class="actions">
            {match down {
                Some(t) => view! {
                    <p>{format!("Down until {t} ms.")}</p>
                    <button type="button" id="restart-system" on:click=move |_| explorer.intervene(Command::Restart { system: restart_name.clone() }, restart_label.clone())>"Restart now"</button>
                }.into_any(),
                None => view! {
                    <button type="button" id="crash-system" on:click=move |_| explorer.intervene(Command::Crash { system: crash_name.clone(), until: now + 1000 }, crash_label.clone())>"Crash for 1 s"</button>
                }.into_any(),
            }}
        </div>
        <fieldset class="local-write" disabled=down.is_some() aria-describedby=down.map(|_| "local-write-note")>
            <legend>"Local write"</legend>
            {down.map(|t| view! { <p class="action-note" id="local-write-note">{format!("{name_for_note} is down until {t} ms: nobody can write to it. Restart it first.")}</p> })}
            <label><span>"Record"</span>
                <select prop:value=move || record.get() on:change=move |ev| record.set(event_target_value(&ev))>
                    {records.into_iter().map(|id| view! { <option value=id.clone()>{id.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label><span>"Field"</span><input type="text" prop:value=move || field.get() on:input=move |ev| field.set(event_target_value(&ev)) /></label>
            <label><span>"Value"</span><input type="text" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) /></label>
            <button type="button" id="local-write" on:click=write>"Write"</button>
        </fieldset>
    }
}

/// Set the clock of the system called `name`, now `clock`, to another offset.
fn clock_form(clock: Clock, name: String, explorer: Explorer) -> impl IntoView {
    let Clock {
        offset_ms: offset,
        drift_ppm,
    } = clock;
    let skew_text = RwSignal::new((offset + 500).to_string());
    let skew_error = move || {
        let max = crate::sim::scenario::limits::MAX_TIME_MS;
        match skew_text.get().trim().parse::<i64>() {
            Ok(ms) if ms.unsigned_abs() <= max => None,
            _ => Some(format!(
                "Clock offset: expected a whole number of ms from -{max} to {max} (a week either way), found \"{}\"",
                skew_text.get()
            )),
        }
    };
    let name_for_skew = name;
    let skew = move |_| {
        if let (Ok(offset_ms), None) = (
            skew_text.get_untracked().trim().parse::<i64>(),
            skew_error(),
        ) {
            explorer.intervene(
                Command::Skew {
                    system: name_for_skew.clone(),
                    offset_ms,
                    // Only the offset changes: the clock keeps drifting as it did.
                    drift_ppm,
                },
                format!("Set {name_for_skew}'s clock to {offset_ms:+} ms"),
            );
        }
    };
    view! {
        <div class="skew">
            <label>
                <span>"Clock offset (ms)"</span>
                <input type="text" id="skew-offset" inputmode="numeric" aria-invalid=move || skew_error().is_some().to_string() prop:value=move || skew_text.get() on:input=move |ev| skew_text.set(event_target_value(&ev)) />
            </label>
            <button type="button" id="skew-clock" on:click=skew>"Set clock"</button>
            <p class="field-error" aria-live="polite">{skew_error}</p>
        </div>
    }
}

fn link_view(f: &Frame, r: usize, explorer: Explorer) -> impl IntoView {
    let sim = &f.sim;
    let name = sim.scenario().replicas[r].name.clone();
    let partitioned = sim.is_partitioned(r);
    let now = sim.now();
    let waiting = sim
        .in_flight()
        .into_iter()
        .filter(|(_, m)| m.replica == r)
        .count();
    let label = if partitioned {
        format!("Heal the link to {name}")
    } else {
        format!("Partition the link to {name} for 1 s")
    };
    let action = label.clone();
    let link_system = name.clone();
    view! {
        <h3>{format!("Link {} → {name}", sim.scenario().source)}</h3>
        <p>{format!("{waiting} message(s) on it. {}", if partitioned { "It is partitioned." } else { "It is up." })}</p>
        <div class="actions">
            <button
                type="button"
                id="toggle-partition"
                on:click=move |_| {
                    let system = link_system.clone();
                    let change = if partitioned { Command::Heal { system } } else { Command::Partition { system, until: now + 1000 } };
                    explorer.intervene(change, action.clone());
                }
            >
                {label}
            </button>
        </div>
    }
}
