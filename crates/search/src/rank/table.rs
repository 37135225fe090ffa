//! The `[rank]` section of the catalog: every number the rules use, in one table that users
//! can override.
//!
//! Each rule has a sub-table, `[rank.<rule>]`. Weighted rules take a points value per kind
//! (`review = 4.0`); `depth` takes `points_per_month` and the `kinds` that make a month
//! active; `recency` takes `window_days`, the `default` points of a contribution and points
//! for the kinds that count otherwise. A later file (the user's `--catalog`) replaces the
//! values it names and keeps the others, so a one-line file can retune one weight.
//!
//! Which rules exist, their order and what they are for stay in code: a rule is arithmetic,
//! not data. A misspelt key would silently keep the shipped value, so unknown keys are an
//! error that names them; negative weights would break monotonicity, so they are one too.

use super::measured::{Kaggle, Models, Papers};
use super::{Depth, Recency, Rule, Rules, Weighted};
use builtby_model::Kind;
use std::collections::BTreeMap;
use toml::{Table, Value};

#[derive(Debug, thiserror::Error)]
pub enum RankError {
    #[error("unknown key `{key}`; expected {expected}")]
    UnknownKey { key: String, expected: String },
    #[error("`{key}`: unknown kind `{value}`; expected one of: {expected}")]
    UnknownKind {
        key: String,
        value: String,
        expected: String,
    },
    #[error("`{key}` must be {expected}")]
    BadValue { key: String, expected: &'static str },
    #[error("[rank.{rule}] has no `{key}`")]
    Missing {
        rule: &'static str,
        key: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Weighted,
    Depth,
    Recency,
    /// A rule over measured work, with these numeric keys.
    Measured(&'static [&'static str]),
}

const MODELS_KEYS: &[&str] = &[
    "per_model",
    "per_tenfold_downloads",
    "per_tenfold_likes",
    "card",
];
const PAPERS_KEYS: &[&str] = &["per_paper", "code", "off_topic"];
const KAGGLE_KEYS: &[&str] = &[
    "novice",
    "contributor",
    "expert",
    "master",
    "grandmaster",
    "gold",
    "silver",
    "bronze",
];

/// The rules in order of importance: name, shape, and (for weighted rules) a short title for
/// the label and what they are for, in words, for the rule's `about`.
const RULES: &[(&str, Shape, &str, &str)] = &[
    (
        "merged_work",
        Shape::Weighted,
        "Merged PRs",
        "Merged pull requests, weighted by the repository's review scrutiny",
    ),
    (
        "reviews",
        Shape::Weighted,
        "Reviews",
        "Reviews and review comments given to others",
    ),
    (
        "feedback",
        Shape::Weighted,
        "Answers review",
        "Own merged PRs that others reviewed and the author answered, × review rounds survived (up to 3)",
    ),
    ("models", Shape::Measured(MODELS_KEYS), "", ""),
    ("papers", Shape::Measured(PAPERS_KEYS), "", ""),
    ("kaggle", Shape::Measured(KAGGLE_KEYS), "", ""),
    (
        "conversation",
        Shape::Weighted,
        "PRs opened, issues, comments",
        "Pull requests opened, issues and discussion",
    ),
    (
        "maintenance",
        Shape::Weighted,
        "Maintenance",
        "Write access granted, releases published, pushes",
    ),
    (
        "commits",
        Shape::Weighted,
        "Commits",
        "Commits on the default branch (git histories), co-authored and reviewed commits; commits of a merged PR in the store count with the PR, not again",
    ),
    ("depth", Shape::Depth, "", ""),
    ("recency", Shape::Recency, "", ""),
];

const WEIGHT: &str = "a number ≥ 0 (a negative weight would let more work lower a score)";

/// `[rank]` as the catalog files give it, merged key by key: a later file's value wins.
#[derive(Debug, Default)]
pub(crate) struct RankTable {
    /// (rule, key) → value, already checked.
    values: BTreeMap<(&'static str, String), Value>,
}

impl RankTable {
    /// Checks one file's `[rank]` table and lays it over what earlier files said.
    pub(crate) fn merge(&mut self, rank: Table) -> Result<(), RankError> {
        for (rule, body) in rank {
            let Some(&(name, shape, _, _)) = RULES.iter().find(|r| r.0 == rule) else {
                return Err(RankError::UnknownKey {
                    key: format!("rank.{rule}"),
                    expected: format!(
                        "a rule: {}",
                        RULES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
                    ),
                });
            };
            let Value::Table(body) = body else {
                return Err(RankError::BadValue {
                    key: format!("rank.{rule}"),
                    expected: "a table, [rank.<rule>]",
                });
            };
            for (key, value) in body {
                check(name, shape, &key, &value)?;
                self.values.insert((name, key), value);
            }
        }
        Ok(())
    }

