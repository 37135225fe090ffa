//! A location string cut into what can be looked up: groups of places ("Berlin / New York"),
//! parts of one place (commas, parentheses, spaced dashes), coordinates, and the spellings a
//! name is also written in.

/// Chinese, Japanese and Korean script, written without spaces between place names.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}')
}

/// The same name with "saint" for "st" or the other way round, if it has either.
pub(crate) fn saint_form(n: &str) -> Option<String> {
    for (a, b) in [
        ("st ", "saint "),
        ("saint ", "st "),
        ("ste ", "sainte "),
        ("sainte ", "ste "),
    ] {
        if let Some(rest) = n.strip_prefix(a) {
            return Some(format!("{b}{rest}"));
        }
        if let Some(i) = n.find(&format!(" {a}")) {
            return Some(format!("{} {b}{}", &n[..i], &n[i + 1 + a.len()..]));
        }
    }
    None
}

/// A latitude and longitude written as such ("40.71, -74.00", "52.52°N 13.40°E"): two decimal
/// numbers and nothing else but hemisphere letters and punctuation.
pub(crate) fn coordinates(text: &str) -> Option<(f64, f64)> {
    let mut nums: Vec<(f64, bool)> = Vec::new();
    let mut hemis: Vec<char> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit()
            || ((c == '-' || c == '+') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            nums.push((s.parse().ok()?, s.contains('.')));
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect::<String>().to_lowercase();
            match w.as_str() {
                "n" | "s" | "e" | "w" => hemis.push(w.chars().next()?),
                "lat" | "lng" | "lon" | "long" | "latitude" | "longitude" => {}
                _ => return None,
            }
            continue;
        }
        if !(c.is_whitespace()
            || matches!(
                c,
                ',' | ';' | '°' | '\'' | '"' | '(' | ')' | ':' | '/' | '′' | '″'
            ))
        {
            return None;
        }
        i += 1;
    }
    if nums.len() != 2 || !nums.iter().all(|n| n.1) {
        return None;
    }
    let (mut lat, mut lon) = (nums[0].0, nums[1].0);
    for h in hemis {
        match h {
            's' => lat = -lat.abs(),
            'w' => lon = -lon.abs(),
            _ => {}
        }
    }
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// Cuts a location into groups that may each name a different place: at slashes, bars,
/// semicolons, " and ", " or ", " & " and arrows ("Berlin / New York"). Commas stay inside a
/// group: they cut a place into its parts.
pub(crate) fn split_groups(text: &str) -> Vec<String> {
    let mut groups = vec![String::new()];
    let words: Vec<&str> = text.split(' ').collect();
    for (wi, w) in words.iter().enumerate() {
        let lw = w.to_lowercase();
        if wi > 0
            && wi + 1 < words.len()
            && matches!(lw.as_str(), "and" | "or" | "&" | "->" | "→" | "+")
        {
            groups.push(String::new());
            continue;
        }
        let cur = groups.last_mut().expect("one group at least");
        if !cur.is_empty() {
            cur.push(' ');
        }
        for c in w.chars() {
            if matches!(c, '/' | '|' | ';') && !w.contains("://") {
                groups.push(String::new());
            } else {
                groups.last_mut().expect("one group at least").push(c);
            }
        }
    }
    groups
        .into_iter()
        .map(|g| {
            g.trim()
                .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '\'' | ','))
                .trim()
                .to_string()
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// Cuts a location at commas, semicolons, slashes, bars, parentheses and spaced dashes; drops
/// links.
pub(crate) fn split_parts(text: &str) -> Vec<String> {
    let text: Vec<&str> = text
        .split_whitespace()
        .filter(|w| {
            let w = w.to_ascii_lowercase();
            !(w.contains("://") || w.contains("www.") || w.contains('@') || w.contains(".com"))
        })
        .collect();
    let mut parts = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.join(" ").chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let spaced_dash = matches!(c, '-' | '–' | '—' | '~')
            && (i == 0 || chars[i - 1] == ' ')
            && chars.get(i + 1).is_none_or(|n| *n == ' ');
        if matches!(
            c,
            ',' | ';'
                | '/'
                | '|'
                | '('
                | ')'
                | '['
                | ']'
                | '·'
                | '•'
                | '，'
                | '、'
                | '\n'
                | '（'
                | '）'
        ) || spaced_dash
        {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}
