//! Shortlists as a recruiter sees them, their exports (builtby's CSV and JSON, and the
//! candidate-import spreadsheets of Greenhouse and Lever), and the import of the people
//! already in the company's applicant-tracking system (ATS).
//!
//! The store keeps lists and entries by natural keys (`builtby_store::shortlists`); here each
//! entry is joined to the person as loaded now (name, location, profile link, whether the ATS
//! has them) and, for exports, to the first line [`crate::outreach`] drafts for them, citing
//! work in the scope of the search they were added from.
//!
//! No export has an e-mail column: builtby never finds or stores one.

use crate::outreach::{self, FirstLine};
use crate::query::{Params, Query};
use crate::{Catalog, SearchError};
use builtby_model::{time, BotRules, Identity};
use builtby_store::shortlists::{Shortlist, ShortlistError, Status};
use builtby_store::Store;
use serde::Serialize;

/// One person on a list, joined to what is loaded about them now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortlistPerson {
    /// Their key now (current login), or the key stored when they are no longer loaded.
    pub person: String,
    pub display: String,
    pub name: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    /// Their public profile (github.com/<login>…); none for a git identity.
    pub profile_url: Option<String>,
    /// False when nobody by the stored key is loaded any more.
    pub in_store: bool,
    pub in_ats: bool,
    pub status: Status,
    pub note: String,
    /// The search they were added from (a query string), if any.
    pub search: Option<String>,
    pub added_at: String,
    pub added_by: String,
    pub updated_at: String,
    pub updated_by: String,
    /// In exports: the first line citing their work in that search's scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_line: Option<FirstLine>,
    /// In exports: why there is no first line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_line_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortlistView {
    pub name: String,
    pub search: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub people: Vec<ShortlistPerson>,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error(transparent)]
    Shortlist(#[from] ShortlistError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl From<builtby_store::StoreError> for WorkflowError {
    fn from(e: builtby_store::StoreError) -> Self {
        WorkflowError::Shortlist(ShortlistError::Store(e))
    }
}

/// A stored search (a query string, as the API takes it) as a [`Query`].
pub fn query_of(catalog: &Catalog, search: &str, now: i64) -> Result<Query, crate::QueryError> {
    let p: Params = form_urlencoded::parse(search.trim_start_matches('?').as_bytes()).collect();
    p.build(catalog, now)
}

/// A list with each person joined to what is loaded now; with `first_lines`, each also gets
/// the first line a draft would open with. `None` when there is no list by that name.
pub fn view(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    name: &str,
    first_lines: bool,
) -> Result<Option<ShortlistView>, WorkflowError> {
    let Some(list) = store.shortlist(name)? else {
        return Ok(None);
    };
    Ok(Some(join(store, catalog, bots, list, first_lines)?))
}

fn join(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    list: Shortlist,
    first_lines: bool,
) -> Result<ShortlistView, WorkflowError> {
    let ats = store.ats_logins()?;
    let now = time::now();
    let mut people = Vec::with_capacity(list.people.len());
    for e in list.people {
        // opt-out: an opted-out person is left out of every list view and export here.
        if store.is_suppressed(&e.person)? {
            continue;
        }
        let row = match store.person_by_login(&e.person)? {
            Some(id) => store.people(&[id])?.into_iter().next(),
            None => None,
        };
        let (key, in_ats) = match &row {
            Some(p) => (
                p.login.clone(),
                std::iter::once(&p.login)
                    .chain(&p.previous_logins)
                    .any(|l| ats.contains(&l.to_lowercase())),
            ),
            None => (e.person.clone(), ats.contains(&e.person.to_lowercase())),
        };
        let (first_line, first_line_error) = if first_lines && row.is_some() {
            let search = e.search.as_deref().or(list.search.as_deref());
            match search.map(|s| query_of(catalog, s, now)).transpose() {
                Err(err) => (
                    None,
                    Some(format!(
                        "the search it was added from no longer parses: {err}"
                    )),
                ),
                Ok(q) => {
                    let q = q.unwrap_or_default();
                    match outreach::first_line(store, catalog, bots, &key, &q) {
                        Ok(fl) => (Some(fl), None),
                        Err(err) => (None, Some(err.to_string())),
                    }
                }
            }
        } else if first_lines {
            (None, Some("no longer in the loaded data".to_string()))
        } else {
            (None, None)
        };
        people.push(ShortlistPerson {
            display: crate::display_name(&key, row.as_ref().and_then(|p| p.name.as_deref())),
            profile_url: Identity::parse(&key).profile_url(),
            name: row.as_ref().and_then(|p| p.name.clone()),
            location: row.as_ref().and_then(|p| p.location.clone()),
            company: row.as_ref().and_then(|p| p.company.clone()),
            in_store: row.is_some(),
            in_ats,
            person: key,
            status: e.status,
            note: e.note,
            search: e.search,
            added_at: e.added_at,
            added_by: e.added_by,
            updated_at: e.updated_at,
            updated_by: e.updated_by,
            first_line,
            first_line_error,
        });
    }
    Ok(ShortlistView {
        name: list.name,
        search: list.search,
        created_at: list.created_at,
        created_by: list.created_by,
        people,
    })
}

