//! The native command-line runner: lists built-in scenarios and runs one, printing a JSON
//! summary or the trace as JSON lines. Builds without any web crate.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

mod sweep;

use std::collections::BTreeMap;
use std::sync::Arc;

use syncscope::one_file;
use syncscope::sim::export::RunFile;
use syncscope::sim::link::ViewLink;
use syncscope::sim::{Scenario, Simulation, Strategy, library};

fn lifecycle_names() -> String {
    library::LIFECYCLES.map(|(name, _)| name).join(", ")
}

const USAGE: &str = "usage: syncscope list | syncscope lifecycle NAME | syncscope sweep NAME|FILE.json [--seeds FIRST..LAST] [--strategy arrival|lww|version|escalate|merge|all] [--format summary|csv] [--threads N] | syncscope run NAME|FILE.json [--seed N] [--strategy arrival|lww|version|escalate|merge] [--idempotency on|off] [--format summary|trace|cloudevents|mermaid|html] [--dist DIR]";

/// What `run` prints.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Summary,
    Trace,
    CloudEvents,
    Mermaid,
    /// The run as one HTML file that opens in a browser with no network (`one_file`).
    Html,
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
enum Command {
    List,
    Lifecycle(String),
    Run(RunArgs),
    Sweep(sweep::SweepArgs),
    Help,
}

#[derive(Debug, PartialEq)]
struct RunArgs {
    scenario: String,
    seed: Option<u64>,
    strategy: Option<Strategy>,
    idempotency: Option<bool>,
    format: Format,
    /// Where the built page is, for `--format html` (`dist` by default).
    dist: Option<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args).and_then(execute) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("syncscope: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        None => Err(format!("no command given; {USAGE}")),
        Some("-h" | "--help" | "help") => Ok(Command::Help),
        Some("list") if args.len() == 1 => Ok(Command::List),
        Some("list") => Err(format!("list takes no arguments, found \"{}\"", args[1])),
        Some("run") => parse_run(&args[1..]).map(Command::Run),
        Some("sweep") => sweep::parse(&args[1..]).map(Command::Sweep),
        Some("lifecycle") => match &args[1..] {
            [name] => Ok(Command::Lifecycle(name.clone())),
            _ => Err(format!("lifecycle takes one name: {}", lifecycle_names())),
        },
        Some(other) => Err(format!(
            "unknown command \"{other}\"; expected list, lifecycle, run or sweep"
        )),
    }
}

fn parse_run(args: &[String]) -> Result<RunArgs, String> {
    let mut run = RunArgs {
        scenario: String::new(),
        seed: None,
        strategy: None,
        idempotency: None,
        format: Format::Summary,
        dist: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--seed" => {
                let v = value("--seed")?;
                run.seed = Some(v.parse().map_err(|_| {
                    format!(
                        "--seed: expected a whole number from 0 to {}, found \"{v}\"",
                        u64::MAX
                    )
                })?);
            }
            "--strategy" => {
                run.strategy = Some(
                    value("--strategy")?
                        .parse()
                        .map_err(|e| format!("--strategy: {e}"))?,
                )
            }
            "--idempotency" => {
                run.idempotency = Some(match value("--idempotency")?.as_str() {
                    "on" => true,
                    "off" => false,
                    v => return Err(format!("--idempotency: expected on or off, found \"{v}\"")),
                })
            }
            "--format" => {
                run.format = match value("--format")?.as_str() {
                    "summary" => Format::Summary,
                    "trace" => Format::Trace,
                    "cloudevents" => Format::CloudEvents,
                    "mermaid" => Format::Mermaid,
                    "html" => Format::Html,
                    v => {
                        return Err(format!(
                            "--format: expected summary, trace, cloudevents, mermaid or html, found \"{v}\""
                        ));
                    }
                }
            }
            "--dist" => run.dist = Some(value("--dist")?),
            flag if flag.starts_with('-') => {
                return Err(format!(
                    "unknown option \"{flag}\"; expected --seed, --strategy, --idempotency, --format or --dist"
                ));
            }
            name if run.scenario.is_empty() => run.scenario = name.to_string(),
            extra => {
                return Err(format!(
                    "unexpected argument \"{extra}\"; give one scenario"
                ));
            }
        }
    }
    if run.scenario.is_empty() {
        return Err(format!(
            "run needs a scenario: one of {} or a path to a .json file",
            library::names()
        ));
    }
    Ok(run)
}

fn load(name: &str) -> Result<Scenario, String> {
    if name.ends_with(".json") {
        let text = std::fs::read_to_string(name).map_err(|e| format!("cannot read {name}: {e}"))?;
        return Scenario::from_json(&text)
            .map_err(|e| format!("{name}: {}", e.to_string().replace('\n', "; ")));
    }
    library::by_name(name).map_err(|e| match e {
        library::ByNameError::Unknown { .. } => format!(
            "unknown scenario \"{name}\"; expected one of {} or a path to a .json file",
            library::names()
        ),
        other => other.to_string(),
    })
}

