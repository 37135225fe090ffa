//! Saved searches with alerts: `builtby watch add NAME -- <search arguments>`, then
//! `builtby watch run` after new ingests says who newly qualifies and who dropped out.
//!
//! **What "qualifies" means.** A person qualifies for a watch when they are among the results
//! its search shows — its top `limit` (20 unless the search says otherwise), after `offset`
//! if one was given — and, when the watch has a minimum score (`--min-score`), their score is
//! at least that. A run compares the people who qualify now with those who qualified at the
//! watch's last saved run: **new** are those who qualify now and did not then, **dropped**
//! those who did then and do not now. The first run lists everyone who qualifies as new.
//!
//! - The search is rebuilt from the parameters as typed at every run, by the one query
//!   builder ([`crate::query::Params`]), so `since=12m` counts back from the run's day and a
//!   bad parameter is refused at `add` with the search's own error.
//! - A run records who qualified (login, score, rank: nothing else about them) and the
//!   ingest-log position it saw, so the next run can say how many inputs were loaded since.
//! - A renamed person is the same person: their old login dropping out and their new one
//!   coming in is neither new nor dropped.
//! - [`run`] saves the run; [`check`] only computes it (the page's "N new" badge), and both
//!   say what the search saw the same way.
//! - An [`Alert`] (what a webhook receives) holds only logins, names, links and scores: no
//!   location, no evidence text, never an e-mail address.
//!
//! Every change and every run goes through [`audit`]; every person shown goes through
//! [`opted_out`].

use crate::query::Params;
use crate::{search, Catalog, Evidence, SearchError, SearchResult, Standing};
use builtby_model::{time, BotRules, Identity};
use builtby_store::{Store, StoreError, Watch, WatchedPerson};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

pub use builtby_store::{valid_watch_name, MAX_WATCH_NAME};

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The search's own error: a bad parameter (naming it), or the store.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// A bad value of a watch's own settings (`name`, `min_score`, `webhook`).
    #[error("{param}: {message}")]
    Bad {
        param: &'static str,
        message: String,
    },
    #[error("no saved search named `{0}` (`builtby watch list` shows them)")]
    NotFound(String),
    #[error("a saved search named `{0}` exists already: remove it first, or choose another name")]
    Exists(String),
    #[error("saved search `{0}` was run by someone else while this run was going: nothing was saved; run it again")]
    Concurrent(String),
}

impl From<StoreError> for WatchError {
    fn from(e: StoreError) -> Self {
        WatchError::Search(SearchError::Store(e))
    }
}

fn bad(param: &'static str, message: impl Into<String>) -> WatchError {
    WatchError::Bad {
        param,
        message: message.into(),
    }
}

/// Checks a watch name (see [`valid_watch_name`]).
pub fn check_name(name: &str) -> Result<(), WatchError> {
    if valid_watch_name(name) {
        Ok(())
    } else {
        Err(bad(
            "name",
            format!(
                "`{}` is not a watch name: use 1 to {MAX_WATCH_NAME} letters, digits, `-`, `_` or `.` (e.g. pytorch-distributed)",
                builtby_model::prefix(name, 80)
            ),
        ))
    }
}

/// A minimum score: a number ≥ 0.
pub fn parse_min_score(s: &str) -> Result<f64, WatchError> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(bad(
            "min_score",
            format!("`{s}` is not a score; give a number ≥ 0 (e.g. 2.5)"),
        )),
    }
}

/// What to save: the search as typed and the watch's own settings.
#[derive(Debug, Clone)]
pub struct NewWatch {
    pub name: String,
    pub params: Params,
    pub min_score: Option<f64>,
    /// Checked by the caller (an http or https URL).
    pub webhook: Option<String>,
}

