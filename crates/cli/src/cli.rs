//! Command-line arguments. `--help` on any command explains it with examples.

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod bench;
mod identity;
mod ml_sources;
mod privacy;
mod watch;
mod workflow;
pub use bench::*;
pub use identity::*;
pub use ml_sources::*;
pub use privacy::*;
pub use watch::*;
pub use workflow::*;

#[derive(Parser, Debug)]
#[command(
    name = "builtby",
    version,
    about = "Find ML engineers by what they have built in public: merged PRs, reviews, and the conversations around them.",
    long_about = "builtby ingests public GitHub activity (GH Archive hourly dumps), credits each piece of work to the person who did it, and ranks people for a search — every score explained, every line linked to the PR or review behind it.\n\nStart with `builtby demo`, then:\n  builtby ingest gharchive ~/gharchive/2024-05-21-*.json.gz\n  builtby search --ecosystem pytorch --since 12m --explain\n  builtby person some-login"
)]
pub struct Args {
    /// Where the store lives [default: the platform data folder, e.g. ~/.local/share/builtby-data]
    #[arg(long, global = true, env = "BUILTBY_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print only errors (no progress bars, no summaries on stderr)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Your own catalog TOML, extending the shipped ecosystems (same format)
    #[arg(long, global = true, env = "BUILTBY_CATALOG", value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Your own bot list: one login a line; `!login` marks a listed account as a person
    #[arg(long, global = true, env = "BUILTBY_BOTS", value_name = "FILE")]
    pub bots: Option<PathBuf>,
    /// Where searches, person pages, `export counts` and `serve` read, and where `ingest …` ships
    /// what it loaded: sqlite (the local store, the default) or clickhouse (needs
    /// --clickhouse-url). The local store stays the staging area every ingest writes, and holds
    /// the workflow state (shortlists, watches, audit log, opt-outs) with either backend
    #[arg(long, global = true, env = "BUILTBY_BACKEND", value_enum, default_value_t = Backend::Sqlite)]
    pub backend: Backend,
    /// The ClickHouse server's HTTP address, e.g. http://127.0.0.1:8123 (with --backend clickhouse)
    #[arg(
        long,
        global = true,
        env = "BUILTBY_CLICKHOUSE_URL",
        value_name = "URL"
    )]
    pub clickhouse_url: Option<String>,
    /// The ClickHouse database builtby's tables are in (with --backend clickhouse)
    #[arg(
        long,
        global = true,
        env = "BUILTBY_CLICKHOUSE_DATABASE",
        value_name = "D",
        default_value = "builtby"
    )]
    pub database: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Clickhouse,
}

