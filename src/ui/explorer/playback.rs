//! Playback: the step on show, moving it by hand or in time with the clock, and the
//! panels' slower pace while playing.

use leptos::prelude::*;

use crate::layout::pace::{SKIP_NOTE_MS, SPEEDS, advance};
use crate::sim::explain::duration_words;

use super::Explorer;

/// Real milliseconds between two panel updates during playback.
pub const PANEL_EVERY_MS: f64 = 200.0;

/// Runs longer than this many steps bring their panels to a step they jump to in a task
/// after the one that moves the picture and the step label: the tables' rows are most of
/// such a jump's work, and one task for both took 40-90 ms in the 1,000,000-step run.
/// Shorter runs (every built-in scenario) show the step everywhere at once.
pub const PANELS_FOLLOW_FROM: u64 = 10_000;

impl Explorer {
    /// Shows step `task` (clamped), with its virtual time.
    pub fn go_to(&self, task: u64) {
        let (from, to) = self.range.get_untracked();
        let Some((task, time, long)) = self.with_branch(|b| {
            let t = task.clamp(from, to).min(b.timeline.len());
            (
                t,
                b.timeline.time_at(t),
                b.timeline.len() > PANELS_FOLLOW_FROM,
            )
        }) else {
            return;
        };
        self.task.set(task);
        if long {
            self.panels_follow();
        } else {
            self.panel_task.set(task);
        }
        self.vnow.set(time as f64);
        self.skipped.set(None);
    }

    /// Brings the panels to the step on show in the next task, once however many jumps
    /// come before it.
    fn panels_follow(&self) {
        if self.panels_due.get_value() {
            return;
        }
        self.panels_due.set_value(true);
        let explorer = *self;
        super::later(move || {
            if explorer
                .panels_due
                .try_update_value(|due| *due = false)
                .is_some()
            {
                explorer.panel_task.set(explorer.task.get_untracked());
            }
        });
    }

    /// Shows the last step done at or before virtual time `time`.
    pub fn go_to_time(&self, time: u64) {
        if let Some(task) = self.with_branch(|b| b.timeline.task_at_time(time)) {
            self.go_to(task);
        }
    }

    /// Starts playback from the step on show (from the first step it may show, if it is at
    /// the last).
    pub fn play(&self) {
        let (from, to) = self.range.get_untracked();
        let len = self.with_branch(|b| b.timeline.len()).unwrap_or(0);
        if self.task.get_untracked() >= to.min(len) {
            self.go_to(from); // play again from the start
        }
        self.playing.set(true);
    }

    /// The steps playback and the scrubber stay in: the first and the last (tracks).
    pub fn range(&self) -> (u64, u64) {
        self.range.get()
    }

    /// Sets the playback speed to `SPEEDS[index]` (the fastest for an index past the end).
    pub fn set_speed(&self, index: usize) {
        self.speed.set(index.min(SPEEDS.len() - 1));
    }

    /// Stops playback, telling the views only if it was playing (a signal set to the value
    /// it has still notifies, and every message button would be redrawn).
    pub(super) fn stop_playing(&self) {
        self.playing.maybe_update(|p| std::mem::replace(p, false));
    }

    /// Stops playback and brings the panels up to the step on show.
    pub fn pause(&self) {
        self.stop_playing();
        // Only if they lag: setting a signal notifies even when its value stays, and the
        // panels would rebuild the step they already show.
        let task = self.task.get_untracked();
        if self.panel_task.get_untracked() != task {
            self.panel_task.set(task);
        }
    }

    /// One step forward.
    pub fn step_forward(&self) {
        self.stop_playing();
        self.go_to(self.task.get_untracked() + 1);
    }

    /// One step back.
    pub fn step_back(&self) {
        self.stop_playing();
        self.go_to(self.task.get_untracked().saturating_sub(1));
    }

    /// Moves playback on by `delta_ms` of real time.
    pub fn tick(&self, delta_ms: f64) {
        let speed = SPEEDS[self.speed.get_untracked()].1;
        let task = self.task.get_untracked();
        let last = self.range.get_untracked().1;
        let done = self.with_branch(|b| {
            let tl = &b.timeline;
            // Playback stops at the run's end, or at the end of the steps it stays in.
            let limit = last.min(tl.len());
            let over = limit < tl.len() || tl.is_complete();
            let end = tl.time_at(limit) as f64;
            let (next_task, next_time, skip) = match speed {
                Some(factor) => {
                    // A long quiet stretch (a saga's two hours, a late script step) is
                    // skipped, keeping a short lead before the next step, and said.
                    let next_step = tl.time_at((task + 1).min(limit)) as f64;
                    let (v, skipped) =
                        advance(self.vnow.get_untracked(), delta_ms, factor, next_step, end);
                    let skip = skipped.map(|ms| duration_words(ms.round() as u64));
                    let next = tl.task_at_time(v as u64).max(task.min(limit)).min(limit);
                    (next, v.min(end), skip)
                }
                None => {
                    let t = (task + crate::sim::timeline::SNAPSHOT_EVERY).min(limit);
                    (t, tl.time_at(t) as f64, None)
                }
            };
            (
                next_task,
                next_time,
                next_task >= limit && over && next_time >= end,
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
}
