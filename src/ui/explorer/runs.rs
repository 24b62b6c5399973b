//! Starting a run and recording it: a short run at once, a long one (the generated loads)
//! in stages and chunks, each a task of its own, so that the page keeps answering.

use std::sync::Arc;

use leptos::prelude::*;

use crate::sim::load::ExplorerLoad;
use crate::sim::timeline::Timeline;
use crate::sim::{Scenario, Simulation};

use super::{Branch, Explorer, later};

/// Tasks recorded per chunk: small enough that a chunk never blocks the page for long
/// (a few ms; on a busy two-core machine up to ten times that).
pub const CHUNK: u64 = 1000;

/// How starting a run spreads its work over tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// A short run: started and recorded in the task that asked for it.
    Now,
    /// The first run at start-up: started at once, recorded in the tasks after, so that the
    /// page's first draw comes first.
    RecordLater,
    /// A long run: generated, checked, drawn and recorded in tasks of their own.
    Staged,
}

/// Runs a stage of starting a run: in a task of its own if `apart`, else now.
fn stage(apart: bool, f: impl FnOnce() + 'static) {
    if apart { later(f) } else { f() }
}

impl Explorer {
    /// The scenario the settings name. (A link's knobs are changed by forking the run,
    /// not by editing the scenario.)
    pub fn scenario(&self) -> Result<Arc<Scenario>, String> {
        let name = self.settings.scenario.get_untracked();
        if let Some(load) = ExplorerLoad::named(&name) {
            return Ok(Arc::new(load.scenario()));
        }
        untrack(|| self.chosen(&name))
            .ok_or_else(|| format!("Scenario: no built-in scenario is called \"{name}\"."))
    }

    /// Starts the run the settings describe from its first step, and records it in chunks.
    pub fn reload(&self) {
        self.start_run(false);
    }

    /// Starts the run the settings describe; `first` at start-up.
    pub(super) fn start_run(&self, first: bool) {
        self.stop_playing();
        self.selected.set(None);
        self.error.set(None);
        let seed = match crate::ui::run_view::parse_seed(&self.settings.seed_text.get_untracked()) {
            Ok(seed) => seed,
            Err(_) => return, // the seed field shows its own message and keeps the last run
        };
        let run = self.runs.get_value() + 1;
        self.runs.set_value(run);
        // A long run is generated, checked, drawn and recorded in separate tasks, each
        // short, so the page answers at once; a short one is started right here.
        let pace = if ExplorerLoad::named(&self.settings.scenario.get_untracked()).is_some() {
            Pace::Staged
        } else if first {
            Pace::RecordLater
        } else {
            Pace::Now
        };
        let staged = pace == Pace::Staged;
        if staged {
            // The last run is taken down first: removing its views and drawing the new
            // run's in one task would be a long one.
            self.recording.set(true);
            self.branches.set_value(Vec::new());
            self.bump_runs(false);
        }
        let this = *self;
        stage(staged, move || {
            if run != this.runs.get_value() {
                return; // a newer reload replaced this one
            }
            match this.scenario() {
                Ok(scenario) => stage(staged, move || this.start(scenario, seed, run, pace)),
                Err(e) => this.fail(e),
            }
        });
    }

    /// Prepares the run of `scenario` (a built-in or the generated load, both valid), then
    /// shows it.
    fn start(&self, scenario: Arc<Scenario>, seed: u64, run: u64, pace: Pace) {
        if run != self.runs.get_value() {
            return;
        }
        let sim = Simulation::from_checked(scenario, seed, self.settings.strategy.get_untracked())
            .with_idempotency(self.settings.idempotency.get_untracked());
        let this = *self;
        stage(pace == Pace::Staged, move || this.show(sim, run, pace));
    }

    /// Shows the first step of `sim`, then records it.
    fn show(&self, sim: Simulation, run: u64, pace: Pace) {
        if run != self.runs.get_value() {
            return;
        }
        let original = Branch {
            timeline: Timeline::new(sim),
            label: "Original".into(),
            changes: Vec::new(),
        };
        self.branches.set_value(vec![original]);
        self.active.set(0);
        self.task.set(0);
        self.panel_task.set(0);
        self.vnow.set(0.0);
        self.bump_runs(pace == Pace::Staged);
        let this = *self;
        stage(pace != Pace::Now, move || this.record_in_chunks(0, run));
    }

    /// Ends a reload that could not start: the message is shown inline.
    fn fail(&self, message: String) {
        self.recording.set(false);
        self.error.set(Some(message));
    }

    /// Tells the views that a run recorded more.
    pub(super) fn bump(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// Tells the views that the runs were replaced or a fork was added. With `later`, the
    /// panels hear of it in a task of their own, so that drawing a large scenario's first
    /// step is two shorter tasks.
    pub(super) fn bump_runs(&self, later_for_panels: bool) {
        self.runs_changed.update(|r| *r += 1);
        self.bump();
        let panels = self.panel_runs;
        if later_for_panels {
            later(move || {
                let _ = panels.try_update(|r| *r += 1);
            });
        } else {
            panels.update(|r| *r += 1);
        }
    }

    /// Records branch `index` of run `run` a chunk at a time, yielding to the page between
    /// chunks.
    pub(super) fn record_in_chunks(&self, index: usize, run: u64) {
        if run != self.runs.get_value() {
            return;
        }
        let more = self
            .branches
            .try_update_value(|b| b.get_mut(index).map(|b| b.timeline.advance(CHUNK)))
            .flatten();
        self.bump();
        match more {
            Some(true) => {
                self.recording.set(true);
                let this = *self;
                later(move || this.record_in_chunks(index, run));
            }
            _ => self.recording.set(false),
        }
    }
}