// Parsed once per run: the size of the largest variant (the search flags) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Ingest, search and show a ranked result end to end (downloads a few real GH Archive hours; offline, uses a generated sample)
    Demo(DemoArgs),
    /// Load public data into the store
    #[command(subcommand)]
    Ingest(IngestSource),
    /// Rank people by the work they did, with the evidence
    Search(SearchArgs),
    /// Search in plain words: the sentence is read into search filters, shown back (with the words each came from and the words not understood), then run
    Ask(AskArgs),
    /// One person: totals by repository and kind, month by month, strongest evidence
    Person(PersonArgs),
    /// Export stored data
    #[command(subcommand)]
    Export(ExportWhat),
    /// What is loaded: per file, events by type, skipped lines with reasons, contributions stored
    Stats(StatsArgs),
    /// Serve the web page and the JSON API (loopback by default)
    #[command(
        after_help = "Open http://127.0.0.1:7878/ in a browser. The API is documented at /api/openapi.json.\nOn any address other than loopback a token is required, and every API request must send `Authorization: Bearer <token>`.\nGive the token in the BUILTBY_TOKEN environment variable: a --token value is visible to every user of the machine in `ps`. A blank token is refused.\nNamed tokens: --token-file FILE, one `name:token` a line (at least 16 characters, no spaces; `#` comments). The token's name is the actor in the audit log (BUILTBY_TOKEN is named `token`). Endpoints that change state (opt-out, erase, identity decisions) need a token even on loopback: without any they answer 403.\nEvery search, person view and export is recorded in the audit log (`builtby audit`).\nLimits: --max-connections open at once (the next is answered 503), --header-timeout to send a request head, --request-timeout per request (answered 408, its query stopped)."
    )]
    Serve(ServeArgs),
    /// Measure speed against a baseline run on the same machine in the same run
    #[command(subcommand)]
    Bench(BenchWhat),
    /// Normalise free-text locations: city, region, country (ISO 3166-1 alpha-2), metro, confidence
    #[command(
        after_help = "Examples:\n  builtby locate \"SF Bay Area\" \"Kraków, Polska\" 東京\n  builtby locate --json \"Mountain View, CA\""
    )]
    Locate(LocateArgs),
    /// Fetch data from the GitHub API
    #[command(subcommand)]
    Enrich(EnrichWhat),
    /// Complete trimmed GH Archive records (post-2025 pointers, contributions needing hydration) from the GitHub API
    #[command(
        after_help = "Examples:\n  builtby hydrate --limit 500\n  GITHUB_TOKEN=... builtby hydrate\n\nResumable: what was fetched is stored; failures stay pending for the next run; 404s are marked, never dropped."
    )]
    Hydrate(HydrateArgs),
    /// One person per human: show a person's accounts and links, review suggestions, link, unlink, split, lock, reject; every change is logged
    #[command(
        subcommand,
        after_help = "Accounts are GitHub logins or git identities (`git:<key>`, shown as `Name (git)`; the key is a hash, never the e-mail).\nbuiltby links accounts when the data proves it (noreply addresses, GitHub's commits API) or when votes clear its thresholds (merged branches, squash commits of known PRs); names only ever suggest.\nYour decisions (link, unlink, split, reject, lock) always win and survive re-ingesting everything.\n\nExamples:\n  builtby identity show jakevdp\n  builtby identity suggest --repo jax-ml/jax\n  builtby identity link git:3f2a… mattjj --why \"same person, checked their profile\"\n  builtby identity log"
    )]
    Identity(IdentityVerb),
    /// Shortlists: people you are reaching out to, each with a status and a note; export to CSV, JSON, Greenhouse or Lever
    #[command(subcommand, after_help = SHORTLIST_HELP)]
    Shortlist(ShortlistVerb),
    /// Draft a first line (and a short message) that cites a person's own work, with its link. Never sent: text to copy
    #[command(after_help = OUTREACH_HELP)]
    Outreach(OutreachArgs),
    /// The people already in your applicant-tracking system: import its CSV export, so searches mark them or leave them out (--not-in-ats)
    #[command(subcommand, after_help = ATS_HELP)]
    Ats(AtsVerb),
    /// Saved searches with alerts: who newly qualifies since the last run (after new ingests) and why, who dropped out; optional webhook
    #[command(
        subcommand,
        after_help = "Examples:\n  builtby watch add pytorch-dist -- --ecosystem pytorch --kind pr_merged --since 12m\n  builtby ingest gharchive ~/gharchive/2024-05-22-*.json.gz\n  builtby watch run\n  builtby watch list"
    )]
    Watch(WatchVerb),
    /// Opt-out: leave a person out of builtby (add, list, remove); every change is in the audit log
    #[command(subcommand)]
    Optout(OptoutVerb),
    /// Erase a person: delete their profile, logins, places and contributions; keep only the hashed opt-out
    #[command(
        after_help = "Erasing implies opting out: re-ingesting the same files never brings the person back.
Deleted: the person's account rows and those linked to them (name, location, company, blog, places, login history), every contribution credited to them (titles, bodies, links) with its full-text entry and paths, their pending pointers, identity evidence and decisions about them, cached API answers naming them. Kept: the keyed hashes on the suppression list, the audit log (which names people by hash only), other people's own words.

Examples:
  builtby erase some-login
  builtby erase hf:some-name"
    )]
    Erase(EraseArgs),
    /// The audit log: who searched, viewed, exported, opted out, erased or changed identities, when, what and how many people
    #[command(
        after_help = "Append-only: the store refuses to change or delete its rows.
The actor is the OS user ($USER) for the CLI and the token's name for the server. People are named by their keyed hash, never their login: --person LOGIN finds the entries about a login.

Examples:
  builtby audit --since 7d
  builtby audit --action search --json
  builtby audit --person some-login"
    )]
    Audit(AuditArgs),
}

