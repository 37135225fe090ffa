//! Bots are not people. Three rules, any one of which marks an account as a bot:
//! the `[bot]` login suffix GitHub Apps carry, GitHub's own `type: "Bot"`, and a shipped list
//! of well-known automation accounts that look like users (`bors`, `k8s-ci-robot`, …), which
//! a user can extend or override with a file of their own (`name` adds, `!name` removes).

use std::collections::HashSet;

const SHIPPED: &str = include_str!("bots.txt");

#[derive(Debug, Clone)]
pub struct BotRules {
    listed: HashSet<String>,
    not_bots: HashSet<String>,
}

impl Default for BotRules {
    fn default() -> Self {
        let mut r = BotRules {
            listed: HashSet::new(),
            not_bots: HashSet::new(),
        };
        r.extend_from_text(SHIPPED);
        r
    }
}

impl BotRules {
    /// The rules as one canonical text (sorted logins, `!` for people): equal texts, equal
    /// rules, whatever order the files were read in. What a stored ranking remembers it was
    /// built with.
    pub fn canonical(&self) -> String {
        let mut listed: Vec<&String> = self.listed.iter().collect();
        listed.sort();
        let mut people: Vec<&String> = self.not_bots.iter().collect();
        people.sort();
        let mut s = String::new();
        for l in listed {
            s.push_str(l);
            s.push('\n');
        }
        for l in people {
            s.push('!');
            s.push_str(l);
            s.push('\n');
        }
        s
    }

    /// Adds the lines of a bot-list file: one login a line, `#` comments, `!login` to say an
    /// account on the shipped list is a person after all.
    pub fn extend_from_text(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some(person) = line.strip_prefix('!') {
                let l = person.trim().to_ascii_lowercase();
                self.listed.remove(&l);
                self.not_bots.insert(l);
            } else {
                let l = line.to_ascii_lowercase();
                self.not_bots.remove(&l);
                self.listed.insert(l);
            }
        }
    }

    pub fn is_bot(&self, login: &str, is_bot_type: bool) -> bool {
        let l = login.to_ascii_lowercase();
        if self.not_bots.contains(&l) {
            return false;
        }
        is_bot_type || l.ends_with("[bot]") || self.listed.contains(&l)
    }

    /// A bot by the three rules, or an account whose activity the store found is not a
    /// person's (`behaviour`: bursts of pushes, badge PRs) unless the bot file says `!login`.
    pub fn is_bot_by(&self, login: &str, is_bot_type: bool, behaviour: Option<&str>) -> bool {
        self.is_bot(login, is_bot_type)
            || (behaviour.is_some() && !self.not_bots.contains(&login.to_ascii_lowercase()))
    }

    pub fn listed_len(&self) -> usize {
        self.listed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_rules_and_overrides() {
        let mut r = BotRules::default();
        assert!(r.is_bot("dependabot[bot]", false));
        assert!(r.is_bot("some-app", true));
        assert!(r.is_bot("bors", false));
        assert!(r.is_bot("K8s-CI-Robot", false));
        assert!(!r.is_bot("ana", false));
        r.extend_from_text("# mine\nmy-deploy-bot\n!bors\n");
        assert!(r.is_bot("my-deploy-bot", false));
        assert!(!r.is_bot("bors", false));
        assert!(r.listed_len() > 20);
        assert!(r.is_bot_by("kin", false, Some("401 pushes in one hour")));
        assert!(!r.is_bot_by("kin", false, None));
        r.extend_from_text("!kin\n");
        assert!(!r.is_bot_by("kin", false, Some("401 pushes in one hour")));
    }
}
