//! The explorer's state: the run (and its forks) being watched, the step on show, playback,
//! and what a person has selected. Components read it through context and change it only
//! through its methods.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::layout::pace::DEFAULT_SPEED;
use crate::sim::Command;
use crate::sim::timeline::Timeline;
use crate::sim::{Simulation, library};

use super::controls::RunSettings;

mod link;
mod playback;
mod runs;

pub use playback::PANEL_EVERY_MS;
pub use runs::CHUNK;

/// Runs `f` in a task of its own, after the page has had its turn.
pub(crate) fn later(f: impl FnOnce() + 'static) {
    set_timeout(f, Duration::from_millis(0));
}

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
    /// Whether the panels are due to follow a jump in a task of their own (`panels_follow`).
    panels_due: StoredValue<bool>,
    /// Counts reloads, so that the chunks of a replaced run stop.
    runs: StoredValue<u64>,
    /// The built-in scenario chosen last (the first at start-up), fetched when chosen
    /// (`ui::scenarios`).
    chosen: RwSignal<Arc<crate::sim::Scenario>>,
    /// What could not be used of the link the page was opened with, each a sentence the
    /// person can dismiss.
    pub notices: RwSignal<Vec<String>>,
    /// The steps playback and the scrubber stay in (an embed's `from` and `to`).
    range: RwSignal<(u64, u64)>,
    /// How the view is embedded in another page, if it is (`embed=1`).
    pub embedded: StoredValue<Option<crate::sim::link::Embed>>,
    /// The person's own scenarios ("My scenarios"): kept in this browser, opened from a
    /// file or pasted, or brought by a link.
    pub mine: RwSignal<Vec<Arc<crate::sim::Scenario>>>,
    /// Whether every strategy's run is shown beside the one on show (`ui::compare`).
    pub compare: RwSignal<bool>,
    /// The run the one on show is compared with (`ui::run_diff`): `Run(k)` is branch `k`.
    pub diff_with: RwSignal<Option<crate::sim::link::DiffWith>>,
}

impl Explorer {
    /// A new explorer, which starts the first built-in scenario in the next task.
    pub fn new() -> Self {
        let first = library::first();
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
            chosen: RwSignal::new(Arc::new(first)),
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
            panels_due: StoredValue::new(false),
            runs: StoredValue::new(0),
            vnow: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(DEFAULT_SPEED),
            skipped: RwSignal::new(None),
            since_skip: StoredValue::new(0.0),
            selected: RwSignal::new(None),
            error: RwSignal::new(None),
            recording: RwSignal::new(false),
            notices: RwSignal::new(Vec::new()),
            range: RwSignal::new((0, u64::MAX)),
            embedded: StoredValue::new(None),
            mine: RwSignal::new(Vec::new()),
            compare: RwSignal::new(false),
            diff_with: RwSignal::new(None),
        };
        // The first run starts in a task of its own: the task that instantiates the wasm and
        // draws the settings is long enough on a slow phone.
        let query = window().location().search().unwrap_or_default();
        if query.len() > 1 {
            later(move || explorer.open_link(query));
        } else {
            later(move || explorer.start_run(true));
        }
        explorer
    }

    /// Opens the view a link's query describes; the code that reads links comes with the
    /// panels' wasm (`ui::share`), fetched first for a page opened from a link.
    fn open_link(self, query: String) {
        leptos::task::spawn_local(async move {
            if super::share::open(self, query).await.is_err() {
                self.notices.set(vec![
                    "The link could not be read: part of SyncScope could not be downloaded, so its first scenario is shown. Reload the page to try again.".into(),
                ]);
                self.start_run(true);
            }
        });
    }

    /// The built-in scenario chosen last, if it is the one called `name` (tracks).
    pub fn chosen(&self, name: &str) -> Option<Arc<crate::sim::Scenario>> {
        let chosen = self.chosen.get();
        (chosen.name == name).then_some(chosen)
    }

    /// Makes `scenario` (a built-in or one of the person's own) the one the settings run,
    /// with its own strategy, seed and idempotency; returns what that changed of the
    /// settings, in words.
    pub fn choose(&self, scenario: Arc<crate::sim::Scenario>) -> Option<String> {
        let note = self.settings.load(&scenario);
        // The old scenario's forks are gone with it: a diff with one of them would name a
        // run the new scenario does not have. A diff with another strategy still stands.
        if matches!(
            self.diff_with.get_untracked(),
            Some(crate::sim::link::DiffWith::Run(_))
        ) {
            self.diff_with.set(None);
        }
        self.chosen.set(scenario);
        note
    }

    /// Reads the branch on show.
    pub fn with_branch<T>(&self, f: impl FnOnce(&Branch) -> T) -> Option<T> {
        let active = self.active.get_untracked();
        self.branches
            .try_with_value(|b| b.get(active).map(f))
            .flatten()
    }

    /// Reads every branch (tracks new recordings and forks).
    pub fn with_branches<T>(&self, f: impl FnOnce(&[Branch]) -> T) -> Option<T> {
        self.revision.track();
        self.branches.try_with_value(|b| f(b))
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

    /// Selects a message, a system, a link or an event (or nothing).
    pub fn select(&self, selection: Option<Selection>) {
        self.selected.set(selection);
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
        self.stop_playing();
        self.active.set(index);
        self.go_to(self.task.get_untracked());
    }
}

impl Default for Explorer {
    fn default() -> Self {
        Explorer::new()
    }
}