#[derive(ClapArgs, Debug)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: std::net::SocketAddr,
    /// Require this bearer token on API requests (required off loopback). Prefer the
    /// BUILTBY_TOKEN environment variable: command-line arguments are visible in `ps`
    #[arg(long, env = "BUILTBY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Named tokens, one `name:token` a line (`#` starts a comment): the name is who the audit log records; needed for every state-changing endpoint
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<std::path::PathBuf>,
    /// Connections open at once; the next is answered 503 and closed
    #[arg(long, default_value_t = builtby_server::MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a connection has to send a whole request head (idle and slow clients are closed)
    #[arg(long, value_name = "SECONDS", default_value_t = builtby_server::HEADER_TIMEOUT.as_secs())]
    pub header_timeout: u64,
    /// Seconds a request may take; longer is answered 408 and its query is stopped
    #[arg(long, value_name = "SECONDS", default_value_t = builtby_server::REQUEST_TIMEOUT.as_secs())]
    pub request_timeout: u64,
}

#[derive(Subcommand, Debug)]
pub enum IngestSource {
    /// GH Archive hourly dumps: files, folders or globs of .json.gz (or plain .json), or --from/--to to stream hours (up to a year and more) from GH Archive
    #[command(
        after_help = "Examples:\n  builtby ingest gharchive 2015-01-01-*.json.gz\n  builtby ingest gharchive ~/gharchive/\n  builtby ingest gharchive --from 2024-05-21T00 --to 2024-05-21T05\n  builtby ingest gharchive --from 2024-01-01 --to 2024-12-31   # a year, catalog scope\n  builtby ingest gharchive --from 2024-01-01 --to 2024-01-31 --scope my-repos.txt --keep\n\nDownloading (--from/--to): hours are UTC; a date means its hours 00 to 23. Hours stream: the next ones download (at most 2 ahead) while one loads, and each file is deleted once its hour is loaded (--keep keeps them in <data-dir>/gharchive), so a year needs a few hundred MB of disk for downloads, not the 0.5-1 TB a year weighs (a 2024 hour is 60-120 MB, 150-250k events). One such run at a time per data folder.\n\nScope: a year of all of GitHub is billions of events; --scope keeps only the events of some repositories (and the profiles of the people seen in them):\n  catalog  the catalog's repositories, under their current and old names (the default with --from/--to; --catalog FILE adds yours)\n  all      every repository (the default for files named on the command line)\n  FILE     one owner/name, owner/* or owner a line, # comments (a file named all: ./all)\nEvents of other repositories are counted, never stored: `builtby stats` shows them per input as \"not kept (out of scope)\". A file is logged with its scope: loading it again in the same scope (or after loading it with --scope all) changes nothing; in another scope, it is loaded again for what the first load left out.\n\nInterrupted? Run the same command again. Hours already loaded are skipped without downloading them (the ingest log knows them by name, even after their files were deleted); a partial download (.part) resumes where it stopped; an hour killed mid-load was rolled back and loads again whole. The store ends the same as after one uninterrupted run.\nA failed download is tried 4 times (waiting 2, 4, 8 s between; BUILTBY_GHARCHIVE_RETRY_WAIT=SECONDS sets the first wait); then the hour is reported failed and the others go on. After 3 hours in a row on which GH Archive could not be reached, the rest are not tried. BUILTBY_GHARCHIVE_URL downloads from another server (a mirror) instead of https://data.gharchive.org.\n\nRe-ingesting a loaded file changes nothing; an interrupted ingest resumes where it stopped.\nExit status: 0 when every input was read to its end (skipped lines are reported, not fatal), 1 when an input could not be opened or ended early or an hour failed (all good records are still loaded; the failed hours are named: run again to retry them), 2 for usage errors."
    )]
    Gharchive(GharchiveArgs),
    /// Local git clones (bare or not): commits on the default branch with their paths, linked to GitHub logins and PRs
    #[command(
        after_help = "Examples:\n  builtby ingest git ~/src/jax\n  builtby ingest git /data/mirrors/pytorch.git --repo pytorch/pytorch\n\nThe repository name comes from --repo, the `origin` remote on github.com, or a folder named owner__name.\nA second run reads only commits added since the last one (nothing at all when HEAD has not moved).\nRun it again after loading GH Archive hours: commits are linked to the merged PRs then in the store.\nE-mail addresses are hashed for identity matching, never stored or shown."
    )]
    Git(GitArgs),
    /// Watched repositories from the GitHub API: closed PRs (merged or not) with files, reviews and review comments; with --commits, who authored each commit
    #[command(
        after_help = "Examples:\n  builtby ingest github --repo pytorch/pytorch --since 2025-01-01\n  builtby ingest github --ecosystem jax\n  builtby ingest git ~/src/jax --repo jax-ml/jax\n  builtby ingest github --commits --repo jax-ml/jax\n\nIncremental and resumable: a per-repository cursor is stored with each batch of PRs; a second run reads only what changed (an unchanged repository costs only conditional requests answered 304). A PR already loaded from GH Archive is completed, not doubled.\n\n--commits reads GitHub's commits API instead of PRs: for every commit of the default branch, the GitHub account GitHub matched to its author e-mail. The git identity that authored that commit in the store is then proven to be that account (method commits_api): its commits count for that person, under their login. It needs the repository's history in the store first, from `builtby ingest git PATH --repo OWNER/NAME`: repositories without it are skipped (no request is made), and commits newer than your clone are counted as not in the store (git pull, ingest git again, then rerun). It costs one request per 100 commits (the summary prints requests per 1,000 commits); a second run reads only newer commits, and an unchanged repository answers 304. Not linked: merges, commits GitHub matched to no account, bots, and identities a person unlinked or linked to someone else.\n\nThe token comes from GITHUB_TOKEN. It is optional, but without one GitHub allows 60 requests an hour (6,000 commits with --commits) instead of 5,000; when the limit runs out, builtby waits for its reset.\n\nExit status: 0 when every repository was read, 1 when one failed (its stored batches are kept)."
    )]
    Github(GithubArgs),
    /// Models on the Hugging Face Hub with their model cards: an author's or organisation's from the API, the authors already linked to people, or a dump (--from-dir)
    #[command(
        after_help = "Examples:\n  builtby ingest huggingface --from-dir hub-2022.tar.zst\n  builtby ingest huggingface --from-dir models/          # models/<author>/<name>/{infos.json,README.md}\n  builtby ingest huggingface --from-dir models.jsonl     # one record a line (a `card` field may carry the README)\n  builtby ingest huggingface --author julien-c --author sgugger\n  builtby ingest huggingface --org facebook\n  builtby ingest huggingface --linked                    # hf: accounts linked to a person\n\nEach model is one `model` contribution credited to hf:<author>: its downloads (30 days and all time), likes, categories (pipeline tag, library) and its model card's quality (0 to 1, explained: sections present of 8, a usage example, length).\nOrganisations' models credit no person, nor do bot-generated families (huggingtweets): their accounts are stored as not people, with the reason. The Hub says which authors are organisations; with --from-dir, --org names them (and a shipped list knows a few).\nA card that links a GitHub profile (github.com/<login>) only suggests a link (`builtby identity suggest`); it never makes one.\n\nIncremental and resumable: every request is conditional (an unchanged author costs 304s), each page of models is stored as it comes, and a re-run of the same input changes nothing.\n\nThe token comes from HF_TOKEN: optional, never printed; anonymous requests get lower rate limits (the Hub counts requests in 5-minute windows and says so in its RateLimit header; builtby waits for the window's reset).\n\nExit status: 0 when every input or author was read, 1 when one failed (what was stored is kept: rerun to continue), 2 for usage errors."
    )]
    Huggingface(HuggingfaceArgs),
    /// A local copy of Meta Kaggle (the tables Kaggle publishes daily): per-category tiers, competition medals, medal-winning notebooks of Kaggle accounts
    #[command(
        after_help = "Examples:\n  builtby ingest kaggle ~/data/meta-kaggle\n  builtby ingest kaggle ~/data/meta-kaggle --min-tier master\n\nReads whichever of Users.csv, UserAchievements.csv, Teams.csv, TeamMemberships.csv, Competitions.csv, Organizations.csv, Kernels.csv and KernelVersions.csv are in DIR, each once, as a stream: memory stays flat however many users there are. Kept: tiers at or above --min-tier in each category (with points, rankings and medal counts), competition medals (for every member of the team), notebooks that won a medal. Organisations are hosts, never people.\nColumns are found by header name; a missing or renamed column is an error naming the file and the column, before anything is read. Bad rows are reported (file:line) and skipped.\nA Kaggle account (`kaggle:<user>`, shown as `Name (Kaggle)`) joins a GitHub person only by an identity link: when its user name is a GitHub login in the store and its display name is that account's name, a suggestion is recorded (`builtby identity suggest`); accept it with `builtby identity link kaggle:<user> LOGIN`.\nRe-ingesting the same tables changes nothing.\nExit status: 0 when every table was read to its end (skipped rows are reported, not fatal), 1 when a table could not be read or lacks a column, 2 for usage errors."
    )]
    Kaggle(KaggleArgs),
    /// arXiv papers, one row per author: Atom answers or JSON-lines metadata snapshots (--file), or a category's submissions fetched from the export API (--category, --from)
    #[command(
        after_help = "Examples:\n  builtby ingest arxiv --file ../shared/data/arxiv/*.atom.xml\n  builtby ingest arxiv --file arxiv-metadata-oai-snapshot.json\n  builtby ingest arxiv --category cs.LG --category cs.AI --from 2024-01-01 --to 2024-03-31\n  builtby person arxiv:adrian-del-maestro\n\nAn author is the account arxiv:<name> (accents folded, lower case, words joined by -): arXiv gives names, not ids, so one such account may be several people with the same name, and one person may write their name two ways. An author joins a GitHub person only through the identity verbs: when a paper links a GitHub repository that is in the store (ingest it first) and one of that repository's people has the author's name, the author is suggested as that person (`builtby identity suggest`), never linked automatically.\n\nThe export API is asked one request every 3 seconds (--delay), on one connection, a window of --window-days days at a time, --page-size papers a page. Each page is stored with its window's cursor: a killed run resumes at the page it was reading, and windows read to their end (older than 3 days) are not asked again. Re-ingesting a loaded file changes nothing.\n\nExit status: 0 when every input was read (bad entries are reported and skipped), 1 when a file could not be read or the API failed after its retries (what was loaded is kept), 2 for usage errors."
    )]
    Arxiv(ArxivArgs),
}

