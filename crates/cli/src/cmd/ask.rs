//! `builtby ask "…"`: the sentence read into search filters (`builtby_search::ask`), shown
//! back, then the search run exactly as `builtby search` with those filters runs it.

use super::Env;
use crate::cli::AskArgs;
use crate::output;
use anyhow::Result;
use builtby_model::time;
use builtby_search::ask::{self, Asked, How};
use std::io::Write;
use std::process::ExitCode;

pub fn run(env: &Env, a: &AskArgs) -> Result<ExitCode> {
    let extra = a.params();
    let (asked, q) = ask::ask(&a.sentence, &extra, &env.catalog, time::now())?;
    let results = env
        .with_reader(|store, _| Ok(builtby_search::search(store, &env.catalog, &env.bots, &q)?))?;
    let mut pairs = asked.params.clone();
    pairs.extend(extra.pairs().iter().cloned());
    env.audit(
        "search",
        serde_json::json!({
            "params": builtby_store::audit::params_what(&pairs),
            "format": if a.json { "json" } else { "table" },
            "total": results.total,
            "via": "ask",
        }),
        results.results.len() as u64,
    )?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({"ask": asked, "results": results}),
        )?;
        writeln!(out)?;
    } else {
        read_back(&mut out, &asked, a.explain)?;
        output::results_table(&mut out, &results, a.explain)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The sentence as read: one line per filter with the words it came from, the words not
/// understood, and the equivalent `search` command.
pub fn read_back(out: &mut impl Write, asked: &Asked, explain: bool) -> std::io::Result<()> {
    writeln!(out, "understood:")?;
    for c in &asked.chips {
        let mut line = format!("  {} = {}  ← \"{}\"", c.param, c.value, c.words);
        if let How::Typo { typed, read } = &c.how {
            line.push_str(&format!(" (read \"{typed}\" as \"{read}\")"));
        }
        if c.how == How::Negated {
            line.push_str(" (after a negation)");
        }
        if let Some(why) = &c.unused {
            line.push_str(&format!(" — not used: {why}"));
        }
        if !c.alternatives.is_empty() {
            let alts: Vec<String> = c
                .alternatives
                .iter()
                .map(|(p, v)| format!("{p} = {v}"))
                .collect();
            line.push_str(&format!("; or: {}", alts.join(", ")));
        }
        if explain {
            line.push_str(&format!("  [{}]", c.from));
        }
        writeln!(out, "{line}")?;
    }
    if !asked.unknown.is_empty() {
        let words: Vec<String> = asked
            .unknown
            .iter()
            .map(|u| match &u.why {
                Some(why) => format!("\"{}\" ({why})", u.words),
                None => format!("\"{}\"", u.words),
            })
            .collect();
        writeln!(out, "not understood: {}", words.join(", "))?;
    }
    writeln!(out, "same as: {}", asked.command)?;
    writeln!(out)
}
