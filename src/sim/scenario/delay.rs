//! Delay distributions of a link, and their JSON form.

use serde::{Deserialize, Serialize};

use super::LinkFaults;
use super::knobs::validate_link;
use crate::sim::ids::Millis;

/// A delay distribution, in virtual milliseconds. In JSON, `kind` names the distribution
/// and its parameters sit beside it: `{"kind": "uniform", "min_ms": 5, "max_ms": 40}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DelayJson", into = "DelayJson")]
pub enum Delay {
    /// Always the same delay.
    Fixed {
        /// The delay.
        ms: Millis,
    },
    /// Any delay between the bounds, equally likely.
    Uniform {
        /// Shortest delay.
        min_ms: Millis,
        /// Longest delay.
        max_ms: Millis,
    },
    /// Mostly short delays with an exponential tail.
    Exponential {
        /// Average delay.
        mean_ms: Millis,
    },
    /// A Pareto distribution: at least `min_ms`, and now and then far longer.
    LongTail {
        /// Shortest delay.
        min_ms: Millis,
        /// Tail shape; smaller means heavier (1.1 is very heavy, 3 is mild).
        alpha: f64,
    },
}

/// The JSON form of a delay: a flat object, so that a bad parameter is reported with its
/// own path (serde loses the path inside internally tagged enums).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DelayJson {
    kind: DelayKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mean_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alpha: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DelayKind {
    #[default]
    Fixed,
    Uniform,
    Exponential,
    LongTail,
}

impl TryFrom<DelayJson> for Delay {
    type Error = String;

    fn try_from(j: DelayJson) -> Result<Self, String> {
        let (name, wanted): (&str, &[&str]) = match j.kind {
            DelayKind::Fixed => ("fixed", &["ms"]),
            DelayKind::Uniform => ("uniform", &["min_ms", "max_ms"]),
            DelayKind::Exponential => ("exponential", &["mean_ms"]),
            DelayKind::LongTail => ("long_tail", &["min_ms", "alpha"]),
        };
        let given = [
            ("ms", j.ms.is_some()),
            ("min_ms", j.min_ms.is_some()),
            ("max_ms", j.max_ms.is_some()),
            ("mean_ms", j.mean_ms.is_some()),
            ("alpha", j.alpha.is_some()),
        ];
        for (field, present) in given {
            if present && !wanted.contains(&field) {
                return Err(format!(
                    "{field} does not apply to kind {name}; it takes {}",
                    wanted.join(" and ")
                ));
            }
            if !present && wanted.contains(&field) {
                return Err(format!("kind {name} needs {}", wanted.join(" and ")));
            }
        }
        Ok(match j.kind {
            DelayKind::Fixed => Delay::Fixed {
                ms: j.ms.unwrap_or_default(),
            },
            DelayKind::Uniform => Delay::Uniform {
                min_ms: j.min_ms.unwrap_or_default(),
                max_ms: j.max_ms.unwrap_or_default(),
            },
            DelayKind::Exponential => Delay::Exponential {
                mean_ms: j.mean_ms.unwrap_or_default(),
            },
            DelayKind::LongTail => Delay::LongTail {
                min_ms: j.min_ms.unwrap_or_default(),
                alpha: j.alpha.unwrap_or_default(),
            },
        })
    }
}

impl From<Delay> for DelayJson {
    fn from(d: Delay) -> Self {
        match d {
            Delay::Fixed { ms } => DelayJson {
                kind: DelayKind::Fixed,
                ms: Some(ms),
                ..Default::default()
            },
            Delay::Uniform { min_ms, max_ms } => DelayJson {
                kind: DelayKind::Uniform,
                min_ms: Some(min_ms),
                max_ms: Some(max_ms),
                ..Default::default()
            },
            Delay::Exponential { mean_ms } => DelayJson {
                kind: DelayKind::Exponential,
                mean_ms: Some(mean_ms),
                ..Default::default()
            },
            Delay::LongTail { min_ms, alpha } => DelayJson {
                kind: DelayKind::LongTail,
                min_ms: Some(min_ms),
                alpha: Some(alpha),
                ..Default::default()
            },
        }
    }
}

impl Delay {
    /// The short form a person types: `fixed 10`, `uniform 5-40`, `exp 60`, `tail 15 1.4`.
    pub fn short(&self) -> String {
        match *self {
            Delay::Fixed { ms } => format!("fixed {ms}"),
            Delay::Uniform { min_ms, max_ms } => format!("uniform {min_ms}-{max_ms}"),
            Delay::Exponential { mean_ms } => format!("exp {mean_ms}"),
            Delay::LongTail { min_ms, alpha } => format!("tail {min_ms} {alpha}"),
        }
    }

    /// Reads the short form; the error says what is allowed.
    pub fn parse_short(text: &str) -> Result<Delay, String> {
        const HELP: &str =
            "expected fixed MS, uniform MIN-MAX, exp MEAN or tail MIN ALPHA (times in ms)";
        let words: Vec<&str> = text.split_whitespace().collect();
        let ms = |w: &str| {
            w.parse::<Millis>()
                .map_err(|_| format!("{HELP}; \"{w}\" is not a whole number of ms"))
        };
        let delay = match words.as_slice() {
            ["fixed", v] => Delay::Fixed { ms: ms(v)? },
            ["uniform", range] => {
                let (a, b) = range
                    .split_once('-')
                    .ok_or_else(|| format!("{HELP}; found \"{text}\""))?;
                Delay::Uniform {
                    min_ms: ms(a)?,
                    max_ms: ms(b)?,
                }
            }
            ["exp", v] => Delay::Exponential { mean_ms: ms(v)? },
            ["tail", v, a] => Delay::LongTail {
                min_ms: ms(v)?,
                alpha: crate::sim::decimal::parse_decimal(a)
                    .ok_or_else(|| format!("{HELP}; \"{a}\" is not a number"))?,
            },
            _ => return Err(format!("{HELP}; found \"{text}\"")),
        };
        let mut problems = Vec::new();
        let link = LinkFaults {
            delay: delay.clone(),
            ..LinkFaults::default()
        };
        validate_link(&link, "delay", &mut |_, m| problems.push(m));
        match problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(delay),
        }
    }
}

impl Default for Delay {
    fn default() -> Self {
        Delay::Fixed { ms: 10 }
    }
}

#[cfg(test)]
mod delay_tests {
    use super::*;

    #[test]
    fn short_delays_round_trip_and_explain_mistakes() {
        for d in [
            Delay::Fixed { ms: 10 },
            Delay::Uniform {
                min_ms: 5,
                max_ms: 40,
            },
            Delay::Exponential { mean_ms: 60 },
            Delay::LongTail {
                min_ms: 15,
                alpha: 1.4,
            },
        ] {
            assert_eq!(Delay::parse_short(&d.short()), Ok(d));
        }
        assert!(
            Delay::parse_short("uniform 40-5")
                .unwrap_err()
                .contains("expected at least min_ms (40), found 5")
        );
        assert!(
            Delay::parse_short("soon")
                .unwrap_err()
                .starts_with("expected fixed MS")
        );
        assert!(
            Delay::parse_short("fixed -3")
                .unwrap_err()
                .contains("\"-3\" is not a whole number")
        );
        assert!(
            Delay::parse_short("exp 0")
                .unwrap_err()
                .contains("positive")
        );
    }
}
