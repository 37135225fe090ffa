//! Accuracy on profile locations nobody tuned the rules on (`profile_locations.tsv`, issue 16):
//! country, metro where the string names one, and false metros where it names none, for each
//! part of the table separately.
//!
//! `cargo test -p builtby-locate --test profile_locations -- --nocapture` prints the figures and
//! the misses of the parts tuned on; the fresh held-out misses are printed only with
//! `BUILTBY_SHOW_FRESH=1`, so that reading them is a deliberate act at the end, not a habit
//! while tuning.
//!
//! Session 15 (457 strings, labelled before its rule changes): before, tune country 95.3%,
//! metro 31.1%, false metros 2.0%; held-out 92.0%, 47.2%, 3.1%. After: tune 97.8%, 95.8%, 2.0%;
//! held-out 96.4%, 94.4%, 3.1% (2 of 65, over the 3% target). Its held-out misses were read
//! then, so session 17 labelled a fresh held-out part (241 strings) before changing any rule:
//! on main then, fresh country 95.9%, metro 93.2%, false metros 2.8% (3 of 108). After session
//! 17's rules (GeoNames admin1 codes for every country's regions, a region's namesake city,
//! small towns not found by another of their names): tune 97.8%, 95.8%, 2.0%; session 15's
//! held-out 97.1%, 93.1%, 1.5%; fresh 96.3%, 93.2%, 2.8%.

use builtby_locate::locate;

#[derive(Default)]
struct Score {
    n: u32,
    country_ok: u32,
    with_metro: u32,
    metro_ok: u32,
    without_metro: u32,
    false_metro: u32,
    misses: Vec<String>,
}

impl Score {
    fn pct(a: u32, b: u32) -> f64 {
        100.0 * a as f64 / b.max(1) as f64
    }
    fn country(&self) -> f64 {
        Self::pct(self.country_ok, self.n)
    }
    fn metro(&self) -> f64 {
        Self::pct(self.metro_ok, self.with_metro)
    }
    fn false_metro(&self) -> f64 {
        Self::pct(self.false_metro, self.without_metro)
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name}: {} strings; country {}/{} = {:.1}%; metro {}/{} = {:.1}%; false metros {}/{} = {:.1}%",
            self.n,
            self.country_ok,
            self.n,
            self.country(),
            self.metro_ok,
            self.with_metro,
            self.metro(),
            self.false_metro,
            self.without_metro,
            self.false_metro()
        )
    }
}

/// The three parts of the table: tuned on, session 15's held-out (read, then tuned on), and
/// session 17's fresh held-out.
#[derive(Default)]
struct Parts {
    tune: Score,
    held: Score,
    fresh: Score,
}

fn score() -> Parts {
    let mut parts = Parts::default();
    for line in include_str!("profile_locations.tsv")
        .lines()
        .filter(|l| !l.starts_with("# ") && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "bad fixture line {line:?}");
        let want = |s: &str| (s != "-").then(|| s.to_string());
        let (country, metro) = (want(f[1]), want(f[2]));
        let s = match f[3] {
            "tune" => &mut parts.tune,
            "held" => &mut parts.held,
            "fresh" => &mut parts.fresh,
            other => panic!("bad part {other:?} in {line:?}"),
        };
        let got = locate(f[0]);
        s.n += 1;
        let c = got.country == country;
        s.country_ok += c as u32;
        let m = got.metro == metro;
        if metro.is_some() {
            s.with_metro += 1;
            s.metro_ok += m as u32;
        } else {
            s.without_metro += 1;
            s.false_metro += got.metro.is_some() as u32;
        }
        if !c || !m {
            s.misses.push(format!(
                "  {:?}: want {:?}/{:?}, got {:?}/{:?} (city {:?}, {:.2})",
                f[0], country, metro, got.country, got.metro, got.city, got.confidence
            ));
        }
    }
    parts
}

#[test]
fn profile_locations_nobody_tuned_on() {
    let Parts { tune, held, fresh } = score();
    eprintln!(
        "{}\n{}\n{}",
        tune.line("tune"),
        held.line("held-out (session 15)"),
        fresh.line("fresh held-out (session 17)")
    );
    eprintln!("tune misses:\n{}", tune.misses.join("\n"));
    eprintln!("session 15's held-out misses:\n{}", held.misses.join("\n"));
    if std::env::var_os("BUILTBY_SHOW_FRESH").is_some() {
        eprintln!("fresh held-out misses:\n{}", fresh.misses.join("\n"));
    }
    let all = tune.n + held.n + fresh.n;
    assert!(all >= 400, "{all} labelled strings");
    assert!(fresh.n * 10 >= all * 3, "fresh held-out part under 30%");
    // Issue 16's targets on the fresh held-out part: country >= 95%, metro >= 90%, false
    // metros <= 3%.
    assert!(fresh.country() >= 95.0, "{}", fresh.line("fresh"));
    assert!(fresh.metro() >= 90.0, "{}", fresh.line("fresh"));
    assert!(fresh.false_metro() <= 3.0, "{}", fresh.line("fresh"));
}

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

/// The hours the labelled strings were drawn from.
const HOURS: &[&str] = &[
    "gharchive/2012-02-15-0.json.gz",
    "gharchive/2012-04-01-0.json.gz",
    "gharchive/2012-10-13-0.json.gz",
    "gharchive/2013-02-15-0.json.gz",
    "gharchive/2014-02-15-0.json.gz",
];

fn collect_locations(v: &serde_json::Value, out: &mut std::collections::HashSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("location", serde_json::Value::String(s)) => {
                        out.insert(s.split_whitespace().collect::<Vec<_>>().join(" "));
                    }
                    _ => collect_locations(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_locations(v, out)),
        _ => {}
    }
}

/// Every labelled string is a real profile location of the shared hours (none made up), and
/// none is in the table the rules were written on.
#[test]
fn labelled_strings_come_from_the_shared_hours() {
    use std::io::BufRead;
    let mut seen = std::collections::HashSet::new();
    for h in HOURS {
        let Some(path) = shared_data::shared_data(h) else {
            return;
        };
        let f = std::fs::File::open(&path).unwrap();
        for line in std::io::BufReader::new(flate2::read::GzDecoder::new(f)).lines() {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            collect_locations(&v, &mut seen);
        }
    }
    let tuned: std::collections::HashSet<String> = include_str!("locations.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(str::to_lowercase)
        .collect();
    let mut n = 0;
    for line in include_str!("profile_locations.tsv")
        .lines()
        .filter(|l| !l.starts_with("# ") && !l.is_empty())
    {
        let s = line.split('\t').next().unwrap();
        assert!(
            seen.contains(s),
            "{s:?} is not a location of the shared hours"
        );
        assert!(
            !tuned.contains(&s.to_lowercase()),
            "{s:?} is in locations.tsv"
        );
        assert!(!s.contains('@'), "{s:?}");
        n += 1;
    }
    assert!(n >= 400, "{n}");
}
