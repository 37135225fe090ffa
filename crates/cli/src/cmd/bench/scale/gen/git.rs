//! Git histories for a few catalog repositories, written with `git fast-import` (a stream in,
//! a bare repository out; no work tree, no per-commit process). Every generated merged PR of
//! the repository becomes its squash commit on `main`, subject `Title (#N)`, authored by the
//! PR's author (GitHub's noreply address for most, which proves the account) and touching the
//! PR's files; about one in six is followed by a maintainer's direct commit without a PR
//! number, as on real first-parent chains. `builtby ingest git` reads them for
//! `contribution_paths`, so `--path` and `--area` searches have work to find.

use super::rand::{h, Rng};
use super::text;
use super::units::MergedPr;
use super::world::World;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The fast-import stream of `repo`'s history from `prs` in merge order, and its number of
/// commits. Each commit rewrites the files it touches, so `--numstat` counts additions and
/// deletions.
pub fn stream(w: &World, repo: &str, prs: &[&MergedPr]) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut mark = 0u64;
    let mut commit = |out: &mut Vec<u8>,
                      who: (String, String),
                      t: i64,
                      message: &str,
                      paths: &[&str],
                      salt: u64| {
        mark += 1;
        let _ = write!(
            out,
            "commit refs/heads/main\nmark :{mark}\nauthor {} <{}> {t} +0000\ncommitter GitHub <noreply@github.com> {t} +0000\ndata {}\n{message}\n",
            who.0,
            who.1,
            message.len() + 1
        );
        for p in paths {
            let n = 3 + h(w.seed, &[50, salt, mark]) % 40;
            let mut body = format!("# {p}\n");
            for i in 0..n {
                body.push_str(&format!("value_{mark}_{i} = {i}\n"));
            }
            let _ = write!(out, "M 100644 inline {p}\ndata {}\n{body}\n", body.len());
        }
    };
    for pr in prs {
        let paths: Vec<&str> = pr.paths.iter().map(String::as_str).collect();
        let author = (w.name(pr.author), w.git_email(pr.author));
        let message = format!(
            "{} (#{})\n\nPull Request resolved: https://github.com/{repo}/pull/{}",
            pr.title, pr.number, pr.number
        );
        commit(&mut out, author, pr.t, &message, &paths, pr.number);
        let mut r = Rng::new(w.seed, &[51, pr.number]);
        if r.pct(16) {
            let m = pr.merger;
            let msg = text::commit_message(&mut r, true);
            commit(
                &mut out,
                (w.name(m), w.git_email(m)),
                pr.t + 60,
                &msg,
                &paths[..1],
                pr.number ^ 1,
            );
        }
    }
    out.extend_from_slice(b"done\n");
    (out, mark)
}

/// Writes a bare repository at `dir` from `stream`.
pub fn write_repo(dir: &Path, stream: &[u8]) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let st = Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(dir)
        .status()
        .context("running git init (is git installed?)")?;
    anyhow::ensure!(st.success(), "git init {} failed", dir.display());
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet", "--done"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("running git fast-import")?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stream)
        .context("writing to git fast-import")?;
    let st = child.wait()?;
    anyhow::ensure!(
        st.success(),
        "git fast-import into {} failed",
        dir.display()
    );
    Ok(())
}