// ---- exports ----------------------------------------------------------------------------

/// What a list is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// builtby's own columns ([`CSV_HEADER`]).
    Csv,
    /// The list as [`ShortlistView`], first lines included.
    Json,
    /// Greenhouse Recruiting's bulk-import spreadsheet ([`GREENHOUSE_HEADER`]).
    Greenhouse,
    /// Lever's candidate-import spreadsheet ([`LEVER_HEADER`]).
    Lever,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["csv", "json", "greenhouse", "lever"];

    /// A format by name, any case; an unknown one is an error naming `format`.
    pub fn parse(s: &str) -> Result<Format, crate::QueryError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "greenhouse" => Ok(Format::Greenhouse),
            "lever" => Ok(Format::Lever),
            _ => Err(crate::QueryError {
                param: "format",
                message: format!(
                    "unknown export format `{s}`; known: {}",
                    Format::NAMES.join(", ")
                ),
            }),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            _ => "text/csv; charset=utf-8",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Format::Csv => ".csv",
            Format::Json => ".json",
            Format::Greenhouse => "-greenhouse.csv",
            Format::Lever => "-lever.csv",
        }
    }
}

/// builtby's own CSV: one row per person on the list.
pub const CSV_HEADER: [&str; 14] = [
    "shortlist",
    "login",
    "name",
    "status",
    "note",
    "profile_url",
    "location",
    "company",
    "in_ats",
    "added_at",
    "updated_at",
    "first_line",
    "link",
    "source",
];

/// Greenhouse Recruiting's bulk import (Configure → Bulk Import → Begin Prospect Import or
/// Begin Candidate Import, then "Download Import Template"), as documented in Greenhouse's
/// support articles "Bulk import prospects from spreadsheet"
/// (<https://support.greenhouse.io/hc/en-us/articles/203871039>) and "Bulk import candidates
/// from spreadsheet" (<https://support.greenhouse.io/hc/en-us/articles/360053674012>), read
/// December 2026. The prospect article lists the default fields a spreadsheet column is
/// mapped to: First Name, Last Name, Company, Title, Notes, Email, Phone, Social Media,
/// Website, Address, Source, Who gets credit, Job, Department, Office, Prospect Pool,
/// Prospect Stage; First Name and Last Name are required (the candidate import also requires
/// Job, which builtby cannot know: import as prospects, or add the column). Greenhouse maps
/// each column to a field in its "Map fields" step, so a header it does not recognise can
/// still be mapped by hand.
///
/// - `Social Media` holds the GitHub URL (Greenhouse's "social media links" field).
/// - `Address` holds the public profile location.
/// - `Source` is `builtby`: Greenhouse matches it to a source configured in the account.
/// - `Notes` holds the recruiter's note and the drafted first line with its link.
/// - `Tags`: **not confirmed** as an import column. Greenhouse has a "Candidate Tags" field
///   (support article "System Default Fields vs Custom Fields",
///   <https://support.greenhouse.io/hc/en-us/articles/360001421452>), but neither import
///   article lists tags among the fields a column maps to; how several tags are separated is
///   not documented either (comma here, as Lever does). Map it, or drop the column, in the
///   "Map fields" step.
/// - No `Email` column: builtby never finds or stores an e-mail address.
pub const GREENHOUSE_HEADER: [&str; 8] = [
    "First Name",
    "Last Name",
    "Company",
    "Address",
    "Social Media",
    "Source",
    "Tags",
    "Notes",
];

