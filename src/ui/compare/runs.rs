//! The compare view's runs and what it draws of them, each step in a task of its own so
//! that even the generated load compared four ways never holds the page for long: the
//! runs are made one per task and recorded a chunk per task, the summary is added up a
//! strategy per task, and after each move of the time on show the panes are drawn again
//! one per task.

use leptos::prelude::*;

use crate::sim::Strategy;
use crate::sim::compare::{Parting, Row, first_parting, held_after, row};
use crate::sim::escalation::Decision;
use crate::sim::ids::Millis;
use crate::sim::{Command, Simulation};
use crate::ui::explorer::later;
use crate::ui::run_view::{RunView, view_of};

use super::panes::{self, Basis, Pane};

/// One pane as drawn: its strategy, its run at the time on show, and what it could not do.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The strategy.
    pub strategy: Strategy,
    /// Its run at the time on show.
    pub view: RunView,
    /// A change that could not be made in it.
    pub problem: Option<String>,
    /// The systems as the compact picture draws them.
    pub picture: Vec<Drawn>,
    /// Its step at the time on show.
    pub step: u64,
    /// Its steps recorded.
    pub steps: u64,
}

/// A replica as a pane's compact picture draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// Its name.
    pub name: String,
    /// Messages in flight to it.
    pub in_flight: usize,
    /// Whether its link is partitioned.
    pub partitioned: bool,
    /// Whether it is down.
    pub down: bool,
    /// Whether a copy it holds differs from the source's.
    pub differs: bool,
}

/// The replicas of `sim`, as a pane's compact picture draws them.
fn drawn(sim: &Simulation, view: &RunView) -> Vec<Drawn> {
    let in_flight = sim.in_flight();
    sim.scenario()
        .replicas
        .iter()
        .enumerate()
        .map(|(r, spec)| Drawn {
            name: spec.name.clone(),
            in_flight: in_flight.iter().filter(|(_, m)| m.replica == r).count(),
            partitioned: sim.is_partitioned(r),
            down: sim.down_until(r).is_some(),
            differs: view.systems.iter().any(|t| {
                t.name == spec.name
                    && t.rows.iter().any(|row| {
                        row.source_version.is_some()
                            || row.fields.iter().any(|f| f.source_value.is_some())
                    })
            }),
        })
        .collect()
}

/// What the summary shows: a row per strategy, where they part, and per strategy what the
/// system that acted there holds once that moment is over.
pub type Summary = (Vec<Row>, Option<Parting>, Vec<Option<String>>);

/// The panes' runs and what the view draws of them.
#[derive(Clone, Copy)]
pub struct Runs {
    panes: StoredValue<Vec<Pane>>,
    /// Which set of panes the tasks under way work for.
    generation: StoredValue<u64>,
    /// The time the panes are to show, and the one they show.
    wanted: StoredValue<Millis>,
    drawn: StoredValue<Option<Millis>>,
    /// Whether the panes are being drawn again (a pane per task).
    drawing: StoredValue<bool>,
    /// Each pane as drawn, `None` until it is.
    pub shown: RwSignal<Vec<Option<Shown>>>,
    /// The summary, once every run is recorded.
    pub summary: RwSignal<Option<Summary>>,
    /// Steps recorded so far in all the runs, while they are recorded.
    pub recording: RwSignal<Option<u64>>,
}

impl Runs {
    /// No runs yet.
    pub fn new() -> Self {
        Runs {
            panes: StoredValue::new(Vec::new()),
            generation: StoredValue::new(0),
            wanted: StoredValue::new(0),
            drawn: StoredValue::new(None),
            drawing: StoredValue::new(false),
            shown: RwSignal::new(Vec::new()),
            summary: RwSignal::new(None),
            recording: RwSignal::new(None),
        }
    }