#[derive(ClapArgs, Debug)]
pub struct GithubArgs {
    /// Repository, owner/name (repeatable)
    #[arg(
        long = "repo",
        value_name = "OWNER/NAME",
        required_unless_present = "ecosystems"
    )]
    pub repos: Vec<String>,
    /// Every repository of this catalog ecosystem, e.g. pytorch, jax (repeatable)
    #[arg(long = "ecosystem", value_name = "ID")]
    pub ecosystems: Vec<String>,
    /// Only PRs updated (with --commits: commits committed) since this date (2024-01-31) or this long ago (30d, 12m); a stored cursor that is later wins
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// PRs stored per transaction (each commit moves the cursor)
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Instead of PRs: prove whose each git identity is from GitHub's commits API (run `ingest git` first)
    #[arg(long)]
    pub commits: bool,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(ClapArgs, Debug)]
pub struct GitArgs {
    /// Repository folders (a clone's work tree or a bare repository)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// The GitHub repository these are, owner/name (only with one PATH)
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// git processes reading in parallel [default: number of cores]
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(ClapArgs, Debug)]
pub struct GharchiveArgs {
    /// Files, folders or glob patterns
    #[arg(value_name = "PATH", required_unless_present = "from")]
    pub paths: Vec<PathBuf>,
    /// First hour or date to download, e.g. 2024-05-21T00 or 2024-01-01 (UTC)
    #[arg(long, requires = "to", value_name = "HOUR")]
    pub from: Option<String>,
    /// Last hour or date to download, inclusive (a date: through its hour 23)
    #[arg(long, requires = "from", value_name = "HOUR")]
    pub to: Option<String>,
    /// Keep only events of these repositories: catalog, all, or a FILE of owner/name, owner/* or owner lines [default: catalog with --from/--to, all for files]
    #[arg(long, value_name = "catalog|all|FILE")]
    pub scope: Option<String>,
    /// Keep downloaded hours in <data-dir>/gharchive after loading them (by default each is deleted once loaded)
    #[arg(long, requires = "from")]
    pub keep: bool,
    /// Parser threads [default: number of cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print how long each phase took (open, parse+load, locations, checkpoint+close) and the
    /// peak memory, as one `timings key=value…` line on stderr
    #[arg(long)]
    pub timings: bool,
}

