//! Time phrases → `since` / `until`, in the forms `search` takes (a date, or a duration back
//! from `as_of`: `6m`, `2y`), so the chip shows what the search will be given.
//!
//! The grammar is small and fixed; its words (units, months, number words) are data in the
//! catalog's `[ask]` table. Fixed phrases such as "recently" are ordinary `[[ask.phrase]]`
//! entries.
//!
//! - "last year", "the past 6 months", "over the last two years", "past 6m" → `since 1y`, `6m`, `2y`
//! - "since 2024", "since March 2024", "since 2024-03-01", "from 2023", "2023 onwards", "after 2022"
//! - "in 2023", "during 2023", "between 2022 and 2023", "from 2022 to 2023" → both bounds
//! - "before 2023", "until 2023", "till mid 2024" (until the year's end or the day before)
//! - "this year" → since the first of January of `now`'s year

use super::tokens::{Token, What};
use super::words::{Lexicon, Setting};

fn year_of(t: &Token) -> Option<i32> {
    match t.what {
        What::Number(n) if (1990..=2100).contains(&n) && t.text.len() == 4 => Some(n as i32),
        _ => None,
    }
}

fn set(p: &str, v: String) -> (String, String) {
    (p.to_string(), v)
}

/// A start: `2024` (Jan 1st), `March 2024`, `2024-03-01`, `2024-03`. Returns words used and
/// (year, month, day).
fn start_of(t: &[Token], i: usize, lx: &Lexicon) -> Option<(usize, String, i32, u32)> {
    let first = t.get(i)?;
    if first.what == What::Date {
        let d = if first.text.len() == 7 {
            format!("{}-01", first.text)
        } else {
            first.text.clone()
        };
        let y = first.text[..4].parse().ok()?;
        let m: u32 = first.text[5..7].parse().ok()?;
        return (1..=12).contains(&m).then_some((1, d, y, m));
    }
    if let Some(y) = year_of(first) {
        return Some((1, format!("{y:04}-01-01"), y, 1));
    }
    if first.what == What::Word {
        if let Some(&m) = lx.months.get(&first.text) {
            let y = year_of(t.get(i + 1)?)?;
            return Some((2, format!("{y:04}-{m:02}-01"), y, m));
        }
    }
    None
}

fn is(t: &[Token], i: usize, words: &[&str]) -> bool {
    t.get(i)
        .is_some_and(|t| t.what == What::Word && words.contains(&t.text.as_str()))
}

/// A count and unit: `6 months`, `two years`, `6m`, `year` (one).
fn span(t: &[Token], i: usize, lx: &Lexicon) -> Option<(usize, String)> {
    let tok = t.get(i)?;
    // "6m", "2y", "30d"
    if tok.what == What::Word {
        // split before the last character, wherever its bytes start ("ⱥ" is three)
        let cut = tok.text.char_indices().last().map_or(0, |(i, _)| i);
        let (num, unit) = tok.text.split_at(cut);
        if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) && "dwmy".contains(unit) {
            let n: u32 = num.parse().ok()?;
            return (n > 0).then(|| (1, format!("{n}{unit}")));
        }
    }
    let (mut used, n) = match &tok.what {
        What::Number(n) if (1..=100).contains(n) => (1, *n as u32),
        What::Word => match lx.numbers.get(&tok.text) {
            Some(n) => (1, *n),
            None => (0, 1),
        },
        _ => return None,
    };
    // "a couple of years", "a few months"
    if is(t, i + used, &["of"]) && used > 0 {
        used += 1;
    }
    let unit = t.get(i + used).filter(|u| u.what == What::Word)?;
    let u = *lx.units.get(&unit.text)?;
    // "12 months" is a year, as "last year" is
    let (n, u) = if u == 'm' && n % 12 == 0 {
        (n / 12, 'y')
    } else {
        (n, u)
    };
    Some((used + 1, format!("{n}{u}")))
}

