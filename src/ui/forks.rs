//! The runs a person has made: the original and every fork, one click apart, each with the
//! changes that lead to it (so it can be reproduced), drawn as a tree on one timeline: each
//! fork a branch that leaves its parent at the step where it was made.

use leptos::prelude::*;

use super::explorer::Explorer;
use super::keyed::{key, keyed, row};

/// One run on the timeline: which branch, the one it left, the step it left it at, and
/// how many steps it has.
#[derive(Debug, Clone, PartialEq)]
struct Limb {
    index: usize,
    parent: Option<usize>,
    from: u64,
    steps: u64,
}

/// Every branch as a limb: a fork's parent is the branch whose changes are all of its own
/// but the last.
fn limbs(explorer: &Explorer) -> Vec<Limb> {
    explorer
        .with_branches(|branches| {
            branches
                .iter()
                .enumerate()
                .map(|(index, b)| {
                    let made = b.changes.len();
                    let parent = made.checked_sub(1).and_then(|k| {
                        branches.iter().position(|p| {
                            p.changes.len() == k
                                && p.changes
                                    .iter()
                                    .zip(&b.changes)
                                    .all(|(x, y)| (x.0, &x.1) == (y.0, &y.1))
                        })
                    });
                    Limb {
                        index,
                        parent,
                        from: b.changes.last().map_or(0, |c| c.0),
                        steps: b.timeline.len(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The tree of runs on one timeline, the step on show marked.
#[component]
fn RunTree() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let limbs = Memo::new(move |_| limbs(&explorer));
    let (width, row_height) = (320.0, 14.0);
    view! {
        {move || {
            let limbs = limbs.get();
            if limbs.len() < 2 {
                return None;
            }
            let longest = limbs.iter().map(|l| l.steps).max().unwrap_or(1).max(1) as f64;
            let x = move |step: u64| 8.0 + (width - 16.0) * step as f64 / longest;
            let y = |i: usize| 8.0 + row_height * i as f64;
            let height = y(limbs.len()) - 4.0;
            let active = explorer.active();
            let now = x(explorer.task());
            let lines = limbs.iter().map(|l| {
                let joint = l.parent.map(|p| view! {
                    <line class="joint" x1=x(l.from) y1=y(p) x2=x(l.from) y2=y(l.index) />
                });
                view! {
                    {joint}
                    <line class="limb" class:active=l.index == active x1=x(l.from) y1=y(l.index) x2=x(l.steps) y2=y(l.index) />
                    <circle class="fork-point" cx=x(l.from) cy=y(l.index) r="3" />
                }
            }).collect::<Vec<_>>();
            Some(view! {
                <svg class="run-tree" viewBox=format!("0 0 {width} {height}") role="img"
                    aria-label="The runs on one timeline: each fork leaves the run it was made from at the step of its change; the line across marks the step on show">
                    {lines}
                    <line class="now" x1=now y1="0" x2=now y2=height />
                </svg>
            })
        }}
    }
}

/// The list of runs, and the changes behind the one on show.
#[component]
pub fn ForkBar() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let branches = move || explorer.branch_labels();
    let changes = move || {
        let active = explorer.active();
        branches()
            .into_iter()
            .find(|(i, _, _)| *i == active)
            .map(|(_, _, c)| c)
            .unwrap_or_default()
    };
    view! {
        <section class="panel forks" aria-labelledby="forks-title">
            <h2 id="forks-title">"Runs"</h2>
            <RunTree />
            <div class="fork-buttons" role="group" aria-label="Switch between the original run and its forks (at the same step)">
                {keyed(move || {
                    branches()
                        .into_iter()
                        .map(|(i, label, changes)| row(key(&[&i, &label]), move || view! {
                            <button
                                type="button"
                                class="fork"
                                style=format!("margin-left: {}rem", changes.len().min(6))
                                aria-pressed=move || (explorer.active() == i).to_string()
                                on:click=move |_| explorer.show_branch(i)
                            >
                                {label}
                            </button>
                        }))
                        .collect()
                })}
            </div>
            <Show when=move || !changes().is_empty()>
                <p>"This run replays the original with:"</p>
                <ol class="changes">
                    {move || changes().into_iter().map(|(task, what)| view! { <li>{format!("at step {task}: {what}")}</li> }).collect_view()}
                </ol>
            </Show>
        </section>
    }
}