/// Saves a new watch after checking it as `search` would: its parameters are built into a
/// query and the search is run once (unknown areas, for one, are found only against the
/// store), so what `add` accepts, a run can run.
pub fn add(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    actor: &str,
    w: &NewWatch,
    now: i64,
) -> Result<Watch, WatchError> {
    check_name(&w.name)?;
    if let Some(m) = w.min_score {
        if !(m.is_finite() && m >= 0.0) {
            return Err(bad("min_score", format!("{m} is not a score ≥ 0")));
        }
    }
    let q = w.params.build(catalog, now).map_err(SearchError::from)?;
    // The store never holds an e-mail address, not even one typed as a search word.
    for (name, value) in w.params.pairs() {
        if builtby_model::looks_like_email(value) {
            let param = crate::query::SEARCH_PARAMS
                .iter()
                .find(|p| p.0 == name)
                .map_or("query", |p| p.0);
            return Err(bad(
                param,
                "holds an e-mail address, which builtby never stores: search for other words",
            ));
        }
    }
    if w.webhook
        .as_deref()
        .is_some_and(builtby_model::looks_like_email)
    {
        return Err(bad(
            "webhook",
            "holds an e-mail address, which builtby never stores",
        ));
    }
    search(store, catalog, bots, &q)?;
    let watch = Watch {
        name: w.name.clone(),
        params: w.params.pairs().to_vec(),
        min_score: w.min_score,
        webhook: w.webhook.clone(),
        created_at: now,
        created_by: actor.to_string(),
        runs: 0,
        last_run_at: None,
        last_position: None,
    };
    if !store.watch_add(&watch)? {
        return Err(WatchError::Exists(w.name.clone()));
    }
    audit(store, actor, "watch.add", describe(&watch), 0)?;
    Ok(watch)
}

/// Removes a watch and what its last run found.
pub fn remove(store: &mut Store, actor: &str, name: &str) -> Result<(), WatchError> {
    let Some(w) = store.watch(name)? else {
        return Err(WatchError::NotFound(name.to_string()));
    };
    if !store.watch_remove(&w.name)? {
        return Err(WatchError::NotFound(name.to_string()));
    }
    audit(store, actor, "watch.remove", describe(&w), 0)?;
    Ok(())
}

/// The watch by that name, or [`WatchError::NotFound`].
pub fn get(store: &Store, name: &str) -> Result<Watch, WatchError> {
    store
        .watch(name)?
        .ok_or_else(|| WatchError::NotFound(name.to_string()))
}

/// Who qualified at the watch's last saved run, best first (people who opted out since are
/// left out).
pub fn qualified(store: &Store, name: &str) -> Result<Vec<WatchedPerson>, WatchError> {
    let w = get(store, name)?;
    let people = store.watch_people(&w.name)?;
    let logins: Vec<&str> = people.iter().map(|p| p.login.as_str()).collect();
    let hidden = opted_out(store, &logins)?;
    Ok(people
        .into_iter()
        .filter(|p| !hidden.contains(&p.login.to_lowercase()))
        .collect())
}

/// The rule a person must meet, in words: "in the top 20 results with a score of at least 2".
pub fn qualifies_text(limit: u32, offset: u32, min_score: Option<f64>) -> String {
    let place = if offset == 0 {
        format!("in the top {limit} results")
    } else {
        format!("at ranks {}–{} of the results", offset + 1, offset + limit)
    };
    match min_score {
        Some(m) => format!("{place} with a score of at least {m}"),
        None => place,
    }
}

/// A person who qualifies now and did not at the last run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Newcomer {
    pub rank: u32,
    pub login: String,
    pub display: String,
    pub name: Option<String>,
    pub profile_url: Option<String>,
    pub score: f64,
    pub standing: Standing,
    /// The strongest evidence line in the search's scope: why they are here.
    pub top_evidence: Option<Evidence>,
}

/// A person who qualified at the last run and does not now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropout {
    pub login: String,
    pub display: String,
    pub name: Option<String>,
    pub profile_url: Option<String>,
    pub previous_rank: u32,
    pub previous_score: f64,
    /// Their rank and score now, when they are still among the results shown (under the
    /// minimum score).
    pub rank: Option<u32>,
    pub score: Option<f64>,
    /// Why, in words.
    pub why: String,
}

