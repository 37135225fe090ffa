//! The source contract's other half: what a source says about one input it read.
//!
//! Every source (GH Archive file, git history, GitHub API batch, and the next ones) yields
//! records plus one [`ReadReport`], tagged with its [`Source`]. The store keeps the report in
//! the ingest log word for word, and `builtby stats` prints any source's the same way.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where records came from. Adding a source is one arm here (and its folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// GH Archive hourly dumps.
    Gharchive,
    /// A local git history.
    Git,
    /// GitHub's REST API (crawl and hydration).
    Github,
    /// The Hugging Face Hub (models and their cards).
    Huggingface,
    /// Meta Kaggle tables (tiers, medals, notebooks).
    Kaggle,
    /// arXiv (papers and their authors).
    Arxiv,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Gharchive,
        Source::Git,
        Source::Github,
        Source::Huggingface,
        Source::Kaggle,
        Source::Arxiv,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Gharchive => "gharchive",
            Source::Git => "git",
            Source::Github => "github",
            Source::Huggingface => "huggingface",
            Source::Kaggle => "kaggle",
            Source::Arxiv => "arxiv",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What this source calls one record it reads.
    pub fn unit(self) -> &'static str {
        match self {
            Source::Gharchive => "events",
            Source::Git => "commits",
            Source::Github => "API objects",
            Source::Huggingface => "models",
            Source::Kaggle => "rows",
            Source::Arxiv => "papers",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many skip messages a report keeps (the counts by reason are always complete).
pub const MAX_MESSAGES: usize = 20;

/// What a source read from one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReport {
    pub source: Source,
    /// Records read: events, commits, API objects ([`Source::unit`]).
    pub read: u64,
    /// What was read, by the source's own type names (event types, object kinds).
    #[serde(default)]
    pub by_type: BTreeMap<String, u64>,
    /// Contributions handed to the store, by kind.
    #[serde(default)]
    pub by_kind: BTreeMap<String, u64>,
    /// Records kept only as pointers, waiting for the API.
    #[serde(default)]
    pub pointers: u64,
    /// Records not kept, by reason (not evidence is not a skip: stars and forks are read and
    /// counted in `by_type`, and that is all).
    #[serde(default)]
    pub skipped: BTreeMap<String, u64>,
    /// The first [`MAX_MESSAGES`] problems, each naming its place (`line N: …`).
    #[serde(default)]
    pub messages: Vec<String>,
    /// Set when the input could not be read to its end.
    #[serde(default)]
    pub ended_early: Option<String>,
    /// Bytes of input read, where that means something.
    #[serde(default)]
    pub bytes: u64,
}

impl ReadReport {
    pub fn new(source: Source) -> ReadReport {
        ReadReport {
            source,
            read: 0,
            by_type: BTreeMap::new(),
            by_kind: BTreeMap::new(),
            pointers: 0,
            skipped: BTreeMap::new(),
            messages: Vec::new(),
            ended_early: None,
            bytes: 0,
        }
    }

    pub fn contributions(&self) -> u64 {
        self.by_kind.values().sum()
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// Counts one skipped record under `reason`, keeping the message if there is room.
    pub fn skip(&mut self, reason: &str, message: String) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
        if self.messages.len() < MAX_MESSAGES {
            self.messages.push(message);
        }
    }

    pub fn kept_kind(&mut self, kind: crate::Kind) {
        *self.by_kind.entry(kind.as_str().to_string()).or_default() += 1;
    }
}
