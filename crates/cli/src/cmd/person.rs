//! `builtby person LOGIN`.

use super::Env;
use crate::cli::PersonArgs;
use crate::output;
use anyhow::Result;
use builtby_model::time;
use builtby_search::query::PERSON_PARAMS;
use std::process::ExitCode;

pub fn run(env: &Env, a: &PersonArgs) -> Result<ExitCode> {
    let q = a
        .params()
        .build_only(PERSON_PARAMS, &env.catalog, time::now())?;
    let (report, person) = env.with_reader(|read, store| {
        let report =
            builtby_search::person::person_report(read, &env.catalog, &env.bots, &a.login, &q)?;
        Ok((report, store.person_ref(&a.login)?))
    })?;
    env.audit(
        "person",
        serde_json::json!({
            "person": person,
            "params": builtby_store::audit::params_what(a.params().pairs()),
            "format": if a.json { "json" } else { "table" },
        }),
        report.is_some() as u64,
    )?;
    let Some(report) = report else {
        eprintln!("error: nobody with the login `{}` is in the store (try `builtby search` to find logins)", a.login);
        return Ok(ExitCode::from(1));
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        println!();
    } else {
        output::person(&mut out, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}
