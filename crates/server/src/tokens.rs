//! Named API tokens: `--token-file FILE`, one `name:token` a line.
//!
//! A request's `Authorization: Bearer <token>` is compared, in constant time, with every
//! token; the matching token's *name* is who the audit log records. A token is never logged,
//! stored or shown: not in errors about the file (they name the line), not in `Debug`.

use std::path::Path;

/// Shortest token a token file may hold.
pub const MIN_TOKEN_LEN: usize = 16;

/// The name `--token` / `BUILTBY_TOKEN` is recorded under.
pub const SINGLE_TOKEN_NAME: &str = "token";

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// (name, token)
    entries: Vec<(String, String)>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.names().collect();
        f.debug_struct("Tokens").field("names", &names).finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("token file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("token file {path}, line {line}: {why}")]
    Line {
        path: String,
        line: usize,
        why: String,
    },
    #[error("token file {path}: no tokens in it (one `name:token` a line; `#` starts a comment)")]
    Empty { path: String },
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Tokens {
    /// One token (`--token`, `BUILTBY_TOKEN`), named [`SINGLE_TOKEN_NAME`]. A blank one is none.
    pub fn single(token: &str) -> Tokens {
        let t = token.trim();
        Tokens {
            entries: if t.is_empty() {
                Vec::new()
            } else {
                vec![(SINGLE_TOKEN_NAME.to_string(), t.to_string())]
            },
        }
    }

    /// Reads a token file (see [`Tokens::parse`]).
    pub fn from_file(path: &Path) -> Result<Tokens, TokenFileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TokenFileError::Read {
            path: shown.clone(),
            source,
        })?;
        Tokens::parse(&text, &shown)
    }

    /// `name:token` lines: blank lines and lines starting with `#` are skipped; the name is
    /// letters, digits, `.`, `_`, `-` (at most 64); the token has no spaces and at least
    /// [`MIN_TOKEN_LEN`] characters; names and tokens are each used once. An error names the
    /// line (`path` is how the file is named), never the token.
    pub fn parse(text: &str, path: &str) -> Result<Tokens, TokenFileError> {
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut lines_of: Vec<usize> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let bad = |why: String| TokenFileError::Line {
                path: path.to_string(),
                line,
                why,
            };
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let Some((name, token)) = l.split_once(':') else {
                return Err(bad(
                    "expected `name:token` (the name is who the audit log records)".into(),
                ));
            };
            let (name, token) = (name.trim(), token.trim());
            if !valid_name(name) {
                return Err(bad(
                    "the name before `:` must be 1 to 64 letters, digits, '.', '_' or '-'".into(),
                ));
            }
            if token.chars().any(char::is_whitespace) {
                return Err(bad(format!("the token of `{name}` contains a space")));
            }
            if token.chars().count() < MIN_TOKEN_LEN {
                return Err(bad(format!(
                    "the token of `{name}` is too short: use at least {MIN_TOKEN_LEN} characters (e.g. `openssl rand -hex 24`)"
                )));
            }
            if let Some(j) = entries.iter().position(|(n, _)| n == name) {
                return Err(bad(format!(
                    "the name `{name}` is already given on line {}",
                    lines_of[j]
                )));
            }
            if let Some(j) = entries.iter().position(|(_, t)| t == token) {
                return Err(bad(format!(
                    "the same token as line {}: each name needs its own token",
                    lines_of[j]
                )));
            }
            entries.push((name.to_string(), token.to_string()));
            lines_of.push(line);
        }
        if entries.is_empty() {
            return Err(TokenFileError::Empty {
                path: path.to_string(),
            });
        }
        Ok(Tokens { entries })
    }

    /// These tokens and `other`'s (a name or token in both is `other`'s once).
    pub fn merge(mut self, other: Tokens) -> Tokens {
        for (n, t) in other.entries {
            self.entries.retain(|(n2, t2)| *n2 != n && *t2 != t);
            self.entries.push((n, t));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// The first token (what `builtby bench serve` sends).
    pub fn first(&self) -> Option<&str> {
        self.entries.first().map(|(_, t)| t.as_str())
    }

    /// The name of the token `given`, compared with every token in constant time.
    pub fn name_of(&self, given: &str) -> Option<&str> {
        use subtle::ConstantTimeEq;
        let given = given.trim().as_bytes();
        let mut found = None;
        for (name, token) in &self.entries {
            if bool::from(given.ct_eq(token.as_bytes())) && found.is_none() {
                found = Some(name.as_str());
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_named_and_tokens_never_shown() {
        let t = Tokens::parse(
            "# recruiters\n\nrita: 0123456789abcdef0123\n  ops.bot:ffffffffffffffffffff:x  \n",
            "t.txt",
        )
        .unwrap();
        assert_eq!(t.names().collect::<Vec<_>>(), ["rita", "ops.bot"]);
        assert_eq!(t.name_of("0123456789abcdef0123"), Some("rita"));
        assert_eq!(t.name_of("ffffffffffffffffffff:x"), Some("ops.bot"));
        assert_eq!(t.name_of("0123456789abcdef012"), None);
        assert!(!format!("{t:?}").contains("0123"), "{t:?}");
        for (text, line, says) in [
            ("rita 0123456789abcdef0123", 1, "expected `name:token`"),
            ("\n:0123456789abcdef0123", 2, "the name before"),
            ("rita:short-secret", 1, "too short"),
            ("rita:0123456789 abcdef0123", 1, "contains a space"),
            ("ri ta:0123456789abcdef0123", 1, "the name before"),
            (
                "a:0123456789abcdef0123\na:1123456789abcdef0123",
                2,
                "already given on line 1",
            ),
            (
                "a:0123456789abcdef0123\nb:0123456789abcdef0123",
                2,
                "the same token as line 1",
            ),
        ] {
            let e = Tokens::parse(text, "t.txt").unwrap_err().to_string();
            assert!(
                e.contains(&format!("t.txt, line {line}: ")) && e.contains(says),
                "{text:?}: {e}"
            );
            assert!(
                !e.contains("0123456789") && !e.contains("short-secret"),
                "{e}"
            );
        }
        assert!(matches!(
            Tokens::parse("# nothing\n", "t.txt"),
            Err(TokenFileError::Empty { .. })
        ));
    }
}
