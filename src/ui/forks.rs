//! The runs a person has made: the original and every fork, one click apart, each with the
//! changes that lead to it (so it can be reproduced).

use leptos::prelude::*;

use super::explorer::Explorer;
use super::keyed::{key, keyed, row};

/// The list of runs, and the changes behind the one on show.
#[component]
pub fn ForkBar() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let branches = move || explorer.branch_labels();
    let changes = move || {
        let active = explorer.active();
        branches()
            .into_iter()
            .find(|(i, _, _)| *i == active)
            .map(|(_, _, c)| c)
            .unwrap_or_default()
    };
    view! {
        <section class="panel forks" aria-labelledby="forks-title">
            <h2 id="forks-title">"Runs"</h2>
            <div class="fork-buttons" role="group" aria-label="Switch between the original run and its forks">
                {keyed(move || {
                    branches()
                        .into_iter()
                        .map(|(i, label, _)| row(key(&[&i, &label]), move || view! {
                            <button
                                type="button"
                                class="fork"
                                aria-pressed=move || (explorer.active() == i).to_string()
                                on:click=move |_| explorer.show_branch(i)
                            >
                                {label}
                            </button>
                        }))
                        .collect()
                })}
            </div>
            <Show when=move || !changes().is_empty()>
                <p>"This run replays the original with:"</p>
                <ol class="changes">
                    {move || changes().into_iter().map(|(task, what)| view! { <li>{format!("at step {task}: {what}")}</li> }).collect_view()}
                </ol>
            </Show>
        </section>
    }
}
