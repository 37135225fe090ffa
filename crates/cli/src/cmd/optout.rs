//! `builtby optout add|list|remove` and `builtby erase`: people who asked to be left out.

use super::{actor, Env};
use crate::cli::{EraseArgs, OptoutVerb};
use anyhow::Result;
use builtby_store::StoreError;
use std::io::Write;
use std::process::ExitCode;

/// A malformed account is a usage error (exit status 2) naming the argument; other errors
/// are errors.
fn refused<T>(r: Result<T, StoreError>, arg: &str) -> Result<Result<T, ExitCode>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(StoreError::BadAccount { why }) => {
            eprintln!("error: {arg}: {why}");
            Ok(Err(ExitCode::from(2)))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn run(env: &Env, v: OptoutVerb) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match v {
        OptoutVerb::Add(a) => {
            let mut store = env.store()?;
            let s = match refused(
                store.optout_add(&a.account, a.reason.as_deref(), &actor()),
                "ACCOUNT",
            )? {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            if a.json {
                serde_json::to_writer_pretty(&mut out, &s)?;
                writeln!(out)?;
            } else if s.already {
                writeln!(out, "already opted out ({})", s.hash)?;
            } else {
                writeln!(
                    out,
                    "opted out ({}): {}",
                    s.hash,
                    if s.people == 0 {
                        "nothing of theirs is stored; their records will not be when they come"
                            .to_string()
                    } else {
                        format!(
                            "{} {} hidden ({} {}, linked ones included); their records are no longer stored",
                            s.people,
                            if s.people == 1 { "person" } else { "people" },
                            s.accounts,
                            if s.accounts == 1 { "account" } else { "accounts" },
                        )
                    }
                )?;
                if !env.quiet {
                    eprintln!(
                        "their stored work is hidden, not deleted: `builtby erase` deletes it"
                    );
                }
            }
        }
        OptoutVerb::List(a) => {
            let store = env.reader()?;
            let rows = store.optouts()?;
            if a.json {
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            } else if rows.is_empty() {
                writeln!(out, "nobody has opted out")?;
            } else {
                for r in &rows {
                    writeln!(
                        out,
                        "{}  {}  by {}{}{}{}",
                        r.hash,
                        r.at,
                        r.by,
                        if r.linked > 0 {
                            format!("  +{} linked", r.linked)
                        } else {
                            String::new()
                        },
                        r.erased_at
                            .as_deref()
                            .map(|e| format!("  erased {e}"))
                            .unwrap_or_default(),
                        r.reason
                            .as_deref()
                            .map(|w| format!("  ({w})"))
                            .unwrap_or_default(),
                    )?;
                }
                writeln!(out, "{} opted out", rows.len())?;
            }
        }
        OptoutVerb::Remove(a) => {
            let mut store = env.store()?;
            let removed = match refused(store.optout_remove(&a.account, &actor()), "ACCOUNT")? {
                Ok(r) => r,
                Err(code) => return Ok(code),
            };
            if !removed {
                eprintln!("error: {} is not on the suppression list", a.account);
                return Ok(ExitCode::from(1));
            }
            writeln!(
                out,
                "removed from the suppression list (logged in the audit log); their stored work, if any, shows again"
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn erase(env: &Env, a: &EraseArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let s = match refused(store.erase(&a.person, &actor()), "PERSON")? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    if a.vacuum {
        if !env.quiet {
            eprintln!("rewriting {} (VACUUM)…", store.path().display());
        }
        store.vacuum()?;
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
    } else if s.people == 0 {
        writeln!(
            out,
            "nothing of theirs is stored; opted out ({}), so nothing will be",
            s.hash
        )?;
    } else {
        writeln!(
            out,
            "erased: {} {}, {} contributions; kept only the opt-out ({})",
            s.accounts,
            if s.accounts == 1 {
                "account"
            } else {
                "accounts"
            },
            s.contributions,
            s.hash
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
