//! Which Hugging Face authors are people.
//!
//! Organisations' models credit no person, and bot-generated families (`huggingtweets`: one tool
//! made a model from each of thousands of Twitter accounts) are nobody's work. Their accounts
//! are still stored, with their models, marked *not a person* with the reason, so search and
//! exports leave them out like bots and `stats` says why.
//!
//! Against the API the Hub says who is an organisation (see [`super::api`]); from a dump it
//! cannot be asked, so `--org NAME` and the shipped list (`known_accounts.txt`, data, with a
//! reason per line) decide.

use builtby_model::{Actor, Identity, Namespace};
use std::collections::HashMap;

/// What an author is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    Person,
    Organisation,
    /// A bot-generated family of models.
    Bot,
}

/// The reason given for an author named with `--org`.
pub const NAMED_ORG: &str = "a Hugging Face organisation (named with --org)";
/// The reason given for an author the Hub answers as an organisation.
pub const HUB_ORG: &str = "a Hugging Face organisation (the Hub says so)";
/// The reason given for an author listed among a user's organisations by the Hub.
pub const MEMBERS_ORG: &str = "a Hugging Face organisation (a user's overview lists it)";

const SHIPPED: &str = include_str!("known_accounts.txt");

/// Authors known not to be people, each with why.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    known: HashMap<String, (AccountKind, &'static str)>,
}

impl Accounts {
    /// No author known: everyone is a person until said otherwise.
    pub fn none() -> Accounts {
        Accounts::default()
    }

    /// The shipped list (`known_accounts.txt`).
    pub fn shipped() -> Accounts {
        let mut a = Accounts::default();
        for line in SHIPPED.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, char::is_whitespace);
            let (Some(kind), Some(name), Some(why)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let kind = match kind {
                "org" => AccountKind::Organisation,
                "bot" => AccountKind::Bot,
                _ => continue,
            };
            a.known
                .insert(name.to_ascii_lowercase(), (kind, why.trim()));
        }
        a
    }

    /// Marks `author` as an organisation (a later call with another reason keeps the first;
    /// a bot family stays a bot family).
    pub fn add_org(&mut self, author: &str, why: &'static str) {
        self.known
            .entry(author.to_ascii_lowercase())
            .or_insert((AccountKind::Organisation, why));
    }

    /// What `author` is, and why when not a person.
    pub fn classify(&self, author: &str) -> (AccountKind, Option<&'static str>) {
        match self.known.get(&author.to_ascii_lowercase()) {
            Some((k, why)) => (*k, Some(*why)),
            None => (AccountKind::Person, None),
        }
    }

    /// Every author known not to be a person.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}

/// The account an author's models are credited to: `hf:<author>`.
pub fn actor(author: &str) -> Actor {
    Actor {
        github_id: None,
        login: Identity {
            namespace: Namespace::HuggingFace,
            key: author.to_string(),
        }
        .to_string(),
        is_bot_type: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_has_the_dumps_organisations_and_bots() {
        let a = Accounts::shipped();
        for org in ["sentence-transformers", "flax-community", "Facebook"] {
            assert_eq!(a.classify(org).0, AccountKind::Organisation, "{org}");
        }
        assert_eq!(
            a.classify("huggingtweets"),
            (
                AccountKind::Bot,
                Some("bot-generated models (huggingtweets)")
            )
        );
        assert_eq!(a.classify("sgugger"), (AccountKind::Person, None));
        let mut b = Accounts::none();
        b.add_org("acme", NAMED_ORG);
        assert_eq!(
            b.classify("ACME"),
            (AccountKind::Organisation, Some(NAMED_ORG))
        );
        assert_eq!(actor("julien-c").login, "hf:julien-c");
    }
}
