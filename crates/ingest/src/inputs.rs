//! Turning command-line inputs (files, folders, globs) into a sorted list of files.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputError {
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("{0}: the pattern matched no files")]
    NoMatch(String),
    #[error("{0}: bad pattern: {1}")]
    BadPattern(String, String),
}

/// Expands files, folders (their `.json.gz` and `.json` files, recursively) and glob patterns
/// into files, sorted by name within each argument (GH Archive names sort by time within a
/// day). Inputs that match nothing come back as errors; the rest are still returned.
pub fn expand_inputs(args: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for a in args {
        let s = a.to_string_lossy();
        if a.is_dir() {
            let mut found = Vec::new();
            walk(a, &mut found);
            found.sort();
            files.extend(found);
        } else if a.exists() {
            files.push(a.clone());
        } else if s.contains(['*', '?', '[']) {
            match glob::glob(&s) {
                Ok(paths) => {
                    let mut found: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        errors.push(InputError::NoMatch(s.into_owned()));
                    }
                    files.extend(found);
                }
                Err(e) => errors.push(InputError::BadPattern(s.into_owned(), e.to_string())),
            }
        } else {
            errors.push(InputError::Missing(a.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    (files, errors)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if name.ends_with(".json.gz") || name.ends_with(".json") {
                out.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_folders_globs_and_missing() {
        let dir = std::env::temp_dir().join(format!("builtby-inputs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for n in [
            "2015-01-01-1.json.gz",
            "2015-01-01-0.json.gz",
            "sub/x.json",
            "notes.txt",
        ] {
            std::fs::write(dir.join(n), b"").unwrap();
        }
        let (files, errors) = expand_inputs(std::slice::from_ref(&dir));
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            vec!["2015-01-01-0.json.gz", "2015-01-01-1.json.gz", "sub/x.json"]
        );
        assert!(errors.is_empty());
        let (files, _) = expand_inputs(&[
            dir.join("2015-*-1.json.gz"),
            dir.join("2015-01-01-1.json.gz"),
        ]);
        assert_eq!(files.len(), 1, "duplicates removed");
        let (files, errors) = expand_inputs(&[dir.join("nope.json.gz"), dir.join("*.none")]);
        assert!(files.is_empty());
        assert_eq!(errors.len(), 2);
        assert!(errors[0].to_string().contains("no such file"));
    }
}
