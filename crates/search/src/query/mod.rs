//! Search filters, parsed from strings the way a user types them (CLI flags and HTTP query
//! parameters share this code), with errors that name the parameter at fault.

use crate::catalog::valid_repo_name;
use builtby_model::{time, Kind};
use serde::Serialize;

/// Largest page of results a search returns.
pub const MAX_LIMIT: u32 = 500;

/// Most values a repeatable parameter (`repo`, `area`, `path`…) takes, commas and repeats
/// together: each value becomes part of the store query, so the work is bounded here.
pub const MAX_LIST: usize = 100;

/// Bounds on `text`, so one request cannot make the full-text index do unbounded work:
/// characters in all, words (repeats included), distinct words (each one a posting list to
/// read) and characters in one word.
pub const MAX_TEXT_CHARS: usize = 300;
pub const MAX_TEXT_WORDS: usize = 20;
pub const MAX_TEXT_TERMS: usize = 10;
pub const MAX_WORD_CHARS: usize = 50;

/// Shortest and longest half-life in months: below a few days every score is 0, above a
/// century nothing decays.
pub const MIN_HALF_LIFE: f64 = 0.1;
pub const MAX_HALF_LIFE: f64 = 1200.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Query {
    /// `owner/name` or `owner/*`.
    pub repos: Vec<String>,
    pub ecosystems: Vec<String>,
    pub kinds: Vec<Kind>,
    /// Inclusive bounds, Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub text: Option<String>,
    /// Code areas by name (catalog or automatic); a contribution matches one of them.
    pub areas: Vec<String>,
    /// Path prefixes in the repositories' trees.
    pub paths: Vec<String>,
    pub location: Option<String>,
    /// A metro's canonical name (`builtby_locate::Gazetteer::metros`), as resolved from what was
    /// typed.
    pub metro: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub limit: u32,
    pub offset: u32,
    pub include_bots: bool,
    /// "Now" for recency: contributions lose half their weight every `half_life_months`.
    pub as_of: i64,
    pub half_life_months: f64,
    /// Evidence lines per result.
    pub evidence: u32,
    /// Only work done on these platforms (`--source`): their kinds join `kinds`.
    pub sources: Vec<String>,
    /// People who reached at least this Kaggle tier in some category (0 Novice … 4 Grandmaster).
    pub kaggle_tier: Option<u8>,
    /// People whose Hugging Face models have at least this many downloads in all.
    pub min_downloads: Option<i64>,
    /// People with an arXiv paper (`Some("")`), or one in this category (`Some("cs.LG")`).
    pub papers: Option<String>,
    /// People whose work shows one of these roles ([`crate::role`]), judged from their whole
    /// record before ranking and paging.
    pub roles: Vec<crate::Role>,
    /// Leave out people the company's ATS already has (`builtby ats import`).
    pub not_in_ats: bool,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            repos: Vec::new(),
            ecosystems: Vec::new(),
            kinds: Vec::new(),
            since: None,
            until: None,
            text: None,
            areas: Vec::new(),
            paths: Vec::new(),
            location: None,
            metro: None,
            country: None,
            limit: 20,
            offset: 0,
            include_bots: false,
            as_of: time::now(),
            half_life_months: 12.0,
            evidence: 5,
            sources: Vec::new(),
            kaggle_tier: None,
            min_downloads: None,
            papers: None,
            roles: Vec::new(),
            not_in_ats: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{param}: {message}")]
pub struct QueryError {
    /// The parameter at fault, as named on the command line and in the API (`since`, `repo`…).
    pub param: &'static str,
    pub message: String,
}

fn bad(param: &'static str, message: impl Into<String>) -> QueryError {
    QueryError {
        param,
        message: message.into(),
    }
}

/// `owner/name` or `owner/*`.
pub fn parse_repo_pattern(s: &str) -> Result<String, QueryError> {
    let s = s
        .trim()
        .trim_start_matches("https://github.com/")
        .trim_end_matches('/');
    let ok = match s.strip_suffix("/*") {
        Some(owner) => valid_repo_name(&format!("{owner}/x")),
        None => valid_repo_name(s),
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err(bad("repo", format!("`{s}` is not a repository pattern; use owner/name (pytorch/pytorch) or owner/* (huggingface/*)")))
    }
}

pub fn parse_kind(s: &str) -> Result<Kind, QueryError> {
    s.parse::<Kind>().map_err(|e| bad("kind", e.to_string()))
}

/// A date (`2024-01-31`), a timestamp (RFC 3339) or a duration back from `now`: `30d`, `8w`,
/// `12m`, `2y`.
pub fn parse_time(param: &'static str, s: &str, now: i64) -> Result<i64, QueryError> {
    let s = s.trim();
    if let Some(t) = time::parse_date_or_time(s) {
        return Ok(t);
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let days = match (num.parse::<i64>(), unit) {
        (Ok(n), "d") => Some(n),
        // checked: `as_of=1317624576693539402w` overflowed (found by fuzz/; a panic in debug
        // builds, a wrapped nonsense date in release)
        (Ok(n), "w") => n.checked_mul(7),
        (Ok(n), "m") => Some((n as f64 * 30.44).round() as i64),
        (Ok(n), "y") => Some((n as f64 * 365.25).round() as i64),
        _ => None,
    };
    match days {
        Some(d) if d <= 365 * 100 => Ok(now - d * time::DAY),
        _ => Err(bad(
            param,
            format!(
                "`{s}` is not a date (2024-01-31) or a duration back from today (30d, 8w, 12m, 2y)"
            ),
        )),
    }
}

/// A whole number, told apart from a number out of range: `abc` is not a number at all.
fn whole_number(s: &str) -> Option<i128> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for i128 is still a whole number, just far out of range.
    Some(t.parse::<i128>().unwrap_or(if t.starts_with('-') {
        i128::MIN
    } else {
        i128::MAX
    }))
}

pub fn parse_limit(s: &str) -> Result<u32, QueryError> {
    match whole_number(s) {
        Some(n) if (1..=MAX_LIMIT as i128).contains(&n) => Ok(n as u32),
        Some(_) => Err(bad(
            "limit",
            format!("`{s}` is out of range; use a whole number from 1 to {MAX_LIMIT}"),
        )),
        None => Err(bad(
            "limit",
            format!("`{s}` is not a whole number; use one from 1 to {MAX_LIMIT}"),
        )),
    }
}

pub fn parse_offset(s: &str) -> Result<u32, QueryError> {
    match whole_number(s) {
        Some(n) if (0..=u32::MAX as i128).contains(&n) => Ok(n as u32),
        Some(_) => Err(bad(
            "offset",
            format!(
                "`{s}` is out of range; use a whole number from 0 to {}",
                u32::MAX
            ),
        )),
        None => Err(bad("offset", format!("`{s}` is not a whole number ≥ 0"))),
    }
}

/// Free words for the full-text index, bounded (see [`MAX_TEXT_CHARS`] and the others):
/// over-long input is refused before any word is looked at, and text with no word the index
/// can search for (`*`, `-`, `"`) is an error rather than a search that matches nobody.
pub fn parse_text(s: &str) -> Result<String, QueryError> {
    let s = s.trim();
    // Bytes first: a 60 KB value is refused without counting its characters.
    if s.len() > MAX_TEXT_CHARS * 4 || s.chars().count() > MAX_TEXT_CHARS {
        return Err(bad(
            "text",
            format!("too long; use at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    let words = builtby_store::text_words(s);
    if words.is_empty() {
        return Err(bad(
            "text",
            format!("`{s}` has no searchable words; give words with letters or digits"),
        ));
    }
    if words.len() > MAX_TEXT_WORDS {
        return Err(bad(
            "text",
            format!(
                "{} words is too many; use at most {MAX_TEXT_WORDS}",
                words.len()
            ),
        ));
    }
    if let Some(w) = words.iter().find(|w| w.chars().count() > MAX_WORD_CHARS) {
        return Err(bad(
            "text",
            format!(
                "the word `{}…` is too long; use words of at most {MAX_WORD_CHARS} characters",
                builtby_model::prefix(w, 20)
            ),
        ));
    }
    let terms = builtby_store::fts_terms(s).len();
    if terms > MAX_TEXT_TERMS {
        return Err(bad(
            "text",
            format!("{terms} different words is too many; use at most {MAX_TEXT_TERMS}"),
        ));
    }
    Ok(s.to_string())
}

/// The parameters a search understands, with a description each: one list, so the HTTP API,
/// its OpenAPI document and the command line (`--as-of` for `as_of`) name them the same way.
/// The flag is true for parameters that may be repeated (values may also be comma-separated;
/// at most [`MAX_LIST`] values in all).
pub const SEARCH_PARAMS: &[(&str, bool, &str)] = &[
    ("repo", true, "Repository `owner/name` (old names in the catalog follow renames) or `owner/*`."),
    ("ecosystem", true, "Catalog ecosystem id, any case, e.g. `pytorch`, `huggingface` (see /api/catalog)."),
    ("kind", true, "Contribution kind, e.g. pr_merged, review, review_comment, issue_comment (every kind: the schema's enum, or `builtby search --help`)."),
    ("since", false, "Earliest contribution: a date (2024-01-31), an RFC 3339 time, or a duration back from `as_of` (today when not given): 30d, 8w, 12m, 2y."),
    ("until", false, "Latest contribution, in the same forms as `since`."),
    ("text", false, "Words that must all appear in a contribution's title or body (letters and digits; other characters separate words): at most 300 characters, 20 words, 10 different words."),
    ("area", true, "Code area: a catalog name (`distributed training`, `model: bert`) or an automatic one (a folder such as `jax/_src`, or `tests`, `docs`). Paths come from git histories (`builtby ingest git`). Anything else (not a name in the repositories searched, nor a folder with stored paths) is refused, listing the valid names."),
    ("path", true, "Path prefix in the repository tree, e.g. `torch/distributed/`."),
    ("location", false, "Part of the profile location, any case (e.g. `berlin`); also matches the normalised city, region, metro and country (`zurich` finds \"Zürich, CH\")."),
    ("metro", false, "Recruiter metro of the normalised profile location, e.g. `bay area`, `new york`, `london`, `zurich`, `bangalore`, `tokyo`."),
    ("country", false, "Country of the normalised profile location: ISO code or name (`de`, `Germany`, `Polska`)."),
    ("limit", false, "Results per page, 1 to 500 (default 20)."),
    ("offset", false, "Results to skip, for paging (default 0)."),
    ("include_bots", false, "`true` to keep bot accounts (default false)."),
    ("half_life", false, "Months after which a contribution counts half, 0.1 to 1200 (default 12)."),
    ("source", true, "Only work on these platforms: github (GH Archive and the API), git (local histories), huggingface (models), arxiv (papers), kaggle (tiers, medals, notebooks)."),
    ("kaggle_tier", false, "People who reached at least this Kaggle tier in a category: novice, contributor, expert, master, grandmaster."),
    ("min_downloads", false, "People whose Hugging Face models have at least this many downloads in all."),
    ("papers", false, "People with an arXiv paper: `any`, or a category such as `cs.LG`."),
    ("role", true, "People whose work shows this role: ml_engineer (model and library code), ml_infra (kernels, compilers, distributed training, serving, build and deployment), researcher (papers, research code), data_scientist (notebooks, examples, analysis, Kaggle). Judged from each person's whole ML record (changed files by kind, titles, the catalog's repositories, papers, models, Kaggle), before ranking and paging; a person matches when the role is among those listed for them (at least a quarter of their evidence), not only their best."),
    ("not_in_ats", false, "`true` to leave out people the company's applicant-tracking system already has (`builtby ats import`, `POST /api/ats/import`); without it they are marked `in_ats`."),
    ("as_of", false, "Score as of this date or time instead of now (makes a shared link reproducible): nothing after it counts, and recency is measured from it. Also where durations in `since` and `until` count back from."),
];

/// The parameters a person's record takes (a subset of [`SEARCH_PARAMS`]).
pub const PERSON_PARAMS: &[&str] = &["limit", "offset", "as_of", "half_life"];

/// Search parameters as a user typed them: `(name, value)` pairs, named as in
/// [`SEARCH_PARAMS`]. The command line's flags and the API's query string both become one of
/// these, and [`Params::build`] is the only way either becomes a [`Query`], so both accept the
/// same names and values, mean the same by them and reject them with the same errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Params {
            pairs: iter
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }
}

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds one value. A repeatable parameter may be pushed again; a single-valued one given
    /// twice is an error at [`build`](Params::build).
    pub fn push(&mut self, name: &str, value: impl Into<String>) -> &mut Params {
        self.pairs.push((name.to_string(), value.into()));
        self
    }

    /// [`push`](Params::push)es each value of an optional or repeated flag.
    pub fn push_each<'a>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = &'a String>,
    ) -> &mut Params {
        for v in values {
            self.push(name, v.as_str());
        }
        self
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The search [`Query`], checked against the catalog.
    ///
    /// - Empty values count as absent; repeatable parameters may also be comma-separated.
    /// - Durations in `since` and `until` count back from `as_of` when it is given, else
    ///   from `now`; `as_of` itself counts back from `now`.
    /// - Ecosystems are matched in any case and become the catalog's id.
    /// - An unknown name (`param` = `query`), a repeated single-valued one, a bad value or a
    ///   bad combination (`since` after `until`) is an error naming the parameter.
    /// - Parameters are read in [`SEARCH_PARAMS`] order whatever order they came in, so of
    ///   several bad ones the same is reported first everywhere.
    pub fn build(&self, catalog: &crate::Catalog, now: i64) -> Result<Query, QueryError> {
        let all: Vec<&str> = SEARCH_PARAMS.iter().map(|p| p.0).collect();
        self.build_only(&all, catalog, now)
    }

    /// As [`build`](Params::build), accepting only the names in `allowed` (e.g.
    /// [`PERSON_PARAMS`]).
    pub fn build_only(
        &self,
        allowed: &[&str],
        catalog: &crate::Catalog,
        now: i64,
    ) -> Result<Query, QueryError> {
        for (name, _) in &self.pairs {
            if !allowed.contains(&name.as_str()) || !SEARCH_PARAMS.iter().any(|p| p.0 == name) {
                return Err(bad(
                    "query",
                    format!("unknown parameter `{name}`; known: {}", allowed.join(", ")),
                ));
            }
        }
        let mut given: Vec<(&'static str, Vec<&str>)> = Vec::new();
        for &(param, repeatable, _) in SEARCH_PARAMS {
            let values: Vec<&str> = self
                .pairs
                .iter()
                .filter(|(n, v)| n == param && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
                .collect();
            if values.len() > 1 && !repeatable {
                return Err(bad(param, "given more than once"));
            }
            if repeatable {
                let n = values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .filter(|v| !v.trim().is_empty())
                    .count();
                if n > MAX_LIST {
                    return Err(bad(
                        param,
                        format!("{n} values is too many; give at most {MAX_LIST}"),
                    ));
                }
            }
            if !values.is_empty() {
                given.push((param, values));
            }
        }
        let as_of = match given.iter().find(|(p, _)| *p == "as_of") {
            Some((_, v)) => parse_time("as_of", v[0], now)?,
            None => now,
        };
        let mut q = Query {
            as_of,
            ..Default::default()
        };
        for (param, values) in &given {
            let items = || {
                values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let value = values[0];
            match *param {
                "repo" => {
                    for v in items() {
                        q.repos.push(parse_repo_pattern(v)?);
                    }
                }
                "ecosystem" => {
                    for v in items() {
                        let id = parse_ecosystem(catalog, v)?;
                        if !q.ecosystems.contains(&id) {
                            q.ecosystems.push(id);
                        }
                    }
                }
                "kind" => {
                    for v in items() {
                        let k = parse_kind(v)?;
                        if !q.kinds.contains(&k) {
                            q.kinds.push(k);
                        }
                    }
                }
                "since" => q.since = Some(parse_time("since", value, as_of)?),
                "until" => q.until = Some(parse_time("until", value, as_of)?),
                "text" => q.text = Some(parse_text(value)?),
                "area" => q.areas.extend(items().map(str::to_string)),
                "path" => {
                    for v in items() {
                        q.paths.push(parse_path(v)?);
                    }
                }
                "location" => q.location = Some(value.to_string()),
                "metro" => q.metro = Some(parse_metro(value)?.to_string()),
                "country" => q.country = Some(parse_country(value)?.to_string()),
                "limit" => q.limit = parse_limit(value)?,
                "offset" => q.offset = parse_offset(value)?,
                "include_bots" => q.include_bots = parse_bool("include_bots", value)?,
                "half_life" => q.half_life_months = parse_half_life(value)?,
                "source" => {
                    for v in items() {
                        let p = parse_source(v)?;
                        if !q.sources.iter().any(|s| s == p) {
                            q.sources.push(p.to_string());
                        }
                    }
                }
                "kaggle_tier" => q.kaggle_tier = Some(parse_kaggle_tier(value)?),
                "min_downloads" => {
                    q.min_downloads = Some(
                        value
                            .parse::<i64>()
                            .ok()
                            .filter(|n| *n >= 0)
                            .ok_or_else(|| {
                                bad(
                                    "min_downloads",
                                    format!("`{value}` is not a whole number ≥ 0"),
                                )
                            })?,
                    )
                }
                "papers" => q.papers = Some(parse_papers(value)?),
                "role" => {
                    for v in items() {
                        let r = parse_role(v)?;
                        if !q.roles.contains(&r) {
                            q.roles.push(r);
                        }
                    }
                }
                "not_in_ats" => q.not_in_ats = parse_bool("not_in_ats", value)?,
                "as_of" => {}
                _ => unreachable!("every SEARCH_PARAMS entry is handled"),
            }
        }
        q.validate(catalog)?;
        Ok(q)
    }
}

/// A `--source` platform, any case.
pub fn parse_source(s: &str) -> Result<&'static str, QueryError> {
    let l = s.trim().to_ascii_lowercase();
    let l = match l.as_str() {
        "hf" | "hugging face" | "hugging-face" => "huggingface".to_string(),
        _ => l,
    };
    Kind::PLATFORMS
        .into_iter()
        .find(|p| *p == l)
        .ok_or_else(|| {
            bad(
                "source",
                format!(
                    "unknown source `{s}`; known: {}",
                    Kind::PLATFORMS.join(", ")
                ),
            )
        })
}

/// A role name (`ml_infra`, any case, `-` or a space for `_`).
pub fn parse_role(s: &str) -> Result<crate::Role, QueryError> {
    s.parse()
        .map_err(|e: crate::role::UnknownRole| bad("role", e.to_string()))
}

/// Kaggle's tier names, lowest first: the tier's number is its index.
pub const KAGGLE_TIERS: [&str; 5] = ["novice", "contributor", "expert", "master", "grandmaster"];

pub fn parse_kaggle_tier(s: &str) -> Result<u8, QueryError> {
    let l = s.trim().to_ascii_lowercase();
    KAGGLE_TIERS
        .iter()
        .position(|t| *t == l)
        .map(|i| i as u8)
        .ok_or_else(|| {
            bad(
                "kaggle_tier",
                format!("unknown tier `{s}`; known: {}", KAGGLE_TIERS.join(", ")),
            )
        })
}

/// `any` (or `true`) for any paper, else an arXiv category such as `cs.LG`.
pub fn parse_papers(s: &str) -> Result<String, QueryError> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("any") || t.eq_ignore_ascii_case("true") {
        return Ok(String::new());
    }
    let ok = t.len() <= 20
        && t.contains('.')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if ok {
        Ok(t.to_string())
    } else {
        Err(bad(
            "papers",
            format!("`{s}` is not an arXiv category (cs.LG, cs.AI, stat.ML…) or `any`"),
        ))
    }
}

/// An ecosystem id from the catalog, any case, to its id as the catalog spells it.
pub fn parse_ecosystem(catalog: &crate::Catalog, s: &str) -> Result<String, QueryError> {
    match catalog.ecosystem(s.trim()) {
        Some(e) => Ok(e.id.clone()),
        None => {
            let known: Vec<&str> = catalog.ecosystems.iter().map(|e| e.id.as_str()).collect();
            Err(bad(
                "ecosystem",
                format!("unknown ecosystem `{s}`; known: {}", known.join(", ")),
            ))
        }
    }
}

/// A metro name or alias to its canonical name.
pub fn parse_metro(s: &str) -> Result<&'static str, QueryError> {
    builtby_locate::gazetteer().metro_name(s).ok_or_else(|| {
        // The seed metros by name; the population-ranked ones (every agglomeration of a
        // million people) are too many to list.
        let known: Vec<&str> = builtby_locate::METROS.iter().map(|m| m.name).collect();
        let more = builtby_locate::gazetteer().metros().len() - known.len();
        bad(
            "metro",
            format!(
                "unknown metro `{s}`; known: {}, and {more} more named after their largest city \
                 (`builtby locate CITY` shows a city's metro)",
                known.join(", ")
            ),
        )
    })
}

/// The candidate closest to what was typed, if one is close: the same but for case, a few
/// letters off (Levenshtein distance up to a third of the length), or holding every typed
/// word at the start of one of its words (`lora` → `loaders (LoRA, adapters)`). Ties go to
/// the first candidate.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let t = typed.trim().to_lowercase();
    let typed_words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if typed_words.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let l = c.to_lowercase();
        let dist = edit_distance(&t, &l);
        let limit = (t.chars().count().max(l.chars().count()) / 3).max(1);
        let words: Vec<&str> = l
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let within = typed_words
            .iter()
            .all(|tw| tw.chars().count() >= 3 && words.iter().any(|w| w.starts_with(tw)));
        let rank = if dist <= limit {
            dist
        } else if within {
            usize::MAX - 1
        } else {
            continue;
        };
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, c));
        }
    }
    best.map(|b| b.1)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A country code or name to its ISO 3166-1 alpha-2 code.
