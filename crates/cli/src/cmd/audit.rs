//! `builtby audit`: the append-only log of who did what with people's data.

use super::{when, Env, UsageError};
use crate::cli::AuditArgs;
use anyhow::Result;
use builtby_store::audit::{valid_action, MAX_AUDIT_LIMIT};
use builtby_store::AuditQuery;
use std::io::Write;
use std::process::ExitCode;

pub fn run(env: &Env, a: &AuditArgs) -> Result<ExitCode> {
    let since = a.since.as_deref().map(|s| when("since", s)).transpose()?;
    if let Some(x) = &a.action {
        if !valid_action(x) {
            return Err(UsageError {
                flag: "action",
                message: "an action is lower-case words joined by dots: search, person, export, optout.add, optout.remove, erase, identity.link… (a family such as `identity` matches them all)".into(),
            }
            .into());
        }
    }
    if a.limit == 0 || a.limit > MAX_AUDIT_LIMIT {
        return Err(UsageError {
            flag: "limit",
            message: format!("must be a whole number from 1 to {MAX_AUDIT_LIMIT}"),
        }
        .into());
    }
    let store = env.reader()?;
    let person = match &a.person {
        Some(p) => {
            let canonical = builtby_store::canonical_account(p).map_err(|why| UsageError {
                flag: "person",
                message: why,
            })?;
            Some(store.person_ref(&canonical)?)
        }
        None => None,
    };
    let rows = store.audit_log(&AuditQuery {
        since,
        action: a.action.clone(),
        actor: a.actor.clone(),
        person,
        limit: a.limit,
    })?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "no audit entries match")?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in &rows {
        writeln!(
            out,
            "{}  {:<16} {:<16} {:>5} {}  {}",
            r.at,
            r.actor,
            r.action,
            r.people,
            if r.people == 1 { "person" } else { "people" },
            r.what
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
