//! Ingest: sources → store.
//!
//! Parsing is the expensive part (gzip + JSON), so files are parsed on worker threads, one file
//! per worker; the store has one writer, the calling thread, which loads files **in input
//! order**, each in its own transaction. Records flow through small bounded channels, so memory
//! is bounded by a few chunks per worker, whatever the number or size of the files.
//!
//! A file already in the ingest log (same checksum) is skipped before it is parsed. A file
//! that cannot be opened is reported and the others go on; a file that ends early keeps every
//! record before the damage, and is logged as incomplete.
//!
//! GH Archive files may be read in a scope of repositories (the catalog's, a file's): the
//! parsers drop other repositories' events before building records, and the ingest log keys
//! such a load by checksum and scope. Hours can also stream from GH Archive
//! ([`gharchive::hours`]): downloaded a few ahead of the load, deleted once loaded, skipped
//! by name when the ingest log has them.
//!
//! Profile locations are normalised off the writer's path: on a background thread while the
//! files load, stored in one batch after (see [`locations`]).

pub mod arxiv;
pub mod gharchive;
pub mod git;
pub mod github;
pub mod github_commits;
pub mod huggingface;
mod inputs;
pub mod kaggle;
pub mod locations;

pub use inputs::{expand_inputs, InputError};

use std::path::PathBuf;

/// What happened to one input.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOutcome {
    /// Loaded: what the store changed, and the source's report of what it read (the same
    /// report for every source).
    Loaded {
        summary: builtby_store::LoadSummary,
        report: builtby_model::ReadReport,
    },
    /// Already in the ingest log with the same checksum.
    AlreadyLoaded,
    /// Already in the ingest log with the same checksum, and it ended early when it was loaded:
    /// these bytes are still incomplete (`error` says why). Loading the whole file under the
    /// same name supersedes it.
    AlreadyLoadedIncomplete { error: String },
    /// Could not be opened or read at all.
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub path: PathBuf,
    pub outcome: FileOutcome,
}

impl FileOutcome {
    /// The outcome of an input found in the ingest log: incomplete bytes stay incomplete (unless
    /// a whole load of the same file superseded them).
    pub fn already(loaded: &builtby_store::Loaded) -> FileOutcome {
        if loaded.complete || loaded.superseded_by.is_some() {
            FileOutcome::AlreadyLoaded
        } else {
            FileOutcome::AlreadyLoadedIncomplete {
                error: loaded
                    .ended_early
                    .clone()
                    .unwrap_or_else(|| "it ended early".into()),
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
}

impl IngestReport {
    /// True when every input was read to its end (skipped lines are not failures).
    pub fn all_complete(&self) -> bool {
        self.files.iter().all(|f| match &f.outcome {
            FileOutcome::Loaded { report, .. } => report.ended_early.is_none(),
            FileOutcome::AlreadyLoaded => true,
            FileOutcome::AlreadyLoadedIncomplete { .. } | FileOutcome::Failed { .. } => false,
        })
    }

    pub fn new_contributions(&self) -> u64 {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Loaded { summary, .. } => summary.new_contributions,
                _ => 0,
            })
            .sum()
    }

    /// Records not stored because their account opted out.
    pub fn suppressed(&self) -> u64 {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Loaded { summary, .. } => summary.suppressed,
                _ => 0,
            })
            .sum()
    }

    pub fn events(&self) -> u64 {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Loaded { report, .. } => report.read,
                _ => 0,
            })
            .sum()
    }
}

/// Progress callbacks, so a terminal bar (or nothing) can follow a long ingest.
pub trait Progress: Sync {
    /// Compressed bytes read so far (all workers), called often.
    fn bytes(&self, _total_read: u64) {}
    /// One file done (loaded, skipped or failed).
    fn file_done(&self, _report: &FileReport, _events: u64) {}
    /// `records` added so far to the open (not yet committed) transaction loading `path`.
    fn loading(&self, _path: &std::path::Path, _records: u64) {}
}

/// No progress output.
pub struct Silent;
impl Progress for Silent {}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] builtby_store::StoreError),
}
