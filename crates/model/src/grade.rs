//! How much one piece of work says about expertise: a weight (1 = an ordinary contribution of
//! its kind) and, when it is not 1, the reason in words a user can check.
//!
//! The rules count contributions × weight, so a weight never hides work (it is still listed,
//! with its reason); it only keeps volume and sweeps from passing for expertise:
//!
//! - **Code changes** ([`code_change`]): mechanical edits — formatting and lint upgrades,
//!   version bumps, licence-year and "chore"/"sunset" sweeps — weigh [`MECHANICAL`],
//!   recognised by their diff shape first (only tooling and packaging files; many files with
//!   about one line each) and their wording second. Changes over [`LARGE_FILES`] files or
//!   [`LARGE_LINES`] lines weigh `threshold / size`: a 789-file sweep is not 789 files of
//!   expertise. Measured on the six shared git histories (39,000 mainline commits with paths):
//!   the 99th percentile of files per commit is 23–58 by repository, the 95th 9–22; past 40
//!   files the commits are mostly sweeps ("change to 2024 in the license", 736 files;
//!   "[Styling] stylify using ruff", 134 files) with some real features ("Add MiniMax-H3",
//!   40 files, weighs 1).
//! - **Comments** ([`comment`]): a review comment that asks a design question, proposes code
//!   (a suggestion block) or weighs a tradeoff (performance, memory, API, correctness…) is
//!   [`SUBSTANTIVE`]; "LGTM", "+1", "thanks" and one-word nits weigh [`ACK`]; everything else
//!   weighs 1.
//! - **Volume** ([`share_of_cap`]): group caps applied by the store over all of an account's
//!   rows — at most [`CAP_PER_HOUR`] contributions' worth of issues, comments, reviews and
//!   opened PRs in one hour (merged PRs passed someone else's review: never capped) (a bulk import of 548 comments in an hour counts as 10), at most
//!   [`CAP_PER_THREAD`] comments' worth on one PR or issue. Capping a group's total rather than
//!   dropping rows keeps the ranking monotone: one more comment never lowers a score.
//! - **Review rounds** ([`rounds`]): a merged PR revised after others' review counts the
//!   rounds it survived, up to [`MAX_ROUNDS`].

use crate::Kind;

/// The weight of a mechanical edit.
pub const MECHANICAL: f64 = 0.1;
/// Files past which a change is damped (`LARGE_FILES / files`).
pub const LARGE_FILES: f64 = 40.0;
/// Lines (added + deleted) past which a change is damped.
pub const LARGE_LINES: f64 = 2000.0;
/// The weight of a comment that asks, proposes or weighs a tradeoff.
pub const SUBSTANTIVE: f64 = 2.0;
/// The weight of an acknowledgement ("LGTM", "+1", "thanks", "nit").
pub const ACK: f64 = 0.25;
/// Contributions' worth of conversation (PRs, issues, reviews, comments) one account can earn
/// in one clock hour. Measured on the shared GH Archive hours: of 3,860 account-hours with
/// such work, 3,791 (98%) have at most 5, 13 more than 10, 3 more than 20 (548 — a bulk
/// import of issues —, 40 — houndci — and 24). The cap is twice the 98th percentile.
pub const CAP_PER_HOUR: f64 = 10.0;
/// Comments' worth one account can earn on one PR or issue thread.
pub const CAP_PER_THREAD: f64 = 5.0;
/// Review rounds counted for one revised PR.
pub const MAX_ROUNDS: f64 = 3.0;

/// A weight, and why it is not 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub weight: f64,
    pub why: Option<String>,
}

impl Grade {
    pub const ONE: Grade = Grade {
        weight: 1.0,
        why: None,
    };

    fn new(weight: f64, why: String) -> Grade {
        Grade {
            weight,
            why: Some(why),
        }
    }

    /// This grade scaled by a group cap's factor, with the cap's reason appended.
    pub fn capped(self, factor: f64, why: impl FnOnce() -> String) -> Grade {
        if factor >= 1.0 {
            return self;
        }
        let reason = why();
        Grade {
            weight: self.weight * factor,
            why: Some(match self.why {
                Some(w) => format!("{w}; {reason}"),
                None => reason,
            }),
        }
    }
}

/// One changed file: its path and lines added + deleted when known.
pub struct FileChange<'a> {
    pub path: &'a str,
    pub lines: Option<i64>,
}

