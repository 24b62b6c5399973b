//! The knobs of a link and of a clock, and the ranges they must be in: checked when a
//! scenario is read and when a person changes one during a run.

use super::*;

/// Refuses a time or duration past `limits::MAX_TIME_MS`.
pub(super) fn at_most(path: String, ms: Millis, err: &mut impl FnMut(String, String)) {
    if ms > limits::MAX_TIME_MS {
        err(
            path,
            format!(
                "expected at most {} ms (one week), found {ms}",
                limits::MAX_TIME_MS
            ),
        );
    }
}

/// Refuses a clock offset or drift outside its range.
impl Clock {
    /// Every problem with this clock, as (field, what is wrong and what is allowed).
    pub fn problems(&self) -> Vec<(String, String)> {
        problems_of(|mut err| validate_clock(self, "", &mut err))
    }
}

pub(super) fn validate_clock(clock: &Clock, path: &str, err: &mut impl FnMut(String, String)) {
    let max = limits::MAX_TIME_MS as i64;
    if !(-max..=max).contains(&clock.offset_ms) {
        err(
            format!("{path}.offset_ms"),
            format!(
                "expected from -{max} to {max} ms (one week either way), found {}",
                clock.offset_ms
            ),
        );
    }
    let ppm = limits::MAX_DRIFT_PPM;
    if !(-ppm..=ppm).contains(&clock.drift_ppm) {
        err(
            format!("{path}.drift_ppm"),
            format!(
                "expected from -{ppm} to {ppm} parts per million, found {}",
                clock.drift_ppm
            ),
        );
    }
}

impl LinkFaults {
    /// Every problem with these knobs, as (field, what is wrong and what is allowed).
    pub fn problems(&self) -> Vec<(String, String)> {
        problems_of(|mut err| validate_link(self, "", &mut err))
    }
}

pub(super) fn validate_link(link: &LinkFaults, path: &str, err: &mut impl FnMut(String, String)) {
    at_most(format!("{path}.ack_timeout_ms"), link.ack_timeout_ms, err);
    at_most(format!("{path}.ack_delay_ms"), link.ack_delay_ms, err);
    let delays: &[(&str, Millis)] = match &link.delay {
        Delay::Fixed { ms } => &[("ms", *ms)],
        Delay::Uniform { min_ms, max_ms } => &[("min_ms", *min_ms), ("max_ms", *max_ms)],
        Delay::Exponential { mean_ms } => &[("mean_ms", *mean_ms)],
        Delay::LongTail { min_ms, .. } => &[("min_ms", *min_ms)],
    };
    for (field, ms) in delays {
        at_most(format!("{path}.delay.{field}"), *ms, err);
    }
    for (name, p, max) in [
        ("duplicate_probability", link.duplicate_probability, 1.0),
        (
            "drop_probability",
            link.drop_probability,
            limits::MAX_DROP_PROBABILITY,
        ),
    ] {
        if !(0.0..=max).contains(&p) {
            err(
                format!("{path}.{name}"),
                format!("expected a number from 0 to {max}, found {p}"),
            );
        }
    }
    if link.ack_timeout_ms == 0 {
        err(
            format!("{path}.ack_timeout_ms"),
            "expected a positive number of ms, found 0".into(),
        );
    }
    match link.delay {
        Delay::Uniform { min_ms, max_ms } if min_ms > max_ms => err(
            format!("{path}.delay.max_ms"),
            format!("expected at least min_ms ({min_ms}), found {max_ms}"),
        ),
        Delay::Exponential { mean_ms: 0 } => err(
            format!("{path}.delay.mean_ms"),
            "expected a positive number of ms, found 0".into(),
        ),
        Delay::LongTail { min_ms, alpha } => {
            if min_ms == 0 {
                err(
                    format!("{path}.delay.min_ms"),
                    "expected a positive number of ms, found 0".into(),
                );
            }
            if !(1.01..=10.0).contains(&alpha) {
                err(
                    format!("{path}.delay.alpha"),
                    format!("expected a number from 1.01 to 10, found {alpha}"),
                );
            }
        }
        _ => {}
    }
    for (i, w) in link.partitions.iter().enumerate() {
        at_most(format!("{path}.partitions[{i}].from"), w.from, err);
        at_most(format!("{path}.partitions[{i}].to"), w.to, err);
        if w.from >= w.to {
            err(
                format!("{path}.partitions[{i}].to"),
                format!("expected a time after from ({}), found {}", w.from, w.to),
            );
        }
    }
}

/// What `check` reports, as (field, message), the field without the leading dot of an
/// empty path.
fn problems_of(check: impl FnOnce(&mut dyn FnMut(String, String))) -> Vec<(String, String)> {
    let mut found = Vec::new();
    check(&mut |path: String, message| {
        found.push((path.trim_start_matches('.').to_string(), message))
    });
    found
}
