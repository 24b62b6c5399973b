//! Which run a view is compared with (`diffWith=`): one of the runs on the way to the run
//! on show, or the run on show under another strategy.

use std::fmt;

use crate::sim::resolver::Strategy;

/// The run a view is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffWith {
    /// The run made by the first `k` of the view's changes: `run:0` is the original,
    /// `run:1` its first fork, and so on (`run:K` with K the number of changes is the run on
    /// show itself).
    Run(usize),
    /// The run on show (its scenario, seed, idempotency and changes) under this strategy
    /// (`strategy:lww`).
    Strategy(Strategy),
}

impl fmt::Display for DiffWith {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffWith::Run(k) => write!(f, "run:{k}"),
            DiffWith::Strategy(s) => write!(f, "strategy:{s}"),
        }
    }
}

impl std::str::FromStr for DiffWith {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let wrong = || {
            format!(
                "expected run:K (the run after the first K changes, run:0 the original) or strategy:NAME, found \"{s}\""
            )
        };
        match s.split_once(':') {
            Some(("run", k)) => k.parse().map(DiffWith::Run).map_err(|_| wrong()),
            Some(("strategy", name)) => name
                .parse()
                .map(DiffWith::Strategy)
                .map_err(|why: String| format!("{why} (in \"{s}\")")),
            _ => Err(wrong()),
        }
    }
}
