//! A view as a link: which run (a scenario, its strategy, seed and idempotency, and the
//! changes its forks made, in the engine's one vocabulary of changes) and what of it is on
//! show (the step, the speed, the selection), written as a URL query a person can read:
//! `?v=1&scenario=email-conflict&strategy=lww&seed=3&step=12`.
//!
//! A link is untrusted input. Reading one never fails: each parameter that is unknown,
//! malformed or out of range is left at its default and reported as a `LinkNotice` that
//! names it and says what is allowed, and a query longer than `MAX_QUERY_CHARS` is not read
//! at all. A link carries the format it was written in and, optionally, the trace hash of
//! the run it showed, so that a page can say when the run now plays out differently.

use std::fmt;
use std::sync::{Arc, OnceLock};

pub mod custom;
mod diff;
pub mod embed;
mod settings;

pub use diff::DiffWith;
pub use embed::Embed;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::command::Command;
use super::library;
use super::load::ExplorerLoad;
use super::resolver::Strategy;
use super::scenario::Scenario;
use settings::read_settings;

/// The format this module writes (`v=`). A link of a later format is read as far as it can
/// be, with a notice.
pub const FORMAT: u32 = 1;

/// The longest query read; a longer one is refused with a notice, not parsed.
pub const MAX_QUERY_CHARS: usize = 16_000;

/// The seed, strategy and idempotency of a scenario the link does not override: the
/// generated loads' (`load::load_scenario`), a built-in's own, or the custom scenario's.
fn scenario_defaults(scenario: &str, custom: Option<&Scenario>) -> Option<(Strategy, u64, bool)> {
    if let Some(custom) = custom {
        return Some((custom.strategy, custom.seed, custom.idempotency));
    }
    if ExplorerLoad::named(scenario).is_some() {
        return Some((Strategy::VersionComparison, 1, true));
    }
    // Built once: building a scenario to read three of its fields, on every link written
    // (the page writes its address as the view moves), was most of writing a link.
    type Defaults = (Strategy, u64, bool);
    static BUILT_IN: OnceLock<Vec<Option<Defaults>>> = OnceLock::new();
    let own = BUILT_IN.get_or_init(|| {
        (0..library::NAMES.len())
            .map(|i| library::built_in_at(i).map(|s| (s.strategy, s.seed, s.idempotency)))
            .collect()
    });
    let index = library::NAMES.iter().position(|n| *n == scenario)?;
    own.get(index).copied().flatten()
}

/// What is selected in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picked {
    /// A message in flight, by bus slot and generation (`message:3.1`).
    Message {
        /// Bus slot.
        slot: u32,
        /// Generation of the slot.
        generation: u32,
    },
    /// A published event, by number (`event:4`).
    Event(u64),
    /// A system, 0 being the source of truth (`system:2`).
    System(u16),
    /// The link to replica `n`, from 0 (`link:1`).
    Link(usize),
}

impl fmt::Display for Picked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Picked::Message { slot, generation } => write!(f, "message:{slot}.{generation}"),
            Picked::Event(n) => write!(f, "event:{n}"),
            Picked::System(n) => write!(f, "system:{n}"),
            Picked::Link(n) => write!(f, "link:{n}"),
        }
    }
}

impl std::str::FromStr for Picked {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let (kind, rest) = s.split_once(':').ok_or(())?;
        match kind {
            "message" => {
                let (slot, generation) = rest.split_once('.').ok_or(())?;
                Ok(Picked::Message {
                    slot: slot.parse().map_err(|_| ())?,
                    generation: generation.parse().map_err(|_| ())?,
                })
            }
            "event" => rest.parse().map(Picked::Event).map_err(|_| ()),
            "system" => rest.parse().map(Picked::System).map_err(|_| ()),
            "link" => rest.parse().map(Picked::Link).map_err(|_| ()),
            _ => Err(()),
        }
    }
}

