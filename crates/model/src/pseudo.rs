//! Pseudo-identities: git identities that author work but are not a person — import
//! identities (Copybara's "jax authors", "TensorFlower Gardener"), GitHub's web-flow, AI
//! co-authors ("Claude Opus 4.8", Cursor, Copilot) and placeholder names. They are excluded
//! like bots (visible with `--include-bots`) and listed with the reason in `stats`.
//!
//! The rules here look at what a commit says about one identity: its name and its e-mail
//! address. The address is read here, at parse time, and never kept: only the verdict is.
//! A rule that needs the whole store (one identity authoring the work of many GitHub accounts)
//! lives with identity resolution in the store.

/// Names (compared case-insensitively, trimmed) that are never one person, and why.
const NAMES: &[(&str, &str)] = &[
    ("jax authors", "import identity (Copybara)"),
    (
        "tensorflower gardener",
        "import identity (TensorFlow's Copybara)",
    ),
    (
        "a. unique tensorflower",
        "import identity (TensorFlow's Copybara)",
    ),
    ("copybara-service", "import identity (Copybara)"),
    ("google-ml-automation", "import identity (Copybara)"),
    ("github", "GitHub's web-flow identity"),
    ("cursor", "AI co-author"),
    ("cursor agent", "AI co-author"),
    ("copilot", "AI co-author"),
    ("github copilot", "AI co-author"),
    ("claude", "AI co-author"),
    ("devin", "AI co-author"),
    ("codex", "AI co-author"),
    ("openhands", "AI co-author"),
    ("aider", "AI co-author"),
    ("unknown", "placeholder name"),
    ("your name", "placeholder name"),
    ("john doe", "placeholder name"),
    ("root", "placeholder name"),
];

/// Name prefixes of AI assistants that sign as co-authors with a model name after them
/// ("Claude Opus 4.8 (1M context)", "Claude Sonnet 4.6").
const AI_NAME_PREFIXES: &[&str] = &[
    "claude opus",
    "claude sonnet",
    "claude haiku",
    "claude fable",
    "claude code",
    "copilot ",
    "cursor agent",
    "gemini code assist",
];

/// E-mail addresses (exact local part @ domain, lower-case) that only automation uses. A
/// vendor's domain alone is not enough: its people commit from it too.
const ADDRESSES: &[(&str, &str)] = &[
    ("noreply@anthropic.com", "AI co-author"),
    ("cursoragent@cursor.com", "AI co-author"),
    ("noreply@github.com", "GitHub's web-flow identity"),
    ("copilot@github.com", "AI co-author"),
    ("noreply@openai.com", "AI co-author"),
];

/// Domains that never hold a person's address (placeholders).
const DOMAINS: &[(&str, &str)] = &[
    ("example.com", "placeholder address"),
    ("localhost", "placeholder address"),
];

/// Why an identity with this name and e-mail address is not a person, if it is not.
pub fn pseudo_identity(name: &str, email: &str) -> Option<&'static str> {
    // An empty name says nothing: a person's commit may carry only an address (which the
    // parser drops from the name), and the identity is keyed by that address.
    let n = name.trim().to_lowercase();
    if let Some((_, why)) = NAMES.iter().find(|(x, _)| *x == n) {
        return Some(why);
    }
    if n.ends_with("[bot]") {
        return Some("bot");
    }
    if AI_NAME_PREFIXES.iter().any(|p| n.starts_with(p)) {
        return Some("AI co-author");
    }
    let e = email.trim().to_ascii_lowercase();
    if let Some((_, why)) = ADDRESSES.iter().find(|(x, _)| *x == e) {
        return Some(why);
    }
    let domain = e.rsplit_once('@').map_or("", |(_, d)| d);
    DOMAINS
        .iter()
        .find(|(d, _)| *d == domain)
        .map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::pseudo_identity;

    #[test]
    fn import_ai_and_placeholder_identities_are_not_people() {
        assert_eq!(
            pseudo_identity("jax authors", "no-reply@google.com"),
            Some("import identity (Copybara)")
        );
        assert_eq!(
            pseudo_identity("Claude Opus 4.8 (1M context)", "noreply@anthropic.com"),
            Some("AI co-author")
        );
        assert_eq!(
            pseudo_identity("Claude Opus 4.6", "x@openclaude.dev"),
            Some("AI co-author")
        );
        assert_eq!(
            pseudo_identity("Cursor", "cursoragent@cursor.com"),
            Some("AI co-author")
        );
        assert_eq!(
            pseudo_identity("unknown", "a@huawei.com"),
            Some("placeholder name")
        );
        assert_eq!(
            pseudo_identity("  ", "a@b.com"),
            None,
            "an address alone is someone's"
        );
        assert_eq!(
            pseudo_identity("dependabot[bot]", "support@github.com"),
            Some("bot")
        );
        assert_eq!(
            pseudo_identity("DELUXA", "d@example.com"),
            Some("placeholder address")
        );
        assert_eq!(
            pseudo_identity("GitHub", "noreply@github.com"),
            Some("GitHub's web-flow identity")
        );
    }

    #[test]
    fn people_at_ai_vendors_and_people_named_claude_are_people() {
        assert_eq!(
            pseudo_identity("Skye Wanderman-Milne", "skye@anthropic.com"),
            None
        );
        assert_eq!(
            pseudo_identity("Claude Shannon", "claude@bell-labs.com"),
            None
        );
        assert_eq!(
            pseudo_identity("Jake VanderPlas", "jakevdp@google.com"),
            None
        );
    }
}