/// How a webhook delivery went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// Where it went: the URL's scheme, host and port only (the rest may hold a secret).
    pub to: String,
    pub delivered: bool,
    pub attempts: u32,
    /// Why it was not delivered, after the last attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One run of a watch: who is new, who dropped out, and what the search saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub watch: String,
    /// The search's parameters, as typed.
    pub search: Vec<(String, String)>,
    /// The rule a person must meet to qualify, in words.
    pub qualifies: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub ran_at: String,
    pub previous_run_at: Option<String>,
    pub first_run: bool,
    /// Inputs loaded (the ingest log's rows) since the last run; `None` before the first.
    pub inputs_since_last_run: Option<i64>,
    /// The ingest-log position this run saw (the id of the last input loaded).
    pub ingest_position: i64,
    /// People who matched the search (before paging).
    pub matched: u32,
    /// People who qualify now.
    pub qualifying: u32,
    pub new: Vec<Newcomer>,
    pub dropped: Vec<Dropout>,
    /// Whether the run was saved (the next run compares with it). A [`check`] is not; nor is
    /// a run whose webhook could not be delivered (the next run reports its changes again).
    pub saved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Delivery>,
    #[serde(skip)]
    people: Vec<WatchedPerson>,
    #[serde(skip)]
    runs_before: i64,
    #[serde(skip)]
    at: i64,
}

impl Run {
    pub fn has_changes(&self) -> bool {
        !self.new.is_empty() || !self.dropped.is_empty()
    }

    /// What a webhook receives: logins, names, links and scores, nothing else.
    pub fn alert(&self) -> Alert {
        Alert {
            watch: self.watch.clone(),
            ran_at: self.ran_at.clone(),
            new: self
                .new
                .iter()
                .map(|n| AlertPerson {
                    login: n.login.clone(),
                    name: alert_name(n.name.as_deref(), &n.display, &n.login),
                    profile_url: n.profile_url.clone(),
                    evidence_url: n.top_evidence.as_ref().map(|e| e.url.clone()),
                    score: n.score,
                })
                .collect(),
            dropped: self
                .dropped
                .iter()
                .map(|d| AlertPerson {
                    login: d.login.clone(),
                    name: alert_name(d.name.as_deref(), &d.display, &d.login),
                    profile_url: d.profile_url.clone(),
                    evidence_url: None,
                    score: d.score.unwrap_or(d.previous_score),
                })
                .collect(),
        }
    }
}

/// A person's name for an alert: the profile name, else the name shown for an account that is
/// not a GitHub login (`Name (git)`); without anything that looks like an e-mail address.
fn alert_name(name: Option<&str>, display: &str, login: &str) -> Option<String> {
    let n = name
        .map(str::to_string)
        .or_else(|| (display != login).then(|| display.to_string()))?;
    let n = builtby_model::scrub_emails(&n).trim().to_string();
    (!n.is_empty() && !n.contains('@')).then_some(n)
}

/// The JSON summary a webhook receives after a run with changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub watch: String,
    pub ran_at: String,
    pub new: Vec<AlertPerson>,
    pub dropped: Vec<AlertPerson>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertPerson {
    pub login: String,
    pub name: Option<String>,
    pub profile_url: Option<String>,
    /// The link to their strongest work in scope (new people only).
    pub evidence_url: Option<String>,
    /// Their score now (for a dropped person no longer shown: at the last run).
    pub score: f64,
}

