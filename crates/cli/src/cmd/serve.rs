//! `builtby serve` and `builtby bench serve`: the HTTP server from `builtby-server` on a tokio
//! runtime started here (the rest of the CLI is synchronous).

use super::Env;
use crate::cli::{BenchServeArgs, ServeArgs};
use anyhow::Result;
use builtby_server::AppState;
use std::process::ExitCode;

fn state(env: &Env) -> Result<AppState> {
    // Open once up front so a bad data folder is reported before the server starts.
    env.reader()?;
    Ok(AppState::new(
        env.data_dir.clone(),
        env.catalog.clone(),
        env.bots.clone(),
    ))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn run(env: &Env, a: &ServeArgs) -> Result<ExitCode> {
    let state = state(env)?;
    if !env.quiet {
        eprintln!(
            "serving {} on http://{}/ (Ctrl-C to stop)",
            env.data_dir.display(),
            a.addr
        );
    }
    runtime()?.block_on(builtby_server::serve(
        a.addr,
        state,
        a.token.clone().filter(|t| !t.is_empty()),
    ))?;
    Ok(ExitCode::SUCCESS)
}

pub fn bench(env: &Env, a: &BenchServeArgs) -> Result<ExitCode> {
    let state = state(env)?;
    let duration = std::time::Duration::from_secs(a.seconds.max(1));
    let rt = runtime()?;
    let report = if a.queries.is_empty() {
        rt.block_on(builtby_server::bench_search(state, duration, a.concurrency))?
    } else {
        rt.block_on(builtby_server::bench::bench_search_with(
            state,
            duration,
            a.concurrency,
            &a.queries,
        ))?
    };
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
