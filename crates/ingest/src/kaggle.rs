//! A Meta Kaggle folder into the store: every table read once ([`builtby_sources::kaggle`]),
//! its accounts' tiers, medals and notebooks loaded through the one write path in one batch,
//! logged as one input.
//!
//! The input's key is a checksum of the tables present (each one's xxh3-128, with its name)
//! and of the options that decide what is kept: the same folder read again with the same
//! options is skipped before a row is read; a new snapshot (or another `--min-tier`) is read
//! whole, and its work keys make the rows it shares with the last one the same rows (a tier
//! promoted since is updated in place).
//!
//! A Kaggle account joins a GitHub person only through an identity link. When an account's
//! user name is a GitHub login in the store *and* its display name is that account's name, the
//! load records a suggestion ([`builtby_store::Batch::hint`]): never a link, and never from a
//! name alone (a name shared by two people, or a user name someone else has on GitHub, is not
//! enough).

use crate::locations::Locations;
use crate::FileOutcome;
use builtby_model::{Kind, ReadReport, Record, Source};
use builtby_sources::kaggle::{Account, KaggleDir, KaggleError, Options, ReadError, Watch};
use builtby_store::{Batch, InputFile, LoadSummary, Store, StoreError};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum KaggleIngestError {
    /// No table in the folder, a table that cannot be opened, a missing or renamed column.
    #[error(transparent)]
    Kaggle(#[from] KaggleError),
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one run did.
#[derive(Debug, Clone, PartialEq)]
pub struct KaggleRun {
    pub dir: PathBuf,
    /// The tables read, by file name, with their size.
    pub tables: Vec<(String, u64)>,
    pub outcome: FileOutcome,
    /// Accounts with work kept, and identity suggestions recorded for them.
    pub accounts: u64,
    pub suggestions: u64,
    /// Seconds: checksums of the tables, reading and loading them, committing.
    pub checksum_secs: f64,
    pub read_secs: f64,
    pub commit_secs: f64,
}

impl KaggleRun {
    pub fn report(&self) -> Option<(&LoadSummary, &ReadReport)> {
        match &self.outcome {
            FileOutcome::Loaded { summary, report } => Some((summary, report)),
            _ => None,
        }
    }

    /// Contributions of `kind` the read handed to the store.
    pub fn kept(&self, kind: Kind) -> u64 {
        self.report()
            .and_then(|(_, r)| r.by_kind.get(kind.as_str()).copied())
            .unwrap_or(0)
    }
}

/// The input key of `dir`'s tables read with `opts`: their names and checksums, and the
/// options, hashed.
pub fn checksum(dir: &KaggleDir, opts: &Options) -> Result<String, KaggleIngestError> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(format!("kaggle min_tier={}\n", opts.min_tier).as_bytes());
    for (t, path, _) in &dir.tables {
        let (size, sum) =
            crate::gharchive::checksum(path).map_err(|source| KaggleIngestError::Io {
                path: path.clone(),
                source,
            })?;
        h.update(format!("{} {size} {sum}\n", t.file_name()).as_bytes());
    }
    Ok(format!("kaggle:xxh3-128:{:032x}", h.digest128()))
}

/// Ingests the Meta Kaggle tables in `dir`. `watch` follows the read table by table; country
/// names go to `locations` for normalising (see [`crate::locations`]).
pub fn ingest_dir(
    store: &mut Store,
    dir: &Path,
    opts: &Options,
    locations: Option<&Locations>,
    watch: &mut (dyn FnMut(Watch<'_>) + Send),
) -> Result<KaggleRun, KaggleIngestError> {
    let kd = KaggleDir::open(dir)?;
    let mut run = KaggleRun {
        dir: dir.to_path_buf(),
        tables: kd
            .tables
            .iter()
            .map(|(t, _, size)| (t.file_name().to_string(), *size))
            .collect(),
        outcome: FileOutcome::AlreadyLoaded,
        accounts: 0,
        suggestions: 0,
        checksum_secs: 0.0,
        read_secs: 0.0,
        commit_secs: 0.0,
    };
    let t = Instant::now();
    let key = checksum(&kd, opts)?;
    run.checksum_secs = t.elapsed().as_secs_f64();
    if let Some(l) = store.loaded(&key)? {
        run.outcome = FileOutcome::already(&l);
        return Ok(run);
    }

    let t = Instant::now();
    let mut load = store.begin()?;
    // Checked again inside the write transaction: another process may have loaded it since.
    if let Some(l) = load.loaded(&key)? {
        run.outcome = FileOutcome::already(&l);
        return Ok(run);
    }
    // The tables are read on a thread of their own, the store written on this one: accounts
    // cross a bounded channel, so writing overlaps reading and memory stays bounded.
    let (mut accounts, mut suggestions) = (0u64, 0u64);
    let (read, failed) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Account>(CHANNEL);
        let kd = &kd;
        let reader = s.spawn(move || {
            kd.read(opts, watch, &mut |acc| {
                tx.send(acc).map_err(|_| WriterStopped)
            })
        });
        let mut failed = None;
        for acc in rx.iter() {
            accounts += 1;
            if let Err(e) = write(&mut load, acc, locations, &mut suggestions) {
                failed = Some(e);
                break;
            }
        }
        drop(rx); // a reader still sending gets an error and stops
        (reader.join().expect("the Kaggle reader thread"), failed)
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    let report = match read {
        Ok(r) => r,
        Err(ReadError::Table(e)) => return Err(e.into()),
        Err(ReadError::Emit(WriterStopped)) => unreachable!("the writer stops only on an error"),
    };
    run.read_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let input = InputFile {
        source: Source::Kaggle,
        path: dir.to_path_buf(),
        size: kd.bytes(),
        checksum: key,
    };
    let summary = load.commit(&input, &report)?;
    run.commit_secs = t.elapsed().as_secs_f64();
    run.accounts = accounts;
    run.suggestions = suggestions;
    run.outcome = FileOutcome::Loaded { summary, report };
    Ok(run)
}

/// Accounts read ahead of the writer, at most.
const CHANNEL: usize = 1024;

/// The writer stopped (on a store error, returned by the writer itself).
#[derive(Debug)]
struct WriterStopped;

/// One account through the one write path: its suggestion, its contributions.
fn write(
    load: &mut Batch<'_>,
    acc: Account,
    locations: Option<&Locations>,
    suggestions: &mut u64,
) -> Result<(), StoreError> {
    if let (Some(l), Some(c)) = (locations, acc.country.as_deref()) {
        l.note(c);
    }
    *suggestions += u64::from(suggest(load, &acc)?);
    for c in acc.contributions {
        load.add(&Record::Contribution(Box::new(c)))?;
    }
    Ok(())
}

/// Records "likely @login" for a Kaggle account whose user name is a GitHub login in the store
/// and whose display name is that GitHub account's name. A suggestion only: a person decides.
fn suggest(load: &mut Batch<'_>, acc: &Account) -> Result<bool, StoreError> {
    let Some(display) = acc.display_name.as_deref() else {
        return Ok(false);
    };
    let Some(gh) = load.github_account(&acc.username)? else {
        return Ok(false);
    };
    let Some(name) = gh.name.as_deref() else {
        return Ok(false);
    };
    if !same_name(display, name) {
        return Ok(false);
    }
    let why = format!(
        "{}: Kaggle user name `{}` is the GitHub login @{} and its display name “{}” is that account's name",
        acc.url(),
        acc.username,
        gh.login,
        display.trim()
    );
    load.hint(&acc.actor.login, &gh.login, &why);
    Ok(true)
}

/// The same name, ignoring case and spacing; a name needs two letters to say anything.
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    a.chars().filter(|c| c.is_alphabetic()).count() >= 2 && a == b
}

#[cfg(test)]
mod tests {
    use super::same_name;

    #[test]
    fn names_compare_without_case_or_spacing() {
        assert!(same_name("Ana  López", "ana lópez"));
        assert!(same_name(" Jake VanderPlas", "Jake VanderPlas "));
        assert!(!same_name("Ana Lopez", "Ana López"));
        assert!(!same_name("A", "a"), "one letter says nothing");
        assert!(!same_name("", ""));
    }
}
