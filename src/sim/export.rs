//! Exports of a run: each trace step as JSON, the published events as CloudEvents JSON,
//! and the run as a Mermaid sequence diagram.

use serde_json::{Value, json};

use super::cloudevent::CloudEvent;
use super::simulation::Simulation;
use super::trace::{StepJson, StepKind};

/// Every published event, in publishing order, as a JSON array of CloudEvents 1.0 events
/// in the structured JSON format.
pub fn cloudevents(sim: &Simulation) -> Value {
    let scenario = sim.scenario();
    let events: Vec<Value> = sim
        .events()
        .iter()
        .map(|e| {
            let envelope = CloudEvent::of(
                e,
                &scenario.source,
                sim.record_name(e.record),
                scenario.system_name(e.state.writer),
            );
            serde_json::to_value(envelope).expect("an event always serialises")
        })
        .collect();
    Value::Array(events)
}

/// The run as a Mermaid `sequenceDiagram`: one participant per system, an arrow per
/// delivery and per change request, notes for drops, duplicates, conflicts and the like.
pub fn mermaid(sim: &Simulation) -> String {
    let scenario = sim.scenario();
    let id = |system: super::SystemId| participant(scenario.system_name(system));
    let source = participant(&scenario.source);
    let mut out = String::from("sequenceDiagram\n");
    out.push_str(&format!(
        "    participant {source} as {} (source of truth)\n",
        scenario.source
    ));
    for r in &scenario.replicas {
        out.push_str(&format!(
            "    participant {} as {}\n",
            participant(&r.name),
            r.name
        ));
    }
    let event_version = |e: super::EventId| sim.events()[e.0 as usize - 1].state.version;
    for step in sim.trace().iter() {
        let who = id(step.actor);
        let t = step.time;
        let line = match step.kind {
            StepKind::Command { record, write } => {
                format!(
                    "Note over {who}: {t} ms: command {write} on {}",
                    sim.record_name(record)
                )
            }
            StepKind::LocalWrite { record, write } => {
                format!(
                    "Note over {who}: {t} ms: local write {write} on {}",
                    sim.record_name(record)
                )
            }
            StepKind::Deliver { event, attempt } => {
                let retry = if attempt > 1 {
                    format!(", attempt {attempt}")
                } else {
                    String::new()
                };
                format!(
                    "{source}->>{who}: {t} ms: {event} (v{}{retry})",
                    event_version(event)
                )
            }
            StepKind::Request { write, .. } => {
                let from = id(sim.writes()[write.0 as usize - 1].system);
                format!("{from}->>{source}: {t} ms: request {write}")
            }
            StepKind::Drop { event } => {
                format!("Note over {source},{who}: {t} ms: {event} dropped")
            }
            StepKind::Duplicate { event } => {
                format!("Note over {source},{who}: {t} ms: {event} duplicated")
            }
            StepKind::SkipDuplicate { event } => {
                format!("Note over {who}: {event} skipped (already processed)")
            }
            StepKind::Apply {
                event, again: true, ..
            } => format!("Note over {who}: {event} applied again"),
            StepKind::RejectStale { event, .. } => {
                format!("Note over {who}: {event} rejected as stale")
            }
            StepKind::Conflict { write, .. } => {
                format!("Note over {who}: {t} ms: conflict on {write}")
            }
            StepKind::Escalate {
                write, escalation, ..
            } => {
                format!("Note over {who}: {t} ms: {write} escalated (#{escalation})")
            }
            StepKind::Resolve { escalation, .. } => {
                format!("Note over {who}: {t} ms: escalation #{escalation} decided")
            }
            StepKind::LostUpdate { write, .. } => format!("Note over {who}: {t} ms: {write} lost"),
            StepKind::Hold { event, waiting_for } => {
                format!("Note over {who}: {event} held until v{waiting_for}")
            }
            StepKind::Crash => format!("Note over {who}: {t} ms: crash"),
            StepKind::Restart => format!("Note over {who}: {t} ms: restart"),
            StepKind::DeadLetter { event } => {
                format!("Note over {who}: {t} ms: {event} dead-lettered")
            }
            StepKind::Replay { event } => format!("Note over {who}: {t} ms: {event} replayed"),
            StepKind::Effect { write, again } => {
                let again = if again { " again" } else { "" };
                format!("Note over {who}: side effect for {write}{again}")
            }
            StepKind::InvalidTransition { note, .. } | StepKind::Refused { note } => {
                format!("Note over {who}: refused: {}", sim.note_text(note))
            }
            StepKind::Compensate { .. } => format!("Note over {who}: {t} ms: compensation"),
            StepKind::Partition { until } => {
                format!("Note over {source},{who}: {t} ms: link down until {until} ms")
            }
            StepKind::Heal => format!("Note over {source},{who}: {t} ms: link healed"),
            _ => continue,
        };
        out.push_str("    ");
        out.push_str(&line.replace(';', ","));
        out.push('\n');
    }
    out
}

