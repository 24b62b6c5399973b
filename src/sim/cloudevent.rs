//! CloudEvents 1.0 envelopes for published events (JSON event format, structured mode).

use serde::Serialize;

use super::ids::Millis;
use super::record::Fields;
use super::source::{EventKind, PublishedEvent};

/// A CloudEvents 1.0 event in its JSON form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloudEvent {
    /// Always "1.0".
    pub specversion: &'static str,
    /// Unique per event (`evt-3`).
    pub id: String,
    /// The producing system, as a URI reference (`/systems/crm`).
    pub source: String,
    /// Reverse-DNS event type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The record the event is about.
    pub subject: String,
    /// When it was published, RFC 3339, on a virtual clock that starts at 2026-01-01T00:00:00Z.
    pub time: String,
    /// Always "application/json".
    pub datacontenttype: &'static str,
    /// The change itself.
    pub data: EventData,
}

/// The payload of a record-change event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventData {
    /// The record's values after the change.
    pub fields: Fields,
    /// The version after the change.
    pub version: u64,
    /// The version before the change.
    pub previous_version: u64,
    /// When the change was written, RFC 3339, on the writer's clock.
    pub modified_at: String,
    /// The system that wrote it.
    pub writer: String,
}

impl CloudEvent {
    /// The envelope of `event`, published by `source`, about `subject`, written by `writer`.
    pub fn of(event: &PublishedEvent, source: &str, subject: &str, writer: &str) -> Self {
        CloudEvent {
            specversion: "1.0",
            id: event.id.to_string(),
            source: format!("/systems/{source}"),
            kind: match event.kind {
                EventKind::Changed => "io.syncscope.record.changed",
                EventKind::Resolved => "io.syncscope.record.resolved",
            },
            subject: subject.to_string(),
            time: rfc3339(event.published_at),
            datacontenttype: "application/json",
            data: EventData {
                fields: event.state.fields.clone(),
                version: event.state.version,
                previous_version: event.previous_version,
                modified_at: rfc3339(event.state.modified_at),
                writer: writer.to_string(),
            },
        }
    }
}

/// Virtual milliseconds as an RFC 3339 UTC timestamp, counting from 2026-01-01T00:00:00Z.
pub fn rfc3339(ms: Millis) -> String {
    // Days from 1970-01-01 to 2026-01-01.
    const EPOCH_DAYS: i64 = 20_454;
    let days = EPOCH_DAYS + (ms / 86_400_000) as i64;
    let rest = ms % 86_400_000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clock_starts_on_new_year_2026() {
        assert_eq!(rfc3339(0), "2026-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(3_723_004), "2026-01-01T01:02:03.004Z");
        // 59 days later is 1 March (2026 is not a leap year).
        assert_eq!(rfc3339(59 * 86_400_000), "2026-03-01T00:00:00.000Z");
        assert_eq!(rfc3339(365 * 86_400_000), "2027-01-01T00:00:00.000Z");
    }

    #[test]
    fn civil_dates_around_leap_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2024-02-29 is day 19782 since the Unix epoch.
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
