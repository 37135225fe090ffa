//! arXiv's metadata snapshot (Kaggle's `arxiv-metadata-oai-snapshot.json`): one JSON object a
//! line, about 2.5 million of them, read as a stream.
//!
//! Fields read: `id`, `title`, `abstract`, `categories` (space-separated, primary first),
//! `comments`, `doi`, `journal-ref`, `versions` (`[{version: "v1", created: "Mon, 2 Apr 2007
//! 19:18:42 GMT"}]`: the first is the first version's date), `update_date` (when there are no
//! versions), and the authors from `authors_parsed` (`[[last, first, suffix]]`), else split
//! from the `authors` string. A line that is not JSON, or lacks an id, title, date or
//! authors, is an [`EntryError`] naming the line and the field; the others are kept. E-mail
//! fields (`submitter` is a name, but may carry one) are not read.

use super::{collapse, split_id, EntryError, Paper};
use serde_json::Value;
use std::io::BufRead;

/// Reads one line (1-based `n`). `None` for a blank line.
pub fn parse_line(line: &str, n: u64) -> Option<Result<Paper, EntryError>> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let place = format!("line {n}");
    let bad = |id: Option<String>, field: &'static str, message: String| EntryError {
        place: place.clone(),
        id,
        field,
        message,
    };
    let v: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Some(Err(bad(None, "(line)", format!("not JSON: {e}")))),
    };
    if !v.is_object() {
        return Some(Err(bad(None, "(line)", "not a JSON object".into())));
    }
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(collapse)
            .filter(|s| !s.is_empty())
    };
    let raw_id = match v.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Some(Err(bad(
                None,
                "id",
                format!(
                    "not a string: {}",
                    builtby_model::prefix(&other.to_string(), 40)
                ),
            )))
        }
        None => return Some(Err(bad(None, "id", "missing".into()))),
    };
    let Some((id, _)) = split_id(&raw_id) else {
        return Some(Err(bad(
            None,
            "id",
            format!("not an arXiv id: `{}`", builtby_model::prefix(&raw_id, 80)),
        )));
    };
    let shown = Some(id.clone());
    let Some(title) = text("title") else {
        return Some(Err(bad(shown, "title", "missing".into())));
    };
    // versions: the first one's date is the paper's, the last one's its update
    let mut dates: Vec<(u32, i64)> = Vec::new();
    if let Some(vs) = v.get("versions").and_then(Value::as_array) {
        for (i, x) in vs.iter().enumerate() {
            let created = x.get("created").and_then(Value::as_str).unwrap_or("");
            let Ok(t) = chrono::DateTime::parse_from_rfc2822(created.trim()) else {
                return Some(Err(bad(
                    shown,
                    "versions",
                    format!("version {}: `created` is not a date: `{created}`", i + 1),
                )));
            };
            let num = x
                .get("version")
                .and_then(Value::as_str)
                .and_then(|s| s.trim_start_matches('v').parse::<u32>().ok())
                .unwrap_or(i as u32 + 1);
            dates.push((num, t.timestamp()));
        }
    }
    dates.sort();
    let update_date = text("update_date").and_then(|d| builtby_model::time::parse_date_or_time(&d));
    let (published, updated, version) = match (dates.first(), dates.last()) {
        (Some(first), Some(last)) => (first.1, Some(last.1), Some(last.0)),
        _ => match update_date {
            Some(d) => (d, Some(d), None),
            None => {
                return Some(Err(bad(
                    shown,
                    "versions",
                    "no version with a date, and no update_date".into(),
                )))
            }
        },
    };
    let authors = authors_of(&v);
    if authors.is_empty() {
        return Some(Err(bad(shown, "authors", "no author with a name".into())));
    }
    let mut categories: Vec<String> = Vec::new();
    for c in text("categories").unwrap_or_default().split_whitespace() {
        if !categories.iter().any(|x| x == c) {
            categories.push(c.to_string());
        }
    }
    Some(Ok(Paper {
        id,
        version,
        published,
        updated,
        title,
        authors,
        categories,
        summary: text("abstract").unwrap_or_default(),
        comment: text("comments"),
        links: Vec::new(),
        doi: text("doi"),
        journal_ref: text("journal-ref"),
    }))
}

/// `authors_parsed` as `first last suffix`, else the `authors` string split at commas and
/// `and`.
fn authors_of(v: &Value) -> Vec<String> {
    if let Some(parsed) = v.get("authors_parsed").and_then(Value::as_array) {
        let names: Vec<String> = parsed
            .iter()
            .filter_map(|a| {
                let parts = a.as_array()?;
                let s = |i: usize| parts.get(i).and_then(Value::as_str).unwrap_or("").trim();
                let name = collapse(&format!("{} {} {}", s(1), s(0), s(2)));
                (!name.is_empty()).then_some(name)
            })
            .collect();
        if !names.is_empty() {
            return names;
        }
    }
    let Some(s) = v.get("authors").and_then(Value::as_str) else {
        return Vec::new();
    };
    // affiliations in parentheses are not names
    let mut plain = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .replace(" and ", ",")
        .split(',')
        .map(collapse)
        .filter(|n| !n.is_empty())
        .collect()
}

