//! A typed, borrowing view of one GH Archive record, covering all three shapes.
//!
//! Only the fields builtby uses are named; serde skips the rest without allocating. Strings
//! borrow from the line unless they contain escapes ([`Str`]). Fields whose JSON type changed
//! between eras (`payload.issue` is an object or a number, `payload.member` an object or a
//! login, `actor` an object or a login) go through [`Loose`], which accepts any JSON value and
//! keeps what it can use. Deliberately absent: every `email` field.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A string that borrows from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl<'a> Str<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// Any JSON value: an object parsed as `T`, a string, an integer, or something else ignored.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loose<'a, T> {
    Obj(T),
    Str(Cow<'a, str>),
    Int(i64),
    #[default]
    Other,
}

impl<'a, T> Loose<'a, T> {
    pub fn obj(&self) -> Option<&T> {
        match self {
            Loose::Obj(t) => Some(t),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            Loose::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn int(&self) -> Option<i64> {
        match self {
            Loose::Int(i) => Some(*i),
            Loose::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Loose<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a, T>(PhantomData<(&'a (), T)>);
        impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for V<'a, T> {
            type Value = Loose<'a, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Loose::Obj)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Loose::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map(Loose::Int).unwrap_or(Loose::Other))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Loose::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Loose::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose::Other)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose::Other)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::Other)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A JSON number or numeric string, e.g. event ids (`"2489436569"`).
pub type Id<'a> = Loose<'a, IgnoredAny>;

/// A JSON array of objects, each parsed as `T`; elements that are not objects are skipped, and
/// any other value (null, a string…) is an empty list.
#[derive(Debug)]
pub struct Many<T>(pub Vec<T>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = seq.next_element::<Loose<'de, T>>()? {
                    if let Loose::Obj(t) = x {
                        out.push(t);
                    }
                }
                Ok(Many(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Many(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
pub struct RawEvent<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(rename = "type", borrow)]
    pub event_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub actor: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub actor_attributes: Option<ActorAttributes<'a>>,
    #[serde(default, borrow)]
    pub repo: Loose<'a, Repo<'a>>,
    #[serde(default, borrow)]
    pub repository: Option<Repository<'a>>,
    #[serde(default, borrow)]
    pub created_at: Option<Str<'a>>,
    /// Timeline era: the html link of what happened.
    #[serde(default, borrow)]
    pub url: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub payload: Loose<'a, Payload<'a>>,
}

/// A GitHub user object (actor, PR author, merger, reviewer, member).
#[derive(Debug, Deserialize, Default)]
pub struct User<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(default, borrow)]
    pub login: Option<Str<'a>>,
    #[serde(default, rename = "type", borrow)]
    pub user_type: Option<Str<'a>>,
}

/// Timeline-era profile fields. `email` is deliberately not read.
#[derive(Debug, Deserialize, Default)]
pub struct ActorAttributes<'a> {
    #[serde(default, borrow)]
    pub login: Option<Str<'a>>,
    #[serde(default, rename = "type", borrow)]
    pub user_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub location: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub company: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub blog: Option<Str<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Repo<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(default, borrow)]
    pub name: Option<Str<'a>>,
}

/// Timeline-era repository object: `owner` and `name` are separate.
#[derive(Debug, Deserialize, Default)]
pub struct Repository<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(default, borrow)]
    pub name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub owner: Loose<'a, User<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Payload<'a> {
    #[serde(default, borrow)]
    pub action: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub number: Id<'a>,
    #[serde(default, borrow)]
    pub pull_request: Option<PullRequest<'a>>,
    #[serde(default, borrow)]
    pub review: Option<Review<'a>>,
    #[serde(default, borrow)]
    pub comment: Option<Comment<'a>>,
    #[serde(default, borrow)]
    pub issue: Loose<'a, Issue<'a>>,
    #[serde(default, borrow)]
    pub release: Option<Release<'a>>,
    #[serde(default, borrow)]
    pub member: Loose<'a, User<'a>>,
    /// 2011 era: `owner/name` as a string.
    #[serde(default, borrow)]
    pub repo: Loose<'a, IgnoredAny>,
    // Push
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub distinct_size: Option<i64>,
    #[serde(default, deserialize_with = "count_seq")]
    pub commits: Option<i64>,
    #[serde(default, deserialize_with = "count_seq")]
    pub shas: Option<i64>,
    #[serde(default, borrow)]
    pub head: Loose<'a, IgnoredAny>,
    #[serde(default, borrow)]
    pub before: Option<Str<'a>>,
    /// GitHub's id of a push: the same push in two events is one piece of work.
    #[serde(default, borrow)]
    pub push_id: Id<'a>,
}

#[derive(Debug, Deserialize, Default)]
pub struct PullRequest<'a> {
    #[serde(default, borrow)]
    pub number: Id<'a>,
    #[serde(default, borrow)]
    pub title: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub body: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub user: Option<User<'a>>,
    #[serde(default)]
    pub merged: Option<bool>,
    #[serde(default, borrow)]
    pub merged_at: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub merged_by: Option<User<'a>>,
    #[serde(default, borrow)]
    pub html_url: Option<Str<'a>>,
    #[serde(default)]
    pub additions: Option<i64>,
    #[serde(default)]
    pub deletions: Option<i64>,
    #[serde(default)]
    pub changed_files: Option<i64>,
    #[serde(default, borrow)]
    pub labels: Option<Vec<Label<'a>>>,
    // Accounts named besides the author and merger (read for the person resolver only).
    #[serde(default, borrow)]
    pub head: Loose<'a, Branch<'a>>,
    #[serde(default, borrow)]
    pub assignee: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub assignees: Many<User<'a>>,
    #[serde(default, borrow)]
    pub requested_reviewers: Many<User<'a>>,
    #[serde(default, borrow)]
    pub milestone: Loose<'a, Milestone<'a>>,
    #[serde(default, borrow)]
    pub auto_merge: Loose<'a, AutoMerge<'a>>,
}

/// A PR's `head`: the branch it comes from, in its author's fork (`base`, the repository's own
/// owner, is not read).
#[derive(Debug, Deserialize, Default)]
pub struct Branch<'a> {
    #[serde(default, borrow)]
    pub user: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub repo: Loose<'a, Owned<'a>>,
}

/// Any object with an `owner` user object (a repository: `head.repo`, `forkee`).
#[derive(Debug, Deserialize, Default)]
pub struct Owned<'a> {
    #[serde(default, borrow)]
    pub owner: Loose<'a, User<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Milestone<'a> {
    #[serde(default, borrow)]
    pub creator: Loose<'a, User<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct AutoMerge<'a> {
    #[serde(default, borrow)]
    pub enabled_by: Loose<'a, User<'a>>,
}

/// Any object with a `user` user object (a comment, a gist).
#[derive(Debug, Deserialize, Default)]
pub struct ByUser<'a> {
    #[serde(default, borrow)]
    pub user: Loose<'a, User<'a>>,
}

impl PullRequest<'_> {
    /// The post-2025-10-07 stub keeps only `{url, id, number, head, base}`.
    pub fn is_trimmed(&self) -> bool {
        self.title.is_none() && self.user.is_none() && self.merged.is_none()
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct Label<'a> {
    #[serde(default, borrow)]
    pub name: Option<Str<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Review<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(default, borrow)]
    pub user: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub body: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub html_url: Option<Str<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Comment<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(default, borrow)]
    pub user: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub body: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub path: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub html_url: Option<Str<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Issue<'a> {
    #[serde(default, borrow)]
    pub number: Id<'a>,
    #[serde(default, borrow)]
    pub title: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub body: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub html_url: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub labels: Option<Vec<Label<'a>>>,
    /// Present (with a non-null `html_url`) when the issue is a pull request.
    #[serde(default, borrow)]
    pub pull_request: Option<IssuePr<'a>>,
    #[serde(default, borrow)]
    pub user: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub assignee: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub assignees: Many<User<'a>>,
    #[serde(default, borrow)]
    pub milestone: Loose<'a, Milestone<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct IssuePr<'a> {
    #[serde(default, borrow)]
    pub html_url: Option<Str<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Asset<'a> {
    #[serde(default, borrow)]
    pub uploader: Loose<'a, User<'a>>,
}