/// Every search parameter (`builtby_search::query::SEARCH_PARAMS`), as typed: `--as-of` is the
/// API's `as_of`. Values are kept as strings and checked by the one query builder the API
/// uses too (`builtby_search::query::Params`), so both accept and reject the same.
#[derive(ClapArgs, Debug, Clone, Default)]
pub struct QueryArgs {
    /// Repository, owner/name or owner/* (repeatable, or comma-separated)
    #[arg(long = "repo", value_name = "OWNER/NAME")]
    pub repos: Vec<String>,
    /// Ecosystem from the catalog, any case, e.g. pytorch, huggingface, jax (repeatable)
    #[arg(long = "ecosystem", value_name = "ID")]
    pub ecosystems: Vec<String>,
    // The help lists every kind from `Kind::ALL` (see `kinds_help`), so it cannot drift.
    #[arg(long = "kind", value_name = "KIND", help = kinds_help())]
    pub kinds: Vec<String>,
    /// From this date (2024-01-31) or this long before --as-of or today (30d, 8w, 12m, 2y)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this date or this long before --as-of or today
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Words that must all appear in a PR/issue title or body, e.g. "nccl timeout" (at most 10 different words)
    #[arg(long, value_name = "WORDS")]
    pub text: Option<String>,
    /// Code area: a name from the catalog ("distributed training", "model: bert") or an automatic one (a folder such as jax/_src, or tests, docs, vendor, ci) (repeatable); an unknown one lists the valid names
    #[arg(long = "area", value_name = "NAME")]
    pub areas: Vec<String>,
    /// Path prefix in the repositories' trees, e.g. torch/distributed/ (repeatable)
    #[arg(long = "path", value_name = "PREFIX")]
    pub paths: Vec<String>,
    /// Location contains this text (case-insensitive), e.g. Berlin
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,
    /// Recruiter metro of the normalised profile location: "bay area", "new york", london, zurich, bangalore, tokyo…
    #[arg(long, value_name = "METRO")]
    pub metro: Option<String>,
    /// Country of the normalised profile location: ISO code or name (de, Germany, Polska)
    #[arg(long, value_name = "COUNTRY")]
    pub country: Option<String>,
    /// How many people to show, 1 to 500 [default: 20]
    #[arg(long, value_name = "N")]
    pub limit: Option<String>,
    /// Skip this many (for paging) [default: 0]
    #[arg(long, value_name = "N")]
    pub offset: Option<String>,
    /// Include bot accounts (excluded by default)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub include_bots: Option<String>,
    #[arg(long = "source", value_name = "PLATFORM", help = sources_help())]
    pub sources: Vec<String>,
    /// People who reached at least this Kaggle tier in a category: novice, contributor, expert, master, grandmaster
    #[arg(long, value_name = "TIER")]
    pub kaggle_tier: Option<String>,
    /// People whose Hugging Face models have at least N downloads in all
    #[arg(long, value_name = "N")]
    pub min_downloads: Option<String>,
    /// People with an arXiv paper (any), or one in this category (cs.LG)
    #[arg(long, value_name = "CATEGORY", num_args = 0..=1, require_equals = true, default_missing_value = "any")]
    pub papers: Option<String>,
    /// People whose work shows this role: ml_engineer, ml_infra, researcher, data_scientist (repeatable, or comma-separated); judged from each person's whole record before ranking
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Leave out people your applicant-tracking system already has (`builtby ats import`); without it they are marked "in ATS"
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub not_in_ats: Option<String>,
    /// Contributions lose half their weight every this many months, 0.1 to 1200 [default: 12]
    #[arg(long, value_name = "MONTHS")]
    pub half_life: Option<String>,
    /// Score as of this date instead of today: nothing later counts; durations in --since and --until count back from it
    #[arg(long, value_name = "WHEN")]
    pub as_of: Option<String>,
}

