//! Which repositories' events an ingest keeps: all of them, or a set of repositories and
//! owners (the catalog's, or a file's).
//!
//! A GH Archive hour holds 150–250k events (2024), of which the ML catalog's repositories are
//! well under 1 %: the rest is read and counted, never turned into records. The test runs on
//! the parser threads, before a line is parsed: [`sniff_repo`] walks the line's top level to
//! its `repo.name` (in 2015+ events the fourth key, before the payload) without parsing any
//! value, so an out-of-scope line costs its decompression and a few hundred bytes of scanning.
//! A line where that finds no name (Timeline-era events name the repository in another shape)
//! is parsed for its repository alone, with the same rules as the conversion
//! ([`super::convert`]), so the fast path never decides differently from a full parse.
//!
//! Names are compared without case (GitHub's are case-insensitive). A scope is identified by a
//! digest of its sorted entries ([`Scope::key`]): the ingest log keys a file loaded in a scope
//! by its checksum and that key, so the same file loaded again in a wider scope is loaded
//! again (adding what the first load left out), and in the same scope is skipped.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// One line of a scope: a repository or every repository of an owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    /// `owner/name`, lower-cased.
    Repo(String),
    /// `owner` or `owner/*`, lower-cased.
    Owner(String),
}

impl Pattern {
    /// `owner/name`, `owner/*` or `owner` (a `https://github.com/` prefix and a trailing `/`
    /// are allowed). The error says what is wrong.
    pub fn parse(s: &str) -> Result<Pattern, String> {
        let t = s
            .trim()
            .trim_start_matches("https://")
            .trim_start_matches("github.com/")
            .trim_end_matches('/');
        let part_ok = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let bad = || {
            Err(format!(
                "`{}` is not a repository or an owner: use owner/name (pytorch/pytorch), owner/* or owner (huggingface)",
                s.trim()
            ))
        };
        match t.split_once('/') {
            Some((owner, "*")) if part_ok(owner) => Ok(Pattern::Owner(owner.to_ascii_lowercase())),
            Some((owner, name)) if part_ok(owner) && part_ok(name) => {
                Ok(Pattern::Repo(t.to_ascii_lowercase()))
            }
            None if part_ok(t) => Ok(Pattern::Owner(t.to_ascii_lowercase())),
            _ => bad(),
        }
    }
}

/// A scope file that cannot be used: the file, the line number (1-based) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("scope file {file}: cannot read: {message}")]
    Read { file: String, message: String },
    #[error("scope file {file}: line {line}: {message}")]
    Line {
        file: String,
        line: usize,
        message: String,
    },
    #[error("scope file {file}: no repository or owner in it (one owner/name, owner/* or owner a line; # starts a comment)")]
    Empty { file: String },
}

#[derive(Debug)]
struct Set {
    repos: HashSet<String>,
    owners: HashSet<String>,
    key: String,
    label: String,
}

/// The repositories whose events are kept. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Scope(Option<Arc<Set>>);

impl Scope {
    /// Every repository: nothing is left out.
    pub fn all() -> Scope {
        Scope(None)
    }

    /// A set of repositories and owners; `label` says where it came from ("catalog").
    pub fn of(label: impl Into<String>, patterns: impl IntoIterator<Item = Pattern>) -> Scope {
        let mut sorted: Vec<Pattern> = patterns.into_iter().collect();
        sorted.sort();
        sorted.dedup();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let mut repos = HashSet::new();
        let mut owners = HashSet::new();
        for p in sorted {
            match p {
                Pattern::Repo(r) => {
                    h.update(r.as_bytes());
                    h.update(b"\n");
                    repos.insert(r);
                }
                Pattern::Owner(o) => {
                    h.update(o.as_bytes());
                    h.update(b"/*\n");
                    owners.insert(o);
                }
            }
        }
        Scope(Some(Arc::new(Set {
            key: format!("scope:xxh3-64:{:016x}", h.digest()),
            label: label.into(),
            repos,
            owners,
        })))
    }

