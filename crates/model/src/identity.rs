//! Whose account an actor is: a namespace and a key, instead of string prefixes.
//!
//! Today people are GitHub accounts or git identities (a salted hash of a commit e-mail, never
//! the address). The identity issue adds Hugging Face, Kaggle and arXiv accounts; each has its
//! own profile link, and only a GitHub account links to github.com.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Namespace {
    GitHub,
    Git,
    HuggingFace,
    Kaggle,
    Arxiv,
}

impl Namespace {
    pub const ALL: [Namespace; 5] = [
        Namespace::GitHub,
        Namespace::Git,
        Namespace::HuggingFace,
        Namespace::Kaggle,
        Namespace::Arxiv,
    ];

    /// How a person known only by this kind of account is labelled: `Name (git)`.
    pub fn label(self) -> &'static str {
        match self {
            Namespace::GitHub => "GitHub",
            Namespace::Git => "git",
            Namespace::HuggingFace => "Hugging Face",
            Namespace::Kaggle => "Kaggle",
            Namespace::Arxiv => "arXiv",
        }
    }

    /// The prefix a stored login carries; GitHub logins carry none (a GitHub login can never
    /// contain `:`, so the forms cannot collide).
    pub fn prefix(self) -> &'static str {
        match self {
            Namespace::GitHub => "",
            Namespace::Git => "git:",
            Namespace::HuggingFace => "hf:",
            Namespace::Kaggle => "kaggle:",
            Namespace::Arxiv => "arxiv:",
        }
    }
}

/// An account in one namespace. Stored as one string (`Identity::to_string`), parsed back with
/// [`Identity::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    pub namespace: Namespace,
    pub key: String,
}

impl Identity {
    pub fn github(login: &str) -> Identity {
        Identity {
            namespace: Namespace::GitHub,
            key: login.to_string(),
        }
    }

    /// A git identity, keyed by the salted hash of its e-mail.
    pub fn git(email_hash: &str) -> Identity {
        Identity {
            namespace: Namespace::Git,
            key: email_hash.to_string(),
        }
    }

    /// Reads a stored login: a namespace prefix, else a GitHub login.
    pub fn parse(stored: &str) -> Identity {
        for ns in Namespace::ALL {
            let p = ns.prefix();
            if !p.is_empty() {
                if let Some(key) = stored.strip_prefix(p) {
                    return Identity {
                        namespace: ns,
                        key: key.to_string(),
                    };
                }
            }
        }
        Identity::github(stored)
    }

    pub fn is_github(&self) -> bool {
        self.namespace == Namespace::GitHub
    }

    /// The public profile page, where the namespace has one for the key. A git identity has
    /// none: it is a hashed e-mail, not an account.
    pub fn profile_url(&self) -> Option<String> {
        match self.namespace {
            Namespace::GitHub => Some(format!("https://github.com/{}", self.key)),
            Namespace::HuggingFace => Some(format!("https://huggingface.co/{}", self.key)),
            Namespace::Kaggle => Some(format!("https://www.kaggle.com/{}", self.key)),
            Namespace::Git | Namespace::Arxiv => None,
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.namespace.prefix(), self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_links() {
        for id in [Identity::github("ana"), Identity::git("0123abcd")] {
            assert_eq!(Identity::parse(&id.to_string()), id);
        }
        assert_eq!(Identity::git("ab").to_string(), "git:ab");
        assert_eq!(Identity::parse("git:ab").profile_url(), None);
        assert_eq!(
            Identity::parse("ana").profile_url().as_deref(),
            Some("https://github.com/ana")
        );
    }
}
