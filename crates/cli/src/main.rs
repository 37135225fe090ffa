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

/// mimalloc, overriding `malloc` for the whole process (SQLite's allocations too): a server
/// answering searches spent ~20% of its time in glibc's malloc and free (building and freeing
/// rows, scores and JSON); with mimalloc the CPU per request of `bench serve`'s mix fell ~8%.
/// It builds from C with `cc` (no cmake) in seconds.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            if let Some(a) = e.downcast_ref::<builtby_search::ask::AskError>() {
                eprintln!("error: {}", ask_message(a));
                return ExitCode::from(2);
            }
            if let Some(u) = e.downcast_ref::<cmd::UsageError>() {
                eprintln!("error: {u}");
                return ExitCode::from(2);
            }
            eprintln!("error: {}", message(&e));
            ExitCode::from(1)
        }
    }
}

/// `e` and its causes, `: `-separated, each said once: an error that already prints its
/// source (the store's "store PATH: <SQLite's words>") is not followed by the same words again,
/// nor by SQLite's generic code for them.
fn message(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let s = cause.to_string();
        if msg.contains(&s) {
            continue;
        }
        // rusqlite's own cause is SQLite's result code ("Error code 1: SQL logic error"):
        // the message before it already said what went wrong.
        if s.starts_with("Error code ") {
            continue;
        }
        msg.push_str(": ");
        msg.push_str(&s);
    }
    msg
}

/// An `ask` error: the sentence's own, or the search parameter it was read into.
fn ask_message(e: &builtby_search::ask::AskError) -> String {
    match e {
        builtby_search::ask::AskError::Query(q) => format!(
            "the sentence reads as --{} and that is refused: {}",
            q.param.replace('_', "-"),
            q.message
        ),
        other => format!("ask: {other}"),
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// A SQLite failure, as the store reports it through a search: its cause once.
    #[test]
    fn a_store_error_says_its_cause_once() {
        let sqlite = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(1),
            Some("Expression tree is too large (maximum depth 1000)".into()),
        );
        let e: anyhow::Error =
            builtby_search::SearchError::Store(builtby_store::StoreError::Sqlite {
                path: PathBuf::from("/d/builtby.sqlite"),
                source: sqlite,
            })
            .into();
        let m = super::message(&e);
        assert_eq!(
            m,
            "store /d/builtby.sqlite: Expression tree is too large (maximum depth 1000)"
        );
        // Context added on top is kept, and so is a cause that says something new.
        let e = anyhow::anyhow!("disk full").context("writing the export");
        assert_eq!(super::message(&e), "writing the export: disk full");
    }
}
