//! `builtby`: the binary is glue. Parsing arguments, choosing output and exit codes live here;
//! everything else is in the library crates (sources → ingest → store → search).

mod cli;
mod cmd;
mod demo;
mod output;
mod progress;
#[cfg(test)]
mod same_query;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    if !matches!(args.command, cli::Command::Serve(_)) {
        restore_sigpipe();
    }
    let filter = if args.quiet { "error" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BUILTBY_LOG")
                .unwrap_or_else(|_| filter.into()),
        )
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    match cmd::run(args) {
        Ok(code) => code,
        Err(e) => {
            if let Some(q) = query_error(&e) {
                // Named as the flag is spelled: the API's `as_of` is `--as-of`.
                eprintln!("error: --{}: {}", q.param.replace('_', "-"), q.message);
                return ExitCode::from(2);
            }
            if let Some(u) = e.downcast_ref::<cmd::UsageError>() {
                eprintln!("error: {u}");
                return ExitCode::from(2);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The search parameter at fault, if that is what `e` is.
fn query_error(e: &anyhow::Error) -> Option<&builtby_search::QueryError> {
    match e.downcast_ref::<builtby_search::SearchError>() {
        Some(builtby_search::SearchError::Query(q)) => Some(q),
        _ => e.downcast_ref(),
    }
}

/// `builtby search | head` should stop quietly when `head` has read enough, as Unix tools do,
/// not panic on a broken pipe. (Not for `serve`: its sockets never raise SIGPIPE anyway, and a
/// server must not die with a client.)
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread is spawned; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
