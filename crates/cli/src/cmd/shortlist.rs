//! `builtby shortlist …`: create, add, status, note, show, remove, list, delete, export.

use super::outreach::{os_user, search_args};
use super::Env;
use crate::cli::ShortlistVerb;
use anyhow::Result;
use builtby_model::time;
use builtby_search::shortlist::{self, Format};
use builtby_store::{ShortlistError, Status};
use std::io::Write;
use std::process::ExitCode;

/// A refused change: its message, and exit status 2 for a bad argument, 1 otherwise.
fn refused(e: ShortlistError) -> Result<ExitCode> {
    match e {
        ShortlistError::Store(s) => Err(s.into()),
        ShortlistError::Bad { param, message } => {
            eprintln!("error: {param}: {message}");
            Ok(ExitCode::from(2))
        }
        other => {
            eprintln!("error: {other}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The search after `--search`, as the query string a list stores, checked first.
fn stored_search(env: &Env, args: &[String]) -> Result<Option<String>> {
    let (params, qs) = search_args(args)?;
    if qs.is_some() {
        params.build(&env.catalog, time::now())?;
    }
    Ok(qs)
}

pub fn run(env: &Env, v: ShortlistVerb) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let by = os_user();
    match v {
        ShortlistVerb::Create(a) => {
            let search = stored_search(env, &a.search)?;
            let mut store = env.store()?;
            if let Err(e) = store.shortlist_create(&a.name, search.as_deref(), &by) {
                return refused(e);
            }
            if !env.quiet {
                eprintln!("created the shortlist `{}`", a.name.trim());
            }
        }
        ShortlistVerb::Add(a) => {
            let search = stored_search(env, &a.search)?;
            let mut store = env.store()?;
            let r = match store.shortlist_add(
                &a.name,
                &a.people,
                a.note.as_deref(),
                search.as_deref(),
                &by,
            ) {
                Ok(r) => r,
                Err(e) => return refused(e),
            };
            if !env.quiet {
                if !r.added.is_empty() {
                    eprintln!("added to `{}`: {}", a.name.trim(), r.added.join(", "));
                }
                if !r.already.is_empty() {
                    eprintln!(
                        "already on `{}`{}: {}",
                        a.name.trim(),
                        if a.note.is_some() {
                            " (note replaced)"
                        } else {
                            ""
                        },
                        r.already.join(", ")
                    );
                }
            }
        }
        ShortlistVerb::Status(a) => {
            let Some(status) = Status::parse(&a.status) else {
                eprintln!(
                    "error: status: `{}` is not a status; use one of {}",
                    a.status,
                    Status::names()
                );
                return Ok(ExitCode::from(2));
            };
            let mut store = env.store()?;
            match store.shortlist_set_status(&a.name, &a.person, status, &by) {
                Ok(key) if !env.quiet => eprintln!("{key}: {status}"),
                Ok(_) => {}
                Err(e) => return refused(e),
            }
        }
        ShortlistVerb::Note(a) => {
            let mut store = env.store()?;
            match store.shortlist_set_note(&a.name, &a.person, &a.text, &by) {
                Ok(key) if !env.quiet => eprintln!("{key}: note saved"),
                Ok(_) => {}
                Err(e) => return refused(e),
            }
        }
        ShortlistVerb::Remove(a) => {
            let mut store = env.store()?;
            match store.shortlist_remove(&a.name, &a.person, &by) {
                Ok(key) if !env.quiet => eprintln!("removed {key} from `{}`", a.name.trim()),
                Ok(_) => {}
                Err(e) => return refused(e),
            }
        }
        ShortlistVerb::Delete(a) => {
            let mut store = env.store()?;
            match store.shortlist_delete(&a.name, &by) {
                Ok(n) if !env.quiet => {
                    eprintln!("deleted the shortlist `{}` ({n} people)", a.name.trim())
                }
                Ok(_) => {}
                Err(e) => return refused(e),
            }
        }
        ShortlistVerb::List(a) => {
            let store = env.reader()?;
            let lists = match store.shortlists() {
                Ok(l) => l,
                Err(e) => return refused(e),
            };
            if a.json {
                serde_json::to_writer_pretty(&mut out, &lists)?;
                writeln!(out)?;
            } else if lists.is_empty() {
                writeln!(out, "No shortlists yet: builtby shortlist create NAME")?;
            } else {
                for l in lists {
                    let statuses: Vec<String> = l
                        .by_status
                        .iter()
                        .map(|(s, n)| format!("{n} {s}"))
                        .collect();
                    writeln!(
                        out,
                        "{:<30} {:>4} people  {}",
                        l.name,
                        l.people,
                        statuses.join(", ")
                    )?;
                }
            }
        }
        ShortlistVerb::Show(a) => {
            let store = env.reader()?;
            let v = match shortlist::view(&store, &env.catalog, &env.bots, &a.name, false) {
                Ok(Some(v)) => v,
                Ok(None) => return refused(ShortlistError::NoList(a.name.clone())),
                Err(shortlist::WorkflowError::Shortlist(e)) => return refused(e),
                Err(e) => return Err(e.into()),
            };
            if a.json {
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "{} — {} {}, created {} by {}{}",
                v.name,
                v.people.len(),
                if v.people.len() == 1 {
                    "person"
                } else {
                    "people"
                },
                &v.created_at[..10.min(v.created_at.len())],
                v.created_by,
                v.search
                    .as_deref()
                    .map(|s| format!("; search: {s}"))
                    .unwrap_or_default()
            )?;
            for p in &v.people {
                let who = match &p.name {
                    Some(n) if p.display == p.person => format!("{} ({n})", p.person),
                    _ => p.display.clone(),
                };
                writeln!(
                    out,
                    "  {:<13} {}{}{}",
                    p.status.to_string(),
                    who,
                    p.location
                        .as_deref()
                        .map(|l| format!(" — {l}"))
                        .unwrap_or_default(),
                    if p.in_ats { "  [in your ATS]" } else { "" }
                )?;
                if !p.in_store {
                    writeln!(out, "                no longer in the loaded data")?;
                }
                if !p.note.is_empty() {
                    writeln!(out, "                note: {}", p.note)?;
                }
            }
        }
        ShortlistVerb::Export(a) => {
            let format = Format::parse(&a.format).map_err(|e| super::UsageError {
                flag: "format",
                message: e.message,
            })?;
            let store = env.reader()?;
            let x = match shortlist::export(&store, &env.catalog, &env.bots, &a.name, format, &by) {
                Ok(x) => x,
                Err(shortlist::WorkflowError::Shortlist(e)) => return refused(e),
                Err(e) => return Err(e.into()),
            };
            env.audit(
                "shortlist.export",
                serde_json::json!({"list": a.name, "format": format!("{format:?}").to_lowercase()}),
                x.people as u64,
            )?;
            match &a.output {
                Some(path) => {
                    std::fs::write(path, &x.body)
                        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
                    if !env.quiet {
                        eprintln!(
                            "wrote {} ({} people, {format:?}) — no e-mail column: builtby never finds or stores one",
                            path.display(),
                            x.people
                        );
                    }
                }
                None => out.write_all(x.body.as_bytes())?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
