//! arXiv: papers and their authors, from the export API's Atom answers ([`atom`]), from the
//! JSON-lines metadata snapshot ([`snapshot`], Kaggle's `arxiv-metadata-oai-snapshot.json`),
//! or fetched by category and submission window ([`client`]).
//!
//! A paper is credited to each of its authors: one contribution of kind
//! [`Kind::Paper`] per author, keyed `paper/arxiv.org/abs/<id>/<author key>`, dated by its first
//! version, linked to `https://arxiv.org/abs/<id>`, with its title, the start of its abstract,
//! its categories (primary first) and the GitHub repository it links to, if any
//! ([`Measures::code_url`]).
//!
//! **Authors are names, not accounts.** arXiv has no author ids in its metadata, so an author
//! is the account `arxiv:<normalised name>` ([`author_key`]: accents folded, lower case,
//! punctuation dropped, words joined by `-`). One such account may be several people (two
//! researchers named Wei Zhang), and one person may be several accounts ("A. Del Maestro" and
//! "Adrian Del Maestro"). That is why an arXiv account joins a GitHub person only through the
//! identity module, and never by name alone: the ingest suggests a link only when the paper
//! itself links a GitHub repository and one of that repository's people has the author's name.

pub mod atom;
pub mod client;
pub mod snapshot;

use builtby_model::{
    prefix, work_key, Actor, Contribution, Identity, Kind, Measures, Namespace, Profile, WorkId,
    BODY_PREFIX_CHARS,
};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// One paper, as either format gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    /// The arXiv id without its version: `2104.12255`, `cond-mat/0412498`.
    pub id: String,
    /// The version the record describes (`v1` → 1), when it says.
    pub version: Option<u32>,
    /// When the first version was submitted, seconds since the epoch.
    pub published: i64,
    /// When the latest version was submitted, when known.
    pub updated: Option<i64>,
    pub title: String,
    /// Display names, in the paper's order.
    pub authors: Vec<String>,
    /// Primary category first, no repeats.
    pub categories: Vec<String>,
    /// The abstract, whitespace collapsed.
    pub summary: String,
    /// The author's comments ("12 pages, code at https://github.com/…").
    pub comment: Option<String>,
    /// Links the record carries (abstract page, PDF, DOI).
    pub links: Vec<String>,
    pub doi: Option<String>,
    pub journal_ref: Option<String>,
}

impl Paper {
    /// `arxiv.org/abs/<id>`: the place a paper's contributions are stored under.
    pub fn place(&self) -> String {
        format!("arxiv.org/abs/{}", self.id)
    }

    pub fn url(&self) -> String {
        format!("https://arxiv.org/abs/{}", self.id)
    }

    /// The first GitHub repository the abstract, else the comments, link to.
    pub fn code_url(&self) -> Option<String> {
        github_repo_url(&self.summary).or_else(|| self.comment.as_deref().and_then(github_repo_url))
    }
}

/// A record that could not be read: which entry or line, which field, and why. The other
/// records of the input are kept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{place}{}: {field}: {message}", id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default())]
pub struct EntryError {
    /// `entry 3` (Atom) or `line 12` (JSON lines).
    pub place: String,
    /// The record's id, when it had a readable one.
    pub id: Option<String>,
    pub field: &'static str,
    pub message: String,
}

/// `s` with every run of whitespace one space, trimmed.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An arXiv id as the API or the snapshot writes it (`http://arxiv.org/abs/1707.08567v1`,
/// `1707.08567`, `cond-mat/0412498v2`) → (id without version, version). `None` when it is
/// not an arXiv id.
pub fn split_id(raw: &str) -> Option<(String, Option<u32>)> {
    let s = raw.trim();
    let s = match s.find("/abs/") {
        Some(i) => &s[i + 5..],
        None => s,
    };
    let s = s.strip_prefix("arXiv:").unwrap_or(s);
    let (base, version) = match s.rfind('v') {
        Some(i)
            if i + 1 < s.len()
                && s[i + 1..].bytes().all(|b| b.is_ascii_digit())
                && s[..i].bytes().last().is_some_and(|b| b.is_ascii_digit()) =>
        {
            (&s[..i], s[i + 1..].parse::<u32>().ok())
        }
        _ => (s, None),
    };
    let new_style = |x: &str| {
        let Some((a, b)) = x.split_once('.') else {
            return false;
        };
        a.len() == 4
            && (4..=5).contains(&b.len())
            && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
    };
    let old_style = |x: &str| {
        let Some((arch, num)) = x.split_once('/') else {
            return false;
        };
        !arch.is_empty()
            && arch
                .bytes()
                .all(|c| c.is_ascii_alphabetic() || c == b'-' || c == b'.')
            && num.len() == 7
            && num.bytes().all(|c| c.is_ascii_digit())
    };
    (new_style(base) || old_style(base)).then(|| (base.to_string(), version))
}