#[derive(Debug, Deserialize, Default)]
pub struct Release<'a> {
    #[serde(default, borrow)]
    pub id: Id<'a>,
    #[serde(default, borrow)]
    pub author: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub assets: Many<Asset<'a>>,
    #[serde(default, borrow)]
    pub tag_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub body: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub html_url: Option<Str<'a>>,
}

/// What names an event's repository, and nothing else: the scope test's parse of a line
/// whose top-level `repo.name` could not be found without parsing (see
/// [`super::convert::line_repository`]).
#[derive(Debug, Deserialize, Default)]
pub struct Where<'a> {
    #[serde(default, borrow)]
    pub repo: Loose<'a, Repo<'a>>,
    #[serde(default, borrow)]
    pub repository: Option<Repository<'a>>,
    #[serde(default, borrow)]
    pub payload: Loose<'a, WherePayload<'a>>,
}

/// The 2011 events' `payload.repo` (`owner/name`).
#[derive(Debug, Deserialize, Default)]
pub struct WherePayload<'a> {
    #[serde(default, borrow)]
    pub repo: Loose<'a, IgnoredAny>,
}

/// What an event that is never evidence (a star, a fork, a branch…) is read for: its time and
/// the accounts it names, for the person resolver. Every field takes any JSON value.
#[derive(Debug, Deserialize, Default)]
pub struct Glance<'a> {
    #[serde(default, borrow)]
    pub actor: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub created_at: Loose<'a, IgnoredAny>,
    #[serde(default, borrow)]
    pub payload: Loose<'a, GlancePayload<'a>>,
}

