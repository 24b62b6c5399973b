//! How long replicas serve stale reads. For every commit at the source and every replica:
//! when the replica came to hold that version of the record (or a newer one) for good, and
//! whether a read there some time after the commit would have returned it. The second is
//! the curve that probabilistically bounded staleness (PBS) made famous: the chance that a
//! read returns the latest write, against the time since that write.
//!
//! A replica's own local write does not count as holding a commit: only versions the
//! source committed and the replica applied do. A replica that applies an older version
//! after a newer one (apply on arrival) serves stale reads again from then on.

use serde::{Deserialize, Serialize};

use super::ids::{Millis, SystemId};
use super::simulation::Simulation;
use super::trace::StepKind;

/// The times after a commit at which the curve asks whether a read is fresh, in ms: from
/// at once to an hour, roughly evenly on a logarithmic scale.
pub const OFFSETS_MS: [Millis; 16] = [
    0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 60_000, 3_600_000,
];

/// What one run says about stale reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staleness {
    /// (commit, replica) pairs: every commit at the source, once per replica.
    pub pairs: u64,
    /// `fresh[k]`: the pairs where a read at the replica `OFFSETS_MS[k]` after the commit
    /// returns that commit's version or a newer one.
    pub fresh: Vec<u64>,
    /// The longest consistency window among the commits every replica came to hold: the
    /// time from the commit until the last replica held it (or newer) for good. `None`
    /// when no commit got that far.
    pub longest_window_ms: Option<Millis>,
    /// Commits that some replica did not hold (nor anything newer) at the end.
    pub never_consistent: u64,
}

/// One replica's copy of one record over time: (time, version applied), in time order.
type Held = Vec<(Millis, u64)>;

/// Reads `sim`'s trace (run to its end, or as far as it got) for its stale reads.
pub fn staleness(sim: &Simulation) -> Staleness {
    let records = sim.scenario().records.len();
    let replicas = sim.scenario().replicas.len();
    let mut held: Vec<Held> = vec![Vec::new(); records * replicas];
    let mut commits = Vec::new();
    for step in sim.trace().iter() {
        match step.kind {
            StepKind::Commit {
                record, version, ..
            } if step.actor == SystemId::SOURCE => commits.push((step.time, record, version)),
            // A merged copy holds the event's change too (and the replica's own).
            StepKind::Apply { event, version, .. } | StepKind::MergeIn { event, version } => {
                if let (Some(r), Some(e)) = (
                    step.actor.replica_index(),
                    sim.events().get(event.0 as usize - 1),
                ) {
                    held[r * records + e.record.0 as usize].push((step.time, version));
                }
            }
            _ => {}
        }
    }
    // The lowest version each copy holds from each change on: a copy holds a version for
    // good from the first change whose suffix minimum reaches it.
    let floors: Vec<Vec<u64>> = held.iter().map(suffix_min).collect();
    let mut out = Staleness {
        pairs: 0,
        fresh: vec![0; OFFSETS_MS.len()],
        longest_window_ms: None,
        never_consistent: 0,
    };
    for &(at, record, version) in &commits {
        let mut window = Some(0);
        for r in 0..replicas {
            let copy = r * records + record.0 as usize;
            let (changes, floor) = (&held[copy], &floors[copy]);
            out.pairs += 1;
            for (k, offset) in OFFSETS_MS.iter().enumerate() {
                let seen = changes.partition_point(|&(t, _)| t <= at.saturating_add(*offset));
                if seen > 0 && changes[seen - 1].1 >= version {
                    out.fresh[k] += 1;
                }
            }
            let from = floor.partition_point(|&lowest| lowest < version);
            window = match (window, changes.get(from)) {
                (Some(w), Some(&(t, _))) => Some(w.max(t.saturating_sub(at))),
                _ => None,
            };
        }
        match window {
            Some(w) => out.longest_window_ms = Some(out.longest_window_ms.map_or(w, |l| l.max(w))),
            None => out.never_consistent += 1,
        }
    }
    out
}

/// `out[i]` is the lowest version among `held[i..]`.
fn suffix_min(held: &Held) -> Vec<u64> {
    let mut out = vec![0; held.len()];
    let mut lowest = u64::MAX;
    for (i, &(_, v)) in held.iter().enumerate().rev() {
        lowest = lowest.min(v);
        out[i] = lowest;
    }
    out
}

/// The chance that a read `OFFSETS_MS[k]` after a commit is fresh, for every `k`, over
/// any number of runs' `Staleness`; empty when they hold no pair.
pub fn curve<'a>(runs: impl IntoIterator<Item = &'a Staleness>) -> Vec<f64> {
    let mut pairs = 0;
    let mut fresh = vec![0u64; OFFSETS_MS.len()];
    for s in runs {
        pairs += s.pairs;
        for (total, f) in fresh.iter_mut().zip(&s.fresh) {
            *total += f;
        }
    }
    if pairs == 0 {
        return Vec::new();
    }
    fresh.iter().map(|&f| f as f64 / pairs as f64).collect()
}
