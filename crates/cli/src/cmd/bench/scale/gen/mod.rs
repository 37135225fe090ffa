//! The generator behind `builtby bench scale`: GH Archive-shaped hourly files
//! (`YYYY-MM-DD-H.json.gz`, one gzip member, one event a line) that the real parser reads,
//! plus git histories for a few catalog repositories.
//!
//! - **Exactly `contributions`**: the span (`days`, ending at `end`) is cut into hours with
//!   bursty weights (time of day, weekends, growth over the span, burst days); each hour gets
//!   its quota of the contributions (in blocks of [`BLOCK`]), and its units of work (PRs,
//!   issues, pushes: [`units`]) are generated until the quota is met, the last one cut short.
//! - **Exactly `people`**: each person debuts with one unit in some hour (in proportion to the
//!   quotas); every other unit's initiator is drawn by Zipf activity ([`world`]). Reviewers,
//!   mergers and commenters come from the repository's maintainers and the crowd.
//! - **Deterministic**: every value is a hash of the seed and where it is used, files are
//!   sorted by time and event id, and gzip headers carry no time: same seed and end, same bytes.
//! - **Fast, flat memory**: hours are generated a day at a time on rayon's threads and written
//!   (gzip at its fastest level) as soon as no later unit can add to them; what is held is the
//!   few days of follow-up events of open PRs and issues.
//! - Located people get one Timeline-era event carrying their profile ([`profiles`]); merged
//!   PRs of [`world::GIT_REPOS`] become git histories ([`git`]).

pub mod git;
mod json;
pub mod profiles;
pub mod rand;
pub mod text;
pub mod units;
pub mod world;

use anyhow::{Context, Result};
use flate2::{write::GzEncoder, Compression};
use rand::{h, Perm, Rng};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use units::{Ev, MergedPr, Units};
use world::World;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub people: u64,
    /// Contributions in all, the located people's profile events included.
    pub contributions: u64,
    pub seed: u64,
    /// The span ends here (Unix seconds, a multiple of 3600; exclusive).
    pub end: i64,
    pub days: u32,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub files: Vec<PathBuf>,
    /// Compressed bytes of the hourly files.
    pub bytes: u64,
    /// Uncompressed bytes (the JSON lines).
    pub raw_bytes: u64,
    pub events: u64,
    pub contributions: u64,
    /// People with a profile location (one Timeline-era event each).
    pub located: u64,
    /// `(bare repository, owner/name, commits)`.
    pub git: Vec<(PathBuf, String, u64)>,
}

/// Quotas are whole blocks of this many contributions (the last hour takes the remainder):
/// only the last unit of an hour is cut short to meet its quota, so hours of a few
/// contributions (a small `--contributions` over two years) would cut most PRs before their
/// reviews and merge. Below 50 contributions an hour on average, some hours have none.
const BLOCK: u64 = 50;

/// Hours of the span, their quotas and who debuts in each.
struct Plan {
    start_hour: i64,
    /// Cumulative quota after each hour.
    cum: Vec<u64>,
    /// Contributions of the hourly units (all but the profile events).
    total: u64,
    /// Unit ids are `hour index × stride + unit index`.
    stride: u64,
    debut: Perm,
}

impl Plan {
    fn new(spec: &Spec, total: u64) -> Plan {
        let hours = spec.days as i64 * 24;
        let start_hour = spec.end / 3600 - hours;
        let weights: Vec<u64> = (0..hours)
            .map(|i| weight(spec, start_hour + i, i, hours))
            .collect();
        let sum: u128 = weights.iter().map(|&w| w as u128).sum();
        let block = BLOCK.min(total.max(1)) as u128;
        let mut acc = 0u128;
        let mut cum: Vec<u64> = weights
            .iter()
            .map(|&w| {
                acc += w as u128;
                (total as u128 * acc / sum.max(1) / block * block) as u64
            })
            .collect();
        if let Some(last) = cum.last_mut() {
            *last = total;
        }
        let mut max = 0;
        for i in 0..cum.len() {
            max = max.max(cum[i] - if i == 0 { 0 } else { cum[i - 1] });
        }
        Plan {
            start_hour,
            cum,
            total,
            stride: max + 2,
            debut: Perm::new(spec.people, spec.seed ^ 0xdeb),
        }
    }
    fn before(&self, i: usize) -> u64 {
        if i == 0 {
            0
        } else {
            self.cum[i - 1]
        }
    }
    fn quota(&self, i: usize) -> u64 {
        self.cum[i] - self.before(i)
    }
    /// Debut indexes of hour `i`: at most its quota (people ≤ contributions).
    fn debuts(&self, i: usize, people: u64) -> std::ops::Range<u64> {
        let at = |c: u64| (people as u128 * c as u128 / self.total.max(1) as u128) as u64;
        at(self.before(i))..at(self.cum[i])
    }
}

