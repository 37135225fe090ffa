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

/// `value` as compact JSON with every string (and object key) scrubbed as [`scrub_value`]
/// would: serialized once, straight from its types, with no [`Value`] tree built and walked
/// in between (on a page of 50 people that tree was a third of the server's time). Keys keep
/// the order of the types' fields.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(16 * 1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Scrubbing::default());
    value.serialize(&mut ser)?;
    Ok(out)
}

/// serde_json's compact formatter, except that a string is held until its end (an address
/// can span escaped and unescaped fragments) and scrubbed whole there. It is held as written
/// (escaped), so the common string, with no `@` (serde_json never escapes one), goes out as it
/// is: one scan for `@` instead of gathering, scrubbing and escaping every string again
/// (a page writes ~2,000 of them, keys included).
#[derive(Default)]
struct Scrubbing {
    escaped: Vec<u8>,
}

impl serde_json::ser::Formatter for Scrubbing {
    fn begin_string<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.escaped.clear();
        // written now: a number used as a map key is written between begin and end
        w.write_all(b"\"")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        _: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        self.escaped.extend_from_slice(fragment.as_bytes());
        Ok(())
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        _: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        serde_json::ser::CompactFormatter.write_char_escape(&mut self.escaped, escape)
    }

    fn end_string<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if !self.escaped.contains(&b'@') {
            w.write_all(&self.escaped)?;
            return w.write_all(b"\"");
        }
        // the text itself, to scrub it word by word, then escaped again as serde_json does
        let mut quoted = Vec::with_capacity(self.escaped.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&self.escaped);
        quoted.push(b'"');
        let text: String = serde_json::from_slice(&quoted).map_err(std::io::Error::other)?;
        let out = serde_json::to_vec(&*scrub_str(&text)).map_err(std::io::Error::other)?;
        // `out` is quoted; the opening quote is written already
        w.write_all(&out[1..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_json_writes_what_serde_json_writes_with_addresses_scrubbed() {
        let tricky: Vec<String> = vec![
            "plain".into(),
            "quote \" back \\ slash / solidus".into(),
            "ctl \u{0}\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f} end".into(),
            "unicode é 深圳 😀 \u{2028}".into(),
            String::new(),
        ];
        let mut keyed = std::collections::BTreeMap::new();
        keyed.insert(7_i64, "seven");
        keyed.insert(-1_i64, "minus one");
        let v = serde_json::json!({"s": tricky, "n": [1, -2, 3.5, 1e300], "b": true, "z": null});
        for text in [
            serde_json::to_string(&v).unwrap(),
            serde_json::to_string(&keyed).unwrap(),
        ] {
            let parsed: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(String::from_utf8(to_json(&parsed).unwrap()).unwrap(), text);
        }
        assert_eq!(
            String::from_utf8(to_json(&keyed).unwrap()).unwrap(),
            serde_json::to_string(&keyed).unwrap()
        );
        // addresses go, wherever the escapes fall, in values and in keys
        let mut with = serde_json::json!({
            "t": ["mail bo@uni.edu", "a\tbo@uni.edu\nok", "@ana fixed it"],
            "ana@example.com": 1,
        });
        let direct = String::from_utf8(to_json(&with).unwrap()).unwrap();
        scrub_value(&mut with);
        assert_eq!(direct, serde_json::to_string(&with).unwrap());
        assert!(
            !direct.contains("bo@uni.edu") && direct.contains("@ana fixed it"),
            "{direct}"
        );
    }

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
