//! Places, from the `builtby-locate` gazetteer: a metro ("Bay Area", "NYC", "München"), a
//! country ("Germany", "Deutschland", "DE") or a city outside every metro (`location`).
//!
//! Only read after a place word ("in", "based in") or, for metro and country names, on their
//! own: the gazetteer knows 400,000 names, and many ordinary words are a town somewhere.

use super::tokens::key;
use builtby_locate::gazetteer;

/// What a run of words names, as a search parameter and value.
pub fn place(words: &str, typed: &str, after_place_word: bool) -> Option<(&'static str, String)> {
    let g = gazetteer();
    let n = key(words);
    if n.is_empty() || n.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // a code only when written as one ("DE", "UK"), or one of the few written in lower case
    // ("in the us"): "in it", "no bots" are no places
    let short = n.chars().count() <= 3;
    let code_like = typed
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase())
        || (after_place_word && ["us", "uk", "usa", "uae"].contains(&n.as_str()));
    if let Some(m) = g.metro_name(words) {
        // `metro_name` also takes a metro's first word ("san", "new"): only the whole name
        // or an alias counts here
        let whole = key(m) == n
            || builtby_locate::METROS
                .iter()
                .any(|x| x.name == m && x.aliases.iter().any(|a| key(a) == n));
        // aliases ("sf", "nyc") are read in any case
        if whole {
            return Some(("metro", m.to_string()));
        }
    }
    if let Some(cc) = g.country_code(words) {
        if !short || code_like {
            return Some(("country", cc.to_string()));
        }
    }
    if !after_place_word || short {
        return None;
    }
    let l = builtby_locate::locate(words);
    if l.confidence < 0.5 {
        return None;
    }
    if let Some(m) = l.metro {
        return Some(("metro", m));
    }
    if let Some(c) = l.city {
        return Some(("location", c));
    }
    if let Some(r) = l.region {
        return Some(("location", r));
    }
    l.country.map(|c| ("country", c))
}

/// Every country's English name, for typo correction ("Germnay"): the gazetteer answers by
/// ISO code, so every two-letter code is asked once.
pub fn country_names() -> Vec<String> {
    let g = gazetteer();
    let mut out = Vec::new();
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            let cc = [a, b];
            let cc = std::str::from_utf8(&cc).unwrap_or("");
            if let Some(n) = g.country_name(cc) {
                out.push(n.to_string());
            }
        }
    }
    out
}
