//! Downloads: the scenario on show (a fork's changes included), the run's exports (the
//! runner's own text, `export::RunFile`), and the view as one HTML file (`one_file`).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::sim::export::RunFile;
use crate::sim::scenario::ScriptStep;

use super::super::{Explorer, query_of};

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
    crate::one_file::one_file(&index, &files, &query_of(&view))
}

/// The download buttons; what they did is said in `status`.
#[component]
pub fn Downloads(
    /// Where the panel says what happened, for a screen reader too.
    status: RwSignal<String>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
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
    let whole_view = move |_| {
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
    };
    view! {
        <h3>"Download"</h3>
        <div class="share-buttons">
            <button type="button" id="download-scenario" on:click=move |_| {
                if let Some((name, json)) = scenario_file(explorer) {
                    let _ = download(&name, "application/json", &json);
                    status.set(format!("Downloaded {name}."));
                }
            }>"Scenario (JSON)"</button>
            <button type="button" id="download-one-file" on:click=whole_view>"This view as one HTML file"</button>
            {RunFile::ALL.into_iter().map(|kind| view! {
                <button type="button" data-export=kind.file_name("run") on:click=move |_| run_file(kind)>{kind.label()}</button>
            }).collect_view()}
        </div>
        <p class="hint">"The scenario file of a fork holds the fork's changes at the end of its script, each after the step it was made at, so that it replays the fork."</p>
    }
}
