//! The Hugging Face Hub into the store: a dump (`--from-dir`: a folder, a `.tar.zst` or JSON
//! records) in one transaction, or the API, one transaction per page of an author's models.
//!
//! Each model is one `model` contribution credited to `hf:<author>` (see
//! [`builtby_sources::huggingface`]). Organisations' models and bot-generated families are
//! stored too, but their accounts are marked *not a person* with the reason, so no person is
//! credited: search, exports and people counts leave them out. A card that links a GitHub
//! profile gives an identity *suggestion* (`profile_link`), never a link: a card may well link
//! a collaborator's profile.
//!
//! Everything goes through the store's one write path. A dump's input key is its checksum (and
//! the organisations named with `--org`, which change what it means); an API page's is the
//! author and a checksum of what the page would store. So a re-run of the same input changes
//! nothing, and a crawl cut at any point resumes: pages stored before are found in the ingest
//! log (their requests answered 304 from the HTTP cache), and keys make any re-load idempotent.

use crate::{FileOutcome, FileReport, IngestError};
use builtby_model::{Kind, ReadReport, Record, Source};
use builtby_sources::github_api::Cache;
use builtby_sources::huggingface::{
    self as hf, accounts, api::Client, crawl, dump, AccountKind, Accounts, Converted,
};
use builtby_store::identity::Method;
use builtby_store::{Batch, InputFile, Store};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// Who the models of a run were credited to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accounted {
    /// People (`hf:<author>`) and their models.
    pub people: BTreeMap<String, u64>,
    /// Authors that are not people, their models and why.
    pub not_people: BTreeMap<String, (u64, AccountKind, &'static str)>,
    /// `(account, GitHub login)` suggestions recorded from cards.
    pub suggestions: BTreeSet<(String, String)>,
}

impl Accounted {
    /// Adds another run's (or page's) accounting to this one.
    pub fn merge(&mut self, other: Accounted) {
        for (k, n) in other.people {
            *self.people.entry(k).or_default() += n;
        }
        for (k, (n, kind, why)) in other.not_people {
            self.not_people.entry(k).or_insert((0, kind, why)).0 += n;
        }
        self.suggestions.extend(other.suggestions);
    }

    pub fn models(&self) -> u64 {
        self.people.values().sum::<u64>() + self.not_people.values().map(|v| v.0).sum::<u64>()
    }
}

/// Loads models into a batch: classifies their authors, marks the accounts that are not
/// people, records card suggestions.
struct Loader<'a> {
    accounts: &'a Accounts,
    /// Authors already marked in this batch.
    marked: HashSet<String>,
    done: Accounted,
}

impl<'a> Loader<'a> {
    fn new(accounts: &'a Accounts) -> Loader<'a> {
        Loader {
            accounts,
            marked: HashSet::new(),
            done: Accounted::default(),
        }
    }

    fn add(
        &mut self,
        load: &mut Batch<'_>,
        report: &mut ReadReport,
        converted: &Converted,
    ) -> Result<(), builtby_store::StoreError> {
        let c = &converted.contribution;
        let author = c.actor.login.trim_start_matches("hf:").to_string();
        load.add(&Record::Contribution(Box::new(c.clone())))?;
        report.kept_kind(Kind::Model);
        match self.accounts.classify(&author) {
            (AccountKind::Person, _) => {
                *self.done.people.entry(c.actor.login.clone()).or_default() += 1;
                for login in &converted.github_profiles {
                    let pair = (c.actor.login.clone(), login.clone());
                    if self.done.suggestions.insert(pair) {
                        let evidence =
                            format!("{}: the model card links github.com/{login}", c.link());
                        load.hint_with(&c.actor.login, login, Method::ProfileLink, &evidence);
                    }
                }
            }
            (kind, why) => {
                let why = why.unwrap_or(accounts::NAMED_ORG);
                if self.marked.insert(author.to_ascii_lowercase()) {
                    load.not_a_person(&c.actor, c.at, why)?;
                }
                let kind_name = match kind {
                    AccountKind::Bot => "bot-generated model",
                    _ => "organisation model",
                };
                *report.by_type.entry(kind_name.into()).or_default() += 1;
                self.done
                    .not_people
                    .entry(c.actor.login.clone())
                    .or_insert((0, kind, why))
                    .0 += 1;
            }
        }
        Ok(())
    }
}

// ---- dumps -------------------------------------------------------------------------------

/// What `--from-dir` did.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpReport {
    pub file: FileReport,
    pub accounted: Accounted,
}

