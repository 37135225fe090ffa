//! `builtby demo`: the main job end to end in one command. Ingests a few real GH Archive hours
//! (downloaded; offline, a generated sample of the same shape) into a separate demo store,
//! then prints a ranked search over the ML catalog with evidence links.

use super::Env;
use crate::cli::DemoArgs;
use anyhow::Result;
use builtby_search::Query;
use builtby_sources::gharchive::download;
use std::process::ExitCode;

/// Real pre-trim hours (full payloads), small enough to fetch quickly.
const HOURS: (&str, &str) = ("2024-05-21T14", "2024-05-21T15");

pub fn run(env: &Env, a: &DemoArgs) -> Result<ExitCode> {
    let demo_env = Env {
        data_dir: env.data_dir.join("demo"),
        quiet: env.quiet,
        catalog: env.catalog.clone(),
        bots: env.bots.clone(),
    };
    let mut files = Vec::new();
    if !a.offline {
        let hours = download::hours(HOURS.0, HOURS.1).expect("valid demo hours");
        let quiet = env.quiet;
        let (got, errors) =
            download::fetch_hours(&hours, &env.data_dir.join("gharchive"), &mut |url| {
                if !quiet {
                    eprintln!("downloading {url}");
                }
            });
        if !errors.is_empty() && !env.quiet {
            for e in &errors {
                eprintln!("note: {e}");
            }
        }
        if got.len() == hours.len() {
            files = got;
        }
    }
    let sample = files.is_empty();
    if sample {
        if !env.quiet {
            eprintln!("offline: using a sample generated from realistic GH Archive event shapes (fictional people, real repository names)");
        }
        let dir = demo_env.data_dir.join("sample");
        let end = (builtby_model::time::now() / 3600 - 1) * 3600;
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
            // A fresh sample needs a fresh demo store: the old sample's events differ.
            let _ = std::fs::remove_file(demo_env.data_dir.join(builtby_store::DB_FILE));
        }
        files = crate::demo::sample::write_sample(&dir, end, 6)?;
    }
    super::ingest::ingest(&demo_env, &files, None, false)?;
    let q = Query {
        ecosystems: env
            .catalog
            .ecosystems
            .iter()
            .map(|e| e.id.clone())
            .collect(),
        limit: 10,
        ..Default::default()
    };
    let store = demo_env.store()?;
    let results = builtby_search::search(&store, &env.catalog, &env.bots, &q)?;
    println!(
        "Top engineers by work in the ML catalog's {} repositories{}:\n",
        env.catalog.repo_count(),
        if sample { " (generated sample)" } else { "" }
    );
    crate::output::results_table(&mut std::io::stdout().lock(), &results, true)?;
    if let Some(top) = results.results.first() {
        println!(
            "\nNext: builtby --data-dir {} person {}",
            demo_env.data_dir.display(),
            top.login
        );
    }
    println!(
        "      builtby --data-dir {} search --ecosystem pytorch --explain",
        demo_env.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
