//! The topology view's layout: the source of truth on the left, one bus queue per
//! subscriber in the middle, the replicas on the right.

/// A point in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

/// Where everything sits for a given number of replicas.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// Centre of the source of truth.
    pub source: Point,
    /// Centre of each replica's queue on the bus.
    pub queues: Vec<Point>,
    /// Centre of each replica.
    pub replicas: Vec<Point>,
}

/// Width of the drawing.
pub const WIDTH: f64 = 760.0;
/// Width of the drawing on a narrow screen: the same boxes closer together, so that a
/// phone draws the names half as large again (at 360 px a 760-wide drawing's names were
/// 5 px high).
pub const NARROW_WIDTH: f64 = 520.0;
/// Vertical room per replica.
pub const ROW: f64 = 64.0;
/// Margin above the first and below the last replica.
pub const MARGIN: f64 = 44.0;
/// Half the width of the source of truth's box.
pub const SOURCE_HALF_WIDTH: f64 = 70.0;
/// Half the width of a replica's box.
pub const REPLICA_HALF_WIDTH: f64 = 62.0;
/// Half the width and half the height of a queue's box (its number is its depth).
pub const QUEUE_HALF: (f64, f64) = (26.0, 13.0);
/// Room a message keeps from a box's edge: a drawn message is up to 8 units across.
const CLEARANCE: f64 = 8.0;

/// The layout for `replicas` replicas (1 to 10): replicas evenly spaced in a column, each
/// queue level with its replica, the source centred vertically; `narrow` for a narrow
/// screen (`NARROW_WIDTH`).
pub fn topology(replicas: usize, narrow: bool) -> Topology {
    let (width, source_x, queue_x, replica_x) = if narrow {
        (NARROW_WIDTH, 80.0, 265.0, 442.0)
    } else {
        (WIDTH, 90.0, 400.0, 670.0)
    };
    let n = replicas.max(1);
    let height = (2.0 * MARGIN + ROW * (n - 1) as f64).max(200.0);
    let top = (height - ROW * (n - 1) as f64) / 2.0;
    let row = |i: usize| top + ROW * i as f64;
    Topology {
        width,
        height,
        source: Point {
            x: source_x,
            y: height / 2.0,
        },
        queues: (0..n)
            .map(|i| Point {
                x: queue_x,
                y: row(i),
            })
            .collect(),
        replicas: (0..n)
            .map(|i| Point {
                x: replica_x,
                y: row(i),
            })
            .collect(),
    }
}

impl Topology {
    /// The path of link `i`: source, its queue, its replica. An index past the last
    /// replica (a view about to be replaced) gets a zero-length path at the source.
    pub fn link(&self, i: usize) -> [Point; 3] {
        [self.source, self.queue(i), self.replica(i)]
    }

    /// The path a message to replica `i` travels: from the source box's right edge,
    /// through its queue, to the replica box's left edge, so that a message never covers
    /// a system's name. A change request from the replica travels it backwards.
    pub fn route(&self, i: usize) -> [Point; 3] {
        let [s, q, r] = self.link(i);
        if s == r {
            return [s, s, s];
        }
        [
            Point {
                x: s.x + SOURCE_HALF_WIDTH + 8.0,
                y: s.y,
            },
            q,
            Point {
                x: r.x - REPLICA_HALF_WIDTH - 8.0,
                y: r.y,
            },
        ]
    }

    /// Centre of queue `i` (the source for an index past the last one).
    pub fn queue(&self, i: usize) -> Point {
        self.queues.get(i).copied().unwrap_or(self.source)
    }

    /// Centre of replica `i` (the source for an index past the last one).
    pub fn replica(&self, i: usize) -> Point {
        self.replicas.get(i).copied().unwrap_or(self.source)
    }
}

