//! Each system's copy of each record, with what differs from the source marked.

use leptos::prelude::*;

use super::keyed::{key, keyed, row};
use super::run_view::{RecordRow, RunView, SystemTable};

/// One table per system, the source of truth first.
#[component]
pub fn RecordTables(
    /// The run on show.
    view: Memo<Option<RunView>>,
) -> impl IntoView {
    // Tables are keyed by system (and the source's name, which their texts quote) and rows
    // by their content, so a step re-renders only the rows that changed, and no text
    // outlives the scenario it names.
    let explorer = expect_context::<super::Explorer>();
    let tables = Memo::new(move |_| {
        view.get()
            .map(|v| {
                v.systems
                    .iter()
                    .map(|t| (t.name.clone(), t.is_source, v.source.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // A new scenario's tables appear one per frame (`reveal`).
    let visible = super::reveal::revealed(tables);
    view! {
        <section class="panel records" aria-labelledby="records-title">
            <h2 id="records-title">"Records on every system"</h2>
            <p class="legend">
                <span class="differs-sample">"marked"</span>
                " cells differ from the source of truth; \"Why … differ\" under a table says what the source holds and why. "
                <span class="applied-twice-sample">"×2"</span>
                " marks a version a replica applied twice (a duplicate with idempotency off)."
            </p>
            {move || {
                let hidden = view.get().map_or(0, |v| v.hidden_records);
                (hidden > 0).then(|| view! {
                    <p class="legend">{format!("Showing {} records, those that differ first; {hidden} more are left out.", super::run_view::MAX_ROWS)}</p>
                })
            }}
            // Busy while tables are still to come, for screen readers (and tests) to wait;
            // the step they show, for tests to wait for after a jump in a long run.
            <div class="tables" aria-busy=move || (visible().len() < tables.with(Vec::len)).to_string() data-step=move || explorer.panel_task()>
                {keyed(move || {
                    visible()
                        .into_iter()
                        .map(|(name, is_source, source)| row(key(&[&name, &is_source, &source]), move || view! {
                            <SystemRecords name=name is_source=is_source view=view source=source />
                        }))
                        .collect()
                })}
            </div>
        </section>
    }
}

/// One system's records.
#[component]
fn SystemRecords(
    /// The system's name.
    name: String,
    /// Whether it is the source of truth.
    is_source: bool,
    /// The run on show.
    view: Memo<Option<RunView>>,
    /// The source of truth's name.
    source: String,
) -> impl IntoView {
    let caption = if is_source {
        format!("{name} — source of truth")
    } else {
        format!("{name} — replica")
    };
    let system = name.clone();
    let rows = Memo::new(move |_| {
        view.with(|v| {
            v.as_ref()
                .and_then(|v| v.systems.iter().find(|t: &&SystemTable| t.name == system))
                .map(|t| t.rows.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <div class="system-records" data-system=name.clone()>
        <table class="record-table" data-system=name.clone()>
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Record"</th>
                    <th scope="col">"Values"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Written by"</th>
                </tr>
            </thead>
            <tbody>
                {
                    let source = source.clone();
                    keyed(move || {
                        rows.get()
                            .into_iter()
                            .map(|line| {
                                let source = source.clone();
                                row(line.key(), move || view! { <RecordLine row=line source=source /> })
                            })
                            .collect()
                    })
                }
            </tbody>
        </table>
        {why_they_differ(rows, source)}
        </div>
    }
}

/// Why each of `rows` that differs from the source differs, as one disclosure under the
/// table.
fn why_they_differ(rows: Memo<Vec<RecordRow>>, source: String) -> impl IntoView {
    // One disclosure, not one per row (keyboard and touch reach it; the cells' hover
    // texts say the same). Its list is built only while it is open: during playback the
    // rows change five times a second, and a disclosure per row made each of those
    // updates a long task.
    let source_name = source;
    let reasons = move || {
        rows.with(|rows| {
            rows.iter()
                .filter_map(|r| reason(r, &source_name).map(|why| (r.record.clone(), why)))
                .collect::<Vec<_>>()
        })
    };
    let differing = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .filter(|r| r.why.is_some() || r.source_version.is_some())
                .count()
        })
    });
    let open = RwSignal::new(false);
    view! {
    <details class="reasons" class:hidden=move || differing.get() == 0 prop:open=move || open.get()>
        <summary on:click=move |ev| {
            ev.prevent_default();
            open.update(|o| *o = !*o);
        }>
            {move || match differing.get() {
                1 => "Why 1 copy differs".to_string(),
                n => format!("Why {n} copies differ"),
            }}
        </summary>
        {move || open.get().then(|| view! {
            <ul>
                {reasons()
                    .into_iter()
                    .map(|(record, why)| view! { <li><strong>{record}</strong>": "{why}</li> })
                    .collect_view()}
            </ul>
        })}
    </details>
    }
}

/// One record's row.
#[component]
fn RecordLine(
    /// The record as this system holds it.
    row: RecordRow,
    /// The source of truth's name.
    source: String,
) -> impl IntoView {
    let why = row.why.clone();
    let version_note = row.source_version.and_then(|_| reason(&row, &source));
    let version_differs = version_note.is_some();
    let version_hidden = version_note.as_ref().map(|n| format!(" (differs: {n})"));
    view! {
        <tr data-record=row.record.clone()>
            <th scope="row">{row.record.clone()}</th>
            <td>
                <ul class="fields">
                    {row
                        .fields
                        .into_iter()
                        .map(|f| {
                            let note = f.source_value.as_ref().map(|s| match &why {
                                Some(w) => format!("{source} has \"{s}\": {w}"),
                                None => format!("{source} has \"{s}\""),
                            });
                            let differs = note.is_some();
                            let hidden = note.as_ref().map(|n| format!(" (differs: {n})"));
                            view! {
                                <li class:differs=differs title=note tabindex=differs.then_some("0")>
                                    <span class="field-name">{f.name}</span>
                                    ": "
                                    <span class="field-value">{breakable(&f.value)}</span>
                                    {hidden.map(|h| view! { <span class="visually-hidden">{h}</span> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </td>
            <td class:differs=version_differs title=version_note tabindex=version_differs.then_some("0")>
                {format!("v{}", row.version)}
                {version_hidden.map(|h| view! { <span class="visually-hidden">{h}</span> })}
                {row.applied_twice.map(|why| (why.clone(), why)).map(|(title, why)| view! {
                    " "
                    <details class="applied-twice" title=title>
                        <summary>
                            <span aria-hidden="true">"×2"</span>
                            <span class="visually-hidden">"applied twice"</span>
                        </summary>
                        <p>{why}</p>
                    </details>
                })}
            </td>
            <td>{format!("{} at {} ms", row.writer, row.modified_at)}</td>
        </tr>
    }
}

/// Why `row` differs from the source of truth, in a sentence, if it does.
fn reason(row: &RecordRow, source: &str) -> Option<String> {
    match (row.source_version, &row.why) {
        (Some(v), Some(w)) => Some(format!("{source} has version {v}: {w}")),
        (Some(v), None) => Some(format!("{source} has version {v}")),
        (None, Some(w)) => Some(format!("{source} has other values: {w}")),
        (None, None) => None,
    }
}

/// `text` with a line-break opportunity after each "@" and "." of an e-mail address or a
/// long value, so that it wraps between its parts rather than mid-word. A short value stays one
/// text node: tables re-render rows during playback, and every node costs.
fn breakable(text: &str) -> AnyView {
    if text.len() <= 16 && !text.contains('@') {
        return text.to_string().into_any();
    }
    text.split_inclusive(['@', '.'])
        .map(|part| view! { {part.to_string()}<wbr /> })
        .collect_view()
        .into_any()
}