/// Loads a dump in one transaction. `orgs` are authors named with `--org` (organisations,
/// besides the shipped list). `progress(models)` follows the records read.
pub fn ingest_dump(
    store: &mut Store,
    path: &Path,
    orgs: &[String],
    progress: &dyn Fn(u64),
) -> Result<DumpReport, IngestError> {
    let done = |outcome, accounted| DumpReport {
        file: FileReport {
            path: path.to_path_buf(),
            outcome,
        },
        accounted,
    };
    let (size, sum) = match dump::checksum(path) {
        Ok(x) => x,
        Err(e) => {
            return Ok(done(
                FileOutcome::Failed {
                    error: e.to_string(),
                },
                Accounted::default(),
            ))
        }
    };
    let mut named: Vec<String> = orgs.iter().map(|o| o.to_ascii_lowercase()).collect();
    named.sort();
    named.dedup();
    let key = if named.is_empty() {
        format!("huggingface:dump:{sum}")
    } else {
        format!("huggingface:dump:{sum}:orgs={}", named.join(","))
    };
    if let Some(l) = store.loaded(&key)? {
        return Ok(done(FileOutcome::already(&l), Accounted::default()));
    }
    let mut accounts = Accounts::shipped();
    for o in orgs {
        accounts.add_org(o, accounts::NAMED_ORG);
    }
    let mut load = store.begin()?;
    if let Some(l) = load.loaded(&key)? {
        return Ok(done(FileOutcome::already(&l), Accounted::default()));
    }
    let mut loader = Loader::new(&accounts);
    let mut err: Option<builtby_store::StoreError> = None;
    let mut kept = ReadReport::new(Source::Huggingface);
    let mut n = 0u64;
    let read = dump::read(path, &mut |item| {
        n += 1;
        progress(n);
        if err.is_some() {
            return;
        }
        let converted = hf::contribution(&item.model, item.card.as_deref(), None);
        if let Err(e) = loader.add(&mut load, &mut kept, &converted) {
            err = Some(e);
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    let mut report = match read {
        Ok(r) => r,
        Err(e) => {
            return Ok(done(
                FileOutcome::Failed {
                    error: e.to_string(),
                },
                Accounted::default(),
            ))
        }
    };
    report.by_kind = kept.by_kind;
    for (k, v) in kept.by_type {
        report.by_type.insert(k, v);
    }
    let input = InputFile {
        source: Source::Huggingface,
        path: path.to_path_buf(),
        size,
        checksum: key,
    };
    let summary = load.commit(&input, &report)?;
    Ok(done(FileOutcome::Loaded { summary, report }, loader.done))
}

// ---- the API -----------------------------------------------------------------------------

/// What happened to one page of an author's models.
#[derive(Debug, Clone, PartialEq)]
pub struct PageDone {
    pub number: usize,
    pub models: usize,
    /// Stored now (`false`: the same page was stored before: nothing changed).
    pub stored: bool,
    pub new_contributions: u64,
    /// Nothing of the page was fetched anew (304s, and 404s for models without a card).
    pub cached: bool,
}

/// What a crawl did for one author.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorCrawl {
    pub author: String,
    /// What the Hub (or `--org`, or the shipped list) says the author is.
    pub kind: Option<AccountKind>,
    pub fullname: Option<String>,
    pub stats: Option<crawl::CrawlStats>,
    /// Why the crawl stopped early (pages stored before it are kept; rerun to continue).
    pub error: Option<String>,
    pub pages: Vec<PageDone>,
    pub new_contributions: u64,
    /// Models already stored, brought up to date (downloads, likes, card).
    pub updated: u64,
    pub requests: u64,
    pub not_modified: u64,
    pub accounted: Accounted,
}

/// Crawls each author's models (see [`crawl`]). `orgs` are authors named with `--org`;
/// `on_page(author, page)` follows the pages as they are stored.
pub fn crawl_authors(
    store: &mut Store,
    client: &Client,
    cache: &dyn Cache,
    authors: &[String],
    orgs: &[String],
    on_page: &mut dyn FnMut(&str, &PageDone),
) -> Result<Vec<AuthorCrawl>, IngestError> {
    let shipped = Accounts::shipped();
    // organisations the Hub named in this run (a user's `orgs`, an organisation overview)
    let mut seen_orgs = Accounts::none();
    let mut out = Vec::new();
    for author in authors {
        let start = client.stats();
        let mut done = AuthorCrawl {
            author: author.clone(),
            kind: None,
            fullname: None,
            stats: None,
            error: None,
            pages: Vec::new(),
            new_contributions: 0,
            updated: 0,
            requests: 0,
            not_modified: 0,
            accounted: Accounted::default(),
        };
        let finish = |mut d: AuthorCrawl, out: &mut Vec<AuthorCrawl>| {
            let s = client.stats();
            d.requests = s.requests - start.requests;
            d.not_modified = s.not_modified - start.not_modified;
            out.push(d);
        };
        let declared = orgs.iter().any(|o| o.eq_ignore_ascii_case(author));
        let overview = match crawl::overview(client, cache, author) {
            Ok(Some(o)) => o,
            Ok(None) => {
                done.error = Some(crawl::CrawlError::NotFound(author.clone()).to_string());
                finish(done, &mut out);
                continue;
            }
            Err(e) => {
                done.error = Some(e.to_string());
                finish(done, &mut out);
                continue;
            }
        };
        for o in &overview.orgs {
            seen_orgs.add_org(o, accounts::MEMBERS_ORG);
        }
        // A bot family is known only from the shipped list; otherwise the Hub says.
        let mut known = Accounts::none();
        let kind = match shipped.classify(author) {
            (AccountKind::Bot, _) => {
                known = shipped.clone();
                AccountKind::Bot
            }
            _ if declared => {
                known.add_org(author, accounts::NAMED_ORG);
                AccountKind::Organisation
            }
            _ if overview.kind == AccountKind::Organisation => {
                known.add_org(author, accounts::HUB_ORG);
                AccountKind::Organisation
            }
            _ => match seen_orgs.classify(author) {
                (AccountKind::Organisation, Some(why)) => {
                    known.add_org(author, why);
                    AccountKind::Organisation
                }
                _ => AccountKind::Person,
            },
        };
        done.kind = Some(kind);
        done.fullname = overview.fullname.clone();
        let fullname = overview.fullname.clone();
        let mut store_error: Option<IngestError> = None;
        let mut pages = Vec::new();
        let mut accounted = Accounted::default();
        let (mut new_contributions, mut updated) = (0u64, 0u64);
        let mut sink = |page: crawl::Page| -> Result<(), String> {
            match store_page(store, &page, &known, fullname.as_deref()) {
                Ok((p, a, dup)) => {
                    new_contributions += p.new_contributions;
                    updated += dup;
                    accounted.merge(a);
                    on_page(author, &p);
                    pages.push(p);
                    Ok(())
                }
                Err(e) => {
                    let msg = e.to_string();
                    store_error = Some(e);
                    Err(msg)
                }
            }
        };
        let r = crawl::crawl_models(client, cache, author, &mut sink);
        if let Some(e) = store_error {
            return Err(e);
        }
        match r {
            Ok(s) => done.stats = Some(s),
            Err(e) => done.error = Some(e.to_string()),
        }
        done.pages = pages;
        done.accounted = accounted;
        done.new_contributions = new_contributions;
        done.updated = updated;
        finish(done, &mut out);
    }
    Ok(out)
}

/// Stores one page in one transaction, unless the same page (the same author, the same
/// contributions and suggestions) is in the ingest log already. Returns what it did, who was
/// credited, and how many stored models it brought up to date.
fn store_page(
    store: &mut Store,
    page: &crawl::Page,
    accounts: &Accounts,
    fullname: Option<&str>,
) -> Result<(PageDone, Accounted, u64), IngestError> {
    let converted: Vec<Converted> = page
        .models
        .iter()
        .map(|(m, card)| hf::contribution(m, card.as_deref(), fullname))
        .collect();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(format!("{:?}", accounts.classify(&page.author)).as_bytes());
    for c in &converted {
        let json = serde_json::to_vec(&c.contribution).unwrap_or_default();
        h.update(&json);
        h.update(c.github_profiles.join(",").as_bytes());
        h.update(&[0]);
    }
    let key = format!(
        "huggingface:api:{}:xxh3-128:{:032x}",
        page.author.to_ascii_lowercase(),
        h.digest128()
    );
    let mut done = PageDone {
        number: page.number,
        models: converted.len(),
        stored: false,
        new_contributions: 0,
        cached: page.cached,
    };
    if store.loaded(&key)?.is_some() {
        return Ok((done, Accounted::default(), 0));
    }
    let mut load = store.begin()?;
    if load.loaded(&key)?.is_some() {
        return Ok((done, Accounted::default(), 0));
    }
    let mut report = page.report.clone();
    let mut loader = Loader::new(accounts);
    for c in &converted {
        loader.add(&mut load, &mut report, c)?;
    }
    let input = InputFile {
        source: Source::Huggingface,
        path: format!("{} (page {})", page.url, page.number).into(),
        size: 0,
        checksum: key,
    };
    let summary = load.commit(&input, &report)?;
    done.stored = true;
    done.new_contributions = summary.new_contributions;
    Ok((done, loader.done, summary.duplicates))
}

/// The authors of `hf:` accounts in the store that are linked to a person
/// (`ingest huggingface --linked`).
pub fn linked_authors(store: &Store) -> Result<Vec<String>, IngestError> {
    Ok(store
        .linked_accounts("hf:")?
        .into_iter()
        .map(|l| l.trim_start_matches("hf:").to_string())
        .collect())
}
