//! Showing the view a link describes (`sim::link`), and the link of the view on show. Only
//! `ui::share` calls these, so in the shipped bundle they come with the panels' wasm.

use std::sync::Arc;

use leptos::prelude::*;

use crate::layout::pace::DEFAULT_SPEED;
use crate::sim::library;
use crate::sim::link::{DiffWith, Opened, Picked, ViewLink};
use crate::sim::load::ExplorerLoad;

use super::playback::PANELS_FOLLOW_FROM;
use super::{Branch, CHUNK, Explorer, Selection, later};

/// How often a long run's recording is checked before the link's step is shown.
const WAIT_MS: u64 = 100;

impl Explorer {
    /// Shows the view `opened` describes: its scenario with the link's settings, its forks,
    /// its step, speed and selection, and its notices.
    pub(crate) fn show_link(&self, opened: Opened) {
        let Opened {
            view,
            embed,
            notices,
        } = opened;
        self.notices
            .set(notices.iter().map(|n| n.to_string()).collect());
        if let Some(embed) = &embed {
            self.range.set(embed.range());
        }
        self.embedded.set_value(embed);
        if let Some(custom) = &view.custom {
            self.keep_mine(custom.clone());
            self.chosen.set(custom.clone());
        } else if ExplorerLoad::named(&view.scenario).is_none() {
            match library::built_in(&view.scenario) {
                Some(scenario) => self.chosen.set(Arc::new(scenario)),
                None => return self.start_run(true), // `from_query` checked the name
            }
        }
        let settings = self.settings;
        settings.scenario.set(view.scenario.clone());
        settings.strategy.set(view.strategy);
        settings.seed_text.set(view.seed.to_string());
        settings.idempotency.set(view.idempotent);
        self.compare.set(view.compare);
        // The link's forks are a chain, branch k made by its first k changes: `run:k` is
        // branch k (`fork_as_linked`).
        self.diff_with.set(view.diff_with);
        self.start_run(false);
        self.follow_link(view, self.runs.get_value());
    }

    /// Once the run the settings describe has started (a long one is recorded in tasks of
    /// its own, so this waits for it): makes the link's forks, then shows its step.
    fn follow_link(&self, view: ViewLink, run: u64) {
        let this = *self;
        if run != self.runs.get_value() || self.error.get_untracked().is_some() {
            return; // replaced by another run, or it could not start
        }
        if self.branches.with_value(|b| b.is_empty()) {
            set_timeout(
                move || this.follow_link(view, run),
                std::time::Duration::from_millis(WAIT_MS),
            );
            return;
        }
        // The last fork made is the run the link shows (the original if it has none).
        let active = self.fork_as_linked(&view);
        for index in 1..=active {
            self.record_in_chunks(index, run);
        }
        self.active.set(active);
        self.bump_runs(false);
        // A short run is recorded to its end now, so that its trace hash can be compared.
        let complete = self
            .branches
            .try_update_value(|b| {
                let timeline = &mut b[active].timeline;
                while timeline.len() < view.step && timeline.advance(CHUNK) {}
                if timeline.len() <= PANELS_FOLLOW_FROM {
                    while timeline.advance(CHUNK) {}
                }
                timeline
                    .is_complete()
                    .then(|| timeline.full().trace().hash())
            })
            .flatten();
        self.bump();
        if let (Some(was), Some(now)) = (&view.hash, complete)
            && *was != now
        {
            self.notices.update(|n| n.push(format!(
                "This link was made from a run with trace hash {was}; the same settings and changes now play out differently (trace hash {now}), because SyncScope or its scenario \"{}\" changed since. The run is shown as it plays out now, so the step the link names may show something else.",
                view.scenario
            )));
        }
        self.go_to(view.step);
        self.set_speed(view.speed.unwrap_or(DEFAULT_SPEED));
        self.selected.set(view.selected.map(selection));
        let autoplay = self
            .embedded
            .with_value(|e| e.as_ref().is_some_and(|e| e.autoplay));
        if autoplay {
            // After the first view is drawn: playback then starts where a reader can see it.
            later(move || this.play());
        }
    }

