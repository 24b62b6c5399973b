//! "My scenarios" kept in this browser (localStorage). Stored data is untrusted: what
//! cannot be read is set aside under a key of its own and reported, never lost and never
//! allowed to stop the page.

use std::sync::Arc;

use crate::sim::{Scenario, library, scenario_json};

/// Where the person's scenarios are kept: a JSON array of scenarios.
pub const KEY: &str = "syncscope.my-scenarios";

/// Where what could not be read is set aside: a JSON array of the texts, newest last.
pub const SET_ASIDE_KEY: &str = "syncscope.my-scenarios.set-aside";

fn storage() -> Result<web_sys::Storage, String> {
    leptos::prelude::window()
        .local_storage()
        .ok()
        .flatten()
        .ok_or_else(|| "this browser does not let the page store data".to_string())
}

/// The kept scenarios, and a sentence for each problem met reading them.
pub fn load() -> (Vec<Arc<Scenario>>, Vec<String>) {
    let Ok(storage) = storage() else {
        return (Vec::new(), Vec::new()); // nothing can have been kept
    };
    let Some(text) = storage.get_item(KEY).ok().flatten() else {
        return (Vec::new(), Vec::new());
    };
    let items = match serde_json::from_str::<Vec<serde_json::Value>>(&text) {
        Ok(items) => items,
        Err(e) => {
            set_aside(&storage, text);
            let _ = storage.remove_item(KEY);
            return (
                Vec::new(),
                vec![format!(
                    "My scenarios: what this browser kept could not be read ({e}); it was set aside under the localStorage key \"{SET_ASIDE_KEY}\", and My scenarios starts empty."
                )],
            );
        }
    };
    let mut kept = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let text = item.to_string();
        let problem = match scenario_json::read(&text) {
            Ok(scenario) if !library::has(&scenario.name) => {
                kept.push(Arc::new(scenario));
                continue;
            }
            Ok(scenario) => format!(
                "is called \"{}\", the name of one of SyncScope's own",
                scenario.name
            ),
            Err(e) => format!("could not be read ({})", e.to_string().replace('\n', "; ")),
        };
        problems.push(format!(
            "My scenarios: kept scenario {} {problem}; it was set aside under the localStorage key \"{SET_ASIDE_KEY}\".",
            i + 1
        ));
        set_aside(&storage, text);
    }
    if !problems.is_empty() {
        let _ = save(&kept);
    }
    (kept, problems)
}

/// Keeps `scenarios` (replacing what was kept).
pub fn save(scenarios: &[Arc<Scenario>]) -> Result<(), String> {
    let storage = storage()?;
    let text = serde_json::to_string(scenarios).map_err(|e| e.to_string())?;
    storage
        .set_item(KEY, &text)
        .map_err(|_| "the browser refused to store it (its storage may be full)".to_string())
}

/// Adds `text` to what was set aside.
fn set_aside(storage: &web_sys::Storage, text: String) {
    let mut aside: Vec<String> = storage
        .get_item(SET_ASIDE_KEY)
        .ok()
        .flatten()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    aside.push(text);
    if let Ok(all) = serde_json::to_string(&aside) {
        let _ = storage.set_item(SET_ASIDE_KEY, &all);
    }
}