/// The user objects of the payloads of events that are not evidence: the fork's owner
/// (ForkEvent), the commit comment's author (CommitCommentEvent), whom a FollowEvent follows,
/// the gist's owner (GistEvent), who a TeamAddEvent adds.
#[derive(Debug, Deserialize, Default)]
pub struct GlancePayload<'a> {
    #[serde(default, borrow)]
    pub forkee: Loose<'a, Owned<'a>>,
    #[serde(default, borrow)]
    pub comment: Loose<'a, ByUser<'a>>,
    #[serde(default, borrow)]
    pub target: Loose<'a, User<'a>>,
    #[serde(default, borrow)]
    pub gist: Loose<'a, ByUser<'a>>,
    #[serde(default, borrow)]
    pub user: Loose<'a, User<'a>>,
}

/// Counts a JSON array's elements without keeping them; `None` for null or a non-array.
fn count_seq<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut n = 0;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(Some(n))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// The event type of a line, found without parsing it: the first `"type":"…Event"` pair.
/// Nested objects carry `"type"` keys too (`"User"`, `"Bot"`), but none ending in `Event`, and
/// quotes inside string values are escaped, so they cannot match.
pub fn sniff_type(line: &[u8]) -> Option<&str> {
    let mut rest = line;
    while let Some(i) = find(rest, b"\"type\"") {
        rest = &rest[i + 6..];
        let mut j = 0;
        while j < rest.len() && matches!(rest[j], b' ' | b'\t' | b'\n' | b'\r' | b':') {
            j += 1;
        }
        if rest.get(j) != Some(&b'"') {
            continue;
        }
        let val = &rest[j + 1..];
        let end = val.iter().position(|&b| b == b'"' || b == b'\\')?;
        let v = std::str::from_utf8(&val[..end]).ok()?;
        if v.ends_with("Event") {
            return Some(v);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_strings_and_owns_escaped_ones() {
        let line = r#"{"type":"PushEvent","created_at":"2015-01-01T00:00:00Z","url":"a\"b","payload":{"issue":12,"member":"ana"}}"#;
        let e: RawEvent = serde_json::from_str(line).unwrap();
        assert!(matches!(
            e.event_type.unwrap().0,
            Cow::Borrowed("PushEvent")
        ));
        assert!(matches!(e.url.unwrap().0, Cow::Owned(ref s) if s == "a\"b"));
        let p = e.payload.obj().unwrap();
        assert_eq!(p.issue.int(), Some(12));
        assert_eq!(p.member.str(), Some("ana"));
    }

    #[test]
    fn actor_is_an_object_or_a_login() {
        let a: RawEvent = serde_json::from_str(r#"{"actor":{"id":5,"login":"ana"}}"#).unwrap();
        assert_eq!(a.actor.obj().unwrap().id.int(), Some(5));
        let b: RawEvent =
            serde_json::from_str(r#"{"actor":"ana","repository":{"owner":"o","name":"r"}}"#)
                .unwrap();
        assert_eq!(b.actor.str(), Some("ana"));
        assert_eq!(b.repository.unwrap().owner.str(), Some("o"));
        let c: RawEvent = serde_json::from_str(r#"{"actor":null,"id":"77"}"#).unwrap();
        assert!(matches!(c.actor, Loose::Other));
        assert_eq!(c.id.int(), Some(77));
    }

    #[test]
    fn sniffs_the_top_level_type() {
        assert_eq!(
            sniff_type(br#"{"id":"1","type":"WatchEvent","actor":{"type":"User"}}"#),
            Some("WatchEvent")
        );
        assert_eq!(
            sniff_type(br#"{"actor_attributes":{"type":"User"},"type" : "PushEvent"}"#),
            Some("PushEvent")
        );
        assert_eq!(
            sniff_type(br#"{"payload":{"ref_type":"branchEvent"},"x":1}"#),
            None
        );
        assert_eq!(sniff_type(br#"{"body":"\"type\":\"PushEvent\""}"#), None);
    }
}
