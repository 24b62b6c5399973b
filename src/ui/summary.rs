//! The run's summary numbers.

use leptos::prelude::*;

use super::run_view::RunView;

/// The summary metrics of the run.
#[component]
pub fn SummaryMetrics(
    /// The run on show.
    view: Memo<Option<RunView>>,
) -> impl IntoView {
    let rows = move || {
        let Some(v) = view.get() else {
            return Vec::new();
        };
        let m = v.metrics;
        let converged = match (m.converged, m.converged_at) {
            (true, Some(t)) => format!("yes, at {t} ms"),
            _ => "no".to_string(),
        };
        vec![
            ("Converged", converged),
            ("Published", m.published.to_string()),
            ("Delivered", m.delivered.to_string()),
            ("Duplicates delivered", m.duplicates_delivered.to_string()),
            ("Duplicates absorbed", m.duplicates_absorbed.to_string()),
            ("Duplicates applied twice", m.duplicates_applied.to_string()),
            ("Dropped", m.dropped.to_string()),
            ("Redelivered", m.redelivered.to_string()),
            ("Stale rejected", m.stale_rejected.to_string()),
            ("Conflicts", m.conflicts.to_string()),
            ("Lost updates", m.lost_updates.to_string()),
            ("Escalations pending", m.escalations_pending.to_string()),
            ("Quiet at", format!("{} ms", m.end_time)),
            ("Trace", format!("{} steps · {}", v.steps, v.trace_hash)),
        ]
    };
    view! {
        <section class="panel summary" aria-labelledby="summary-title">
            <h2 id="summary-title">"Summary"</h2>
            <dl>
                <For each=rows key=|(label, value)| (*label, value.clone()) let((label, value))>
                    <div class="metric" data-metric=label>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                </For>
            </dl>
        </section>
    }
}
