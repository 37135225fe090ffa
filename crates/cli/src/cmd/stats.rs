//! `builtby stats`: what is loaded, file by file.

use super::Env;
use crate::cli::StatsArgs;
use anyhow::Result;
use builtby_model::{time, ReadReport, Source};
use std::io::Write;
use std::process::ExitCode;

pub fn run(env: &Env, a: &StatsArgs) -> Result<ExitCode> {
    let store = env.reader()?;
    let totals = store.stats()?;
    let files = store.files()?;
    let identities = store.identity_stats()?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let files: Vec<serde_json::Value> = files
            .iter()
            .map(|f| {
                let stats: serde_json::Value =
                    serde_json::from_str(&f.stats).unwrap_or(serde_json::Value::Null);
                serde_json::json!({"path": f.path, "source": f.source, "size": f.size, "checksum": f.checksum,
                    "complete": f.complete, "events": f.events, "contributions": f.contributions,
                    "new_contributions": f.new_contributions, "loaded_at": time::iso_string(f.loaded_at),
                    "superseded_by": f.superseded_by, "read": stats})
            })
            .collect();
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({"totals": totals, "identities": identities, "files": files}),
        )?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "store: {}", store.path().display())?;
    writeln!(
        out,
        "{} files, {} events read, {} contributions by {} people in {} repositories, {} pointers awaiting the API",
        totals.files, totals.events, totals.contributions, totals.people, totals.repos, totals.pointers
    )?;
    if let (Some(a), Some(b)) = (totals.first_at, totals.last_at) {
        writeln!(
            out,
            "contributions from {} to {}",
            time::iso_string(a),
            time::iso_string(b)
        )?;
    }
    for (k, n) in &totals.contributions_by_kind {
        writeln!(out, "  {k:<20} {n:>10}")?;
    }
    if identities.git_accounts > 0 {
        let linked: i64 = identities.linked_by.iter().map(|x| x.1).sum();
        let by: Vec<String> = identities
            .linked_by
            .iter()
            .map(|(m, n)| format!("{n} by {m}"))
            .collect();
        writeln!(
            out,
            "git identities: {}, {linked} linked to a GitHub account ({}), {} with a suggestion (builtby identity suggest), {} alone",
            identities.git_accounts,
            by.join(", "),
            identities.suggested,
            identities.alone
        )?;
    }
    for (why, n) in &identities.not_people {
        writeln!(
            out,
            "  not a person, hidden like bots (--include-bots shows them): {n} × {why}"
        )?;
    }
    for f in &files {
        writeln!(
            out,
            "\n{} [{}]{}",
            f.path,
            f.source,
            if f.complete { "" } else { "  (ENDED EARLY)" }
        )?;
        if let Some(by) = &f.superseded_by {
            // Its records are in the whole file's load; it is not counted in the totals.
            writeln!(
                out,
                "  SUPERSEDED by {by} (the whole file, loaded later): not counted above"
            )?;
            continue;
        }
        // Every source writes the same report (the source contract); a row that does not
        // parse is shown as such, never as zeros.
        let s: ReadReport = match serde_json::from_str(&f.stats) {
            Ok(s) => s,
            Err(e) => {
                writeln!(out, "  (its read report cannot be read: {e})")?;
                continue;
            }
        };
        let unit = Source::parse(&f.source).unwrap_or(s.source).unit();
        writeln!(
            out,
            "  {} {unit}, {} contributions ({} new), {} pointers, {} not kept",
            s.read,
            f.contributions,
            f.new_contributions,
            s.pointers,
            s.skipped_total()
        )?;
        let list = |m: &std::collections::BTreeMap<String, u64>| {
            m.iter()
                .map(|(t, n)| format!("{t} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !s.by_type.is_empty() {
            writeln!(out, "  by type: {}", list(&s.by_type))?;
        }
        writeln!(out, "  by kind: {}", list(&s.by_kind))?;
        for (reason, n) in &s.skipped {
            writeln!(out, "  not kept ({reason}): {n}")?;
        }
        for m in &s.messages {
            writeln!(out, "    {m}")?;
        }
        if let Some(e) = &s.ended_early {
            writeln!(out, "  {e}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
