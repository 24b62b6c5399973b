//! A view as a link (`sim::link`): it reads as it was written, a person can read it, every
//! bad parameter gets a notice that names it, and the changes it carries rebuild the run
//! with the same trace hash.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use syncscope::sim::library;
use syncscope::sim::link::embed::{Controls, Embed, Panel, Theme, iframe_snippet};
use syncscope::sim::link::{DiffWith, MAX_QUERY_CHARS, Picked, ViewLink};
use syncscope::sim::load::EXPLORER_LOADS;
use syncscope::sim::timeline::{Timeline, replay};
use syncscope::sim::{Command, Simulation, Strategy};

/// The page's number of playback speeds.
const SPEEDS: usize = 7;

#[test]
fn the_common_parts_are_readable_and_the_scenarios_own_settings_are_left_out() {
    let mut view = ViewLink::of("email-conflict").unwrap();
    // email-conflict's own settings: escalation, seed 1, idempotency on.
    assert_eq!(view.to_query(), "v=1&scenario=email-conflict&step=0");
    view.strategy = Strategy::LastWriteWins;
    view.seed = 3;
    view.step = 12;
    assert_eq!(
        view.to_query(),
        "v=1&scenario=email-conflict&strategy=lww&seed=3&step=12"
    );
    view.idempotent = false;
    view.selected = Some(Picked::Message {
        slot: 3,
        generation: 1,
    });
    assert_eq!(
        view.to_query(),
        "v=1&scenario=email-conflict&strategy=lww&seed=3&idempotent=0&step=12&select=message:3.1"
    );
}

#[test]
fn a_link_without_parameters_opens_the_first_scenario() {
    let opened = ViewLink::from_query("", SPEEDS);
    assert_eq!(opened.view, ViewLink::of(library::NAMES[0]).unwrap());
    assert!(opened.notices.is_empty());
}

#[test]
fn every_bad_parameter_gets_a_notice_that_names_it_and_the_rest_is_read() {
    // (query, the parameter named, words the notice must hold)
    let cases = [
        (
            "scenario=nope",
            "scenario",
            "no scenario is called \"nope\"",
        ),
        (
            "scenario=saga&strategy=fastest",
            "strategy",
            "arrival, lww, version, escalate, merge",
        ),
        ("scenario=saga&seed=-1", "seed", "whole number"),
        (
            "scenario=saga&seed=18446744073709551616",
            "seed",
            "whole number",
        ),
        ("scenario=saga&step=12x", "step", "found \"12x\""),
        (
            "scenario=saga&idempotent=yes",
            "idempotent",
            "1 (on) or 0 (off)",
        ),
        ("scenario=saga&compare=yes", "compare", "found \"yes\""),
        ("scenario=saga&diffWith=run:x", "diffWith", "expected run:K"),
        ("scenario=saga&diffWith=run:2", "diffWith", "the link has 0"),
        (
            "scenario=saga&diffWith=strategy:best",
            "diffWith",
            "unknown strategy",
        ),
        (
            "scenario=saga&speed=7",
            "speed",
            "from 0 (slowest) to 6 (fastest)",
        ),
        (
            "scenario=saga&select=message:3",
            "select",
            "message:SLOT.GENERATION",
        ),
        ("scenario=saga&select=crm", "select", "found \"crm\""),
        (
            "scenario=saga&changes=%5B1%2C2%5D",
            "changes",
            "JSON list of [step, change]",
        ),
        (
            "scenario=saga&changes=%5B%5B1%2C%7B%22Explode%22%3A%7B%7D%7D%5D%5D",
            "changes",
            "shown without them",
        ),
        ("scenario=saga&hash=xyz", "hash", "16 hexadecimal digits"),
        ("scenario=saga&v=2", "v", "not a link format"),
        ("scenario=saga&colour=red", "colour", "not a parameter"),
        ("scenario=saga&%FF=1", "%FF", "not valid UTF-8"),
    ];
    for (query, parameter, words) in cases {
        let opened = ViewLink::from_query(query, SPEEDS);
        assert_eq!(opened.notices.len(), 1, "{query}: {:?}", opened.notices);
        let notice = &opened.notices[0];
        assert_eq!(notice.parameter, parameter, "{query}");
        assert!(
            notice.problem.contains(words),
            "{query}: {}",
            notice.problem
        );
        assert!(
            notice
                .to_string()
                .starts_with(&format!("The link's {parameter}: "))
        );
        // The part in error stays at its default; the scenario named is still opened.
        let expected = if parameter == "scenario" {
            library::NAMES[0]
        } else {
            "saga"
        };
        let defaults = ViewLink::of(expected).unwrap();
        assert_eq!(opened.view, defaults, "{query}");
    }
}

