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
            // Busy while tables are still to come, for screen readers (and tests) to wait.
            <div class="tables" aria-busy=move || (visible().len() < tables.with(Vec::len)).to_string()>
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
    // Why each differing copy differs, as one disclosure under the table (keyboard and
    // touch reach it; the cells' hover texts say the same). Its list is built only while
    // it is open: during playback the rows change five times a second, and a disclosure
    // per row made each of those updates a long task.
    let source_name = source.clone();
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
                    // Rows are kept by position and their texts follow the step: a jump
                    // changes most rows, and rewriting texts costs a fraction of drawing
                    // the rows anew.
                    keyed(move || {
                        (0..rows.with(Vec::len))
                            .map(|index| {
                                let source = source.clone();
                                row(index.to_string(), move || view! { <RecordLine rows=rows index=index source=source /> })
                            })
                            .collect()
                    })
                }
            </tbody>
        </table>
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
        </div>
    }
}

/// The row at `index` of a table.
#[component]
fn RecordLine(
    /// The table's rows.
    rows: Memo<Vec<RecordRow>>,
    /// Which of them this is.
    index: usize,
    /// The source of truth's name.
    source: String,
) -> impl IntoView {
    let line = Memo::new(move |_| rows.with(|r| r.get(index).cloned()));
    let read = move |f: fn(&RecordRow) -> String| {
        move || line.with(|l| l.as_ref().map(f).unwrap_or_default())
    };
    let note = {
        let source = source.clone();
        Memo::new(move |_| {
            line.with(|l| {
                l.as_ref()
                    .and_then(|l| l.source_version.and(reason(l, &source)))
            })
        })
    };
    let twice = move || line.with(|l| l.as_ref().and_then(|l| l.applied_twice.clone()));
    let fields = move || line.with(|l| l.as_ref().map_or(0, |l| l.fields.len()));
    view! {
        <tr data-record=read(|l| l.record.clone())>
            <th scope="row">{read(|l| l.record.clone())}</th>
            <td>
                <ul class="fields">
                    {keyed(move || {
                        (0..fields())
                            .map(|field| {
                                let source = source.clone();
                                row(field.to_string(), move || view! { <FieldLine line=line field=field source=source /> })
                            })
                            .collect()
                    })}
                </ul>
            </td>
            <td class:differs=move || note.with(Option::is_some) title=move || note.get() tabindex=move || note.with(Option::is_some).then_some("0")>
                {read(|l| format!("v{}", l.version))}
                {move || note.get().map(|n| view! { <span class="visually-hidden">{format!(" (differs: {n})")}</span> })}
                {move || twice().map(|why| (why.clone(), why)).map(|(title, why)| view! {
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
            <td>{read(|l| format!("{} at {} ms", l.writer, l.modified_at))}</td>
        </tr>
    }
}

/// Field `field` of a row, its value marked where it differs from the source.
#[component]
fn FieldLine(
    /// The row.
    line: Memo<Option<RecordRow>>,
    /// Which field of it this is.
    field: usize,
    /// The source of truth's name.
    source: String,
) -> impl IntoView {
    let cell = Memo::new(move |_| {
        line.with(|l| {
            let l = l.as_ref()?;
            let f = l.fields.get(field)?;
            let note = f.source_value.as_ref().map(|s| match &l.why {
                Some(w) => format!("{source} has \"{s}\": {w}"),
                None => format!("{source} has \"{s}\""),
            });
            Some((f.name.clone(), f.value.clone(), note))
        })
    });
    let note = move || cell.with(|c| c.as_ref().and_then(|c| c.2.clone()));
    let differs = move || cell.with(|c| c.as_ref().is_some_and(|c| c.2.is_some()));
    view! {
        <li class:differs=differs title=note tabindex=move || differs().then_some("0")>
            <span class="field-name">{move || cell.with(|c| c.as_ref().map(|c| c.0.clone()))}</span>
            ": "
            <span class="field-value">{move || cell.with(|c| c.as_ref().map(|c| breakable(&c.1)))}</span>
            {move || note().map(|n| view! { <span class="visually-hidden">{format!(" (differs: {n})")}</span> })}
        </li>
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
