//! Words for what the engine did: why a replica's copy differs from the source, and a
//! sentence for each notable step. The explorer shows these; it does not work them out.

use super::ids::{EventId, Millis, RecordId, WriteId};
use super::invariants::LostWrite;
use super::record::describe;
use super::simulation::Simulation;
use super::trace::StepKind;

/// How far a system's clock was off when it stamped `stamp` at virtual time `at`, in words:
/// "billing's clock runs 500 ms behind".
fn clock_words(who: &str, at: Millis, stamp: Millis) -> String {
    let off = at as i128 - stamp as i128;
    match off {
        0 => format!("{who}'s clock is right"),
        d if d > 0 => format!("{who}'s clock runs {d} ms behind"),
        d => format!("{who}'s clock runs {} ms ahead", -d),
    }
}

/// Who made `write`, and what it wrote where: "billing's write w2 to customer-1
/// (email=ada@typed-last.example, at 1200 ms)".
pub fn write_words(sim: &Simulation, write: WriteId) -> String {
    if write == WriteId::INITIAL {
        return "the initial content".into();
    }
    let w = &sim.writes()[write.0 as usize - 1];
    format!(
        "{}'s write {} to {} ({}, at {} ms)",
        sim.scenario().system_name(w.system),
        w.id,
        sim.record_name(w.record),
        describe(&w.fields),
        w.at
    )
}

/// Why a write was lost, naming the cause: the write that replaced it, or the timestamps
/// (and the clocks behind them) that made last-write-wins call it older.
pub fn lost_write(sim: &Simulation, lost: &LostWrite) -> String {
    let what = write_words(sim, lost.write);
    let source = &sim.scenario().source;
    if let Some(by) = lost.overwritten_by {
        let by_who = sim
            .scenario()
            .system_name(sim.writes()[by.0 as usize - 1].system);
        return format!(
            "{what} was committed, then replaced by {by_who}'s write {by}, which had not seen it; no conflict was reported."
        );
    }
    let w = &sim.writes()[lost.write.0 as usize - 1];
    let who = sim.scenario().system_name(w.system);
    let stamp = format!(
        "it was stamped {} ms ({})",
        w.stamp,
        clock_words(who, w.at, w.stamp)
    );
    let winner = match sim.lost_to(lost.write) {
        Some(WriteId::INITIAL) | None => String::new(),
        Some(win) => {
            let x = &sim.writes()[win.0 as usize - 1];
            let win_who = sim.scenario().system_name(x.system);
            format!(
                ", older than {win_who}'s write {win}, stamped {} ms ({})",
                x.stamp,
                clock_words(win_who, x.at, x.stamp)
            )
        }
    };
    format!(
        "{what} was acknowledged, then discarded by {source} as older under last-write-wins: {stamp}{winner}. No conflict was reported."
    )
}

/// Why replica `r`'s copy of `record` differs from the source of truth now, or `None` if
/// it does not differ.
pub fn why_differs(sim: &Simulation, r: usize, record: RecordId) -> Option<String> {
    let local = &sim.replica_records(r)[record.0 as usize];
    let source = &sim.source_records()[record.0 as usize];
    if local.same_as(source) {
        return None;
    }
    let name = sim.record_name(record);
    let source_name = &sim.scenario().source;
    if let Some(e) = sim
        .escalations()
        .iter()
        .find(|e| e.decision.is_none() && e.record == record && e.write == local.write)
    {
        return Some(format!(
            "conflict pending: escalation #{} waits for a person to choose",
            e.id
        ));
    }
    if sim.lost_updates().contains(&local.write) {
        let lost = sim
            .checked_lost_writes()
            .into_iter()
            .find(|l| l.write == local.write)
            .unwrap_or(LostWrite {
                write: local.write,
                time: sim.now(),
                overwritten_by: None,
            });
        return Some(format!("lost update: {}", lost_write(sim, &lost)));
    }
    if local.write == source.write {
        return Some(format!(
            "same values, but {source_name} numbered this change v{}",
            source.version
        ));
    }
    if local.writer.replica_index() == Some(r) {
        return Some(format!(
            "local write {} has not been confirmed by {source_name} yet",
            local.write
        ));
    }
    if let Some(until) = sim.down_until(r) {
        return Some(format!("stale: the replica is down until {until} ms"));
    }
    if sim.dead_letters(r).iter().any(|d| d.record == record) {
        return Some(format!(
            "stale: an event for {name} is in the dead-letter queue"
        ));
    }
    let coming = sim
        .in_flight()
        .into_iter()
        .filter(|(_, m)| m.replica == r && m.record == record)
        .count();
    if coming > 0 {
        return Some(format!(
            "stale: v{} is on its way ({coming} message(s) in flight)",
            source.version
        ));
    }
    Some(format!(
        "stale: holds v{} while {source_name} has v{}",
        local.version, source.version
    ))
}

