//! Code areas: named parts of a repository's tree.
//!
//! A catalogued repository may map path prefixes to names (`torch/distributed/` →
//! "distributed training"; `src/transformers/models/*/` → "model: {1}"). Paths no rule
//! matches, and repositories without rules, get an automatic area from the tree: tests, docs,
//! vendored code and CI configuration are areas of their own ("tests", "docs", "vendor",
//! "ci"); other paths are named by their first two folders (three under `src/`, `lib/`,
//! `libs/`, `packages/`), e.g. `jax/_src`. A contribution's area is the area most of its paths
//! (by lines changed) fall in.

use crate::catalog::AreaRule;
use crate::Catalog;
use builtby_store::PathScope;

/// The area of one path of `repo`.
pub fn area_of(catalog: &Catalog, repo: &str, path: &str) -> String {
    let mut best: Option<(usize, String)> = None;
    for r in catalog.area_rules(repo) {
        if let Some(name) = rule_match(r, path) {
            if best.as_ref().is_none_or(|(len, _)| r.prefix.len() > *len) {
                best = Some((r.prefix.len(), name));
            }
        }
    }
    best.map(|b| b.1).unwrap_or_else(|| auto_area(path))
}

/// The name a rule gives `path`, if its prefix matches (`*` = one folder name).
fn rule_match(r: &AreaRule, path: &str) -> Option<String> {
    match r.prefix.split_once('*') {
        None => path.starts_with(&r.prefix).then(|| r.name.clone()),
        Some((before, after)) => {
            let rest = path.strip_prefix(before)?;
            let (seg, tail) = rest.split_once('/')?;
            if seg.is_empty() {
                return None;
            }
            let tail_with_slash = &rest[seg.len()..];
            let _ = tail;
            tail_with_slash
                .starts_with(after)
                .then(|| r.name.replace("{1}", seg))
        }
    }
}

const TEST_DIRS: &[&str] = &["tests", "test", "testing", "__tests__", "testdata"];
const DOC_DIRS: &[&str] = &["docs", "doc", "documentation"];
const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "third_party",
    "third-party",
    "external",
    "3rdparty",
];

/// The automatic area of a path, from the tree alone.
pub fn auto_area(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let (dirs, file) = parts.split_at(parts.len() - 1);
    let file = file[0];
    if dirs.iter().any(|d| TEST_DIRS.contains(d))
        || file.starts_with("test_")
        || file.ends_with("_test.py")
        || file.ends_with("_test.cc")
    {
        return "tests".into();
    }
    if dirs.iter().any(|d| DOC_DIRS.contains(d)) {
        return "docs".into();
    }
    if dirs.iter().any(|d| VENDOR_DIRS.contains(d)) {
        return "vendor".into();
    }
    if dirs
        .first()
        .is_some_and(|d| *d == ".github" || *d == ".circleci" || *d == ".ci")
    {
        return "ci".into();
    }
    if dirs.is_empty() {
        return "top level".into();
    }
    let depth = if matches!(dirs[0], "src" | "lib" | "libs" | "packages") {
        3
    } else {
        2
    };
    dirs[..depth.min(dirs.len())].join("/")
}

/// The area most of `paths` fall in (they come most-changed first; ties go to the first
/// seen). With `focus`, only paths starting with one of its prefixes count when any does.
pub fn dominant_area(
    catalog: &Catalog,
    repo: &str,
    paths: &[String],
    focus: &[String],
) -> Option<String> {
    let focused: Vec<&String> = paths
        .iter()
        .filter(|p| focus.iter().any(|f| p.starts_with(f.as_str())))
        .collect();
    let use_paths: Vec<&String> = if focused.is_empty() {
        paths.iter().collect()
    } else {
        focused
    };
    let mut counts: Vec<(String, usize)> = Vec::new();
    for p in use_paths {
        let a = area_of(catalog, repo, p);
        match counts.iter_mut().find(|c| c.0 == a) {
            Some(c) => c.1 += 1,
            None => counts.push((a, 1)),
        }
    }
    let max = counts.iter().map(|c| c.1).max()?;
    counts.into_iter().find(|c| c.1 == max).map(|c| c.0)
}

