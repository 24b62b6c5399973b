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
    fn x_of_clamps_and_survives_an_empty_span() {
        assert_eq!(x_of(5.0, 0.0, 10.0, 100.0), 50.0);
        assert_eq!(x_of(-5.0, 0.0, 10.0, 100.0), 0.0);
        assert_eq!(x_of(5.0, 3.0, 3.0, 100.0), 0.0);
    }
}