pub fn parse_country(s: &str) -> Result<&'static str, QueryError> {
    builtby_locate::gazetteer().country_code(s).ok_or_else(|| {
        bad(
            "country",
            format!("unknown country `{s}`; give an ISO code (de) or a name (Germany)"),
        )
    })
}

/// A path prefix in a repository's tree: relative, `/`-separated, no `..`.
pub fn parse_path(s: &str) -> Result<String, QueryError> {
    let p = s.trim().trim_start_matches("./").trim_start_matches('/');
    if p.is_empty() || p.split('/').any(|seg| seg == "..") || p.contains('\\') {
        return Err(bad(
            "path",
            format!("`{s}` is not a path prefix; use a folder in the repository, e.g. torch/distributed/"),
        ));
    }
    Ok(p.to_string())
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
pub fn parse_bool(param: &'static str, s: &str) -> Result<bool, QueryError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(bad(param, format!("`{s}` is not true or false"))),
    }
}

/// A number of months from [`MIN_HALF_LIFE`] to [`MAX_HALF_LIFE`].
pub fn parse_half_life(s: &str) -> Result<f64, QueryError> {
    match s.trim().parse::<f64>() {
        Ok(m) if valid_half_life(m) => Ok(m),
        _ => Err(bad(
            "half_life",
            format!("`{s}` is not a number of months from {MIN_HALF_LIFE} to {MAX_HALF_LIFE}"),
        )),
    }
}

