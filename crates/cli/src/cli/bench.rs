//! Arguments of `builtby bench …`: what each benchmark measures, and its knobs.

use clap::{Args as ClapArgs, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
    /// The whole `ingest gharchive` command (open → durable → closed, a fresh process into a fresh store) next to `gzip -dc` of the same files: seconds, MB/s, ratio, phases, peak memory
    Ingest(BenchIngestArgs),
    /// Search latency of repository-scoped queries over the current store
    Search(BenchSearchArgs),
    /// Requests/s and p50/p99 latency of /api/search over HTTP on loopback, on the current store
    Serve(BenchServeArgs),
    /// The /api/search mix alone, then while hostile clients attack (idle and slowloris connections, long text, huge lists): legitimate p99 with and without
    Abuse(BenchAbuseArgs),
    /// Git ingest: commits/s with paths into a fresh store, the time of a second (no-op) run, next to `git log --numstat`
    Git(BenchGitArgs),
    /// Kaggle ingest: a generated Meta Kaggle folder (Users.csv of --rows rows, its achievements) ingested by this binary at a fifth of the rows and at all of them, with the same work kept: rows/s next to reading the same files, and peak memory at both sizes (flat memory: the same peak)
    Kaggle(BenchKaggleArgs),
    /// Identity resolution on the current store: git identities linked by method, the precision and recall of automatic links on a labelled set (noreply identities with the proof hidden) for a grid of thresholds, and distinct humans in the top 50 of a search
    Identity(BenchIdentityArgs),
    /// Growth from M/10 to M contributions, same run: generated GH Archive hours (Zipf people and repositories, the ML catalog, bots, locations) and git histories, ingested by this binary into fresh stores (events/s, store size, peak memory), then a fixed query mix's p50/p99 (repo, ecosystem, path, area, text, metro, unscoped)
    Scale(BenchScaleArgs),
    /// The location gazetteer: load time (first load in this process, then the best and median of --runs fresh loads), resident memory added by the first load, the gazetteer's own heap, and locate() throughput on --texts; next to the limits (50 ms, 30 MB)
    Locate(BenchLocateArgs),
}

#[derive(ClapArgs, Debug)]
pub struct BenchLocateArgs {
    /// Fresh loads to time after the first
    #[arg(long, default_value_t = 10)]
    pub runs: u32,
    /// Location strings to time locate() on: one a line, or a TSV whose first column is the
    /// string ('#' lines skipped), e.g. crates/locate/tests/profile_locations.tsv
    #[arg(long, value_name = "FILE")]
    pub texts: Option<PathBuf>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct BenchScaleArgs {
    /// People at the full size (the baseline has a tenth)
    #[arg(long, default_value_t = 100_000)]
    pub people: u64,
    /// Contributions at the full size (the baseline has a tenth), profile events included
    #[arg(long, default_value_t = 1_000_000)]
    pub contributions: u64,
    /// Seed of the generator: the same seed (and day) makes the same files
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Days of activity, up to --end
    #[arg(long, default_value_t = 730)]
    pub days: u32,
    /// The generated activity stops at the start of this day, UTC [default: today]
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    /// Timed runs of each query, after 5 warm-ups
    #[arg(long, default_value_t = 100)]
    pub runs: u32,
    /// Stop timing a query after this many seconds (at least 3 timed runs)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub query_seconds: u64,
    /// Parser threads of the ingest [default: number of cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Where to generate and ingest [default: the temporary folder]; removed afterwards
    #[arg(long, value_name = "DIR")]
    pub scratch: Option<PathBuf>,
    /// Keep the generated inputs and the stores in DIR (baseline/, full/) instead of removing them
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Print the figures as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Only generate the full size's inputs into --keep DIR (full/gharchive, full/git) and
    /// stop: to time generation alone, or to feed another benchmark
    #[arg(long, requires = "keep")]
    pub generate_only: bool,
    /// Time the query mix again on the stores an earlier `--keep DIR` run left (after this
    /// binary's migrations and a ranking rebuild, timed apart), without generating or
    /// ingesting: the ingest figures are that run's (DIR/*/size.json)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["keep", "generate_only"])]
    pub requery: Option<PathBuf>,
}

#[derive(ClapArgs, Debug)]
pub struct BenchKaggleArgs {
    /// Rows of the generated Users.csv (the smaller run has a fifth of them)
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: u64,
    /// Users who are Experts or above, at both sizes (Kaggle has tens of thousands): what the
    /// ingest keeps, so the two runs differ only in rows read
    #[arg(long, default_value_t = 20_000)]
    pub winners: u64,
    /// Where to generate the tables and the stores [default: the temporary folder]
    #[arg(long, value_name = "DIR")]
    pub scratch: Option<PathBuf>,
    /// Keep the generated tables (printed) instead of removing them
    #[arg(long)]
    pub keep: bool,
}

#[derive(ClapArgs, Debug)]
pub struct BenchIdentityArgs {
    /// The search whose top 50 is checked for distinct humans: repository
    #[arg(long, default_value = "jax-ml/jax")]
    pub repo: String,
    /// ... code area
    #[arg(long, default_value = "jax/_src/")]
    pub path: String,
    /// ... since
    #[arg(long, default_value = "2024-01-01")]
    pub since: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct BenchGitArgs {
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The GitHub repository, owner/name [default: guessed]
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// git processes reading in parallel [default: number of cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Repeat each measurement this many times and keep the best
    #[arg(long, default_value_t = 2)]
    pub runs: u32,
}

#[derive(ClapArgs, Debug)]
pub struct BenchServeArgs {
    /// How long to send requests, in seconds
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Concurrent connections
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Query strings to cycle through (repeatable), e.g. "repo=rails/rails"; default: a built-in mix
    #[arg(long = "query")]
    pub queries: Vec<String>,
    /// Do not write searches to the audit log (to measure what auditing costs; `serve` always audits)
    #[arg(long)]
    pub no_audit: bool,
}

#[derive(ClapArgs, Debug)]
pub struct BenchAbuseArgs {
    /// Seconds of each run (without, then with the attack)
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Legitimate concurrent connections
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Idle connections held open by the attacker
    #[arg(long, default_value_t = 200)]
    pub idle: usize,
    /// Slowloris connections (a request head trickled a byte at a time)
    #[arg(long, default_value_t = 50)]
    pub slowloris: usize,
    /// Clients sending hostile searches back to back (long text, 600 areas, 600 paths)
    #[arg(long, default_value_t = 2)]
    pub hostile: usize,
    /// The server's request timeout in seconds (a request over it is answered 408 and its query stopped)
    #[arg(long, value_name = "SECONDS", default_value_t = builtby_server::REQUEST_TIMEOUT.as_secs())]
    pub request_timeout: u64,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct BenchIngestArgs {
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Parser threads [default: number of cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Repeat each measurement this many times and keep the best
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
}

#[derive(ClapArgs, Debug)]
pub struct BenchSearchArgs {
    /// Queries per repository
    #[arg(long, default_value_t = 20)]
    pub runs: u32,
    /// Your own searches instead of the built-in list, as the API's query strings
    /// (repeatable), e.g. "location=san%20francisco" or "since=12m&kind=pr_merged"
    #[arg(long = "query", value_name = "QUERY")]
    pub queries: Vec<String>,
}