/// `--kind`'s help: every kind, by the platform it is done on, generated from
/// [`Kind::ALL`](builtby_model::Kind::ALL).
pub fn kinds_help() -> String {
    use builtby_model::Kind;
    let groups: Vec<String> = Kind::PLATFORMS
        .iter()
        .map(|p| {
            let kinds: Vec<&str> = Kind::ALL
                .iter()
                .filter(|k| k.platform() == *p)
                .map(|k| k.as_str())
                .collect();
            format!("{p}: {}", kinds.join(", "))
        })
        .collect();
    format!(
        "Only these kinds of work (repeatable, or comma-separated). {}",
        groups.join("; ")
    )
}

/// `--source`'s help, from [`Kind::PLATFORMS`](builtby_model::Kind::PLATFORMS).
pub fn sources_help() -> String {
    format!(
        "Only work on these platforms: {} (repeatable)",
        builtby_model::Kind::PLATFORMS.join(", ")
    )
}

impl QueryArgs {
    /// The flags given, by their names in `SEARCH_PARAMS`.
    pub fn params(&self) -> builtby_search::query::Params {
        let mut p = builtby_search::query::Params::new();
        p.push_each("repo", &self.repos)
            .push_each("ecosystem", &self.ecosystems)
            .push_each("kind", &self.kinds)
            .push_each("since", &self.since)
            .push_each("until", &self.until)
            .push_each("text", &self.text)
            .push_each("area", &self.areas)
            .push_each("path", &self.paths)
            .push_each("location", &self.location)
            .push_each("metro", &self.metro)
            .push_each("country", &self.country)
            .push_each("limit", &self.limit)
            .push_each("offset", &self.offset)
            .push_each("include_bots", &self.include_bots)
            .push_each("source", &self.sources)
            .push_each("kaggle_tier", &self.kaggle_tier)
            .push_each("min_downloads", &self.min_downloads)
            .push_each("papers", &self.papers)
            .push_each("role", &self.roles)
            .push_each("not_in_ats", &self.not_in_ats)
            .push_each("half_life", &self.half_life)
            .push_each("as_of", &self.as_of);
        p
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(ClapArgs, Debug)]
#[command(
    after_help = "Examples:\n  builtby search --ecosystem pytorch --since 12m\n  builtby search --repo huggingface/* --kind pr_merged --kind review --explain\n  builtby search --text \"flash attention\" --location berlin --json"
)]
pub struct SearchArgs {
    #[command(flatten)]
    pub query: QueryArgs,
    /// Show each ranking rule's score and the counts behind it
    #[arg(long)]
    pub explain: bool,
    /// JSON output (same shape as the HTTP API)
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV output, one row per person
    #[arg(long)]
    pub csv: bool,
}

