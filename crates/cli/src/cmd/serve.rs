//! `builtby serve` and `builtby bench serve`: the HTTP server from `builtby-server` on a tokio
//! runtime started here (the rest of the CLI is synchronous).

use super::Env;
use crate::cli::{BenchAbuseArgs, BenchServeArgs, ServeArgs};
use anyhow::Result;
use builtby_server::AppState;
use std::process::ExitCode;

fn state(env: &Env) -> Result<AppState> {
    // Open once up front so a bad data folder is reported before the server starts.
    env.reader()?;
    if let Some(ch) = &env.clickhouse {
        ch.check()?;
    }
    Ok(
        AppState::new(env.data_dir.clone(), env.catalog.clone(), env.bots.clone())
            .with_clickhouse(env.clickhouse.clone()),
    )
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn run(env: &Env, a: &ServeArgs) -> Result<ExitCode> {
    let limits = builtby_server::Limits {
        max_connections: a.max_connections.max(1),
        header_timeout: std::time::Duration::from_secs(a.header_timeout.max(1)),
        request_timeout: std::time::Duration::from_secs(a.request_timeout.max(1)),
    };
    let state = state(env)?.with_limits(limits);
    // `--token` (BUILTBY_TOKEN) is named `token`; a token file's names are its own.
    let mut tokens = builtby_server::Tokens::default();
    if let Some(t) = &a.token {
        if t.trim().is_empty() {
            return Err(builtby_server::ServeError::BlankToken.into());
        }
        tokens = tokens.merge(builtby_server::Tokens::single(t));
    }
    if let Some(f) = &a.token_file {
        tokens = tokens.merge(builtby_server::Tokens::from_file(f)?);
    }
    // The audit log needs the store written: said once, before serving.
    let audited = match builtby_store::Store::open(&env.data_dir) {
        Ok(_) => true,
        Err(
            e @ (builtby_store::StoreError::NotWritable { .. }
            | builtby_store::StoreError::NeedsUpgrade { .. }),
        ) => {
            eprintln!(
                "warning: searches, person views and exports will not be in the audit log: {e}"
            );
            false
        }
        Err(e) => return Err(e.into()),
    };
    runtime()?.block_on(async {
        // The address and token are checked first: nothing says "serving" before a refusal.
        let listener = builtby_server::bind(a.addr, tokens.first()).await?;
        if !env.quiet {
            let names: Vec<&str> = tokens.names().collect();
            eprintln!(
                "serving {} on http://{}/ (Ctrl-C to stop); {}{}",
                env.data_dir.display(),
                listener.local_addr()?,
                if names.is_empty() {
                    "no tokens: searches are open on loopback, changes (opt-out, erase, identity decisions) answer 403 until --token-file is given".to_string()
                } else {
                    format!("tokens: {}", names.join(", "))
                },
                if audited { "; every search, view and export goes to the audit log" } else { "" }
            );
        }
        builtby_server::serve_on(
            listener,
            state.with_tokens(tokens),
            builtby_server::shutdown_signal(),
        )
        .await
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn bench(env: &Env, a: &BenchServeArgs) -> Result<ExitCode> {
    let state = if a.no_audit {
        state(env)?.without_audit()
    } else {
        state(env)?
    };
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

pub fn abuse(env: &Env, a: &BenchAbuseArgs) -> Result<ExitCode> {
    let state = state(env)?.with_limits(builtby_server::Limits {
        request_timeout: std::time::Duration::from_secs(a.request_timeout.max(1)),
        ..builtby_server::Limits::default()
    });
    let attack = builtby_server::bench::Attack {
        idle: a.idle,
        slowloris: a.slowloris,
        hostile: a.hostile,
    };
    let duration = std::time::Duration::from_secs(a.seconds.max(1));
    let report = runtime()?.block_on(builtby_server::bench::bench_abuse(
        state,
        duration,
        a.concurrency,
        attack,
    ))?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}