    /// Replaces the runs with every strategy's run of `basis`, made one per task.
    pub fn replace(self, basis: Basis) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.panes.set_value(Vec::new());
        self.summary.set(None);
        self.recording.set(Some(0));
        self.shown.set(vec![None; Strategy::ALL.len()]);
        self.make(generation, basis, 0);
    }

    fn current(self, generation: u64) -> bool {
        self.generation.try_get_value() == Some(generation)
    }

    /// Makes the run of strategy number `index`, then the next in the task after.
    fn make(self, generation: u64, basis: Basis, index: usize) {
        later(move || {
            if !self.current(generation) {
                return;
            }
            let Some(&strategy) = Strategy::ALL.get(index) else {
                return self.record(generation);
            };
            let pane = panes::one(&basis, strategy);
            self.panes.update_value(|p| p.push(pane));
            self.make(generation, basis, index + 1);
        });
    }

    /// Records the runs a chunk per task until they are whole, then sums them up.
    fn record(self, generation: u64) {
        if !self.current(generation) {
            return;
        }
        let more = self
            .panes
            .try_update_value(|p| panes::advance(p))
            .unwrap_or(false);
        if more {
            let steps = self
                .panes
                .with_value(|p| p.iter().map(|x| x.timeline.len()).sum());
            self.recording.set(Some(steps));
            later(move || self.record(generation));
        } else {
            self.recording.set(None);
            self.drawn.set_value(None);
            self.show(self.wanted.get_value());
            self.sum_up(generation, Vec::new());
        }
    }

    /// Adds up the summary's rows a strategy per task, then where the runs part.
    fn sum_up(self, generation: u64, mut rows: Vec<Row>) {
        later(move || {
            if !self.current(generation) {
                return;
            }
            let next = self
                .panes
                .with_value(|p| p.get(rows.len()).map(|x| row(x.timeline.full())));
            match next {
                Some(r) => {
                    rows.push(r);
                    self.sum_up(generation, rows);
                }
                None => {
                    let (parting, held) = self.panes.with_value(|p| {
                        let fulls: Vec<&Simulation> = p.iter().map(|x| x.timeline.full()).collect();
                        let parting = first_parting(&fulls);
                        let held = p
                            .iter()
                            .map(|x| {
                                let at = parting.as_ref()?;
                                let then = x.timeline.at(x.timeline.task_at_time(at.time));
                                held_after(x.timeline.full(), at.entry, &then)
                            })
                            .collect();
                        (parting, held)
                    });
                    self.summary.set(Some((rows, parting, held)));
                }
            }
        });
    }

    /// Draws the panes at virtual time `time`, one per task; a later time asked for while
    /// they are drawn is drawn next.
    pub fn show(self, time: Millis) {
        self.wanted.set_value(time);
        if self.drawing.get_value() || self.drawn.get_value() == Some(time) {
            return;
        }
        self.drawing.set_value(true);
        self.draw(0, time);
    }

    fn draw(self, index: usize, time: Millis) {
        later(move || {
            let Some(Some(shown)) = self.panes.try_with_value(|p| {
                p.get(index).map(|pane| {
                    let step = pane.timeline.task_at_time(time);
                    let sim = pane.timeline.at(step);
                    let view = view_of(&sim);
                    Shown {
                        strategy: pane.strategy,
                        picture: drawn(&sim, &view),
                        view,
                        problem: pane.problem.clone(),
                        step,
                        steps: pane.timeline.len(),
                    }
                })
            }) else {
                // Every pane drawn (or none made yet): draw again if the time moved on.
                let _ = self.drawing.try_set_value(false);
                let _ = self.drawn.try_set_value(Some(time));
                if self.wanted.try_get_value().is_some_and(|w| w != time) {
                    self.show(self.wanted.get_value());
                }
                return;
            };
            self.shown.update(|s| {
                if let Some(slot) = s.get_mut(index) {
                    *slot = Some(shown);
                }
            });
            self.draw(index + 1, time);
        });
    }

    /// Resolves escalation `id` with `decision` in pane `index`, at its step on show: that
    /// pane's run goes on from there with the decision (the others are not changed).
    pub fn resolve(self, index: usize, step: u64, id: u32, decision: Decision) {
        let change = Command::Resolve {
            escalation: id,
            decision,
        };
        self.panes.update_value(|p| {
            if let Some(pane) = p.get_mut(index)
                && let Err(why) = pane.change(step, &change)
            {
                pane.problem = Some(why);
            }
        });
        self.summary.set(None);
        self.recording.set(Some(0));
        self.record(self.generation.get_value());
    }
}