/// A system name as a Mermaid participant id.
fn participant(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Trace step `index` as JSON, with names instead of numbers.
pub fn step_json(sim: &Simulation, index: usize) -> serde_json::Value {
    let step = sim.trace().step(index);
    let mut extra = serde_json::Map::new();
    let (mut record, mut write) = (None, None);
    match step.kind {
        StepKind::Command {
            record: r,
            write: w,
        }
        | StepKind::LocalWrite {
            record: r,
            write: w,
        }
        | StepKind::Request {
            record: r,
            write: w,
        }
        | StepKind::Conflict {
            record: r,
            write: w,
        }
        | StepKind::LostUpdate {
            record: r,
            write: w,
        } => (record, write) = (Some(r), Some(w)),
        StepKind::Commit {
            record: r,
            write: w,
            version,
        } => {
            (record, write) = (Some(r), Some(w));
            extra.insert("version".into(), json!(version));
        }
        StepKind::Escalate {
            record: r,
            write: w,
            escalation,
        }
        | StepKind::Resolve {
            record: r,
            write: w,
            escalation,
        } => {
            (record, write) = (Some(r), Some(w));
            extra.insert("escalation".into(), json!(escalation));
        }
        StepKind::Publish { record: r, .. } => record = Some(r),
        StepKind::Deliver { attempt, .. } | StepKind::Redeliver { attempt, .. } => {
            extra.insert("attempt".into(), json!(attempt));
        }
        StepKind::Apply { version, again, .. } => {
            extra.insert("version".into(), json!(version));
            if again {
                extra.insert("again".into(), json!(true));
            }
        }
        StepKind::RejectStale { reason, .. } => {
            extra.insert("reason".into(), json!(reason));
        }
        StepKind::InvalidTransition { record: r, note } => {
            record = Some(r);
            extra.insert("note".into(), json!(sim.note_text(note)));
        }
        StepKind::Hold { waiting_for, .. } => {
            extra.insert("waiting_for".into(), json!(waiting_for));
        }
        StepKind::ProcessingFailed { attempt, .. } | StepKind::Retry { attempt, .. } => {
            extra.insert("attempt".into(), json!(attempt));
        }
        StepKind::Poisoned { record: r } => record = Some(r),
        StepKind::Effect { write: w, again } => {
            write = Some(w);
            extra.insert("effect".into(), json!(sim.effect_name(step.actor)));
            if again {
                extra.insert("again".into(), json!(true));
            }
        }
        StepKind::EffectSkipped { write: w } => {
            write = Some(w);
            extra.insert("effect".into(), json!(sim.effect_name(step.actor)));
        }
        StepKind::Skew { offset_ms } => {
            extra.insert("offset_ms".into(), json!(offset_ms));
        }
        StepKind::Partition { until } => {
            extra.insert("until".into(), json!(until));
        }
        StepKind::Refused { note } => {
            extra.insert("note".into(), json!(sim.note_text(note)));
        }
        StepKind::SagaStep { saga, step: n } | StepKind::Compensate { saga, step: n } => {
            let spec = &sim.scenario().sagas[saga as usize];
            extra.insert("saga".into(), json!(spec.name));
            extra.insert("saga_step".into(), json!(spec.steps[n as usize].name));
        }
        StepKind::SagaFailed { saga, note } => {
            extra.insert(
                "saga".into(),
                json!(sim.scenario().sagas[saga as usize].name),
            );
            extra.insert("note".into(), json!(sim.note_text(note)));
        }
        StepKind::Duplicate { .. }
        | StepKind::Drop { .. }
        | StepKind::SkipDuplicate { .. }
        | StepKind::Release { .. }
        | StepKind::Crash
        | StepKind::Restart
        | StepKind::Heal
        | StepKind::NotAcked { .. }
        | StepKind::DeadLetter { .. }
        | StepKind::Replay { .. }
        | StepKind::Discard { .. } => {}
    }
    if let Some(e) = step.kind.event() {
        record = record.or(Some(sim.events()[e.0 as usize - 1].record));
    }
    serde_json::to_value(StepJson {
        entry: index,
        time: step.time,
        kind: step.kind.name(),
        actor: sim.scenario().system_name(step.actor),
        event: step.kind.event().map(|e| e.to_string()),
        record: record.map(|r| sim.record_name(r)),
        write: write.map(|w| w.to_string()),
        extra,
    })
    .expect("a step always serialises")
}
