//! arXiv papers into the store: files (the export API's Atom answers, the JSON-lines metadata
//! snapshot) or pages fetched from the export API by category and submission window.
//!
//! Every input goes through the one write path: a file is one batch (keyed by the checksum
//! of its bytes, so loading it again changes nothing), an API page is one batch with its
//! window's cursor (keyed by what the page holds: the same papers at the same versions are
//! the same input), so a killed crawl resumes at the page it was reading.
//!
//! **Author ↔ person suggestions.** When a paper links a GitHub repository the store knows
//! (its abstract or comments, see [`builtby_sources::arxiv::Paper::code_url`]), each author
//! whose normalised name is the name of one of that repository's people (a GitHub profile
//! name, a git identity's name, normalised the same way) is *suggested* as that person
//! (method `paper_code`): confidence 0.6 when exactly one person of the repository has the
//! name, less when several do. Never applied automatically: there is no labelled set of
//! arXiv authors with known GitHub accounts to measure the precision of such links on (the
//! shared papers link no repository whose history is shared), so a person accepts or rejects
//! each with `builtby identity link|reject`. Never by name alone: without the paper's link to
//! the repository there is no suggestion, and single-word names suggest nothing. A paper
//! loaded before the history of the repository it links gets its suggestions from [`relink`],
//! which `builtby ingest arxiv` runs at the end of every run.

