//! How a view is shown inside another page: `embed=1` and the parameters that go with it
//! (`controls`, `autoplay`, `from`, `to`, `theme`, `panels`, `faults`), and the `<iframe>`
//! snippet a documentation author copies.

use std::fmt::Write as _;

use super::{LinkNotice, ViewLink, notice};

/// Which controls an embedded view offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Controls {
    /// None: the view plays (with `autoplay`) or stays where it is.
    None,
    /// A small playback bar.
    #[default]
    Playback,
    /// The playback bar and the run settings.
    Full,
}

/// The colours of an embedded view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// The host's (the reader's system) preference.
    #[default]
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// A panel an embedded view may show besides the picture, the playback bar and the
/// narration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Panel {
    /// The record tables.
    Tables,
    /// The invariants (the why panel).
    Why,
    /// The metrics.
    Metrics,
    /// The escalation inbox.
    Inbox,
}

impl Panel {
    /// Every panel, in the order a link lists them.
    pub const ALL: [Panel; 4] = [Panel::Tables, Panel::Why, Panel::Metrics, Panel::Inbox];

    /// The panel's name in a link.
    pub fn as_str(self) -> &'static str {
        match self {
            Panel::Tables => "tables",
            Panel::Why => "why",
            Panel::Metrics => "metrics",
            Panel::Inbox => "inbox",
        }
    }
}

/// How an embedded view is shown (the parameters read with `embed=1`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embed {
    /// The controls offered.
    pub controls: Controls,
    /// Whether playback starts by itself.
    pub autoplay: bool,
    /// The first step playback and the scrubber may show.
    pub from: Option<u64>,
    /// The last step playback and the scrubber may show.
    pub to: Option<u64>,
    /// The colours.
    pub theme: Theme,
    /// The panels shown besides the picture, the playback bar and the narration, in
    /// `Panel::ALL` order.
    pub panels: Vec<Panel>,
    /// Whether the fault tools (the inspector's actions and the fault panel) are offered.
    pub faults: bool,
}

/// The parameters an embedded view reads besides a view's.
pub const EMBED_PARAMETERS: [&str; 8] = [
    "embed", "controls", "autoplay", "from", "to", "theme", "panels", "faults",
];

impl Embed {
    /// The range of steps the view stays in: `from` to `to`, either end open.
    pub fn range(&self) -> (u64, u64) {
        (self.from.unwrap_or(0), self.to.unwrap_or(u64::MAX))
    }

    /// The embed's parameters, `embed=1` first and then only those that differ from their
    /// defaults, joined with `&`.
    pub fn to_query(&self) -> String {
        let mut query = String::from("embed=1");
        let mut add = |key: &str, value: &str| {
            let _ = write!(query, "&{key}={value}");
        };
        match self.controls {
            Controls::Playback => {}
            Controls::None => add("controls", "none"),
            Controls::Full => add("controls", "full"),
        }
        if self.autoplay {
            add("autoplay", "1");
        }
        if let Some(from) = self.from {
            add("from", &from.to_string());
        }
        if let Some(to) = self.to {
            add("to", &to.to_string());
        }
        match self.theme {
            Theme::Auto => {}
            Theme::Light => add("theme", "light"),
            Theme::Dark => add("theme", "dark"),
        }
        if !self.panels.is_empty() {
            let names: Vec<_> = self.panels.iter().map(|p| p.as_str()).collect();
            add("panels", &names.join(","));
        }
        if self.faults {
            add("faults", "1");
        }
        query
    }

    /// Reads the embed parameters `get` finds; `None` unless `embed=1`. A parameter that
    /// cannot be used is left at its default with a notice.
    pub(super) fn read<'a>(
        get: &impl Fn(&str) -> Option<&'a str>,
        notices: &mut Vec<LinkNotice>,
    ) -> Option<Embed> {
        match get("embed") {
            Some("1") => {}
            None | Some("0") => {
                for key in &EMBED_PARAMETERS[1..] {
                    if get(key).is_some() {
                        notices.push(notice(
                            key,
                            "it is read only in an embedded view (with embed=1), so it was left out.".into(),
                        ));
                    }
                }
                return None;
            }
            Some(other) => {
                notices.push(notice(
                    "embed",
                    format!("expected 1 (embedded view) or 0, found \"{other}\"; the full view is shown."),
                ));
                return None;
            }
        }
        let mut embed = Embed::default();
        let pick = |key: &str, allowed: &[&str], notices: &mut Vec<LinkNotice>| {
            let value = get(key)?;
            let found = allowed.iter().position(|a| *a == value);
            if found.is_none() {
                notices.push(notice(
                    key,
                    format!("expected {}, found \"{value}\".", allowed.join(" or ")),
                ));
            }
            found
        };
        if let Some(i) = pick("controls", &["none", "playback", "full"], notices) {
            embed.controls = [Controls::None, Controls::Playback, Controls::Full][i];
        }
        if let Some(i) = pick("autoplay", &["0", "1"], notices) {
            embed.autoplay = i == 1;
        }
        if let Some(i) = pick("faults", &["0", "1"], notices) {
            embed.faults = i == 1;
        }
        if let Some(i) = pick("theme", &["auto", "light", "dark"], notices) {
            embed.theme = [Theme::Auto, Theme::Light, Theme::Dark][i];
        }
        for key in ["from", "to"] {
            let Some(text) = get(key) else { continue };
            match text.parse::<u64>() {
                Ok(n) if key == "from" => embed.from = Some(n),
                Ok(n) => embed.to = Some(n),
                Err(_) => notices.push(notice(
                    key,
                    format!("expected a step, a whole number from 0, found \"{text}\"."),
                )),
            }
        }
        if let (Some(from), Some(to)) = (embed.from, embed.to)
            && from > to
        {
            notices.push(notice(
                "to",
                format!("step {to} comes before from={from}; the view plays the whole run."),
            ));
            (embed.from, embed.to) = (None, None);
        }
        if let Some(list) = get("panels") {
            for name in list.split(',').filter(|n| !n.is_empty()) {
                match Panel::ALL.into_iter().find(|p| p.as_str() == name) {
                    Some(panel) if !embed.panels.contains(&panel) => embed.panels.push(panel),
                    Some(_) => {}
                    None => notices.push(notice(
                        "panels",
                        format!(
                            "\"{name}\" is not a panel; expected a comma-separated list of tables, why, metrics and inbox."
                        ),
                    )),
                }
            }
            embed.panels.sort();
        }
        Some(embed)
    }
}

/// The `<iframe>` a documentation page copies to show `view` as `embed` shows it: `base` is
/// the address of SyncScope's page (`https://example.org/syncscope/`), the frame lazily
/// loaded, titled after the scenario, `width` × `height` pixels.
pub fn iframe_snippet(
    base: &str,
    view: &ViewLink,
    embed: &Embed,
    title: &str,
    size: (u32, u32),
) -> String {
    let src = format!("{base}?{}&{}", view.to_query(), embed.to_query());
    format!(
        "<iframe src=\"{}\" title=\"SyncScope: {}\" width=\"{}\" height=\"{}\" loading=\"lazy\" style=\"border: 0; max-width: 100%\"></iframe>",
        attribute(&src),
        attribute(title),
        size.0,
        size.1
    )
}

/// `text` made safe inside a double-quoted HTML attribute.
pub fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
