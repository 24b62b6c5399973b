//! What the picture shows at the step on show, read once per step from the run: names,
//! messages in flight, queue depths, each replica's condition and activity, and the last
//! thing that happened.

use leptos::prelude::*;

use crate::layout::topology::{Topology, topology};
use crate::sim::explain::grouped;

use super::super::explorer::Frame;
use super::super::message_canvas::Dot;

/// How a replica is, apart from its queue: down until, link partitioned, clock offset.
/// It changes rarely, queue depths every frame, so the two are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct Condition {
    /// When it restarts, if it is down.
    pub down: Option<u64>,
    /// Whether its link is partitioned.
    pub partitioned: bool,
    /// Its clock's offset, in ms.
    pub offset: i64,
}

/// The picture's data, each part a memo of its own so that a step redraws only what changed.
#[derive(Clone, Copy)]
pub(super) struct Picture {
    /// The source's name and the replicas' names.
    pub names: Memo<Option<(String, Vec<String>)>>,
    /// The records' names, by id.
    pub record_names: Memo<Vec<String>>,
    /// The replicas, by index and name.
    pub replica_names: Memo<Vec<(usize, String)>>,
    /// Where everything is drawn.
    pub layout: Memo<Topology>,
    /// Every message and request in flight.
    pub dots: Memo<Vec<Dot>>,
    /// Messages on the way to each replica.
    pub depths: Memo<Vec<usize>>,
    /// Each replica's condition.
    pub conditions: Memo<Vec<Condition>>,
    /// What each replica holds back, gave up on and fired, in words.
    pub activities: Memo<Vec<String>>,
    /// The last step's actor and its sentence.
    pub last: Memo<Option<(u16, String)>>,
}

impl Picture {
    /// The picture of the run in `frame`.
    pub fn of(frame: Memo<Option<Frame>>) -> Picture {
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
        let record_names = Memo::new(move |_| {
            frame
                .get()
                .map(|f| {
                    f.sim
                        .scenario()
                        .records
                        .iter()
                        .map(|r| r.id.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        let replica_names = Memo::new(move |_| {
            names
                .get()
                .map(|n| n.1.into_iter().enumerate().collect::<Vec<_>>())
                .unwrap_or_default()
        });
        // A phone gets the narrow drawing, whose names stay readable when it is scaled down.
        // An embed keeps the wide one: its frame has a fixed height, and the narrow drawing
        // is taller for its width (the embed sizes are checked to fit without scrolling).
        let narrow = leptos_use::use_media_query("(max-width: 40rem)");
        let embedded = expect_context::<super::super::explorer::Explorer>().embedded;
        let layout = Memo::new(move |_| {
            let narrow = narrow.get() && embedded.with_value(Option::is_none);
            topology(names.get().map_or(1, |n| n.1.len()), narrow)
        });
        let dots = dots_of(frame);
        // What changes step by step. The systems are keyed by name and only these details
        // update, so the DOM is not rebuilt every frame. Depths are counted from the dots
        // already listed rather than from a second copy of the bus.
        let depths = Memo::new(move |_| {
            let mut depths = vec![0usize; names.with(|n| n.as_ref().map_or(0, |n| n.1.len()))];
            dots.with(|dots| {
                for d in dots.iter().filter(|d| d.on_bus()) {
                    if let Some(n) = depths.get_mut(d.replica) {
                        *n += 1;
                    }
                }
            });
            depths
        });
        let conditions = conditions_of(frame);
        let activities = activities_of(frame);
        // The last thing that happened: its system is ringed and its sentence is the caption.
        let last = Memo::new(move |_| {
            frame.get().and_then(|f| {
                let n = f.sim.trace().len();
                (n > 0).then(|| {
                    (
                        f.sim.trace().step(n - 1).actor.0,
                        crate::sim::explain::narrate(&f.sim, n - 1),
                    )
                })
            })
        });
        Picture {
            names,
            record_names,
            replica_names,
            layout,
            dots,
            depths,
            conditions,
            activities,
            last,
        }
    }
}

/// Item `i` of `list` (its default past the end). The parts read the picture's memos
/// through this and `acted`, field by field: a closure that called a method of `Picture`
/// would carry all of it, and the first download has no room for that.
pub(super) fn nth<T: Clone + Default + Send + Sync + 'static>(list: Memo<Vec<T>>, i: usize) -> T {
    list.with(|l| l.get(i).cloned().unwrap_or_default())
}

/// Whether `system` did the last thing that happened.
pub(super) fn acted(last: Memo<Option<(u16, String)>>, system: u16) -> bool {
    last.with(|l| l.as_ref().is_some_and(|(a, _)| *a == system))
}

/// Every message and request in flight in `frame`'s run.
fn dots_of(frame: Memo<Option<Frame>>) -> Memo<Vec<Dot>> {
    Memo::new(move |_| {
        frame
            .get()
            .map(|f| {
                let sim = &f.sim;
                let version = |e: crate::sim::EventId| {
                    sim.events()
                        .get(e.0 as usize - 1)
                        .map_or(0, |p| p.state.version)
                };
                sim.in_flight()
                    .iter()
                    .map(|(slot, m)| Dot::new(*slot, m, version(m.event)))
                    .chain(sim.requests_in_flight().iter().map(Dot::request))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    })
}

/// Each replica's condition in `frame`'s run.
fn conditions_of(frame: Memo<Option<Frame>>) -> Memo<Vec<Condition>> {
    Memo::new(move |_| {
        let Some(f) = frame.get() else {
            return Vec::new();
        };
        let sim = &f.sim;
        (0..sim.scenario().replicas.len())
            .map(|i| Condition {
                down: sim.down_until(i),
                partitioned: sim.is_partitioned(i),
                offset: sim.clock(crate::sim::SystemId::replica(i)).offset_ms,
            })
            .collect::<Vec<_>>()
    })
}

/// What each replica holds back, gave up on and fired in `frame`'s run, in words under its box.
fn activities_of(frame: Memo<Option<Frame>>) -> Memo<Vec<String>> {
    Memo::new(move |_| {
        let Some(f) = frame.get() else {
            return Vec::new();
        };
        let sim = &f.sim;
        sim.scenario()
            .replicas
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let a = sim.activity(i);
                let mut parts = Vec::new();
                if a.held > 0 {
                    parts.push(format!("{} held back", grouped(a.held as u64)));
                }
                if a.dead_letters > 0 {
                    parts.push(format!("{} dead-lettered", grouped(a.dead_letters as u64)));
                }
                if let Some(effect) = &spec.effect
                    && a.effects > 0
                {
                    parts.push(format!("{} ×{}", effect.name, grouped(a.effects)));
                }
                parts.join(" · ")
            })
            .collect::<Vec<_>>()
    })
}
