//! Runs the engine for the page and reshapes its output into what the page draws.
//! Plain data, no Leptos: the components only read these structs.

use super::keyed::key;
use crate::sim::explain::why_differs;
use crate::sim::invariants::{Invariant, Verdict, Violation};
use crate::sim::metrics::Metrics;
use crate::sim::record::{RecordState, describe};
use crate::sim::{RecordId, Simulation};

/// What the page shows of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    /// The summary numbers.
    pub metrics: Metrics,
    /// The trace hash, to compare runs.
    pub trace_hash: String,
    /// Steps done (what playback counts).
    pub steps: u64,
    /// Entries in the trace.
    pub trace_entries: usize,
    /// Every invariant with its verdict at this step, in report order.
    pub invariants: Vec<(&'static str, Verdict)>,
    /// Every failure, explained.
    pub violations: Vec<Violation>,
    /// One table per system, the source of truth first.
    pub systems: Vec<SystemTable>,
    /// Escalations waiting for a decision.
    pub pending: Vec<PendingEscalation>,
    /// The source of truth's name.
    pub source: String,
    /// Records left out of the tables (see `MAX_ROWS`).
    pub hidden_records: usize,
}

/// One system's copy of every record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemTable {
    /// The system's name.
    pub name: String,
    /// Whether this is the source of truth.
    pub is_source: bool,
    /// One row per record.
    pub rows: Vec<RecordRow>,
}

/// One record as one system holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// The record's id.
    pub record: String,
    /// Its fields, each marked where it differs from the source.
    pub fields: Vec<FieldCell>,
    /// Its version.
    pub version: u64,
    /// The source's version, when it differs from this one.
    pub source_version: Option<u64>,
    /// Why this copy differs from the source, when it does.
    pub why: Option<String>,
    /// Why this version was applied more than once here, when it was (a duplicate with
    /// idempotency off): the values match the source, but whatever applying does ran twice.
    pub applied_twice: Option<String>,
    /// The system that wrote these values.
    pub writer: String,
    /// When they were written.
    pub modified_at: u64,
}

impl RecordRow {
    /// Everything the row shows, as one text: two rows with the same key look the same.
    pub fn key(&self) -> String {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|f| {
                key(&[
                    &f.name,
                    &f.value,
                    &f.source_value.as_deref().unwrap_or("\u{0}"),
                ])
            })
            .collect();
        key(&[
            &self.record,
            &self.version,
            &self.source_version.map_or(String::new(), |v| v.to_string()),
            &self.why.as_deref().unwrap_or_default(),
            &self.applied_twice.as_deref().unwrap_or_default(),
            &self.writer,
            &self.modified_at,
            // Fields apart from each other by the record separator.
            &fields.join("\u{1e}"),
        ])
    }
}

/// One field value, and the source's value when it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCell {
    /// Field name.
    pub name: String,
    /// This system's value (empty when the field is missing here).
    pub value: String,
    /// The source's value, when it differs from this one.
    pub source_value: Option<String>,
}

/// An escalated conflict, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingEscalation {
    /// Its number.
    pub id: u32,
    /// The record in dispute.
    pub record: String,
    /// The replica whose write clashed.
    pub replica: String,
    /// The replica's values.
    pub replica_value: Vec<(String, String)>,
    /// The source's values now.
    pub source_value: Vec<(String, String)>,
    /// When it was raised.
    pub raised_at: u64,
}

/// Reads a seed typed by a person.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!(
            "Seed: enter a whole number from 0 to {}.",
            u64::MAX
        ));
    }
    trimmed.parse().map_err(|_| {
        format!(
            "Seed: expected a whole number from 0 to {}, found \"{trimmed}\".",
            u64::MAX
        )
    })
}

