//! GH Archive hourly dumps: `YYYY-MM-DD-H.json.gz`, one JSON event per line.
//!
//! Three record shapes share these files (see FORMATS.md): the 2011–12 "api.github.dev"
//! events, the 2012–14 Timeline events (actor is a login string, the repository is a full
//! object, times are Pacific) and the 2015+ Events API. The shape is detected per record,
//! never from the file's date, because the boundaries are not clean.
//!
//! Reading is split in three small steps, each testable alone:
//! - [`lines`] turns a file (gzip or plain) into numbered lines, and says precisely where and
//!   why reading stopped early;
//! - [`event`] parses one line into a typed view that borrows from the line and skips the
//!   hundreds of fields we do not use;
//! - [`convert`] applies the crediting rules (who gets a merged PR, what is only a pointer)
//!   and yields an [`Outcome`] per line;
//! - [`seen`] lists the accounts a line names (every user object with a GitHub id), which the
//!   store's person resolver uses to follow renames.
//!
//! ```no_run
//! use builtby_sources::gharchive::{read_file, Outcome};
//! let stats = read_file("2015-01-01-3.json.gz".as_ref(), |line| {
//!     if let Outcome::Contribution(c) = line.outcome {
//!         let c = &c.contribution;
//!         println!("{} {} {}", c.kind, c.actor.login, c.repo)
//!     }
//! }).unwrap();
//! println!("{} events, {} skipped", stats.events, stats.skipped_lines);
//! ```

pub mod convert;
pub mod download;
pub mod event;
pub mod lines;
pub mod scope;
pub mod seen;

use builtby_model::Contribution;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

pub use convert::{convert_line, convert_line_seen, line_repository, Converted, Outcome};
pub use lines::{LineReader, ReadError};
pub use scope::{Pattern, Scope, ScopeError};
pub use seen::Seen;

/// The reason events of repositories outside the ingest's scope are not kept, in
/// [`builtby_model::ReadReport::skipped`].
pub const OUT_OF_SCOPE: &str = "out of scope";

/// How many skipped-line messages a file keeps word for word; beyond that only counts.
pub const MAX_SKIP_MESSAGES: usize = 50;

/// What reading one file saw. Serialisable so the store can keep it in its ingest log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct FileStats {
    /// Lines that held an event (parsed JSON objects with a type).
    pub events: u64,
    pub events_by_type: BTreeMap<String, u64>,
    pub contributions_by_kind: BTreeMap<String, u64>,
    /// Events that only point at work and wait for the API (post-2025 trimmed payloads).
    pub pointers: u64,
    /// Events whose repository could not be recovered.
    pub no_repository: u64,
    /// Events that credit an actor but have none (deleted accounts).
    pub no_actor: u64,
    /// Events of repositories outside the ingest's [`Scope`]: counted (in `events` too), never
    /// parsed further nor kept.
    #[serde(default)]
    pub out_of_scope: u64,
    pub skipped_lines: u64,
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// The first [`MAX_SKIP_MESSAGES`] skipped lines: `line N: reason`.
    pub skip_messages: Vec<String>,
    /// Set when the file could not be read to its end.
    pub ended_early: Option<String>,
    /// Bytes of input read (compressed size for gzip files).
    pub bytes: u64,
}

impl FileStats {
    pub fn contributions(&self) -> u64 {
        self.contributions_by_kind.values().sum()
    }

    /// The source contract's report: events read by type, contributions by kind, pointers,
    /// and every line or event not kept, by reason.
    pub fn report(&self) -> builtby_model::ReadReport {
        let mut r = builtby_model::ReadReport::new(builtby_model::Source::Gharchive);
        r.read = self.events;
        r.by_type = self.events_by_type.clone();
        r.by_kind = self.contributions_by_kind.clone();
        r.pointers = self.pointers;
        r.skipped = self.skipped_by_reason.clone();
        if self.no_repository > 0 {
            r.skipped.insert("no repository".into(), self.no_repository);
        }
        if self.no_actor > 0 {
            r.skipped.insert("no actor".into(), self.no_actor);
        }
        if self.out_of_scope > 0 {
            r.skipped.insert(OUT_OF_SCOPE.into(), self.out_of_scope);
        }
        r.messages = self.skip_messages.clone();
        r.ended_early = self.ended_early.clone();
        r.bytes = self.bytes;
        r
    }

