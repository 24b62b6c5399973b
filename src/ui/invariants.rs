//! The named invariants and what broke them.

use leptos::prelude::*;

use super::run_view::RunView;

/// Each invariant with its status; a failed one explains itself.
#[component]
pub fn InvariantList(
    /// The run on show.
    view: Memo<Option<RunView>>,
) -> impl IntoView {
    let items = move || {
        view.get()
            .map(|v| {
                v.invariants
                    .iter()
                    .map(|&(name, holds)| {
                        let reasons: Vec<String> = v
                            .violations
                            .iter()
                            .filter(|x| x.name == name)
                            .map(|x| format!("At {} ms: {}", x.time, x.message))
                            .collect();
                        (name, holds, reasons)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="panel invariants" aria-labelledby="invariants-title">
            <h2 id="invariants-title">"Invariants"</h2>
            <ul>
                <For each=items key=|item| item.clone() let((name, holds, reasons))>
                    <li class=if holds { "holds" } else { "violated" } data-invariant=name>
                        <span class="status" aria-hidden="true">{if holds { "✓" } else { "✗" }}</span>
                        <code>{name}</code>
                        <span class="visually-hidden">{if holds { " holds" } else { " is violated" }}</span>
                        <ul class="reasons">
                            {reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                        </ul>
                    </li>
                </For>
            </ul>
        </section>
    }
}