/// Lever's candidate import spreadsheet, as documented in Lever's help articles "How do I add
/// multiple / import many candidates?" (<https://help.lever.co/hc/en-us/articles/204498425>)
/// and "Bulk importing candidates" (<https://help.lever.co/hc/en-us/articles/20087301434013>),
/// read December 2026. The first names the columns that must be filled — `Full name`,
/// `Email`, `Lever Posting URL` (only when assigning a posting), `Stage`, `Sources`, `Origin`
/// (one of Applied, Sourced, Referred, University, Internal, Agency) — and says to separate
/// several links with a comma and a space, several tags and several sources with a comma and
/// no space, and to keep the template's headings as they are; it cites the stage `New Lead`.
///
/// - `Full name`, `Stage` (`New Lead`), `Sources` (`builtby`), `Origin` (`Sourced`): as named
///   in that article.
/// - `Links` (the GitHub URL, then the cited work's link), `Tags`, `Location`, `Note`:
///   **not confirmed** as the template's exact headings — the article speaks of links, tags
///   and a secret-note flag (`IsSecretNote`), and Lever's contact page has a location, but the
///   template itself (a downloadable file) was not available to read. Check them against the
///   template downloaded from your Lever account before importing.
/// - No `Email` column: builtby never finds or stores an e-mail address. (Lever uses e-mail
///   to catch duplicate profiles; the GitHub link in `Links` is the only identifier here.)
pub const LEVER_HEADER: [&str; 8] = [
    "Full name",
    "Location",
    "Links",
    "Tags",
    "Sources",
    "Origin",
    "Stage",
    "Note",
];

/// A list exported: the file's name, its type and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub format: Format,
    pub filename: String,
    pub content_type: &'static str,
    pub body: String,
    /// People in it.
    pub people: usize,
}

/// `builtby shortlist export NAME --format …` and `GET /api/shortlists/{name}/export`: the one
/// way a list leaves builtby. `by` is who asked.
pub fn export(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    name: &str,
    format: Format,
    by: &str,
) -> Result<Exported, WorkflowError> {
    let Some(v) = view(store, catalog, bots, name, true)? else {
        return Err(ShortlistError::NoList(name.trim().to_string()).into());
    };
    // audit: the callers log `shortlist.export` {list, format} with the people exported
    // (the server's store is read-only here: its one audit writer does it).
    let _ = by;
    let body = match format {
        Format::Json => serde_json::to_string_pretty(&v).expect("a view serialises") + "\n",
        Format::Csv => csv_text(
            CSV_HEADER.as_slice(),
            v.people.iter().map(|p| own_row(&v, p)),
        ),
        Format::Greenhouse => csv_text(
            GREENHOUSE_HEADER.as_slice(),
            v.people.iter().map(|p| greenhouse_row(&v, p)),
        ),
        Format::Lever => csv_text(
            LEVER_HEADER.as_slice(),
            v.people.iter().map(|p| lever_row(&v, p)),
        ),
    };
    let stem: String = v
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Ok(Exported {
        format,
        filename: format!("builtby-{stem}{}", format.suffix()),
        content_type: format.content_type(),
        body,
        people: v.people.len(),
    })
}

/// CSV text. Each field is scrubbed of e-mail-like words on its own
/// ([`builtby_model::scrub_emails`]): scrubbing the joined row instead would take a row's
/// fields run together (`(@ana),,https://github.com/ana`) for an address.
fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut buf = Vec::new();
    let mut w = crate::export::CsvWriter { w: &mut buf };
    // Writing to memory cannot fail.
    let _ = w.row(header.iter().map(|s| s.to_string()));
    for r in rows {
        let _ = w.row(
            r.into_iter()
                .map(|f| builtby_model::scrub_emails(&f).into_owned()),
        );
    }
    String::from_utf8(buf).expect("UTF-8 in, UTF-8 out")
}

