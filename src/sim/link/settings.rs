//! Reading a link's settings: everything but which scenario it shows.

use super::{Command, DiffWith, FORMAT, LinkNotice, ViewLink, notice};

/// Reads every parameter but the scenario into `view`.
pub(super) fn read_settings<'a>(
    view: &mut ViewLink,
    get: &impl Fn(&str) -> Option<&'a str>,
    speeds: usize,
    notices: &mut Vec<LinkNotice>,
) {
    if let Some(v) = get("v")
        && v.parse::<u32>().map_or(true, |v| v > FORMAT)
    {
        notices.push(notice("v", format!("\"{v}\" is not a link format this page knows (it writes {FORMAT}); the rest is read as format {FORMAT}.")));
    }
    if let Some(s) = get("strategy") {
        match s.parse() {
            Ok(strategy) => view.strategy = strategy,
            Err(why) => notices.push(notice("strategy", format!("{why}."))),
        }
    }
    let number = |key: &str, notices: &mut Vec<LinkNotice>| -> Option<u64> {
        let text = get(key)?;
        let parsed = text.parse().ok();
        if parsed.is_none() {
            notices.push(notice(
                key,
                format!(
                    "expected a whole number from 0 to {}, found \"{text}\".",
                    u64::MAX
                ),
            ));
        }
        parsed
    };
    if let Some(seed) = number("seed", notices) {
        view.seed = seed;
    }
    if let Some(step) = number("step", notices) {
        view.step = step;
    }
    match get("idempotent") {
        Some("1") => view.idempotent = true,
        Some("0") => view.idempotent = false,
        Some(other) => notices.push(notice(
            "idempotent",
            format!("expected 1 (on) or 0 (off), found \"{other}\"."),
        )),
        None => {}
    }
    match get("compare") {
        Some("1") => view.compare = true,
        Some("0") | None => {}
        Some(other) => notices.push(notice(
            "compare",
            format!("expected 1 (every strategy side by side) or 0, found \"{other}\"."),
        )),
    }
    if let Some(speed) = number("speed", notices) {
        if speed < speeds as u64 {
            view.speed = Some(speed as usize);
        } else {
            notices.push(notice(
                "speed",
                format!(
                    "expected a speed from 0 (slowest) to {} (fastest), found {speed}.",
                    speeds.saturating_sub(1)
                ),
            ));
        }
    }
    if let Some(s) = get("select") {
        match s.parse() {
            Ok(picked) => view.selected = Some(picked),
            Err(()) => notices.push(notice(
                "select",
                format!(
                    "expected message:SLOT.GENERATION, event:N, system:N or link:N, found \"{s}\"."
                ),
            )),
        }
    }
    if let Some(json) = get("changes") {
        match serde_json::from_str::<Vec<(u64, Command)>>(json) {
            Ok(changes) => view.changes = changes,
            Err(e) => notices.push(notice("changes", format!("expected a JSON list of [step, change] pairs ({e}); the run is shown without them."))),
        }
    }
    if let Some(with) = get("diffWith") {
        match with.parse::<DiffWith>() {
            Ok(DiffWith::Run(k)) if k > view.changes.len() => notices.push(notice(
                "diffWith",
                format!(
                    "\"{with}\" names the run after {k} changes, and the link has {}; the view is shown without a comparison.",
                    view.changes.len()
                ),
            )),
            Ok(target) => view.diff_with = Some(target),
            Err(why) => notices.push(notice("diffWith", format!("{why}."))),
        }
    }
    if let Some(hash) = get("hash") {
        if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            view.hash = Some(hash.to_ascii_lowercase());
        } else {
            notices.push(notice(
                "hash",
                format!("expected 16 hexadecimal digits, found \"{hash}\"."),
            ));
        }
    }
}
