//! `builtby search`: ranked people with evidence, as a table, JSON or CSV.

use super::Env;
use crate::cli::SearchArgs;
use crate::output;
use anyhow::Result;
use builtby_model::time;
use std::process::ExitCode;

pub fn run(env: &Env, a: &SearchArgs) -> Result<ExitCode> {
    let params = a.query.params();
    let q = params.build(&env.catalog, time::now())?;
    let results = env
        .with_reader(|store, _| Ok(builtby_search::search(store, &env.catalog, &env.bots, &q)?))?;
    // a CSV is an export of the results; a table or JSON a search
    let format = if a.json {
        "json"
    } else if a.csv {
        "csv"
    } else {
        "table"
    };
    env.audit(
        if a.csv { "export" } else { "search" },
        serde_json::json!({
            "params": builtby_store::audit::params_what(params.pairs()),
            "format": format,
            "total": results.total,
        }),
        results.results.len() as u64,
    )?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        println!();
    } else if a.csv {
        builtby_search::export::results_csv(&results, &mut out)?;
    } else {
        output::results_table(&mut out, &results, a.explain)?;
    }
    Ok(ExitCode::SUCCESS)
}
