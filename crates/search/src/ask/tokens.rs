//! A sentence cut into words, each remembering where it was typed (so every chip can show
//! the words it came from).
//!
//! Words are compared by [`key`]: lower case, accents folded, punctuation a space (the
//! gazetteer's normalisation, so "Kraków" and "krakow" are one word on both sides). A few
//! things keep their punctuation because it is what they mean: repository names
//! (`huggingface/transformers`, `pytorch/*`), dates (`2024-03-01`), arXiv categories
//! (`cs.LG`), numbers with separators (`10,000`) and text in quotes.

/// The form phrases are compared in.
pub fn key(s: &str) -> String {
    builtby_locate::norm(s)
}

#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// An ordinary word, by its [`key`].
    Word,
    /// `owner/name` or `owner/*`, as typed.
    Repo,
    /// `2024-03-01` or `2024-03`.
    Date,
    /// A whole number (`10,000`, `10k`, `1.5m`), its value.
    Number(i64),
    /// `cs.LG`, as typed.
    Category,
    /// Text between quotes.
    Quoted,
    /// A comma, semicolon or slash between words: separates alternatives like "or".
    Comma,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The key of a word; the text itself for the others.
    pub text: String,
    pub what: What,
    /// Byte offsets of the typed text in the sentence.
    pub start: usize,
    pub end: usize,
}

const QUOTES: &[char] = &['"', '“', '”', '„', '«', '»'];

/// The words of a sentence.
pub fn tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes_len = s.len();
    while i < bytes_len {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if QUOTES.contains(&c) {
            let after = i + c.len_utf8();
            match s[after..].find(QUOTES) {
                Some(len) => {
                    let inner = s[after..after + len].trim();
                    // the closing quote may be several bytes (”)
                    let close = s[after + len..].chars().next().map_or(1, char::len_utf8);
                    if !inner.is_empty() {
                        out.push(Token {
                            text: inner.to_string(),
                            what: What::Quoted,
                            start: i,
                            end: after + len + close,
                        });
                    }
                    i = after + len + close;
                }
                None => i = after,
            }
            continue;
        }
        let len = rest
            .find(|c: char| c.is_whitespace() || QUOTES.contains(&c))
            .unwrap_or(rest.len());
        chunk(s, i, i + len, &mut out);
        i += len;
    }
    out
}

/// One whitespace-separated chunk: a repository, a date, a number, a category, or words.
fn chunk(s: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let raw = &s[start..end];
    // trailing punctuation is not part of the word, but a comma still separates
    let trimmed = raw.trim_end_matches(|c: char| ".,;:!?)]}".contains(c));
    let comma = raw[trimmed.len()..].contains([',', ';']);
    let lead = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| "([{".contains(c))
            .len();
    let (start, word) = (start + lead, &trimmed[lead..]);
    let end = start + word.len();
    let push = |out: &mut Vec<Token>, text: String, what: What| {
        out.push(Token {
            text,
            what,
            start,
            end,
        })
    };
    if word.is_empty() {
    } else if is_repo(word) {
        push(
            out,
            word.trim_start_matches("https://github.com/").to_string(),
            What::Repo,
        );
    } else if is_date(word) {
        push(out, word.to_string(), What::Date);
    } else if let Some(n) = number(word) {
        push(out, word.to_string(), What::Number(n));
    } else if is_category(word) {
        push(out, word.to_string(), What::Category);
    } else {
        // "PyTorch's" → pytorch; "Berlin/Warsaw" → berlin, warsaw (a slash between words is "or")
        let mut first = true;
        for part in word.split('/') {
            if !first {
                push(out, "/".into(), What::Comma);
            }
            first = false;
            let part = part
                .strip_suffix("'s")
                .or_else(|| part.strip_suffix("’s"))
                .unwrap_or(part);
            for w in key(part).split(' ').filter(|w| !w.is_empty()) {
                push(out, w.to_string(), What::Word);
            }
        }
    }
    if comma {
        out.push(Token {
            text: ",".into(),
            what: What::Comma,
            start: end,
            end: end + 1,
        });
    }
}