#[test]
fn a_good_part_is_kept_beside_a_bad_one() {
    let opened = ViewLink::from_query("?scenario=saga&seed=x&step=4&strategy=lww", SPEEDS);
    assert_eq!(opened.notices.len(), 1);
    assert_eq!(opened.view.seed, ViewLink::of("saga").unwrap().seed);
    assert_eq!(opened.view.step, 4);
    assert_eq!(opened.view.strategy, Strategy::LastWriteWins);
}

#[test]
fn an_oversized_link_is_refused_unread() {
    let query = format!("scenario=saga&seed={}", "1".repeat(MAX_QUERY_CHARS));
    let opened = ViewLink::from_query(&query, SPEEDS);
    assert_eq!(opened.notices.len(), 1);
    assert_eq!(opened.notices[0].parameter, "link");
    assert!(opened.notices[0].problem.contains("was not opened"));
    assert_eq!(opened.view, ViewLink::of(library::NAMES[0]).unwrap());
}

/// The run a view shows: its scenario with the view's settings, replayed with its changes.
fn run_of(view: &ViewLink) -> Simulation {
    let mut scenario = match &view.custom {
        Some(custom) => (**custom).clone(),
        None => library::built_in(&view.scenario).unwrap(),
    };
    scenario.idempotency = view.idempotent;
    let start = Simulation::new(&scenario, view.seed, view.strategy).unwrap();
    replay(start, &view.changes).unwrap()
}

#[test]
fn a_forks_link_rebuilds_the_fork_with_its_trace_hash() {
    let scenario = library::built_in("email-conflict").unwrap();
    let original =
        Timeline::record(Simulation::new(&scenario, 1, Strategy::VersionComparison).unwrap());
    let crash = Command::Crash {
        system: "billing".into(),
        until: original.time_at(2) + 500,
    };
    let mut fork = original.branch(2, &crash).unwrap();
    while fork.advance(u64::MAX) {}
    let skew = Command::Skew {
        system: "warehouse".into(),
        offset_ms: -250,
        drift_ppm: 0,
    };
    let mut fork = fork.branch(3, &skew).unwrap();
    while fork.advance(u64::MAX) {}
    let hash = fork.full().trace().hash();
    assert_ne!(
        hash,
        original.full().trace().hash(),
        "the changes change the run"
    );
    let mut view = ViewLink::of("email-conflict").unwrap();
    view.strategy = Strategy::VersionComparison;
    view.step = 3;
    view.changes = vec![(2, crash), (3, skew)];
    view.hash = Some(hash.clone());
    let opened = ViewLink::from_query(&view.to_query(), SPEEDS);
    assert!(opened.notices.is_empty(), "{:?}", opened.notices);
    assert_eq!(opened.view, view);
    assert_eq!(run_of(&opened.view).trace().hash(), hash);
}

/// Text with what a URL must escape: separators, percent signs, spaces, non-ASCII.
fn awkward_text() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::string::string_regex("[a-z0-9 &=%+#?/:,.é\"\\\\-]{0,12}").unwrap()
}

fn command() -> impl proptest::strategy::Strategy<Value = Command> {
    prop_oneof![
        (awkward_text(), 0..10_000u64).prop_map(|(system, until)| Command::Crash { system, until }),
        awkward_text().prop_map(|system| Command::Restart { system }),
        (
            awkward_text(),
            awkward_text(),
            awkward_text(),
            awkward_text()
        )
            .prop_map(|(system, record, field, value)| Command::LocalWrite {
                system,
                record,
                set: [(field, value)].into(),
            }),
        (0..500u32).prop_map(|slot| Command::Drop { slot }),
        (0..500u32).prop_map(|slot| Command::DeliverNext { slot }),
        (awkward_text(), -5_000..5_000i64).prop_map(|(system, offset_ms)| Command::Skew {
            system,
            offset_ms,
            drift_ppm: 0,
        }),
    ]
}

