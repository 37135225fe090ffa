//! Outreach: a first line that cites a person's own work, and a short draft around it.
//!
//! The data flow is the search's: the same [`Query`] gives the same store scope
//! ([`crate::run::scope`]), restricted to one person; their evidence in that scope is read
//! strongest first, and [`first_line`] picks the most specific, recent piece of work to cite:
//! a merged PR before a substantive review (quoted), a model (its downloads), a paper, a
//! Kaggle result, a commit, anything else with a link. The repository area is named in the
//! words a person uses — the catalog's project and area names ("PyTorch's distributed
//! training"), never a folder path.
//!
//! [`draft`] puts the line into the team's template ([`Template`]): the company's problem
//! first, then why this person (the cited work), then an ask.
//!
//! builtby never finds or stores an e-mail address and never sends anything: a draft is text
//! to copy.

use crate::query::Query;
use crate::results::Evidence;
use crate::run::{scope, SearchError};
use crate::{Catalog, EVIDENCE_ORDER};
use builtby_model::{time, BotRules, Kind};
use builtby_store::{EvidenceQuery, Store};
use serde::Serialize;
use std::path::Path;

/// Evidence lines looked at per person: the strongest first, so the best candidates are in.
const LOOK_AT: u32 = 200;

/// The shipped template, for teams without their own.
pub const SHIPPED_TEMPLATE: &str = include_str!("../../templates/outreach.txt");

/// Every placeholder a template may use, with what it holds.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("first_line", "The sentence citing the person's work: \"I saw your PR to PyTorch's distributed training (#123, 'Add …', merged March 2026).\""),
    ("cite", "The same citation without \"I saw\" and the full stop: \"your PR to PyTorch's distributed training (#123, …)\"."),
    ("link", "The link to the cited work (the PR, review, model, paper…)."),
    ("problem", "The company's problem, as given with --problem (a bracketed reminder when none was given)."),
    ("name", "The person's public name, else their login."),
    ("first_name", "The first word of the public name, else the login."),
    ("login", "The GitHub login or account shown (`Name (git)` for a git identity)."),
    ("place", "The project and area of the cited work: \"PyTorch's distributed training\"."),
    ("title", "The cited work's title, when it has one."),
    ("when", "The month of the cited work: \"March 2026\"."),
];

/// What `{problem}` becomes when no problem was given: a reminder, never a guess.
pub const NO_PROBLEM: &str =
    "[One or two sentences on the problem your team is working on: lead with it, not with the job title or pay.]";

/// The kind of citation a first line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    MergedPr,
    Review,
    Model,
    Paper,
    Kaggle,
    Commit,
    Other,
}

impl Variant {
    fn of(e: &Evidence) -> Option<Variant> {
        Some(match e.kind {
            Kind::PrMerged => Variant::MergedPr,
            Kind::Review | Kind::ReviewComment if quoted_words(e).is_some() => Variant::Review,
            Kind::Model => Variant::Model,
            Kind::Paper => Variant::Paper,
            Kind::KaggleMedal | Kind::KaggleTier | Kind::Notebook => Variant::Kaggle,
            Kind::Commit | Kind::CoAuthored | Kind::PrCommit => Variant::Commit,
            // The same PR as its pr_merged row; a push or a grant says nothing to cite.
            Kind::PrRevised | Kind::Push | Kind::MemberAdded => return None,
            _ => Variant::Other,
        })
    }

    fn plural(self) -> &'static str {
        match self {
            Variant::MergedPr => "merged PRs",
            Variant::Review => "substantive reviews",
            Variant::Model => "models",
            Variant::Paper => "papers",
            Variant::Kaggle => "Kaggle results",
            Variant::Commit => "commits",
            Variant::Other => "other work",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Variant::MergedPr => "a merged PR",
            Variant::Review => "a substantive review",
            Variant::Model => "a model",
            Variant::Paper => "a paper",
            Variant::Kaggle => "a Kaggle result",
            Variant::Commit => "a commit",
            Variant::Other => "other work",
        }
    }
}