use crate::{FileOutcome, FileReport, IngestError, IngestReport};
use builtby_model::{time, ReadReport, Record, Source};
use builtby_sources::arxiv::client::{windows, Client, Window};
use builtby_sources::arxiv::{self, atom, normalise_name, snapshot, Paper};
use builtby_store::identity::Method;
use builtby_store::{ArxivCursor, Batch, InputFile, RepoPerson, Store, StoreError};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Windows ending this many days before today may still gain papers (announcements lag
/// submission): they are read again on the next run instead of being marked done.
pub const SETTLE_DAYS: i64 = 3;

/// The people of a repository, with their names normalised: (person key, [(normalised
/// name, account, name as written)]).
type People = Vec<(String, Vec<(String, String, String)>)>;

/// One suggestion: (author's account, person key, confidence, evidence).
pub type Suggestion = (String, String, f64, Vec<String>);

/// The people of the repositories papers link to, asked once per run.
#[derive(Default)]
pub struct Linker {
    /// repository (lower case) → its people
    repos: HashMap<String, People>,
    /// Suggestions made.
    pub suggestions: u64,
}

impl Linker {
    fn people(
        &mut self,
        repo: &str,
        fetch: impl FnOnce(&str) -> Result<Vec<RepoPerson>, StoreError>,
    ) -> Result<&People, StoreError> {
        let key = repo.to_ascii_lowercase();
        if !self.repos.contains_key(&key) {
            let people = fetch(repo)?
                .into_iter()
                .filter(|p| p.key.starts_with("git:") || !p.key.contains(':'))
                .map(|p| {
                    let names = p
                        .names
                        .into_iter()
                        .map(|(name, account)| (normalise_name(&name), account, name))
                        .collect();
                    (p.key, names)
                })
                .collect();
            self.repos.insert(key.clone(), people);
        }
        Ok(&self.repos[&key])
    }

    /// The suggestions for one paper (`url`) linking `code`: each author (`(account, name as
    /// written)`) named like people of that repository.
    pub fn suggestions(
        &mut self,
        url: &str,
        code: &str,
        authors: &[(String, String)],
        fetch: impl FnOnce(&str) -> Result<Vec<RepoPerson>, StoreError>,
    ) -> Result<Vec<Suggestion>, StoreError> {
        let Some(repo) = arxiv::repo_of_code_url(code).map(str::to_string) else {
            return Ok(Vec::new());
        };
        let people = self.people(&repo, fetch)?;
        let mut made: Vec<Suggestion> = Vec::new();
        for (account, author) in authors {
            let n = normalise_name(author);
            if n.split(' ').count() < 2 {
                continue; // a single word is too weak a name
            }
            let hits: Vec<(&String, &(String, String, String))> = people
                .iter()
                .filter(|(key, _)| key != account)
                .filter_map(|(key, names)| names.iter().find(|x| x.0 == n).map(|x| (key, x)))
                .collect();
            let k = hits.len();
            for (key, (_, their_account, written)) in &hits {
                let mut evidence = vec![
                    format!("{url} links {code}"),
                    format!(
                        "{author} (arXiv) and {written} ({}) in {repo}",
                        if their_account.starts_with("git:") {
                            format!("git identity {their_account}")
                        } else {
                            format!("@{their_account}")
                        }
                    ),
                ];
                let confidence = if k == 1 {
                    0.6
                } else {
                    evidence.push(format!("{k} people of {repo} have this name: not unique"));
                    0.3 / k as f64
                };
                made.push((account.clone(), (*key).clone(), confidence, evidence));
            }
        }
        Ok(made)
    }

    /// Suggests the authors of `p` named like people of its linked repository.
    fn suggest(
        &mut self,
        load: &mut Batch<'_>,
        p: &Paper,
        authors: &[(String, String)],
    ) -> Result<(), StoreError> {
        let Some(code) = p.code_url() else {
            return Ok(());
        };
        let made = self.suggestions(&p.url(), &code, authors, |r| load.repo_people_named(r))?;
        for (account, person, confidence, evidence) in made {
            load.suggest(&account, &person, Method::PaperCode, confidence, &evidence);
            self.suggestions += 1;
        }
        Ok(())
    }
}

/// Adds a paper's contributions (and its author suggestions) to the batch.
pub fn load_paper(
    load: &mut Batch<'_>,
    p: &Paper,
    report: &mut ReadReport,
    linker: &mut Linker,
) -> Result<(), StoreError> {
    let (cs, nameless) = arxiv::contributions(p);
    for name in nameless {
        report.skip(
            "author without a name",
            format!("{}: author `{name}` has no letter or digit", p.id),
        );
    }
    *report.by_type.entry("paper".into()).or_default() += 1;
    if p.code_url().is_some() {
        *report
            .by_type
            .entry("paper linking code".into())
            .or_default() += 1;
    }
    let authors: Vec<(String, String)> = cs
        .iter()
        .map(|c| {
            let name = c.profile.as_ref().and_then(|p| p.name.clone());
            (c.actor.login.clone(), name.unwrap_or_default())
        })
        .collect();
    for c in cs {
        report.kept_kind(c.kind);
        load.add(&Record::Contribution(Box::new(c)))?;
    }
    linker.suggest(load, p, &authors)
}

/// Suggestions for every stored paper that links a repository, made now that the
/// repository may be in the store (a paper loaded before the history of the repository it
/// links got none). Only pairs with nothing stored yet are written, in one batch keyed by
/// them: a run that finds nothing new writes nothing. Returns how many were written.
pub fn relink(store: &mut Store) -> Result<u64, IngestError> {
    let papers = store.papers_with_code()?;
    let mut linker = Linker::default();
    let mut new: Vec<Suggestion> = Vec::new();
    for p in &papers {
        let made = linker.suggestions(&p.url, &p.code_url, &p.authors, |r| {
            store.repo_people_named(r)
        })?;
        for s in made {
            if !store.identity_link_exists(&s.0, &s.1)? {
                new.push(s);
            }
        }
    }
    if new.is_empty() {
        return Ok(0);
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (a, p, _, _) in &new {
        h.update(a.as_bytes());
        h.update(&[0]);
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    let checksum = format!("arxiv-links:xxh3-128:{:032x}", h.digest128());
    let mut report = ReadReport::new(Source::Arxiv);
    report.read = papers.len() as u64;
    report
        .by_type
        .insert("paper linking code".into(), papers.len() as u64);
    report
        .by_type
        .insert("author suggestion".into(), new.len() as u64);
    let mut load = store.begin()?;
    if load.loaded(&checksum)?.is_some() {
        return Ok(0);
    }
    for (account, person, confidence, evidence) in &new {
        load.suggest(account, person, Method::PaperCode, *confidence, evidence);
    }
    load.commit(
        &InputFile {
            source: Source::Arxiv,
            path: PathBuf::from("arxiv: author suggestions of stored papers"),
            size: 0,
            checksum,
        },
        &report,
    )?;
    Ok(new.len() as u64)
}

/// What `ingest arxiv --file` did.
#[derive(Debug, Default)]
pub struct FilesReport {
    pub report: IngestReport,
    /// Author ↔ person suggestions made.
    pub suggestions: u64,
}

/// Ingests Atom answers and JSON-lines snapshots (`.gz` too), one batch per file.
pub fn ingest_files(
    store: &mut Store,
    files: &[PathBuf],
    progress: &dyn Fn(&FileReport),
) -> Result<FilesReport, IngestError> {
    let mut out = FilesReport::default();
    let mut linker = Linker::default();
    for path in files {
        let outcome = ingest_file(store, path, &mut linker)?;
        let r = FileReport {
            path: path.clone(),
            outcome,
        };
        progress(&r);
        out.report.files.push(r);
    }
    out.suggestions = linker.suggestions;
    Ok(out)
}

fn ingest_file(
    store: &mut Store,
    path: &Path,
    linker: &mut Linker,
) -> Result<FileOutcome, IngestError> {
    let failed = |e: String| Ok(FileOutcome::Failed { error: e });
    let (size, checksum) = match crate::gharchive::checksum(path) {
        Ok(x) => x,
        Err(e) => return failed(format!("{}: {e}", path.display())),
    };
    if let Some(l) = store.loaded(&checksum)? {
        return Ok(FileOutcome::already(&l));
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return failed(format!("{}: {e}", path.display())),
    };
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let mut reader: Box<dyn BufRead> = if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    // Atom or JSON lines: the first character that is not white space says.
    let first = loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) => return failed(format!("{}: {e}", path.display())),
        };
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    let place = path.display().to_string();
    match first {
        None => return failed(format!("{place}: empty")),
        Some(b'<') => {}
        Some(_) => return ingest_lines(store, path, reader, size, checksum, linker),
    }
    let mut load = store.begin()?;
    if let Some(l) = load.loaded(&checksum)? {
        return Ok(FileOutcome::already(&l));
    }
    let mut report = ReadReport::new(Source::Arxiv);
    report.bytes = size;
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return failed(format!("{place}: {e}"));
    }
    let feed = match atom::parse_feed(&bytes, &place) {
        Ok(f) => f,
        Err(e) => return failed(e.to_string()),
    };
    for entry in &feed.entries {
        report.read += 1;
        match entry {
            Ok(p) => load_paper(&mut load, p, &mut report, linker)?,
            Err(e) => report.skip("bad entry", e.to_string()),
        }
    }
    let summary = load.commit(
        &InputFile {
            source: Source::Arxiv,
            path: path.to_path_buf(),
            size,
            checksum,
        },
        &report,
    )?;
    Ok(FileOutcome::Loaded { summary, report })
}