    /// A scope file: one `owner/name`, `owner/*` or `owner` a line; blank lines and `#`
    /// comments (whole lines or after an entry) are ignored.
    pub fn parse_text(file: &str, text: &str) -> Result<Scope, ScopeError> {
        let mut patterns = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let entry = raw.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            let p = Pattern::parse(entry).map_err(|message| ScopeError::Line {
                file: file.to_string(),
                line: i + 1,
                message,
            })?;
            patterns.push(p);
        }
        if patterns.is_empty() {
            return Err(ScopeError::Empty {
                file: file.to_string(),
            });
        }
        Ok(Scope::of(file, patterns))
    }

    /// [`Scope::parse_text`] of a file.
    pub fn read_file(path: &Path) -> Result<Scope, ScopeError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScopeError::Read {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Self::parse_text(&file, &text)
    }

    pub fn is_all(&self) -> bool {
        self.0.is_none()
    }

    /// True when `repo` (`owner/name`, any case) is in scope.
    pub fn contains(&self, repo: &str) -> bool {
        let Some(s) = &self.0 else { return true };
        let mut buf = [0u8; 256];
        let lower: std::borrow::Cow<str> = if repo.len() <= buf.len() && repo.is_ascii() {
            let b = &mut buf[..repo.len()];
            b.copy_from_slice(repo.as_bytes());
            b.make_ascii_lowercase();
            // ASCII in, ASCII out
            std::borrow::Cow::Borrowed(std::str::from_utf8(b).unwrap_or(""))
        } else {
            std::borrow::Cow::Owned(repo.to_lowercase())
        };
        if s.repos.contains(lower.as_ref()) {
            return true;
        }
        match lower.split_once('/') {
            Some((owner, _)) => !s.owners.is_empty() && s.owners.contains(owner),
            None => false,
        }
    }

    /// What identifies this scope in the ingest log (`scope:xxh3-64:…`); `None` for all.
    pub fn key(&self) -> Option<&str> {
        self.0.as_ref().map(|s| s.key.as_str())
    }

    /// The ingest log's key of a file with `checksum` loaded in this scope: the checksum
    /// alone for all repositories, else the checksum and the scope's key.
    pub fn input_key(&self, checksum: &str) -> String {
        match self.key() {
            None => checksum.to_string(),
            Some(k) => format!("{checksum} {k}"),
        }
    }

    /// True when an input logged under `stored` (an ingest-log key of [`Scope::input_key`]'s
    /// form) holds everything this scope wants of its file: it was loaded whole, or in this
    /// same scope.
    pub fn covers(&self, stored: &str) -> bool {
        match stored.split_once(' ') {
            None => true,
            Some((_, k)) => self.key() == Some(k),
        }
    }

    /// For people: "all repositories", "catalog: 299 repositories", "scope.txt: 3
    /// repositories, 2 owners".
    pub fn describe(&self) -> String {
        match &self.0 {
            None => "all repositories".to_string(),
            Some(s) => {
                let mut parts = vec![plural(s.repos.len(), "repository", "repositories")];
                if !s.owners.is_empty() {
                    parts.push(plural(s.owners.len(), "owner", "owners"));
                }
                format!("{}: {}", s.label, parts.join(", "))
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The top-level `repo.name` of an event line, found without parsing: the line's top-level
/// keys are walked (values skipped by their brackets and strings) up to a `repo` object, whose
/// `name` is returned when it is a plain string (no escapes) of the form `owner/name`. `None`
/// when there is no such key before the line ends or the line is not an object: the caller
/// parses it then.
pub fn sniff_repo(line: &[u8]) -> Option<&str> {
    let mut i = skip_ws(line, 0);
    if line.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(line, i);
        let (key, after) = plain_string(line, i)?;
        i = skip_ws(line, after);
        if line.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(line, i + 1);
        if key == b"repo" && line.get(i) == Some(&b'{') {
            return repo_name(line, i + 1);
        }
        i = skip_value(line, i)?;
        i = skip_ws(line, i);
        match line.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

/// Inside the `repo` object: its `name`, when it is a plain `owner/name` string.
fn repo_name(line: &[u8], mut i: usize) -> Option<&str> {
    loop {
        i = skip_ws(line, i);
        let (key, after) = plain_string(line, i)?;
        i = skip_ws(line, after);
        if line.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(line, i + 1);
        if key == b"name" {
            let (v, _) = plain_string(line, i)?;
            let v = std::str::from_utf8(v).ok()?;
            let mut parts = v.split('/');
            return match (parts.next(), parts.next(), parts.next()) {
                (Some(o), Some(n), None) if !o.is_empty() && !n.is_empty() => Some(v),
                _ => None,
            };
        }
        i = skip_value(line, i)?;
        i = skip_ws(line, i);
        match line.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while matches!(line.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// A string at `i` without escapes: its bytes and the index after its closing quote. `None`
/// for anything else (a string with an escape is left to the parser).
fn plain_string(line: &[u8], i: usize) -> Option<(&[u8], usize)> {
    if line.get(i) != Some(&b'"') {
        return None;
    }
    let rest = &line[i + 1..];
    let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
    if rest[end] == b'\\' {
        return None;
    }
    Some((&rest[..end], i + 1 + end + 1))
}

/// The index after the JSON value at `i` (not validated: brackets are counted outside
/// strings, strings end at an unescaped quote).
fn skip_value(line: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *line.get(i)? {
            b'"' => {
                i += 1;
                loop {
                    match *line.get(i)? {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return Some(i); // the end of the enclosing object: no value here
                }
                depth -= 1;
                i += 1;
            }
            b',' if depth == 0 => return Some(i),
            _ => i += 1,
        }
        if depth == 0 && matches!(line.get(i), Some(b',' | b'}' | b']')) {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(
            Pattern::parse("PyTorch/PyTorch"),
            Ok(Pattern::Repo("pytorch/pytorch".into()))
        );
        assert_eq!(
            Pattern::parse("https://github.com/huggingface/"),
            Ok(Pattern::Owner("huggingface".into()))
        );
        assert_eq!(
            Pattern::parse("huggingface/*"),
            Ok(Pattern::Owner("huggingface".into()))
        );
        for bad in ["a/b/c", "a b", "/x", "*", "a/*/b", "ana/bo*", "ü/x"] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scope_files_name_the_bad_line() {
        let text = "# ML infra\npytorch/pytorch\n\nhuggingface/*   # the org\njax-ml\nnot a repo\n";
        let e = Scope::parse_text("mine.txt", text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "scope file mine.txt: line 6: `not a repo` is not a repository or an owner: use owner/name (pytorch/pytorch), owner/* or owner (huggingface)"
        );
        let s = Scope::parse_text("mine.txt", &text.replace("not a repo", "")).unwrap();
        assert!(s.contains("pytorch/pytorch"));
        assert!(s.contains("PyTorch/PyTorch"));
        assert!(s.contains("huggingface/transformers"));
        assert!(s.contains("JAX-ML/jax"));
        assert!(!s.contains("pytorch/vision"));
        assert!(!s.contains("huggingface"));
        assert_eq!(s.describe(), "mine.txt: 1 repository, 2 owners");
        assert!(matches!(
            Scope::parse_text("e.txt", "# nothing\n\n"),
            Err(ScopeError::Empty { .. })
        ));
    }

    #[test]
    fn keys_depend_on_the_set_only() {
        let a = Scope::of(
            "a",
            [Pattern::Repo("x/y".into()), Pattern::Owner("o".into())],
        );
        let b = Scope::of(
            "b",
            [
                Pattern::Owner("o".into()),
                Pattern::Repo("x/y".into()),
                Pattern::Repo("x/y".into()),
            ],
        );
        let c = Scope::of("a", [Pattern::Repo("x/y".into())]);
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
        assert_eq!(Scope::all().input_key("xxh3-128:1"), "xxh3-128:1");
        let k = a.input_key("xxh3-128:1");
        assert!(k.starts_with("xxh3-128:1 scope:xxh3-64:"));
        assert!(a.covers("xxh3-128:1") && a.covers(&k));
        assert!(!c.covers(&k) && !Scope::all().covers(&k));
        assert!(Scope::all().covers("xxh3-128:1"));
        assert!(Scope::all().contains("any/thing"));
    }

    #[test]
    fn sniffs_the_top_level_repo() {
        let line = br#"{"id":"1","type":"PushEvent","actor":{"id":1,"login":"a","url":"x{\"]"},"repo":{"id":9,"name":"pytorch/pytorch","url":"u"},"payload":{"repo":{"name":"other/one"}}}"#;
        assert_eq!(sniff_repo(line), Some("pytorch/pytorch"));
        // nested `repo` keys are not the top-level one
        let nested = br#"{"payload":{"repo":{"name":"a/b"}},"repo":{"name":"c/d"}}"#;
        assert_eq!(sniff_repo(nested), Some("c/d"));
        let arrays = br#"{"a":[1,{"repo":{"name":"x/y"}},"]"],"b":null,"c":-1.5e3,"repo" : { "name" : "o/n" }}"#;
        assert_eq!(sniff_repo(arrays), Some("o/n"));
        // left to the parser: no repo, a name without an owner, an escaped name, not an object
        for line in [
            &br#"{"repository":{"owner":"a","name":"b"}}"#[..],
            br#"{"repo":{"id":1,"name":"justname"}}"#,
            br#"{"repo":{"name":"a\/b"}}"#,
            br#"{"repo":"a/b"}"#,
            br#"[1,2]"#,
            br#"{"id":"1","repo""#,
            b"",
        ] {
            assert_eq!(sniff_repo(line), None, "{}", String::from_utf8_lossy(line));
        }
    }
}