/// The line that opens a message, and what it cites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstLine {
    /// The person's key (GitHub login or account key).
    pub login: String,
    pub display: String,
    pub name: Option<String>,
    pub variant: Variant,
    /// "I saw your PR to PyTorch's distributed training (#123, 'Add …', merged March 2026)."
    pub line: String,
    /// The citation alone: "your PR to PyTorch's distributed training (#123, …)".
    pub cite: String,
    /// The cited work's link.
    pub link: String,
    /// "PyTorch's distributed training".
    pub place: String,
    /// Why this piece of work was chosen, in words.
    pub why: String,
    /// Pieces of work in scope that were looked at.
    pub considered: usize,
    /// The evidence cited, as the search shows it.
    pub evidence: Evidence,
}

/// A short message to copy: never sent, never addressed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub first_line: FirstLine,
    pub problem: Option<String>,
    /// Where the template came from: `shipped` or its file.
    pub template: String,
    pub text: String,
    /// What builtby does not do.
    pub note: &'static str,
}

/// Said with every draft.
pub const NOT_SENT: &str = "builtby never finds or stores an e-mail address and never sends anything: copy the draft into your own mail.";

#[derive(Debug, thiserror::Error)]
pub enum OutreachError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("nobody with the login or account `{0}` is in the loaded data")]
    UnknownPerson(String),
    #[error("{0} is not counted as a person ({1}): builtby drafts no message to it")]
    NotAPerson(String, String),
    #[error("{person} has no work with a link in {scope}; widen the search or draft from their whole record")]
    NoWork { person: String, scope: String },
    #[error(transparent)]
    Template(#[from] TemplateError),
}

impl From<builtby_store::StoreError> for OutreachError {
    fn from(e: builtby_store::StoreError) -> Self {
        OutreachError::Search(SearchError::Store(e))
    }
}

impl From<crate::QueryError> for OutreachError {
    fn from(e: crate::QueryError) -> Self {
        OutreachError::Search(SearchError::Query(e))
    }
}

/// The first line for `person` citing their work in the scope of `q` (its repositories,
/// ecosystems, kinds, dates, words, areas and paths; `as_of`: nothing later counts). Filters
/// about people (location, tiers, downloads, ATS) do not narrow what is cited.
pub fn first_line(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    person: &str,
    q: &Query,
) -> Result<FirstLine, OutreachError> {
    q.validate(catalog)?;
    let key = person.trim().trim_start_matches('@');
    let id = store
        .person_by_login(key)?
        .ok_or_else(|| OutreachError::UnknownPerson(key.to_string()))?;
    let p = store
        .people(&[id])?
        .into_iter()
        .next()
        .ok_or_else(|| OutreachError::UnknownPerson(key.to_string()))?;
    // opt-out: an opted-out person gets no draft (refuse here, before any evidence is read).
    if bots.is_bot_by(&p.login, p.is_bot_type, p.behaviour.as_deref()) || p.not_person.is_some() {
        let why = p
            .not_person
            .clone()
            .or(p.behaviour.clone())
            .unwrap_or_else(|| "a bot".into());
        return Err(OutreachError::NotAPerson(p.login, why));
    }
    let display = crate::display_name(&p.login, p.name.as_deref());
    let (cells, _) = scope(store, catalog, q)?;
    let no_work = || OutreachError::NoWork {
        person: display.clone(),
        scope: scope_words(q),
    };
    if cells.repo_ids.as_ref().is_some_and(|r| r.is_empty())
        || cells.kinds.as_ref().is_some_and(|k| k.is_empty())
    {
        return Err(no_work());
    }
    let evidence: Vec<Evidence> = store
        .evidence(&EvidenceQuery {
            person_id: id,
            scope: cells,
            limit: LOOK_AT,
            offset: 0,
            kind_order: EVIDENCE_ORDER.to_vec(),
        })?
        .into_iter()
        .map(|r| Evidence::with_area(r, catalog, &q.paths))
        .filter(|e| e.url.starts_with("https://"))
        .collect();
    let (i, why) = choose(catalog, &evidence).ok_or_else(no_work)?;
    let e = evidence[i].clone();
    // Work found by an area search touched that area, even when most of its paths are in
    // another, unnamed one (a folder).
    let area = e
        .area
        .clone()
        .filter(|a| human_area(catalog, &e.repo, a).is_some())
        .or_else(|| (q.areas.len() == 1).then(|| q.areas[0].clone()))
        .or(e.area.clone());
    let place = place(catalog, &e.repo, area.as_deref());
    let cite = cite(&e, &place);
    Ok(FirstLine {
        login: p.login,
        display,
        name: p.name,
        variant: Variant::of(&e).unwrap_or(Variant::Other),
        line: sentence(&e, &cite),
        cite,
        link: e.url.clone(),
        place,
        why,
        considered: evidence.len(),
        evidence: e,
    })
}