/// Reads a time phrase at `i`: words used and what they set.
pub fn read(t: &[Token], i: usize, lx: &Lexicon, now: i64) -> Option<(usize, Setting)> {
    let mut j = i;
    // "in the last year", "over the past 6 months", "within the last 2 years"
    let lead = is(t, j, &["in", "over", "during", "within", "for", "from"]);
    if lead {
        j += 1;
    }
    if is(t, j, &["the"]) {
        j += 1;
    }
    if is(t, j, &["last", "past", "previous", "recent", "trailing"]) {
        if let Some((used, d)) = span(t, j + 1, lx) {
            return Some((j + 1 + used - i, vec![set("since", d)]));
        }
    }
    if is(t, i, &["this", "current"]) && is(t, i + 1, &["year"]) {
        let y = &builtby_model::time::date_string(now)[..4];
        return Some((2, vec![set("since", format!("{y}-01-01"))]));
    }
    // "6 months ago" after "since": "since 6 months ago"
    let head = t.get(i).filter(|t| t.what == What::Word)?.text.as_str();
    match head {
        "since" | "after" | "from" | "starting" | "beginning" => {
            let mut k = i + 1;
            if is(t, k, &["in", "of", "at"]) {
                k += 1;
            }
            if let Some((used, d)) = span(t, k, lx) {
                if is(t, k + used, &["ago"]) {
                    return Some((k + used + 1 - i, vec![set("since", d)]));
                }
            }
            let (used, date, y, m) = start_of(t, k, lx)?;
            let date = if head == "after" && t[k].what != What::Date {
                // after 2022: from 2023; after March 2024: from April
                if used == 1 || m == 12 {
                    format!("{:04}-01-01", y + 1)
                } else {
                    format!("{y:04}-{:02}-01", m + 1)
                }
            } else {
                date
            };
            let mut out = vec![set("since", date)];
            let mut n = k + used - i;
            // "from 2022 to 2023", "2022 - 2023"
            if head == "from" && is(t, k + used, &["to", "until", "till", "through", "thru"]) {
                if let Some(y2) = t.get(k + used + 1).and_then(year_of) {
                    out.push(set("until", format!("{y2:04}-12-31")));
                    n += 2;
                }
            }
            Some((n, out))
        }
        "between" => {
            let y1 = year_of(t.get(i + 1)?)?;
            if !is(t, i + 2, &["and", "to"]) {
                return None;
            }
            let y2 = year_of(t.get(i + 3)?)?;
            Some((
                4,
                vec![
                    set("since", format!("{:04}-01-01", y1.min(y2))),
                    set("until", format!("{:04}-12-31", y1.max(y2))),
                ],
            ))
        }
        "in" | "during" | "throughout" => {
            let (used, _, y, m) = start_of(t, i + 1, lx)?;
            if used == 1 && t[i + 1].what == What::Number(y as i64) {
                Some((
                    2,
                    vec![
                        set("since", format!("{y:04}-01-01")),
                        set("until", format!("{y:04}-12-31")),
                    ],
                ))
            } else {
                let last = days_in(y, m);
                Some((
                    1 + used,
                    vec![
                        set("since", format!("{y:04}-{m:02}-01")),
                        set("until", format!("{y:04}-{m:02}-{last:02}")),
                    ],
                ))
            }
        }
        "before" | "until" | "till" | "up" | "prior" => {
            let mut k = i + 1;
            if (head == "up" || head == "prior") && is(t, k, &["to"]) {
                k += 1;
            } else if head == "up" || head == "prior" {
                return None;
            }
            let (used, _, y, m) = start_of(t, k, lx)?;
            let until = if head == "before" || head == "prior" {
                // the day before the start
                if t[k].what == What::Date && t[k].text.len() == 10 {
                    let s = builtby_model::time::parse_date_or_time(&t[k].text)?;
                    builtby_model::time::date_string(s - builtby_model::time::DAY)
                } else if (used == 1 && t[k].what != What::Date) || m == 1 {
                    format!("{:04}-12-31", y - 1)
                } else {
                    format!("{y:04}-{:02}-{:02}", m - 1, days_in(y, m - 1))
                }
            } else if used == 1 && t[k].what != What::Date {
                format!("{y:04}-12-31")
            } else {
                format!("{y:04}-{m:02}-{:02}", days_in(y, m))
            };
            Some((k + used - i, vec![set("until", until)]))
        }
        _ => {
            // "2023 onwards", "2023 and later"
            let y = year_of(t.get(i)?)?;
            if is(t, i + 1, &["onwards", "onward", "forward"]) {
                return Some((2, vec![set("since", format!("{y:04}-01-01"))]));
            }
            if is(t, i + 1, &["and", "or"]) && is(t, i + 2, &["later", "after", "newer"]) {
                return Some((3, vec![set("since", format!("{y:04}-01-01"))]));
            }
            None
        }
    }
}

fn days_in(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
