//! What a commit's identities and message say about GitHub: logins from noreply addresses,
//! PR numbers from subjects and trailers, co-authors and reviewers from trailers.

use super::{GithubRef, Ident};

/// `ID+login@users.noreply.github.com` or `login@users.noreply.github.com` → the login (and
/// the account id when present). GitHub's own `noreply@github.com` (web commits) is not a
/// person.
pub fn noreply_login(email: &str) -> Option<GithubRef> {
    let email = email.trim();
    let (local, domain) = email.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case("users.noreply.github.com") {
        return None;
    }
    let (id, login) = match local.split_once('+') {
        Some((id, login)) => (Some(id.parse::<i64>().ok()?), login),
        None => (None, local),
    };
    valid_login(login).then(|| GithubRef {
        id,
        login: login.to_string(),
    })
}

/// GitHub logins: alphanumerics and single hyphens, at most 39 characters; app accounts end in
/// `[bot]`.
pub fn valid_login(l: &str) -> bool {
    let core = l.strip_suffix("[bot]").unwrap_or(l);
    !core.is_empty()
        && core.len() <= 39
        && core.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !core.starts_with('-')
}

#[derive(Debug, Default, PartialEq)]
pub struct MessageLinks {
    pub pr: Option<i64>,
    /// `Merge pull request #N from login/branch`: the PR's head owner.
    pub merge_from: Option<String>,
    pub co_authors: Vec<Ident>,
    pub reviewers: Vec<Ident>,
    /// `Signed-off-by:` identities (the Developer Certificate of Origin).
    pub signers: Vec<Ident>,
    /// Logins from `Approved by: https://github.com/login, …` (PyTorch's merge bot).
    pub approvers: Vec<String>,
}

/// PR numbers, co-authors and reviewers from a commit message.
pub fn message_links(subject: &str, message: &str) -> MessageLinks {
    let mut out = MessageLinks::default();
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        out.pr = digits.parse().ok();
        if let Some(from) = rest[digits.len()..].trim_start().strip_prefix("from ") {
            let owner = from.split(['/', ':']).next().unwrap_or("").trim();
            if valid_login(owner) {
                out.merge_from = Some(owner.to_string());
            }
        }
    } else {
        out.pr = subject_pr(subject);
    }
    for line in message.lines() {
        let line = line.trim();
        let Some((key, value)) = line.split_once(':') else {
            if let Some(v) = line.strip_prefix("COPYBARA_INTEGRATE_REVIEW=") {
                out.pr = out.pr.or_else(|| pull_url_number(v));
            }
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "co-authored-by" => out.co_authors.extend(name_email(value)),
            "reviewed-by" => out.reviewers.extend(name_email(value)),
            "signed-off-by" => out.signers.extend(name_email(value)),
            "approved by" => out.approvers.extend(
                value
                    .split([',', ' '])
                    .filter_map(|u| u.trim().strip_prefix("https://github.com/"))
                    .map(|l| l.trim_end_matches('/'))
                    .filter(|l| valid_login(l))
                    .map(str::to_string),
            ),
            "pull request resolved" => out.pr = out.pr.or_else(|| pull_url_number(value)),
            _ => {
                if let Some(v) = line.strip_prefix("COPYBARA_INTEGRATE_REVIEW=") {
                    out.pr = out.pr.or_else(|| pull_url_number(v));
                }
            }
        }
    }
    out
}

/// `… (#1234)` at the end of a subject (GitHub squash merges).
pub fn subject_pr(subject: &str) -> Option<i64> {
    let s = subject.trim_end().strip_suffix(')')?;
    let open = s.rfind("(#")?;
    s[open + 2..].parse().ok().filter(|n| *n > 0)
}

/// The PR a commit of the default branch's first-parent chain says it merged, by its subject
/// alone: `Merge pull request #N from …` for a merge (GitHub's merge commit), `… (#N)` for any
/// other commit (GitHub's squash merge). Trailers name PRs too, but not as their merge.
pub fn mainline_pr(subject: &str, is_merge: bool) -> Option<i64> {
    if !is_merge {
        return subject_pr(subject);
    }
    let rest = subject.strip_prefix("Merge pull request #")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|n| *n > 0)
}

/// `https://github.com/owner/repo/pull/N…` → N.
fn pull_url_number(s: &str) -> Option<i64> {
    let i = s.find("/pull/")?;
    let digits: String = s[i + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `Name <email>` → an identity (e-mail hashed).
fn name_email(v: &str) -> Option<Ident> {
    let (name, rest) = v.split_once('<')?;
    let email = rest.split_once('>')?.0;
    let name = name.trim();
    (!name.is_empty() || !email.is_empty()).then(|| Ident::new(name, email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noreply_addresses_give_logins() {
        let g = noreply_login("123+Ana-B@users.noreply.github.com").unwrap();
        assert_eq!((g.id, g.login.as_str()), (Some(123), "Ana-B"));
        let g = noreply_login("ana@users.noreply.github.com").unwrap();
        assert_eq!((g.id, g.login.as_str()), (None, "ana"));
        assert_eq!(
            noreply_login("41898282+github-actions[bot]@users.noreply.github.com")
                .unwrap()
                .login,
            "github-actions[bot]"
        );
        assert!(noreply_login("noreply@github.com").is_none());
        assert!(noreply_login("ana@example.com").is_none());
        assert!(noreply_login("x+y+z@users.noreply.github.com").is_none());
    }

    #[test]
    fn pr_numbers_from_subjects_and_trailers() {
        assert_eq!(message_links("Fix x (#1234)", "").pr, Some(1234));
        assert_eq!(message_links("Fix (#12) and more", "").pr, None);
        let m = message_links(
            "Merge pull request #77 from ana/fix-branch",
            "Merge pull request #77 from ana/fix-branch\n\nFix",
        );
        assert_eq!((m.pr, m.merge_from.as_deref()), (Some(77), Some("ana")));
        let m = message_links("Merge pull request #8 from bo:main", "");
        assert_eq!(m.merge_from.as_deref(), Some("bo"));
        let msg = "Do it\n\nPull Request resolved: https://github.com/pytorch/pytorch/pull/99\nApproved by: https://github.com/ezyang, https://github.com/albanD\nReviewed-by: Cy D <cy@x.org>\nCo-authored-by: Ana <1+ana@users.noreply.github.com>\n";
        let m = message_links("Do it", msg);
        assert_eq!(m.pr, Some(99));
        assert_eq!(m.approvers, vec!["ezyang", "albanD"]);
        assert_eq!(m.reviewers[0].name, "Cy D");
        assert_eq!(m.co_authors[0].github.as_ref().unwrap().login, "ana");
        let m = message_links(
            "Copybara import",
            "Copybara import\n\nCOPYBARA_INTEGRATE_REVIEW=https://github.com/jax-ml/jax/pull/4242 from a:b 123\nPiperOrigin-RevId: 1",
        );
        assert_eq!(m.pr, Some(4242));
    }

    #[test]
    fn mainline_prs_by_subject() {
        assert_eq!(mainline_pr("Fix x (#1234)", false), Some(1234));
        assert_eq!(mainline_pr("Fix x (#1234)", true), None, "a merge's (#N)");
        assert_eq!(
            mainline_pr("Merge pull request #77 from ana:fix", true),
            Some(77)
        );
        assert_eq!(
            mainline_pr("Merge pull request #77 from ana:fix", false),
            None,
            "a single-parent commit only says so"
        );
        assert_eq!(mainline_pr("Merge pull request #0 from a/b", true), None);
        assert_eq!(mainline_pr("Merge branch 'main' into x", true), None);
    }
}