/// A view: the run and what of it is on show.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewLink {
    /// A built-in scenario's name, a generated load's, or the custom scenario's.
    pub scenario: String,
    /// The scenario itself when it is none of SyncScope's own (imported by the person),
    /// carried in the link packed (`custom::pack`).
    pub custom: Option<Arc<Scenario>>,
    /// The strategy.
    pub strategy: Strategy,
    /// The seed.
    pub seed: u64,
    /// Whether replicas skip events already processed.
    pub idempotent: bool,
    /// The step on show (tasks done).
    pub step: u64,
    /// The playback speed, as an index into the page's list of speeds; `None`: the page's
    /// default.
    pub speed: Option<usize>,
    /// What is selected, if anything.
    pub selected: Option<Picked>,
    /// The changes that lead from the scenario's run to the run on show, with the step
    /// each was made at (`timeline::replay` makes the run).
    pub changes: Vec<(u64, Command)>,
    /// The trace hash of the whole run on show when the link was made.
    pub hash: Option<String>,
    /// Whether every strategy's run is shown beside it (`compare=1`).
    pub compare: bool,
    /// The run it is compared with, if any (`diffWith=`).
    pub diff_with: Option<DiffWith>,
}

/// A parameter of a link that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkNotice {
    /// The parameter (`seed`), or `link` for the link as a whole.
    pub parameter: String,
    /// What was wrong and what is allowed.
    pub problem: String,
}

impl fmt::Display for LinkNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "The link's {}: {}", self.parameter, self.problem)
    }
}

/// A link read: the view (defaults where a part could not be used) and what could not.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// The view to show.
    pub view: ViewLink,
    /// How to show it inside another page, when the link asks for that (`embed=1`).
    pub embed: Option<Embed>,
    /// One notice per parameter left at its default.
    pub notices: Vec<LinkNotice>,
}

/// What a parameter's value must not contain unencoded: everything but letters, digits and
/// `-._~:,`, which keep a link readable (`message:3.1`, `generated-load`).
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b',');

impl ViewLink {
    /// The view of `scenario`'s own run at step 0, nothing selected: `None` when no
    /// built-in scenario or generated load has that name.
    pub fn of(scenario: &str) -> Option<ViewLink> {
        let (strategy, seed, idempotent) = scenario_defaults(scenario, None)?;
        Some(ViewLink {
            scenario: scenario.to_string(),
            custom: None,
            strategy,
            seed,
            idempotent,
            step: 0,
            speed: None,
            selected: None,
            changes: Vec::new(),
            hash: None,
            compare: false,
            diff_with: None,
        })
    }

    /// The view of a scenario of the person's own (`custom`), its own run at step 0.
    pub fn of_custom(scenario: Arc<Scenario>) -> ViewLink {
        ViewLink {
            scenario: scenario.name.clone(),
            strategy: scenario.strategy,
            seed: scenario.seed,
            idempotent: scenario.idempotency,
            custom: Some(scenario),
            step: 0,
            speed: None,
            selected: None,
            changes: Vec::new(),
            hash: None,
            compare: false,
            diff_with: None,
        }
    }