fn picked() -> impl proptest::strategy::Strategy<Value = Option<Picked>> {
    proptest::option::of(prop_oneof![
        (any::<u32>(), any::<u32>())
            .prop_map(|(slot, generation)| Picked::Message { slot, generation }),
        any::<u64>().prop_map(Picked::Event),
        any::<u16>().prop_map(Picked::System),
        (0..64usize).prop_map(Picked::Link),
    ])
}

fn view() -> impl proptest::strategy::Strategy<Value = ViewLink> {
    let names: Vec<&'static str> = library::NAMES
        .into_iter()
        .chain(EXPLORER_LOADS.map(|l| l.name))
        .collect();
    (
        proptest::sample::select(names),
        proptest::sample::select(Strategy::ALL.to_vec()),
        any::<u64>(),
        any::<bool>(),
        any::<u64>(),
        proptest::option::of(0..SPEEDS),
        picked(),
        proptest::collection::vec((any::<u64>(), command()), 0..4),
        proptest::option::of("[0-9a-f]{16}"),
        proptest::option::of((0..library::NAMES.len(), awkward_text())),
        any::<bool>(),
        proptest::option::of(prop_oneof![
            (0..4usize).prop_map(DiffWith::Run),
            proptest::sample::select(Strategy::ALL.to_vec()).prop_map(DiffWith::Strategy),
        ]),
    )
        .prop_map(
            |(
                scenario,
                strategy,
                seed,
                idempotent,
                step,
                speed,
                selected,
                changes,
                hash,
                own,
                compare,
                diff_with,
            )| {
                let count = changes.len();
                // Sometimes a scenario of the person's own: a built-in renamed and retitled.
                let custom = own.map(|(i, title)| {
                    let mut scenario = library::built_in_at(i).unwrap();
                    scenario.name = format!("my-{i}");
                    scenario.title = title;
                    std::sync::Arc::new(scenario)
                });
                ViewLink {
                    scenario: custom
                        .as_ref()
                        .map_or(scenario.to_string(), |c| c.name.clone()),
                    custom,
                    strategy,
                    seed,
                    idempotent,
                    step,
                    speed,
                    selected,
                    changes,
                    hash,
                    compare,
                    // A run after more changes than the link carries is refused on reading.
                    diff_with: diff_with.filter(|d| match d {
                        DiffWith::Run(k) => *k <= count,
                        DiffWith::Strategy(_) => true,
                    }),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_view_reads_back_as_it_was_written(view in view()) {
        let query = view.to_query();
        let opened = ViewLink::from_query(&query, SPEEDS);
        prop_assert!(opened.notices.is_empty(), "{query}: {:?}", opened.notices);
        prop_assert_eq!(opened.view, view);
    }
}

#[test]
fn the_documented_link_opens_without_a_notice() {
    let doc = include_str!("../docs/links.md");
    let example = doc
        .split("```text\n")
        .nth(1)
        .unwrap()
        .split('\n')
        .next()
        .unwrap();
    let opened = ViewLink::from_query(example, SPEEDS);
    assert!(opened.notices.is_empty(), "{:?}", opened.notices);
    assert_eq!(opened.view.scenario, "email-conflict");
    assert_eq!(opened.view.strategy, Strategy::LastWriteWins);
    assert_eq!((opened.view.seed, opened.view.step), (3, 12));
    assert_eq!(opened.view.to_query(), example.trim_start_matches('?'));
}

/// Embed options over every value each parameter allows.
fn embed() -> impl proptest::strategy::Strategy<Value = Embed> {
    (
        0..3usize,
        any::<bool>(),
        proptest::option::of(0..50u64),
        proptest::option::of(50..500u64),
        0..3usize,
        proptest::sample::subsequence(Panel::ALL.to_vec(), 0..=4),
        any::<bool>(),
    )
        .prop_map(
            |(controls, autoplay, from, to, theme, panels, faults)| Embed {
                controls: [Controls::None, Controls::Playback, Controls::Full][controls],
                autoplay,
                from,
                to,
                theme: [Theme::Auto, Theme::Light, Theme::Dark][theme],
                panels,
                faults,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn an_embedded_view_reads_back_as_it_was_written(view in view(), embed in embed()) {
        let query = format!("{}&{}", view.to_query(), embed.to_query());
        let opened = ViewLink::from_query(&query, SPEEDS);
        prop_assert!(opened.notices.is_empty(), "{query}: {:?}", opened.notices);
        prop_assert_eq!(opened.view, view);
        prop_assert_eq!(opened.embed, Some(embed));
    }
}

#[test]
fn every_bad_embed_parameter_gets_a_notice_that_names_it() {
    // (query, the parameter named, words the notice must hold)
    let cases = [
        ("embed=yes", "embed", "expected 1 (embedded view) or 0"),
        ("autoplay=1", "autoplay", "only in an embedded view"),
        (
            "embed=1&controls=some",
            "controls",
            "none or playback or full",
        ),
        ("embed=1&autoplay=yes", "autoplay", "0 or 1"),
        ("embed=1&theme=pink", "theme", "auto or light or dark"),
        ("embed=1&from=-1", "from", "expected a step"),
        ("embed=1&from=9&to=3", "to", "comes before from=9"),
        (
            "embed=1&panels=tables,charts",
            "panels",
            "\"charts\" is not a panel",
        ),
        ("embed=1&faults=2", "faults", "0 or 1"),
    ];
    for (query, parameter, words) in cases {
        let opened = ViewLink::from_query(query, SPEEDS);
        assert_eq!(opened.notices.len(), 1, "{query}: {:?}", opened.notices);
        assert_eq!(opened.notices[0].parameter, parameter, "{query}");
        assert!(
            opened.notices[0].problem.contains(words),
            "{query}: {}",
            opened.notices[0].problem
        );
    }
    // The good parts stay: tables are shown although "charts" is not a panel.
    let opened = ViewLink::from_query("embed=1&panels=tables,charts&from=9&to=3", SPEEDS);
    let embed = opened.embed.unwrap();
    assert_eq!(embed.panels, vec![Panel::Tables]);
    assert_eq!(embed.range(), (0, u64::MAX));
}

#[test]
fn the_embed_snippet_is_an_iframe_whose_text_cannot_break_out_of_its_attributes() {
    let mut view = ViewLink::of("email-conflict").unwrap();
    view.step = 4;
    let embed = Embed {
        autoplay: true,
        ..Embed::default()
    };
    let snippet = iframe_snippet(
        "https://example.org/scope/",
        &view,
        &embed,
        "Quotes \" and <tags>",
        (640, 420),
    );
    assert_eq!(
        snippet,
        "<iframe src=\"https://example.org/scope/?v=1&amp;scenario=email-conflict&amp;step=4&amp;embed=1&amp;autoplay=1\" \
         title=\"SyncScope: Quotes &quot; and &lt;tags&gt;\" width=\"640\" height=\"420\" loading=\"lazy\" \
         style=\"border: 0; max-width: 100%\"></iframe>"
    );
}

#[test]
fn the_embedding_guide_lists_every_embed_parameter_and_its_snippets_open_without_a_notice() {
    let doc = include_str!("../docs/embedding.md");
    assert_eq!(
        parameters_in(doc),
        syncscope::sim::link::embed::EMBED_PARAMETERS
    );
    // Every address in the snippets reads without a notice.
    let mut seen = 0;
    for part in doc.split("https://example.org/syncscope/?").skip(1) {
        let query = part.split('"').next().unwrap();
        let opened = ViewLink::from_query(query, SPEEDS);
        assert!(opened.notices.is_empty(), "{query}: {:?}", opened.notices);
        assert!(opened.embed.is_some(), "{query}");
        seen += 1;
    }
    assert!(seen >= 4, "{seen} snippets");
}

#[test]
fn a_custom_scenario_travels_packed_and_a_broken_one_gets_a_notice() {
    let mut scenario = library::built_in("partition").unwrap();
    scenario.name = "my-partition".into();
    scenario.title = "Mine: a partition & <its> heal".into();
    let view = ViewLink::of_custom(std::sync::Arc::new(scenario.clone()));
    let query = view.to_query();
    assert!(
        query.len() < 3_000,
        "packed into {} characters",
        query.len()
    );
    let opened = ViewLink::from_query(&query, SPEEDS);
    assert!(opened.notices.is_empty(), "{:?}", opened.notices);
    assert_eq!(opened.view.custom.as_deref(), Some(&scenario));
    // The run is the scenario's own.
    let mut own = Simulation::new(&scenario, scenario.seed, scenario.strategy).unwrap();
    own.run_to_end();
    assert_eq!(run_of(&opened.view).trace().hash(), own.trace().hash());
    for (text, words) in [
        ("***", "not base64url"),
        ("AAAA", "not a deflated scenario"),
        (&"A".repeat(12_001)[..], "at most 12000"),
    ] {
        let opened = ViewLink::from_query(&format!("custom={text}"), SPEEDS);
        assert_eq!(opened.notices.len(), 1, "{text}");
        assert_eq!(opened.notices[0].parameter, "custom");
        assert!(
            opened.notices[0].problem.contains(words),
            "{}",
            opened.notices[0].problem
        );
        assert_eq!(opened.view.scenario, library::NAMES[0]);
    }
    // A scenario named but not carried (too large for a link) is looked up, e.g. among the
    // page's My scenarios; unknown, it gets the notice every unknown name gets.
    let kept = std::sync::Arc::new(scenario.clone());
    let lookup = |name: &str| (name == "my-partition").then(|| kept.clone());
    let opened = ViewLink::from_query_unpacking(
        "scenario=my-partition&step=2",
        SPEEDS,
        syncscope::sim::link::custom::unpack,
        lookup,
    );
    assert!(opened.notices.is_empty(), "{:?}", opened.notices);
    assert_eq!(opened.view.custom.as_deref(), Some(&scenario));
    assert_eq!(opened.view.step, 2);
    let opened = ViewLink::from_query("scenario=my-partition", SPEEDS);
    assert_eq!(opened.notices[0].parameter, "scenario");
    // The scenario's name beside a broken custom= is no second problem.
    let opened = ViewLink::from_query("scenario=my-partition&custom=***", SPEEDS);
    assert_eq!(opened.notices.len(), 1, "{:?}", opened.notices);
    // A packed scenario that is not valid names the field at fault.
    let mut broken = scenario;
    broken.replicas.clear();
    let packed = syncscope::sim::link::custom::pack(&broken);
    let opened = ViewLink::from_query(&format!("custom={packed}"), SPEEDS);
    assert!(
        opened.notices[0].problem.contains("replicas"),
        "{}",
        opened.notices[0].problem
    );
}

/// The parameters a guide's "## Parameters" table lists, in its order.
fn parameters_in(doc: &str) -> Vec<&str> {
    let table = doc.split("## Parameters").nth(1).unwrap();
    table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect()
}

#[test]
fn the_links_guide_lists_every_parameter() {
    let listed = parameters_in(include_str!("../docs/links.md"));
    let mut sorted = listed.clone();
    sorted.sort();
    let mut known = syncscope::sim::link::PARAMETERS.to_vec();
    known.sort();
    assert_eq!(sorted, known);
    // Each is read: a link with every one of them gives no "not a parameter" notice.
    for key in listed {
        let opened = ViewLink::from_query(&format!("{key}=x"), SPEEDS);
        assert!(
            opened
                .notices
                .iter()
                .all(|n| !n.problem.contains("not a parameter")),
            "{key}: {:?}",
            opened.notices
        );
    }
}

#[test]
fn one_parameter_is_read_decoded_and_a_custom_scenario_is_found_however_its_key_is_written() {
    use syncscope::sim::link::{has_custom, parameter};
    assert_eq!(
        parameter("?v=1&scenario=my%20orders&step=2", "scenario").as_deref(),
        Some("my orders")
    );
    assert_eq!(parameter("v=1", "scenario"), None);
    assert!(has_custom("scenario=x&cust%6Fm=AAAA"));
    assert!(!has_custom("scenario=custom"));
}
