//! Sources: one folder per kind of public data, each turning its raw input into
//! [`builtby_model::Record`]s. A source knows nothing of the store: it reads, it reports what it
//! could not read (file, line, reason), and it keeps every good record.
//!
//! # The source contract
//!
//! A source yields, per input (a file, a history, a page of API answers):
//! - records ([`builtby_model::Record`]): contributions keyed by what the work *is*
//!   ([`builtby_model::keyed`] / [`builtby_model::work_key`]: kind, repository, and the PR or
//!   issue number, the review/comment/push/release id, or the commit sha), pointers for work
//!   it only glimpsed, and paths for work it knows to be stored under a key;
//! - one [`builtby_model::ReadReport`] tagged with its [`builtby_model::Source`]: what it
//!   read, what it kept by kind, what it did not keep and why, with messages that name the
//!   place (`line 12: not JSON: …`).
//!
//! The ingest crate hands both to the store's one writer (`Store::begin` → `Batch::add` →
//! `Batch::commit`), which resolves people, keeps every derived table, and makes the same work
//! from two sources one row. `builtby stats` prints any source's report.
//!
//! # Adding a source (Hugging Face, Kaggle, arXiv …)
//!
//! 1. `sources/src/<name>/`: the reader and its conversion to records, with tests on fixtures
//!    built in code (and a real-data test on `../shared/data/<name>/`).
//! 2. One arm in `builtby_model::Source` (its stored name and what its records are called),
//!    and, when its people are not GitHub accounts, one in `builtby_model::Namespace`.
//! 3. Its new kinds, if any: appended to `builtby_model::Kind` with new codes, and their
//!    weights in the ranking table (`[rank]` in the catalog).
//! 4. `ingest/src/<name>.rs` to drive it (which inputs, threads, progress) and a subcommand
//!    in `cli/src/cmd/ingest.rs` that parses flags and prints.
//!
//! Nothing in the store, search or server changes for a source that brings known kinds.
//!
//! [`arxiv`] is such a source: its reader ([`arxiv::atom`], [`arxiv::snapshot`]), its
//! conversion ([`arxiv::contributions`]), its API client ([`arxiv::client`], with an
//! injectable clock), and `ingest/src/arxiv.rs` driving them.

pub mod arxiv;
pub mod gharchive;
pub mod git;
pub mod github_api;
pub mod huggingface;
pub mod kaggle;
