//! The words `ask` understands: the catalog's `[ask]` tables (shipped in `default.toml`,
//! extended by a user's `--catalog` file) plus what the catalog already names (ecosystem ids and
//! names, repositories, code areas) and the search's own vocabularies (kinds, roles). Keeping
//! the words in data means a team adds its own ("our infra folks" = `role ml_infra`) without
//! touching code.

use super::tokens::key;
use crate::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The `[ask]` table of a catalog file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AskWords {
    /// Words that carry no filter ("people", "who", "please").
    #[serde(default)]
    pub filler: Vec<String>,
    /// Words that turn the next phrase into its `negated` meaning ("not", "excluding").
    #[serde(default)]
    pub negations: Vec<String>,
    /// Words before a place ("in", "based in", "from").
    #[serde(default)]
    pub place_words: Vec<String>,
    /// Words between alternatives ("or", "and").
    #[serde(default)]
    pub or_words: Vec<String>,
    /// Time units: word → `d`, `w`, `m` or `y`.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    /// Month names and abbreviations → 1..12.
    #[serde(default)]
    pub months: BTreeMap<String, u32>,
    /// Number words ("two", "a couple of" → 2) for "the last two years".
    #[serde(default)]
    pub numbers: BTreeMap<String, u32>,
    /// Repository short names and area names that are also ordinary words ("text",
    /// "models"): never read as that repository or area.
    #[serde(default)]
    pub not_names: Vec<String>,
    /// Phrases and what they set.
    #[serde(default)]
    pub phrase: Vec<Phrase>,
}

/// `{ words = ["merged prs", "landed"], set = { kind = "pr_merged" } }`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Phrase {
    pub words: Vec<String>,
    /// Search parameters (named as in `SEARCH_PARAMS`) and values, as `search` takes them.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// What the phrase means after a negation ("not in our ATS"); without it, a negated phrase
    /// is reported as not understood.
    #[serde(default)]
    pub negated: BTreeMap<String, String>,
    /// Other readings, offered as chips (the first reading is the catalog's).
    #[serde(default)]
    pub also: Vec<BTreeMap<String, String>>,
    /// A weak phrase ("PRs", "issues") gives way to any other phrase setting the same
    /// parameter: in "reviewing deepspeed PRs" the kind is the review.
    #[serde(default)]
    pub weak: bool,
}

impl AskWords {
    /// What is wrong with these words, if anything: a phrase setting a parameter `search`
    /// does not take, or a time unit other than d, w, m, y.
    pub fn check(&self) -> Option<String> {
        for p in &self.phrase {
            let sets = std::iter::once(&p.set)
                .chain(std::iter::once(&p.negated))
                .chain(&p.also);
            for name in sets.flat_map(|m| m.keys()) {
                if !crate::query::SEARCH_PARAMS.iter().any(|s| s.0 == name) {
                    return Some(format!(
                        "the phrase {:?} sets `{name}`, which is not a search parameter (repo, ecosystem, kind, since, area, metro, country, role, …)",
                        p.words.first().map(String::as_str).unwrap_or("")
                    ));
                }
            }
        }
        for (word, unit) in &self.units {
            if !["d", "w", "m", "y"].contains(&unit.as_str()) {
                return Some(format!("unit `{word}` = `{unit}`: use d, w, m or y"));
            }
        }
        None
    }

    /// A later file's words come first, so its phrases win over the shipped ones.
    pub fn extend_front(&mut self, later: AskWords) {
        fn front<T: Clone>(mine: &mut Vec<T>, theirs: Vec<T>) {
            let mut v = theirs;
            v.append(mine);
            *mine = v;
        }
        front(&mut self.filler, later.filler);
        front(&mut self.negations, later.negations);
        front(&mut self.place_words, later.place_words);
        front(&mut self.or_words, later.or_words);
        front(&mut self.not_names, later.not_names);
        front(&mut self.phrase, later.phrase);
        self.units.extend(later.units);
        self.months.extend(later.months);
        self.numbers.extend(later.numbers);
    }
}

/// One reading of a phrase: parameter/value pairs.
pub type Setting = Vec<(String, String)>;

/// What a phrase (its words normalised by [`key`], joined by one space) means.
#[derive(Debug, Clone, Default)]
pub struct Meaning {
    pub set: Setting,
    pub negated: Setting,
    /// Other readings: a later entry for the same words, or the entry's `also`.
    pub also: Vec<Setting>,
    /// Where the meaning comes from, for `--explain`: `catalog [ask]`, `ecosystem`, `area`…
    pub from: &'static str,
    pub weak: bool,
}

/// Every phrase `ask` knows, and the single words they are made of (for typo correction).
#[derive(Debug, Default)]
pub struct Lexicon {
    pub phrases: HashMap<String, Meaning>,
    /// Longest phrase, in words.
    pub longest: usize,
    pub filler: HashSet<String>,
    pub negations: Vec<Vec<String>>,
    pub place_words: Vec<Vec<String>>,
    pub or_words: HashSet<String>,
    pub units: HashMap<String, char>,
    pub months: HashMap<String, u32>,
    pub numbers: HashMap<String, u32>,
    /// Every word of every phrase and list above, with the words of metro and country names:
    /// what a typo is corrected to.
    pub known: HashSet<String>,
}

