//! What a search answers: its people in order, each with their score, the rules' details,
//! the evidence behind them and how they are shown.

use crate::query::Query;
use crate::rank::ScoreDetail;
use crate::Catalog;
use builtby_model::{time, Identity, Kind};
use builtby_store::EvidenceRow;
use serde::Serialize;

/// One evidence line: what, where, when, and the link to it on github.com.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub kind: Kind,
    pub repo: String,
    pub url: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub at: String,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_hydration: bool,
    /// The code area the contribution's paths fall in (paths from git histories; a review
    /// comment's file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// What the source measured about work off GitHub (downloads, card quality, tier…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measures: Option<builtby_model::Measures>,
    /// The same, in words: "1,204 downloads, card: 6 of 8 sections, usage example".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<String>,
    /// What it weighs in the ranking: 1 for ordinary work (see `builtby_model::grade`).
    pub weight: f64,
    /// Why the weight is not 1 ("mechanical: a chore", "burst: 548 in one hour, counted as
    /// 20", "substantive: proposes code").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Within a path or area search: the share of its files and lines there (0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<f64>,
    /// A review's or comment's words, at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// Measures in words, the one formatter for evidence lines (the CLI's and the page's):
/// `846,249 downloads (30 days), 1,178 likes; card score 0.62 (card: 5 of 8 sections, …)`,
/// `Grandmaster in competitions`, `gold medal`, `cs.LG, cs.AI; code: https://github.com/o/r`.
/// Empty when nothing was measured.
pub fn measures_text(m: &builtby_model::Measures) -> String {
    const TIERS: [&str; 5] = ["Novice", "Contributor", "Expert", "Master", "Grandmaster"];
    let mut parts = Vec::new();
    if let Some(d) = m.downloads {
        parts.push(format!("{} downloads (30 days)", thousands(d)));
    }
    if let Some(d) = m.downloads_all_time {
        parts.push(format!("{} all time", thousands(d)));
    }
    if let Some(l) = m.likes {
        parts.push(format!("{} likes", thousands(l)));
    }
    if let Some(t) = m.tier {
        let name = TIERS.get(t as usize).copied().unwrap_or("tier");
        parts.push(match &m.category {
            Some(c) => format!("{name} in {c}"),
            None => name.to_string(),
        });
    }
    if let Some(md) = m.medal {
        let metal = ["", "gold", "silver", "bronze"].get(md as usize).copied();
        parts.push(format!("{} medal", metal.unwrap_or("a")));
    }
    if m.tier.is_none() && m.downloads.is_none() && !m.categories.is_empty() {
        let cats: Vec<&str> = m.categories.iter().take(3).map(String::as_str).collect();
        parts.push(cats.join(", "));
    }
    let mut s = parts.join(", ");
    let mut more = |t: String| {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(&t);
    };
    if let Some(c) = m.card_score {
        more(match &m.card_note {
            Some(n) => format!("card score {c:.2} ({n})"),
            None => format!("card score {c:.2}"),
        });
    }
    if let Some(u) = &m.code_url {
        more(format!("code: {u}"));
    }
    s
}

pub use builtby_model::thousands;

impl Evidence {
    /// Converts a store row, naming its area from its paths (those under `focus` first).
    pub fn with_area(r: EvidenceRow, catalog: &Catalog, focus: &[String]) -> Evidence {
        let area = match (&r.paths[..], &r.path) {
            ([], Some(file)) => Some(crate::areas::area_of(catalog, &r.repo, file)),
            (paths, _) => crate::areas::dominant_area(catalog, &r.repo, paths, focus),
        };
        let mut e = Evidence::from(r);
        e.area = area;
        e
    }
}