fn is_repo(w: &str) -> bool {
    let w = w.trim_start_matches("https://github.com/");
    w.matches('/').count() == 1
        && crate::query::parse_repo_pattern(w).is_ok()
        // "ML/AI", "PhD/MSc": a repository pattern has a lower-case or digit somewhere, and
        // "owner/*" or a dash, dot, digit or underscore in it, or is all lower case
        && (w.ends_with("/*")
            || w.chars().any(|c| c == '-' || c == '_' || c == '.' || c.is_ascii_digit())
            || w.chars().all(|c| !c.is_uppercase()))
        && !w.split('/').any(|p| p.len() < 2 && p != "*")
}

fn is_date(w: &str) -> bool {
    let b = w.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
        || (b.len() == 7 && digits(0..4) && b[4] == b'-' && digits(5..7))
}

/// `10,000`, `5000`, `10k`, `1.5M`, `10k+`: a count (not a year: that is a plain number too,
/// and the time rules read it as one).
fn number(w: &str) -> Option<i64> {
    let w = w.trim_end_matches('+');
    let lower = w.to_ascii_lowercase();
    // "1.5m": a million; "6m" stays a word (a month count to the time rules, a million to
    // the downloads rule, which reads it with `count_word`)
    let (digits, mult) = match lower.strip_suffix('k') {
        Some(d) => (d, 1_000.0),
        None => match lower.strip_suffix('m') {
            Some(d) if d.contains('.') => (d, 1_000_000.0),
            _ => (lower.as_str(), 1.0),
        },
    };
    if digits.is_empty() || !digits.chars().next()?.is_ascii_digit() {
        return None;
    }
    if !digits
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    if digits.contains(',') {
        // thousands separators only: 10,000 and 1,250,000
        let groups: Vec<&str> = digits.split(',').collect();
        if groups[1..].iter().any(|g| g.len() != 3) || groups[0].is_empty() || groups[0].len() > 3 {
            return None;
        }
    }
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    if plain.len() > 12 {
        return None;
    }
    let v: f64 = plain.parse().ok()?;
    Some((v * mult).round() as i64)
}

/// A count written as a word the tokenizer kept: `1m`, `2m` (millions), for the downloads rule.
pub fn count_word(w: &str) -> Option<i64> {
    let d = w.strip_suffix('m')?;
    (!d.is_empty() && d.len() <= 4 && d.chars().all(|c| c.is_ascii_digit()))
        .then(|| d.parse::<i64>().ok().map(|n| n * 1_000_000))
        .flatten()
}

/// `cs.LG`, `stat.ML`: an arXiv archive and a subject class of two or more letters.
fn is_category(w: &str) -> bool {
    matches!(w.split_once('.'), Some((a, b))
        if ["cs", "stat", "math", "eess", "q-bio", "physics"].contains(&a.to_ascii_lowercase().as_str())
            && (2..=3).contains(&b.len())
            && b.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, What)> {
        tokens(s).into_iter().map(|t| (t.text, t.what)).collect()
    }

    #[test]
    fn words_keep_what_their_punctuation_means() {
        let t = texts(
            "PyTorch's FSDP, Kraków/Warszawa huggingface/* \"flash attention\" cs.LG 10k+ 2024-03",
        );
        let w = |s: &str| (s.to_string(), What::Word);
        assert_eq!(
            t,
            vec![
                w("pytorch"),
                w("fsdp"),
                (",".into(), What::Comma),
                w("krakow"),
                ("/".into(), What::Comma),
                w("warszawa"),
                ("huggingface/*".into(), What::Repo),
                ("flash attention".into(), What::Quoted),
                ("cs.LG".into(), What::Category),
                ("10k+".into(), What::Number(10_000)),
                ("2024-03".into(), What::Date),
            ]
        );
        assert_eq!(texts("ML/AI")[0], w("ml"));
        assert_eq!(texts("1,250,000")[0].1, What::Number(1_250_000));
        assert_eq!(texts("2024")[0].1, What::Number(2024));
        assert_eq!(texts("10,00")[0].0, "10");
    }

    #[test]
    fn every_token_points_at_what_was_typed() {
        let s = "reviewers in München, since 2024";
        for t in tokens(s) {
            let typed = &s[t.start..t.end];
            assert!(!typed.is_empty(), "{t:?}");
        }
        let m = tokens(s).into_iter().find(|t| t.text == "munchen").unwrap();
        assert_eq!(&s[m.start..m.end], "München");
        // unbalanced quotes and lone punctuation never panic
        for s in ["\"", "“abc", "a \" b", "'s", "/", "//x", ",,,", "’s’s"] {
            let _ = tokens(s);
        }
    }
}
