//! Exports of a run: the published events as CloudEvents JSON, and the run as a Mermaid
//! sequence diagram.

use serde_json::Value;

use super::cloudevent::CloudEvent;
use super::simulation::Simulation;
use super::trace::StepKind;

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
    for step in sim.trace().steps() {
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