    /// The rules with their numbers, once every file is merged.
    pub(crate) fn rules(&self) -> Result<Rules, RankError> {
        let mut rules = Vec::new();
        for &(name, shape, title, about) in RULES {
            let get = |key: &'static str| {
                self.values
                    .get(&(name, key.to_string()))
                    .ok_or(RankError::Missing { rule: name, key })
            };
            rules.push(match shape {
                Shape::Weighted => Rule::Weighted(Weighted {
                    name,
                    title,
                    about,
                    weights: self.kind_weights(name),
                }),
                Shape::Depth => Rule::Depth(Depth {
                    points_per_month: number(get("points_per_month")?),
                    kinds: get("kinds")?
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str()?.parse().ok())
                        .collect(),
                }),
                Shape::Recency => Rule::Recency(Recency {
                    window_days: get("window_days")?.as_integer().unwrap_or(0),
                    default: number(get("default")?),
                    weights: self.kind_weights(name),
                }),
                Shape::Measured(keys) => {
                    let mut v = Vec::with_capacity(keys.len());
                    for k in keys {
                        v.push(number(get(k)?));
                    }
                    match name {
                        "models" => Rule::Models(Models {
                            per_model: v[0],
                            per_tenfold_downloads: v[1],
                            per_tenfold_likes: v[2],
                            card: v[3],
                        }),
                        "papers" => Rule::Papers(Papers {
                            per_paper: v[0],
                            code: v[1],
                            off_topic: v[2],
                        }),
                        _ => Rule::Kaggle(Kaggle {
                            tiers: [v[0], v[1], v[2], v[3], v[4]],
                            medals: [v[5], v[6], v[7]],
                        }),
                    }
                }
            });
        }
        Ok(Rules::new(rules))
    }

    /// The rule's kind keys, largest weight first (the order a label reads best in).
    fn kind_weights(&self, rule: &'static str) -> Vec<(Kind, f64)> {
        let mut w: Vec<(Kind, f64)> = Kind::ALL
            .iter()
            .filter_map(|k| {
                let v = self.values.get(&(rule, k.as_str().to_string()))?;
                Some((*k, number(v)))
            })
            .collect();
        w.sort_by(|a, b| b.1.total_cmp(&a.1));
        w
    }
}

/// A checked number (integer or float).
fn number(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn is_weight(v: &Value) -> bool {
    match v {
        Value::Integer(i) => *i >= 0,
        Value::Float(f) => f.is_finite() && *f >= 0.0,
        _ => false,
    }
}

/// Checks one `[rank.<rule>]` key and its value.
fn check(rule: &str, shape: Shape, key: &str, value: &Value) -> Result<(), RankError> {
    let full = || format!("rank.{rule}.{key}");
    let bad = |expected| {
        Err(RankError::BadValue {
            key: full(),
            expected,
        })
    };
    let kinds = || Kind::ALL.map(|k| k.as_str()).join(", ");
    let is_kind = key.parse::<Kind>().is_ok();
    match (shape, key) {
        (Shape::Measured(keys), k) if keys.contains(&k) => {
            if !is_weight(value) {
                return bad(WEIGHT);
            }
        }
        (Shape::Measured(keys), _) => {
            return Err(RankError::UnknownKey {
                key: full(),
                expected: keys.join(", "),
            })
        }
        (Shape::Depth, "points_per_month") | (Shape::Recency, "default") => {
            if !is_weight(value) {
                return bad(WEIGHT);
            }
        }
        (Shape::Depth, "kinds") => {
            let Some(list) = value.as_array() else {
                return bad("a list of contribution kinds");
            };
            for k in list {
                match k.as_str() {
                    Some(s) if s.parse::<Kind>().is_ok() => {}
                    Some(s) => {
                        return Err(RankError::UnknownKind {
                            key: full(),
                            value: s.to_string(),
                            expected: kinds(),
                        })
                    }
                    None => return bad("a list of contribution kinds"),
                }
            }
        }
        (Shape::Recency, "window_days") => {
            if !matches!(value, Value::Integer(i) if *i >= 0) {
                return bad("a whole number of days ≥ 0");
            }
        }
        (Shape::Weighted | Shape::Recency, _) if is_kind => {
            if !is_weight(value) {
                return bad(WEIGHT);
            }
        }
        (Shape::Weighted, _) => {
            return Err(RankError::UnknownKey {
                key: full(),
                expected: format!("a contribution kind: {}", kinds()),
            })
        }
        (Shape::Depth, _) => {
            return Err(RankError::UnknownKey {
                key: full(),
                expected: "points_per_month or kinds".into(),
            })
        }
        (Shape::Recency, _) => {
            return Err(RankError::UnknownKey {
                key: full(),
                expected: format!("window_days, default or a contribution kind: {}", kinds()),
            })
        }
    }
    Ok(())
}
