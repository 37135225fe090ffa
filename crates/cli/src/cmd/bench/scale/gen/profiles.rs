//! Profile locations. In GH Archive only Timeline-era records (2012–2014, shape B) carry a
//! profile: `actor_attributes {login, name, company, blog, location…}` on an event whose
//! `actor` is a login; the parser keeps it on a contribution credited to that actor, and the
//! store joins a login-only actor to the account with that login. So every located person gets
//! one such event: a push to their own repository on 2014-12-01, filed like the real Timeline
//! hours by the Pacific hour (`created_at` with `-08:00`). It is one (old) contribution each.

use super::json::esc;
use super::rand::{h, sha};
use super::world::{Person, Repo, World};
use std::fmt::Write as _;

/// The Pacific hour (0–23) of `p`'s profile event.
pub fn hour_of(w: &World, p: Person) -> u64 {
    h(w.seed, &[40, p]) % 24
}

/// The profile-carrying lines of Pacific hour `hour` of 2014-12-01, in time order.
pub fn lines(w: &World, hour: u64) -> Vec<String> {
    let mut evs: Vec<(u64, Person)> = (0..w.people)
        .filter(|&p| hour_of(w, p) == hour && w.location(p).is_some())
        .map(|p| (h(w.seed, &[41, p]) % 3600, p))
        .collect();
    evs.sort_unstable();
    evs.into_iter()
        .map(|(secs, p)| line(w, p, hour, secs))
        .collect()
}

fn line(w: &World, p: Person, hour: u64, secs: u64) -> String {
    let (login, name) = (w.login(p), w.name(p));
    let repo = Repo::Own(p, 0);
    let full = w.repo_name(repo);
    let short = full.rsplit('/').next().unwrap_or("");
    let at = format!(
        "2014-12-01T{hour:02}:{:02}:{:02}-08:00",
        secs / 60,
        secs % 60
    );
    let head = sha(h(w.seed, &[42, p]));
    let mut o = String::with_capacity(1200);
    let _ = write!(
        o,
        "{{\"created_at\":\"{at}\",\"payload\":{{\"shas\":[[\"{head}\",\"{:016x}@example.com\",\"Initial commit\",",
        h(w.seed, &[43, p])
    );
    esc(&mut o, &name);
    let _ = write!(
        o,
        ",true]],\"size\":1,\"ref\":\"refs/heads/master\",\"head\":\"{head}\"}},\"public\":true,\"type\":\"PushEvent\",\"url\":\"https://github.com/{full}/compare/{}...{}\",\"actor\":\"{login}\",\"actor_attributes\":{{\"login\":\"{login}\",\"type\":\"User\",\"gravatar_id\":\"{}\",\"name\":",
        &sha(p)[..10],
        &head[..10],
        &sha(p ^ 0x9)[..32]
    );
    esc(&mut o, &name);
    o.push_str(",\"company\":\"\",\"blog\":\"\",\"location\":");
    esc(&mut o, w.location(p).unwrap_or(""));
    let _ = write!(
        o,
        "}},\"repository\":{{\"id\":{},\"name\":\"{short}\",\"url\":\"https://github.com/{full}\",\"description\":\"\",\"homepage\":\"\",\"watchers\":0,\"stargazers\":0,\"forks\":0,\"fork\":false,\"size\":120,\"owner\":\"{login}\",\"private\":false,\"open_issues\":0,\"has_issues\":true,\"has_downloads\":true,\"has_wiki\":true,\"language\":\"Python\",\"created_at\":\"2014-06-01T10:00:00-07:00\",\"pushed_at\":\"{at}\",\"master_branch\":\"master\"}}}}",
        w.repo_id(repo)
    );
    o
}