    fn record(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Contribution(c) => {
                self.count_event(&c.event_type);
                *self
                    .contributions_by_kind
                    .entry(c.contribution.kind.as_str().to_string())
                    .or_default() += 1;
            }
            Outcome::Pointer { event_type, .. } => {
                self.count_event(event_type);
                self.pointers += 1;
            }
            Outcome::NotEvidence { event_type } => self.count_event(event_type),
            Outcome::NoRepository { event_type } => {
                self.count_event(event_type);
                self.no_repository += 1;
            }
            Outcome::NoActor { event_type } => {
                self.count_event(event_type);
                self.no_actor += 1;
            }
            Outcome::Skipped { line, reason } => self.skip(*line, reason),
        }
    }

    fn count_event(&mut self, event_type: &str) {
        self.events += 1;
        match self.events_by_type.get_mut(event_type) {
            Some(n) => *n += 1,
            None => {
                self.events_by_type.insert(event_type.to_string(), 1);
            }
        }
    }

    /// Notes a line that could not be used.
    pub fn skip(&mut self, line: u64, reason: &str) {
        self.skipped_lines += 1;
        let key = reason.split(':').next().unwrap_or(reason).to_string();
        *self.skipped_by_reason.entry(key).or_default() += 1;
        if self.skip_messages.len() < MAX_SKIP_MESSAGES {
            self.skip_messages.push(format!("line {line}: {reason}"));
        }
    }

    /// Adds another file's figures to these (for totals).
    pub fn add(&mut self, o: &FileStats) {
        self.events += o.events;
        for (k, v) in &o.events_by_type {
            *self.events_by_type.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.contributions_by_kind {
            *self.contributions_by_kind.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.skipped_by_reason {
            *self.skipped_by_reason.entry(k.clone()).or_default() += v;
        }
        self.pointers += o.pointers;
        self.no_repository += o.no_repository;
        self.no_actor += o.no_actor;
        self.out_of_scope += o.out_of_scope;
        self.skipped_lines += o.skipped_lines;
        self.bytes += o.bytes;
    }
}

/// A contribution with the GH Archive event type it came from (for stats).
#[derive(Debug, Clone, PartialEq)]
pub struct Credited {
    pub event_type: String,
    pub contribution: Contribution,
}

/// Reads one GH Archive file, calling `sink` with every line that yields a contribution or a
/// pointer or names accounts ([`Converted::seen`]), and returns what was seen. `Err` only when
/// the file cannot be opened at all; a file that ends early returns its stats with
/// [`FileStats::ended_early`] set, after every good record was passed on.
pub fn read_file(path: &Path, sink: impl FnMut(Converted)) -> Result<FileStats, ReadError> {
    let mut reader = LineReader::open(path)?;
    Ok(read_lines(&mut reader, sink))
}

/// [`read_file`] over an opened reader, so a caller can watch [`LineReader::byte_counter`].
pub fn read_lines(reader: &mut LineReader, sink: impl FnMut(Converted)) -> FileStats {
    read_lines_in(reader, &Scope::all(), sink)
}

/// [`read_lines`], keeping only the events of repositories in `scope`: a line of another
/// repository, or an event that is not evidence and names no repository (a 2011–15 follow or
/// gist), is counted in [`FileStats::out_of_scope`] and goes no further (it is not parsed when
/// its `repo.name` can be found without parsing, see [`scope`]); the accounts it names are not
/// passed on either, so only people seen in scope are resolved. Lines that cannot be used are
/// reported as without a scope.
pub fn read_lines_in(
    reader: &mut LineReader,
    scope: &Scope,
    mut sink: impl FnMut(Converted),
) -> FileStats {
    let mut stats = FileStats::default();
    let scoped = !scope.is_all();
    loop {
        match reader.next_line() {
            Ok(Some(line)) => {
                let mut named = true;
                if scoped {
                    match line_repository(line.text) {
                        Some(repo) if !scope.contains(&repo) => {
                            stats.events += 1;
                            stats.out_of_scope += 1;
                            continue;
                        }
                        Some(_) => {}
                        None => named = false,
                    }
                }
                let Some(c) = convert_line_seen(line.text, line.number, line.complete) else {
                    continue;
                };
                if !named {
                    // No repository found before converting: the conversion's own says.
                    let repo = match &c.outcome {
                        Outcome::Contribution(x) => Some(x.contribution.repo.as_str()),
                        Outcome::Pointer { pointer, .. } => Some(pointer.repo.as_str()),
                        _ => None,
                    };
                    match repo {
                        Some(r) if scope.contains(r) => {}
                        Some(_) => {
                            stats.events += 1;
                            stats.out_of_scope += 1;
                            continue;
                        }
                        None if matches!(c.outcome, Outcome::NotEvidence { .. }) => {
                            // a star, a follow, a gist… in no repository: in no scope
                            stats.events += 1;
                            stats.out_of_scope += 1;
                            continue;
                        }
                        None => {
                            // counted as a problem (skipped, no repository); nothing kept
                            stats.record(&c.outcome);
                            continue;
                        }
                    }
                }
                stats.record(&c.outcome);
                if matches!(
                    c.outcome,
                    Outcome::Contribution(_) | Outcome::Pointer { .. }
                ) || !c.seen.accounts.is_empty()
                {
                    sink(c);
                }
            }
            Ok(None) => break,
            Err(e) => {
                stats.ended_early = Some(e.to_string());
                break;
            }
        }
    }
    stats.bytes = reader.bytes_read();
    if stats.events == 0 && stats.skipped_lines == 0 && stats.ended_early.is_none() {
        stats
            .skip_messages
            .push("empty file: no events".to_string());
    }
    stats
}