/// What a draft is asked for with.
#[derive(Debug, Clone, Copy)]
pub struct DraftRequest<'a> {
    /// The search whose scope the cited work must be in.
    pub query: &'a Query,
    /// The company's problem, in a sentence or two.
    pub problem: Option<&'a str>,
    pub template: &'a Template,
}

/// A draft for `person`: the template filled with the first line citing their work in the
/// scope of the request's query, and the company's problem. `by` is who asked (the OS user,
/// or the API token's name).
pub fn draft(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    person: &str,
    req: &DraftRequest,
    by: &str,
) -> Result<Draft, OutreachError> {
    let (q, problem, template) = (req.query, req.problem, req.template);
    // audit: the callers log `outreach.draft` (the CLI through its store, the server through
    // its one audit writer: its store is read-only here), with [`audit_what`].
    let _ = by;
    let fl = first_line(store, catalog, bots, person, q)?;
    let problem = problem
        .map(|p| builtby_model::scrub_emails(p.trim()).into_owned())
        .filter(|p| !p.is_empty());
    let text = template.render(&vars(&fl, problem.as_deref()));
    Ok(Draft {
        first_line: fl,
        problem,
        template: template.origin.clone(),
        text,
        note: NOT_SENT,
    })
}

fn vars(fl: &FirstLine, problem: Option<&str>) -> Vec<(&'static str, String)> {
    let name = fl
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| fl.display.clone());
    let first_name = fl
        .name
        .as_deref()
        .and_then(|n| n.split_whitespace().next())
        .unwrap_or(&fl.display)
        .to_string();
    let e = &fl.evidence;
    vec![
        ("first_line", fl.line.clone()),
        ("cite", fl.cite.clone()),
        ("link", fl.link.clone()),
        ("problem", problem.unwrap_or(NO_PROBLEM).to_string()),
        ("name", name),
        ("first_name", first_name),
        ("login", fl.display.clone()),
        ("place", fl.place.clone()),
        (
            "title",
            e.title.as_deref().map(clean_title).unwrap_or_default(),
        ),
        ("when", month_words(&e.at)),
    ]
}

/// The query's scope in words, for "no work in …".
fn scope_words(q: &Query) -> String {
    let mut parts = Vec::new();
    if !q.repos.is_empty() {
        parts.push(q.repos.join(", "));
    }
    if !q.ecosystems.is_empty() {
        parts.push(format!("the {} ecosystem", q.ecosystems.join(", ")));
    }
    if !q.areas.is_empty() {
        parts.push(format!("area {}", q.areas.join(", ")));
    }
    if !q.paths.is_empty() {
        parts.push(format!("path {}", q.paths.join(", ")));
    }
    if !q.kinds.is_empty() {
        let k: Vec<&str> = q.kinds.iter().map(|k| k.as_str()).collect();
        parts.push(format!("kinds {}", k.join(", ")));
    }
    if let Some(t) = &q.text {
        parts.push(format!("work mentioning “{t}”"));
    }
    if parts.is_empty() {
        "the loaded data".into()
    } else {
        format!("this search's scope ({})", parts.join("; "))
    }
}

