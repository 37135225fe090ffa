//! `builtby watch add|list|show|remove|run`: saved searches with alerts (see
//! `builtby_search::watch` for what "qualifies" means).

use super::{Env, UsageError};
use crate::cli::{Args, Command, WatchAddArgs, WatchRunArgs, WatchVerb};
use crate::output::{fmt_score, write_evidence};
use anyhow::Result;
use builtby_model::time;
use builtby_search::query::Params;
use builtby_search::watch::{self as w, Run, WatchError};
use builtby_search::SearchError;
use builtby_server::webhook;
use clap::Parser;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// Who the audit log names: the OS user.
fn actor() -> String {
    std::env::var("USER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "someone".into())
}

/// A watch error as the process reports it: the search's own errors as `search` reports
/// them (a bad parameter is a usage error naming its flag), the rest in words.
fn fail(e: WatchError) -> Result<ExitCode> {
    match e {
        WatchError::Search(SearchError::Query(q)) => Err(q.into()),
        WatchError::Search(s) => Err(s.into()),
        WatchError::Bad {
            param: "name",
            message,
        } => {
            eprintln!("error: NAME: {message}");
            Ok(ExitCode::from(2))
        }
        WatchError::Bad { param, message } => Err(UsageError {
            flag: if param == "min_score" {
                "min-score"
            } else {
                param
            },
            message,
        }
        .into()),
        e => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn run(env: &Env, v: WatchVerb) -> Result<ExitCode> {
    match v {
        WatchVerb::Add(a) => add(env, &a),
        WatchVerb::List(a) => list(env, a.json),
        WatchVerb::Show(a) => show(env, &a.name, a.json),
        WatchVerb::Remove(a) => {
            let mut store = env.store()?;
            match w::remove(&mut store, &actor(), &a.name) {
                Ok(()) => {
                    if !env.quiet {
                        eprintln!("removed saved search `{}`", a.name);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => fail(e),
            }
        }
        WatchVerb::Run(a) => run_watches(env, &a),
    }
}

/// The search arguments after `--`, parsed by `builtby search`'s own parser.
fn search_params(args: &[String]) -> Result<Result<Params, ExitCode>> {
    let argv = ["builtby", "search"]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    let parsed = match Args::try_parse_from(argv) {
        Ok(p) => p,
        Err(e) => {
            let _ = e.print();
            return Ok(Err(ExitCode::from(e.exit_code().clamp(0, 255) as u8)));
        }
    };
    if parsed.data_dir.is_some() || parsed.catalog.is_some() || parsed.bots.is_some() {
        return Err(UsageError {
            flag: "data-dir",
            message: "--data-dir, --catalog and --bots go before `--`: after it come only the search's own arguments".into(),
        }
        .into());
    }
    let Command::Search(s) = parsed.command else {
        unreachable!("parsed as `builtby search`")
    };
    for (set, flag) in [(s.json, "json"), (s.csv, "csv"), (s.explain, "explain")] {
        if set {
            return Err(UsageError {
                flag,
                message: "says how `search` prints, not what it looks for; leave it out of a saved search (`watch run --json` prints runs as JSON)".into(),
            }
            .into());
        }
    }
    Ok(Ok(s.query.params()))
}

/// The parameters as `search` flags: `--repo pytorch/pytorch --text 'nccl timeout'`.
pub fn as_flags(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return "(every loaded contribution)".into();
    }
    pairs
        .iter()
        .map(|(n, v)| {
            let quoted = if !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:,*@+=".contains(c))
            {
                v.clone()
            } else {
                format!("'{}'", v.replace('\'', r"'\''"))
            };
            format!("--{} {quoted}", n.replace('_', "-"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn add(env: &Env, a: &WatchAddArgs) -> Result<ExitCode> {
    if let Err(e) = w::check_name(&a.name) {
        return fail(e);
    }
    let params = match search_params(&a.search)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let min_score = match a.min_score.as_deref().map(w::parse_min_score).transpose() {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let webhook = a
        .webhook
        .as_deref()
        .map(webhook::check_url)
        .transpose()
        .map_err(|e| UsageError {
            flag: "webhook",
            message: e.to_string(),
        })?;
    let store = env.store()?;
    let new = w::NewWatch {
        name: a.name.clone(),
        params,
        min_score,
        webhook,
    };
    let watch = match w::add(&store, &env.catalog, &env.bots, &actor(), &new, time::now()) {
        Ok(watch) => watch,
        Err(e) => return fail(e),
    };
    let q = new.params.build(&env.catalog, time::now())?;
    if !env.quiet {
        eprintln!(
            "saved search `{}`: {}\n  a person qualifies {}{}\n  run it after new ingests: builtby watch run {}",
            watch.name,
            as_flags(&watch.params),
            w::qualifies_text(q.limit, q.offset, watch.min_score),
            watch
                .webhook
                .as_deref()
                .map(|u| format!("\n  runs with changes are sent to {}", webhook::origin(u)))
                .unwrap_or_default(),
            watch.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list(env: &Env, as_json: bool) -> Result<ExitCode> {
    let store = env.reader()?;
    let watches = store.watches()?;
    let now = time::now();
    let mut out = std::io::stdout().lock();
    let mut rows = Vec::new();
    for watch in &watches {
        let checked = w::check(&store, &env.catalog, &env.bots, &actor(), &watch.name, now);
        let (run, error) = match checked {
            Ok(r) => (Some(r), None),
            Err(WatchError::Search(SearchError::Store(e))) => return Err(e.into()),
            Err(e) => (None, Some(e.to_string())),
        };
        rows.push((watch, run, error));
    }
    if as_json {
        let v: Vec<_> = rows
            .iter()
            .map(|(watch, run, error)| {
                json!({
                    "name": watch.name,
                    "search": watch.params,
                    "min_score": watch.min_score,
                    "qualifies": run.as_ref().map(|r| &r.qualifies),
                    "webhook": watch.webhook.as_deref().map(webhook::origin),
                    "created_at": time::iso_string(watch.created_at),
                    "created_by": watch.created_by,
                    "runs": watch.runs,
                    "last_run_at": watch.last_run_at.map(time::iso_string),
                    "inputs_since_last_run": run.as_ref().and_then(|r| r.inputs_since_last_run),
                    "new": run.as_ref().map(|r| r.new.len()),
                    "dropped": run.as_ref().map(|r| r.dropped.len()),
                    "qualifying": run.as_ref().map(|r| r.qualifying),
                    "error": error,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(
            out,
            "No saved searches. Save one with: builtby watch add NAME -- <search arguments>"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for (watch, run, error) in rows {
        writeln!(out, "{}  {}", watch.name, as_flags(&watch.params))?;
        if let Some(e) = error {
            writeln!(out, "    cannot be run now: {e}")?;
            continue;
        }
        let Some(r) = run else { continue };
        writeln!(out, "    qualifies: {}", r.qualifies)?;
        let last = match (&r.previous_run_at, r.inputs_since_last_run) {
            (Some(at), Some(n)) => format!(
                "last run {} ({} run{}), {n} input{} loaded since",
                short_time(at),
                watch.runs,
                if watch.runs == 1 { "" } else { "s" },
                if n == 1 { "" } else { "s" }
            ),
            _ => "never run".to_string(),
        };
        writeln!(
            out,
            "    {last}: {} new, {} dropped out if run now{}",
            r.new.len(),
            r.dropped.len(),
            watch
                .webhook
                .as_deref()
                .map(|u| format!("; webhook {}", webhook::origin(u)))
                .unwrap_or_default()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn short_time(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}

fn show(env: &Env, name: &str, as_json: bool) -> Result<ExitCode> {
    let store = env.reader()?;
    let watch = match w::get(&store, name) {
        Ok(watch) => watch,
        Err(e) => return fail(e),
    };
    let people = match w::qualified(&store, &watch.name) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let params: Params = watch.params.iter().cloned().collect();
    let rule = params
        .build(&env.catalog, time::now())
        .map(|q| w::qualifies_text(q.limit, q.offset, watch.min_score))
        .unwrap_or_else(|e| format!("(the search cannot be built now: {e})"));
    let mut out = std::io::stdout().lock();
    if as_json {
        let v = json!({
            "name": watch.name,
            "search": watch.params,
            "min_score": watch.min_score,
            "qualifies": rule,
            "webhook": watch.webhook.as_deref().map(webhook::origin),
            "created_at": time::iso_string(watch.created_at),
            "created_by": watch.created_by,
            "runs": watch.runs,
            "last_run_at": watch.last_run_at.map(time::iso_string),
            "last_position": watch.last_position,
            "qualified": people,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{}", watch.name)?;
    writeln!(out, "  search: {}", as_flags(&watch.params))?;
    writeln!(out, "  qualifies: {rule}")?;
    if let Some(u) = &watch.webhook {
        writeln!(out, "  webhook: {}", webhook::origin(u))?;
    }
    writeln!(
        out,
        "  saved {} by {}",
        short_time(&time::iso_string(watch.created_at)),
        watch.created_by
    )?;
    match watch.last_run_at {
        None => writeln!(out, "  never run: `builtby watch run {}`", watch.name)?,
        Some(at) => {
            writeln!(
                out,
                "  last run {} ({} run{}): {} qualified",
                short_time(&time::iso_string(at)),
                watch.runs,
                if watch.runs == 1 { "" } else { "s" },
                people.len()
            )?;
            for p in &people {
                writeln!(
                    out,
                    "    #{:<4} {}  score {}",
                    p.rank,
                    p.login,
                    fmt_score(p.score)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_watches(env: &Env, a: &WatchRunArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let names: Vec<String> = match &a.name {
        Some(n) => vec![n.clone()],
        None => store.watches()?.into_iter().map(|w| w.name).collect(),
    };
    if names.is_empty() && !a.json {
        eprintln!("No saved searches. Save one with: builtby watch add NAME -- <search arguments>");
        return Ok(ExitCode::SUCCESS);
    }
    let quiet = env.quiet;
    let progress = move |m: &str| {
        if !quiet {
            eprintln!("{m}");
        }
    };
    let deliver = |url: &str, alert: &w::Alert| {
        builtby_server::watch::deliver_with(url, alert, &webhook::Policy::default(), &progress)
    };
    let mut runs: Vec<Run> = Vec::new();
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for name in &names {
        let r = w::run(
            &mut store,
            &env.catalog,
            &env.bots,
            &actor(),
            name,
            time::now(),
            (!a.no_webhook).then_some(&deliver as &w::Deliver),
        );
        let r = match r {
            Ok(r) => r,
            Err(WatchError::Search(SearchError::Store(e))) => return Err(e.into()),
            Err(e) if a.name.is_none() => {
                // one of several (its search no longer builds: the catalog changed…): say so,
                // and run the others
                eprintln!("error: saved search `{name}`: {e}");
                failed = true;
                continue;
            }
            Err(e) => return fail(e),
        };
        if !a.json {
            print_run(&mut out, &r)?;
        }
        if let Some(d) = r.webhook.as_ref().filter(|d| !d.delivered) {
            failed = true;
            eprintln!(
                "error: {}; the run of `{}` was not saved: the next `builtby watch run` reports these changes again (or use --no-webhook)",
                d.error.as_deref().unwrap_or("the webhook was not delivered"),
                r.watch
            );
        }
        runs.push(r);
    }
    if a.json {
        match (&a.name, runs.first()) {
            (Some(_), Some(r)) => serde_json::to_writer_pretty(&mut out, r)?,
            _ => serde_json::to_writer_pretty(&mut out, &runs)?,
        }
        writeln!(out)?;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_run(out: &mut impl Write, r: &Run) -> std::io::Result<()> {
    let since = match (&r.previous_run_at, r.inputs_since_last_run) {
        (Some(at), Some(n)) => format!(
            "since the last run ({}; {n} input{} loaded since)",
            short_time(at),
            if n == 1 { "" } else { "s" }
        ),
        _ => "first run: everyone who qualifies is new".into(),
    };
    writeln!(
        out,
        "{}: {} new, {} dropped out — {since}",
        r.watch,
        r.new.len(),
        r.dropped.len()
    )?;
    writeln!(
        out,
        "  qualifies: {}; {} qualify of {} {} who matched",
        r.qualifies,
        r.qualifying,
        r.matched,
        if r.matched == 1 { "person" } else { "people" }
    )?;
    if !r.new.is_empty() {
        writeln!(out, "  new:")?;
        for n in &r.new {
            let name = n
                .name
                .as_deref()
                .filter(|_| n.display == n.login)
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            writeln!(
                out,
                "    #{:<4} {}{name}  score {}, {}",
                n.rank,
                n.display,
                fmt_score(n.score),
                n.standing.text
            )?;
            if let Some(e) = &n.top_evidence {
                write_evidence(out, "          ", e)?;
            }
        }
    }
    if !r.dropped.is_empty() {
        writeln!(out, "  dropped out:")?;
        for d in &r.dropped {
            writeln!(
                out,
                "    {} (was #{}, score {}): {}",
                d.display,
                d.previous_rank,
                fmt_score(d.previous_score),
                d.why
            )?;
        }
    }
    if let Some(d) = &r.webhook {
        if d.delivered {
            writeln!(
                out,
                "  webhook {}: delivered ({} attempt{})",
                d.to,
                d.attempts,
                if d.attempts == 1 { "" } else { "s" }
            )?;
        } else {
            writeln!(out, "  webhook {}: NOT delivered", d.to)?;
        }
    }
    if !r.saved {
        writeln!(out, "  (not saved)")?;
    }
    Ok(())
}