#[derive(ClapArgs, Debug)]
#[command(
    after_help = "Examples:\n  builtby ask \"people who reviewed PRs in huggingface repos since 2024 in germany\"\n  builtby ask \"ML engineers in Berlin who merged PRs into PyTorch's distributed training in the last year, not in our ATS\" --explain\n  builtby ask \"kaggle grandmasters in India\" --json\n\nThe words are the catalog's (`[ask]` in the catalog file; add your own with --catalog). The line `same as: builtby search …` is the equivalent search: it gives the same results."
)]
pub struct AskArgs {
    /// What you look for, in words (at most 500 characters)
    pub sentence: String,
    /// Also say where each filter's meaning comes from, and show each ranking rule's score
    #[arg(long)]
    pub explain: bool,
    /// JSON output: {"ask": the sentence as read, "results": as `search --json`}
    #[arg(long)]
    pub json: bool,
    /// How many people to show, 1 to 500 [default: 20]
    #[arg(long, value_name = "N")]
    pub limit: Option<String>,
    /// Score as of this date instead of today; relative phrases ("last year") count back from it
    #[arg(long, value_name = "WHEN")]
    pub as_of: Option<String>,
}

impl AskArgs {
    /// The flags given besides the sentence, by their names in `SEARCH_PARAMS`.
    pub fn params(&self) -> builtby_search::query::Params {
        let mut p = builtby_search::query::Params::new();
        p.push_each("limit", &self.limit)
            .push_each("as_of", &self.as_of);
        p
    }
}

#[derive(ClapArgs, Debug)]
pub struct PersonArgs {
    /// GitHub login (current or former)
    pub login: String,
    #[arg(long)]
    pub json: bool,
    /// Evidence lines to show, 1 to 500 [default: 20]
    #[arg(long, value_name = "N")]
    pub limit: Option<String>,
    /// Skip this many evidence lines [default: 0]
    #[arg(long, value_name = "N")]
    pub offset: Option<String>,
    /// Contributions lose half their weight every this many months [default: 12]
    #[arg(long, value_name = "MONTHS")]
    pub half_life: Option<String>,
    /// Score as of this date instead of today
    #[arg(long, value_name = "WHEN")]
    pub as_of: Option<String>,
}

