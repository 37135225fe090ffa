//! `/api/search` requests/s and latency over a loaded data folder, until `builtby bench serve`
//! is wired: `cargo run --release -p builtby-server --example bench_server -- DATA_DIR
//! [SECONDS] [CONCURRENCY] [QUERY...]` (queries without `?`; default: the built-in mix).

use builtby_model::BotRules;
use builtby_search::Catalog;
use builtby_server::{bench, AppState};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: bench_server DATA_DIR [SECONDS] [CONCURRENCY] [QUERY...]");
        std::process::exit(2);
    };
    let secs: f64 = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(10.0);
    let conc: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(16);
    let queries: Vec<String> = if args.len() > 3 {
        args[3..].to_vec()
    } else {
        bench::DEFAULT_QUERIES
            .iter()
            .map(|q| q.to_string())
            .collect()
    };
    let state = AppState::new(dir.into(), Catalog::shipped(), BotRules::default());
    let report =
        bench::bench_search_with(state, Duration::from_secs_f64(secs), conc, &queries).await?;
    println!("{report}");
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
