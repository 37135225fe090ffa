//! One commit record of `git log` output in builtby's format (the same grammar as the shared
//! history exports, `../shared/data/git/FORMAT.md`) → [`Commit`]. E-mail addresses are hashed
//! here and never leave this module.

use super::link;
use super::{Commit, Ident, PathChange};
use builtby_model::{prefix, BODY_PREFIX_CHARS};

/// The `--format` that produces records this parser reads.
pub const FORMAT: &str = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f";

/// Parses one record (the bytes between two `0x1E`, without them).
pub fn parse_record(rec: &[u8]) -> Result<Commit, String> {
    let mut fields = rec.splitn(9, |&b| b == 0x1f);
    let mut next = |what: &str| {
        fields
            .next()
            .ok_or_else(|| format!("record ends before the {what}"))
    };
    let id = text(next("commit id")?);
    if id.len() < 40 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{}` is not a commit id", prefix(&id, 50)));
    }
    let parents: Vec<String> = text(next("parents")?)
        .split_ascii_whitespace()
        .map(str::to_string)
        .collect();
    let an = text(next("author name")?);
    let ae = text(next("author e-mail")?);
    let ad = text(next("author date")?);
    let cn = text(next("committer name")?);
    let ce = text(next("committer e-mail")?);
    let cd = text(next("committer date")?);
    let rest = next("message")?;
    let cut = rest
        .iter()
        .rposition(|&b| b == 0x1f)
        .ok_or("record has no message terminator")?;
    let message = String::from_utf8_lossy(&rest[..cut]);
    let tail = &rest[cut + 1..];
    let author_at = parse_date(&ad).ok_or_else(|| format!("bad author date `{ad}`"))?;
    let committer_at = parse_date(&cd).ok_or_else(|| format!("bad committer date `{cd}`"))?;

    let mut paths = Vec::new();
    for line in tail.split(|&b| b == b'\n') {
        match line.first() {
            None | Some(b':') => {} // raw lines (exports): the numstat line carries the path
            Some(b'R') if line.get(1).is_some_and(u8::is_ascii_digit) => {} // export renames
            Some(_) => {
                let mut f = line.splitn(3, |&b| b == b'\t');
                let (Some(a), Some(d), Some(p)) = (f.next(), f.next(), f.next()) else {
                    return Err(format!(
                        "commit {id}: bad change line `{}`",
                        String::from_utf8_lossy(line)
                    ));
                };
                paths.push(PathChange {
                    path: unquote(p),
                    added: count(a),
                    deleted: count(d),
                });
            }
        }
    }
    let (subject, body) = match message.split_once('\n') {
        Some((s, b)) => (s.trim_end(), b.trim()),
        None => (message.trim_end(), ""),
    };
    let links = link::message_links(subject, &message);
    Ok(Commit {
        author: Ident::new(&an, &ae),
        committer: Ident::new(&cn, &ce),
        id,
        parents,
        author_at,
        committer_at,
        subject: scrub_emails(subject),
        body: prefix(&scrub_emails(body), BODY_PREFIX_CHARS).to_string(),
        pr: links.pr,
        merge_from: links.merge_from,
        co_authors: links.co_authors,
        reviewers: links.reviewers,
        signers: links.signers,
        approvers: links.approvers,
        paths,
    })
}

/// The message with every e-mail address (trailers, sign-offs, pasted logs) removed.
pub fn scrub_emails(s: &str) -> String {
    builtby_model::scrub_emails(s).into_owned()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn count(b: &[u8]) -> Option<u32> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM` → Unix seconds.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    builtby_model::time::parse_rfc3339(s)
}

/// Git's C-quoting of paths (`"a\tb"`, octal bytes) undone; other paths as they are.
pub fn unquote(p: &[u8]) -> String {
    if p.len() < 2 || p[0] != b'"' || p[p.len() - 1] != b'"' {
        return String::from_utf8_lossy(p).into_owned();
    }
    let inner = &p[1..p.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let b = inner[i];
        if b != b'\\' || i + 1 >= inner.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = inner[i + 1];
        i += 2;
        out.push(match e {
            b'a' => 7,
            b'b' => 8,
            b't' => 9,
            b'n' => 10,
            b'v' => 11,
            b'f' => 12,
            b'r' => 13,
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                let mut k = 0;
                while k < 2 && i < inner.len() && (b'0'..=b'7').contains(&inner[i]) {
                    v = v * 8 + (inner[i] - b'0') as u32;
                    i += 1;
                    k += 1;
                }
                v as u8
            }
            other => other,
        });
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_record_with_paths_and_hashes_emails() {
        let rec = b"0123456789012345678901234567890123456789\x1fabcdefabcdefabcdefabcdefabcdefabcdefabcd\x1fAna B\x1f12+ana@users.noreply.github.com\x1f2024-05-01T10:00:00+02:00\x1fGitHub\x1fnoreply@github.com\x1f2024-05-01T08:30:00Z\x1fFix the sharding bug (#123)\n\nLonger text.\n\nCo-authored-by: Bo C <bo@example.com>\n\x1f\n\n:100644 100644 abc1234 def5678 M\tjax/_src/a.py\n3\t1\tjax/_src/a.py\n-\t-\t\"img/a\\tb.png\"\nR100\tx\ty\n";
        let c = parse_record(rec).unwrap();
        assert_eq!(c.author.name, "Ana B");
        assert_eq!(
            c.author.github.as_ref().map(|g| (g.id, g.login.as_str())),
            Some((Some(12), "ana"))
        );
        assert_eq!(c.author_at, 1714550400);
        assert_eq!(c.committer_at, 1714552200);
        assert_eq!(c.subject, "Fix the sharding bug (#123)");
        assert_eq!(c.pr, Some(123));
        assert_eq!(c.co_authors.len(), 1);
        assert_eq!(c.co_authors[0].name, "Bo C");
        assert!(c.co_authors[0].github.is_none());
        assert_eq!(c.paths.len(), 2);
        assert_eq!(
            (
                c.paths[0].path.as_str(),
                c.paths[0].added,
                c.paths[0].deleted
            ),
            ("jax/_src/a.py", Some(3), Some(1))
        );
        assert_eq!(c.paths[1].path, "img/a\tb.png");
        assert_eq!(c.paths[1].added, None);
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("example.com") && !dbg.contains("noreply"),
            "{dbg}"
        );
    }

    #[test]
    fn unquotes_octal_and_escapes() {
        assert_eq!(unquote(b"\"caf\\303\\251.txt\""), "café.txt");
        assert_eq!(unquote(b"plain/path.py"), "plain/path.py");
        assert_eq!(unquote(b"\"a\\\"b\""), "a\"b");
    }
}
