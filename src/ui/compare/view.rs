//! The compare view: the summary table, where the strategies part, and a pane per
//! strategy at the virtual time on show.

use leptos::prelude::*;

use crate::sim::compare::{Parting, Row, first_parting, row};
use crate::sim::escalation::Decision;
use crate::sim::{Command, Strategy};
use crate::ui::explorer::{Explorer, later};
use crate::ui::keyed::{key, keyed, row as keyed_row};
use crate::ui::run_view::{RunView, view_of};

use super::panes::{self, Basis, Pane};

/// One pane as drawn: its strategy, its run at the time on show, and what it could not do.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    strategy: Strategy,
    view: RunView,
    problem: Option<String>,
    step: u64,
    steps: u64,
}

/// The panes and what keeps them recording.
#[derive(Clone, Copy)]
struct Runs {
    panes: StoredValue<Vec<Pane>>,
    /// Bumped whenever a pane records more or is replaced.
    recorded: RwSignal<u64>,
    /// Which set of panes the recording loop works for.
    generation: StoredValue<u64>,
}

impl Runs {
    /// Records the panes of `generation` a chunk per task until they are whole.
    fn record(self, generation: u64) {
        if self.generation.get_value() != generation {
            return; // replaced by newer panes
        }
        let more = self
            .panes
            .try_update_value(|p| panes::advance(p))
            .unwrap_or(false);
        self.recorded.update(|r| *r += 1);
        if more {
            later(move || self.record(generation));
        }
    }

    /// Replaces the panes with every strategy's run of `basis`.
    fn replace(self, basis: &Basis) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.panes.set_value(panes::start(basis));
        self.record(generation);
    }

    /// Resolves escalation `id` with `decision` in pane `index`, at its step on show: that
    /// pane's run goes on from there with the decision (the others are not changed).
    fn resolve(self, index: usize, step: u64, id: u32, decision: Decision) {
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
        self.record(self.generation.get_value());
    }
}

