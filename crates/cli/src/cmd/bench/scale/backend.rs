//! Where the benchmark puts what it generated: the ingest commands it runs, how it sizes the
//! store on disk, and the reader the query mix runs on.
//!
//! One backend today, SQLite (`builtby_store`). NOTE for issue 14 part 4 (`--backend
//! clickhouse`, another engineer): add a variant here with its ingest commands (the same
//! `builtby ingest …` with `--backend clickhouse --clickhouse-url …`), its size (the server's
//! `system.parts` bytes instead of a folder), and a reader; `queries::run` then takes the
//! store's read trait instead of `builtby_store::Store`, and `BenchScaleArgs` gets the flag.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
        }
    }

    /// `builtby ingest gharchive --timings FILES…` into `data_dir`, quiet (the `timings` line
    /// still comes on stderr).
    pub fn ingest_gharchive(
        self,
        exe: &Path,
        data_dir: &Path,
        inputs: &Path,
        threads: usize,
    ) -> Command {
        let mut c = Command::new(exe);
        c.arg("--data-dir")
            .arg(data_dir)
            .args(["-q", "ingest", "gharchive", "--timings", "--threads"])
            .arg(threads.to_string())
            .arg(inputs);
        c
    }

    /// `builtby ingest git REPO --repo owner/name` into `data_dir`.
    pub fn ingest_git(self, exe: &Path, data_dir: &Path, repo: &Path, name: &str) -> Command {
        let mut c = Command::new(exe);
        c.arg("--data-dir")
            .arg(data_dir)
            .args(["-q", "ingest", "git"])
            .arg(repo)
            .args(["--repo", name]);
        c
    }

    /// Bytes on disk: every file in the store's folder (the database, its WAL and shared
    /// memory, anything beside them).
    pub fn size(self, data_dir: &Path) -> u64 {
        fn walk(p: &Path) -> u64 {
            match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => std::fs::read_dir(p)
                    .map(|d| d.flatten().map(|e| walk(&e.path())).sum())
                    .unwrap_or(0),
                Ok(m) => m.len(),
                Err(_) => 0,
            }
        }
        walk(data_dir)
    }

    /// The store the query mix reads, opened read-only as `search` and `serve` do.
    pub fn reader(self, data_dir: &Path) -> anyhow::Result<builtby_store::Store> {
        Ok(builtby_store::Store::open_read_only(data_dir)?)
    }

    /// Where this backend keeps a store for a run (a folder for SQLite).
    pub fn data_dir(self, scratch: &Path) -> PathBuf {
        scratch.join("store")
    }
}
