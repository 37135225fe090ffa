//! The export API's answers: an Atom 1.0 feed with arXiv's and OpenSearch's extensions.
//!
//! Both eras are read: 2016-style feeds (namespaces declared on each extension element,
//! `http://` links, abstracts hard-wrapped with leading spaces) and today's (namespaces on
//! `<feed>`, `https://` links). Elements are matched by local name, so prefixes do not matter.
//!
//! Per `<entry>`: `id` (→ id and version), `published` (first version), `updated` (this
//! version), `title`, `summary` (the abstract), every `author/name`, `category/@term` with
//! `arxiv:primary_category/@term` first, `arxiv:comment`, `link/@href`, `arxiv:doi`,
//! `arxiv:journal_ref`. An entry missing its id, title, first-version date or authors is an
//! [`EntryError`] naming the field; the others are kept. The API's own error answer (an entry
//! whose id is `…/api/errors#…`) is a [`FeedError::Api`].

use super::{collapse, split_id, EntryError, Paper};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

/// What a whole answer says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Feed {
    /// `opensearch:totalResults`: results of the query, over every page.
    pub total_results: Option<u64>,
    /// `opensearch:startIndex` of this page.
    pub start_index: Option<u64>,
    /// `opensearch:itemsPerPage`.
    pub items_per_page: Option<u64>,
    /// Every `<entry>`, read or not, in order.
    pub entries: Vec<Result<Paper, EntryError>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedError {
    #[error("{place}: not UTF-8 XML: {message}")]
    Encoding { place: String, message: String },
    #[error("{place}: not XML at byte {at}: {message}")]
    Xml {
        place: String,
        at: u64,
        message: String,
    },
    #[error("{place}: not an Atom feed (the root element is <{root}>)")]
    NotAFeed { place: String, root: String },
    #[error("{place}: the arXiv API answered an error: {message}")]
    Api { place: String, message: String },
}