fn github_url(p: &ShortlistPerson) -> String {
    p.profile_url.clone().unwrap_or_default()
}

/// Tags: the list, the status, and builtby. Commas separate tags in both ATSes, so none is
/// kept inside one.
fn tags(v: &ShortlistView, p: &ShortlistPerson) -> String {
    [
        "builtby".to_string(),
        v.name.replace(',', " "),
        format!("builtby-{}", p.status),
    ]
    .join(",")
}

/// The note and the first line, one line of text.
fn notes(p: &ShortlistPerson) -> String {
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut parts = Vec::new();
    if !p.note.trim().is_empty() {
        parts.push(one_line(&p.note));
    }
    if let Some(fl) = &p.first_line {
        parts.push(format!(
            "First line (builtby draft): {} {}",
            fl.line, fl.link
        ));
    }
    parts.push(format!("Status in builtby: {}", p.status));
    parts.join(" — ")
}

fn own_row(v: &ShortlistView, p: &ShortlistPerson) -> Vec<String> {
    vec![
        v.name.clone(),
        p.person.clone(),
        p.name.clone().unwrap_or_default(),
        p.status.to_string(),
        p.note.clone(),
        github_url(p),
        p.location.clone().unwrap_or_default(),
        p.company.clone().unwrap_or_default(),
        p.in_ats.to_string(),
        p.added_at.clone(),
        p.updated_at.clone(),
        p.first_line
            .as_ref()
            .map(|f| f.line.clone())
            .unwrap_or_default(),
        p.first_line
            .as_ref()
            .map(|f| f.link.clone())
            .unwrap_or_default(),
        "builtby".into(),
    ]
}

/// First and last name for ATSes that need both: the public name's first word and the rest;
/// with a one-word name or none, `(@login)` is the last name (both fields are required).
fn split_name(p: &ShortlistPerson) -> (String, String) {
    let login = Identity::parse(&p.person);
    let handle = if login.is_github() {
        format!("(@{})", p.person)
    } else {
        format!("({})", login.namespace.label())
    };
    let name = p.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    match name.map(|n| n.split_once(char::is_whitespace)) {
        Some(Some((first, rest))) if !rest.trim().is_empty() => {
            (first.to_string(), rest.trim().to_string())
        }
        Some(_) => (name.unwrap_or_default().to_string(), handle),
        None => (p.display.clone(), handle),
    }
}

fn greenhouse_row(v: &ShortlistView, p: &ShortlistPerson) -> Vec<String> {
    let (first, last) = split_name(p);
    vec![
        first,
        last,
        p.company.clone().unwrap_or_default(),
        p.location.clone().unwrap_or_default(),
        github_url(p),
        "builtby".into(),
        tags(v, p),
        notes(p),
    ]
}

fn lever_row(v: &ShortlistView, p: &ShortlistPerson) -> Vec<String> {
    let full = p
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| p.display.clone());
    let mut links = vec![github_url(p)];
    if let Some(fl) = &p.first_line {
        links.push(fl.link.clone());
    }
    links.retain(|l| !l.is_empty());
    vec![
        full,
        p.location.clone().unwrap_or_default(),
        links.join(", "),
        tags(v, p),
        "builtby".into(),
        "Sourced".into(),
        "New Lead".into(),
        notes(p),
    ]
}

// ---- ATS import -------------------------------------------------------------------------

/// A row of an ATS export that named a GitHub account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtsRow {
    /// The file's line the row starts on (the header is line 1).
    pub line: u64,
    pub login: String,
}

/// What an ATS export held: the rows naming a GitHub account, and those that named none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AtsParsed {
    pub rows: usize,
    pub found: Vec<AtsRow>,
    /// Lines of rows with no GitHub URL or login.
    pub no_github: Vec<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum AtsError {
    #[error("{file}: line {line}: not CSV: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    #[error(
        "{file}: no candidate rows: an ATS export has a header line, then one candidate a line"
    )]
    Empty { file: String },
    #[error(transparent)]
    Store(#[from] ShortlistError),
}