    /// Makes the link's forks, each from the one before (the first from the original), and
    /// returns how many were made; a change that cannot be made ends them, with a notice.
    fn fork_as_linked(&self, view: &ViewLink) -> usize {
        let mut made = 0;
        for (k, (step, change)) in view.changes.iter().enumerate() {
            let label = capitalised(&change.what());
            let branched = self
                .branches
                .try_update_value(|b| {
                    let parent = &mut b[made];
                    while parent.timeline.len() < *step && parent.timeline.advance(CHUNK) {}
                    let mut changes: Vec<_> = parent.changes.clone();
                    changes.push((*step, change.clone(), label.clone()));
                    let fork = parent
                        .timeline
                        .branch(*step, change)
                        .map(|timeline| Branch {
                            timeline,
                            label: format!("{label} (step {step})"),
                            changes,
                        });
                    fork.map(|fork| b.push(fork))
                })
                .unwrap_or(Ok(()));
            if let Err(e) = branched {
                self.notices.update(|n| n.push(format!(
                    "The link's changes: change {} ({}) could not be made at step {step} ({e}), so the run is shown without it and the changes after it.",
                    k + 1,
                    change.what()
                )));
                break;
            }
            made += 1;
        }
        made
    }

    /// Adds `scenario` to "My scenarios", in place of one of the same name.
    pub(crate) fn keep_mine(&self, scenario: Arc<crate::sim::Scenario>) {
        self.mine.update(
            |mine| match mine.iter_mut().find(|s| s.name == scenario.name) {
                Some(same) => *same = scenario,
                None => mine.push(scenario),
            },
        );
    }

    /// The link of the view on show; `None` while the seed field holds no seed.
    pub(crate) fn link(&self) -> Option<ViewLink> {
        let settings = self.settings;
        let seed = crate::ui::run_view::parse_seed(&settings.seed_text.get()).ok()?;
        self.runs_changed.track();
        let active = self.active.get();
        self.revision.track();
        let diff_with = self.diff_with.get();
        let (changes, hash, diff_with) = self
            .branches
            .with_value(|b| {
                b.get(active).map(|x| {
                    let changes = x.changes.iter().map(|(s, c, _)| (*s, c.clone())).collect();
                    let timeline = &x.timeline;
                    let short = timeline.is_complete() && timeline.len() <= PANELS_FOLLOW_FROM;
                    (
                        changes,
                        short.then(|| timeline.full().trace().hash()),
                        diff_with.and_then(|d| as_linked(d, b, active)),
                    )
                })
            })
            .unwrap_or_default();
        let speed = self.speed.get();
        let scenario = settings.scenario.get();
        Some(ViewLink {
            custom: (!library::has(&scenario)).then(|| self.chosen.get()),
            scenario,
            strategy: settings.strategy.get(),
            seed,
            idempotent: settings.idempotency.get(),
            step: self.panel_task.get(),
            speed: (speed != DEFAULT_SPEED).then_some(speed),
            selected: self.selected.get().map(picked),
            changes,
            hash,
            compare: self.compare.get(),
            diff_with,
        })
    }
}

/// `with` as a link says it: a branch that the run on show was forked from (its changes
/// lead the way to the active branch's) is the run after that many of them; another
/// branch cannot be written into the link.
fn as_linked(with: DiffWith, branches: &[Branch], active: usize) -> Option<DiffWith> {
    let DiffWith::Run(k) = with else {
        return Some(with);
    };
    let (other, on_show) = (&branches.get(k)?.changes, &branches.get(active)?.changes);
    let leads = other.len() <= on_show.len()
        && other
            .iter()
            .zip(on_show)
            .all(|(a, b)| (a.0, &a.1) == (b.0, &b.1));
    leads.then_some(DiffWith::Run(other.len()))
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn selection(picked: Picked) -> Selection {
    match picked {
        Picked::Message { slot, generation } => Selection::Message(slot, generation),
        Picked::Event(n) => Selection::Event(n),
        Picked::System(n) => Selection::System(n),
        Picked::Link(n) => Selection::Link(n),
    }
}

fn picked(selection: Selection) -> Picked {
    match selection {
        Selection::Message(slot, generation) => Picked::Message { slot, generation },
        Selection::Event(n) => Picked::Event(n),
        Selection::System(n) => Picked::System(n),
        Selection::Link(n) => Picked::Link(n),
    }
}
