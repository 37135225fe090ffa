//! No e-mail address ever leaves the server. The store has no column for one, but titles,
//! bodies and old profile fields are free text someone typed, so every JSON answer and every
//! CSV is passed through here: a whitespace-separated word that looks like an address
//! ([`builtby_model::looks_like_email`]) is replaced by [`REDACTED`].

use serde_json::Value;

pub const REDACTED: &str = "[e-mail removed]";

/// `s` with e-mail-like words replaced; borrowed when there is nothing to replace.
pub fn scrub_str(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('@') || !builtby_model::looks_like_email(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut String, w: &str| {
        if builtby_model::looks_like_email(w) {
            out.push_str(REDACTED);
        } else {
            out.push_str(w);
        }
    };
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = word_start.take() {
                flush(&mut out, &s[st..i]);
            }
            out.push(c);
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(st) = word_start {
        flush(&mut out, &s[st..]);
    }
    std::borrow::Cow::Owned(out)
}

/// Scrubs every string (and object key) in `v`, in place.
pub fn scrub_value(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(o) = scrub_str(s) {
                *s = o;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_value),
        Value::Object(m) => {
            if m.keys().any(|k| k.contains('@')) {
                let old = std::mem::take(m);
                for (k, mut x) in old {
                    scrub_value(&mut x);
                    m.insert(scrub_str(&k).into_owned(), x);
                }
            } else {
                m.values_mut().for_each(scrub_value);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_go_and_the_rest_stays() {
        assert_eq!(
            scrub_str("Fix #12 (thanks ana@example.com)\nok"),
            "Fix #12 (thanks [e-mail removed]\nok"
        );
        assert_eq!(scrub_str("@ana fixed it"), "@ana fixed it");
        let mut v =
            serde_json::json!({"t": ["mail bo@uni.edu", 3], "u": "https://github.com/o/r/pull/1"});
        scrub_value(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"t": ["mail [e-mail removed]", 3], "u": "https://github.com/o/r/pull/1"})
        );
    }
}
