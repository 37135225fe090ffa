//! Repositories made here with the git CLI.

use super::*;

/// A fresh repository in a temp folder, with `git` run inside it.
pub struct TempRepo {
    pub dir: PathBuf,
}

impl TempRepo {
    pub fn new(tag: &str) -> TempRepo {
        let dir = std::env::temp_dir().join(format!(
            "builtby-git-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let r = TempRepo { dir };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes `files` (path, content) and commits as `author` (`Name <email>`) at `date`.
    pub fn commit(&self, author: &str, date: &str, message: &str, files: &[(&str, &str)]) {
        for (p, c) in files {
            let p = self.dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, c).unwrap();
        }
        self.git(&["add", "-A"]);
        let (name, email) = author.split_once(" <").unwrap();
        let email = email.trim_end_matches('>');
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_NAME", "GitHub")
            .env("GIT_COMMITTER_EMAIL", "noreply@github.com")
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn reads_commits_paths_and_links_from_a_real_repository() {
    let r = TempRepo::new("read");
    r.commit(
        "Ana B <7+ana@users.noreply.github.com>",
        "2024-03-01T10:00:00Z",
        "Add sharding (#10)\n\nCo-authored-by: Bo <bo@corp.example>",
        &[
            ("jax/_src/sharding.py", "a\nb\nc\n"),
            ("tests/test_s.py", "x\n"),
        ],
    );
    r.commit(
        "Cy <cy@corp.example>",
        "2024-04-01T10:00:00+02:00",
        "Tweak",
        &[("jax/_src/sharding.py", "a\nB\nc\nd\n")],
    );
    let tip = head(&r.dir).unwrap().unwrap();
    let ids = rev_list(&r.dir, &tip, &[]).unwrap();
    assert_eq!(ids.len(), 2);
    let mut got = Vec::new();
    let stats = read_commits(&r.dir, &ids, 2, |c| got.push(c)).unwrap();
    assert_eq!((stats.commits, stats.skipped), (2, 0));
    got.sort_by_key(|c| c.author_at);
    let a = &got[0];
    assert_eq!(a.pr, Some(10));
    assert_eq!(a.author.github.as_ref().unwrap().login, "ana");
    assert_eq!(a.co_authors[0].name, "Bo");
    assert_eq!(a.co_authors[0].email_hash, email_hash("bo@corp.example"));
    assert_eq!(a.paths.len(), 2);
    assert!(a.parents.is_empty());
    let b = &got[1];
    assert_eq!(b.author_at, a.author_at + 31 * 86400 - 7200);
    assert_eq!(
        b.author.login_hint.as_deref(),
        None,
        "`cy` is too short to suggest"
    );
    assert_eq!((b.paths[0].added, b.paths[0].deleted), (Some(2), Some(1)));
    assert_eq!(b.parents, vec![a.id.clone()]);
    // incremental: nothing new past the tip
    assert!(rev_list(&r.dir, &tip, std::slice::from_ref(&tip))
        .unwrap()
        .is_empty());
    assert!(is_ancestor(&r.dir, &a.id, &tip).unwrap());
}

#[test]
fn empty_and_missing_repositories() {
    let r = TempRepo::new("empty");
    assert_eq!(head(&r.dir).unwrap(), None);
    let e = head(&r.dir.join("nope")).unwrap_err().to_string();
    assert!(e.contains("nope"), "{e}");
}
