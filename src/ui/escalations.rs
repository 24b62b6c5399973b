//! The escalation inbox: conflicts that wait for a person, with the means to decide.

use leptos::prelude::*;

use crate::sim::escalation::Decision;

use crate::sim::Command;

use super::explorer::Explorer;
use super::keyed::{keyed, row};
use super::run_view::{PendingEscalation, RunView, describe_pairs};

/// Every pending escalation, each with buttons to decide it.
#[component]
pub fn EscalationInbox(
    /// The run on show.
    view: Memo<Option<RunView>>,
) -> impl IntoView {
    let pending = move || view.get().map(|v| v.pending).unwrap_or_default();
    let source = move || view.get().map(|v| v.source).unwrap_or_default();
    view! {
        <section class="panel inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title">"Escalation inbox"</h2>
            <Show when=move || pending().is_empty()>
                <p class="empty">"No conflict is waiting for a decision."</p>
            </Show>
            {keyed(move || {
                pending()
                    .into_iter()
                    .map(|escalation| row(escalation.id.to_string(), move || view! { <PendingCard escalation=escalation source=source() /> }))
                    .collect()
            })}
        </section>
    }
}

/// One pending conflict: both values side by side and the three ways to decide.
#[component]
fn PendingCard(
    /// The conflict.
    escalation: PendingEscalation,
    /// The source of truth's name.
    source: String,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let id = escalation.id;
    let decide = move |d: Decision| {
        let label = match &d {
            Decision::KeepSource => format!("Escalation #{id}: keep the source's value"),
            Decision::TakeReplica => format!("Escalation #{id}: take the replica's value"),
            Decision::Merge(_) => format!("Escalation #{id}: merged value"),
        };
        explorer.intervene(
            Command::Resolve {
                escalation: id,
                decision: d,
            },
            label,
        );
    };
    let title = format!(
        "#{} · {} · {} vs {}",
        id, escalation.record, escalation.replica, source
    );
    view! {
        <article class="escalation" data-escalation=id aria-label=format!("Escalation {id}")>
            <h3>{title}</h3>
            <p class="raised">{format!("Raised at {} ms", escalation.raised_at)}</p>
            <div class="sides">
                <div>
                    <h4>{format!("{source} (source of truth) has")}</h4>
                    <p class="value">{describe_pairs(&escalation.source_value)}</p>
                </div>
                <div>
                    <h4>{format!("{} wrote", escalation.replica)}</h4>
                    <p class="value">{describe_pairs(&escalation.replica_value)}</p>
                </div>
            </div>
            <div class="actions">
                <button type="button" class="keep-source" on:click=move |_| decide(Decision::KeepSource)>
                    {format!("Keep {source}'s value")}
                </button>
                <button type="button" class="take-replica" on:click=move |_| decide(Decision::TakeReplica)>
                    {format!("Take {}'s value", escalation.replica)}
                </button>
            </div>
            {merge_form(escalation.replica_value.clone(), decide)}
        </article>
    }
}

/// The merged value a person can write instead of picking a side: it starts as the
/// replica's, one field each; `decide` gets it.
fn merge_form(
    replica_value: Vec<(String, String)>,
    decide: impl Fn(Decision) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let merged: Vec<(String, RwSignal<String>)> = replica_value
        .into_iter()
        .map(|(k, v)| (k, RwSignal::new(v)))
        .collect();
    let merged_for_submit = merged.clone();
    view! {
        <fieldset class="merge">
            <legend>"Or write a merged value"</legend>
            {merged
                .into_iter()
                .map(|(name, value)| {
                    view! {
                        <label>
                            <span>{name}</span>
                            <input
                                type="text"
                                prop:value=move || value.get()
                                on:input=move |ev| value.set(event_target_value(&ev))
                            />
                        </label>
                    }
                })
                .collect_view()}
            <button
                type="button"
                class="merge-submit"
                on:click=move |_| {
                    let fields = merged_for_submit
                        .iter()
                        .map(|(k, v)| (k.clone(), v.get_untracked()))
                        .collect();
                    decide(Decision::Merge(fields));
                }
            >
                "Use merged value"
            </button>
        </fieldset>
    }
}
