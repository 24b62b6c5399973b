//! Words for what the engine did: why a replica's copy differs from the source, and a
//! sentence for each notable step. The explorer shows these; it does not work them out.

use super::ids::{EventId, Millis, RecordId, SystemId, WriteId};
use super::invariants::LostWrite;
use super::record::describe;
use super::resolver::StaleReason;
use super::simulation::Simulation;
use super::trace::StepKind;

mod narrate;

pub use narrate::narrate;

/// `n` with a comma between thousands: 10,200. Step counts and sizes are shown this way.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A stretch of virtual time in words a person reads at a glance: "40 ms", "1.5 s",
/// "2 min", "2 h", "3 days" (one decimal at most).
pub fn duration_words(ms: Millis) -> String {
    let (value, unit) = match ms {
        0..1_000 => return format!("{ms} ms"),
        1_000..60_000 => (ms as f64 / 1_000.0, "s"),
        60_000..3_600_000 => (ms as f64 / 60_000.0, "min"),
        3_600_000..86_400_000 => (ms as f64 / 3_600_000.0, "h"),
        _ => (ms as f64 / 86_400_000.0, "days"),
    };
    let tenths = libm::round(value * 10.0) / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} {unit}")
    } else {
        format!("{tenths:.1} {unit}")
    }
}

/// How far a system's clock was off when it stamped `stamp` at virtual time `at`, in words:
/// "billing's clock runs 500 ms behind".
fn clock_words(who: &str, at: Millis, stamp: Millis) -> String {
    let off = at.abs_diff(stamp);
    match at.cmp(&stamp) {
        std::cmp::Ordering::Equal => format!("{who}'s clock is right"),
        std::cmp::Ordering::Greater => format!("{who}'s clock runs {off} ms behind"),
        std::cmp::Ordering::Less => format!("{who}'s clock runs {off} ms ahead"),
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
    if sim.lost_to(local.write).is_some() {
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
            "{} has not been confirmed by {source_name} yet",
            write_short(sim, local.write)
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

/// Who made `write` and what it changed, in a few words: "billing's write of email, w2".
pub fn write_short(sim: &Simulation, write: WriteId) -> String {
    if write == WriteId::INITIAL {
        return "the initial content".into();
    }
    let index = write.0 as usize - 1;
    let w = &sim.writes()[index];
    // What it changed: the fields that differ from the version its writer started from
    // (another system's write since then is not its change), all of them if none does.
    let initial = &sim.scenario().records[w.record.0 as usize].fields;
    let before = sim
        .values_at(w.record, w.base_version)
        .map_or(initial, |f| &**f);
    let fields: Vec<&str> = w
        .fields
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    let what = match fields.as_slice() {
        [] => "the same values".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!(
        "{}'s write of {what}, {write}",
        sim.scenario().system_name(w.system)
    )
}

/// An event in a few words: "evt-3 (order-7 v4)".
pub fn event_short(sim: &Simulation, event: EventId) -> String {
    match sim.events().get((event.0 as usize).wrapping_sub(1)) {
        Some(e) => format!(
            "{event} ({} v{})",
            sim.record_name(e.record),
            e.state.version
        ),
        None => event.to_string(),
    }
}

/// The indexes of every trace step about `event`, in order.
pub fn event_history(sim: &Simulation, event: EventId) -> Vec<usize> {
    sim.trace()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind.event() == Some(event))
        .map(|(i, _)| i)
        .collect()
}

/// Why a quiet run has not converged: `copies` copies still differ, the first of them
/// replica `r`'s copy of record `record`; and the escalations that wait for a person.
pub fn divergence(sim: &Simulation, copies: usize, r: usize, record: usize) -> String {
    let local = &sim.replica_records(r)[record];
    let source = &sim.source_records()[record];
    let pending = sim
        .escalations()
        .iter()
        .filter(|e| e.decision.is_none())
        .count();
    let why = if pending > 0 {
        format!(" {pending} escalation(s) wait for a decision.")
    } else {
        String::new()
    };
    let scenario = sim.scenario();
    format!(
        "After the bus went quiet, {copies} record {} from the source of truth: {} holds {} v{} ({}) but {} holds v{} ({}).{why}",
        if copies == 1 {
            "copy still differs"
        } else {
            "copies still differ"
        },
        scenario.replicas[r].name,
        scenario.records[record].id,
        local.version,
        describe(&local.fields),
        scenario.source,
        source.version,
        describe(&source.fields),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Strategy, library};

    fn run(name: &str, strategy: Strategy) -> Simulation {
        let scenario = library::by_name(name).unwrap();
        let mut sim = Simulation::new(&scenario, scenario.seed, strategy).unwrap();
        sim.run_to_end();
        sim
    }

    #[test]
    fn a_poison_says_when_it_is_fixed() {
        let sim = run("poison-dlq", Strategy::VersionComparison);
        assert_eq!(
            narrate(&sim, 0),
            "0 ms: billing's consumer starts failing on every event about order-7 (a bug), until a fix is deployed at 5000 ms."
        );
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(10_200), "10,200");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration_words(40), "40 ms");
        assert_eq!(duration_words(1_500), "1.5 s");
        assert_eq!(duration_words(2_000), "2 s");
        assert_eq!(duration_words(150_000), "2.5 min");
        assert_eq!(duration_words(7_199_990), "2 h");
        assert_eq!(duration_words(3 * 86_400_000), "3 days");
        assert_eq!(duration_words(u64::MAX), "213503982334.6 days");
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
        let scenario = library::by_name("partition").unwrap();
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
        let scenario = library::by_name("storm").unwrap();
        let mut sim = Simulation::new(&scenario, scenario.seed, Strategy::VersionComparison)
            .unwrap()
            .with_idempotency(false);
        sim.run_to_end();
        let lines: Vec<String> = (0..sim.trace().len()).map(|i| narrate(&sim, i)).collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("again") && l.ends_with("idempotency is off.")),
            "{lines:?}"
        );
        let lww = run("email-conflict", Strategy::LastWriteWins);
        let lines: Vec<String> = (0..lww.trace().len()).map(|i| narrate(&lww, i)).collect();
        assert!(
            lines.contains(
                &"140 ms: crm's write of email, w1 was lost without anyone being told: billing's write of email, w2 won under last-write-wins."
                    .to_string()
            ),
            "{lines:?}"
        );
        assert_eq!(event_history(&lww, EventId(1)).len(), 5);
    }
}
