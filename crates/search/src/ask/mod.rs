//! `ask`: a recruiter's sentence becomes the search's filters, shown back before it runs.
//!
//! "people who reviewed PRs in huggingface repos since 2024 in germany" →
//! `--kind review,review_comment --ecosystem huggingface --since 2024-01-01 --country DE`.
//!
//! Why no model: the answer must be the same every time, offline, in microseconds, and
//! explainable word by word. The reading is a left-to-right pass over the sentence's words
//! ([`tokens`]) that, at each word, takes the first of:
//! 1. text in quotes (`text`), a repository (`owner/name`), an arXiv category (`papers`);
//! 2. a time phrase ([`time`]);
//! 3. a count of downloads ("10k+ downloads" → `min_downloads`);
//! 4. a negation ("not", "excluding"): the next phrase takes its `negated` meaning;
//! 5. the longest known phrase ([`words`]: the catalog's `[ask]` phrases, its ecosystems,
//!    repositories and areas, the kinds and roles);
//! 6. a place word ("in", "based in") and a place ([`place`]), then more places after "or";
//! 7. a metro or country name on its own ("Bay Area", "Germany");
//! 8. a filler word;
//! 9. a typo: a word within a small edit distance of a known word is read as that word
//!    (and shown as such).
//!
//! Anything else is listed back in `unknown`, never dropped. What was read becomes
//! [`Params`](crate::query::Params), the very pairs `search` builds its [`Query`] from, so
//! `ask` and the equivalent `search` cannot differ.

pub mod place;
pub mod time;
pub mod tokens;
pub mod words;

use crate::query::{Params, QueryError, SEARCH_PARAMS};
use crate::{Catalog, Query};
use serde::Serialize;
use tokens::{Token, What};
use words::{Lexicon, Setting};

/// Longest sentence read, in characters: a recruiter's request fits in a few lines, and the
/// reading tries a few runs of words at each word.
pub const MAX_ASK_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AskError {
    #[error("the sentence is too long ({chars} characters); use at most {MAX_ASK_CHARS}")]
    TooLong { chars: usize },
    #[error("the sentence has no words; write what you look for, e.g. \"people who merged PRs into pytorch since 2024 in Berlin\"")]
    NoWords,
    #[error("no filter understood in the sentence; not understood: {}", .unknown.join(", "))]
    NothingUnderstood { unknown: Vec<String> },
    /// What was read is not a valid search (e.g. "since 2024 until 2022").
    #[error("{0}")]
    Query(#[from] QueryError),
}

impl AskError {
    /// The parameter at fault, as the API's errors name it.
    pub fn param(&self) -> &'static str {
        match self {
            AskError::Query(q) => q.param,
            _ => "q",
        }
    }
}

/// How a chip's words were read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// A known phrase, as written.
    Phrase,
    /// A known phrase with a typo corrected: `typed` was read as `read`.
    Typo { typed: String, read: String },
    /// A pattern: a date, a duration, a count, a repository, quoted text.
    Pattern,
    /// A place from the gazetteer.
    Place,
    /// A phrase after a negation ("not in our ATS").
    Negated,
}

/// One understood filter: the parameter and value `search` is given, and the words it came
/// from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chip {
    pub param: String,
    pub value: String,
    /// The words as typed.
    pub words: String,
    /// Byte offsets of `words` in the sentence.
    pub start: usize,
    pub end: usize,
    pub how: How,
    /// Other readings of the same words, `param=value` pairs.
    pub alternatives: Vec<(String, String)>,
    /// Where the meaning comes from (`catalog [ask]`, `catalog ecosystem`, `gazetteer`…).
    pub from: &'static str,
    /// False when the chip is only shown: a single-valued parameter already set by an
    /// earlier chip (a second place: a search takes one metro), a weak phrase another chip
    /// makes redundant, or words read as another chip's alternative.
    pub used: bool,
    /// Why the chip is not used, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unused: Option<String>,
    /// A weak phrase ("PRs") gives way to any other chip for the same parameter.
    #[serde(skip)]
    pub weak: bool,
}