impl From<EvidenceRow> for Evidence {
    fn from(r: EvidenceRow) -> Self {
        Evidence {
            kind: r.kind,
            repo: r.repo,
            url: r.url,
            at: time::iso_string(r.at),
            title: r.title,
            number: r.number,
            review_state: r.review_state,
            path: r.path,
            needs_hydration: r.needs_hydration,
            area: None,
            measured: r
                .measures
                .as_ref()
                .map(measures_text)
                .filter(|t| !t.is_empty()),
            measures: r.measures,
            weight: r.weight,
            why: r.why,
            focus: r.focus,
            quote: r.quote,
        }
    }
}

impl Evidence {
    /// What the ranking made of it, in words, when that is not "one ordinary contribution":
    /// `12% of its files in scope; mechanical: a chore`. `None` for ordinary, focused work.
    pub fn weighing(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(f) = self.focus.filter(|f| *f < 0.995) {
            parts.push(format!("{:.0}% of it in scope", f * 100.0));
        }
        if let Some(w) = &self.why {
            parts.push(w.clone());
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// A git identity's most likely GitHub account: a suggestion, not a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likely {
    pub login: String,
    pub why: String,
}

/// A git identity shown under the person it is likely to be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlsoLikely {
    /// The identity's stable id (`git:<key>`).
    pub login: String,
    pub display: String,
    /// Its own score in this search (not added to the person's).
    pub score: f64,
    pub why: String,
}

/// How a person is shown: their GitHub login, or `Name (git)` for a git identity (whose
/// stable id is `login`, `git:<key>`: a hash, never shown as the name), `Name (Hugging Face)`,
/// `Name (Kaggle)`, `Name (arXiv)` for accounts of other sources.
pub fn display_name(login: &str, name: Option<&str>) -> String {
    let id = Identity::parse(login);
    if id.is_github() {
        return login.to_string();
    }
    let label = id.namespace.label();
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{n} ({label})"),
        // a Hugging Face or Kaggle user name is public and readable; a git key is a hash
        None if id.namespace != builtby_model::Namespace::Git => format!("{} ({label})", id.key),
        None => format!("(no name) ({label})"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub rank: u32,
    /// The person's stable id: their current GitHub login, or `git:<key>` for a person known
    /// only by a git identity.
    pub login: String,
    /// What to show: the login, or `Name (git)`.
    pub display: String,
    /// For a git identity: the GitHub account it most likely is, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub likely: Option<Likely>,
    /// Git identities in this search that are likely this person (a suggestion: not linked,
    /// their work not counted here), shown with this row instead of as rows of their own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<AlsoLikely>,
    pub name: Option<String>,
    pub location: Option<String>,
    /// The normalised location, when the profile has one.
    pub place: Option<crate::place::Place>,
    pub company: Option<String>,
    /// The account's public page; `None` for a git identity (a hashed e-mail, no account).
    pub profile_url: Option<String>,
    /// Why this account is not counted as a person (shown only with `include_bots`): the
    /// bot rules, an import identity, or behaviour ("401 pushes in one hour: automation").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_a_person: Option<String>,
    pub score: f64,
    /// Where `score` stands among everyone who matched (before paging): "top 2% of 505
    /// people in this search". Ties share it.
    pub standing: crate::Standing,
    /// The company's applicant-tracking system already has this person (by their current or
    /// a former login: `builtby ats import`).
    pub in_ats: bool,
    /// Contributions in scope by kind.
    pub counts: Vec<(Kind, i64)>,
    /// The roles this person's whole record shows, best first, each with a confidence (0 to
    /// 1) and reasons; empty when there is too little evidence.
    pub roles: Vec<crate::RoleGuess>,
    pub details: Vec<ScoreDetail>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: Query,
    /// Repositories the repo/ecosystem filters matched in the store.
    pub repos_matched: Vec<String>,
    /// People who matched before paging.
    pub total: u32,
    pub results: Vec<SearchResult>,
    /// What each rule in `results[].details` counts, in words, in the order they are summed:
    /// once for the answer, not once per person.
    pub rules: Vec<crate::rank::RuleText>,
}