/// The evidence to cite and why: the first variant in [`Variant`] order the person has, and
/// within it work mostly in the searched paths before half in them before passing mentions,
/// substantive before damped (mechanical chores, acknowledgements), in a catalog area before
/// tests, docs or CI before elsewhere, then the strongest (downloads, medals) and newest.
fn choose(catalog: &Catalog, ev: &[Evidence]) -> Option<(usize, String)> {
    let key = |e: &Evidence| {
        let variant = Variant::of(e)?;
        // all or most of it in the searched paths, then half, then less
        let off_focus: u8 = match e.focus {
            None => 0,
            Some(f) if f >= 0.75 => 0,
            Some(f) if f >= 0.5 => 1,
            Some(_) => 2,
        };
        let damped = e.weight < 0.5;
        // a catalog area ("distributed training") before tests, docs or CI, before none
        let unnamed: u8 = match e
            .area
            .as_deref()
            .and_then(|a| human_area(catalog, &e.repo, a))
        {
            Some(a) if !["tests", "docs", "CI"].contains(&a.as_str()) => 0,
            Some(_) => 1,
            None => 2,
        };
        let untitled = e.title.as_deref().is_none_or(|t| t.trim().is_empty());
        let strength = match e.kind {
            Kind::Model => e
                .measures
                .as_ref()
                .and_then(|m| m.downloads_all_time.or(m.downloads))
                .unwrap_or(0),
            // gold (1) before silver before bronze; medals before tiers before notebooks
            Kind::KaggleMedal => {
                100 - i64::from(e.measures.as_ref().and_then(|m| m.medal).unwrap_or(3))
            }
            Kind::KaggleTier => {
                50 + i64::from(e.measures.as_ref().and_then(|m| m.tier).unwrap_or(0))
            }
            // substantive reviews weigh more (see `builtby_model::grade`)
            Kind::Review | Kind::ReviewComment => (e.weight * 100.0) as i64,
            _ => 0,
        };
        let at = time::parse_rfc3339(&e.at).unwrap_or(0);
        Some((
            variant, off_focus, damped, unnamed, untitled, -strength, -at,
        ))
    };
    let best = ev
        .iter()
        .enumerate()
        .filter_map(|(i, e)| key(e).map(|k| (k, i)))
        .min()?;
    let (k, i) = best;
    let same = ev.iter().filter(|e| Variant::of(e) == Some(k.0)).count();
    let total = ev.len();
    let mut why = vec![match (total, same) {
        (1, _) => format!("{}, the only piece of work in scope", k.0.label()),
        (_, 1) => format!(
            "{}, the only one among {total} pieces of work in scope",
            k.0.label()
        ),
        _ => format!(
            "{}: {same} of the {total} pieces of work in scope are {}",
            k.0.label(),
            k.0.plural()
        ),
    }];
    if k.0 > Variant::MergedPr {
        why.push("no merged PR in scope".into());
    }
    if ev[i].focus.is_some() && k.1 == 0 {
        why.push("mostly in the searched paths".into());
    }
    if k.3 == 0 {
        why.push("in a named area".into());
    }
    if same > 1 {
        why.push(match ev[i].kind {
            Kind::Model => "the most downloaded".into(),
            Kind::KaggleMedal | Kind::KaggleTier => "the best result".into(),
            _ => "the newest of those".into(),
        });
    }
    Some((i, why.join("; ")))
}

/// The words of a review or comment worth quoting: at least three words, the first dozen.
fn quoted_words(e: &Evidence) -> Option<String> {
    let q = e.quote.as_deref()?;
    let words: Vec<&str> = q.split_whitespace().collect();
    if words.len() < 3 {
        return None;
    }
    let cut = words.len() > 12;
    let mut s = words[..words.len().min(12)].join(" ");
    s = s
        .trim_end_matches(|c: char| c.is_ascii_punctuation() && c != ')')
        .to_string();
    if cut {
        s.push('…');
    }
    Some(s)
}

