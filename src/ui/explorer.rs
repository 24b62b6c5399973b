//! The explorer's state: the run (and its forks) being watched, the step on show, playback,
//! and what a person has selected. Components read it through context and change it only
//! through its methods.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::layout::pace::{DEFAULT_SPEED, SKIP_NOTE_MS, SPEEDS, advance};
use crate::sim::Command;
use crate::sim::explain::duration_words;
use crate::sim::load::ExplorerLoad;
use crate::sim::timeline::Timeline;
use crate::sim::{Scenario, Simulation, library};

use super::controls::RunSettings;

/// Tasks recorded per chunk: small enough that a chunk never blocks the page for long
/// (a few ms; on a busy two-core machine up to ten times that).
pub const CHUNK: u64 = 1000;

/// Runs `f` in a task of its own, after the page has had its turn.
pub(crate) fn later(f: impl FnOnce() + 'static) {
    set_timeout(f, Duration::from_millis(0));
}

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

/// Playback speeds: virtual milliseconds per real millisecond; `None` is "as fast as the
/// machine allows" (a snapshot's worth of steps per frame).
/// One run the person can look at: the original or a fork of it.
#[derive(Debug, Clone)]
pub struct Branch {
    /// The recorded run.
    pub timeline: Timeline,
    /// What it is ("Original", "Drop evt-3 → billing at step 12").
    pub label: String,
    /// The changes that lead from the original to this run, in order: the step each was
    /// made at, the change, and how the page words it. `timeline::replay` of the original
    /// with these changes is this run.
    pub changes: Vec<(u64, Command, String)>,
}

/// A branch as listed: its index, its label and the changes behind it.
pub type BranchLabel = (usize, String, Vec<(u64, String)>);

/// What the person has selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// A message in flight, by bus slot and generation.
    Message(u32, u32),
    /// A published event.
    Event(u64),
    /// A system (0 is the source).
    System(u16),
    /// The link to replica `n`.
    Link(usize),
}

/// The run at the step on show.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The rebuilt simulation at that step.
    pub sim: Arc<Simulation>,
    /// (revision, branch, task): two frames with the same key show the same thing.
    pub key: (u64, usize, u64),
}

impl PartialEq for Frame {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// The explorer's state, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Explorer {
    /// The run settings (scenario, strategy, seed, idempotency).
    pub settings: RunSettings,
    branches: StoredValue<Vec<Branch>>,
    /// Which branch is on show.
    active: RwSignal<usize>,
    /// Bumped whenever a branch records more or is added.
    revision: RwSignal<u64>,
    /// Bumped when the runs are replaced or a fork is added, not when a run records
    /// more: a step already recorded never changes, so the frames depend on this only.
    runs_changed: RwSignal<u64>,
    /// The same for the panels' frame, possibly a task later (see `bump_runs`).
    panel_runs: RwSignal<u64>,
    /// The step on show (tasks done).
    task: RwSignal<u64>,
    /// The virtual time on show, in ms (moves smoothly during playback).
    vnow: RwSignal<f64>,
    /// Whether playback runs.
    playing: RwSignal<bool>,
    /// Index into `SPEEDS`.
    speed: RwSignal<usize>,
    /// How much quiet virtual time playback just skipped, in words ("2 h later").
    skipped: RwSignal<Option<String>>,
    since_skip: StoredValue<f64>,
    /// What is selected.
    selected: RwSignal<Option<Selection>>,
    /// The last action's error, shown inline.
    error: RwSignal<Option<String>>,
    /// Whether a branch is still being recorded.
    recording: RwSignal<bool>,
    /// The run at the step on show, rebuilt once per change and shared by every view.
    pub frame: Memo<Option<Frame>>,
    /// The step the panels (tables, metrics, invariants) show: the same as `task`, except
    /// during playback, when it catches up at most five times a second, so that the
    /// animation is not slowed by re-drawing tables every frame.
    panel_task: RwSignal<u64>,
    /// The run at `panel_task`.
    pub panel_frame: Memo<Option<Frame>>,
    since_panels: StoredValue<f64>,
    /// Counts reloads, so that the chunks of a replaced run stop.
    runs: StoredValue<u64>,
}