/// The grade of a code change (commit, merged PR) from its files and title.
pub fn code_change(title: &str, files: &[FileChange<'_>], lines: Option<i64>) -> Grade {
    if let Some(what) = mechanical_shape(files).or_else(|| mechanical_words(title)) {
        return Grade::new(MECHANICAL, format!("mechanical: {what}"));
    }
    let n = files.len() as f64;
    let lines = lines
        .or_else(|| {
            let known: Vec<i64> = files.iter().filter_map(|f| f.lines).collect();
            (!known.is_empty()).then(|| known.iter().sum())
        })
        .unwrap_or(0) as f64;
    let by_files = if n > LARGE_FILES {
        LARGE_FILES / n
    } else {
        1.0
    };
    let by_lines = if lines > LARGE_LINES {
        LARGE_LINES / lines
    } else {
        1.0
    };
    let w = by_files.min(by_lines);
    if w < 1.0 {
        let size = if by_files <= by_lines {
            format!("{} files", files.len())
        } else {
            format!("{lines} lines")
        };
        return Grade::new(w, format!("large change: {size}"));
    }
    Grade::ONE
}

/// Files that hold versions, pins, lint configuration and licences rather than code: a change
/// touching only these is a version bump, a pin, a lint upgrade or a licence edit.
fn is_tooling(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let exact = [
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "tox.ini",
        ".flake8",
        "ruff.toml",
        ".ruff.toml",
        ".pre-commit-config.yaml",
        ".pylintrc",
        "pylintrc",
        ".isort.cfg",
        "license",
        "license.txt",
        "license.md",
        "copying",
        "version.txt",
        "version",
        "_version.py",
        "version.py",
        "package.json",
        "package-lock.json",
        "yarn.lock",
        "poetry.lock",
        "uv.lock",
        "cargo.lock",
        ".editorconfig",
    ];
    // CI workflows are not here: changing them is build and release work, which counts.
    exact.contains(&name.as_str()) || name.starts_with("requirements")
}

/// Mechanical by shape: only tooling files, or a sweep (at least 20 files with about one
/// line each, as a licence-year or rename sweep is).
fn mechanical_shape(files: &[FileChange<'_>]) -> Option<&'static str> {
    if !files.is_empty() && files.iter().all(|f| is_tooling(f.path)) {
        return Some("only version, pin, lint-configuration or licence files");
    }
    if files.len() >= 20 {
        let lines: Vec<i64> = files.iter().filter_map(|f| f.lines).collect();
        if lines.len() == files.len() {
            let mean = lines.iter().sum::<i64>() as f64 / lines.len() as f64;
            if mean <= 1.5 {
                return Some("a sweep of about one line in each of many files");
            }
        }
    }
    None
}

/// Mechanical by wording, for changes whose shape does not say.
fn mechanical_words(title: &str) -> Option<&'static str> {
    let t = title.to_ascii_lowercase();
    let t = t.trim();
    let starts = |p: &str| t.starts_with(p);
    let has = |p: &str| t.contains(p);
    if starts("chore") || starts("[chore]") || starts("(chore)") {
        return Some("a chore");
    }
    if has("sunset") || has("drop python 3") || has("drop support for python") {
        return Some("a support sweep");
    }
    if (has("license") || has("licence") || has("copyright"))
        && (has("year") || has("20") || has("update") || has("header"))
    {
        return Some("a licence or copyright edit");
    }
    let tools = [
        "ruff",
        "black",
        "flake8",
        "isort",
        "pre-commit",
        "pylint",
        "yapf",
    ];
    let tool_verbs = [
        "upgrade", "update", "bump", "apply", "run", "replace", "stylify",
    ];
    if tools.iter().any(|w| has_word(t, w)) && tool_verbs.iter().any(|v| has_word(t, v)) {
        return Some("a formatter or linter upgrade");
    }
    if starts("style")
        || starts("[style")
        || starts("format")
        || starts("[format")
        || starts("lint")
    {
        return Some("formatting");
    }
    if starts("bump ")
        || starts("post release")
        || starts("release ")
        || starts("prepare release")
        || starts("version bump")
        || (starts("update version") || starts("set version"))
        || has("dev0")
    {
        return Some("a version bump");
    }
    if starts("fix typo") || starts("typo") || starts("fix typos") {
        return Some("a typo fix");
    }
    None
}

/// `term` in `text` at the start of a word ("memory" in "the memory cost", not "overflow" in
/// "stackoverflow").
fn has_term(text: &str, term: &str) -> bool {
    text.match_indices(term)
        .any(|(i, _)| !matches!(text[..i].chars().next_back(), Some(c) if c.is_alphanumeric()))
}

/// `word` in `text` as a whole word.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| w == word)
}

/// The grade of a comment's text: review comments, review bodies, issue comments.
pub fn comment(kind: Kind, body: Option<&str>) -> Grade {
    let Some(body) = body.map(str::trim).filter(|b| !b.is_empty()) else {
        return Grade::ONE;
    };
    let lower = body.to_lowercase();
    if is_ack(&lower) {
        return Grade::new(ACK, "an acknowledgement".to_string());
    }
    if !matches!(kind, Kind::ReviewComment | Kind::Review) {
        return Grade::ONE;
    }
    if lower.contains("```suggestion") {
        return Grade::new(SUBSTANTIVE, "substantive: proposes code".to_string());
    }
    let tradeoffs = [
        "performance",
        "perf ",
        "faster",
        "slower",
        "latency",
        "throughput",
        "memory",
        "allocat",
        "complexity",
        "o(n",
        "backward compat",
        "backwards compat",
        "breaking change",
        "public api",
        "the api",
        "race",
        "deadlock",
        "thread-safe",
        "thread safe",
        "overflow",
        "precision",
        "numerical",
        "dtype",
        "edge case",
        "corner case",
        "correctness",
        "tradeoff",
        "trade-off",
        "instead of",
        "alternative",
        "benchmark",
    ];
    let words = lower.split_whitespace().count();
    let asks = body.contains('?') && words >= 6;
    if let Some(t) = tradeoffs.iter().find(|t| has_term(&lower, t)) {
        if words >= 6 {
            return Grade::new(
                SUBSTANTIVE,
                format!("substantive: weighs {}", t.trim_end_matches(' ')),
            );
        }
    }
    if asks
        && (lower.contains("why")
            || lower.contains("should")
            || lower.contains("could we")
            || lower.contains("what if")
            || lower.contains("would it"))
    {
        return Grade::new(
            SUBSTANTIVE,
            "substantive: asks a design question".to_string(),
        );
    }
    Grade::ONE
}

/// "LGTM", "+1", "thanks!", "nit: space": a few words that carry no review.
fn is_ack(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '!' || c == '.' || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 4 {
        return false;
    }
    let acks = [
        "lgtm", "+1", "👍", "thanks", "thank", "you", "ty", "thx", "nice", "great", "cool",
        "looks", "good", "to", "me", "ship", "it", "approved", "done", "nit", "ok", "okay",
        "merged", "awesome", "sgtm",
    ];
    words.iter().all(|w| acks.contains(w)) || words[0] == "nit" && words.len() <= 3
}

/// A group cap's factor: `cap / total` when a group's rows sum past `cap`, else 1.
pub fn share_of_cap(total: f64, cap: f64) -> f64 {
    if total > cap {
        cap / total
    } else {
        1.0
    }
}

/// The weight of a revised PR: the review rounds it survived, capped.
pub fn rounds(n: i64) -> Grade {
    let r = (n.max(1) as f64).min(MAX_ROUNDS);
    Grade {
        weight: r,
        why: Some(format!(
            "{n} review round{} by others, then merged",
            if n == 1 { "" } else { "s" }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[(&'static str, Option<i64>)]) -> Vec<FileChange<'static>> {
        paths
            .iter()
            .map(|&(path, lines)| FileChange { path, lines })
            .collect()
    }

    #[test]
    fn ordinary_work_weighs_one() {
        let f = files(&[("src/diffusers/loaders/single_file.py", Some(120))]);
        assert_eq!(
            code_change("Support GGUF in from_single_file", &f, None),
            Grade::ONE
        );
        assert_eq!(
            comment(
                Kind::ReviewComment,
                Some("This should use the helper below.")
            ),
            Grade::ONE
        );
    }

    #[test]
    fn mechanical_by_shape_first() {
        let f = files(&[
            ("pyproject.toml", Some(2)),
            (".pre-commit-config.yaml", Some(2)),
        ]);
        let g = code_change("Improve things", &f, None);
        assert_eq!(g.weight, MECHANICAL);
        assert!(g.why.unwrap().contains("lint-configuration"));
        let sweep: Vec<FileChange> = (0..30)
            .map(|i| FileChange {
                path: Box::leak(format!("src/m{i}.py").into_boxed_str()),
                lines: Some(1),
            })
            .collect();
        assert_eq!(code_change("Refresh", &sweep, None).weight, MECHANICAL);
    }

    #[test]
    fn mechanical_by_wording_second() {
        let f = files(&[("src/a.py", Some(10)), ("src/b.py", Some(10))]);
        for t in [
            "[chore] update to 2026 finally. (#14079)",
            "Sunset Python 3.8 & get rid of explicit `typing` exports",
            "CHORE Upgrade ruff",
            "Update Ruff to latest Version (#10919)",
            "change to 2024 in the license (#6902)",
            "post release 0.30.0 (#9173)",
            "[Styling] stylify using ruff (#5841)",
        ] {
            assert_eq!(code_change(t, &f, None).weight, MECHANICAL, "{t}");
        }
        for t in [
            "Add async checkpointing for DCP",
            "Fix LoRA scale with adapters",
            "Refactor gradient checkpointing",
        ] {
            assert_eq!(code_change(t, &f, None).weight, 1.0, "{t}");
        }
    }

    #[test]
    fn large_changes_are_damped_by_size() {
        let many: Vec<FileChange> = (0..80)
            .map(|i| FileChange {
                path: Box::leak(format!("src/m{i}.py").into_boxed_str()),
                lines: Some(30),
            })
            .collect();
        let g = code_change("Modular pipelines", &many, None);
        assert_eq!(g.weight, 0.5);
        assert_eq!(g.why.as_deref(), Some("large change: 80 files"));
        let f = files(&[("src/a.py", Some(8000))]);
        assert_eq!(code_change("Vendor a kernel", &f, None).weight, 0.25);
    }

    #[test]
    fn comments_by_substance() {
        let s = comment(
            Kind::ReviewComment,
            Some("```suggestion\nreturn torch.empty_like(x)\n```"),
        );
        assert_eq!(s.weight, SUBSTANTIVE);
        let t = comment(
            Kind::ReviewComment,
            Some("This allocates a new buffer on every step; the memory cost adds up with long sequences."),
        );
        assert_eq!(t.weight, SUBSTANTIVE);
        let q = comment(
            Kind::ReviewComment,
            Some("Why not keep this in the scheduler, so that every pipeline gets it?"),
        );
        assert_eq!(q.weight, SUBSTANTIVE);
        // a term inside another word is not the term
        assert_eq!(
            comment(
                Kind::ReviewComment,
                Some("Couldn't you just do [this](http://stackoverflow.com/a/6306745)?")
            )
            .weight,
            1.0
        );
        for ack in [
            "LGTM",
            "lgtm!",
            "+1",
            "Thanks!",
            "nit: spacing",
            "Looks good to me",
        ] {
            assert_eq!(comment(Kind::ReviewComment, Some(ack)).weight, ACK, "{ack}");
        }
        assert_eq!(comment(Kind::IssueComment, Some("+1")).weight, ACK);
        // issue comments are not graded up: only reviews weigh design
        assert_eq!(
            comment(
                Kind::IssueComment,
                Some("Why not the memory-efficient path, for performance?")
            )
            .weight,
            1.0
        );
    }

    #[test]
    fn caps_scale_a_group_to_its_cap() {
        assert_eq!(share_of_cap(10.0, CAP_PER_HOUR), 1.0);
        assert_eq!(share_of_cap(40.0, CAP_PER_HOUR), 0.25);
        // monotone: the group's total never falls as rows are added
        let mut last = 0.0;
        for n in 1..200 {
            let t = n as f64 * share_of_cap(n as f64, CAP_PER_HOUR);
            assert!(t >= last - 1e-9);
            last = t;
        }
        let g = Grade::ONE.capped(0.5, || "burst".into());
        assert_eq!((g.weight, g.why.as_deref()), (0.5, Some("burst")));
    }

    #[test]
    fn rounds_are_capped() {
        assert_eq!(rounds(1).weight, 1.0);
        assert_eq!(rounds(7).weight, MAX_ROUNDS);
        assert_eq!(
            rounds(2).why.as_deref(),
            Some("2 review rounds by others, then merged")
        );
    }
}