/// A title for a sentence: one line, at most 90 characters, no trailing full stop.
fn clean_title(t: &str) -> String {
    let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.trim_end_matches('.');
    if t.chars().count() > 90 {
        format!("{}…", builtby_model::prefix(t, 89).trim_end())
    } else {
        t.to_string()
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2026-03-14T…` → `March 2026`.
pub fn month_words(iso: &str) -> String {
    let year = iso.get(..4).unwrap_or("");
    let month = iso
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    match month {
        Some(m) => format!("{} {year}", MONTHS[m - 1]),
        None => year.to_string(),
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A repository as people call it: the ecosystem's name for its main repository
/// (`pytorch/pytorch` → PyTorch), the ecosystem's name and the repository's when the
/// ecosystem owns it (`huggingface/diffusers` → Hugging Face diffusers), the repository's name
/// within another ecosystem (`google/flax` → flax), `owner/name` outside the catalog.
pub fn project_name(catalog: &Catalog, repo: &str) -> String {
    let canonical = catalog.canonical(repo).unwrap_or(repo);
    let Some((owner, name)) = canonical.split_once('/') else {
        return canonical.to_string();
    };
    for e in &catalog.ecosystems {
        if !e
            .repos
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(canonical))
        {
            continue;
        }
        let (eco, n, o) = (squash(&e.name), squash(name), squash(owner));
        if eco == n || squash(&e.id) == n {
            return e.name.clone();
        }
        if eco.contains(&n) && n.len() >= 4 {
            return name.to_string();
        }
        if (o == eco || o == squash(&e.id)) && !e.name.contains(['&', '/']) {
            return format!("{} {name}", e.name);
        }
        return name.to_string();
    }
    canonical.to_string()
}

/// An area as people call it, when it is one: a catalog name ("distributed training"), a
/// catalog name with a folder in it (`model: bert` → "bert model"), tests, docs, CI; `None`
/// for a folder path or the top level.
fn human_area(catalog: &Catalog, repo: &str, area: &str) -> Option<String> {
    let a = area.trim();
    match a.to_ascii_lowercase().as_str() {
        "tests" => return Some("tests".into()),
        "docs" => return Some("docs".into()),
        "ci" => return Some("CI".into()),
        "vendor" | "top level" | "" => return None,
        _ => {}
    }
    if !crate::areas::is_named(catalog, a, &[repo.to_string()]) {
        return None;
    }
    Some(match a.split_once(": ") {
        Some((what, which)) if !which.is_empty() => format!("{which} {what}"),
        _ => a.to_string(),
    })
}

/// "PyTorch's distributed training", "Hugging Face diffusers' loaders (LoRA, adapters)",
/// "rails/rails".
pub fn place(catalog: &Catalog, repo: &str, area: Option<&str>) -> String {
    let project = project_name(catalog, repo);
    match area.and_then(|a| human_area(catalog, repo, a)) {
        Some(a) if project.ends_with('s') => format!("{project}' {a}"),
        Some(a) => format!("{project}'s {a}"),
        None => project,
    }
}

fn title_part(e: &Evidence) -> Option<String> {
    e.title
        .as_deref()
        .map(clean_title)
        .filter(|t| !t.is_empty())
        .map(|t| format!("'{t}'"))
}

/// `(#123, 'Title', merged March 2026)`.
fn details(e: &Evidence, verb: &str) -> String {
    let mut parts = Vec::new();
    if let Some(n) = e.number {
        parts.push(format!("#{n}"));
    }
    if let Some(t) = title_part(e) {
        parts.push(t);
    }
    let when = month_words(&e.at);
    parts.push(if verb.is_empty() {
        when
    } else {
        format!("{verb} {when}")
    });
    format!("({})", parts.join(", "))
}

/// The citation, a noun phrase: "your PR to PyTorch's distributed training (#123, 'Add …',
/// merged March 2026)".
fn cite(e: &Evidence, place: &str) -> String {
    let m = e.measures.as_ref();
    let when = month_words(&e.at);
    match e.kind {
        Kind::PrMerged => format!("your PR to {place} {}", details(e, "merged")),
        Kind::Review | Kind::ReviewComment => {
            let what = if e.kind == Kind::Review {
                "review"
            } else {
                "review comment"
            };
            let on = e
                .number
                .map(|n| format!("PR #{n} in {place}"))
                .unwrap_or_else(|| format!("a PR in {place}"));
            let t = title_part(e).map(|t| format!("{t}, ")).unwrap_or_default();
            match quoted_words(e) {
                Some(q) => format!("your {what} of {on} ({t}{when}), where you wrote “{q}”"),
                None => format!("your {what} of {on} ({t}{when})"),
            }
        }
        Kind::Model => {
            let id = e
                .title
                .clone()
                .unwrap_or_else(|| e.repo.trim_start_matches("huggingface.co/").to_string());
            let dl = match m.and_then(|m| m.downloads_all_time) {
                Some(d) => Some(format!("{} downloads", crate::thousands(d))),
                None => m
                    .and_then(|m| m.downloads)
                    .map(|d| format!("{} downloads in the last 30 days", crate::thousands(d))),
            };
            match dl {
                Some(d) => format!("your model {id} on Hugging Face ({d})"),
                None => format!("your model {id} on Hugging Face ({when})"),
            }
        }
        Kind::Paper => {
            let t = title_part(e).unwrap_or_else(|| "on arXiv".into());
            match m.and_then(|m| m.code_url.as_deref()) {
                Some(code) => format!(
                    "your paper {t} (arXiv, {when}, code at {})",
                    code.trim_start_matches("https://")
                ),
                None => format!("your paper {t} (arXiv, {when})"),
            }
        }
        Kind::KaggleMedal => {
            let medal = m
                .and_then(|m| m.medal)
                .and_then(|x| ["", "gold", "silver", "bronze"].get(x as usize).copied())
                .filter(|x| !x.is_empty())
                .unwrap_or("a");
            let comp = e
                .title
                .as_deref()
                .and_then(|t| t.split_once(": ").map(|x| x.1.to_string()))
                .map(|c| format!(" '{}'", clean_title(&c)))
                .unwrap_or_default();
            format!("your {medal} medal in the Kaggle competition{comp} ({when})")
        }
        Kind::KaggleTier => {
            let t = e
                .title
                .as_deref()
                .map(clean_title)
                .unwrap_or_else(|| "Kaggle tier".into());
            format!("your {t} title on Kaggle")
        }
        Kind::Notebook => match title_part(e) {
            Some(t) => format!("your Kaggle notebook {t} ({when})"),
            None => format!("your Kaggle notebook ({when})"),
        },
        Kind::Commit | Kind::CoAuthored | Kind::PrCommit => {
            let t = title_part(e).map(|t| format!("{t}, ")).unwrap_or_default();
            format!("your commit to {place} ({t}{when})")
        }
        Kind::PrOpened | Kind::PrClosedUnmerged => {
            format!("your PR to {place} {}", details(e, "opened"))
        }
        Kind::IssueOpened => format!("your issue in {place} {}", details(e, "opened")),
        Kind::IssueComment => format!("your comment on {place} {}", details(e, "")),
        Kind::Release => match title_part(e) {
            Some(t) => format!("your release {t} of {place} ({when})"),
            None => format!("your release of {place} ({when})"),
        },
        k => format!("your {} in {place} {}", k.label(), details(e, "")),
    }
}

fn sentence(e: &Evidence, cite: &str) -> String {
    let verb = match e.kind {
        Kind::Paper => "I read",
        _ => "I saw",
    };
    format!("{verb} {cite}.")
}

// ---- templates --------------------------------------------------------------------------

/// A message template the team owns: plain text with placeholders in braces (`{first_line}`,
/// `{problem}`, `{name}`, `{link}`… see [`PLACEHOLDERS`]); `{{` and `}}` are literal braces.
/// An unknown placeholder is an error naming it.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub text: String,
    /// `shipped`, or the file it was read from.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("template {origin}: cannot read it: {message}")]
    Read { origin: String, message: String },
    #[error("template {origin}: unknown placeholder{} {}; known: {}", if .names.len() == 1 { "" } else { "s" }, .names.join(", "), known())]
    Unknown { origin: String, names: Vec<String> },
    #[error(
        "template {origin}: line {line}: `{{` is not closed by `}}` (write `{{{{` for a brace)"
    )]
    Unclosed { origin: String, line: usize },
    #[error("template {origin}: it has no {{first_line}} or {{cite}}: a draft must cite the person's work")]
    NoCitation { origin: String },
}

