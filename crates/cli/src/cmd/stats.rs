//! `builtby stats`: what is loaded, file by file.

use super::Env;
use crate::cli::StatsArgs;
use anyhow::Result;
use builtby_model::time;
use builtby_sources::gharchive::FileStats;
use std::io::Write;
use std::process::ExitCode;

pub fn run(env: &Env, a: &StatsArgs) -> Result<ExitCode> {
    let store = env.store()?;
    let totals = store.stats()?;
    let files = store.files()?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let files: Vec<serde_json::Value> = files
            .iter()
            .map(|f| {
                let stats: serde_json::Value = serde_json::from_str(&f.stats).unwrap_or_default();
                serde_json::json!({"path": f.path, "source": f.source, "size": f.size, "checksum": f.checksum,
                    "complete": f.complete, "events": f.events, "contributions": f.contributions,
                    "new_contributions": f.new_contributions, "loaded_at": time::iso_string(f.loaded_at), "read": stats})
            })
            .collect();
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({"totals": totals, "files": files}),
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
    for f in &files {
        let s: FileStats = serde_json::from_str(&f.stats).unwrap_or_default();
        writeln!(
            out,
            "\n{}{}",
            f.path,
            if f.complete { "" } else { "  (ENDED EARLY)" }
        )?;
        writeln!(
            out,
            "  {} events, {} contributions ({} new), {} skipped lines",
            s.events, f.contributions, f.new_contributions, s.skipped_lines
        )?;
        let types: Vec<String> = s
            .events_by_type
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        writeln!(out, "  by type: {}", types.join(", "))?;
        let kinds: Vec<String> = s
            .contributions_by_kind
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        writeln!(out, "  by kind: {}", kinds.join(", "))?;
        if s.pointers + s.no_repository + s.no_actor > 0 {
            writeln!(
                out,
                "  pointers {}, no repository {}, no actor {}",
                s.pointers, s.no_repository, s.no_actor
            )?;
        }
        for (reason, n) in &s.skipped_by_reason {
            writeln!(out, "  skipped ({reason}): {n}")?;
        }
        for m in &s.skip_messages {
            writeln!(out, "    {m}")?;
        }
        if let Some(e) = &s.ended_early {
            writeln!(out, "  {e}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