/// Headers (compared without case, spaces, `_` or `-`) of columns that hold a GitHub login.
const LOGIN_COLUMNS: [&str; 6] = [
    "login",
    "github",
    "githublogin",
    "githubusername",
    "githubhandle",
    "githubuser",
];

/// github.com paths that are not accounts.
const NOT_ACCOUNTS: [&str; 12] = [
    "orgs",
    "features",
    "about",
    "pricing",
    "sponsors",
    "topics",
    "collections",
    "marketplace",
    "settings",
    "login",
    "join",
    "enterprise",
];

fn valid_login(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 39
        && !s.starts_with('-')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The account a profile link in `text` names (`https://github.com/ana`, `github.com/ana/`),
/// not a repository's owner (`github.com/ana/tool`).
pub fn github_login_in(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("github.com/") {
        let start = from + i + "github.com/".len();
        from = start;
        // not `gist.github.com/`, nor `api.github.com/`
        let before = &lower[..start - "github.com/".len()];
        if before.ends_with('.') && !before.ends_with("www.") {
            continue;
        }
        let rest = &text[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let login = &rest[..end];
        let after = &rest[end..];
        let tail_ok = match after.chars().next() {
            None => true,
            Some('/') => after[1..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || ",;)\"'?#".contains(c)),
            Some(c) => c.is_whitespace() || ",;)\"'?#".contains(c),
        };
        if tail_ok
            && valid_login(login)
            && !NOT_ACCOUNTS.contains(&login.to_ascii_lowercase().as_str())
        {
            return Some(login.to_string());
        }
    }
    None
}

/// The GitHub accounts an ATS export names, one per row: from a login column (`GitHub`,
/// `GitHub username`, `login`…) when it has one, else from a github.com profile link in any
/// column. Nothing else of a row is kept.
pub fn parse_ats_csv(bytes: &[u8], file: &str) -> Result<AtsParsed, AtsError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let csv_err = |e: csv::Error| AtsError::Csv {
        file: file.to_string(),
        line: e.position().map_or(0, |p| p.line()),
        message: match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "not UTF-8 text (save it as CSV UTF-8)".into(),
            _ => e.to_string(),
        },
    };
    let headers = r.headers().map_err(csv_err)?.clone();
    if headers.is_empty() {
        return Err(AtsError::Empty {
            file: file.to_string(),
        });
    }
    let norm = |h: &str| -> String {
        h.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let login_cols: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| LOGIN_COLUMNS.contains(&norm(h).as_str()))
        .map(|(i, _)| i)
        .collect();
    let mut out = AtsParsed::default();
    for rec in r.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| line_at(bytes, p.byte()));
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.rows += 1;
        let from_column = login_cols.iter().find_map(|&i| {
            let v = rec.get(i)?.trim();
            github_login_in(v).or_else(|| {
                let v = v.trim_start_matches('@');
                valid_login(v).then(|| v.to_string())
            })
        });
        let login = from_column.or_else(|| rec.iter().find_map(github_login_in));
        match login {
            Some(login) => out.found.push(AtsRow { line, login }),
            None => out.no_github.push(line),
        }
    }
    if out.rows == 0 {
        return Err(AtsError::Empty {
            file: file.to_string(),
        });
    }
    Ok(out)
}

/// The line a record starting at byte `at` is on. (The csv reader's own line number counts
/// from the blank lines it skipped before the record.)
fn line_at(bytes: &[u8], at: u64) -> u64 {
    let at = (at as usize).min(bytes.len());
    let before = bytes[..at].iter().filter(|b| **b == b'\n').count();
    let blank = bytes[at..]
        .iter()
        .take_while(|b| **b == b'\n' || **b == b'\r')
        .filter(|b| **b == b'\n')
        .count();
    (1 + before + blank) as u64
}

/// What `ats import` did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AtsReport {
    /// Candidate rows read (blank rows left out).
    pub rows: usize,
    /// GitHub accounts stored as "in the ATS".
    pub stored: usize,
    /// Stored before and removed (`replace`).
    pub removed: usize,
    /// Rows that matched someone loaded: `(line, login)`.
    pub matched: Vec<AtsRow>,
    /// Rows naming an account nobody loaded has (stored all the same: marked once ingested).
    pub not_loaded: Vec<AtsRow>,
    /// Lines of rows with no GitHub URL or login: they matched nothing.
    pub no_github: Vec<u64>,
}

