//! A JSON writer that keeps key order, so every line starts `{"id":…,"type":…` as GH Archive's do.

use super::*;

// ---------------------------------------------------------------- ordered JSON

/// A JSON value that keeps keys in insertion order, whatever serde_json's features are.
pub(super) enum J {
    Null,
    B(bool),
    U(u64),
    S(String),
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
}
macro_rules! o {
    ($($k:literal : $v:expr),* $(,)?) => { J::O(vec![$(($k, J::from($v))),*]) };
}
macro_rules! into_j {
    ($($t:ty => |$x:ident| $e:expr),* $(,)?) => { $(impl From<$t> for J { fn from($x: $t) -> J { $e } })* };
}
into_j! {
    bool => |b| J::B(b), u64 => |n| J::U(n), Vec<J> => |v| J::A(v),
    &str => |s| J::S(s.to_string()), String => |s| J::S(s), &String => |s| J::S(s.clone()),
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> J {
        v.map_or(J::Null, Into::into)
    }
}
impl J {
    pub(super) fn cat(self, more: J) -> J {
        match (self, more) {
            (J::O(mut a), J::O(b)) => {
                a.extend(b);
                J::O(a)
            }
            (a, _) => a,
        }
    }
    pub(super) fn write(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::B(b) => out.push_str(if *b { "true" } else { "false" }),
            J::U(n) => write!(out, "{n}").unwrap(),
            J::S(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            J::A(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',')
                    }
                    x.write(out);
                }
                out.push(']');
            }
            J::O(kv) => {
                out.push('{');
                for (i, (k, v)) in kv.iter().enumerate() {
                    if i > 0 {
                        out.push(',')
                    }
                    write!(out, "\"{k}\":").unwrap();
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}
pub(super) fn urls(base: &str, table: &'static str) -> J {
    J::O(
        table
            .split(' ')
            .map(|kv| kv.split_once('=').unwrap())
            .map(|(k, s)| (k, J::S(format!("{base}{s}"))))
            .collect(),
    )
}
pub(super) fn href(url: String) -> J {
    o! {"href": url}
}