fn valid_half_life(m: f64) -> bool {
    (MIN_HALF_LIFE..=MAX_HALF_LIFE).contains(&m)
}

impl Query {
    /// Checks combinations no single parser can see.
    pub fn validate(&self, catalog: &crate::Catalog) -> Result<(), QueryError> {
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s > u {
                return Err(bad(
                    "since",
                    format!(
                        "{} is after until ({})",
                        time::date_string(s),
                        time::date_string(u)
                    ),
                ));
            }
        }
        for e in &self.ecosystems {
            if catalog.ecosystem(e).is_none() {
                let known: Vec<&str> = catalog.ecosystems.iter().map(|e| e.id.as_str()).collect();
                return Err(bad(
                    "ecosystem",
                    format!("unknown ecosystem `{e}`; known: {}", known.join(", ")),
                ));
            }
        }
        if let Some(s) = self.since {
            if s > self.as_of {
                return Err(bad(
                    "since",
                    format!(
                        "{} is after as_of ({}): nothing after as_of counts",
                        time::date_string(s),
                        time::date_string(self.as_of)
                    ),
                ));
            }
        }
        if let Some(t) = &self.text {
            parse_text(t)?;
        }
        for (param, n) in [
            ("repo", self.repos.len()),
            ("area", self.areas.len()),
            ("path", self.paths.len()),
        ] {
            if n > MAX_LIST {
                return Err(bad(
                    param,
                    format!("{n} values is too many; give at most {MAX_LIST}"),
                ));
            }
        }
        if !valid_half_life(self.half_life_months) {
            return Err(bad(
                "half_life",
                format!("use a number of months from {MIN_HALF_LIFE} to {MAX_HALF_LIFE}"),
            ));
        }
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(bad(
                "limit",
                format!("{} is out of range; use 1 to {MAX_LIMIT}", self.limit),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