/// A sentence for trace step `index` if it is worth telling a person, else `None`.
pub fn narrate(sim: &Simulation, index: usize) -> Option<String> {
    let step = sim.trace().steps()[index];
    let who = sim.scenario().system_name(step.actor);
    let version = |e: EventId| sim.events()[e.0 as usize - 1].state.version;
    let t = step.time;
    Some(match step.kind {
        StepKind::Apply {
            event, again: true, ..
        } => {
            format!(
                "{t} ms: {who} applied v{} again ({event}): idempotency is off.",
                version(event)
            )
        }
        StepKind::SkipDuplicate { event } => {
            format!("{t} ms: {who} skipped a duplicate of {event}.")
        }
        StepKind::Drop { event } => {
            format!("{t} ms: the delivery of {event} to {who} was lost; the bus will redeliver it.")
        }
        StepKind::Duplicate { event } => {
            format!("{t} ms: the bus will deliver {event} to {who} twice.")
        }
        StepKind::RejectStale { event, .. } => format!(
            "{t} ms: {who} rejected {event} (v{}) as stale.",
            version(event)
        ),
        StepKind::Conflict { record, write } => {
            format!(
                "{t} ms: conflict on {}: {write} clashed with {}'s value, which is kept.",
                sim.record_name(record),
                sim.scenario().source
            )
        }
        StepKind::Escalate {
            record, escalation, ..
        } => {
            format!(
                "{t} ms: conflict on {} sent to a person (escalation #{escalation}).",
                sim.record_name(record)
            )
        }
        StepKind::Resolve { escalation, .. } => {
            format!("{t} ms: escalation #{escalation} decided; the decision is published.")
        }
        StepKind::LostUpdate { record, write } => {
            format!(
                "{t} ms: write {write} to {} was lost without anyone being told.",
                sim.record_name(record)
            )
        }
        StepKind::Crash => format!("{t} ms: {who} crashed."),
        StepKind::Restart => format!("{t} ms: {who} is back."),
        StepKind::NotAcked { event } => {
            format!("{t} ms: {event} reached {who} while it was down: not acknowledged.")
        }
        StepKind::DeadLetter { event } => {
            format!("{t} ms: {who} gave up on {event}: it is in the dead-letter queue.")
        }
        StepKind::Replay { event } => format!("{t} ms: an operator replayed {event} to {who}."),
        StepKind::Hold { event, waiting_for } => {
            format!("{t} ms: {who} holds {event} until v{waiting_for} arrives.")
        }
        StepKind::Effect { write, again: true } => {
            format!("{t} ms: {who} fired its side effect for {write} again.")
        }
        StepKind::InvalidTransition { note, .. } => {
            format!("{t} ms: refused: {}.", sim.note_text(note))
        }
        StepKind::SagaFailed { note, .. } => format!(
            "{t} ms: the saga failed ({}); compensating.",
            sim.note_text(note)
        ),
        StepKind::Skew { offset_ms } => {
            format!("{t} ms: {who}'s clock is now off by {offset_ms} ms.")
        }
        _ => return None,
    })
}

/// The indexes of every trace step about `event`, in order.
pub fn event_history(sim: &Simulation, event: EventId) -> Vec<usize> {
    sim.trace()
        .steps()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind.event() == Some(event))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Strategy, library};

    fn run(name: &str, strategy: Strategy) -> Simulation {
        let scenario = library::by_name(name).unwrap().unwrap();
        let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
        sim.run_to_end();
        sim
    }

    #[test]
    fn a_pending_escalation_explains_the_difference() {
        let sim = run("email-conflict", Strategy::HumanEscalation);
        assert_eq!(
            why_differs(&sim, 0, RecordId(0)).unwrap(),
            "conflict pending: escalation #1 waits for a person to choose"
        );
        assert_eq!(why_differs(&sim, 1, RecordId(0)), None);
    }

    #[test]
    fn a_discarded_write_is_called_a_lost_update() {
        let sim = run("lww-skew", Strategy::LastWriteWins);
        assert!(
            why_differs(&sim, 0, RecordId(0))
                .unwrap()
                .starts_with("lost update: billing's write w2 to customer-1")
        );
    }

    #[test]
    fn messages_on_their_way_make_a_copy_stale() {
        let scenario = library::by_name("partition").unwrap().unwrap();
        let mut sim =
            Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison).unwrap();
        // Run to the 600 ms command: sku-42's v3 (sent at 300 ms) and v4 (600 ms) wait for
        // the warehouse link, down until 900 ms.
        while sim.now() < 600 {
            sim.step();
        }
        let why = why_differs(&sim, 1, RecordId(0)).unwrap();
        assert_eq!(why, "stale: v4 is on its way (2 message(s) in flight)");
    }

    #[test]
    fn narration_names_repeats_and_losses() {
        let scenario = library::by_name("storm").unwrap().unwrap();
        let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison)
            .unwrap()
            .with_idempotency(false);
        sim.run_to_end();
        let lines: Vec<String> = (0..sim.trace().steps().len())
            .filter_map(|i| narrate(&sim, i))
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("again") && l.ends_with("idempotency is off.")),
            "{lines:?}"
        );
        let lww = run("email-conflict", Strategy::LastWriteWins);
        let lines: Vec<String> = (0..lww.trace().steps().len())
            .filter_map(|i| narrate(&lww, i))
            .collect();
        assert!(
            lines.contains(
                &"140 ms: write w1 to customer-1 was lost without anyone being told.".to_string()
            ),
            "{lines:?}"
        );
        assert_eq!(event_history(&lww, EventId(1)).len(), 5);
    }
}