/// Every paper of a JSON-lines stream, and each bad line as an error, in order; `Err` when
/// the stream itself fails (a cut file), with the line it stopped at.
pub fn read_lines(
    r: impl BufRead,
    mut each: impl FnMut(Result<Paper, EntryError>),
) -> Result<u64, (u64, std::io::Error)> {
    let mut n = 0u64;
    for line in r.lines() {
        n += 1;
        let line = line.map_err(|e| (n, e))?;
        if let Some(p) = parse_line(&line, n) {
            each(p);
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"id":"0704.0001","submitter":"Pavel Nadolsky","authors":"C. Bal\u00e1zs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan","title":"Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies","comments":"37 pages, 15 figures; published version","journal-ref":"Phys.Rev.D76:013009,2007","doi":"10.1103/PhysRevD.76.013009","report-no":"ANL-HEP-PR-07-12","categories":"hep-ph","license":null,"abstract":"  A fully differential calculation in perturbative quantum chromodynamics is\npresented.\n","versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"},{"version":"v2","created":"Tue, 24 Jul 2007 20:10:27 GMT"}],"update_date":"2008-11-13","authors_parsed":[["Bal\u00e1zs","C.",""],["Berger","E. L.",""],["Nadolsky","P. M.",""],["Yuan","C. -P.",""]]}"#;

    #[test]
    fn a_snapshot_line_is_read() {
        let p = parse_line(LINE, 1).unwrap().unwrap();
        assert_eq!(p.id, "0704.0001");
        assert_eq!(p.version, Some(2));
        assert_eq!(
            p.title,
            "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
        );
        assert_eq!(
            p.authors,
            ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
        );
        assert_eq!(p.categories, ["hep-ph"]);
        assert_eq!(p.published, 1_175_541_522, "v1's date");
        assert_eq!(p.updated, Some(1_185_307_827));
        assert_eq!(
            p.comment.as_deref(),
            Some("37 pages, 15 figures; published version")
        );
        assert_eq!(
            p.summary,
            "A fully differential calculation in perturbative quantum chromodynamics is presented."
        );
        assert_eq!(p.doi.as_deref(), Some("10.1103/PhysRevD.76.013009"));
    }

    #[test]
    fn authors_from_the_string_when_not_parsed() {
        let v: Value = serde_json::json!({
            "authors": "Ana Bell (MIT), Bo Chen and Cy Dee"
        });
        assert_eq!(authors_of(&v), ["Ana Bell", "Bo Chen", "Cy Dee"]);
    }

    #[test]
    fn categories_primary_first_and_update_date_without_versions() {
        let line = r#"{"id":"2401.00001","title":"T","authors":"Ana Bell","categories":"cs.LG cs.AI cs.LG","abstract":"x","update_date":"2024-01-03"}"#;
        let p = parse_line(line, 3).unwrap().unwrap();
        assert_eq!(p.categories, ["cs.LG", "cs.AI"]);
        assert_eq!(p.published, 1_704_240_000);
        assert_eq!(p.version, None);
    }

    #[test]
    fn bad_lines_name_line_and_field() {
        let cases = [
            ("not json", "line 4: (line): not JSON"),
            ("[1]", "line 4: (line): not a JSON object"),
            (r#"{"title":"T"}"#, "line 4: id: missing"),
            (r#"{"id":704.0001,"title":"T"}"#, "line 4: id: not a string"),
            (
                r#"{"id":"x","title":"T"}"#,
                "line 4: id: not an arXiv id: `x`",
            ),
            (
                r#"{"id":"2401.00001"}"#,
                "line 4 (2401.00001): title: missing",
            ),
            (
                r#"{"id":"2401.00001","title":"T","authors":"A B","versions":[{"version":"v1","created":"soon"}]}"#,
                "line 4 (2401.00001): versions: version 1: `created` is not a date: `soon`",
            ),
            (
                r#"{"id":"2401.00001","title":"T","authors":"A B"}"#,
                "line 4 (2401.00001): versions: no version with a date",
            ),
            (
                r#"{"id":"2401.00001","title":"T","authors":" , ","update_date":"2024-01-01"}"#,
                "line 4 (2401.00001): authors: no author with a name",
            ),
        ];
        for (line, want) in cases {
            let got = parse_line(line, 4).unwrap().unwrap_err().to_string();
            assert!(got.starts_with(want), "{line}: {got}");
        }
        assert!(parse_line("   ", 5).is_none());
    }

    #[test]
    fn a_stream_keeps_good_lines_around_bad_ones() {
        let text = format!("{LINE}\nnope\n\n{LINE}\n");
        let mut got = Vec::new();
        let n = read_lines(text.as_bytes(), |p| got.push(p.is_ok())).unwrap();
        assert_eq!(n, 4);
        assert_eq!(got, [true, false, true]);
    }
}
