//! `builtby ingest kaggle DIR` and `builtby bench kaggle`.

use super::Env;
use crate::cli::{BenchKaggleArgs, KaggleArgs};
use anyhow::{Context, Result};
use builtby_ingest::kaggle::ingest_dir;
use builtby_ingest::locations::{normalise_stored, Locations};
use builtby_ingest::FileOutcome;
use builtby_model::Kind;
use builtby_sources::kaggle::{thousands, Options, Table, Watch};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

pub fn run(env: &Env, a: &KaggleArgs) -> Result<ExitCode> {
    let opts = Options {
        min_tier: a.min_tier.number(),
    };
    let started = Instant::now();
    let mut store = env.store()?;
    let open = started.elapsed().as_secs_f64();
    let path = store.path().to_path_buf();
    let noted = Locations::new();
    let mut view = View::new(&a.dir, env.quiet);
    let run = ingest_dir(&mut store, &a.dir, &opts, Some(&noted), &mut |w| {
        view.watch(w)
    })?;
    view.finish();
    let t = Instant::now();
    let located = normalise_stored(&mut store, noted)?;
    let locations = t.elapsed().as_secs_f64();
    let t = Instant::now();
    drop(store);
    let close = t.elapsed().as_secs_f64();
    let secs = started.elapsed().as_secs_f64();

    let dir = a.dir.display();
    let ok = match &run.outcome {
        FileOutcome::Loaded { summary, report } => {
            for m in &report.messages {
                eprintln!("warning: {dir}: {m}");
            }
            let skipped = report.skipped_total();
            if skipped > report.messages.len() as u64 {
                eprintln!(
                    "warning: {dir}: {} rows or accounts skipped in all, by reason: {} (see `builtby stats`)",
                    thousands(skipped as i64),
                    report
                        .skipped
                        .iter()
                        .map(|(why, n)| format!("{why} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if let Some(e) = &report.ended_early {
                eprintln!("error: {dir}: ended early: {e}");
            }
            if !env.quiet {
                eprintln!(
                    "ingested {dir}: {} rows from {} table(s) in {secs:.1}s ({:.0} rows/s): {} Kaggle accounts with {} tiers, {} medals, {} medal notebooks; {} new contributions, {located} locations normalised; {} identity suggestion(s) (`builtby identity suggest`) into {}",
                    thousands(report.read as i64),
                    run.tables.len(),
                    report.read as f64 / secs.max(1e-9),
                    thousands(run.accounts as i64),
                    thousands(run.kept(Kind::KaggleTier) as i64),
                    thousands(run.kept(Kind::KaggleMedal) as i64),
                    thousands(run.kept(Kind::Notebook) as i64),
                    thousands(summary.new_contributions as i64),
                    run.suggestions,
                    path.display()
                );
            }
            report.ended_early.is_none()
        }
        FileOutcome::AlreadyLoaded => {
            if !env.quiet {
                eprintln!(
                    "{dir}: already loaded (these tables, read with --min-tier {}): nothing to do",
                    format!("{:?}", a.min_tier).to_lowercase()
                );
            }
            true
        }
        FileOutcome::AlreadyLoadedIncomplete { error } => {
            eprintln!("error: {dir}: already loaded, and still incomplete: {error}");
            false
        }
        FileOutcome::Failed { error } => {
            eprintln!("error: {error}");
            false
        }
    };
    if a.timings {
        let (rows, contributions) = run
            .report()
            .map_or((0, 0), |(s, r)| (r.read, s.new_contributions));
        let peak = super::bench::peak_rss_kib()
            .map(|k| format!(" peak_kib={k}"))
            .unwrap_or_default();
        eprintln!(
            "timings open={open:.4} checksum={:.4} read={:.4} commit={:.4} locations={locations:.4} close={close:.4} total={secs:.4} rows={rows} contributions={contributions} accounts={}{peak}",
            run.checksum_secs, run.read_secs, run.commit_secs, run.accounts
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Progress: a bar over all tables' bytes on a terminal, one line per table read.
struct View {
    bar: Option<ProgressBar>,
    quiet: bool,
    done: u64,
}

impl View {
    fn new(dir: &Path, quiet: bool) -> View {
        let total: u64 = Table::ALL
            .iter()
            .filter_map(|t| std::fs::metadata(dir.join(t.file_name())).ok())
            .map(|m| m.len())
            .sum();
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        View {
            bar,
            quiet,
            done: 0,
        }
    }

    fn watch(&mut self, w: Watch<'_>) {
        match w {
            Watch::Start { table, .. } => {
                if let Some(b) = &self.bar {
                    b.set_message(table.file_name());
                }
            }
            Watch::Bytes(n) => {
                if let Some(b) = &self.bar {
                    b.set_position(self.done + n);
                }
            }
            Watch::Done { table, read, secs } => {
                self.done += read.bytes;
                if self.quiet {
                    return;
                }
                let bad = read.bad_rows();
                let line = format!(
                    "  {}: {} rows{} in {secs:.1}s ({:.0} rows/s)",
                    table.file_name(),
                    thousands(read.rows as i64),
                    if bad > 0 {
                        format!(" ({} skipped)", thousands(bad as i64))
                    } else {
                        String::new()
                    },
                    read.rows as f64 / secs.max(1e-9)
                );
                match &self.bar {
                    Some(b) => b.println(line),
                    None => eprintln!("{line}"),
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// `builtby bench kaggle`: a generated Meta Kaggle folder ingested by this binary (a fresh
/// process into a fresh store, as a user runs it) at a fifth of `--rows` and at `--rows`,
/// next to reading the same bytes in the same run; peak memory at both sizes.
pub fn bench(_env: &Env, a: &BenchKaggleArgs) -> Result<ExitCode> {
    anyhow::ensure!(a.rows >= 5, "--rows: at least 5");
    let scratch = a
        .scratch
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("builtby-bench-kaggle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let exe = std::env::current_exe().context("finding this binary")?;
    let sizes = [a.rows / 5, a.rows];
    let mut lines = Vec::new();
    for n in sizes {
        let dir = scratch.join(format!("meta-kaggle-{n}"));
        let t = Instant::now();
        let gen = generate(&dir, n, a.winners.min(n))?;
        let gen_secs = t.elapsed().as_secs_f64();
        let files = [dir.join("Users.csv"), dir.join("UserAchievements.csv")];
        let rows = gen.users + gen.achievements;
        // Baselines, each best of two (the first also warms the page cache for all runs).
        let mut newlines = f64::MAX;
        let mut parse = f64::MAX;
        let mut reader = f64::MAX;
        for _ in 0..2 {
            let t = Instant::now();
            let kd = builtby_sources::kaggle::KaggleDir::open(&dir)?;
            let mut accounts = 0u64;
            let report = kd
                .read::<std::convert::Infallible>(&Options::default(), &mut |_| {}, &mut |_| {
                    accounts += 1;
                    Ok(())
                })
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            reader = reader.min(t.elapsed().as_secs_f64());
            anyhow::ensure!(report.read == rows, "read {} rows of {rows}", report.read);
            std::hint::black_box(accounts);
            let t = Instant::now();
            let lines = count_newlines(&files)?;
            newlines = newlines.min(t.elapsed().as_secs_f64());
            anyhow::ensure!(lines >= rows, "counted {lines} lines for {rows} rows");
            let t = Instant::now();
            let records = count_records(&files)?;
            parse = parse.min(t.elapsed().as_secs_f64());
            anyhow::ensure!(records == rows, "parsed {records} records for {rows} rows");
        }
        let store = scratch.join(format!("store-{n}"));
        let first = ingest_process(&exe, &store, &dir)?;
        let second = ingest_process(&exe, &store, &dir)?;
        anyhow::ensure!(
            second.get("rows") == Some(&"0".to_string()),
            "the second run was not a no-op: {second:?}"
        );
        lines.push((n, gen, gen_secs, newlines, parse, reader, first, second));
        let _ = std::fs::remove_dir_all(&store);
        if !a.keep {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    if !a.keep {
        let _ = std::fs::remove_dir_all(&scratch);
    } else {
        println!("tables kept in {}", scratch.display());
    }

    let f = |m: &HashMap<String, String>, k: &str| -> f64 {
        m.get(k).and_then(|v| v.parse().ok()).unwrap_or(0.0)
    };
    println!(
        "generated Meta Kaggle folders: Users.csv with N rows (Meta Kaggle's quoting, some names with quotes, commas and newlines), UserAchievements.csv with one row per user: {} Experts and above at any N (1% of them Grandmasters, 10% Masters), 15% of the others Contributors, the rest Novices",
        thousands(a.winners as i64)
    );
    println!(
        "{:<52} {:>12} {:>9} {:>12}",
        "", "rows", "seconds", "rows/s"
    );
    for (n, gen, gen_secs, newlines, parse, reader, first, second) in &lines {
        let rows = (gen.users + gen.achievements) as f64;
        let mb = gen.bytes as f64 / 1e6;
        println!(
            "N = {} ({mb:.0} MB; generated in {gen_secs:.1}s)",
            thousands(*n as i64)
        );
        let line = |name: &str, s: f64| {
            println!(
                "  {name:<50} {:>12} {s:>9.3} {:>12.0}",
                thousands(rows as i64),
                rows / s.max(1e-9)
            )
        };
        line("count newlines, like wc -l (baseline)", *newlines);
        line("csv crate: parse every record, no store", *parse);
        line(
            "builtby's reader: columns, joins, accounts; no store",
            *reader,
        );
        let total = f(first, "total");
        line("builtby ingest kaggle: whole command", total);
        println!(
            "    checksum {:.3}s, read + join + load {:.3}s, commit {:.3}s, close {:.3}s; {} accounts, {} contributions",
            f(first, "checksum"),
            f(first, "read"),
            f(first, "commit"),
            f(first, "close"),
            first.get("accounts").map_or("?", String::as_str),
            first.get("contributions").map_or("?", String::as_str),
        );
        println!(
            "    ratio ingest / wc -l: {:.2}   ratio ingest / csv parse: {:.2}   (1.0 = as fast)",
            newlines / total.max(1e-9),
            parse / total.max(1e-9)
        );
        println!(
            "  {:<50} {:>12} {:>9.3}",
            "builtby ingest kaggle again (already loaded)",
            "-",
            f(second, "total")
        );
        println!(
            "  peak memory (VmHWM) of the ingest process: {:.1} MB",
            f(first, "peak_kib") / 1024.0
        );
    }
    if let [(n1, _, _, _, _, _, a, _), (n2, _, _, _, _, _, b, _)] = &lines[..] {
        let (p1, p2) = (f(a, "peak_kib") / 1024.0, f(b, "peak_kib") / 1024.0);
        println!(
            "peak memory at {} rows: {p1:.1} MB, at {} rows: {p2:.1} MB ({:+.1} MB for {}x the rows; {} and {} accounts kept)",
            thousands(*n1 as i64),
            thousands(*n2 as i64),
            p2 - p1,
            n2 / n1.max(&1),
            a.get("accounts").map_or("?", String::as_str),
            b.get("accounts").map_or("?", String::as_str),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `builtby --data-dir STORE -q ingest kaggle DIR --timings`: its `timings` line.
fn ingest_process(exe: &Path, store: &Path, dir: &Path) -> Result<HashMap<String, String>> {
    let out = Command::new(exe)
        .arg("--data-dir")
        .arg(store)
        .args(["-q", "ingest", "kaggle", "--timings"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("running builtby ingest kaggle")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(out.status.success(), "builtby ingest kaggle: {stderr}");
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("timings "))
        .with_context(|| format!("no timings line: {stderr}"))?;
    Ok(line
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

#[derive(Debug, Clone, Copy, Default)]
struct Generated {
    users: u64,
    achievements: u64,
    bytes: u64,
}

/// A splitmix64 step: deterministic, well-spread numbers from a row number.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Writes `Users.csv` (`n` rows) and `UserAchievements.csv` (one row per user) in `dir`, the
/// way Meta Kaggle writes them; about `winners` users (spread over all ids) are Experts or
/// above, so two sizes keep the same work and differ only in rows.
fn generate(dir: &Path, n: u64, winners: u64) -> Result<Generated> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    const COUNTRIES: [&str; 6] = ["", "", "India", "United States", "Germany", "Brazil"];
    const TYPES: [&str; 4] = ["Competitions", "Scripts", "Discussion", "Datasets"];
    let create = |name: &str| -> Result<BufWriter<std::fs::File>> {
        let p = dir.join(name);
        Ok(BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&p).with_context(|| format!("creating {}", p.display()))?,
        ))
    };
    let mut users = create("Users.csv")?;
    let mut ach = create("UserAchievements.csv")?;
    writeln!(
        users,
        "\"Id\",\"UserName\",\"DisplayName\",\"RegisterDate\",\"PerformanceTier\",\"Country\""
    )?;
    writeln!(ach, "\"Id\",\"UserId\",\"AchievementType\",\"Tier\",\"TierAchievementDate\",\"Points\",\"CurrentRanking\",\"HighestRanking\",\"TotalGold\",\"TotalSilver\",\"TotalBronze\"")?;
    for i in 0..n {
        let id = 1000 + i;
        let r = mix(id);
        let tier = if r % n < winners {
            match (r >> 32) % 100 {
                0 => 4,
                1..=10 => 3,
                _ => 2,
            }
        } else if (r >> 32) % 100 < 15 {
            1
        } else {
            0
        };
        let (month, day, year) = (
            1 + (r >> 20) % 12,
            1 + (r >> 24) % 28,
            2010 + (r >> 28) % 14,
        );
        let name = match i % 100_000 {
            7 => format!("User \"\"{id}\"\" Quoted, Comma"),
            99_999 => format!("User {id}\nTwo Lines"),
            _ => format!("User {id}"),
        };
        writeln!(
            users,
            "\"{id}\",\"user{id}\",\"{name}\",\"{month:02}/{day:02}/{year}\",\"{tier}\",\"{}\"",
            COUNTRIES[(r >> 40) as usize % COUNTRIES.len()]
        )?;
        let ty = TYPES[(r >> 44) as usize % TYPES.len()];
        if tier >= 2 {
            let rank = 1 + (r >> 8) % 5000;
            writeln!(
                ach,
                "\"{i}\",\"{id}\",\"{ty}\",\"{tier}\",\"{month:02}/{day:02}/{}\",\"{}\",\"{rank}.0\",\"{}.0\",\"{}\",\"{}\",\"{}\"",
                year.max(2016),
                (r >> 12) % 100_000,
                1 + rank / 2,
                (r >> 50) % 5,
                (r >> 53) % 8,
                (r >> 56) % 12
            )?;
        } else {
            writeln!(
                ach,
                "\"{i}\",\"{id}\",\"{ty}\",\"{tier}\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"0\""
            )?;
        }
    }
    users.flush()?;
    ach.flush()?;
    let bytes = ["Users.csv", "UserAchievements.csv"]
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0))
        .sum();
    Ok(Generated {
        users: n,
        achievements: n,
        bytes,
    })
}

/// Newlines in `files`, read in 1 MiB blocks (what `wc -l` does).
fn count_newlines(files: &[PathBuf]) -> Result<u64> {
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0u64;
    for p in files {
        let mut f = std::fs::File::open(p).with_context(|| p.display().to_string())?;
        loop {
            let k = f.read(&mut buf)?;
            if k == 0 {
                break;
            }
            lines += buf[..k].iter().filter(|b| **b == b'\n').count() as u64;
        }
    }
    Ok(lines)
}

/// Data records in `files` as the `csv` crate parses them (quoting, embedded newlines).
fn count_records(files: &[PathBuf]) -> Result<u64> {
    let mut n = 0u64;
    for p in files {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(p)
            .with_context(|| p.display().to_string())?;
        let mut rec = csv::ByteRecord::new();
        while r.read_byte_record(&mut rec)? {
            n += 1;
        }
    }
    Ok(n)
}
