//! `builtby ats import FILE` and `builtby ats list`: the people already in the company's
//! applicant-tracking system.

use super::outreach::os_user;
use super::Env;
use crate::cli::AtsVerb;
use anyhow::{Context as _, Result};
use builtby_search::shortlist::{import_ats, AtsError};
use std::io::Write;
use std::process::ExitCode;

/// Lines listed per kind of unmatched row before "and N more".
const SHOW: usize = 20;

fn lines(v: &[u64]) -> String {
    let shown: Vec<String> = v.iter().take(SHOW).map(u64::to_string).collect();
    if v.len() > SHOW {
        format!("{} and {} more", shown.join(", "), v.len() - SHOW)
    } else {
        shown.join(", ")
    }
}

fn rows(n: usize) -> String {
    format!("{n} {}", if n == 1 { "row" } else { "rows" })
}

pub fn run(env: &Env, v: AtsVerb) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match v {
        AtsVerb::Import(a) => {
            let bytes =
                std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
            let name = a
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| a.file.display().to_string());
            let mut store = env.store()?;
            let r = match import_ats(&mut store, &bytes, &name, a.replace, &os_user()) {
                Ok(r) => r,
                Err(AtsError::Store(e)) => return Err(e.into()),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            if a.json {
                serde_json::to_writer_pretty(&mut out, &r)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "{name}: {}; {} GitHub accounts stored as in your ATS{}; {} of them loaded here",
                rows(r.rows),
                r.stored,
                if a.replace {
                    format!(" (replacing {})", r.removed)
                } else {
                    String::new()
                },
                r.matched.len()
            )?;
            if !r.no_github.is_empty() {
                writeln!(
                    out,
                    "  {} matched nothing, no GitHub URL or login: line {}",
                    rows(r.no_github.len()),
                    lines(&r.no_github)
                )?;
            }
            if !r.not_loaded.is_empty() {
                let shown: Vec<String> = r
                    .not_loaded
                    .iter()
                    .take(SHOW)
                    .map(|x| format!("{} (@{})", x.line, x.login))
                    .collect();
                writeln!(
                    out,
                    "  {} matched nobody loaded (kept: they are marked once their work is ingested): line {}{}",
                    rows(r.not_loaded.len()),
                    shown.join(", "),
                    if r.not_loaded.len() > SHOW {
                        format!(" and {} more", r.not_loaded.len() - SHOW)
                    } else {
                        String::new()
                    }
                )?;
            }
            writeln!(
                out,
                "Only logins and file:line were kept. Searches now mark these people; --not-in-ats leaves them out."
            )?;
        }
        AtsVerb::List(a) => {
            let store = env.reader()?;
            let people = store.ats_people()?;
            if a.json {
                serde_json::to_writer_pretty(&mut out, &people)?;
                writeln!(out)?;
            } else if people.is_empty() {
                writeln!(out, "Nobody imported yet: builtby ats import FILE.csv")?;
            } else {
                for p in people {
                    writeln!(out, "{:<40} {}", p.login, p.source)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