/// `builtby ats import FILE` and `POST /api/ats/import`: reads the export, stores the GitHub
/// accounts it names (with `file:line`, nothing else) and reports the rows that matched
/// nothing, by line.
pub fn import_ats(
    store: &mut Store,
    bytes: &[u8],
    file: &str,
    replace: bool,
    by: &str,
) -> Result<AtsReport, AtsError> {
    let parsed = parse_ats_csv(bytes, file)?;
    let mut report = AtsReport {
        rows: parsed.rows,
        no_github: parsed.no_github,
        ..Default::default()
    };
    let mut logins = Vec::new();
    for row in parsed.found {
        logins.push((row.login.clone(), format!("{file}:{}", row.line)));
        match store
            .person_key(&row.login)
            .map_err(ShortlistError::Store)?
        {
            Some(_) => report.matched.push(row),
            None => report.not_loaded.push(row),
        }
    }
    // audit: the one write of an ATS import is `Store::ats_import`.
    let s = store.ats_import(&logins, replace, by)?;
    report.stored = s.stored;
    report.removed = s.removed;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_links_name_accounts_not_repositories() {
        for (text, want) in [
            ("https://github.com/ana", Some("ana")),
            ("http://www.github.com/Ana-Lima/", Some("Ana-Lima")),
            ("github.com/ana?tab=repositories", Some("ana")),
            (
                "LinkedIn: x, GitHub: https://github.com/bo-1, site",
                Some("bo-1"),
            ),
            ("https://github.com/ana/tool", None),
            ("https://gist.github.com/ana", None),
            ("https://github.com/orgs/pytorch", None),
            ("https://github.com/", None),
            ("ana@example.com", None),
        ] {
            assert_eq!(github_login_in(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn ats_rows_are_read_by_column_or_link_and_report_lines() {
        let csv = "\u{feff}First Name,Last Name,Email,GitHub,Social Media\n\
                   Ana,Lima,ana@example.com,@ana,\n\
                   Bo,Chen,bo@example.com,,\"https://linkedin.com/in/bo, https://github.com/bo\"\n\
                   \n\
                   Cy,Dee,cy@example.com,,https://github.com/cy/repo\n\
                   Di,Eve,,https://github.com/di-e,\n";
        let p = parse_ats_csv(csv.as_bytes(), "pipeline.csv").unwrap();
        assert_eq!(p.rows, 4);
        let found: Vec<(u64, &str)> = p.found.iter().map(|r| (r.line, r.login.as_str())).collect();
        assert_eq!(found, [(2, "ana"), (3, "bo"), (6, "di-e")]);
        assert_eq!(p.no_github, [5]);
        let e = parse_ats_csv(b"", "empty.csv").unwrap_err();
        assert!(e.to_string().contains("empty.csv"), "{e}");
    }

    #[test]
    fn names_split_for_ats_that_need_two() {
        let p = |name: Option<&str>| ShortlistPerson {
            person: "ana".into(),
            display: "ana".into(),
            name: name.map(String::from),
            location: None,
            company: None,
            profile_url: Some("https://github.com/ana".into()),
            in_store: true,
            in_ats: false,
            status: Status::New,
            note: String::new(),
            search: None,
            added_at: String::new(),
            added_by: String::new(),
            updated_at: String::new(),
            updated_by: String::new(),
            first_line: None,
            first_line_error: None,
        };
        assert_eq!(
            split_name(&p(Some("Ana de Lima"))),
            ("Ana".into(), "de Lima".into())
        );
        assert_eq!(split_name(&p(Some("Ana"))), ("Ana".into(), "(@ana)".into()));
        assert_eq!(split_name(&p(None)), ("ana".into(), "(@ana)".into()));
        assert_eq!(Format::parse("GreenHouse").unwrap(), Format::Greenhouse);
        assert_eq!(Format::parse("xlsx").unwrap_err().param, "format");
    }
}
