//! `builtby ingest huggingface`: models and their cards from the Hub's API (`--author`,
//! `--org`, `--linked`) or from a dump (`--from-dir`).

use super::{Env, UsageError};
use crate::cli::{HfApiArgs, HuggingfaceArgs};
use anyhow::Result;
use builtby_ingest::github::StoreCache;
use builtby_ingest::huggingface::{self as hf, Accounted};
use builtby_ingest::FileOutcome;
use builtby_sources::huggingface::api::{Client, Config, Token};
use builtby_sources::huggingface::AccountKind;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub fn run(env: &Env, a: &HuggingfaceArgs) -> Result<ExitCode> {
    for (flag, names) in [("author", &a.authors), ("org", &a.orgs)] {
        for n in names {
            let ok = !n.is_empty()
                && n.len() <= 96
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !ok {
                return Err(UsageError {
                    flag,
                    message: format!(
                        "{n:?} is not a Hugging Face name (letters, digits, '-', '_', '.')"
                    ),
                }
                .into());
            }
        }
    }
    match &a.from_dir {
        Some(path) => from_dir(env, path, &a.orgs),
        None => from_api(env, a),
    }
}

/// Who the models were credited to, in one line each.
fn print_accounted(acc: &Accounted) {
    let people = acc.people.len();
    let person_models: u64 = acc.people.values().sum();
    eprintln!("  {people} people: {person_models} models");
    for (login, (n, kind, why)) in &acc.not_people {
        let what = match kind {
            AccountKind::Bot => "bot-generated",
            _ => "organisation",
        };
        eprintln!("  {login}: {n} models, not a person ({what}: {why})");
    }
    if !acc.suggestions.is_empty() {
        eprintln!(
            "  {} GitHub profiles linked from cards, kept as suggestions (`builtby identity suggest`), never links",
            acc.suggestions.len()
        );
    }
}

fn spinner(quiet: bool) -> Option<ProgressBar> {
    (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(Duration::from_millis(120));
        b
    })
}

/// `--from-dir PATH`: a dump in one transaction.
fn from_dir(env: &Env, path: &Path, orgs: &[String]) -> Result<ExitCode> {
    let started = Instant::now();
    let mut store = env.store()?;
    let bar = spinner(env.quiet);
    let progress = |n: u64| {
        if let Some(b) = &bar {
            if n.is_multiple_of(100) {
                b.set_message(format!("{n} models read"));
            }
        }
    };
    let r = hf::ingest_dump(&mut store, path, orgs, &progress)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let db = store.path().to_path_buf();
    drop(store);
    super::ingest::print_problems(&builtby_ingest::IngestReport {
        files: vec![r.file.clone()],
    });
    let complete = match &r.file.outcome {
        FileOutcome::Loaded { summary, report } => {
            if !env.quiet {
                let skipped = report.skipped_total();
                eprintln!(
                    "ingested {}: {} models read, {} kept, {skipped} skipped; {} new contributions, {} already stored; in {:.1}s into {}",
                    path.display(),
                    report.read,
                    report.contributions(),
                    summary.new_contributions,
                    summary.duplicates,
                    started.elapsed().as_secs_f64(),
                    db.display()
                );
                print_accounted(&r.accounted);
            }
            report.ended_early.is_none()
        }
        FileOutcome::AlreadyLoaded => {
            if !env.quiet {
                eprintln!(
                    "{}: already loaded (the same bytes, the same --org): nothing changed",
                    path.display()
                );
            }
            true
        }
        FileOutcome::AlreadyLoadedIncomplete { .. } | FileOutcome::Failed { .. } => false,
    };
    Ok(if complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn client(env: &Env, a: &HfApiArgs) -> Result<Client> {
    let cfg = Config {
        api_url: a.api_url.clone(),
        token: Token::from_env(),
        timeout: Duration::from_secs_f64(a.timeout),
        max_retries: a.retries,
        backoff: Duration::from_secs_f64(a.backoff),
        concurrency: a.concurrency,
        max_wait: Duration::from_secs(a.max_wait),
    };
    let quiet = env.quiet;
    Ok(Client::new(cfg)?.with_progress(move |m| {
        if !quiet {
            eprintln!("{m}")
        }
    }))
}

/// `--author`, `--org`, `--linked`: the API, one transaction per page of models.
fn from_api(env: &Env, a: &HuggingfaceArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let mut authors: Vec<String> = a.authors.iter().chain(&a.orgs).cloned().collect();
    if a.linked {
        let linked = hf::linked_authors(&store)?;
        if linked.is_empty() && !env.quiet {
            eprintln!("--linked: no Hugging Face account in the store is linked to a person (`builtby identity link hf:<name> LOGIN`)");
        }
        authors.extend(linked);
    }
    let mut seen = std::collections::HashSet::new();
    authors.retain(|x| seen.insert(x.to_ascii_lowercase()));
    let client = client(env, &a.api)?;
    let cache = StoreCache::new(env.store()?);
    let quiet = env.quiet;
    let mut on_page = |author: &str, p: &hf::PageDone| {
        if !quiet {
            eprintln!(
                "hf:{author}: page {}, {} models {}",
                p.number,
                p.models,
                if p.stored {
                    format!("stored ({} new)", p.new_contributions)
                } else {
                    "unchanged (already stored)".to_string()
                }
            );
        }
    };
    let crawled = hf::crawl_authors(&mut store, &client, &cache, &authors, &a.orgs, &mut on_page)?;
    let mut failed = 0;
    let mut all = Accounted::default();
    let (mut models, mut new) = (0u64, 0u64);
    for c in &crawled {
        if let Some(e) = &c.error {
            failed += 1;
            eprintln!(
                "error: hf:{}: {e} (stored pages kept; rerun to continue)",
                c.author
            );
        }
        let m: u64 = c.pages.iter().map(|p| p.models as u64).sum();
        models += m;
        new += c.new_contributions;
        if !quiet {
            let kind = match c.kind {
                Some(AccountKind::Person) => "a user",
                Some(AccountKind::Organisation) => "an organisation (credits no person)",
                Some(AccountKind::Bot) => "a bot-generated family (credits no person)",
                None => "unknown",
            };
            eprintln!(
                "hf:{}{}: {kind}; {m} models in {} pages ({} stored, {} unchanged), {} new, {} updated; {} requests ({} answered 304)",
                c.author,
                c.fullname.as_deref().map(|n| format!(" ({n})")).unwrap_or_default(),
                c.pages.len(),
                c.pages.iter().filter(|p| p.stored).count(),
                c.pages.iter().filter(|p| !p.stored).count(),
                c.new_contributions,
                c.updated,
                c.requests,
                c.not_modified
            );
        }
        all.merge(c.accounted.clone());
    }
    if !quiet {
        let s = client.stats();
        eprintln!(
            "ingest huggingface: {} authors, {failed} failed; {models} models, {new} new contributions",
            crawled.len()
        );
        print_accounted(&all);
        eprintln!(
            "huggingface: {} requests ({} answered 304 from the cache), {} retries, {} rate-limit waits ({} answered 429)",
            s.requests, s.not_modified, s.retries, s.rate_limit_waits, s.too_many
        );
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