/// Computes a run of `w` against the store as it is: nothing is saved.
pub fn evaluate(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    w: &Watch,
    now: i64,
) -> Result<Run, WatchError> {
    let params: Params = w.params.iter().cloned().collect();
    let q = params.build(catalog, now).map_err(SearchError::from)?;
    let position = store.ingest_position()?;
    let results = search(store, catalog, bots, &q)?;
    let previous = store.watch_people(&w.name)?;
    let shown: Vec<&SearchResult> = results.results.iter().collect();
    let logins: Vec<&str> = shown
        .iter()
        .map(|r| r.login.as_str())
        .chain(previous.iter().map(|p| p.login.as_str()))
        .collect();
    let hidden = opted_out(store, &logins)?;
    let qualifying: Vec<&SearchResult> = shown
        .iter()
        .copied()
        .filter(|r| !hidden.contains(&r.login.to_lowercase()))
        .filter(|r| w.min_score.is_none_or(|m| r.score >= m))
        .collect();
    let before: HashSet<String> = previous.iter().map(|p| p.login.to_lowercase()).collect();
    let now_in: HashSet<String> = qualifying.iter().map(|r| r.login.to_lowercase()).collect();
    let mut new: Vec<&SearchResult> = qualifying
        .iter()
        .copied()
        .filter(|r| !before.contains(&r.login.to_lowercase()))
        .collect();
    let mut gone: Vec<&WatchedPerson> = previous
        .iter()
        .filter(|p| !now_in.contains(&p.login.to_lowercase()))
        .filter(|p| !hidden.contains(&p.login.to_lowercase()))
        .collect();
    // A rename: the old login drops out and the new one comes in, for the same person.
    if !new.is_empty() && !gone.is_empty() {
        let mut person_of_new: HashMap<i64, String> = HashMap::new();
        for r in &new {
            if let Some(id) = store.person_by_login(&r.login)? {
                person_of_new.insert(id, r.login.clone());
            }
        }
        let mut renamed: HashSet<String> = HashSet::new();
        gone.retain(|p| {
            let same = store
                .person_by_login(&p.login)
                .ok()
                .flatten()
                .and_then(|id| person_of_new.get(&id));
            match same {
                Some(login) => {
                    renamed.insert(login.to_lowercase());
                    false
                }
                None => true,
            }
        });
        new.retain(|r| !renamed.contains(&r.login.to_lowercase()));
    }
    let limit_text = qualifies_text(q.limit, q.offset, None);
    let dropped = gone
        .into_iter()
        .map(|p| {
            let still = shown
                .iter()
                .find(|r| r.login.eq_ignore_ascii_case(&p.login));
            let (rank, score, why) = match (still, w.min_score) {
                (Some(r), Some(m)) => (
                    Some(r.rank),
                    Some(r.score),
                    format!("scores {} now, under the minimum {m}", short_score(r.score)),
                ),
                _ => (
                    None,
                    None,
                    format!("no longer {limit_text} (outranked, or no longer matching)"),
                ),
            };
            let (display, name) = person_names(store, &p.login)?;
            Ok(Dropout {
                profile_url: Identity::parse(&p.login).profile_url(),
                login: p.login.clone(),
                display,
                name,
                previous_rank: p.rank,
                previous_score: p.score,
                rank,
                score,
                why,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let new = new
        .into_iter()
        .map(|r| Newcomer {
            rank: r.rank,
            login: r.login.clone(),
            display: r.display.clone(),
            name: r.name.clone(),
            profile_url: r.profile_url.clone(),
            score: r.score,
            standing: r.standing.clone(),
            top_evidence: r.evidence.first().cloned(),
        })
        .collect();
    Ok(Run {
        watch: w.name.clone(),
        search: w.params.clone(),
        qualifies: qualifies_text(q.limit, q.offset, w.min_score),
        ran_at: time::iso_string(now),
        previous_run_at: w.last_run_at.map(time::iso_string),
        first_run: w.runs == 0,
        inputs_since_last_run: match w.last_position {
            Some(p) => Some(store.inputs_since(p)?),
            None => None,
        },
        ingest_position: position,
        matched: results.total,
        qualifying: qualifying.len() as u32,
        new,
        dropped,
        saved: false,
        webhook: None,
        people: qualifying
            .iter()
            .map(|r| WatchedPerson {
                login: r.login.clone(),
                score: r.score,
                rank: r.rank,
            })
            .collect(),
        runs_before: w.runs,
        at: now,
    })
}

fn short_score(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// How a person who dropped out is shown, from what the store holds about them now.
fn person_names(store: &Store, login: &str) -> Result<(String, Option<String>), StoreError> {
    let row = match store.person_by_login(login)? {
        Some(id) => store.people(&[id])?.into_iter().next(),
        None => None,
    };
    let name = row.and_then(|p| p.name);
    Ok((crate::display_name(login, name.as_deref()), name))
}

/// Computes a run of the watch `name` without saving it: who would be new, who would drop out
/// (the page's badge, `watch list`).
pub fn check(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    actor: &str,
    name: &str,
    now: i64,
) -> Result<Run, WatchError> {
    let w = get(store, name)?;
    let run = evaluate(store, catalog, bots, &w, now)?;
    audit(
        store,
        actor,
        "watch.check",
        describe(&w),
        (run.new.len() + run.dropped.len()) as u64,
    )?;
    Ok(run)
}

/// Sends a run's [`Alert`] to a webhook URL: the caller's HTTP client (`builtby_server::watch`).
pub type Deliver<'a> = dyn Fn(&str, &Alert) -> Delivery + 'a;

/// Runs the watch `name` and saves the run. When the run has changes and the watch has a
/// webhook, `deliver(url, alert)` is called first (unless `deliver` is `None`: the caller
/// chose not to send it); if it fails, the run is **not** saved, so the next run reports the
/// same changes and tries again. The [`Run`] says what was delivered and saved.
pub fn run(
    store: &mut Store,
    catalog: &Catalog,
    bots: &BotRules,
    actor: &str,
    name: &str,
    now: i64,
    deliver: Option<&Deliver>,
) -> Result<Run, WatchError> {
    let w = get(store, name)?;
    let mut run = evaluate(store, catalog, bots, &w, now)?;
    if let (Some(url), Some(deliver), true) = (&w.webhook, deliver, run.has_changes()) {
        run.webhook = Some(deliver(url, &run.alert()));
    }
    let delivered = run.webhook.as_ref().is_none_or(|d| d.delivered);
    if delivered {
        if !store.watch_save_run(
            &w.name,
            run.runs_before,
            run.at,
            run.ingest_position,
            &run.people,
        )? {
            return Err(WatchError::Concurrent(w.name.clone()));
        }
        run.saved = true;
    }
    let mut what = describe(&w);
    what["saved"] = run.saved.into();
    if let Some(d) = &run.webhook {
        what["webhook_delivered"] = d.delivered.into();
    }
    audit(
        store,
        actor,
        "watch.run",
        what,
        (run.new.len() + run.dropped.len()) as u64,
    )?;
    Ok(run)
}

/// What a watch is, for the audit log: its name and search parameters (no login, no webhook).
fn describe(w: &Watch) -> serde_json::Value {
    serde_json::json!({
        "watch": w.name,
        "params": w.params,
        "min_score": w.min_score,
    })
}

/// The one place every watch change (`watch.add`, `watch.remove`) and every run
/// (`watch.run`, `watch.check`) passes: `actor` (the OS user, or the API token's name) did
/// `action` on `what`, and `people` people were new or dropped out.
fn audit(
    store: &Store,
    actor: &str,
    action: &str,
    what: serde_json::Value,
    people: u64,
) -> Result<(), StoreError> {
    // audit: `watch.check` only counts the badge (the page asks on every load, from a
    // read-only connection); changes and runs are logged.
    if action == "watch.check" {
        return Ok(());
    }
    store.audit(actor, action, &what, people)
}

/// Of `logins`, those (lower-cased) whose people opted out: they never appear in a run, an
/// alert or a saved result set, neither as new nor as dropped.
fn opted_out(store: &Store, logins: &[&str]) -> Result<HashSet<String>, StoreError> {
    // opt-out: `Store::people` already leaves suppressed people out of the search itself;
    // this also covers the logins saved by earlier runs, which `dropped` would otherwise show.
    let mut hidden = HashSet::new();
    for l in logins {
        if store.is_suppressed(l)? {
            hidden.insert(l.to_lowercase());
        }
    }
    Ok(hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifying_in_words() {
        assert_eq!(qualifies_text(20, 0, None), "in the top 20 results");
        assert_eq!(
            qualifies_text(10, 20, Some(2.5)),
            "at ranks 21–30 of the results with a score of at least 2.5"
        );
    }

    #[test]
    fn names_and_scores_are_checked() {
        assert!(check_name("pytorch-dist").is_ok());
        for bad in ["", "a b", "../x", "x/y"] {
            let e = check_name(bad).unwrap_err();
            assert!(matches!(e, WatchError::Bad { param: "name", .. }), "{bad}");
        }
        assert_eq!(parse_min_score(" 2.5 ").unwrap(), 2.5);
        for bad in ["-1", "NaN", "inf", "lots"] {
            assert!(
                matches!(
                    parse_min_score(bad),
                    Err(WatchError::Bad {
                        param: "min_score",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn alert_names_never_hold_an_address() {
        assert_eq!(
            alert_name(Some("Ana Lima ana@example.com"), "ana", "ana").as_deref(),
            Some("Ana Lima")
        );
        assert_eq!(alert_name(Some("a@b.io"), "ana", "ana"), None);
        assert_eq!(alert_name(None, "ana", "ana"), None);
        assert_eq!(
            alert_name(None, "Ana (git)", "git:3f2a").as_deref(),
            Some("Ana (git)")
        );
    }
}
