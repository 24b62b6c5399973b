//! Exports of a run: each trace step as JSON, the published events as CloudEvents JSON,
//! and the run as a Mermaid sequence diagram.

use serde_json::{Value, json};

use super::cloudevent::CloudEvent;
use super::ids::{RecordId, WriteId};
use super::simulation::Simulation;
use super::trace::{StepJson, StepKind, TraceStep};

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
    for step in sim.trace().iter() {
        let Some(line) = between(sim, step, &source).or_else(|| over(sim, step)) else {
            continue;
        };
        out.push_str("    ");
        out.push_str(&line.replace(';', ","));
        out.push('\n');
    }
    out
}

/// A step between the source and a replica as a Mermaid line: an arrow for a delivery
/// or a change request, a note across both for what happens to the link or a message.
fn between(sim: &Simulation, step: TraceStep, source: &str) -> Option<String> {
    let id = |system: super::SystemId| participant(sim.scenario().system_name(system));
    let (who, t) = (id(step.actor), step.time);
    Some(match step.kind {
        StepKind::Deliver { event, attempt } => {
            let retry = if attempt > 1 {
                format!(", attempt {attempt}")
            } else {
                String::new()
            };
            let version = sim.events()[event.0 as usize - 1].state.version;
            format!("{source}->>{who}: {t} ms: {event} (v{version}{retry})")
        }
        StepKind::Request { write, .. } => {
            let from = id(sim.writes()[write.0 as usize - 1].system);
            format!("{from}->>{source}: {t} ms: request {write}")
        }
        StepKind::Drop { event } => format!("Note over {source},{who}: {t} ms: {event} dropped"),
        StepKind::Duplicate { event } => {
            format!("Note over {source},{who}: {t} ms: {event} duplicated")
        }
        StepKind::Partition { until } => {
            format!("Note over {source},{who}: {t} ms: link down until {until} ms")
        }
        StepKind::Heal => format!("Note over {source},{who}: {t} ms: link healed"),
        _ => return None,
    })
}