/// Every strategy's run of the run on show, side by side.
#[component]
pub fn CompareView() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let runs = Runs {
        panes: StoredValue::new(Vec::new()),
        recorded: RwSignal::new(0),
        generation: StoredValue::new(0),
    };
    let basis = Memo::new(move |_| {
        if !explorer.compare.get() {
            return None;
        }
        let link = explorer.link()?;
        Some(Basis {
            scenario: explorer.with_branch(|b| b.timeline.full().shared_scenario())?,
            seed: link.seed,
            idempotent: link.idempotent,
            changes: link.changes,
        })
    });
    Effect::new(move |_| {
        if let Some(basis) = basis.get() {
            runs.replace(&basis);
        }
    });
    let time = Memo::new(move |_| explorer.panel_frame.get().map_or(0, |f| f.sim.now()));
    let shown = Memo::new(move |_| {
        runs.recorded.track();
        let t = time.get();
        runs.panes.with_value(|p| {
            p.iter()
                .map(|pane| {
                    let step = pane.timeline.task_at_time(t);
                    Shown {
                        strategy: pane.strategy,
                        view: view_of(&pane.timeline.at(step)),
                        problem: pane.problem.clone(),
                        step,
                        steps: pane.timeline.len(),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    // The table and where they part, once every run is recorded to its end.
    let summary = Memo::new(move |_| {
        runs.recorded.track();
        runs.panes.with_value(|p| {
            if p.is_empty() || p.iter().any(|x| !x.timeline.is_complete()) {
                return None;
            }
            let fulls: Vec<_> = p.iter().map(|x| x.timeline.full()).collect();
            Some((
                fulls.iter().map(|s| row(s)).collect::<Vec<_>>(),
                first_parting(&fulls),
            ))
        })
    });
    view! {
        <section class="panel compare" aria-labelledby="compare-title">
            <h2 id="compare-title">"Every strategy on the same run"</h2>
            <p class="legend">
                "The same scenario, seed, idempotency and changes under each strategy. The playback bar drives them all: each pane shows its run at "
                {move || format!("{} ms", time.get())}
                ", the time on show. A change made to the run on show is made in every pane."
            </p>
            {move || match summary.get() {
                None => view! { <p class="legend" role="status">"Recording every strategy's run…"</p> }.into_any(),
                Some((rows, parting)) => view! {
                    <SummaryTable rows=rows />
                    <PartingNote parting=parting explorer=explorer />
                }.into_any(),
            }}
            <div class="panes">
                {keyed(move || {
                    shown.with(|s| s.iter().enumerate().map(|(index, pane)| {
                        keyed_row(key(&[&pane.strategy]), move || view! { <StrategyPane index=index shown=shown runs=runs /> })
                    }).collect())
                })}
            </div>
        </section>
    }
}

/// The summary table: a row per strategy.
#[component]
fn SummaryTable(
    /// Each strategy's line.
    rows: Vec<Row>,
) -> impl IntoView {
    let cells = |r: &Row| {
        let window = match (r.longest_window_ms, r.never_consistent) {
            (_, 1) => "never closes (a commit never reached every replica)".into(),
            (_, n) if n > 0 => format!("never closes ({n} commits never reached every replica)"),
            (Some(w), _) => format!("{w} ms"),
            (None, _) => "no commits".into(),
        };
        [
            r.lost_updates.to_string(),
            r.conflicts.to_string(),
            r.escalations.to_string(),
            r.stale_rejected.to_string(),
            r.converged_at
                .map_or("no".into(), |t| format!("yes, at {t} ms")),
            window,
            r.violations.to_string(),
        ]
    };
    let heads = [
        "Lost updates",
        "Conflicts detected",
        "Escalations",
        "Stale rejections",
        "Converged",
        "Longest consistency window",
        "Invariants violated",
    ];
    view! {
        <div class="compare-summary-wrap"><table class="compare-summary">
            <caption>"How each strategy's run ends"</caption>
            <thead><tr>
                <th scope="col">"Strategy"</th>
                {heads.map(|h| view! { <th scope="col">{h}</th> }).to_vec()}
            </tr></thead>
            <tbody>
                {rows.iter().map(|r| view! {
                    <tr data-strategy=r.strategy.as_str()>
                        <th scope="row">{r.strategy.label()}</th>
                        {cells(r).map(|c| view! { <td>{c}</td> }).to_vec()}
                    </tr>
                }).collect::<Vec<_>>()}
            </tbody>
        </table></div>
    }
}

/// Where the strategies part, with a button that goes there and what each did there.
#[component]
fn PartingNote(
    /// Where they part, if they do.
    parting: Option<Parting>,
    /// The explorer, to go there.
    explorer: Explorer,
) -> impl IntoView {
    let Some(parting) = parting else {
        return view! {
            <p class="parting">"The strategies never part on this run: each makes the same decisions, step for step."</p>
        }
        .into_any();
    };
    let time = parting.time;
    view! {
        <div class="parting">
            <p>
                {format!("The strategies part at {time} ms. ")}
                <button type="button" class="jump-parting" on:click=move |_| explorer.go_to_time(time)>"Go to where they part"</button>
            </p>
            <ul>
                {Strategy::ALL.iter().zip(parting.said).map(|(s, said)| view! {
                    <li><strong>{s.label()}</strong>": "{said.unwrap_or_else(|| "its run had ended.".into())}</li>
                }).collect::<Vec<_>>()}
            </ul>
        </div>
    }
    .into_any()
}

/// Pane `index`: its strategy's run at the time on show.
#[component]
fn StrategyPane(
    /// Which pane.
    index: usize,
    /// Every pane as drawn.
    shown: Memo<Vec<Shown>>,
    /// The panes' runs, to resolve an escalation in one.
    runs: Runs,
) -> impl IntoView {
    let pane = move || shown.with(|s| s.get(index).cloned());
    let title = move || pane().map(|p| p.strategy.label()).unwrap_or_default();
    let heading = format!("compare-pane-{index}");
    let labelled_by = heading.clone();
    view! {
        <section class="pane" aria-labelledby=labelled_by>
            <h3 id=heading>{title}</h3>
            {move || pane().map(|p| view! {
                <p class="legend">{format!("Step {} of {}", p.step, p.steps)}</p>
                {p.problem.map(|why| view! { <p class="run-error">{why}</p> })}
                <ul class="verdicts">
                    {p.view.invariants.iter().map(|(name, verdict)| view! {
                        <li class=verdict.as_str()>
                            <span aria-hidden="true">{crate::ui::why::mark(verdict)}" "</span>
                            {format!("{name} {}", verdict.words())}
                        </li>
                    }).collect::<Vec<_>>()}
                </ul>
                <PaneRecords view=p.view.clone() />
                <PaneEscalations index=index step=p.step view=p.view runs=runs />
            })}
        </section>
    }
}

/// One table of every system's copy of every record shown, differing copies marked.
#[component]
fn PaneRecords(
    /// The run at the time on show.
    view: RunView,
) -> impl IntoView {
    let rows: Vec<_> = view
        .systems
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(move |r| {
                let differs =
                    r.source_version.is_some() || r.fields.iter().any(|f| f.source_value.is_some());
                let values: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| format!("{}={}", f.name, f.value))
                    .collect();
                (
                    t.name.clone(),
                    r.record.clone(),
                    values.join(", "),
                    r.version,
                    differs,
                )
            })
        })
        .collect();
    view! {
        <table class="pane-records">
            <thead><tr><th scope="col">"System"</th><th scope="col">"Record"</th><th scope="col">"Values"</th><th scope="col">"Version"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(system, record, values, version, differs)| view! {
                    <tr class:differs=differs>
                        <th scope="row">{system}</th>
                        <td>{record}</td>
                        <td>{values}{differs.then_some(" (differs from the source)")}</td>
                        <td>{format!("v{version}")}</td>
                    </tr>
                }).collect::<Vec<_>>()}
            </tbody>
        </table>
    }
}

/// The escalations waiting in pane `index`, each with the decisions a person can make.
#[component]
fn PaneEscalations(
    /// Which pane.
    index: usize,
    /// Its step on show.
    step: u64,
    /// Its run at that step.
    view: RunView,
    /// The panes' runs.
    runs: Runs,
) -> impl IntoView {
    let source = view.source.clone();
    view.pending
        .into_iter()
        .map(|e| {
            let id = e.id;
            let words = format!(
                "Escalation #{id}: {} wrote {} on {}; {source} has {}.",
                e.replica,
                pairs(&e.replica_value),
                e.record,
                pairs(&e.source_value)
            );
            let (keep, take) = (
                format!("Keep {source}'s value"),
                format!("Take {}'s value", e.replica),
            );
            view! {
                <div class="pane-escalation" data-escalation=id>
                    <p>{words}</p>
                    <button type="button" on:click=move |_| runs.resolve(index, step, id, Decision::KeepSource)>{keep}</button>
                    " "
                    <button type="button" on:click=move |_| runs.resolve(index, step, id, Decision::TakeReplica)>{take}</button>
                </div>
            }
        })
        .collect::<Vec<_>>()
}

/// Fields as `name=value`, comma-separated.
fn pairs(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
