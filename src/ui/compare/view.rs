//! The compare view: the summary table, where the strategies part, and a pane per
//! strategy at the virtual time on show.

use leptos::prelude::*;

use crate::sim::Strategy;
use crate::sim::compare::{Parting, Row};
use crate::sim::escalation::Decision;
use crate::ui::explorer::Explorer;
use crate::ui::keyed::{key, keyed, row as keyed_row};
use crate::ui::run_view::RunView;

use super::panes::Basis;
use super::runs::Runs;

/// Every strategy's run of the run on show, side by side.
#[component]
pub fn CompareView() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let runs = Runs::new();
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
            runs.replace(basis);
        }
    });
    let time = Memo::new(move |_| explorer.panel_frame.get().map_or(0, |f| f.sim.now()));
    Effect::new(move |_| runs.show(time.get()));
    view! {
        <section class="panel compare" aria-labelledby="compare-title">
            <h2 id="compare-title">"Every strategy on the same run"</h2>
            <p class="legend">
                "The same scenario, seed, idempotency and changes under each strategy. The playback bar drives them all: each pane shows its run at "
                {move || format!("{} ms", time.get())}
                ", the time on show. A change made to the run on show is made in every pane."
            </p>
            {move || match runs.summary.get() {
                None => view! {
                    <p class="legend" role="status">{move || match runs.recording.get() {
                        Some(steps) => format!("Recording every strategy's run… ({} steps so far)", crate::sim::explain::grouped(steps)),
                        None => "Adding up every strategy's run…".to_string(),
                    }}</p>
                }.into_any(),
                Some((rows, parting, held)) => view! {
                    <SummaryTable rows=rows />
                    <PartingNote parting=parting held=held explorer=explorer />
                }.into_any(),
            }}
            <div class="panes">
                {keyed(move || {
                    Strategy::ALL.iter().enumerate().map(|(index, strategy)| {
                        keyed_row(key(&[strategy]), move || view! { <StrategyPane index=index runs=runs /> })
                    }).collect()
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
            r.merges.to_string(),
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
        "Merges",
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
                    <tr data-strategy=r.strategy.map(Strategy::as_str)>
                        <th scope="row">{r.strategy.map(Strategy::label)}</th>
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
    /// Per strategy, what the system that acted there then holds.
    held: Vec<Option<String>>,
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
                {Strategy::ALL.iter().zip(parting.said).zip(held).map(|((s, said), held)| view! {
                    <li><strong>{s.label()}</strong>": "{said.unwrap_or_else(|| "its run had ended.".into())}" "{held}</li>
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
    /// The panes' runs: what to draw, and to resolve an escalation in one.
    runs: Runs,
) -> impl IntoView {
    let pane = move || runs.shown.with(|s| s.get(index).cloned().flatten());
    let title = Strategy::ALL[index].label();
    let heading = format!("compare-pane-{index}");
    let labelled_by = heading.clone();
    view! {
        <section class="pane" aria-labelledby=labelled_by>
            <h3 id=heading>{title}</h3>
            {move || pane().map(|p| view! {
                <p class="legend">{format!("Step {} of {}", p.step, p.steps)}</p>
                {p.problem.map(|why| view! { <p class="run-error">{why}</p> })}
                <CompactPicture source=p.view.source.clone() replicas=p.picture />
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

/// The systems of a pane: the source of truth, its replicas, and on each link the messages
/// in flight; a replica that holds a copy differing from the source's is marked, a down
/// one greyed, a partitioned link dashed. The same in words for screen readers.
#[component]
fn CompactPicture(
    /// The source of truth's name.
    source: String,
    /// Its replicas.
    replicas: Vec<super::runs::Drawn>,
) -> impl IntoView {
    let row = 26.0;
    let height = row * replicas.len().max(1) as f64 + 4.0;
    let words: Vec<String> = replicas
        .iter()
        .map(|r| {
            let mut w = format!("{}: {} in flight", r.name, r.in_flight);
            if r.partitioned {
                w.push_str(", link partitioned");
            }
            if r.down {
                w.push_str(", down");
            }
            if r.differs {
                w.push_str(", differs from the source");
            }
            w
        })
        .collect();
    let label = format!(
        "{source} (source of truth) and its replicas. {}.",
        words.join("; ")
    );
    let mid = height / 2.0;
    view! {
        <svg class="compact-picture" viewBox=format!("0 0 300 {height}") role="img" aria-label=label>
            <rect class="system source" x="2" y=mid - 10.0 width="90" height="20" rx="3" />
            <text x="47" y=mid + 4.0 text-anchor="middle">{source}</text>
            {replicas.into_iter().enumerate().map(|(i, r)| {
                let y = 2.0 + row * i as f64 + row / 2.0;
                view! {
                    <line class="link" class:partitioned=r.partitioned x1="92" y1=mid x2="200" y2=y />
                    <text class="in-flight" x="146" y=(mid + y) / 2.0 - 3.0 text-anchor="middle">{(r.in_flight > 0).then(|| r.in_flight.to_string())}</text>
                    <rect class="system" class:differs=r.differs class:down=r.down x="200" y=y - 10.0 width="96" height="20" rx="3" />
                    <text x="248" y=y + 4.0 text-anchor="middle">{r.name}</text>
                }
            }).collect::<Vec<_>>()}
        </svg>
    }
}

/// The most copies a pane's table shows.
const PANE_ROWS: usize = 12;

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
    // A large run shows the copies that differ (those tell the strategies apart), at most
    // PANE_ROWS, and says how many it leaves out: a pane is drawn again at every move.
    let total = rows.len();
    let rows: Vec<_> = if total <= PANE_ROWS {
        rows
    } else {
        rows.into_iter().filter(|r| r.4).take(PANE_ROWS).collect()
    };
    let left_out = (total > rows.len()).then(|| {
        format!(
            "{} more copies are left out; those shown are ones that differ from the source.",
            crate::sim::explain::grouped((total - rows.len()) as u64)
        )
    });
    view! {
        {left_out.map(|words| view! { <p class="legend">{words}</p> })}
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
