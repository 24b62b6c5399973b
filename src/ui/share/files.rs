//! Scenario files: open one (file picker, drag and drop, or pasted JSON) with its errors
//! shown beside the text, which is kept for correcting; "My scenarios" kept in this
//! browser; and downloads of the scenario and of the run on show (the runner's exports,
//! from the same engine code).

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::sim::export::RunFile;
use crate::sim::scenario::ScriptStep;
use crate::sim::{Scenario, scenario_json};

use super::super::keyed::{key, keyed, row};
use super::{Explorer, storage};

/// The scenario `text` holds, or a line per problem (JSON path, line and column). A
/// scenario named as one of SyncScope's own (an exported built-in) is renamed, and the
/// sentence that says so comes with it.
fn read(text: &str, mine: &[Arc<Scenario>]) -> Result<(Scenario, Option<String>), Vec<String>> {
    let mut scenario = scenario_json::read(text)
        .map_err(|e| e.0.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
    if !storage::is_ours(&scenario.name) {
        return Ok((scenario, None));
    }
    let taken = |name: &str| storage::is_ours(name) || mine.iter().any(|s| s.name == name);
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

/// Saves `text` as a file called `name` of type `media` (a download).
fn download(name: &str, media: &str, text: &str) -> Result<(), JsValue> {
    let parts = web_sys::js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}

/// The scenario on show as a file: its own JSON with the settings on show and, for a fork,
/// the fork's changes at the end of its script, each after the step it was made at, so
/// that the file replays the fork (docs/scenario-format.md).
fn scenario_file(explorer: Explorer) -> Option<(String, String)> {
    let name = explorer.settings.scenario.get_untracked();
    let mut scenario = (*untrack(|| explorer.chosen(&name))?).clone();
    let link = untrack(|| explorer.link())?;
    (scenario.strategy, scenario.seed, scenario.idempotency) =
        (link.strategy, link.seed, link.idempotent);
    scenario
        .script
        .extend(link.changes.into_iter().map(|(step, command)| ScriptStep {
            at: 0,
            after_step: Some(step),
            command,
        }));
    Some((format!("{name}.json"), scenario.to_json()))
}

/// The bytes at `address` (one of this page's own files).
async fn fetched(address: &str) -> Result<Vec<u8>, String> {
    use wasm_bindgen_futures::JsFuture;
    let failed = |_| format!("{address} could not be downloaded again");
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(address))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "{address} could not be downloaded again ({})",
            response.status()
        ));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(failed)?)
        .await
        .map_err(failed)?;
    Ok(web_sys::js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The view on show as one HTML file (`one_file`), built from this page's own files.
async fn one_file_of(explorer: Explorer) -> Result<String, String> {
    let view = untrack(|| explorer.link()).ok_or("enter a seed first")?;
    let index = String::from_utf8_lossy(&fetched("./").await?).into_owned();
    let (js, wasm) = crate::one_file::page_files(&index)?;
    let js_bytes = fetched(&format!("./{js}")).await?;
    let mut files = std::collections::BTreeMap::new();
    for name in crate::one_file::later_files(&String::from_utf8_lossy(&js_bytes)) {
        let bytes = fetched(&format!("./{name}")).await?;
        files.insert(name, bytes);
    }
    files.insert(wasm.clone(), fetched(&format!("./{wasm}")).await?);
    files.insert(js, js_bytes);
    crate::one_file::one_file(&index, &files, &super::query_of(&view))
}

/// Adds "My scenarios" to the settings' scenario list (drawn with the first view, before
/// this code has arrived).
fn list_mine(explorer: Explorer) {
    let Some(select) = document().get_element_by_id("scenario") else {
        return;
    };
    let Ok(select) = select.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    leptos::mount::mount_to(select, move || {
        view! {
            <Show when=move || !explorer.mine.with(Vec::is_empty)>
                <optgroup label="My scenarios">
                    {keyed(move || explorer.mine.get().into_iter().map(|s| {
                        row(key(&[&s.name, &s.title]), move || view! { <option value=s.name.clone()>{s.title.clone()}</option> })
                    }).collect())}
                </optgroup>
            </Show>
        }
    })
    .forget();
    // The list may name a scenario of the person's own that had no option until now.
    explorer.settings.scenario.notify();
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
    let run_file = move |kind: RunFile| {
        let name = explorer.settings.scenario.get_untracked();
        let text = explorer.with_branch(|b| {
            b.timeline
                .is_complete()
                .then(|| kind.text(b.timeline.full()))
        });
        match text.flatten() {
            Some(text) => {
                let _ = download(&kind.file_name(&name), kind.media_type(), &text);
                status.set(format!("Downloaded {}.", kind.file_name(&name)));
            }
            None => {
                status.set("The run is still being computed; download it once it is whole.".into())
            }
        }
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
            <h3>"My scenarios"</h3>
            <Show when=move || explorer.mine.with(Vec::is_empty)>
                <p class="hint">"Scenarios you open are kept here, in this browser, and listed under the settings' scenarios."</p>
            </Show>
            <ul class="my-scenarios">
                {keyed(move || explorer.mine.get().into_iter().map(|s| {
                    let name = s.name.clone();
                    row(key(&[&s.name, &s.title]), move || view! {
                        <li>
                            <span>{s.title.clone()}" ("<code>{s.name.clone()}</code>")"</span>
                            <button type="button" class="remove" aria-label=format!("Remove {} from My scenarios", s.title) on:click=move |_| {
                                explorer.mine.update(|m| m.retain(|x| x.name != name));
                                let _ = explorer.mine.with_untracked(|m| storage::save(m));
                            }>"Remove"</button>
                        </li>
                    })
                }).collect())}
            </ul>
            <h3>"Download"</h3>
            <div class="share-buttons">
                <button type="button" id="download-scenario" on:click=move |_| {
                    if let Some((name, json)) = scenario_file(explorer) {
                        let _ = download(&name, "application/json", &json);
                        status.set(format!("Downloaded {name}."));
                    }
                }>"Scenario (JSON)"</button>
                <button type="button" id="download-one-file" on:click=move |_| {
                    status.set("Putting the page and this view into one file…".into());
                    let name = format!("{}.html", explorer.settings.scenario.get_untracked());
                    leptos::task::spawn_local(async move {
                        status.set(match one_file_of(explorer).await {
                            Ok(page) => {
                                let _ = download(&name, "text/html", &page);
                                format!("Downloaded {name}: it opens this view in a browser with no network, from a file too.")
                            }
                            Err(why) => format!("This view could not be made into one file: {why}."),
                        });
                    });
                }>"This view as one HTML file"</button>
                {RunFile::ALL.into_iter().map(|kind| view! {
                    <button type="button" data-export=kind.file_name("run") on:click=move |_| run_file(kind)>{kind.label()}</button>
                }).collect_view()}
            </div>
            <p class="hint">"The scenario file of a fork holds the fork's changes at the end of its script, each after the step it was made at, so that it replays the fork."</p>
        </section>
    }
}