/// Real milliseconds between two panel updates during playback.
pub const PANEL_EVERY_MS: f64 = 200.0;

impl Explorer {
    /// A new explorer, which starts the first built-in scenario in the next task.
    pub fn new() -> Self {
        let first = library::all()
            .into_iter()
            .next()
            .expect("at least one built-in scenario");
        let branches: StoredValue<Vec<Branch>> = StoredValue::new(Vec::new());
        let runs_changed = RwSignal::new(0u64);
        let (revision, active, task) = (
            RwSignal::new(0u64),
            RwSignal::new(0usize),
            RwSignal::new(0u64),
        );
        let panel_task = RwSignal::new(0u64);
        let panel_runs = RwSignal::new(0u64);
        let rebuild = move |task: u64, rev: u64| {
            let active = active.get();
            branches
                .try_with_value(|b| {
                    b.get(active).map(|x| Frame {
                        sim: Arc::new(x.timeline.at(task)),
                        key: (rev, active, task),
                    })
                })
                .flatten()
        };
        let frame = Memo::new(move |_| rebuild(task.get(), runs_changed.get()));
        // When the panels show the step on show (always, but during playback), they share
        // its frame instead of rebuilding the same step a second time. They follow
        // `panel_runs`, not `runs_changed`, so that a long run's first step can be drawn
        // in two tasks: the topology first, the panels next.
        let panel_frame = Memo::new(move |_| {
            let shown = panel_task.get();
            let rev = panel_runs.get();
            active.track();
            if shown == task.get_untracked() {
                frame.get_untracked()
            } else {
                rebuild(shown, rev)
            }
        });
        let explorer = Explorer {
            settings: RunSettings::new(&first),
            branches,
            active,
            revision,
            runs_changed,
            panel_runs,
            task,
            frame,
            panel_task,
            panel_frame,
            since_panels: StoredValue::new(0.0),
            runs: StoredValue::new(0),
            vnow: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(DEFAULT_SPEED),
            skipped: RwSignal::new(None),
            since_skip: StoredValue::new(0.0),
            selected: RwSignal::new(None),
            error: RwSignal::new(None),
            recording: RwSignal::new(false),
        };
        // The first run starts in a task of its own: the task that instantiates the wasm and
        // draws the settings is long enough on a slow phone.
        later(move || explorer.start_run(true));
        explorer
    }

    /// The scenario the settings name. (A link's knobs are changed by forking the run,
    /// not by editing the scenario.)
    pub fn scenario(&self) -> Result<Scenario, String> {
        let name = self.settings.scenario.get_untracked();
        if let Some(load) = ExplorerLoad::named(&name) {
            return Ok(load.scenario());
        }
        library::built_in(&name)
            .ok_or_else(|| format!("Scenario: no built-in scenario is called \"{name}\"."))
    }

    /// Starts the run the settings describe from its first step, and records it in chunks.
    pub fn reload(&self) {
        self.start_run(false);
    }