/// What the page shows of `sim` at its current step.
pub fn view_of(sim: &Simulation) -> RunView {
    let scenario = sim.scenario();
    let report = sim.report();
    let source = sim.source_records();
    let shown = shown_records(sim);
    let hidden_records = source.len() - shown.len();
    let mut systems = vec![table(sim, &scenario.source, None, source, &shown)];
    for (i, replica) in scenario.replicas.iter().enumerate() {
        systems.push(table(
            sim,
            &replica.name,
            Some(i),
            sim.replica_records(i),
            &shown,
        ));
    }
    let pending = sim
        .escalations()
        .iter()
        .filter(|e| e.decision.is_none())
        .map(|e| PendingEscalation {
            id: e.id,
            record: sim.record_name(e.record).to_string(),
            replica: scenario.system_name(e.replica).to_string(),
            replica_value: pairs(&e.replica_value),
            source_value: pairs(&source[e.record.0 as usize].fields),
            raised_at: e.raised_at,
        })
        .collect();
    RunView {
        metrics: report.metrics,
        trace_hash: report.trace_hash,
        steps: report.steps,
        trace_entries: report.trace_entries,
        invariants: report
            .invariants
            .into_iter()
            .filter_map(|(name, verdict)| Some((Invariant::named(&name)?.name(), verdict)))
            .collect(),
        violations: report.invariant_violations,
        systems,
        pending,
        source: scenario.source.clone(),
        hidden_records,
    }
}

fn pairs(fields: &crate::sim::record::Values) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Most records a table shows: nobody reads more, and rendering them all would slow the page.
pub const MAX_ROWS: usize = 24;

/// The records to show, in scenario order: those that differ somewhere first, then the rest,
/// up to `MAX_ROWS`.
fn shown_records(sim: &Simulation) -> Vec<usize> {
    let source = sim.source_records();
    let replicas = sim.scenario().replicas.len();
    let differs = |i: usize| (0..replicas).any(|r| !sim.replica_records(r)[i].same_as(&source[i]));
    // Marked, not collected and sorted: the rows come out in record order.
    let mut chosen = vec![false; source.len()];
    let mut count = 0;
    for i in (0..source.len()).filter(|&i| differs(i)).take(MAX_ROWS) {
        chosen[i] = true;
        count += 1;
    }
    for flag in chosen.iter_mut().filter(|c| !**c) {
        if count >= MAX_ROWS {
            break;
        }
        *flag = true;
        count += 1;
    }
    (0..source.len()).filter(|&i| chosen[i]).collect()
}

fn table(
    sim: &Simulation,
    name: &str,
    replica: Option<usize>,
    records: &[RecordState],
    shown: &[usize],
) -> SystemTable {
    let is_source = replica.is_none();
    let source = sim.source_records();
    let rows = shown
        .iter()
        .map(|&i| (i, &records[i]))
        .map(|(i, state)| {
            let truth = &source[i];
            let names = crate::sim::ordered::set_of(state.fields.keys().chain(truth.fields.keys()));
            let fields = names
                .into_iter()
                .map(|name| {
                    let value = state.fields.get(name).cloned().unwrap_or_default();
                    let truth_value = truth.fields.get(name).cloned().unwrap_or_default();
                    FieldCell {
                        name: name.clone(),
                        source_value: (value != truth_value).then_some(truth_value),
                        value,
                    }
                })
                .collect();
            RecordRow {
                record: sim.scenario().records[i].id.clone(),
                fields,
                version: state.version,
                source_version: (state.version != truth.version).then_some(truth.version),
                why: replica.and_then(|r| why_differs(sim, r, RecordId(i as u32))),
                applied_twice: replica
                    .and_then(|r| sim.applied_twice(r, RecordId(i as u32)))
                    .map(|event| {
                        format!(
                            "duplicate applied: {event} was applied twice here{}",
                            if sim.idempotency() {
                                ""
                            } else {
                                " (idempotency is off)"
                            }
                        )
                    }),
                writer: sim.scenario().system_name(state.writer).to_string(),
                modified_at: state.modified_at,
            }
        })
        .collect();
    SystemTable {
        name: name.to_string(),
        is_source,
        rows,
    }
}

/// The values as `name=value` pairs, for labels.
pub fn describe_pairs(pairs: &[(String, String)]) -> String {
    describe(&pairs.iter().cloned().collect())
}