/// The relative activity of one hour: UTC time of day (Europe, the Americas and Asia
/// overlapping), weekends lower, growing over the span, and burst days (releases, deadlines).
fn weight(spec: &Spec, hour: i64, i: i64, hours: i64) -> u64 {
    const DAY: [u32; 24] = [
        55, 50, 52, 58, 62, 66, 70, 74, 80, 86, 90, 92, 95, 100, 100, 98, 95, 90, 84, 78, 72, 66,
        62, 58,
    ];
    let day = hour.div_euclid(24);
    let weekday = (day + 3).rem_euclid(7); // 1970-01-01 was a Thursday: 0 = Monday
    let week = if weekday >= 5 { 0.58 } else { 1.0 };
    let trend = 0.6 + 0.4 * i as f64 / hours.max(1) as f64;
    let b = h(spec.seed, &[20, day as u64]);
    let burst = if b % 100 < 6 {
        2.0 + (b >> 8) as f64 % 3.0
    } else {
        1.0
    };
    let jitter =
        0.7 + 0.6 * ((h(spec.seed, &[21, hour as u64]) >> 11) as f64 / (1u64 << 53) as f64);
    (DAY[hour.rem_euclid(24) as usize] as f64 * week * trend * burst * jitter * 100.0) as u64 + 1
}

/// How many people get a profile event (they are part of `contributions`).
pub fn located(w: &World) -> u64 {
    (0..w.people).filter(|&p| w.location(p).is_some()).count() as u64
}

