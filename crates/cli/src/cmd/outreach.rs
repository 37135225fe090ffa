//! `builtby outreach PERSON`: a first line citing the person's work, and a draft around it.
//! Never sent, never addressed: text to copy.

use super::Env;
use crate::cli::{OutreachArgs, QueryArgs};
use anyhow::Result;
use builtby_model::time;
use builtby_search::outreach::{self, DraftRequest, OutreachError, Template};
use builtby_search::query::{Params, Query};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// Who does this, for the audit log: the OS user.
pub fn os_user() -> String {
    std::env::var("USER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "cli".into())
}

/// The flags `--search` takes: those of `builtby search`.
#[derive(Parser, Debug)]
#[command(name = "--search", no_binary_name = true, disable_help_flag = true)]
struct SearchFlags {
    #[command(flatten)]
    query: QueryArgs,
}

/// The search given after `--search`: the flags of `builtby search`, or one query string as
/// the API takes it. Returns its parameters and the same as a query string (what a shortlist
/// stores). Empty when no search was given.
pub fn search_args(args: &[String]) -> Result<(Params, Option<String>)> {
    if args.is_empty() {
        return Ok((Params::new(), None));
    }
    let params: Params = if args.len() == 1 && !args[0].starts_with('-') {
        form_urlencoded::parse(args[0].trim_start_matches('?').as_bytes()).collect()
    } else {
        match SearchFlags::try_parse_from(args) {
            Ok(f) => f.query.params(),
            Err(e) => {
                return Err(super::UsageError {
                    flag: "search",
                    message: format!(
                        "{} (after --search come the flags of `builtby search`, e.g. --repo pytorch/pytorch --since 12m, or one query string such as 'repo=pytorch/pytorch&since=12m')",
                        first_line_of(&e.to_string())
                    ),
                }
                .into())
            }
        }
    };
    let qs = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish();
    Ok((params, Some(qs).filter(|s| !s.is_empty())))
}

fn first_line_of(s: &str) -> &str {
    s.lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error:")
        .trim()
}

/// The query whose scope the cited work must be in: `--search`, the shortlist's, or the
/// whole record.
fn query(env: &Env, a: &OutreachArgs, store: &builtby_store::Store) -> Result<Query> {
    if let Some(list) = &a.shortlist {
        let Some(l) = store.shortlist(list)? else {
            return Err(builtby_store::ShortlistError::NoList(list.clone()).into());
        };
        let key = store.person_key(&a.person)?;
        let entry = l
            .people
            .iter()
            .find(|e| Some(&e.person) == key.as_ref() || e.person.eq_ignore_ascii_case(&a.person));
        let Some(entry) = entry else {
            return Err(builtby_store::ShortlistError::NotOnList {
                list: l.name,
                person: a.person.clone(),
            }
            .into());
        };
        return Ok(match entry.search.as_deref().or(l.search.as_deref()) {
            Some(s) => builtby_search::shortlist::query_of(&env.catalog, s, time::now())?,
            None => Query::default(),
        });
    }
    let (params, _) = search_args(&a.search)?;
    Ok(params.build(&env.catalog, time::now())?)
}

pub fn run(env: &Env, a: &OutreachArgs) -> Result<ExitCode> {
    let template = match &a.template {
        Some(p) => Template::from_file(p).map_err(|e| super::UsageError {
            flag: "template",
            message: e.to_string(),
        })?,
        None => Template::shipped(),
    };
    let store = env.reader()?;
    let q = query(env, a, &store)?;
    let req = DraftRequest {
        query: &q,
        problem: a.problem.as_deref(),
        template: &template,
    };
    let d = match outreach::draft(&store, &env.catalog, &env.bots, &a.person, &req, &os_user()) {
        Ok(d) => d,
        Err(OutreachError::Search(e)) => return Err(e.into()),
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    env.audit(
        "outreach.draft",
        outreach::audit_what(&store, &a.person, a.problem.is_some())?,
        1,
    )?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let fl = &d.first_line;
    writeln!(out, "First line for {}:\n", fl.display)?;
    writeln!(out, "  {}", fl.line)?;
    writeln!(out, "  {}\n", fl.link)?;
    writeln!(out, "  (cited: {}; {} looked at)\n", fl.why, fl.considered)?;
    writeln!(out, "Draft ({} template):\n", d.template)?;
    for line in d.text.lines() {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "\n{}", d.note)?;
    Ok(ExitCode::SUCCESS)
}