/// The path scopes an area name stands for in the given repositories (`None` id: any
/// repository, for automatic areas when no repository filter is given).
pub fn resolve_area(
    catalog: &Catalog,
    area: &str,
    repos: &[(Option<i64>, String)],
) -> Vec<PathScope> {
    let area = area.trim();
    let mut out = Vec::new();
    let mut push = |repo_id: Option<i64>, prefix: String, anywhere: bool| {
        let s = PathScope {
            repo_id,
            prefix,
            anywhere,
        };
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (id, name) in repos {
        if id.is_none() {
            continue;
        }
        for r in catalog.area_rules(name) {
            if let Some(prefix) = rule_prefix_for(r, area) {
                push(*id, prefix, false);
            }
        }
    }
    let lower = area.to_ascii_lowercase();
    let auto: Vec<(String, bool)> = match lower.as_str() {
        "tests" => TEST_DIRS.iter().map(|d| (format!("{d}/"), true)).collect(),
        "docs" => DOC_DIRS.iter().map(|d| (format!("{d}/"), true)).collect(),
        "vendor" => VENDOR_DIRS
            .iter()
            .map(|d| (format!("{d}/"), true))
            .collect(),
        "ci" => vec![(".github/".into(), false), (".circleci/".into(), false)],
        _ if !area.contains(' ') && !area.is_empty() => {
            vec![(format!("{}/", area.trim_matches('/')), false)]
        }
        _ => Vec::new(),
    };
    let any_repo = repos.iter().any(|r| r.0.is_none());
    for (prefix, anywhere) in auto {
        if any_repo {
            push(None, prefix.clone(), anywhere);
        }
        for (id, _) in repos.iter().filter(|r| r.0.is_some()) {
            push(*id, prefix.clone(), anywhere);
        }
    }
    out
}

/// The automatic areas that are not folders: they match anywhere in any repository.
pub const AUTOMATIC: [&str; 4] = ["tests", "docs", "vendor", "ci"];

/// Is `area` a name, rather than a folder: a catalog area of one of `repos` (`model: bert`
/// for `model: {1}` too), or an automatic one ([`AUTOMATIC`])? A name is valid whether or
/// not any stored path falls in it; anything else must be a folder with stored paths.
pub fn is_named(catalog: &Catalog, area: &str, repos: &[String]) -> bool {
    let area = area.trim();
    AUTOMATIC.iter().any(|a| a.eq_ignore_ascii_case(area))
        || repos.iter().any(|r| {
            catalog
                .area_rules(r)
                .iter()
                .any(|rule| rule_prefix_for(rule, area).is_some())
        })
}

/// The catalog's area names in `repos` (in the catalog's order, each once), or in every
/// catalogued repository (sorted) when `repos` is `None`; a name with a folder in it reads
/// `model: <folder>`.
pub fn known_names(catalog: &Catalog, repos: Option<&[String]>) -> Vec<String> {
    let rules: Vec<&AreaRule> = match repos {
        Some(names) => names.iter().flat_map(|n| catalog.area_rules(n)).collect(),
        None => catalog.repos_with_areas().flat_map(|(_, r)| r).collect(),
    };
    let mut out: Vec<String> = Vec::new();
    for r in rules {
        let name = r.name.replace("{1}", "<folder>");
        if !out.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    if repos.is_none() {
        out.sort_by_key(|n| n.to_lowercase());
    }
    out
}

/// The error for an area that is neither a name nor a folder with stored paths: it lists the
/// names valid in the searched repositories (`repos`, or every catalogued one when `None`)
/// and, when one is close, suggests it.
pub fn unknown_area(
    catalog: &Catalog,
    area: &str,
    repos: Option<&[String]>,
) -> crate::query::QueryError {
    // the automatic names are said once, as such
    let names: Vec<String> = known_names(catalog, repos)
        .into_iter()
        .filter(|n| !AUTOMATIC.iter().any(|a| a.eq_ignore_ascii_case(n)))
        .collect();
    let candidates = names
        .iter()
        .filter(|n| !n.contains("<folder>"))
        .map(String::as_str)
        .chain(AUTOMATIC);
    let hint = match crate::query::closest(area, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => ".".to_string(),
    };
    let where_ = match repos {
        Some([one]) => format!("in {one}"),
        Some(r) => format!("in the {} repositories searched", r.len()),
        None => "in the catalog".to_string(),
    };
    let named = if names.is_empty() {
        format!("No areas are named {where_}")
    } else {
        format!("Areas named {where_}: {}", names.join(", "))
    };
    crate::query::QueryError {
        param: "area",
        message: format!(
            "unknown area `{}`{hint} {named}; anywhere: {}, or a folder of the tree with stored paths (paths come from git histories: builtby ingest git)",
            area.trim(),
            AUTOMATIC.join(", ")
        ),
    }
}

/// The concrete prefix of a rule whose name is `area` (`model: bert` against `model: {1}`).
fn rule_prefix_for(r: &AreaRule, area: &str) -> Option<String> {
    match r.name.split_once("{1}") {
        None => r
            .name
            .eq_ignore_ascii_case(area)
            .then(|| match r.prefix.split_once('*') {
                Some((before, _)) => before.to_string(),
                None => r.prefix.clone(),
            }),
        Some((pre, post)) => {
            let lower = area.to_ascii_lowercase();
            let v = lower
                .strip_prefix(&pre.to_ascii_lowercase())?
                .strip_suffix(&post.to_ascii_lowercase())?;
            if v.is_empty() || v.contains('/') {
                return None;
            }
            // keep the case the user typed for the folder name
            let v = &area[pre.len()..area.len() - post.len()];
            Some(r.prefix.replacen('*', v, 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_and_automatic_areas() {
        let c = Catalog::shipped();
        assert_eq!(
            area_of(&c, "pytorch/pytorch", "torch/distributed/fsdp/api.py"),
            "distributed training"
        );
        assert_eq!(
            area_of(
                &c,
                "huggingface/transformers",
                "src/transformers/models/bert/modeling_bert.py"
            ),
            "model: bert"
        );
        assert_eq!(
            area_of(&c, "jax-ml/jax", "jax/_src/pallas/core.py"),
            "Pallas kernels"
        );
        assert_eq!(area_of(&c, "jax-ml/jax", "jax/_src/dtypes.py"), "jax/_src");
        assert_eq!(area_of(&c, "me/tool", "tests/unit/test_x.py"), "tests");
        assert_eq!(area_of(&c, "me/tool", "pkg/sub/deep/x.py"), "pkg/sub");
        assert_eq!(
            area_of(&c, "me/tool", "src/pkg/mod/deep/x.py"),
            "src/pkg/mod"
        );
        assert_eq!(area_of(&c, "me/tool", "docs/index.md"), "docs");
        assert_eq!(area_of(&c, "me/tool", "README.md"), "top level");
        assert_eq!(area_of(&c, "me/tool", "pkg/x_test.py"), "tests");
    }

    #[test]
    fn areas_resolve_to_path_scopes() {
        let c = Catalog::shipped();
        let repos = vec![(Some(1), "huggingface/transformers".to_string())];
        let s = resolve_area(&c, "model: Llama", &repos);
        assert_eq!(s[0].prefix, "src/transformers/models/Llama/");
        let s = resolve_area(&c, "generation", &repos);
        assert!(s.iter().any(|p| p.prefix == "src/transformers/generation/"));
        let s = resolve_area(&c, "jax/_src", &[(None, String::new())]);
        assert_eq!(
            s,
            vec![PathScope {
                repo_id: None,
                prefix: "jax/_src/".into(),
                anywhere: false
            }]
        );
        let s = resolve_area(&c, "tests", &[(None, String::new())]);
        assert!(s.iter().all(|p| p.anywhere));
    }

    #[test]
    fn names_are_the_catalogs_for_the_repositories_searched() {
        let c = Catalog::shipped();
        let pt = vec!["pytorch/pytorch".to_string()];
        assert!(is_named(&c, "Distributed Training", &pt));
        assert!(is_named(&c, "tests", &[]));
        assert!(!is_named(&c, "FSDP", &pt));
        assert!(!is_named(&c, "model: bert", &pt), "a transformers name");
        let tf = vec!["huggingface/transformers".to_string()];
        assert!(is_named(&c, "model: bert", &tf));
        let names = known_names(&c, Some(&pt));
        assert_eq!(names[0], "distributed training", "the catalog's order");
        assert_eq!(
            names.iter().filter(|n| *n == "CUDA").count(),
            1,
            "each name once"
        );
        let all = known_names(&c, None);
        assert!(all.contains(&"model: <folder>".to_string()) && all.len() > names.len());
        let e = unknown_area(&c, "pallas", None);
        assert_eq!(e.param, "area");
        assert!(
            e.message.contains("did you mean `Pallas kernels`?"),
            "{}",
            e.message
        );
        // LoRA is vLLM's (vllm/lora/), not PyTorch's
        let every: Vec<String> = c.repos_with_areas().map(|(n, _)| n.to_string()).collect();
        assert!(is_named(&c, "lora", &every));
        assert!(!is_named(&c, "LoRA", &pt));
        let e = unknown_area(&c, "x", Some(&["me/tool".to_string()]));
        assert!(
            e.message.contains("No areas are named in me/tool"),
            "{}",
            e.message
        );
    }

    #[test]
    fn dominant_area_prefers_the_focus() {
        let c = Catalog::shipped();
        let paths = vec![
            "tests/a.py".to_string(),
            "tests/b.py".into(),
            "jax/_src/lax/lax.py".into(),
        ];
        assert_eq!(
            dominant_area(&c, "jax-ml/jax", &paths, &[]).as_deref(),
            Some("tests")
        );
        assert_eq!(
            dominant_area(&c, "jax-ml/jax", &paths, &["jax/_src/".into()]).as_deref(),
            Some("lax primitives")
        );
    }

    #[test]
    fn user_catalogs_add_areas() {
        let dir = std::env::temp_dir().join(format!("builtby-areas-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("mine.toml");
        std::fs::write(
            &p,
            "[[ecosystem]]\nid = \"mine\"\nname = \"Mine\"\nrepos = [{ name = \"me/tool\", areas = [{ prefix = \"core/\", name = \"the core\" }] }]\n\n[[areas]]\nrepo = \"jax-ml/jax\"\nrules = [{ prefix = \"jax/_src/dtypes.py\", name = \"dtypes\" }]\n",
        )
        .unwrap();
        let c = Catalog::with_user_file(Some(&p)).unwrap();
        assert_eq!(area_of(&c, "me/tool", "core/x.py"), "the core");
        assert_eq!(area_of(&c, "jax-ml/jax", "jax/_src/dtypes.py"), "dtypes");
        assert_eq!(
            area_of(&c, "google/jax", "jax/_src/pallas/x.py"),
            "Pallas kernels"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