/// Writes the hourly files into `dir/gharchive/` and the git histories into `dir/git/`.
/// `progress` is told the contributions written so far.
pub fn generate(
    dir: &Path,
    spec: &Spec,
    catalog: &builtby_search::Catalog,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Generated> {
    anyhow::ensure!(spec.people > 0, "--people: at least 1");
    anyhow::ensure!(spec.end % 3600 == 0, "the span must end on an hour");
    let w = World::new(spec.seed, spec.people, catalog);
    let located = located(&w);
    let hourly = spec.contributions.saturating_sub(located);
    anyhow::ensure!(
        hourly >= spec.people,
        "--contributions: {} is too few for {} people ({located} of them get a profile event, and everyone contributes at least once): give at least {}",
        spec.contributions,
        spec.people,
        spec.people + located
    );
    let files_dir = dir.join("gharchive");
    std::fs::create_dir_all(&files_dir)?;
    let plan = Plan::new(spec, hourly);
    let mut out = Generated {
        located,
        ..Default::default()
    };

    // Profile events first (2014), a file per Pacific hour.
    let written: Vec<Option<(PathBuf, u64, u64, u64)>> = (0..24u64)
        .into_par_iter()
        .map(|hour| {
            let lines = profiles::lines(&w, hour);
            if lines.is_empty() {
                return Ok(None);
            }
            let path = files_dir.join(format!("2014-12-01-{hour}.json.gz"));
            let (bytes, raw) = write_lines(&path, lines.iter().map(String::as_str))?;
            Ok(Some((path, bytes, raw, lines.len() as u64)))
        })
        .collect::<Result<_>>()?;
    for (path, bytes, raw, n) in written.into_iter().flatten() {
        out.files.push(path);
        out.bytes += bytes;
        out.raw_bytes += raw;
        out.events += n;
        out.contributions += n;
    }
    progress(out.contributions);

    let hours = plan.cum.len();
    let mut pending: BTreeMap<i64, Vec<Ev>> = BTreeMap::new();
    let mut merged: Vec<MergedPr> = Vec::new();
    const CHUNK: usize = 24;
    for first in (0..hours).step_by(CHUNK) {
        let last = (first + CHUNK).min(hours);
        let made: Vec<(Vec<Ev>, Vec<MergedPr>, u64)> = (first..last)
            .into_par_iter()
            .map(|i| hour_units(&w, spec, &plan, i))
            .collect();
        for (evs, m, c) in made {
            out.contributions += c;
            merged.extend(m);
            for e in evs {
                pending.entry(e.t.div_euclid(3600)).or_default().push(e);
            }
        }
        // Units starting later cannot add to hours before `last`.
        let limit = plan.start_hour + last as i64;
        let later = pending.split_off(&limit);
        let ready = std::mem::replace(&mut pending, later);
        flush(&files_dir, ready, &mut out)?;
        progress(out.contributions);
    }
    flush(&files_dir, std::mem::take(&mut pending), &mut out)?;

    merged.sort_by_key(|m| (m.git, m.t, m.number));
    for (g, name) in world::GIT_REPOS.iter().enumerate() {
        let prs: Vec<&MergedPr> = merged.iter().filter(|m| m.git == g).collect();
        if prs.is_empty() {
            continue;
        }
        let (stream, commits) = git::stream(&w, name, &prs);
        let repo_dir = dir.join("git").join(name.replace('/', "__"));
        git::write_repo(&repo_dir, &stream)?;
        out.git.push((repo_dir, name.to_string(), commits));
    }
    Ok(out)
}

/// The units that start in hour `i`: its debuts, then Zipf-drawn initiators until the quota
/// is met, and its stars and forks.
fn hour_units(w: &World, spec: &Spec, plan: &Plan, i: usize) -> (Vec<Ev>, Vec<MergedPr>, u64) {
    let mut units = Units::new(w, spec.end);
    let hour = plan.start_hour + i as i64;
    let mut left = plan.quota(i);
    let debuts = plan.debuts(i, spec.people);
    let mut j = 0u64;
    let mut r = Rng::new(spec.seed, &[30, i as u64]);
    let base = i as u64 * plan.stride;
    for d in debuts.clone() {
        let p = plan.debut.at(d);
        let after = debuts.end - d - 1;
        let mut ur = Rng::new(spec.seed, &[31, i as u64, j]);
        let t0 = hour * 3600 + ur.below(3600) as i64;
        left -= units.unit(base + j, p, t0, left - after, true, &mut ur);
        j += 1;
    }
    while left > 0 {
        let p = w.activity.sample(&mut r) as u64;
        let mut ur = Rng::new(spec.seed, &[31, i as u64, j]);
        let t0 = hour * 3600 + ur.below(3600) as i64;
        left -= units.unit(base + j, p, t0, left, false, &mut ur);
        j += 1;
    }
    let noise = (plan.quota(i) * 12 + r.below(100)) / 100;
    for k in 0..noise {
        let t = hour * 3600 + r.below(3600) as i64;
        let id = units::NOISE_ID + base + k;
        units.evs.push(units::noise(w, id, t, &mut r));
    }
    (units.evs, units.merged, units.contributions)
}

/// Writes every hour of `ready` (in parallel), events sorted by time then id.
fn flush(dir: &Path, ready: BTreeMap<i64, Vec<Ev>>, out: &mut Generated) -> Result<()> {
    let written: Vec<(PathBuf, u64, u64, u64)> = ready
        .into_iter()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(hour, mut evs)| {
            evs.sort_unstable_by_key(|e| (e.t, e.key));
            let stamp = crate::demo::sample::rng::ts(hour * 3600);
            let path = dir.join(format!("{}-{}.json.gz", &stamp[..10], hour.rem_euclid(24)));
            let (bytes, raw) = write_lines(&path, evs.iter().map(|e| e.line.as_str()))?;
            Ok((path, bytes, raw, evs.len() as u64))
        })
        .collect::<Result<_>>()?;
    for (path, bytes, raw, n) in written {
        out.files.push(path);
        out.bytes += bytes;
        out.raw_bytes += raw;
        out.events += n;
    }
    Ok(())
}

/// One gzip member (no time in its header), one line each; returns (compressed, raw) bytes.
fn write_lines<'a>(path: &Path, lines: impl Iterator<Item = &'a str>) -> Result<(u64, u64)> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut gz = GzEncoder::new(
        std::io::BufWriter::with_capacity(1 << 16, file),
        Compression::fast(),
    );
    let mut raw = 0;
    for l in lines {
        gz.write_all(l.as_bytes())?;
        gz.write_all(b"\n")?;
        raw += l.len() as u64 + 1;
    }
    gz.finish()?.flush()?;
    Ok((std::fs::metadata(path)?.len(), raw))
}

#[cfg(test)]
mod tests;