fn pairs(m: &BTreeMap<String, String>) -> Setting {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn words_of(s: &str) -> Vec<String> {
    key(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

impl Lexicon {
    /// The lexicon of a catalog: its `[ask]` words first, then what it names.
    pub fn new(catalog: &Catalog) -> Lexicon {
        let w = &catalog.ask;
        let mut lx = Lexicon::default();
        for p in &w.phrase {
            let m = Meaning {
                set: pairs(&p.set),
                negated: pairs(&p.negated),
                also: p.also.iter().map(pairs).collect(),
                from: "catalog [ask]",
                weak: p.weak,
            };
            for words in &p.words {
                lx.add(words, m.clone());
            }
        }
        let one = |p: &str, v: &str| vec![(p.to_string(), v.to_string())];
        for e in &catalog.ecosystems {
            for name in [&e.id, &e.name] {
                lx.add(
                    name,
                    Meaning {
                        set: one("ecosystem", &e.id),
                        from: "catalog ecosystem",
                        ..Default::default()
                    },
                );
            }
        }
        let not_names: HashSet<String> = w.not_names.iter().map(|n| key(n)).collect();
        let mut short: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for e in &catalog.ecosystems {
            for r in &e.repos {
                lx.add(
                    &r.name,
                    Meaning {
                        set: one("repo", &r.name),
                        also: vec![one("ecosystem", &e.id)],
                        from: "catalog repository",
                        ..Default::default()
                    },
                );
                if let Some((_, n)) = r.name.split_once('/') {
                    short
                        .entry(key(n))
                        .or_default()
                        .push((r.name.clone(), e.id.clone()));
                }
            }
        }
        let mut short: Vec<_> = short.into_iter().collect();
        short.sort();
        for (n, repos) in short {
            // a short name two repositories share ("text") or an ordinary word is no name
            if repos.len() == 1 && n.len() >= 4 && !not_names.contains(&n) {
                let (repo, eco) = &repos[0];
                lx.add(
                    &n,
                    Meaning {
                        set: one("repo", repo),
                        also: vec![one("ecosystem", eco)],
                        from: "catalog repository",
                        ..Default::default()
                    },
                );
            }
        }
        for name in crate::areas::known_names(catalog, None) {
            // a comma would split the value in two (`area` takes comma-separated lists)
            if !name.contains("<folder>") && !name.contains(',') && !not_names.contains(&key(&name))
            {
                lx.add(
                    &name,
                    Meaning {
                        set: one("area", &name),
                        from: "catalog area",
                        ..Default::default()
                    },
                );
            }
        }
        for k in builtby_model::Kind::ALL {
            lx.add(
                k.as_str(),
                Meaning {
                    set: one("kind", k.as_str()),
                    from: "kind",
                    ..Default::default()
                },
            );
        }
        for r in crate::Role::ALL {
            lx.add(
                r.as_str(),
                Meaning {
                    set: one("role", r.as_str()),
                    from: "role",
                    ..Default::default()
                },
            );
        }
        lx.filler = w.filler.iter().map(|f| key(f)).collect();
        lx.negations = w.negations.iter().map(|n| words_of(n)).collect();
        lx.place_words = w.place_words.iter().map(|n| words_of(n)).collect();
        // longest first, so "based in" is tried before "in"
        lx.negations.sort_by_key(|n| std::cmp::Reverse(n.len()));
        lx.place_words.sort_by_key(|n| std::cmp::Reverse(n.len()));
        lx.or_words = w.or_words.iter().map(|n| key(n)).collect();
        lx.units = w
            .units
            .iter()
            .filter_map(|(k, v)| Some((key(k), v.chars().next()?)))
            .collect();
        lx.months = w.months.iter().map(|(k, v)| (key(k), *v)).collect();
        lx.numbers = w.numbers.iter().map(|(k, v)| (key(k), *v)).collect();
        let mut known: HashSet<String> = HashSet::new();
        for p in lx.phrases.keys() {
            known.extend(p.split(' ').map(String::from));
        }
        for l in [&lx.negations, &lx.place_words] {
            known.extend(l.iter().flatten().cloned());
        }
        // not the filler words: a word read as "just" would vanish from the answer
        known.extend(lx.units.keys().cloned());
        known.extend(lx.months.keys().cloned());
        known.extend(lx.numbers.keys().cloned());
        for m in builtby_locate::METROS {
            known.extend(words_of(m.name));
            for a in m.aliases {
                known.extend(words_of(a));
            }
        }
        known.extend(
            super::place::country_names()
                .into_iter()
                .flat_map(|n| words_of(&n)),
        );
        // single letters and digits are never typos of anything
        known.retain(|w| w.chars().count() > 1 && !w.chars().all(|c| c.is_ascii_digit()));
        lx.known = known;
        lx
    }

    /// Adds a phrase; the first meaning of a phrase stays, later ones become alternatives.
    fn add(&mut self, words: &str, m: Meaning) {
        let k = key(words);
        if k.is_empty() {
            return;
        }
        self.longest = self.longest.max(k.split(' ').count());
        match self.phrases.get_mut(&k) {
            None => {
                self.phrases.insert(k, m);
            }
            Some(first) => {
                if first.set != m.set && !m.set.is_empty() && !first.also.contains(&m.set) {
                    first.also.push(m.set);
                }
            }
        }
    }
}