/// A step at one system as a Mermaid note over it; `None` for the steps the diagram
/// leaves out (publishes, commits, retries: the arrows and the other notes tell them).
fn over(sim: &Simulation, step: TraceStep) -> Option<String> {
    let who = participant(sim.scenario().system_name(step.actor));
    let t = step.time;
    let record = |r: RecordId| sim.record_name(r);
    Some(match step.kind {
        StepKind::Command { record: r, write } => {
            format!("Note over {who}: {t} ms: command {write} on {}", record(r))
        }
        StepKind::LocalWrite { record: r, write } => {
            format!(
                "Note over {who}: {t} ms: local write {write} on {}",
                record(r)
            )
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
        StepKind::Conflict { write, .. } => format!("Note over {who}: {t} ms: conflict on {write}"),
        StepKind::MergeIn { event, version } => {
            format!("Note over {who}: {event} merged with its own write (v{version})")
        }
        StepKind::MergeWrite { write, .. } => format!("Note over {who}: {t} ms: {write} merged"),
        StepKind::Escalate {
            write, escalation, ..
        } => format!("Note over {who}: {t} ms: {write} escalated (#{escalation})"),
        StepKind::Resolve { escalation, .. } => {
            format!("Note over {who}: {t} ms: escalation #{escalation} decided")
        }
        StepKind::LostUpdate { write, .. } => format!("Note over {who}: {t} ms: {write} lost"),
        StepKind::Hold { event, waiting_for } => {
            format!("Note over {who}: {event} held until v{waiting_for}")
        }
        StepKind::Crash => format!("Note over {who}: {t} ms: crash"),
        StepKind::Restart => format!("Note over {who}: {t} ms: restart"),
        StepKind::DeadLetter { event } => format!("Note over {who}: {t} ms: {event} dead-lettered"),
        StepKind::Replay { event } => format!("Note over {who}: {t} ms: {event} replayed"),
        StepKind::Effect { write, again } => {
            let again = if again { " again" } else { "" };
            format!("Note over {who}: side effect for {write}{again}")
        }
        StepKind::InvalidTransition { note, .. } | StepKind::Refused { note } => {
            format!("Note over {who}: refused: {}", sim.note_text(note))
        }
        StepKind::Compensate { .. } => format!("Note over {who}: {t} ms: compensation"),
        _ => return None,
    })
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
    let (record, write) = record_and_write(step.kind);
    let record = record.or_else(|| {
        step.kind
            .event()
            .map(|e| sim.events()[e.0 as usize - 1].record)
    });
    serde_json::to_value(StepJson {
        entry: index,
        time: step.time,
        kind: step.kind.name(),
        actor: sim.scenario().system_name(step.actor),
        event: step.kind.event().map(|e| e.to_string()),
        record: record.map(|r| sim.record_name(r)),
        write: write.map(|w| w.to_string()),
        extra: extras(sim, step),
    })
    .expect("a step always serialises")
}

/// The record and the write a step names itself (a step about an event names the
/// event's record through it).
fn record_and_write(kind: StepKind) -> (Option<RecordId>, Option<WriteId>) {
    match kind {
        StepKind::Command { record, write }
        | StepKind::LocalWrite { record, write }
        | StepKind::Request { record, write }
        | StepKind::Conflict { record, write }
        | StepKind::MergeWrite { record, write }
        | StepKind::LostUpdate { record, write }
        | StepKind::Commit { record, write, .. }
        | StepKind::Escalate { record, write, .. }
        | StepKind::Resolve { record, write, .. } => (Some(record), Some(write)),
        StepKind::Publish { record, .. }
        | StepKind::InvalidTransition { record, .. }
        | StepKind::Poisoned { record } => (Some(record), None),
        StepKind::Effect { write, .. } | StepKind::EffectSkipped { write } => (None, Some(write)),
        _ => (None, None),
    }
}

/// Whatever else a step carries (attempt, version, reason, escalation, note, saga), by
/// name, with notes and names read from the run.
fn extras(sim: &Simulation, step: TraceStep) -> serde_json::Map<String, serde_json::Value> {
    let mut extra = serde_json::Map::new();
    let mut put = |name: &str, value: serde_json::Value| {
        extra.insert(name.into(), value);
    };
    match step.kind {
        StepKind::Commit { version, .. } | StepKind::MergeIn { version, .. } => {
            put("version", json!(version))
        }
        StepKind::Escalate { escalation, .. } | StepKind::Resolve { escalation, .. } => {
            put("escalation", json!(escalation))
        }
        StepKind::Deliver { attempt, .. }
        | StepKind::Redeliver { attempt, .. }
        | StepKind::ProcessingFailed { attempt, .. }
        | StepKind::Retry { attempt, .. } => put("attempt", json!(attempt)),
        StepKind::Apply { version, again, .. } => {
            put("version", json!(version));
            if again {
                put("again", json!(true));
            }
        }
        StepKind::RejectStale { reason, .. } => put("reason", json!(reason)),
        StepKind::InvalidTransition { note, .. } | StepKind::Refused { note } => {
            put("note", json!(sim.note_text(note)))
        }
        StepKind::Hold { waiting_for, .. } => put("waiting_for", json!(waiting_for)),
        StepKind::Effect { again, .. } => {
            put("effect", json!(sim.effect_name(step.actor)));
            if again {
                put("again", json!(true));
            }
        }
        StepKind::EffectSkipped { .. } => put("effect", json!(sim.effect_name(step.actor))),
        StepKind::Skew { offset_ms } => put("offset_ms", json!(offset_ms)),
        StepKind::Partition { until } => put("until", json!(until)),
        StepKind::SagaStep { saga, step: n } | StepKind::Compensate { saga, step: n } => {
            let spec = &sim.scenario().sagas[saga as usize];
            put("saga", json!(spec.name));
            put("saga_step", json!(spec.steps[n as usize].name));
        }
        StepKind::SagaFailed { saga, note } => {
            put("saga", json!(sim.scenario().sagas[saga as usize].name));
            put("note", json!(sim.note_text(note)));
        }
        _ => {}
    }
    extra
}

/// A file a run can be exported as: the same text the runner prints (`--format`) and the
/// page downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunFile {
    /// One JSON object per trace entry, a line each (`step_json`).
    Trace,
    /// The published events as a JSON array of CloudEvents (`cloudevents`).
    CloudEvents,
    /// The run as a Mermaid sequence diagram (`mermaid`).
    Mermaid,
}

impl RunFile {
    /// Every kind, in the order the page offers them.
    pub const ALL: [RunFile; 3] = [RunFile::Trace, RunFile::CloudEvents, RunFile::Mermaid];

    /// The file's text for `sim` (normally run to its end).
    pub fn text(self, sim: &Simulation) -> String {
        match self {
            RunFile::Trace => (0..sim.trace().len())
                .map(|i| format!("{}\n", step_json(sim, i)))
                .collect(),
            RunFile::CloudEvents => format!(
                "{}\n",
                serde_json::to_string_pretty(&cloudevents(sim)).unwrap_or_default()
            ),
            RunFile::Mermaid => mermaid(sim),
        }
    }

    /// The file's name for a run of scenario `name`.
    pub fn file_name(self, name: &str) -> String {
        match self {
            RunFile::Trace => format!("{name}.trace.jsonl"),
            RunFile::CloudEvents => format!("{name}.cloudevents.json"),
            RunFile::Mermaid => format!("{name}.mmd"),
        }
    }

    /// The file's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            RunFile::Trace => "application/jsonl",
            RunFile::CloudEvents => "application/cloudevents-batch+json",
            RunFile::Mermaid => "text/plain",
        }
    }

    /// What the file holds, in words, for its download button.
    pub fn label(self) -> &'static str {
        match self {
            RunFile::Trace => "Trace (JSON lines)",
            RunFile::CloudEvents => "Published events (CloudEvents JSON)",
            RunFile::Mermaid => "Sequence diagram (Mermaid)",
        }
    }
}