/// Words not understood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unknown {
    pub words: String,
    pub start: usize,
    pub end: usize,
    /// Why, when there is more to say than "not a known word".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A sentence as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Asked {
    pub sentence: String,
    pub chips: Vec<Chip>,
    pub unknown: Vec<Unknown>,
    /// The search parameters, in `SEARCH_PARAMS` order: what `/api/search` and `search` take.
    pub params: Vec<(String, String)>,
    /// The equivalent command line.
    pub command: String,
}

impl Asked {
    /// The parameters as `search` takes them.
    pub fn to_params(&self) -> Params {
        self.params.iter().cloned().collect()
    }

    /// The unknown words, as typed.
    pub fn unknown_words(&self) -> Vec<String> {
        self.unknown.iter().map(|u| u.words.clone()).collect()
    }
}

/// Reads a sentence. Errors for a sentence too long or without words; a sentence whose
/// every word is unknown is read (with them all in `unknown`), and [`ask`] refuses it.
pub fn read(sentence: &str, catalog: &Catalog, now: i64) -> Result<Asked, AskError> {
    // bytes first: 10 kB is refused without counting characters
    let chars = sentence.chars().count();
    if sentence.len() > MAX_ASK_CHARS * 4 || chars > MAX_ASK_CHARS {
        return Err(AskError::TooLong { chars });
    }
    if !sentence.chars().any(char::is_alphanumeric) {
        return Err(AskError::NoWords);
    }
    let lx = lexicon(catalog);
    let t = tokens::tokens(sentence);
    let mut r = Reader {
        s: sentence,
        t: &t,
        lx: &lx,
        now,
        chips: Vec::new(),
        unknown: Vec::new(),
        negate: None,
    };
    r.run();
    let Reader {
        mut chips,
        mut unknown,
        negate,
        ..
    } = r;
    if let Some((start, end)) = negate {
        unknown.push(Unknown {
            words: sentence[start..end].to_string(),
            start,
            end,
            why: Some("a negation with nothing after it that can be excluded".into()),
        });
    }
    unknown.sort_by_key(|u| u.start);
    let params = assemble(&mut chips);
    let command = command(&params);
    Ok(Asked {
        sentence: sentence.to_string(),
        chips,
        unknown,
        params,
        command,
    })
}

/// Reads a sentence and builds its search query with `extra` parameters (`limit`, `as_of`…)
/// added, exactly as `search` builds one.
pub fn ask(
    sentence: &str,
    extra: &Params,
    catalog: &Catalog,
    now: i64,
) -> Result<(Asked, Query), AskError> {
    let asked = read(sentence, catalog, now_for(extra, now)?)?;
    if asked.chips.is_empty() {
        return Err(AskError::NothingUnderstood {
            unknown: asked.unknown_words(),
        });
    }
    let mut p = asked.to_params();
    for (n, v) in extra.pairs() {
        p.push(n, v.as_str());
    }
    let q = p.build(catalog, now)?;
    Ok((asked, q))
}

/// Relative phrases ("this year") count from `as_of` when it is given, as durations do.
fn now_for(extra: &Params, now: i64) -> Result<i64, AskError> {
    match extra
        .pairs()
        .iter()
        .find(|(n, v)| n == "as_of" && !v.trim().is_empty())
    {
        Some((_, v)) => Ok(crate::query::parse_time("as_of", v, now)?),
        None => Ok(now),
    }
}

/// The lexicon of the shipped catalog is built once; a user's catalog builds its own.
fn lexicon(catalog: &Catalog) -> std::sync::Arc<Lexicon> {
    use std::sync::{Arc, Mutex, OnceLock};
    /// (the catalog's digest and words, its lexicon), the last few catalogs used
    type Cache = Mutex<Vec<(String, Arc<Lexicon>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let digest = format!("{}\n{:?}", catalog.digest(), catalog.ask);
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, l)) = c.iter().find(|(d, _)| *d == digest) {
        return l.clone();
    }
    let l = Arc::new(Lexicon::new(catalog));
    if c.len() >= 4 {
        c.remove(0);
    }
    c.push((digest, l.clone()));
    l
}

