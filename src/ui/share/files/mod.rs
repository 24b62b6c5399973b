//! Scenario files: open one (file picker, drag and drop, or pasted JSON) with its errors
//! shown beside the text, which is kept for correcting; "My scenarios" kept in this
//! browser; and downloads of the scenario and of the run on show (the runner's exports,
//! from the same engine code).

mod downloads;
mod mine;
mod split;

use std::sync::Arc;

use leptos::prelude::*;

use crate::sim::{Scenario, scenario_json};

use super::{Explorer, storage};
use downloads::Downloads;
use mine::{MyScenarios, list_mine};
pub use split::{FilesSlot, open_custom};

/// The scenario `text` holds, or a line per problem (JSON path, line and column). A
/// scenario named as one of SyncScope's own (an exported built-in) is renamed, and the
/// sentence that says so comes with it.
fn read(text: &str, mine: &[Arc<Scenario>]) -> Result<(Scenario, Option<String>), Vec<String>> {
    let mut scenario = scenario_json::read(text)
        .map_err(|e| e.0.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
    if !crate::sim::library::has(&scenario.name) {
        return Ok((scenario, None));
    }
    let taken = |name: &str| crate::sim::library::has(name) || mine.iter().any(|s| s.name == name);
    let renamed = (1..)
        .map(|n| match n {
            1 => format!("{}-copy", scenario.name),
            n => format!("{}-copy-{n}", scenario.name),
        })
        .find(|name| !taken(name))
        .unwrap_or_default();
    let note = format!(
        " Its name \"{}\" is one of SyncScope's own scenarios, so it is kept as \"{renamed}\".",
        scenario.name
    );
    scenario.name = renamed;
    Ok((scenario, Some(note)))
}

/// Opening, keeping and downloading scenario files.
#[component]
pub fn ScenarioFiles() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let (kept, problems) = storage::load();
    for scenario in kept {
        explorer.keep_mine(scenario);
    }
    if !problems.is_empty() {
        explorer.notices.update(|n| n.extend(problems));
    }
    list_mine(explorer);
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<String>::new());
    let status = RwSignal::new(String::new());
    let open = move |source: String| match explorer.mine.with_untracked(|m| read(&source, m)) {
        Ok((scenario, renamed)) => {
            errors.set(Vec::new());
            let title = scenario.title.clone();
            let renamed = renamed.unwrap_or_default();
            let scenario = Arc::new(scenario);
            explorer.keep_mine(scenario.clone());
            let kept = explorer.mine.with_untracked(|m| storage::save(m));
            status.set(match kept {
                Ok(()) => format!(
                    "Opened \"{title}\" and kept it under My scenarios in this browser.{renamed}"
                ),
                Err(why) => format!("Opened \"{title}\" for this visit only: {why}.{renamed}"),
            });
            let _ = explorer.choose(scenario);
            explorer.reload();
        }
        Err(list) => {
            text.set(source);
            status.set(String::new());
            errors.set(list);
        }
    };
    let open_file = move |file: Option<web_sys::File>| {
        let Some(file) = file else { return };
        if file.size() > scenario_json::MAX_BYTES as f64 {
            errors.set(vec![format!(
                "{}: the file is {} bytes; a scenario may have at most {} bytes",
                file.name(),
                file.size(),
                scenario_json::MAX_BYTES
            )]);
            return;
        }
        let promise = file.text();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string())
            {
                Some(content) => open(content),
                None => errors.set(vec![format!(
                    "{}: the file could not be read as text",
                    file.name()
                )]),
            }
        });
    };
    view! {
        <section class="panel files" aria-labelledby="files-title">
            <h2 id="files-title">"Scenario files"</h2>
            <div
                class="drop-zone"
                on:dragover=|ev| ev.prevent_default()
                on:drop=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    open_file(ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)));
                }
            >
                <label>
                    <span>"Open a scenario file (JSON), or drop one here"</span>
                    <input type="file" id="scenario-file" accept=".json,application/json" on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        open_file(input.files().and_then(|f| f.get(0)));
                        input.set_value("");
                    } />
                </label>
            </div>
            <label class="share-text">
                <span>"Or paste a scenario's JSON (docs/scenario-format.md)"</span>
                <textarea
                    id="scenario-text"
                    rows="6"
                    spellcheck="false"
                    aria-describedby="scenario-errors"
                    aria-invalid=move || (!errors.with(Vec::is_empty)).to_string()
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </label>
            <button type="button" id="open-pasted" on:click=move |_| open(text.get_untracked())>"Open this scenario"</button>
            <ul id="scenario-errors" class="field-error file-errors" aria-live="polite">
                {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
            <p class="share-status" role="status">{move || status.get()}</p>
            <MyScenarios />
            <Downloads status=status />
        </section>
    }
}