fn known() -> String {
    PLACEHOLDERS
        .iter()
        .map(|p| format!("{{{}}}", p.0))
        .collect::<Vec<_>>()
        .join(", ")
}

enum Piece<'a> {
    Text(&'a str),
    Brace(char),
    Var(&'a str),
}

/// A template's pieces, and the placeholders it names that are not known, with their lines.
type Pieces<'a> = (Vec<Piece<'a>>, Vec<(usize, &'a str)>);

/// The template's pieces; `Err(line)` for a brace that is not closed.
fn pieces(text: &str) -> Result<Pieces<'_>, usize> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    let mut rest = text;
    let mut line = 1;
    while let Some(i) = rest.find(['{', '}']) {
        out.push(Piece::Text(&rest[..i]));
        line += rest[..i].matches('\n').count();
        let c = rest.as_bytes()[i] as char;
        let after = &rest[i + 1..];
        if after.starts_with(c) {
            out.push(Piece::Brace(c));
            rest = &after[1..];
            continue;
        }
        if c == '}' {
            out.push(Piece::Brace('}'));
            rest = after;
            continue;
        }
        let Some(end) = after.find('}') else {
            return Err(line);
        };
        let name = &after[..end];
        if name.contains('\n') || name.contains('{') {
            return Err(line);
        }
        let name = name.trim();
        if !PLACEHOLDERS.iter().any(|p| p.0 == name) {
            unknown.push((line, name));
        }
        out.push(Piece::Var(name));
        rest = &after[end + 1..];
    }
    out.push(Piece::Text(rest));
    Ok((out, unknown))
}

impl Template {
    /// The shipped default.
    pub fn shipped() -> Template {
        Template {
            text: SHIPPED_TEMPLATE.to_string(),
            origin: "shipped".into(),
        }
    }

    /// Checks a template's text: every placeholder known, every brace closed, a citation in it.
    pub fn parse(text: &str, origin: &str) -> Result<Template, TemplateError> {
        let origin = origin.to_string();
        let (pieces, unknown) = pieces(text).map_err(|line| TemplateError::Unclosed {
            origin: origin.clone(),
            line,
        })?;
        if !unknown.is_empty() {
            return Err(TemplateError::Unknown {
                origin,
                names: unknown
                    .into_iter()
                    .map(|(line, n)| format!("{{{n}}} (line {line})"))
                    .collect(),
            });
        }
        if !pieces
            .iter()
            .any(|p| matches!(p, Piece::Var("first_line") | Piece::Var("cite")))
        {
            return Err(TemplateError::NoCitation { origin });
        }
        Ok(Template {
            text: text.to_string(),
            origin,
        })
    }

    /// A template file (plain text, at most 64 KB).
    pub fn from_file(path: &Path) -> Result<Template, TemplateError> {
        let origin = path.display().to_string();
        let read = |message: String| TemplateError::Read {
            origin: origin.clone(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| read(e.to_string()))?;
        if meta.len() > 64 * 1024 {
            return Err(read(format!(
                "{} bytes; a template is at most 64 KB",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| read(e.to_string()))?;
        Template::parse(&text, &origin)
    }

    /// The text with every placeholder replaced (checked by [`Template::parse`]; an unknown
    /// one left in a hand-built template becomes empty).
    pub fn render(&self, vars: &[(&str, String)]) -> String {
        let Ok((pieces, _)) = pieces(&self.text) else {
            return self.text.clone();
        };
        let mut out = String::with_capacity(self.text.len() + 200);
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Brace(c) => out.push(c),
                Piece::Var(n) => {
                    if let Some((_, v)) = vars.iter().find(|(k, _)| *k == n) {
                        out.push_str(v);
                    }
                }
            }
        }
        out
    }
}

/// What the audit log says of a draft: the person's keyed hash (never the login), whether a
/// problem was given.
pub fn audit_what(
    store: &Store,
    person: &str,
    problem: bool,
) -> Result<serde_json::Value, builtby_store::StoreError> {
    Ok(serde_json::json!({"person": store.person_ref(person)?, "problem": problem}))
}

#[cfg(test)]
mod tests;
