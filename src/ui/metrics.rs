//! The summary numbers at the step on show, and small charts of the series with the
//! current moment marked. Chart geometry comes from `crate::layout::chart`.

use leptos::prelude::*;

use crate::layout::chart::{downsample, step_path, x_of};
use crate::sim::explain::grouped;
use crate::sim::series::Sample;

use super::explorer::Explorer;
use super::keyed::{key, keyed, row};
use super::run_view::RunView;

const W: f64 = 220.0;

/// A chart's title and the number it plots from each sample.
type Chart = (&'static str, fn(&Sample) -> u64);
const H: f64 = 40.0;

/// Summary metrics and time-series charts.
#[component]
pub fn MetricsPanel(
    /// The run on show.
    view: Memo<Option<RunView>>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let rows = move || view.with(|v| v.as_ref().map(metric_rows).unwrap_or_default());
    // The series of the whole branch (recorded so far), shared by every chart.
    let series = Memo::new(move |_| {
        explorer.revision();
        explorer.active();
        explorer
            .with_branch(|b| b.timeline.full().series().samples.clone())
            .unwrap_or_default()
    });
    let charts: [Chart; 5] = [
        ("Divergent copies", |s| s.divergent),
        ("In flight", |s| s.in_flight),
        ("Consumer lag", |s| s.lag),
        ("Dead letters", |s| s.dead_letters),
        ("Pending escalations", |s| s.pending_escalations),
    ];
    view! {
        <section class="panel metrics" aria-labelledby="metrics-title">
            <h2 id="metrics-title">"Metrics at this step"</h2>
            <dl>
                {keyed(move || {
                    rows()
                        .into_iter()
                        .map(|(label, value)| row(key(&[&label, &value]), move || view! {
                            <div class="metric" data-metric=label>
                                <dt>{label}</dt>
                                <dd>{value}</dd>
                            </div>
                        }))
                        .collect()
                })}
            </dl>
            <div class="charts">
                {charts
                    .into_iter()
                    .map(|(title, pick)| chart(title, pick, series, explorer))
                    .collect_view()}
            </div>
        </section>
    }
}

/// The summary numbers of `v`, labelled, counts grouped by thousands.
fn metric_rows(v: &RunView) -> Vec<(&'static str, String)> {
    let m = &v.metrics;
    let converged = match (m.converged, m.converged_at) {
        (true, Some(t)) => format!("yes, at {t} ms"),
        _ => "no".to_string(),
    };
    let mut rows = vec![("Converged", converged)];
    rows.extend(
        [
            ("Published", m.published),
            ("Delivered", m.delivered),
            ("Duplicates delivered", m.duplicates_delivered),
            ("Duplicates absorbed", m.duplicates_absorbed),
            ("Duplicates applied twice", m.duplicates_applied),
            ("Dropped", m.dropped),
            ("Redelivered", m.redelivered),
            ("Stale rejected", m.stale_rejected),
            ("Conflicts", m.conflicts),
            ("Merges", m.merges),
            ("Lost updates", m.lost_updates),
            ("Escalations pending", m.escalations_pending),
            ("Dead letters", m.dead_letter_depth),
            ("Side effects repeated", m.duplicate_effects),
        ]
        .map(|(label, n)| (label, grouped(n))),
    );
    rows.push((
        "Trace",
        format!(
            "{} steps, {} entries · {}",
            grouped(v.steps),
            grouped(v.trace_entries as u64),
            v.trace_hash
        ),
    ));
    rows
}

/// The chart `title` of the value `pick` reads from each sample of `series`, with a line
/// at the time on show.
fn chart(
    title: &'static str,
    pick: fn(&Sample) -> u64,
    series: Memo<Vec<Sample>>,
    explorer: Explorer,
) -> impl IntoView {
    let geometry = Memo::new(move |_| {
        let samples = series.get();
        let t1 = samples.last().map_or(1.0, |s| s.time as f64).max(1.0);
        let points: Vec<(f64, f64)> = samples
            .iter()
            .map(|s| (s.time as f64, pick(s) as f64))
            .collect();
        let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
        // A long run has far more samples than the chart has pixels.
        let shown = downsample(&points, 0.0, t1, W as usize);
        (step_path(&shown, 0.0, t1, max, W, H), t1, max)
    });
    let marker = move || x_of(explorer.vnow(), 0.0, geometry.get().1, W);
    view! {
        <figure class="chart">
            <figcaption>{move || format!("{title} (max {})", geometry.get().2)}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img" aria-label=move || format!("{title} over the run, peaking at {}", geometry.get().2)>
                <path class="series" d=move || geometry.get().0 />
                <line class="now" x1=marker x2=marker y1="0" y2=H />
            </svg>
        </figure>
    }
}
