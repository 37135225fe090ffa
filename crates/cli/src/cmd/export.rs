//! `builtby export counts`: every stored (person, repository, kind) count.

use super::Env;
use crate::cli::{ExportCountsArgs, ExportFormat};
use anyhow::Result;
use builtby_search::export::CsvWriter;
use builtby_store::Read;
use std::io::Write;
use std::process::ExitCode;

pub fn counts(env: &Env, a: &ExportCountsArgs) -> Result<ExitCode> {
    env.with_reader(|reader, _| counts_from(env, a, reader))
}

fn counts_from(env: &Env, a: &ExportCountsArgs, reader: &dyn Read) -> Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut err = None;
    let mut first = true;
    // people exported: the stream is in login order, so a new login is a new person
    let mut people = 0u64;
    let mut last = String::new();
    let mut count = |login: &str| {
        if login != last {
            people += 1;
            last = login.to_string();
        }
    };
    match a.format {
        ExportFormat::Csv => {
            let mut w = CsvWriter { w: &mut out };
            w.row(["login", "repo", "kind", "count"].map(String::from))?;
            reader.each_count(&mut |login: &str, bot: bool, repo: &str, kind, n| {
                if err.is_none() && (a.include_bots || !env.bots.is_bot(login, bot)) {
                    count(login);
                    err = w
                        .row([
                            login.to_string(),
                            repo.to_string(),
                            kind.to_string(),
                            n.to_string(),
                        ])
                        .err();
                }
            })?;
        }
        ExportFormat::Json => {
            out.write_all(b"[")?;
            reader.each_count(&mut |login: &str, bot: bool, repo: &str, kind, n| {
                if err.is_none() && (a.include_bots || !env.bots.is_bot(login, bot)) {
                    count(login);
                    let row =
                        serde_json::json!({"login": login, "repo": repo, "kind": kind, "count": n});
                    err = write!(out, "{}\n{row}", if first { "" } else { "," }).err();
                    first = false;
                }
            })?;
            out.write_all(b"]\n")?;
        }
    }
    if let Some(e) = err {
        return Err(e.into());
    }
    out.flush()?;
    env.audit(
        "export",
        serde_json::json!({
            "export": "counts",
            "format": match a.format { ExportFormat::Csv => "csv", ExportFormat::Json => "json" },
            "include_bots": a.include_bots,
        }),
        people,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `builtby export clickhouse`: ships what changed to ClickHouse.
pub fn clickhouse(env: &Env) -> Result<ExitCode> {
    if env.clickhouse.is_none() {
        return Err(super::UsageError {
            flag: "clickhouse-url",
            message: "export clickhouse ships to a ClickHouse server: give --backend clickhouse --clickhouse-url http://HOST:8123 (or BUILTBY_BACKEND and BUILTBY_CLICKHOUSE_URL)".into(),
        }
        .into());
    }
    env.ship()?;
    Ok(ExitCode::SUCCESS)
}