/// Chips → parameters in `SEARCH_PARAMS` order. A repeatable parameter takes every value
/// once; a single-valued one its first value (later chips for it are marked unused), but for
/// `papers`, where a category ("cs.LG") is more precise than "any". Before that, two readings
/// in context:
/// - a weak phrase ("PRs" after "reviewing") gives way to any other chip for its parameter;
/// - a name read as one parameter whose other reading (the same name as another parameter)
///   is set by another chip is that reading, already counted ("published models on Hugging
///   Face": the platform, not the ecosystem).
fn assemble(chips: &mut [Chip]) -> Vec<(String, String)> {
    for i in 0..chips.len() {
        let c = &chips[i];
        let others = || chips.iter().enumerate().filter(move |(j, _)| *j != i);
        let weak_gives_way = c.weak && others().any(|(_, o)| o.param == c.param && !o.weak);
        let read_as_other = c.alternatives.iter().any(|(p, v)| {
            v.eq_ignore_ascii_case(&c.value)
                && others().any(|(_, o)| &o.param == p && o.value.eq_ignore_ascii_case(v))
        });
        if weak_gives_way || read_as_other {
            let why = if weak_gives_way {
                format!("another phrase says which {}", chips[i].param)
            } else {
                "read as the other filter these words also mean, already set".to_string()
            };
            chips[i].used = false;
            chips[i].unused = Some(why);
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for &(param, repeatable, _) in SEARCH_PARAMS {
        let mut values: Vec<String> = Vec::new();
        for c in chips.iter_mut().filter(|c| c.param == param && c.used) {
            if repeatable {
                for v in c.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    if !values.iter().any(|x| x.eq_ignore_ascii_case(v)) {
                        values.push(v.to_string());
                    }
                }
            } else if values.is_empty() {
                values.push(c.value.clone());
            } else if param == "papers" && values[0] == "any" {
                values[0] = c.value.clone();
            } else if !values[0].eq_ignore_ascii_case(&c.value) {
                c.used = false;
                c.unused = Some(format!(
                    "a search takes one {param}: the first one named ({}) is used",
                    values[0]
                ));
            }
        }
        if !values.is_empty() {
            out.push((param.to_string(), values.join(",")));
        }
    }
    out
}

/// `builtby search --kind review,review_comment --country DE`
fn command(params: &[(String, String)]) -> String {
    let mut s = String::from("builtby search");
    for (n, v) in params {
        let flag = n.replace('_', "-");
        let plain = !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./*,:".contains(c));
        // flags whose value is optional take it after `=` (`--include-bots=false`)
        let sep = if ["include_bots", "not_in_ats", "papers"].contains(&n.as_str()) {
            "="
        } else {
            " "
        };
        if plain {
            s.push_str(&format!(" --{flag}{sep}{v}"));
        } else {
            s.push_str(&format!(" --{flag}{sep}'{}'", v.replace('\'', "'\\''")));
        }
    }
    s
}

struct Reader<'a> {
    s: &'a str,
    t: &'a [Token],
    lx: &'a Lexicon,
    now: i64,
    chips: Vec<Chip>,
    unknown: Vec<Unknown>,
    /// A pending negation's words.
    negate: Option<(usize, usize)>,
}

impl Reader<'_> {
    fn run(&mut self) {
        let mut i = 0;
        while i < self.t.len() {
            i += self.step(i).max(1);
        }
    }

    fn typed(&self, i: usize, n: usize) -> (String, usize, usize) {
        let (start, end) = (self.t[i].start, self.t[i + n - 1].end);
        (self.s[start..end].to_string(), start, end)
    }

    fn chip(
        &mut self,
        i: usize,
        n: usize,
        param: &str,
        value: String,
        how: How,
        from: &'static str,
    ) {
        let (words, start, end) = self.typed(i, n);
        self.chips.push(Chip {
            param: param.to_string(),
            value,
            words,
            start,
            end,
            how,
            alternatives: Vec::new(),
            from,
            used: true,
            unused: None,
            weak: false,
        });
    }

    fn unknown(&mut self, i: usize, n: usize, why: Option<String>) {
        let (words, start, end) = self.typed(i, n);
        self.unknown.push(Unknown {
            words,
            start,
            end,
            why,
        });
    }

    /// Reads at `i`; returns the words used.
    fn step(&mut self, i: usize) -> usize {
        let tok = &self.t[i];
        match &tok.what {
            What::Comma => return 1,
            What::Quoted => {
                self.chip(i, 1, "text", tok.text.clone(), How::Pattern, "quotes");
                return 1;
            }
            What::Repo => {
                self.chip(
                    i,
                    1,
                    "repo",
                    tok.text.clone(),
                    How::Pattern,
                    "repository name",
                );
                return 1;
            }
            What::Category => {
                self.chip(
                    i,
                    1,
                    "papers",
                    category(&tok.text),
                    How::Pattern,
                    "arXiv category",
                );
                return 1;
            }
            What::Date => {
                // a date on its own: "since" was left out ("2024-01-01 onwards" is read above)
                self.chip(i, 1, "since", tok.text.clone(), How::Pattern, "date");
                return 1;
            }
            _ => {}
        }
        if let Some((n, set)) = time::read(self.t, i, self.lx, self.now) {
            for (p, v) in set {
                self.chip(i, n, &p, v, How::Pattern, "time");
            }
            return n;
        }
        if let Some(n) = self.downloads(i) {
            return n;
        }
        if let Some(n) = self.negation(i) {
            let (_, start, end) = self.typed(i, n);
            self.negate = Some((self.negate.map_or(start, |(s, _)| s), end));
            return n;
        }
        if let Some(n) = self.phrase(i, None) {
            return n;
        }
        if let Some(n) = self.places(i) {
            return n;
        }
        if tok.what == What::Word && self.lx.filler.contains(&tok.text) {
            return 1;
        }
        if tok.what == What::Word && self.lx.or_words.contains(&tok.text) {
            return 1;
        }
        if let Some(n) = self.typo(i) {
            return n;
        }
        if let What::Number(_) = tok.what {
            self.unknown(
                i,
                1,
                Some("a number with nothing it counts (downloads, months, years)".into()),
            );
        } else {
            self.unknown(i, 1, None);
        }
        1
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.t
            .get(i)
            .filter(|t| t.what == What::Word)
            .map(|t| t.text.as_str())
    }

    /// Whether a time phrase, a negation or a place word begins at `j`.
    fn starts_something(&self, j: usize) -> bool {
        time::read(self.t, j, self.lx, self.now).is_some()
            || self.negation(j).is_some()
            || self.lx.place_words.iter().any(|p| self.at(j, p))
    }

    /// The words at `i` up to the first token that is not one, at most `max`.
    fn words_from(&self, i: usize, max: usize) -> Vec<&str> {
        (i..self.t.len())
            .take(max)
            .map_while(|j| self.word(j))
            .collect()
    }

    /// Whether the words at `i` are `words`.
    fn at(&self, i: usize, words: &[String]) -> bool {
        words
            .iter()
            .enumerate()
            .all(|(k, w)| self.word(i + k) == Some(w.as_str()))
    }

    fn negation(&self, i: usize) -> Option<usize> {
        self.lx
            .negations
            .iter()
            .find(|n| self.at(i, n))
            .map(|n| n.len())
    }

    /// "10k+ downloads", "more than 1m downloads", "at least 5,000 downloads".
    fn downloads(&mut self, i: usize) -> Option<usize> {
        let n = match &self.t[i].what {
            What::Number(n) => *n,
            What::Word => tokens::count_word(&self.t[i].text)?,
            _ => return None,
        };
        let mut k = i + 1;
        if self
            .word(k)
            .is_some_and(|w| w == "model" || w == "models" || w == "hf" || w == "total")
        {
            k += 1;
        }
        if !self
            .word(k)
            .is_some_and(|w| w == "downloads" || w == "download" || w == "dls")
        {
            return None;
        }
        // "over", "more than", "at least" before the number are filler words
        self.chip(
            i,
            k + 1 - i,
            "min_downloads",
            n.to_string(),
            How::Pattern,
            "count",
        );
        Some(k + 1 - i)
    }

    /// The longest known phrase at `i` (also with a plural's `s` dropped from its last word).
    /// `word0` replaces the first word (a typo's correction).
    fn phrase(&mut self, i: usize, word0: Option<(&str, &str)>) -> Option<usize> {
        let words = self.words_from(i, self.lx.longest);
        for n in (1..=words.len()).rev() {
            let mut ws: Vec<&str> = words[..n].to_vec();
            if let Some((_, read)) = word0 {
                ws[0] = read;
            }
            let joined = ws.join(" ");
            // plurals both ways: "maintainer" = "maintainers", "networks" = "network"
            let plural = format!("{joined}s");
            let m = self
                .lx
                .phrases
                .get(&joined)
                .or_else(|| match joined.strip_suffix('s') {
                    Some(stem) if stem.len() >= 3 => self.lx.phrases.get(stem),
                    _ if joined.len() >= 3 => self.lx.phrases.get(&plural),
                    _ => None,
                });
            let Some(m) = m.cloned() else { continue };
            let negated = self.negate.take();
            let (setting, how) = match (negated, word0) {
                (Some(_), _) if !m.negated.is_empty() => (m.negated.clone(), How::Negated),
                (Some((s, e)), _) => {
                    // "not pytorch": a search cannot exclude what this phrase sets
                    let (w, _, end) = self.typed(i, n);
                    self.unknown.push(Unknown {
                        words: format!("{} {w}", &self.s[s..e]),
                        start: s,
                        end,
                        why: Some("a search cannot exclude this".into()),
                    });
                    return Some(n);
                }
                (None, Some((typed, read))) => (
                    m.set.clone(),
                    How::Typo {
                        typed: typed.to_string(),
                        read: read.to_string(),
                    },
                ),
                (None, None) => (m.set.clone(), How::Phrase),
            };
            if setting.is_empty() {
                self.unknown(
                    i,
                    n,
                    Some("only meaningful after a negation (\"not …\")".into()),
                );
                return Some(n);
            }
            self.set(i, n, &setting, &m, how);
            return Some(n);
        }
        None
    }

    fn set(&mut self, i: usize, n: usize, setting: &Setting, m: &words::Meaning, how: How) {
        let first = self.chips.len();
        for (p, v) in setting {
            self.chip(i, n, p, v.clone(), how.clone(), m.from);
        }
        let alts: Vec<(String, String)> = m.also.iter().flatten().cloned().collect();
        for c in &mut self.chips[first..] {
            c.weak = m.weak;
        }
        if let Some(c) = self.chips.get_mut(first) {
            c.alternatives = alts;
        }
    }

    /// A place word and one or more places ("in Berlin or Warsaw"), or a metro or country
    /// named on its own.
    fn places(&mut self, i: usize) -> Option<usize> {
        let pw = self
            .lx
            .place_words
            .iter()
            .find(|p| self.at(i, p))
            .map(|p| p.len());
        let mut k = i + pw.unwrap_or(0);
        if pw.is_some() && self.word(k) == Some("the") {
            k += 1;
        }
        self.one_place(k, pw.is_some())
            .map(|n| {
                k += n;
                // "Berlin, Germany", "Berlin or Warsaw", "NYC/SF"
                loop {
                    let mut j = k;
                    while self.t.get(j).is_some_and(|t| t.what == What::Comma)
                        || self.word(j).is_some_and(|w| self.lx.or_words.contains(w))
                    {
                        j += 1;
                    }
                    if j == k {
                        break;
                    }
                    match self.place_at(j, true).map(|(n, _, _)| n) {
                        Some(_) => k = j + self.one_place(j, true).unwrap_or(0),
                        None => break,
                    }
                }
                k - i
            })
            // a place word with no place after it ("in huggingface repos") is a filler word
            .or(pw)
    }

    /// The longest run of words at `k` (up to 4) naming a place; a run a phrase would read
    /// (an ecosystem, "our ATS") is not a place. Returns the words used.
    fn place_at(&self, k: usize, after_place_word: bool) -> Option<(usize, &'static str, String)> {
        // a place's words end where a time phrase, a negation or another place word begins
        // ("Seoul since 2021", "San Francisco not in our ATS")
        let mut words = self.words_from(k, 4);
        if let Some(stop) = (1..words.len()).find(|&j| self.starts_something(k + j)) {
            words.truncate(stop);
        }
        for n in (1..=words.len()).rev() {
            let ws = &words[..n];
            let run = ws.join(" ");
            // "in huggingface repos": a word a phrase reads is not part of a place; nor is a
            // filler word ("ML people" is no Mali), but for one alone after a place word
            // ("in the US")
            if ws.iter().any(|w| {
                self.lx.phrases.contains_key(*w)
                    || ((n > 1 || !after_place_word) && self.lx.filler.contains(*w))
                    || self.lx.or_words.contains(*w)
            }) {
                continue;
            }
            let (typed, _, _) = self.typed(k, n);
            if let Some((p, v)) = place::place(&run, &typed, after_place_word) {
                return Some((n, p, v));
            }
        }
        None
    }

    fn one_place(&mut self, k: usize, after_place_word: bool) -> Option<usize> {
        let (n, p, v) = self.place_at(k, after_place_word)?;
        self.negate = None;
        self.chip(k, n, p, v, How::Place, "gazetteer");
        Some(n)
    }

    /// A word a small edit away from a known word: read as that word (a phrase, a place).
    fn typo(&mut self, i: usize) -> Option<usize> {
        let typed = self.word(i)?.to_string();
        let len = typed.chars().count();
        if len < 4 || typed.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let limit = if len >= 8 { 2 } else { 1 };
        // closest first; of equally close words, the one ending as typed ("reviewd" →
        // "reviewed", not "review"), then the nearest in length, then the first in order
        let last = typed.chars().last();
        let mut best: Option<((usize, bool, usize), &str)> = None;
        for k in &self.lx.known {
            let kl = k.chars().count();
            if kl.abs_diff(len) > limit || kl < 4 {
                continue;
            }
            let d = osa_distance(&typed, k);
            let rank = (d, k.chars().last() != last, kl.abs_diff(len));
            if d <= limit
                && best.is_none_or(|(br, bk)| rank < br || (rank == br && k.as_str() < bk))
            {
                best = Some((rank, k));
            }
        }
        let read = best?.1.to_string();
        if let Some(n) = self.phrase(i, Some((&typed, &read))) {
            return Some(n);
        }
        // a place ("Germnay", "Munchen" is found as it is)
        if let Some((p, v)) = place::place(&read, &read, true) {
            self.chip(
                i,
                1,
                p,
                v,
                How::Typo {
                    typed: typed.clone(),
                    read: read.clone(),
                },
                "gazetteer",
            );
            return Some(1);
        }
        None
    }
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment):
/// "Germnay" is one typo from "Germany", not two.
pub fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// `cs.lg` → `cs.LG`: archives are lower case, subject classes upper case.
fn category(s: &str) -> String {
    match s.split_once('.') {
        Some((a, b)) => format!("{}.{}", a.to_ascii_lowercase(), b.to_ascii_uppercase()),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests;
