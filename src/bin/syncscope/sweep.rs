//! `syncscope sweep`: one scenario over many seeds, under one strategy or all of them, on
//! every core; the summary per strategy or every run as CSV (`sim::sweep`).

use std::io::Write;

use syncscope::sim::Strategy;
use syncscope::sim::staleness::OFFSETS_MS;
use syncscope::sim::sweep::{self, Histogram, Summary};

/// What `sweep` prints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SweepFormat {
    /// Per strategy: shares of runs and a histogram of convergence times.
    Summary,
    /// One line per run.
    Csv,
}

/// What `sweep` was asked for.
#[derive(Debug, PartialEq)]
pub struct SweepArgs {
    /// A built-in scenario's name or a .json file.
    pub scenario: String,
    /// The seeds, both ends included.
    pub seeds: std::ops::RangeInclusive<u64>,
    /// The strategies (every one for `--strategy all`).
    pub strategies: Vec<Strategy>,
    /// What to print.
    pub format: SweepFormat,
    /// Threads to run on (`None`: one per core).
    pub threads: Option<usize>,
}

/// Reads `sweep`'s arguments (after the word `sweep`).
pub fn parse(args: &[String]) -> Result<SweepArgs, String> {
    let mut sweep = SweepArgs {
        scenario: String::new(),
        seeds: 1..=1000,
        strategies: Strategy::ALL.to_vec(),
        format: SweepFormat::Summary,
        threads: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--seeds" => {
                sweep.seeds =
                    sweep::parse_seeds(&value("--seeds")?).map_err(|e| format!("--seeds: {e}"))?
            }
            "--strategy" => {
                sweep.strategies = match value("--strategy")?.as_str() {
                    "all" => Strategy::ALL.to_vec(),
                    one => vec![
                        one.parse()
                            .map_err(|e| format!("--strategy: {e}, or all"))?,
                    ],
                }
            }
            "--format" => {
                sweep.format = match value("--format")?.as_str() {
                    "summary" => SweepFormat::Summary,
                    "csv" => SweepFormat::Csv,
                    v => return Err(format!("--format: expected summary or csv, found \"{v}\"")),
                }
            }
            "--threads" => {
                let v = value("--threads")?;
                sweep.threads = Some(
                    v.parse()
                        .ok()
                        .filter(|n| (1..=256).contains(n))
                        .ok_or_else(|| {
                            format!(
                                "--threads: expected a whole number from 1 to 256, found \"{v}\""
                            )
                        })?,
                );
            }
            flag if flag.starts_with('-') => {
                return Err(format!(
                    "unknown option \"{flag}\"; expected --seeds, --strategy, --format or --threads"
                ));
            }
            name if sweep.scenario.is_empty() => sweep.scenario = name.to_string(),
            extra => {
                return Err(format!(
                    "unexpected argument \"{extra}\"; give one scenario"
                ));
            }
        }
    }
    if sweep.scenario.is_empty() {
        return Err(
            "sweep needs a scenario: a built-in scenario's name or a path to a .json file".into(),
        );
    }
    Ok(sweep)
}

/// Runs the sweep and prints it to `out`.
pub fn run(args: SweepArgs, out: &mut impl Write) -> Result<(), String> {
    let scenario = super::load(&args.scenario)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let outcomes = sweep::sweep(&scenario, &args.strategies, args.seeds.clone(), threads)
        .map_err(|e| e.to_string().replace('\n', "; "))?;
    let io_error = |e: std::io::Error| format!("cannot write output: {e}");
    match args.format {
        SweepFormat::Csv => write!(out, "{}", sweep::csv(&outcomes)).map_err(io_error),
        SweepFormat::Summary => {
            let (first, last) = (args.seeds.start(), args.seeds.end());
            writeln!(out, "{} over seeds {first}..{last}", scenario.name).map_err(io_error)?;
            for summary in sweep::summarize(&outcomes) {
                write!(out, "{}", summary_text(&summary)).map_err(io_error)?;
            }
            Ok(())
        }
    }
}

/// One strategy's summary, as lines of text.
fn summary_text(s: &Summary) -> String {
    let percent = |n: u64| format!("{n} runs ({:.1} %)", 100.0 * s.share(n));
    let mut text = format!(
        "\n{} ({} runs)\n  lost updates:   {}\n  conflicts:      {}\n  escalations:    {}\n  not converged:  {}\n  never consistent: {}\n",
        s.strategy.label(),
        s.runs,
        percent(s.with_lost_updates),
        percent(s.with_conflicts),
        percent(s.with_escalations),
        percent(s.not_converged),
        percent(s.never_consistent),
    );
    bars(&mut text, "converged at", &s.convergence);
    bars(&mut text, "longest consistency window", &s.window);
    if !s.fresh_reads.is_empty() {
        text.push_str("  a read this long after a commit returns it (or newer):\n");
        for (offset, chance) in OFFSETS_MS.iter().zip(&s.fresh_reads) {
            text.push_str(&format!("    {offset:>9} ms {:>6.1} %\n", 100.0 * chance));
        }
    }
    text
}

/// `histogram` as a title line and a bar of `#` per bar.
fn bars(text: &mut String, title: &str, histogram: &Histogram) {
    text.push_str(&format!(
        "  {title} (ms, {} ms a bar):\n",
        histogram.width_ms
    ));
    let most = histogram.counts.iter().copied().max().unwrap_or(0).max(1);
    for (i, count) in histogram.counts.iter().enumerate() {
        let from = histogram.from_ms + i as u64 * histogram.width_ms;
        let bar = "#".repeat((40 * count / most) as usize);
        text.push_str(&format!("    {from:>7} {count:>7} {bar}\n"));
    }
}
