//! Small line charts: a series of (time, value) becomes an SVG path in a box.

/// The path (`d` attribute) of a step line through `points`, scaled into a `width` x
/// `height` box: time from `t0` to `t1` left to right, values from 0 to `max` bottom to top.
pub fn step_path(
    points: &[(f64, f64)],
    t0: f64,
    t1: f64,
    max: f64,
    width: f64,
    height: f64,
) -> String {
    if points.is_empty() {
        return String::new();
    }
    let x = |t: f64| x_of(t, t0, t1, width);
    let y = |v: f64| {
        if max <= 0.0 {
            height
        } else {
            height - (v / max).clamp(0.0, 1.0) * height
        }
    };
    let mut d = format!("M{:.1},{:.1}", x(points[0].0), y(points[0].1));
    for w in points.windows(2) {
        // Hold the previous value until the next sample, then jump: metrics change in steps.
        d.push_str(&format!(" H{:.1} V{:.1}", x(w[1].0), y(w[1].1)));
    }
    d.push_str(&format!(" H{:.1}", x(t1)));
    d
}

/// Horizontal position of time `t` in a `width`-wide box spanning `t0` to `t1`.
pub fn x_of(t: f64, t0: f64, t1: f64, width: f64) -> f64 {
    if t1 <= t0 {
        return 0.0;
    }
    ((t - t0) / (t1 - t0)).clamp(0.0, 1.0) * width
}

/// At most `buckets` points, one per equal slice of the time from `t0` to `t1`, each the
/// first sample's time in its slice with the largest value in it: what a chart `buckets`
/// pixels wide can show, with every peak kept. A series that fits is returned as is.
pub fn downsample(points: &[(f64, f64)], t0: f64, t1: f64, buckets: usize) -> Vec<(f64, f64)> {
    if points.len() <= buckets || buckets == 0 || t1 <= t0 {
        return points.to_vec();
    }
    let slice = |t: f64| (((t - t0) / (t1 - t0) * buckets as f64) as usize).min(buckets - 1);
    let mut out: Vec<(usize, (f64, f64))> = Vec::with_capacity(buckets);
    for &(t, v) in points {
        let b = slice(t.max(t0));
        match out.last_mut() {
            Some((last, (_, max))) if *last == b => *max = max.max(v),
            _ => out.push((b, (t, v))),
        }
    }
    out.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_path_scales_time_and_value() {
        let d = step_path(
            &[(0.0, 0.0), (50.0, 2.0), (100.0, 1.0)],
            0.0,
            100.0,
            2.0,
            200.0,
            40.0,
        );
        assert_eq!(d, "M0.0,40.0 H100.0 V0.0 H200.0 V20.0 H200.0");
    }

    #[test]
    fn flat_zero_series_sits_on_the_baseline() {
        assert_eq!(
            step_path(&[(0.0, 0.0)], 0.0, 10.0, 0.0, 100.0, 30.0),
            "M0.0,30.0 H100.0"
        );
        assert_eq!(step_path(&[], 0.0, 10.0, 1.0, 100.0, 30.0), "");
    }

    #[test]
    fn downsample_keeps_one_point_per_slice_and_every_peak() {
        // 10,000 samples over 0..10,000 ms, all 1 but one spike of 9 at 4,321 ms.
        let points: Vec<(f64, f64)> = (0..10_000)
            .map(|t| (t as f64, if t == 4321 { 9.0 } else { 1.0 }))
            .collect();
        let small = downsample(&points, 0.0, 10_000.0, 100);
        assert_eq!(small.len(), 100);
        // The spike's slice (4,300..4,400) starts at 4,300 and keeps the spike's value.
        assert_eq!(small[43], (4300.0, 9.0));
        assert_eq!(small[42], (4200.0, 1.0));
        assert_eq!(small[44], (4400.0, 1.0));
        // Times stay in order.
        assert!(small.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn downsample_leaves_a_short_series_alone() {
        let points = [(0.0, 1.0), (5.0, 2.0)];
        assert_eq!(downsample(&points, 0.0, 10.0, 100), points.to_vec());
        assert_eq!(downsample(&[], 0.0, 10.0, 100), Vec::new());
        // A slice with no sample adds nothing: the step line holds the last value.
        let sparse = [(0.0, 1.0), (1.0, 2.0), (2.0, 0.0), (9.5, 4.0)];
        assert_eq!(
            downsample(&sparse, 0.0, 10.0, 2),
            vec![(0.0, 2.0), (9.5, 4.0)]
        );
    }

    #[test]
    fn x_of_clamps_and_survives_an_empty_span() {
        assert_eq!(x_of(5.0, 0.0, 10.0, 100.0), 50.0);
        assert_eq!(x_of(-5.0, 0.0, 10.0, 100.0), 0.0);
        assert_eq!(x_of(5.0, 3.0, 3.0, 100.0), 0.0);
    }
}
