//! `builtby`: the binary is glue. Parsing arguments, choosing output and exit codes live here;
//! everything else is in the library crates (sources → ingest → store → search).

mod cli;
mod cmd;
mod demo;
mod output;
mod progress;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
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
            if let Some(q) = e.downcast_ref::<builtby_search::QueryError>() {
                eprintln!("error: --{q}");
                return ExitCode::from(2);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
