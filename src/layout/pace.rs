//! The pace of playback: speeds named in system time per real second, and the skip over
//! long quiet stretches, as pure functions of virtual and real time.

/// Playback speeds: the words shown, and virtual milliseconds per real millisecond
/// (`None`: as fast as the engine records).
pub const SPEEDS: [(&str, Option<f64>); 7] = [
    ("Very slow: 5 ms a second", Some(0.005)),
    ("Slow: 20 ms a second", Some(0.02)),
    ("Steady: 100 ms a second", Some(0.1)),
    ("Real time", Some(1.0)),
    ("Fast: 1 min a second", Some(60.0)),
    ("Very fast: 1 h a second", Some(3_600.0)),
    ("Fastest", None),
];

/// The speed a run starts at: a 30 ms delivery takes 1.5 s to cross the picture.
pub const DEFAULT_SPEED: usize = 1;

/// Real milliseconds of waiting with nothing to see after which playback skips ahead.
pub const QUIET_SKIP_MS: f64 = 1_500.0;

/// Real milliseconds of playback kept before the next step after a skip, so its message
/// is still seen arriving.
pub const SKIP_LEAD_MS: f64 = 500.0;

/// Real milliseconds a "2 h later" note stays up.
pub const SKIP_NOTE_MS: f64 = 2_500.0;

/// Where playback goes after `delta_ms` of real time at `factor` (virtual ms per real ms),
/// from virtual time `now`, when the next step is at `next_step` and the run ends at
/// `end`: the new virtual time, and how much quiet time was skipped, if any. A wait longer
/// than `QUIET_SKIP_MS` of real time is cut to `SKIP_LEAD_MS` before the next step.
pub fn advance(
    now: f64,
    delta_ms: f64,
    factor: f64,
    next_step: f64,
    end: f64,
) -> (f64, Option<f64>) {
    let moved = (now + delta_ms * factor).min(end);
    let lead = SKIP_LEAD_MS * factor;
    if next_step - now > QUIET_SKIP_MS * factor && moved < next_step - lead {
        let to = next_step - lead;
        (to, Some(to - now))
    } else {
        (moved, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_wait_is_played_through() {
        // 20 ms a second: the next step 30 ms away is 1.5 s of real time, not more.
        let (to, skipped) = advance(100.0, 16.0, 0.02, 130.0, 1_000.0);
        assert!((to - 100.32).abs() < 1e-9);
        assert_eq!(skipped, None);
    }

    #[test]
    fn a_long_quiet_stretch_is_skipped_to_just_before_the_next_step() {
        // saga: two hours between the last step and the failure, at 20 ms a second.
        let (to, skipped) = advance(600.0, 16.0, 0.02, 7_200_000.0, 7_300_000.0);
        assert_eq!(to, 7_200_000.0 - 10.0);
        assert_eq!(skipped, Some(7_200_000.0 - 10.0 - 600.0));
        // Once within the lead, it plays on at its pace.
        let (to, skipped) = advance(to, 16.0, 0.02, 7_200_000.0, 7_300_000.0);
        assert!((to - (7_200_000.0 - 10.0 + 0.32)).abs() < 1e-6);
        assert_eq!(skipped, None);
    }

    #[test]
    fn it_never_passes_the_end() {
        let (to, skipped) = advance(990.0, 1_000.0, 1.0, 1_000.0, 1_000.0);
        assert_eq!((to, skipped), (1_000.0, None));
    }

    #[test]
    fn the_default_speed_is_slow_enough_to_follow_a_message() {
        let factor = SPEEDS[DEFAULT_SPEED].1.unwrap();
        // A 30 ms delivery, the built-ins' usual link delay, lasts at least a second.
        assert!(30.0 / factor >= 1_000.0);
    }
}
