//! Playback: play, pause, step, speed, a scrubber over the whole run, and the keyboard
//! shortcuts. Animation runs on requestAnimationFrame (leptos-use `use_raf_fn`).

use leptos::ev;
use leptos::prelude::*;
use leptos_use::{use_event_listener, use_raf_fn};
use wasm_bindgen::JsCast;

use super::explorer::Explorer;
use crate::layout::pace::SPEEDS;
use crate::sim::explain::grouped;

/// Playback controls and the keyboard shortcuts that drive them.
#[component]
pub fn PlaybackControls() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let _ = use_raf_fn(move |args| {
        if untrack(|| explorer.playing()) {
            // A long pause (a hidden tab) should not jump the run forward all at once.
            explorer.tick(args.delta.min(100.0));
        }
    });
    let _ = use_event_listener(window(), ev::keydown, move |e| shortcut(explorer, &e));
    let len = move || explorer.steps_recorded();
    let time = move || explorer.vnow().round() as u64;
    view! {
        <section class="playback" aria-label="Playback">
            <div class="buttons">
                <button type="button" id="to-start" aria-label="Jump to start (Home)" on:click=move |_| explorer.go_to(0)>"Start"</button>
                <button type="button" id="step-back" aria-label="Step back (Left arrow)" on:click=move |_| explorer.step_back()>{icon(Icon::StepBack)}</button>
                <button
                    type="button"
                    id="play"
                    class="play"
                    aria-label=move || if explorer.playing() { "Pause (Space)" } else { "Play (Space)" }
                    aria-pressed=move || explorer.playing().to_string()
                    on:click=move |_| toggle(explorer)
                >
                    {move || if explorer.playing() {
                        view! { {icon(Icon::Pause)}<span>"Pause"</span> }.into_any()
                    } else {
                        view! { {icon(Icon::Play)}<span>"Play"</span> }.into_any()
                    }}
                </button>
                <button type="button" id="step-forward" aria-label="Step forward (Right arrow)" on:click=move |_| explorer.step_forward()>{icon(Icon::StepForward)}</button>
                <button type="button" id="to-end" aria-label="Jump to end (End)" on:click=move |_| explorer.go_to(u64::MAX)>"End"</button>
                <label class="speed">
                    <span>"Speed (system time per second)"</span>
                    <select
                        id="speed"
                        prop:value=move || explorer.speed().to_string()
                        on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                explorer.set_speed(i);
                            }
                        }
                    >
                        {SPEEDS.iter().enumerate().map(|(i, (label, _))| view! { <option value=i.to_string()>{*label}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <label class="scrubber">
                <span class="visually-hidden">"Step"</span>
                <input
                    id="scrubber"
                    type="range"
                    min=move || explorer.range().0.to_string()
                    max=move || len().min(explorer.range().1).to_string()
                    prop:value=move || explorer.task().to_string()
                    aria-valuetext=move || format!("step {} of {}, {} ms", grouped(explorer.task()), grouped(len()), time())
                    on:input=move |ev| {
                        explorer.pause();
                        if let Ok(t) = event_target_value(&ev).parse::<u64>() {
                            explorer.go_to(t);
                        }
                    }
                />
            </label>
            <p class="position" aria-live="off">
                <span id="step-label">{move || format!("Step {} of {}", grouped(explorer.task()), grouped(len()))}</span>
                " · "
                <span id="time-label">{move || format!("{} ms", time())}</span>
                {move || explorer.recording().then(|| view! { <span class="recording">" · computing… "{move || grouped(len())}" steps so far"</span> })}
                <span id="skip-note" class="skip-note" aria-live="polite">{move || explorer.skipped().map(|s| format!(" · {s}: nothing happened in between"))}</span>
            </p>
            <p class="shortcuts">"Keys: Space play/pause · ← → step · Home/End jump"</p>
        </section>
    }
}

/// Space or k plays and pauses, the arrows (or j, l) step, Home and End jump; not while
/// a person types in a field, nor with a modifier held.
fn shortcut(explorer: Explorer, e: &web_sys::KeyboardEvent) {
    if e.ctrl_key() || e.meta_key() || e.alt_key() || typing(e) {
        return;
    }
    if e.key() == " " && on_button(e) {
        return; // Space presses the focused button instead
    }
    let handled = match e.key().as_str() {
        " " | "k" => {
            toggle(explorer);
            true
        }
        "ArrowRight" | "l" => {
            explorer.step_forward();
            true
        }
        "ArrowLeft" | "j" => {
            explorer.step_back();
            true
        }
        "Home" => {
            explorer.go_to(0);
            true
        }
        "End" => {
            explorer.go_to(u64::MAX);
            true
        }
        _ => false,
    };
    if handled {
        e.prevent_default();
    }
}

/// The playback icons. They are drawn, not taken from a font: Debian's Chromium has no
/// font with "⏸", which showed as an empty box.
#[derive(Debug, Clone, Copy)]
enum Icon {
    Play,
    Pause,
    StepBack,
    StepForward,
}

/// An icon as inline SVG, hidden from screen readers (its button has the name).
fn icon(which: Icon) -> impl IntoView {
    let path = match which {
        Icon::Play => "M4 2 L14 8 L4 14 Z",
        Icon::Pause => "M3 2 H7 V14 H3 Z M9 2 H13 V14 H9 Z",
        Icon::StepBack => "M3 2 H5 V14 H3 Z M14 2 L6 8 L14 14 Z",
        Icon::StepForward => "M11 2 H13 V14 H11 Z M2 2 L10 8 L2 14 Z",
    };
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d=path fill="currentColor" />
        </svg>
    }
}

fn toggle(explorer: Explorer) {
    if untrack(|| explorer.playing()) {
        explorer.pause();
    } else {
        explorer.play();
    }
}

fn target(e: &web_sys::KeyboardEvent) -> Option<web_sys::Element> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// Whether the key went to a field the person is typing in.
fn typing(e: &web_sys::KeyboardEvent) -> bool {
    target(e).is_some_and(|t| {
        matches!(
            t.tag_name().to_ascii_lowercase().as_str(),
            "input" | "select" | "textarea"
        )
    })
}

/// Whether the key went to a button.
fn on_button(e: &web_sys::KeyboardEvent) -> bool {
    target(e).is_some_and(|t| {
        t.tag_name().eq_ignore_ascii_case("button")
            || t.get_attribute("role").as_deref() == Some("button")
    })
}
