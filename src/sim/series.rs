//! Metrics sampled on the virtual clock, for charts. The sampling interval doubles whenever
//! the series would grow past its size, so any run fits in a bounded, evenly spaced series.

use serde::Serialize;

use super::ids::Millis;

/// Most samples a series keeps.
pub const MAX_SAMPLES: usize = 1024;

/// The state of a run at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// Virtual time.
    pub time: Millis,
    /// Replica copies that differ from the source.
    pub divergent: u64,
    /// Messages on the bus.
    pub in_flight: u64,
    /// The largest number of published events some replica has not processed.
    pub lag: u64,
    /// Events in dead-letter queues.
    pub dead_letters: u64,
    /// Escalations waiting for a person.
    pub pending_escalations: u64,
}

/// Samples at multiples of an interval that starts at 1 ms and doubles as needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    /// The interval between samples.
    pub interval_ms: Millis,
    /// The samples, oldest first.
    pub samples: Vec<Sample>,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            interval_ms: 1,
            samples: Vec::new(),
        }
    }
}

impl Series {
    /// The earliest time the next sample may be taken.
    pub fn next_at(&self) -> Millis {
        self.samples.last().map_or(0, |s| {
            (s.time / self.interval_ms)
                .saturating_add(1)
                .saturating_mul(self.interval_ms)
        })
    }

    /// The samples taken at or before `time`, with the same interval.
    pub fn up_to(&self, time: Millis) -> Series {
        Series {
            interval_ms: self.interval_ms,
            samples: self
                .samples
                .iter()
                .filter(|s| s.time <= time)
                .copied()
                .collect(),
        }
    }

    /// Adds a sample; when full, keeps every other sample and doubles the interval.
    pub fn push(&mut self, sample: Sample) {
        if self
            .samples
            .last()
            .is_some_and(|last| last.time == sample.time)
        {
            self.samples.pop();
        }
        self.samples.push(sample);
        while self.samples.len() > MAX_SAMPLES {
            self.interval_ms = self.interval_ms.saturating_mul(2);
            let interval = self.interval_ms;
            let mut last_bucket = None;
            self.samples.retain(|s| {
                let bucket = s.time / interval;
                let keep = last_bucket != Some(bucket);
                last_bucket = Some(bucket);
                keep
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time: Millis) -> Sample {
        Sample {
            time,
            divergent: time,
            in_flight: 0,
            lag: 0,
            dead_letters: 0,
            pending_escalations: 0,
        }
    }

    #[test]
    fn series_stays_bounded_and_evenly_spaced() {
        let mut s = Series::default();
        let mut t = 0;
        while t < 1_000_000 {
            if t >= s.next_at() {
                s.push(at(t));
            }
            t += 7;
        }
        assert!(s.samples.len() <= MAX_SAMPLES);
        assert!(s.samples.len() > MAX_SAMPLES / 4);
        assert!(
            s.samples
                .windows(2)
                .all(|w| w[1].time / s.interval_ms > w[0].time / s.interval_ms)
        );
        assert_eq!(s.samples[0].time, 0);
    }
}
