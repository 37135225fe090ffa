//! Sources: one module per kind of public data, each turning its raw input into
//! [`builtby_model::Contribution`]s and [`builtby_model::Pointer`]s. A source knows nothing of
//! the store: it reads, it reports what it could not read (file, line, reason), and it keeps
//! every good record.
//!
//! Adding a source is a recipe: a module with a reader that yields records and a stats value
//! that says what was seen and skipped.

pub mod gharchive;
pub mod git;
pub mod github_api;
