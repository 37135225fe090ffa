//! One file per subcommand. Each returns the process exit code.

mod bench;
mod demo;
mod export;
mod git;
mod github;
mod ingest;
mod person;
mod search;
mod serve;
mod stats;

use crate::cli::{Args, BenchWhat, Command, EnrichWhat, ExportWhat, FilterArgs, IngestSource};
use anyhow::{Context as _, Result};
use builtby_model::{time, BotRules};
use builtby_search::query::{parse_kind, parse_repo_pattern, parse_time};
use builtby_search::{Catalog, Query};
use std::path::PathBuf;
use std::process::ExitCode;

/// What every command may need: where the store is, the catalog, the bot rules.
pub struct Env {
    pub data_dir: PathBuf,
    pub quiet: bool,
    pub catalog: Catalog,
    pub bots: BotRules,
}

impl Env {
    fn new(args: &Args) -> Result<Env> {
        let data_dir = match &args.data_dir {
            Some(d) => d.clone(),
            None => dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("builtby-data"),
        };
        let catalog = Catalog::with_user_file(args.catalog.as_deref())?;
        let mut bots = BotRules::default();
        if let Some(p) = &args.bots {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("bot list {}", p.display()))?;
            bots.extend_from_text(&text);
        }
        Ok(Env {
            data_dir,
            quiet: args.quiet,
            catalog,
            bots,
        })
    }

    pub fn store(&self) -> Result<builtby_store::Store> {
        Ok(builtby_store::Store::open(&self.data_dir)?)
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let env = Env::new(&args)?;
    match args.command {
        Command::Demo(a) => demo::run(&env, &a),
        Command::Ingest(IngestSource::Gharchive(a)) => ingest::run(&env, &a),
        Command::Ingest(IngestSource::Git(a)) => git::run(&env, &a),
        Command::Ingest(IngestSource::Github(a)) => github::ingest(&env, &a),
        Command::Search(a) => search::run(&env, &a),
        Command::Locate(a) => github::locate(&a),
        Command::Enrich(EnrichWhat::People(a)) => github::enrich_people(&env, &a),
        Command::Hydrate(a) => github::hydrate(&env, &a),
        Command::Person(a) => person::run(&env, &a),
        Command::Export(ExportWhat::Counts(a)) => export::counts(&env, &a),
        Command::Stats(a) => stats::run(&env, &a),
        Command::Bench(BenchWhat::Ingest(a)) => bench::ingest(&env, &a),
        Command::Bench(BenchWhat::Search(a)) => bench::search(&env, &a),
        Command::Bench(BenchWhat::Git(a)) => git::bench(&env, &a),
        Command::Bench(BenchWhat::Serve(a)) => serve::bench(&env, &a),
        Command::Serve(a) => serve::run(&env, &a),
    }
}

/// Builds a search query from the shared filter flags.
pub fn query(f: &FilterArgs, limit: u32, offset: u32) -> Result<Query, builtby_search::QueryError> {
    let now = match &f.as_of {
        Some(s) => parse_time("as-of", s, time::now())?,
        None => time::now(),
    };
    Ok(Query {
        repos: f
            .repos
            .iter()
            .map(|r| parse_repo_pattern(r))
            .collect::<Result<_, _>>()?,
        ecosystems: f.ecosystems.clone(),
        kinds: f
            .kinds
            .iter()
            .map(|k| parse_kind(k))
            .collect::<Result<_, _>>()?,
        since: f
            .since
            .as_deref()
            .map(|s| parse_time("since", s, now))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|s| parse_time("until", s, now))
            .transpose()?,
        text: f.text.clone(),
        areas: f.areas.clone(),
        paths: f
            .paths
            .iter()
            .map(|p| builtby_search::query::parse_path(p))
            .collect::<Result<_, _>>()?,
        location: f.location.clone(),
        metro: f
            .metro
            .as_deref()
            .map(builtby_search::query::parse_metro)
            .transpose()?
            .map(str::to_string),
        country: f
            .country
            .as_deref()
            .map(builtby_search::query::parse_country)
            .transpose()?
            .map(str::to_string),
        limit,
        offset,
        include_bots: f.include_bots,
        as_of: now,
        half_life_months: f.half_life,
        evidence: 5,
    })
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}