/// A scenario read from a file, renamed when its name is one of SyncScope's own (an
/// exported built-in), as the page renames it: a link names a built-in by its name alone.
fn own_named(mut scenario: Scenario) -> Scenario {
    if library::has(&scenario.name) {
        scenario.name = format!("{}-copy", scenario.name);
    }
    scenario
}

/// The one-file page of `view`, built from the page in `dist`.
fn one_file_page(dist: &str, view: &ViewLink) -> Result<String, String> {
    let dir = std::path::Path::new(dist);
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| {
            format!("--format html needs the built page (scripts/build-release), and {dist}/{name} could not be read: {e}")
        })
    };
    let index = String::from_utf8(read("index.html")?).map_err(|_| "index.html is not text")?;
    let (js, wasm) = one_file::page_files(&index)?;
    let mut files = BTreeMap::new();
    let js_bytes = read(&js)?;
    for name in one_file::later_files(&String::from_utf8_lossy(&js_bytes)) {
        files.insert(name.clone(), read(&name)?);
    }
    files.insert(wasm.clone(), read(&wasm)?);
    files.insert(js, js_bytes);
    one_file::one_file(&index, &files, &format!("?{}", view.to_query()))
}

fn execute(command: Command) -> Result<(), String> {
    let out = io::stdout();
    let mut out = BufWriter::new(out.lock());
    let io_error = |e: io::Error| format!("cannot write output: {e}");
    match command {
        Command::Help => writeln!(out, "{USAGE}").map_err(io_error),
        Command::Lifecycle(name) => {
            let machine = library::lifecycle(&name).ok_or_else(|| {
                format!(
                    "unknown lifecycle \"{name}\"; expected one of {}",
                    lifecycle_names()
                )
            })?;
            write!(out, "{}", machine.to_mermaid()).map_err(io_error)
        }
        Command::List => {
            for scenario in library::all() {
                writeln!(out, "{:<16} {}", scenario.name, scenario.title).map_err(io_error)?;
            }
            Ok(())
        }
        Command::Sweep(args) => sweep::run(args, &mut out),
        Command::Run(args) => {
            let scenario = load(&args.scenario)?;
            let seed = args.seed.unwrap_or(scenario.seed);
            let strategy = args.strategy.unwrap_or(scenario.strategy);
            let idempotency = args.idempotency.unwrap_or(scenario.idempotency);
            let mut sim = Simulation::new(&scenario, seed, strategy)
                .map_err(|e| e.to_string().replace('\n', "; "))?
                .with_idempotency(idempotency);
            sim.run_to_end();
            match args.format {
                Format::Trace => write!(out, "{}", RunFile::Trace.text(&sim)).map_err(io_error)?,
                Format::Summary => {
                    let report = serde_json::to_string_pretty(&sim.report())
                        .expect("a report always serialises");
                    writeln!(out, "{report}").map_err(io_error)?;
                }
                Format::CloudEvents => {
                    write!(out, "{}", RunFile::CloudEvents.text(&sim)).map_err(io_error)?
                }
                Format::Mermaid => {
                    write!(out, "{}", RunFile::Mermaid.text(&sim)).map_err(io_error)?
                }
                Format::Html => {
                    let mut view = if args.scenario.ends_with(".json") {
                        ViewLink::of_custom(Arc::new(own_named(scenario)))
                    } else {
                        ViewLink::of(&scenario.name).ok_or("no such scenario")?
                    };
                    (view.strategy, view.seed, view.idempotent) = (strategy, seed, idempotency);
                    let page = one_file_page(args.dist.as_deref().unwrap_or("dist"), &view)?;
                    write!(out, "{page}").map_err(io_error)?
                }
            }
            out.flush().map_err(io_error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_a_full_run_line() {
        assert_eq!(
            parse(&args(
                "run storm --seed 9 --strategy lww --format html --idempotency off --dist site"
            )),
            Ok(Command::Run(RunArgs {
                scenario: "storm".into(),
                seed: Some(9),
                strategy: Some(Strategy::LastWriteWins),
                idempotency: Some(false),
                format: Format::Html,
                dist: Some("site".into()),
            }))
        );
    }

    #[test]
    fn bad_values_say_what_is_allowed() {
        assert!(
            parse(&args("run storm --seed abc"))
                .unwrap_err()
                .contains("expected a whole number")
        );
        assert!(
            parse(&args("run storm --seed -1"))
                .unwrap_err()
                .contains("found \"-1\"")
        );
        assert!(
            parse(&args("run storm --strategy best"))
                .unwrap_err()
                .contains("lww, version, escalate")
        );
        assert!(
            parse(&args("run storm --format xml"))
                .unwrap_err()
                .contains("summary, trace, cloudevents, mermaid or html")
        );
        assert!(
            parse(&args("run storm --seed"))
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(parse(&args("run")).unwrap_err().contains("email-conflict"));
        assert!(
            parse(&args("fly"))
                .unwrap_err()
                .contains("expected list, lifecycle, run or sweep")
        );
        assert!(
            load("nope")
                .unwrap_err()
                .contains("unknown scenario \"nope\"")
        );
    }
}
