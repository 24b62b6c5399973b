//! The address bar follows the view: scrubbing and playing replace the address (the
//! history does not fill up), choosing another run (a scenario, its settings or a fork) adds
//! a history entry, and Back and Forward show the view of the entry they reach.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use leptos_use::use_event_listener;
use wasm_bindgen::JsValue;

use crate::sim::link::MAX_QUERY_CHARS;

use super::{Explorer, open_now, query_of};

/// The address is written at most this often: browsers refuse to change it hundreds of
/// times a second, and playback changes the step many times a second.
const WRITE_EVERY_MS: u64 = 300;

/// What makes two views the same run: a query without the parameters that only say what
/// of the run is on show (step, speed, selection) and its hash. Read from the text, so that
/// a scenario carried in the address (`custom=`) need not be unpacked to compare it.
fn run_of(query: &str) -> String {
    let query = query.strip_prefix('?').unwrap_or(query);
    let on_show = ["step=", "speed=", "select=", "hash="];
    query
        .split('&')
        .filter(|pair| !on_show.iter().any(|p| pair.starts_with(p)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The run of the address the page shows now.
fn run_in_address() -> String {
    run_of(&window().location().search().unwrap_or_default())
}

/// Keeps the address bar on the view on show, and shows the view of an entry Back or
/// Forward reaches. An embedded view leaves its address alone: it is the host page's.
pub fn keep_address(explorer: Explorer) {
    if explorer.embedded.with_value(|e| e.is_some()) {
        return;
    }
    let written = StoredValue::new(run_in_address());
    let due = StoredValue::new(false);
    Effect::new(move |_| {
        if explorer.link().is_none() || due.get_value() {
            return;
        }
        due.set_value(true);
        set_timeout(
            move || {
                if due.try_update_value(|d| *d = false).is_some() {
                    write(explorer, written);
                }
            },
            Duration::from_millis(WRITE_EVERY_MS),
        );
    });
    let _ = use_event_listener(window(), ev::popstate, move |_| {
        let query = window().location().search().unwrap_or_default();
        written.set_value(run_in_address());
        open_now(explorer, &query);
    });
}

/// Writes the view on show into the address: a new history entry when it is another run
/// than the last written, else in place.
fn write(explorer: Explorer, written: StoredValue<String>) {
    let Some(view) = untrack(|| explorer.link()) else {
        return;
    };
    let location = window().location();
    let mut query = query_of(&view);
    if query.len() > MAX_QUERY_CHARS {
        // A scenario too large for a link is named, not carried: this browser keeps it
        // (My scenarios), and opening the address finds it there (`share::open_now`).
        let mut named = view;
        named.custom = None;
        query = query_of(&named);
    }
    if location.search().unwrap_or_default() == query {
        return;
    }
    let address = format!("{}{query}", location.pathname().unwrap_or_default());
    let Ok(history) = window().history() else {
        return;
    };
    let run = run_of(&query);
    let _ = if written.get_value() != run {
        written.set_value(run);
        history.push_state_with_url(&JsValue::NULL, "", Some(&address))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&address))
    };
}