/// The point a fraction `t` (0 to 1, clamped) of the way along a polyline, by length.
pub fn along(path: &[Point], t: f64) -> Point {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let lengths: Vec<f64> = path
        .windows(2)
        .map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt())
        .collect();
    let total: f64 = lengths.iter().sum();
    if total == 0.0 {
        return path[0];
    }
    let mut left = t * total;
    for (w, len) in path.windows(2).zip(&lengths) {
        if left <= *len {
            let f = if *len == 0.0 { 0.0 } else { left / len };
            return Point {
                x: w[0].x + (w[1].x - w[0].x) * f,
                y: w[0].y + (w[1].y - w[0].y) * f,
            };
        }
        left -= len;
    }
    *path.last().expect("a path has points")
}

/// The point a fraction `t` (0 to 1, clamped) of the way along `route` (a message's
/// route: to its queue, then on), leaving out the stretch inside the queue's box: a
/// message goes in on one side and comes out on the other, never drawn over the box's
/// number (its depth).
pub fn along_past_queue(route: [Point; 3], t: f64) -> Point {
    let [from, queue, to] = route;
    // How far from the queue's centre a segment towards `p` leaves the box, plus room.
    let exit = |p: Point| {
        let (dx, dy) = ((p.x - queue.x).abs(), (p.y - queue.y).abs());
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            return 0.0;
        }
        // Where it crosses the box grown by the clearance on every side.
        let to_side = if dx == 0.0 {
            f64::INFINITY
        } else {
            (QUEUE_HALF.0 + CLEARANCE) * len / dx
        };
        let to_top = if dy == 0.0 {
            f64::INFINITY
        } else {
            (QUEUE_HALF.1 + CLEARANCE) * len / dy
        };
        to_side.min(to_top).min(len)
    };
    let shorten = |a: Point, b: Point, by_a: f64, by_b: f64| {
        let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        if len == 0.0 {
            return (a, b);
        }
        let at = |d: f64| Point {
            x: a.x + (b.x - a.x) * d / len,
            y: a.y + (b.y - a.y) * d / len,
        };
        // An end not moved stays exactly where it was.
        let start = if by_a == 0.0 { a } else { at(by_a) };
        let end = if by_b == 0.0 { b } else { at(len - by_b) };
        (start, end)
    };
    let (a0, a1) = shorten(from, queue, 0.0, exit(from));
    let (b0, b1) = shorten(queue, to, exit(to), 0.0);
    let first = ((a1.x - a0.x).powi(2) + (a1.y - a0.y).powi(2)).sqrt();
    let second = ((b1.x - b0.x).powi(2) + (b1.y - b0.y).powi(2)).sqrt();
    if first + second == 0.0 {
        return along(&route, t);
    }
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let d = t * (first + second);
    if d <= first {
        along(&[a0, a1], if first == 0.0 { 0.0 } else { d / first })
    } else {
        along(
            &[b0, b1],
            if second == 0.0 {
                1.0
            } else {
                (d - first) / second
            },
        )
    }
}

/// How far (0 to 1) a message sent at `sent` and due at `due` has come at time `now`.
pub fn progress(sent: f64, due: f64, now: f64) -> f64 {
    if due <= sent {
        return 1.0;
    }
    ((now - sent) / (due - sent)).clamp(0.0, 1.0)
}

/// The index of the point in `candidates` nearest to `p` and at most `radius` away, if any.
/// On a tie the later one wins: it is drawn on top.
pub fn nearest(candidates: &[Point], p: Point, radius: f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in candidates.iter().enumerate() {
        let d = (c.x - p.x).powi(2) + (c.y - p.y).powi(2);
        if d <= radius * radius && best.is_none_or(|(_, b)| d <= b) {
            best = Some((i, d));
        }
    }
    best.map(|(i, _)| i)
}

/// How many drawing units one CSS pixel is when a drawing `width` units wide is shown
/// `shown` CSS pixels wide (1 for a drawing not yet laid out).
pub fn units_per_pixel(width: f64, shown: f64) -> f64 {
    if shown > 0.0 && shown.is_finite() {
        width / shown
    } else {
        1.0
    }
}