/// A name for comparing: accents folded (NFKD without combining marks), lower case, every
/// run of characters that are not letters or digits one space. `Adrian  Del-Maestro` and
/// `adrián del maestro` are both `adrian del maestro`.
pub fn normalise_name(name: &str) -> String {
    let folded: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key of an author's account, `arxiv:<this>`: [`normalise_name`] with `-` between words
/// (`adrian-del-maestro`). Empty when the name has no letter or digit.
pub fn author_key(name: &str) -> String {
    normalise_name(name).replace(' ', "-")
}

/// The account of an author, by name.
pub fn author_actor(name: &str) -> Option<Actor> {
    let key = author_key(name);
    (!key.is_empty()).then(|| Actor {
        github_id: None,
        login: Identity {
            namespace: Namespace::Arxiv,
            key,
        }
        .to_string(),
        is_bot_type: false,
    })
}

/// Paths under github.com that are GitHub's own pages, not `owner/repository`.
const NOT_OWNERS: &[&str] = &[
    "about",
    "collections",
    "enterprise",
    "explore",
    "features",
    "login",
    "marketplace",
    "orgs",
    "pricing",
    "search",
    "settings",
    "sponsors",
    "topics",
    "trending",
];

/// The first `https://github.com/<owner>/<repo>` written in `text` (with or without scheme or
/// `www.`), cut to the repository (`…/tree/main/x` and `.git` dropped). `None` when no link
/// names a repository.
pub fn github_repo_url(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("github.com/") {
        let at = from + i;
        from = at + "github.com/".len();
        // `xgithub.com/` is another host
        if at > 0 {
            let before = lower.as_bytes()[at - 1];
            if before.is_ascii_alphanumeric() || before == b'-' {
                continue;
            }
        }
        let rest = &text[from..];
        let owner_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        let owner = &rest[..owner_len];
        if owner.is_empty()
            || owner.len() > 39
            || NOT_OWNERS.contains(&&*owner.to_ascii_lowercase())
        {
            continue;
        }
        let Some(after) = rest[owner_len..].strip_prefix('/') else {
            continue;
        };
        let repo_len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .count();
        let mut repo = &after[..repo_len];
        repo = repo.trim_end_matches('.');
        if repo.len() > 4 && repo[repo.len() - 4..].eq_ignore_ascii_case(".git") {
            repo = &repo[..repo.len() - 4];
        }
        repo = repo.trim_end_matches('.');
        if repo.is_empty() {
            continue;
        }
        return Some(format!("https://github.com/{owner}/{repo}"));
    }
    None
}

/// `owner/name` of a `https://github.com/owner/name` URL.
pub fn repo_of_code_url(url: &str) -> Option<&str> {
    url.strip_prefix("https://github.com/")
        .filter(|r| r.split('/').count() == 2)
}

/// One contribution per author (an author named twice counts once), and the authors whose
/// names give no account (no letter or digit).
pub fn contributions(p: &Paper) -> (Vec<Contribution>, Vec<String>) {
    let place = p.place();
    let measures = Measures {
        categories: p.categories.clone(),
        code_url: p.code_url(),
        ..Default::default()
    };
    let body = (!p.summary.is_empty()).then(|| prefix(&p.summary, BODY_PREFIX_CHARS).to_string());
    let mut out: Vec<Contribution> = Vec::with_capacity(p.authors.len());
    let mut nameless = Vec::new();
    for name in &p.authors {
        let Some(actor) = author_actor(name) else {
            nameless.push(name.clone());
            continue;
        };
        let key_part = actor.login.trim_start_matches(Namespace::Arxiv.prefix());
        let key = work_key(Kind::Paper, &place, WorkId::Name(key_part));
        if out.iter().any(|c| c.key == key) {
            continue;
        }
        let mut c = Contribution::new(key, Kind::Paper, place.clone(), actor, p.published);
        c.profile = Some(Profile {
            name: Some(name.clone()),
            ..Default::default()
        });
        c.title = Some(p.title.clone());
        c.body = body.clone();
        c.url = Some(p.url());
        c.measures = Some(measures.clone());
        out.push(c);
    }
    (out, nameless)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_into_id_and_version() {
        assert_eq!(
            split_id("http://arxiv.org/abs/1707.08567v1"),
            Some(("1707.08567".into(), Some(1)))
        );
        assert_eq!(
            split_id("https://arxiv.org/abs/2401.12345v12"),
            Some(("2401.12345".into(), Some(12)))
        );
        assert_eq!(split_id("0704.0001"), Some(("0704.0001".into(), None)));
        assert_eq!(
            split_id("http://arxiv.org/abs/cond-mat/0412498v1"),
            Some(("cond-mat/0412498".into(), Some(1)))
        );
        assert_eq!(
            split_id("math.GT/0309136"),
            Some(("math.GT/0309136".into(), None))
        );
        assert_eq!(split_id("http://arxiv.org/api/errors#x"), None);
        assert_eq!(split_id("12345"), None);
        assert_eq!(split_id(""), None);
    }

    #[test]
    fn names_are_normalised_for_keys_and_matching() {
        assert_eq!(
            normalise_name("  Adrián  Del-Maestro "),
            "adrian del maestro"
        );
        assert_eq!(author_key("Adrian Del Maestro"), "adrian-del-maestro");
        assert_eq!(author_key("Peter H. N. de With"), "peter-h-n-de-with");
        assert_eq!(author_key("Jürgen Schmidhuber"), "jurgen-schmidhuber");
        assert_eq!(author_key("Łukasz Kaiser"), "łukasz-kaiser");
        assert_eq!(author_key("王小明"), "王小明");
        assert_eq!(author_key(" . "), "");
        assert_eq!(
            author_actor("Ana Bell").unwrap().login,
            "arxiv:ana-bell",
            "an arXiv account"
        );
    }

    #[test]
    fn github_links_name_a_repository() {
        let t = "Code is at https://github.com/ydecastro/super-resolution-testing. Also see x.";
        assert_eq!(
            github_repo_url(t).as_deref(),
            Some("https://github.com/ydecastro/super-resolution-testing")
        );
        assert_eq!(
            github_repo_url("see github.com/Org/Repo.git/ and www.github.com/a/b").as_deref(),
            Some("https://github.com/Org/Repo")
        );
        assert_eq!(
            github_repo_url("https://github.com/o/r/tree/main/src").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(
            github_repo_url("\\url{https://github.com/facebookresearch/detr}").as_deref(),
            Some("https://github.com/facebookresearch/detr")
        );
        assert_eq!(
            github_repo_url("https://github.com/ana only a profile"),
            None
        );
        assert_eq!(github_repo_url("https://github.com/topics/x"), None);
        assert_eq!(github_repo_url("https://notgithub.com/o/r"), None);
        assert_eq!(github_repo_url("https://ana.github.io/r"), None);
        assert_eq!(
            github_repo_url("https://github.com/features/x then https://github.com/o/r2")
                .as_deref(),
            Some("https://github.com/o/r2")
        );
        assert_eq!(repo_of_code_url("https://github.com/o/r"), Some("o/r"));
    }

    fn paper() -> Paper {
        Paper {
            id: "2401.00001".into(),
            version: Some(2),
            published: 1_704_067_200,
            updated: Some(1_704_153_600),
            title: "Attention, again".into(),
            authors: vec![
                "Ana Bell".into(),
                "Bo Chen".into(),
                "ana bell".into(),
                "-".into(),
            ],
            categories: vec!["cs.LG".into(), "cs.AI".into()],
            summary: "We do it. Code: https://github.com/o/r".into(),
            comment: None,
            links: vec![],
            doi: None,
            journal_ref: None,
        }
    }

    #[test]
    fn one_contribution_per_author() {
        let (cs, nameless) = contributions(&paper());
        assert_eq!(nameless, vec!["-".to_string()]);
        let keys: Vec<&str> = cs.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "paper/arxiv.org/abs/2401.00001/ana-bell",
                "paper/arxiv.org/abs/2401.00001/bo-chen"
            ]
        );
        let c = &cs[0];
        assert_eq!(c.kind, Kind::Paper);
        assert_eq!(c.repo, "arxiv.org/abs/2401.00001");
        assert_eq!(c.actor.login, "arxiv:ana-bell");
        assert_eq!(c.actor.github_id, None);
        assert_eq!(
            c.profile.as_ref().unwrap().name.as_deref(),
            Some("Ana Bell")
        );
        assert_eq!(c.at, 1_704_067_200, "the first version's date");
        assert_eq!(c.link(), "https://arxiv.org/abs/2401.00001");
        assert_eq!(c.title.as_deref(), Some("Attention, again"));
        let m = c.measures.as_ref().unwrap();
        assert_eq!(m.categories, ["cs.LG", "cs.AI"]);
        assert_eq!(m.code_url.as_deref(), Some("https://github.com/o/r"));
    }

    #[test]
    fn the_abstract_is_kept_as_a_bounded_prefix() {
        let mut p = paper();
        p.summary = "é".repeat(3 * BODY_PREFIX_CHARS);
        let (cs, _) = contributions(&p);
        assert_eq!(
            cs[0].body.as_ref().unwrap().chars().count(),
            BODY_PREFIX_CHARS
        );
    }

    #[test]
    fn comments_give_the_code_link_when_the_abstract_has_none() {
        let mut p = paper();
        p.summary = "No link here.".into();
        p.comment = Some("10 pages; code at github.com/x/y".into());
        assert_eq!(p.code_url().as_deref(), Some("https://github.com/x/y"));
    }
}