/// Papers per transaction of a JSON-lines snapshot (millions of lines): memory stays flat.
pub const LINES_PER_BATCH: usize = 20_000;

/// A JSON-lines snapshot, [`LINES_PER_BATCH`] papers per batch. Each batch but the last is an
/// input of its own (`<checksum>:part<N>`), the last one is the file's: a killed run reads the
/// file again and skips the parts already loaded; a loaded file is not read at all.
fn ingest_lines(
    store: &mut Store,
    path: &Path,
    reader: Box<dyn BufRead>,
    size: u64,
    checksum: String,
    linker: &mut Linker,
) -> Result<FileOutcome, IngestError> {
    let place = path.display().to_string();
    let mut total = ReadReport::new(Source::Arxiv);
    total.bytes = size;
    let mut summary = builtby_store::LoadSummary::default();
    let mut part = 0u64;
    let mut pending: Vec<Result<Paper, arxiv::EntryError>> = Vec::new();
    let mut err: Option<StoreError> = None;
    let mut flush = |store: &mut Store,
                     pending: &mut Vec<Result<Paper, arxiv::EntryError>>,
                     last: Option<Option<String>>|
     -> Result<(), StoreError> {
        part += 1;
        let key = match last {
            Some(_) => checksum.clone(),
            None => format!("{checksum}:part{part}"),
        };
        let mut report = ReadReport::new(Source::Arxiv);
        report.ended_early = last.flatten();
        let mut load = store.begin()?;
        let skip = load.loaded(&key)?.is_some();
        for entry in pending.drain(..) {
            report.read += 1;
            if skip {
                continue;
            }
            match entry {
                Ok(p) => load_paper(&mut load, &p, &mut report, linker)?,
                Err(e) => report.skip("bad line", e.to_string()),
            }
        }
        total.read += report.read;
        if skip {
            return Ok(());
        }
        for (k, v) in &report.by_type {
            *total.by_type.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &report.by_kind {
            *total.by_kind.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &report.skipped {
            *total.skipped.entry(k.clone()).or_default() += v;
        }
        for m in &report.messages {
            if total.messages.len() < builtby_model::report::MAX_MESSAGES {
                total.messages.push(m.clone());
            }
        }
        let s = load.commit(
            &InputFile {
                source: Source::Arxiv,
                path: path.to_path_buf(),
                size,
                checksum: key,
            },
            &report,
        )?;
        summary.new_contributions += s.new_contributions;
        summary.duplicates += s.duplicates;
        Ok(())
    };
    let read = snapshot::read_lines(reader, |entry| {
        if err.is_some() {
            return;
        }
        pending.push(entry);
        if pending.len() >= LINES_PER_BATCH {
            if let Err(e) = flush(store, &mut pending, None) {
                err = Some(e);
            }
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    let ended = read
        .err()
        .map(|(line, e)| format!("{place}: line {line}: {e}"));
    flush(store, &mut pending, Some(ended.clone()))?;
    total.ended_early = ended;
    Ok(FileOutcome::Loaded {
        summary,
        report: total,
    })
}

/// What to crawl.
#[derive(Debug, Clone)]
pub struct CrawlPlan {
    pub categories: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days per window (one query, paged).
    pub window_days: u32,
    /// Today (UTC): windows within [`SETTLE_DAYS`] of it are never marked done.
    pub today: NaiveDate,
}

/// What a crawl did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CrawlReport {
    /// Windows read to their end before this run: not asked again.
    pub windows_already_done: u64,
    /// Windows read to their end in this run.
    pub windows_read: u64,
    pub pages_loaded: u64,
    /// Pages holding exactly what an earlier run loaded.
    pub pages_unchanged: u64,
    pub papers: u64,
    pub bad_entries: u64,
    pub new_contributions: u64,
    pub suggestions: u64,
    pub requests: u64,
    pub retries: u64,
    /// Why the crawl stopped early (the cursors keep what was loaded).
    pub error: Option<String>,
}

/// The input key of a page: its query and what it holds (ids at their versions and dates).
fn page_key(category: &str, window: &Window, start: u64, papers: &[&Paper]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in papers {
        h.update(p.id.as_bytes());
        h.update(&p.version.unwrap_or(0).to_le_bytes());
        h.update(&p.updated.unwrap_or(p.published).to_le_bytes());
        h.update(&[0]);
    }
    format!(
        "arxiv-api:{category}:{}:{start}:xxh3-128:{:032x}",
        window.label(),
        h.digest128()
    )
}

/// Reads every window of every category, page by page, each page loaded with its cursor.
/// Stops at the first request that fails after its retries (`error` says which); what was
/// loaded stays, and the next run resumes at that page.
pub fn crawl(
    store: &mut Store,
    client: &Client,
    plan: &CrawlPlan,
    progress: &dyn Fn(&str),
) -> Result<CrawlReport, IngestError> {
    let mut out = CrawlReport::default();
    let mut linker = Linker::default();
    let settled = plan.today - chrono::Duration::days(SETTLE_DAYS);
    let all = windows(plan.from, plan.to, plan.window_days);
    'categories: for category in &plan.categories {
        for w in &all {
            let label = w.label();
            let cursor = store.arxiv_cursor(category, &label)?;
            if cursor.is_some_and(|c| c.done) {
                out.windows_already_done += 1;
                continue;
            }
            let mut start = cursor.map_or(0, |c| c.next_start);
            loop {
                let feed = match client.page(category, w, start) {
                    Ok(f) => f,
                    Err(e) => {
                        out.error = Some(e.to_string());
                        break 'categories;
                    }
                };
                let n = feed.entries.len() as u64;
                let total = feed.total_results.unwrap_or(start + n);
                let next = start + n;
                let end = n == 0 || next >= total;
                let stable = w.to < settled;
                let c = ArxivCursor {
                    next_start: if end && !stable { 0 } else { next },
                    total: Some(total),
                    done: end && stable,
                };
                let papers: Vec<&Paper> = feed
                    .entries
                    .iter()
                    .filter_map(|e| e.as_ref().ok())
                    .collect();
                let key = page_key(category, w, start, &papers);
                if n == 0 {
                    store.set_arxiv_cursor(category, &label, &c)?;
                } else if store.loaded(&key)?.is_some() {
                    out.pages_unchanged += 1;
                    store.set_arxiv_cursor(category, &label, &c)?;
                } else {
                    let mut report = ReadReport::new(Source::Arxiv);
                    let mut load = store.begin()?;
                    for entry in &feed.entries {
                        report.read += 1;
                        match entry {
                            Ok(p) => load_paper(&mut load, p, &mut report, &mut linker)?,
                            Err(e) => {
                                out.bad_entries += 1;
                                report.skip("bad entry", e.to_string());
                            }
                        }
                    }
                    load.set_arxiv_cursor(category, &label, &c)?;
                    let summary = load.commit(
                        &InputFile {
                            source: Source::Arxiv,
                            path: PathBuf::from(client.query_url(category, w, start)),
                            size: 0,
                            checksum: key,
                        },
                        &report,
                    )?;
                    out.pages_loaded += 1;
                    out.new_contributions += summary.new_contributions;
                }
                out.papers += papers.len() as u64;
                progress(&format!(
                    "arxiv: {category} {label}: {}–{} of {total}",
                    start + 1.min(n),
                    next
                ));
                if end {
                    out.windows_read += 1;
                    break;
                }
                start = next;
            }
        }
    }
    let s = client.stats();
    out.requests = s.requests;
    out.retries = s.retries;
    out.suggestions = linker.suggestions;
    Ok(out)
}

/// Today's date, UTC.
pub fn today() -> NaiveDate {
    chrono::DateTime::from_timestamp(time::now(), 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}
