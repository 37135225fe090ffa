//! Arguments of the ingests of work off GitHub: `ingest arxiv`, `ingest huggingface`,
//! `ingest kaggle`.

use clap::{Args as ClapArgs, ValueEnum};
use std::path::PathBuf;

#[derive(ClapArgs, Debug)]
pub struct ArxivArgs {
    /// Atom answers of the export API, or JSON-lines metadata snapshots (.json, .jsonl, .gz); a folder is read for those (repeatable)
    #[arg(long = "file", value_name = "PATH", num_args = 1.., required_unless_present_any = ["categories", "relink"])]
    pub files: Vec<PathBuf>,
    /// Only suggest the authors of stored papers as people of the repositories the papers link (done at the end of every run; use it after `ingest git` of such a repository)
    #[arg(long)]
    pub relink: bool,
    /// A category whose submissions to fetch from the export API, e.g. cs.LG, cs.AI, stat.ML (repeatable)
    #[arg(long = "category", value_name = "CATEGORY", requires = "from")]
    pub categories: Vec<String>,
    /// First day of submissions: a date (2024-01-31) or this long ago (30d, 12m)
    #[arg(long, value_name = "WHEN", requires = "categories")]
    pub from: Option<String>,
    /// Last day of submissions, inclusive [default: today]
    #[arg(long, value_name = "WHEN", requires = "from")]
    pub to: Option<String>,
    /// Days of submissions per query (each query is paged)
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub window_days: u32,
    /// Papers per request (max_results), 1 to 2000
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub page_size: u32,
    /// Seconds between requests: arXiv asks for at least 3 (less only with another --api-url)
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0)]
    pub delay: f64,
    /// The export API's query URL, or a mirror's or a fake's
    #[arg(
        long,
        env = "BUILTBY_ARXIV_API_URL",
        default_value = builtby_sources::arxiv::client::API_URL,
        value_name = "URL"
    )]
    pub api_url: String,
    /// Seconds before a request is abandoned (and retried)
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub timeout: f64,
    /// Retries on 5xx, 429, timeouts, cut answers and empty pages
    #[arg(long, default_value_t = 4)]
    pub retries: u32,
    /// First retry delay in seconds (doubles each retry)
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub backoff: f64,
}

#[derive(ClapArgs, Debug)]
pub struct HuggingfaceArgs {
    /// A user's models (repeatable)
    #[arg(long = "author", value_name = "NAME", conflicts_with = "from_dir")]
    pub authors: Vec<String>,
    /// An organisation's models, credited to no person; with --from-dir: treat this author as an organisation (repeatable)
    #[arg(long = "org", value_name = "NAME")]
    pub orgs: Vec<String>,
    /// The authors of Hugging Face accounts in the store that are linked to a person
    #[arg(long, conflicts_with = "from_dir")]
    pub linked: bool,
    /// A dump instead of the API: a models/<author>/<name>/{infos.json,README.md} folder, the same as .tar.zst, or JSON records (one a line, or an array)
    #[arg(long, value_name = "PATH", required_unless_present_any = ["authors", "orgs", "linked"])]
    pub from_dir: Option<PathBuf>,
    #[command(flatten)]
    pub api: HfApiArgs,
}

/// How to talk to the Hugging Face Hub. The token comes from HF_TOKEN and is never printed.
#[derive(ClapArgs, Debug, Clone)]
pub struct HfApiArgs {
    /// The Hub's root: https://huggingface.co, a mirror, or a test server
    #[arg(
        long,
        env = "BUILTBY_HF_API_URL",
        default_value = "https://huggingface.co",
        value_name = "URL"
    )]
    pub api_url: String,
    /// Requests in flight at once (cards are fetched in parallel)
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
    /// Longest rate-limit wait in seconds before giving up (the Hub's windows are 5 minutes)
    #[arg(long, default_value_t = 400)]
    pub max_wait: u64,
}

#[derive(ClapArgs, Debug)]
pub struct KaggleArgs {
    /// The Meta Kaggle folder
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Keep tiers from this one up (lower tiers are counted, not kept)
    #[arg(long, value_enum, default_value_t = KaggleTier::Expert)]
    pub min_tier: KaggleTier,
    /// Print how long each phase took and the peak memory, as one `timings key=value…` line on stderr
    #[arg(long)]
    pub timings: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum KaggleTier {
    Novice,
    Contributor,
    Expert,
    Master,
    Grandmaster,
}

impl KaggleTier {
    /// Kaggle's number for it (0 Novice … 4 Grandmaster).
    pub fn number(self) -> u8 {
        self as u8
    }
}
