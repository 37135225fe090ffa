//! One file per subcommand. Each returns the process exit code.

mod arxiv;
mod ask;
mod ats;
mod audit;
mod bench;
mod demo;
mod export;
mod git;
mod github;
mod huggingface;
mod identity;
mod ingest;
mod kaggle;
mod optout;
mod outreach;
mod person;
mod search;
mod serve;
mod shortlist;
mod stats;
mod watch;

use crate::cli::{Args, BenchWhat, Command, EnrichWhat, ExportWhat, IngestSource};
use anyhow::{Context as _, Result};
use builtby_model::{time, BotRules};
use builtby_search::Catalog;
use std::path::PathBuf;
use std::process::ExitCode;

/// What every command may need: where the store is, the catalog, the bot rules.
pub struct Env {
    pub data_dir: PathBuf,
    pub quiet: bool,
    pub catalog: Catalog,
    pub bots: BotRules,
    /// `--backend clickhouse`: the server reads go to and ingests ship to.
    pub clickhouse: Option<builtby_clickhouse::ClickHouse>,
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
        let clickhouse = match (args.backend, &args.clickhouse_url) {
            (crate::cli::Backend::Sqlite, _) => None,
            (crate::cli::Backend::Clickhouse, None) => {
                return Err(UsageError {
                    flag: "clickhouse-url",
                    message: "--backend clickhouse needs the server's HTTP address: --clickhouse-url http://HOST:8123 (or BUILTBY_CLICKHOUSE_URL)".into(),
                }
                .into())
            }
            (crate::cli::Backend::Clickhouse, Some(url)) => {
                Some(builtby_clickhouse::ClickHouse::new(url, &args.database).map_err(|e| {
                    UsageError {
                        flag: match e {
                            builtby_clickhouse::Error::BadDatabase(_) => "database",
                            _ => "clickhouse-url",
                        },
                        message: e.to_string(),
                    }
                })?)
            }
        };
        Ok(Env {
            data_dir,
            quiet: args.quiet,
            catalog,
            bots,
            clickhouse,
        })
    }

    pub fn store(&self) -> Result<builtby_store::Store> {
        Ok(builtby_store::Store::open(&self.data_dir)?)
    }

    /// Appends to the audit log as [`actor`] (see `builtby_store::audit`). A store this user
    /// cannot write is still read, unaudited, and stderr says so.
    pub fn audit(&self, action: &str, what: serde_json::Value, people: u64) -> Result<()> {
        use builtby_store::StoreError;
        match builtby_store::Store::open(&self.data_dir) {
            Ok(store) => Ok(store.audit(&actor(), action, &what, people)?),
            Err(e @ (StoreError::NotWritable { .. } | StoreError::NeedsUpgrade { .. })) => {
                if !self.quiet {
                    eprintln!("note: not recorded in the audit log: {e}");
                }
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// After a command that wrote work: brings the materialised ranking up to date (see
    /// `builtby_search::ranking`), so the first "everyone" search does not wait for it. A
    /// failure here loses nothing (the next search rebuilds it, or scores everyone): it is a
    /// warning.
    pub fn refresh_ranking(&self) {
        let started = std::time::Instant::now();
        let result = builtby_store::Store::open(&self.data_dir)
            .map_err(anyhow::Error::from)
            .and_then(|mut store| {
                Ok(builtby_search::ranking::refresh(
                    &mut store,
                    &self.catalog,
                    &self.bots,
                    builtby_model::time::now(),
                )?)
            });
        match result {
            Ok(true) if !self.quiet => eprintln!(
                "ranked everyone for today's searches in {:.1} s",
                started.elapsed().as_secs_f64()
            ),
            Ok(_) => {}
            Err(e) => {
                eprintln!("warning: the ranking was not refreshed ({e:#}); the next search will")
            }
        }
    }

    /// The store for a command that only reads (stats, search, export, person, serve): works
    /// on a store this user cannot write.
    pub fn reader(&self) -> Result<builtby_store::Store> {
        let store = builtby_store::Store::open_read_only(&self.data_dir)?;
        if store.is_immutable() && !self.quiet {
            let mut wal = store.path().as_os_str().to_owned();
            wal.push("-wal");
            let pending = std::fs::metadata(&wal)
                .map(|m| m.len() > 0)
                .unwrap_or(false);
            eprintln!(
                "note: {}: its folder cannot be written, so it is read as a snapshot of the database file{}",
                store.path().display(),
                if pending {
                    " (its -wal holds changes not yet in that file: they are not seen)"
                } else {
                    " (an ingest running now is not seen)"
                }
            );
        }
        Ok(store)
    }
}

impl Env {
    /// Runs `f` with the read side of the chosen backend and the local store (workflow state,
    /// the audit log): the store itself, or ClickHouse checked against it.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&dyn builtby_store::Read, &builtby_store::Store) -> Result<T>,
    ) -> Result<T> {
        let store = self.reader()?;
        match &self.clickhouse {
            None => f(&store, &store),
            Some(ch) => {
                ch.check()?;
                let r = builtby_clickhouse::Reader::new(ch, &store);
                f(&r, &store)
            }
        }
    }

    /// With `--backend clickhouse`: ships what changed in the store to ClickHouse (a summary on
    /// stderr). Nothing otherwise.
    pub fn ship(&self) -> Result<()> {
        let Some(ch) = &self.clickhouse else {
            return Ok(());
        };
        let store = self.reader()?;
        let r = builtby_clickhouse::ship(
            &store,
            ch,
            &self.data_dir.join(builtby_clickhouse::ship::STATE_FILE),
        )?;
        if !self.quiet {
            let tables: Vec<String> = r
                .tables
                .iter()
                .filter(|t| t.2 + t.3 > 0)
                .map(|t| {
                    if t.3 > 0 {
                        format!("{} {} (+{} deleted)", t.0, t.2, t.3)
                    } else {
                        format!("{} {}", t.0, t.2)
                    }
                })
                .collect();
            eprintln!(
                "shipped to ClickHouse {} (database {}){}: {} of {} rows in {:.1}s ({:.0} rows/s, {:.1} MB){}",
                ch.url(),
                ch.database(),
                if r.full { ", whole" } else { "" },
                r.rows_shipped(),
                r.rows_read(),
                r.secs,
                r.rows_shipped() as f64 / r.secs.max(1e-9),
                r.bytes as f64 / 1e6,
                if tables.is_empty() {
                    String::new()
                } else {
                    format!(": {}", tables.join(", "))
                }
            );
        }
        Ok(())
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let env = Env::new(&args)?;
    let ingest = matches!(args.command, Command::Ingest(_));
    let writes_work = matches!(
        args.command,
        Command::Ingest(_) | Command::Hydrate(_) | Command::Enrich(_)
    );
    let code = run_command(&env, args)?;
    if writes_work {
        env.refresh_ranking();
    }
    if ingest && env.clickhouse.is_some() {
        if let Err(e) = env.ship() {
            eprintln!(
                "error: the ingest is in the local store, but shipping it to ClickHouse failed (the next ingest or `builtby export clickhouse` ships it): {}",
                crate::message(&e)
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(code)
}

fn run_command(env: &Env, args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Demo(a) => demo::run(env, &a),
        Command::Ingest(IngestSource::Gharchive(a)) => ingest::run(env, &a),
        Command::Ingest(IngestSource::Git(a)) => git::run(env, &a),
        Command::Ingest(IngestSource::Github(a)) => github::ingest(env, &a),
        Command::Ingest(IngestSource::Huggingface(a)) => huggingface::run(env, &a),
        Command::Ingest(IngestSource::Kaggle(a)) => kaggle::run(env, &a),
        Command::Ingest(IngestSource::Arxiv(a)) => arxiv::run(env, &a),
        Command::Search(a) => search::run(env, &a),
        Command::Ask(a) => ask::run(env, &a),
        Command::Locate(a) => github::locate(&a),
        Command::Enrich(EnrichWhat::People(a)) => github::enrich_people(env, &a),
        Command::Hydrate(a) => github::hydrate(env, &a),
        Command::Person(a) => person::run(env, &a),
        Command::Export(ExportWhat::Counts(a)) => export::counts(env, &a),
        Command::Export(ExportWhat::Clickhouse) => export::clickhouse(env),
        Command::Stats(a) => stats::run(env, &a),
        Command::Bench(BenchWhat::Ingest(a)) => bench::ingest(env, &a),
        Command::Bench(BenchWhat::Search(a)) => bench::search(env, &a),
        Command::Bench(BenchWhat::Git(a)) => git::bench(env, &a),
        Command::Bench(BenchWhat::Serve(a)) => serve::bench(env, &a),
        Command::Bench(BenchWhat::Abuse(a)) => serve::abuse(env, &a),
        Command::Serve(a) => serve::run(env, &a),
        Command::Identity(v) => identity::run(env, v),
        Command::Bench(BenchWhat::Identity(a)) => identity::bench(env, &a),
        Command::Bench(BenchWhat::Kaggle(a)) => kaggle::bench(env, &a),
        Command::Bench(BenchWhat::Scale(a)) => bench::scale::run(env, &a),
        Command::Bench(BenchWhat::Locate(a)) => bench::locate::run(&a),
        Command::Shortlist(v) => shortlist::run(env, v),
        Command::Outreach(a) => outreach::run(env, &a),
        Command::Ats(v) => ats::run(env, v),
        Command::Watch(v) => watch::run(env, v),
        Command::Optout(v) => optout::run(env, v),
        Command::Erase(a) => optout::erase(env, &a),
        Command::Audit(a) => audit::run(env, &a),
    }
}

/// Who the CLI records in the audit log: the OS user (`USER`, else `USERNAME`).
pub fn actor() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|u| u.trim().to_string())
        .find(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// A bad value of a flag that is not a search parameter (those are `QueryError`s from the
/// query builder). Exit status 2, like every usage error.
#[derive(Debug)]
pub struct UsageError {
    /// The flag at fault, without its dashes.
    pub flag: &'static str,
    pub message: String,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--{}: {}", self.flag, self.message)
    }
}

impl std::error::Error for UsageError {}

/// A `--since`-like flag of a non-search command: a date, or a duration back from now.
pub fn when(flag: &'static str, s: &str) -> Result<i64, UsageError> {
    builtby_search::query::parse_time(flag, s, time::now()).map_err(|e| UsageError {
        flag,
        message: e.message,
    })
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}