impl PersonArgs {
    /// The flags given, by their names in `PERSON_PARAMS`.
    pub fn params(&self) -> builtby_search::query::Params {
        let mut p = builtby_search::query::Params::new();
        p.push_each("limit", &self.limit)
            .push_each("offset", &self.offset)
            .push_each("half_life", &self.half_life)
            .push_each("as_of", &self.as_of);
        p
    }
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    /// Contribution counts per person, repository and kind: CSV header login,repo,kind,count
    Counts(ExportCountsArgs),
    /// Ship what changed in the local store to ClickHouse now (`ingest …` with --backend clickhouse does it after loading)
    #[command(
        after_help = "Examples:\n  builtby --backend clickhouse --clickhouse-url http://127.0.0.1:8123 export clickhouse\n  BUILTBY_CLICKHOUSE_URL=http://db:8123 builtby export clickhouse --database builtby_prod\n\nOnly rows new or changed since the last ship are sent (an identity link, an opt-out or an erasure changes rows too: run this after them to bring ClickHouse up to date; searches through ClickHouse never show opted-out or erased people meanwhile). The state of what was shipped is kept in <data-dir>/clickhouse-ship.sqlite."
    )]
    Clickhouse,
}

#[derive(ClapArgs, Debug)]
pub struct ExportCountsArgs {
    /// Include bot accounts (excluded by default)
    #[arg(long)]
    pub include_bots: bool,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(ClapArgs, Debug)]
pub struct StatsArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct DemoArgs {
    /// Do not try to download; use the generated sample
    #[arg(long)]
    pub offline: bool,
}

#[derive(ClapArgs, Debug)]
pub struct LocateArgs {
    /// Free-text locations, one per argument
    #[arg(value_name = "TEXT", required = true)]
    pub texts: Vec<String>,
    /// One JSON object a line: {input, city, region, country, metro, confidence, also, rule, why}
    #[arg(long)]
    pub json: bool,
    /// Show which rule decided (country name, admin code, city, metro radius, institution,
    /// coordinates) and how, so a wrong answer can be reported precisely
    #[arg(long)]
    pub explain: bool,
}

/// How to talk to the GitHub API. The token comes from GITHUB_TOKEN and is never printed.
#[derive(ClapArgs, Debug, Clone)]
pub struct ApiArgs {
    /// API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise
    #[arg(
        long,
        env = "BUILTBY_GITHUB_API_URL",
        default_value = "https://api.github.com",
        value_name = "URL"
    )]
    pub api_url: String,
    /// Requests in flight at once
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Seconds before a request is abandoned (and retried)
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Retries on 5xx, timeouts and cut bodies
    #[arg(long, default_value_t = 5)]
    pub retries: u32,
    /// First retry delay in seconds (doubles each retry, plus jitter)
    #[arg(long, default_value_t = 1.0)]
    pub backoff: f64,
    /// Longest rate-limit wait in seconds before giving up
    #[arg(long, default_value_t = 3700)]
    pub max_wait: u64,
}

#[derive(Subcommand, Debug)]
pub enum EnrichWhat {
    /// Public profiles (name, company, blog, twitter, hireable, bio, location, followers, created_at; never e-mail), by id so renames are followed
    #[command(
        after_help = "Examples:\n  builtby enrich people --login some-login\n  builtby enrich people --active-since 12m"
    )]
    People(EnrichPeopleArgs),
}

#[derive(ClapArgs, Debug)]
pub struct EnrichPeopleArgs {
    /// Only these logins (repeatable); default: everyone active since --active-since
    #[arg(long = "login", value_name = "LOGIN")]
    pub logins: Vec<String>,
    /// People seen since this date or this long ago (30d, 12m)
    #[arg(long, value_name = "WHEN")]
    pub active_since: Option<String>,
    /// At most this many profiles, least recently fetched first
    #[arg(long)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(ClapArgs, Debug)]
pub struct HydrateArgs {
    /// At most this many records this run (oldest first)
    #[arg(long)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub api: ApiArgs,
}