    /// The query part of the view's link, without `?`: the format first, then the
    /// scenario, then only what differs from the scenario's own settings, then the step,
    /// speed, selection, changes (JSON) and hash.
    pub fn to_query(&self) -> String {
        let mut pairs = vec![
            ("v", FORMAT.to_string()),
            ("scenario", self.scenario.clone()),
        ];
        if let Some(custom) = &self.custom {
            pairs.push(("custom", custom::pack(custom)));
        }
        let own = scenario_defaults(&self.scenario, self.custom.as_deref());
        if own.map(|o| o.0) != Some(self.strategy) {
            pairs.push(("strategy", self.strategy.as_str().to_string()));
        }
        if own.map(|o| o.1) != Some(self.seed) {
            pairs.push(("seed", self.seed.to_string()));
        }
        if own.map(|o| o.2) != Some(self.idempotent) {
            pairs.push(("idempotent", u8::from(self.idempotent).to_string()));
        }
        pairs.push(("step", self.step.to_string()));
        if let Some(speed) = self.speed {
            pairs.push(("speed", speed.to_string()));
        }
        if let Some(selected) = self.selected {
            pairs.push(("select", selected.to_string()));
        }
        if !self.changes.is_empty() {
            // Serialising plain data with derived impls cannot fail.
            let json = serde_json::to_string(&self.changes).unwrap_or_default();
            pairs.push(("changes", json));
        }
        if let Some(hash) = &self.hash {
            pairs.push(("hash", hash.clone()));
        }
        if self.compare {
            pairs.push(("compare", "1".into()));
        }
        if let Some(with) = self.diff_with {
            pairs.push(("diffWith", with.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, ESCAPED)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a link's query (with or without its `?`). `speeds` is how many playback
    /// speeds the page offers. Never fails: see the module's notes.
    pub fn from_query(query: &str, speeds: usize) -> Opened {
        Self::from_query_unpacking(query, speeds, custom::unpack, |_| None)
    }

    /// `from_query`, with `unpack` reading a `custom=` scenario (`custom::unpack`) and
    /// `lookup` finding a scenario the link names but neither SyncScope has nor the link
    /// carries (the page's My scenarios: one too large for a link is named, not carried).
    /// A program that reads scenarios only in some parts of its code (the page fetches the
    /// scenario reader on demand) passes its own `unpack` for links that have no `custom=`
    /// (`has_custom`).
    pub fn from_query_unpacking(
        query: &str,
        speeds: usize,
        unpack: impl Fn(&str) -> Result<Scenario, String>,
        lookup: impl Fn(&str) -> Option<Arc<Scenario>>,
    ) -> Opened {
        let first = library::NAMES[0];
        let mut notices = Vec::new();
        let fallback = || ViewLink::of(first).expect("the first built-in scenario exists");
        let query = query.strip_prefix('?').unwrap_or(query);
        if query.len() > MAX_QUERY_CHARS {
            notices.push(notice(
                "link",
                format!(
                    "it is {} characters long; at most {MAX_QUERY_CHARS} are read, so it was not opened.",
                    query.len()
                ),
            ));
            return Opened {
                view: fallback(),
                embed: None,
                notices,
            };
        }
        let pairs = decoded_pairs(query, &mut notices);
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let custom = get("custom").and_then(|text| match unpack(text) {
            Ok(scenario) => Some(ViewLink::of_custom(Arc::new(scenario))),
            Err(why) => {
                notices.push(notice(
                    "custom",
                    format!("{why}; showing \"{first}\" instead."),
                ));
                None
            }
        });
        let mut view = match (custom, get("scenario")) {
            (Some(view), _) => view,
            // The custom scenario's notice says why the first is shown.
            (None, _) if get("custom").is_some() => fallback(),
            (None, Some(name)) => ViewLink::of(name).or_else(|| lookup(name).map(ViewLink::of_custom)).unwrap_or_else(|| {
                notices.push(notice(
                    "scenario",
                    format!(
                        "no scenario is called \"{name}\"; showing \"{first}\". Built-in scenarios: {}; generated loads: {}.",
                        library::names(),
                        crate::sim::load::EXPLORER_LOADS.map(|l| l.name).join(", ")
                    ),
                ));
                fallback()
            }),
            (None, None) => fallback(),
        };
        read_settings(&mut view, &get, speeds, &mut notices);
        let embed = Embed::read(&get, &mut notices);
        for (key, _) in &pairs {
            let key = key.as_str();
            if !PARAMETERS.contains(&key) && !embed::EMBED_PARAMETERS.contains(&key) {
                notices.push(notice(
                    key,
                    format!(
                        "not a parameter SyncScope knows; it reads {}, {}.",
                        PARAMETERS.join(", "),
                        embed::EMBED_PARAMETERS.join(", ")
                    ),
                ));
            }
        }
        Opened {
            view,
            embed,
            notices,
        }
    }
}

/// Whether a link's query carries a scenario of its own (`custom=`).
pub fn has_custom(query: &str) -> bool {
    parameter(query, "custom").is_some()
}

/// The value of parameter `key` in a link's query (with or without its `?`), decoded; the
/// first if it is given twice. A pair that does not decode is passed over.
pub fn parameter(query: &str, key: &str) -> Option<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    decoded_pairs(query, &mut Vec::new())
        .into_iter()
        .find_map(|(k, v)| (k == key).then_some(v))
}

/// Every parameter a view's link may carry (an embed's are `embed::EMBED_PARAMETERS`).
pub const PARAMETERS: [&str; 13] = [
    "v",
    "scenario",
    "custom",
    "strategy",
    "seed",
    "idempotent",
    "step",
    "speed",
    "select",
    "changes",
    "hash",
    "compare",
    "diffWith",
];

fn notice(parameter: &str, problem: String) -> LinkNotice {
    LinkNotice {
        parameter: parameter.to_string(),
        problem,
    }
}

/// The query's `key=value` pairs, decoded; a pair that is not valid UTF-8 once decoded is
/// reported and left out.
fn decoded_pairs(query: &str, notices: &mut Vec<LinkNotice>) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8()
                    .map(|c| c.into_owned())
            };
            match (decode(k), decode(v)) {
                (Ok(k), Ok(v)) => Some((k, v)),
                _ => {
                    notices.push(notice(
                        k,
                        "its text is not valid UTF-8 once decoded.".into(),
                    ));
                    None
                }
            }
        })
        .collect()
}