    /// Starts the run the settings describe; `first` at start-up.
    fn start_run(&self, first: bool) {
        self.playing.set(false);
        self.selected.set(None);
        self.error.set(None);
        let seed = match super::run_view::parse_seed(&self.settings.seed_text.get_untracked()) {
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
                Ok(scenario) => stage(staged, move || {
                    this.start(Arc::new(scenario), seed, run, pace)
                }),
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
    fn bump(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// Tells the views that the runs were replaced or a fork was added. With `later`, the
    /// panels hear of it in a task of their own, so that drawing a large scenario's first
    /// step is two shorter tasks.
    fn bump_runs(&self, later_for_panels: bool) {
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
    fn record_in_chunks(&self, index: usize, run: u64) {
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

    /// Reads the branch on show.
    pub fn with_branch<T>(&self, f: impl FnOnce(&Branch) -> T) -> Option<T> {
        let active = self.active.get_untracked();
        self.branches
            .try_with_value(|b| b.get(active).map(f))
            .flatten()
    }

    /// Labels of every branch, in order (tracks changes).
    pub fn branch_labels(&self) -> Vec<BranchLabel> {
        self.revision.track();
        self.branches
            .try_with_value(|b| {
                b.iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let changes = x
                            .changes
                            .iter()
                            .map(|(step, _, what)| (*step, what.clone()));
                        (i, x.label.clone(), changes.collect())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The run at the step on show (tracks the step, the branch and new recordings).
    pub fn frame(&self) -> Option<Frame> {
        self.frame.get()
    }

    /// Steps recorded in the branch on show (tracks).
    pub fn steps_recorded(&self) -> u64 {
        self.revision.track();
        self.active.track();
        self.with_branch(|b| b.timeline.len()).unwrap_or(0)
    }

    /// Shows step `task` (clamped), with its virtual time.
    pub fn go_to(&self, task: u64) {
        let Some((task, time)) = self.with_branch(|b| {
            let t = task.min(b.timeline.len());
            (t, b.timeline.time_at(t))
        }) else {
            return;
        };
        self.task.set(task);
        self.panel_task.set(task);
        self.vnow.set(time as f64);
        self.skipped.set(None);
    }

    /// Shows the last step done at or before virtual time `time`.
    pub fn go_to_time(&self, time: u64) {
        if let Some(task) = self.with_branch(|b| b.timeline.task_at_time(time)) {
            self.go_to(task);
        }
    }

    /// Which branch is on show.
    pub fn active(&self) -> usize {
        self.active.get()
    }

    /// Bumped whenever a branch records more or is added.
    pub fn revision(&self) -> u64 {
        self.revision.get()
    }

    /// The step on show (tasks done).
    pub fn task(&self) -> u64 {
        self.task.get()
    }

    /// The virtual time on show, in ms (moves smoothly during playback).
    pub fn vnow(&self) -> f64 {
        self.vnow.get()
    }

    /// Whether playback runs.
    pub fn playing(&self) -> bool {
        self.playing.get()
    }

    /// Index into `SPEEDS`.
    pub fn speed(&self) -> usize {
        self.speed.get()
    }

    /// How much quiet virtual time playback just skipped, in words ("2 h later").
    pub fn skipped(&self) -> Option<String> {
        self.skipped.get()
    }

    /// What is selected.
    pub fn selected(&self) -> Option<Selection> {
        self.selected.get()
    }

    /// The last action's error, shown inline.
    pub fn error(&self) -> Option<String> {
        self.error.get()
    }

    /// Whether a branch is still being recorded.
    pub fn recording(&self) -> bool {
        self.recording.get()
    }

    /// The step the panels (tables, metrics, invariants) show: the same as `task`, except
    /// during playback, when it catches up at most five times a second, so that the
    /// animation is not slowed by re-drawing tables every frame.
    pub fn panel_task(&self) -> u64 {
        self.panel_task.get()
    }

    /// Starts playback from the step on show.
    pub fn play(&self) {
        self.playing.set(true);
    }

    /// Selects a message, a system, a link or an event (or nothing).
    pub fn select(&self, selection: Option<Selection>) {
        self.selected.set(selection);
    }

    /// Sets the playback speed to `SPEEDS[index]` (the fastest for an index past the end).
    pub fn set_speed(&self, index: usize) {
        self.speed.set(index.min(SPEEDS.len() - 1));
    }

    /// Stops playback and brings the panels up to the step on show.
    pub fn pause(&self) {
        self.playing.set(false);
        self.panel_task.set(self.task.get_untracked());
    }

    /// One step forward.
    pub fn step_forward(&self) {
        self.playing.set(false);
        self.go_to(self.task.get_untracked() + 1);
    }

    /// One step back.
    pub fn step_back(&self) {
        self.playing.set(false);
        self.go_to(self.task.get_untracked().saturating_sub(1));
    }

    /// Moves playback on by `delta_ms` of real time.
    pub fn tick(&self, delta_ms: f64) {
        let speed = SPEEDS[self.speed.get_untracked()].1;
        let task = self.task.get_untracked();
        let done = self.with_branch(|b| {
            let tl = &b.timeline;
            let end = tl.time_at(tl.len()) as f64;
            let (next_task, next_time, skip) = match speed {
                Some(factor) => {
                    // A long quiet stretch (a saga's two hours, a late script step) is
                    // skipped, keeping a short lead before the next step, and said.
                    let next_step = tl.time_at((task + 1).min(tl.len())) as f64;
                    let (v, skipped) =
                        advance(self.vnow.get_untracked(), delta_ms, factor, next_step, end);
                    let skip = skipped.map(|ms| duration_words(ms.round() as u64));
                    (tl.task_at_time(v as u64).max(task.min(tl.len())), v, skip)
                }
                None => {
                    let t = (task + crate::sim::timeline::SNAPSHOT_EVERY).min(tl.len());
                    (t, tl.time_at(t) as f64, None)
                }
            };
            (
                next_task,
                next_time,
                next_task >= tl.len() && tl.is_complete() && next_time >= end,
                skip,
            )
        });
        if let Some((next_task, next_time, finished, skip)) = done {
            if let Some(words) = skip {
                self.skipped.set(Some(format!("{words} later")));
                self.since_skip.set_value(0.0);
            } else if self.skipped.get_untracked().is_some() {
                let since = self.since_skip.get_value() + delta_ms;
                self.since_skip.set_value(since);
                if since > SKIP_NOTE_MS {
                    self.skipped.set(None);
                }
            }
            self.vnow.set(next_time);
            if next_task != task {
                self.task.set(next_task);
            }
            let since = self.since_panels.get_value() + delta_ms;
            if since >= PANEL_EVERY_MS || finished {
                self.since_panels.set_value(0.0);
                self.panel_task.set(next_task);
            } else {
                self.since_panels.set_value(since);
            }
            if finished {
                self.playing.set(false);
            }
        }
    }

    /// Forks the run on show at the current step with `change`, and shows the fork.
    pub fn intervene(&self, change: Command, label: String) {
        self.pause();
        let task = self.task.get_untracked();
        let branched = self.with_branch(|b| {
            b.timeline.branch(task, &change).map(|timeline| {
                // A fork made before one of this run's own changes starts from the shared
                // past, without that change.
                let mut changes: Vec<_> = b
                    .changes
                    .iter()
                    .filter(|(step, _, _)| *step <= task)
                    .cloned()
                    .collect();
                changes.push((task, change.clone(), label.clone()));
                Branch {
                    timeline,
                    label: format!("{label} (step {task})"),
                    changes,
                }
            })
        });
        match branched {
            Some(Ok(branch)) => {
                self.error.set(None);
                let index = self.branches.try_update_value(|b| {
                    b.push(branch);
                    b.len() - 1
                });
                if let Some(index) = index {
                    self.active.set(index);
                    self.bump_runs(false);
                    self.record_in_chunks(index, self.runs.get_value());
                }
            }
            Some(Err(e)) => self.error.set(Some(format!("Refused: {e}."))),
            None => {}
        }
    }

    /// Shows branch `index` at the same step (clamped).
    pub fn show_branch(&self, index: usize) {
        self.playing.set(false);
        self.active.set(index);
        self.go_to(self.task.get_untracked());
    }
}

impl Default for Explorer {
    fn default() -> Self {
        Explorer::new()
    }
}