/// One entry as it is read.
#[derive(Default)]
struct Builder {
    id: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    comment: Option<String>,
    primary: Option<String>,
    categories: Vec<String>,
    links: Vec<String>,
    authors: Vec<String>,
    doi: Option<String>,
    journal_ref: Option<String>,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// The text of an entity reference: the five XML entities and character references;
/// anything else is kept as written.
fn resolve(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match &**r {
        "lt" => "<".into(),
        "gt" => ">".into(),
        "amp" => "&".into(),
        "apos" => "'".into(),
        "quot" => "\"".into(),
        other => format!("&{other};"),
    }
}

/// Reads one answer. `place` names it in errors (a file path, a URL).
pub fn parse_feed(bytes: &[u8], place: &str) -> Result<Feed, FeedError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FeedError::Encoding {
        place: place.to_string(),
        message: e.to_string(),
    })?;
    let mut reader = Reader::from_str(text);
    let mut feed = Feed::default();
    // local names of the open elements
    let mut stack: Vec<String> = Vec::new();
    let mut entry: Option<Builder> = None;
    let mut text_buf = String::new();
    let mut entries = 0usize;
    let mut saw_root = false;
    let mut api_error: Option<String> = None;
    loop {
        let ev = reader.read_event().map_err(|e| FeedError::Xml {
            place: place.to_string(),
            at: reader.buffer_position(),
            message: e.to_string(),
        })?;
        match ev {
            Event::Start(e) | Event::Empty(e) if !saw_root => {
                let name = e.local_name().as_ref().to_string();
                if name != "feed" {
                    return Err(FeedError::NotAFeed {
                        place: place.to_string(),
                        root: name,
                    });
                }
                saw_root = true;
                stack.push(name);
            }
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                text_buf.clear();
                if name == "entry" && stack.len() == 1 {
                    entries += 1;
                    entry = Some(Builder::default());
                } else if let Some(b) = entry.as_mut() {
                    element_attrs(b, &name, &e);
                }
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                if let Some(b) = entry.as_mut() {
                    element_attrs(b, &name, &e);
                }
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.into_inner()),
            Event::GeneralRef(r) => text_buf.push_str(&resolve(&r)),
            Event::End(_) => {
                let Some(name) = stack.pop() else { break };
                let value = std::mem::take(&mut text_buf);
                let parent = stack.last().map(String::as_str);
                if name == "entry" && stack.len() == 1 {
                    if let Some(b) = entry.take() {
                        match finish(b, entries) {
                            Ok(p) => feed.entries.push(Ok(p)),
                            Err(Finished::ApiError(m)) => api_error = Some(m),
                            Err(Finished::Bad(e)) => feed.entries.push(Err(e)),
                        }
                    }
                } else if let Some(b) = entry.as_mut() {
                    let v = collapse(&value);
                    match (name.as_str(), parent) {
                        ("id", Some("entry")) => b.id = Some(v),
                        ("published", Some("entry")) => b.published = Some(v),
                        ("updated", Some("entry")) => b.updated = Some(v),
                        ("title", Some("entry")) => b.title = Some(v),
                        ("summary", Some("entry")) => b.summary = Some(v),
                        ("comment", Some("entry")) => b.comment = Some(v),
                        ("doi", Some("entry")) => b.doi = Some(v),
                        ("journal_ref", Some("entry")) => b.journal_ref = Some(v),
                        ("name", Some("author")) => b.authors.push(v),
                        _ => {}
                    }
                } else if stack.len() == 1 {
                    let n = value.trim().parse::<u64>().ok();
                    match name.as_str() {
                        "totalResults" => feed.total_results = n,
                        "startIndex" => feed.start_index = n,
                        "itemsPerPage" => feed.items_per_page = n,
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(FeedError::NotAFeed {
            place: place.to_string(),
            root: "(none)".into(),
        });
    }
    if let Some(message) = api_error {
        return Err(FeedError::Api {
            place: place.to_string(),
            message,
        });
    }
    Ok(feed)
}

fn element_attrs(b: &mut Builder, name: &str, e: &BytesStart<'_>) {
    match name {
        "category" => {
            if let Some(t) = attr(e, "term").filter(|t| !t.trim().is_empty()) {
                if !b.categories.contains(&t) {
                    b.categories.push(t);
                }
            }
        }
        "primary_category" => b.primary = attr(e, "term").filter(|t| !t.trim().is_empty()),
        "link" => {
            if let Some(h) = attr(e, "href") {
                b.links.push(h);
            }
        }
        _ => {}
    }
}

enum Finished {
    ApiError(String),
    Bad(EntryError),
}

fn finish(b: Builder, n: usize) -> Result<Paper, Finished> {
    let raw_id = b.id.clone().unwrap_or_default();
    if raw_id.contains("/api/errors") {
        return Err(Finished::ApiError(
            b.summary.unwrap_or_else(|| "(no message)".into()),
        ));
    }
    let bad = |id: Option<String>, field: &'static str, message: String| {
        Finished::Bad(EntryError {
            place: format!("entry {n}"),
            id,
            field,
            message,
        })
    };
    let Some((id, version)) = split_id(&raw_id) else {
        let message = if raw_id.is_empty() {
            "missing".to_string()
        } else {
            format!("not an arXiv id: `{}`", builtby_model::prefix(&raw_id, 80))
        };
        return Err(bad(None, "id", message));
    };
    let shown = Some(match version {
        Some(v) => format!("{id}v{v}"),
        None => id.clone(),
    });
    let title = match b.title.filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => return Err(bad(shown, "title", "missing".into())),
    };
    let published = match b.published.as_deref() {
        None => return Err(bad(shown, "published", "missing".into())),
        Some(s) => match builtby_model::time::parse_rfc3339(s) {
            Some(t) => t,
            None => return Err(bad(shown, "published", format!("not a date: `{s}`"))),
        },
    };
    let updated = b
        .updated
        .as_deref()
        .and_then(builtby_model::time::parse_rfc3339);
    let authors: Vec<String> = b.authors.into_iter().filter(|a| !a.is_empty()).collect();
    if authors.is_empty() {
        return Err(bad(shown, "author", "no author with a name".into()));
    }
    let mut categories = Vec::with_capacity(b.categories.len() + 1);
    if let Some(p) = b.primary {
        categories.push(p);
    }
    for c in b.categories {
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    Ok(Paper {
        id,
        version,
        published,
        updated,
        title,
        authors,
        categories,
        summary: b.summary.unwrap_or_default(),
        comment: b.comment.filter(|c| !c.is_empty()),
        links: b.links,
        doi: b.doi.filter(|d| !d.is_empty()),
        journal_ref: b.journal_ref.filter(|j| !j.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feed in today's shape, with `entries` spliced in.
    pub(crate) fn feed(total: u64, start: u64, entries: &str) -> String {
        format!(
            r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query: search_query=cat:cs.LG</title>
  <updated>2026-04-12T22:10:26Z</updated>
  <opensearch:itemsPerPage>2</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
{entries}
</feed>"#
        )
    }

    const ENTRY: &str = r#"<entry>
    <id>http://arxiv.org/abs/2401.00001v2</id>
    <title>Sparse   attention
      &amp; friends</title>
    <updated>2024-01-02T10:00:00Z</updated>
    <link href="https://arxiv.org/abs/2401.00001v2" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/2401.00001v2" rel="related" type="application/pdf" title="pdf"/>
    <summary>  We &lt;propose&gt; it.
Code: https://github.com/o/r</summary>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <published>2024-01-01T09:00:00Z</published>
    <arxiv:comment>12 pages &#8212; accepted</arxiv:comment>
    <arxiv:primary_category term="cs.LG"/>
    <arxiv:doi>10.1000/x</arxiv:doi>
    <author><name>Ana  Bell</name><arxiv:affiliation>Uni</arxiv:affiliation></author>
    <author>
      <name>Bo Chen</name>
    </author>
  </entry>"#;

    #[test]
    fn an_entry_is_read_whole() {
        let f = parse_feed(feed(7, 0, ENTRY).as_bytes(), "t").unwrap();
        assert_eq!(f.total_results, Some(7));
        assert_eq!(f.start_index, Some(0));
        assert_eq!(f.items_per_page, Some(2));
        assert_eq!(f.entries.len(), 1);
        let p = f.entries[0].as_ref().unwrap();
        assert_eq!(p.id, "2401.00001");
        assert_eq!(p.version, Some(2));
        assert_eq!(p.title, "Sparse attention & friends");
        assert_eq!(p.summary, "We <propose> it. Code: https://github.com/o/r");
        assert_eq!(p.comment.as_deref(), Some("12 pages — accepted"));
        assert_eq!(p.authors, ["Ana Bell", "Bo Chen"]);
        assert_eq!(p.categories, ["cs.LG", "cs.AI"], "primary first, no repeat");
        assert_eq!(p.published, 1_704_099_600);
        assert_eq!(p.updated, Some(1_704_189_600));
        assert_eq!(p.doi.as_deref(), Some("10.1000/x"));
        assert_eq!(p.links.len(), 2);
        assert_eq!(p.code_url().as_deref(), Some("https://github.com/o/r"));
    }

    #[test]
    fn bad_entries_are_named_and_the_others_kept() {
        let no_date = ENTRY.replace("<published>2024-01-01T09:00:00Z</published>", "");
        let bad_date = ENTRY.replace("2024-01-01T09:00:00Z", "yesterday");
        let no_authors = ENTRY
            .replace(
                "<author><name>Ana  Bell</name><arxiv:affiliation>Uni</arxiv:affiliation></author>",
                "",
            )
            .replace("<name>Bo Chen</name>", "");
        let bad_id = ENTRY.replace("http://arxiv.org/abs/2401.00001v2", "urn:x");
        let body = [ENTRY, &no_date, &bad_date, &no_authors, &bad_id].join("\n");
        let f = parse_feed(feed(5, 0, &body).as_bytes(), "t").unwrap();
        let errs: Vec<String> = f
            .entries
            .iter()
            .filter_map(|e| e.as_ref().err().map(|e| e.to_string()))
            .collect();
        assert_eq!(
            errs,
            [
                "entry 2 (2401.00001v2): published: missing",
                "entry 3 (2401.00001v2): published: not a date: `yesterday`",
                "entry 4 (2401.00001v2): author: no author with a name",
                "entry 5: id: not an arXiv id: `urn:x`",
            ]
        );
        assert!(f.entries[0].is_ok());
    }

    #[test]
    fn old_feeds_with_namespaces_per_element_are_read() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=au:x</title>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">31</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/cond-mat/0412498v1</id>
    <updated>2004-12-19T16:18:24Z</updated>
    <published>2004-12-19T16:18:24Z</published>
    <title>Thermal melting</title>
    <summary>  We present
the theory.
</summary>
    <author><name>Adrian Del Maestro</name></author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">12 pages</arxiv:comment>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cond-mat.str-el" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cond-mat.str-el" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>"#;
        let f = parse_feed(xml.as_bytes(), "t").unwrap();
        assert_eq!(f.total_results, Some(31));
        let p = f.entries[0].as_ref().unwrap();
        assert_eq!(p.id, "cond-mat/0412498");
        assert_eq!(p.summary, "We present the theory.");
        assert_eq!(p.categories, ["cond-mat.str-el"]);
    }

    #[test]
    fn the_apis_error_answer_is_an_error() {
        let e = r#"<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>
<title>Error</title><summary>incorrect id format for 1234</summary>
<updated>2024-01-01T00:00:00-05:00</updated><link href="http://arxiv.org/api/errors#x" rel="alternate" type="text/html"/>
<author><name>arXiv api core</name></author></entry>"#;
        let err = parse_feed(feed(1, 0, e).as_bytes(), "u").unwrap_err();
        assert_eq!(
            err.to_string(),
            "u: the arXiv API answered an error: incorrect id format for 1234"
        );
    }

    #[test]
    fn what_is_not_a_feed_says_so() {
        assert!(matches!(
            parse_feed(b"<html><body>503</body></html>", "u"),
            Err(FeedError::NotAFeed { .. })
        ));
        assert!(matches!(
            parse_feed(b"<feed><entry></feed>", "u"),
            Err(FeedError::Xml { .. })
        ));
        assert!(matches!(
            parse_feed(b"\xff\xfe", "u"),
            Err(FeedError::Encoding { .. })
        ));
        assert!(matches!(
            parse_feed(b"", "u"),
            Err(FeedError::NotAFeed { .. })
        ));
        let empty = parse_feed(feed(0, 0, "").as_bytes(), "u").unwrap();
        assert_eq!(empty.total_results, Some(0));
        assert!(empty.entries.is_empty());
    }
}