/// Canvas pixels per drawing unit on a screen with `device_pixel_ratio`: one and a half
/// screen pixels per unit, so that the drawing stays sharp when the page shows it wider
/// than its 760 units, capped so that the canvas stays small.
pub fn pixels_per_unit(device_pixel_ratio: f64) -> f64 {
    if device_pixel_ratio.is_finite() {
        (device_pixel_ratio.max(1.0) * 1.5).min(3.0)
    } else {
        1.5
    }
}

/// The pixel size of a canvas laid over the drawing on a screen with `device_pixel_ratio`:
/// `pixels_per_unit` across the width, and room for the tallest layout (ten replicas).
/// Drawings of fewer replicas are squeezed into it vertically and CSS stretches it back.
pub fn canvas_pixels(device_pixel_ratio: f64) -> (u32, u32) {
    let scale = pixels_per_unit(device_pixel_ratio);
    let tallest = topology(crate::sim::scenario::limits::MAX_REPLICAS, false).height;
    (
        (WIDTH * scale).round() as u32,
        (tallest * scale).round() as u32,
    )
}

/// An SVG `points` list for a polyline.
pub fn points(path: &[Point]) -> String {
    path.iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_evenly_spaced_and_fit() {
        for n in 1..=10 {
            let t = topology(n, false);
            assert_eq!(t.replicas.len(), n);
            for p in t.replicas.iter().chain(&t.queues) {
                assert!(
                    p.y >= MARGIN - 1e-9 && p.y <= t.height - MARGIN + 1e-9 || n == 1,
                    "n={n} {p:?}"
                );
            }
            for w in t.replicas.windows(2) {
                assert!((w[1].y - w[0].y - ROW).abs() < 1e-9);
            }
            // The column is centred on the source.
            let mid = (t.replicas[0].y + t.replicas[n - 1].y) / 2.0;
            assert!((mid - t.source.y).abs() < 1e-9, "n={n}");
        }
        assert_eq!(topology(8, false).height, 2.0 * MARGIN + 7.0 * ROW);
        assert_eq!(topology(8, true).height, topology(8, false).height);
        assert_eq!(topology(1, false).height, 200.0);
    }

    #[test]
    fn both_widths_keep_every_box_inside_and_room_for_the_links() {
        for narrow in [false, true] {
            let t = topology(3, narrow);
            let (q, r) = (t.queues[0], t.replicas[0]);
            assert!(t.source.x - SOURCE_HALF_WIDTH >= 0.0, "{narrow}");
            assert!(r.x + REPLICA_HALF_WIDTH <= t.width, "{narrow}");
            // Each leg of a route is at least 60 units long between the boxes.
            let route = t.route(0);
            assert!(
                q.x - QUEUE_HALF.0 - route[0].x >= 60.0,
                "{narrow}: {route:?}"
            );
            assert!(
                route[2].x - (q.x + QUEUE_HALF.0) >= 60.0,
                "{narrow}: {route:?}"
            );
        }
        assert_eq!(topology(3, true).width, NARROW_WIDTH);
    }

    #[test]
    fn along_walks_both_segments_by_length() {
        let path = [
            Point { x: 0.0, y: 0.0 },
            Point { x: 30.0, y: 40.0 },
            Point { x: 130.0, y: 40.0 },
        ];
        // Lengths 50 and 100: a third of the way is the corner.
        assert_eq!(along(&path, 1.0 / 3.0), Point { x: 30.0, y: 40.0 });
        assert_eq!(along(&path, 0.0), path[0]);
        assert_eq!(along(&path, 1.0), path[2]);
        assert_eq!(along(&path, 2.0), path[2]);
        let p = along(&path, 0.1);
        assert!((p.x - 9.0).abs() < 1e-9 && (p.y - 12.0).abs() < 1e-9);
        assert_eq!(along(&path, f64::NAN), path[0]);
    }

    #[test]
    fn progress_is_clamped_and_handles_instant_messages() {
        assert_eq!(progress(100.0, 200.0, 150.0), 0.5);
        assert_eq!(progress(100.0, 200.0, 50.0), 0.0);
        assert_eq!(progress(100.0, 200.0, 250.0), 1.0);
        assert_eq!(progress(100.0, 100.0, 100.0), 1.0);
    }

    #[test]
    fn an_index_past_the_end_never_panics() {
        let t = topology(2, false);
        assert_eq!(t.link(5), [t.source; 3]);
    }

    #[test]
    fn nearest_finds_the_closest_point_within_the_radius() {
        let dots = [
            Point { x: 0.0, y: 0.0 },
            Point { x: 10.0, y: 0.0 },
            Point { x: 10.0, y: 0.0 },
        ];
        assert_eq!(nearest(&dots, Point { x: 2.0, y: 1.0 }, 5.0), Some(0));
        // Two dots in one place: the one drawn last (on top) is picked.
        assert_eq!(nearest(&dots, Point { x: 9.0, y: 0.0 }, 5.0), Some(2));
        // Exactly on the radius counts; beyond it does not.
        assert_eq!(nearest(&dots, Point { x: 0.0, y: 5.0 }, 5.0), Some(0));
        assert_eq!(nearest(&dots, Point { x: 0.0, y: 5.1 }, 5.0), None);
        assert_eq!(nearest(&[], Point { x: 0.0, y: 0.0 }, 5.0), None);
    }

    #[test]
    fn units_per_pixel_maps_css_pixels_to_the_drawing() {
        assert_eq!(units_per_pixel(760.0, 380.0), 2.0);
        assert_eq!(units_per_pixel(760.0, 0.0), 1.0);
        assert_eq!(units_per_pixel(760.0, f64::NAN), 1.0);
    }

    #[test]
    fn pixels_per_unit_follows_the_screen_within_bounds() {
        assert_eq!(pixels_per_unit(1.0), 1.5);
        assert_eq!(pixels_per_unit(0.5), 1.5);
        assert_eq!(pixels_per_unit(2.0), 3.0);
        assert_eq!(pixels_per_unit(4.0), 3.0);
        assert_eq!(pixels_per_unit(f64::NAN), 1.5);
    }

    #[test]
    fn the_canvas_has_room_for_ten_replicas() {
        // 760 units wide, 2 * 44 + 9 * 64 = 664 units tall, 1.5 pixels per unit.
        assert_eq!(canvas_pixels(1.0), (1140, 996));
        assert_eq!(canvas_pixels(2.0), (2280, 1992));
    }

    #[test]
    fn routes_stop_short_of_the_boxes() {
        let t = topology(3, false);
        for i in 0..3 {
            let [from, via, to] = t.route(i);
            assert!(from.x > t.source.x + SOURCE_HALF_WIDTH, "{from:?}");
            assert_eq!(via, t.queue(i));
            assert!(to.x < t.replica(i).x - REPLICA_HALF_WIDTH, "{to:?}");
            assert_eq!(to.y, t.replica(i).y);
        }
        assert_eq!(t.route(9), [t.source; 3]);
    }

    #[test]
    fn a_message_never_covers_its_queues_box() {
        let t = topology(8, false);
        for i in 0..8 {
            let q = t.queue(i);
            let mut route = t.route(i);
            for backwards in [false, true] {
                if backwards {
                    route.reverse();
                }
                let close =
                    |p: Point, q: Point| (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9;
                assert!(
                    close(along_past_queue(route, 0.0), route[0]),
                    "it starts where it did"
                );
                assert!(
                    close(along_past_queue(route, 1.0), route[2]),
                    "it ends where it did"
                );
                for k in 0..=200 {
                    let p = along_past_queue(route, k as f64 / 200.0);
                    let inside = (p.x - q.x).abs() < QUEUE_HALF.0 + CLEARANCE - 0.01
                        && (p.y - q.y).abs() < QUEUE_HALF.1 + CLEARANCE - 0.01;
                    assert!(
                        !inside,
                        "replica {i}, t = {k}/200: {p:?} is on the box at {q:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn points_are_formatted_for_svg() {
        assert_eq!(
            points(&[Point { x: 1.0, y: 2.25 }, Point { x: 3.0, y: 4.0 }]),
            "1.0,2.2 3.0,4.0"
        );
    }
}
