//! `builtby ingest git` and `builtby bench git`.

use super::Env;
use crate::cli::{BenchGitArgs, GitArgs};
use anyhow::{Context, Result};
use builtby_ingest::git::{ingest_repo, GitOutcome, GitReport};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

pub fn run(env: &Env, a: &GitArgs) -> Result<ExitCode> {
    let usage = |message: String| super::UsageError {
        flag: "repo",
        message,
    };
    if a.repo.is_some() && a.paths.len() > 1 {
        return Err(usage("names one repository; give one PATH with it".into()).into());
    }
    if let Some(r) = a.repo.as_deref() {
        if !builtby_search::catalog::valid_repo_name(r) {
            return Err(usage(format!("`{r}` is not a repository; use owner/name")).into());
        }
    }
    let mut store = env.store()?;
    let threads = a.threads.unwrap_or_else(super::default_threads);
    let mut ok = true;
    for p in &a.paths {
        let r = ingest_repo(&mut store, p, a.repo.as_deref(), threads)?;
        ok &= !matches!(r.outcome, GitOutcome::Failed { .. });
        print_report(env, &r);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(env: &Env, r: &GitReport) {
    let repo = r.repo.as_deref().unwrap_or("?");
    match &r.outcome {
        GitOutcome::Failed { error } => eprintln!("error: {error}"),
        GitOutcome::UpToDate { tip } if !env.quiet => {
            eprintln!("{repo}: up to date at {}", &tip[..12.min(tip.len())])
        }
        GitOutcome::Loaded {
            commits,
            summary,
            stats,
            prs,
            secs,
            ..
        } => {
            for m in &stats.skip_messages {
                eprintln!("warning: {}: {m}", r.path.display());
            }
            if !env.quiet {
                eprintln!(
                    "{repo}: {commits} commits read in {secs:.1}s ({:.0} commits/s): {} new contributions, {} paths, {} commits linked to merged PRs in the store",
                    *commits as f64 / secs.max(1e-9),
                    summary.new_contributions,
                    summary.paths,
                    summary.linked_to_prs
                );
                if summary.suppressed > 0 {
                    eprintln!(
                        "{repo}: {} commits of opted-out people not stored",
                        summary.suppressed
                    );
                }
                let mut notes = Vec::new();
                if !prs.through_github {
                    notes.push("too few to take `(#N)` subjects for merges".to_string());
                }
                if prs.foreign > 0 {
                    notes.push(format!(
                        "{} numbered as another repository's PRs",
                        prs.foreign
                    ));
                }
                eprintln!(
                    "{repo}: {} PRs merged on the default branch: of its {} first-parent commits, {} end `(#N)` and {} are `Merge pull request` merges ({:.0}%){}",
                    prs.prs,
                    prs.first_parent,
                    prs.squash,
                    prs.merges,
                    prs.share * 100.0,
                    if notes.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", notes.join("; "))
                    }
                );
            }
        }
        _ => {}
    }
}

pub fn bench(_env: &Env, a: &BenchGitArgs) -> Result<ExitCode> {
    let threads = a.threads.unwrap_or_else(super::default_threads);
    let runs = a.runs.max(1);
    let mut baseline = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let st = Command::new("git")
            .arg("-C")
            .arg(&a.path)
            .args([
                "log",
                "--no-renames",
                "--diff-merges=first-parent",
                "--numstat",
                "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B",
                "HEAD",
            ])
            .stdout(Stdio::null())
            .status()
            .context("running git log")?;
        anyhow::ensure!(st.success(), "git log failed in {}", a.path.display());
        baseline = baseline.min(t.elapsed().as_secs_f64());
    }
    let mut first = f64::MAX;
    let mut second = f64::MAX;
    let mut commits = 0;
    let mut paths = 0;
    for i in 0..runs {
        let dir =
            std::env::temp_dir().join(format!("builtby-bench-git-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut store = builtby_store::Store::open(&dir)?;
        let t = Instant::now();
        let r = ingest_repo(&mut store, &a.path, a.repo.as_deref(), threads)?;
        first = first.min(t.elapsed().as_secs_f64());
        match r.outcome {
            GitOutcome::Loaded {
                commits: c,
                summary,
                ..
            } => {
                commits = c;
                paths = summary.paths;
            }
            GitOutcome::Failed { error } => anyhow::bail!(error),
            GitOutcome::UpToDate { .. } => {}
        }
        let t = Instant::now();
        let r = ingest_repo(&mut store, &a.path, a.repo.as_deref(), threads)?;
        second = second.min(t.elapsed().as_secs_f64());
        anyhow::ensure!(
            matches!(r.outcome, GitOutcome::UpToDate { .. }),
            "second run was not a no-op"
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "{} ({commits} commits, {paths} path rows); best of {runs} runs, {threads} git processes",
        a.path.display()
    );
    println!("{:<40} {:>8} {:>12}", "", "seconds", "commits/s");
    println!(
        "{:<40} {baseline:>8.3} {:>12.0}",
        "git log --numstat > /dev/null (baseline)",
        commits as f64 / baseline
    );
    println!(
        "{:<40} {first:>8.3} {:>12.0}",
        "builtby ingest git (fresh store)",
        commits as f64 / first
    );
    println!(
        "{:<40} {second:>8.3} {:>12}",
        "builtby ingest git (second run, no-op)", "-"
    );
    println!(
        "ratio ingest / git log: {:.2}   (≥ 1.0 means faster than one git log)",
        baseline / first
    );
    if let Some(kib) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
    {
        println!(
            "peak memory of builtby itself (VmHWM, git processes not included): {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}
