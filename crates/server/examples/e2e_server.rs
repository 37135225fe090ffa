//! Stand-in for `builtby --data-dir DIR ingest gharchive PATHS... && builtby --data-dir DIR
//! serve --addr ADDR` until the CLI exists: ingests the inputs (skipping files already
//! loaded), then serves on a loopback address until killed.
//!
//! `cargo run -p builtby-server --example e2e_server -- DATA_DIR 127.0.0.1:PORT [INPUTS...]`

use builtby_model::BotRules;
use builtby_search::Catalog;
use builtby_server::AppState;
use builtby_store::Store;
use std::path::PathBuf;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, addr, inputs @ ..] = args.as_slice() else {
        eprintln!("usage: e2e_server DATA_DIR ADDR [INPUTS...]");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    if !inputs.is_empty() {
        let (files, errors) =
            builtby_ingest::expand_inputs(&inputs.iter().map(PathBuf::from).collect::<Vec<_>>());
        for e in &errors {
            eprintln!("warning: {e}");
        }
        let mut store = Store::open(&dir)?;
        let t = std::time::Instant::now();
        let report = builtby_ingest::gharchive::ingest_files(
            &mut store,
            &files,
            2,
            &builtby_ingest::Silent,
        )?;
        eprintln!(
            "ingested {} files, {} new contributions in {:.1}s",
            files.len(),
            report.new_contributions(),
            t.elapsed().as_secs_f64()
        );
    }
    let state = AppState::new(dir, Catalog::shipped(), BotRules::default());
    let listener = builtby_server::bind(addr.parse()?, None).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    builtby_server::serve_on(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
