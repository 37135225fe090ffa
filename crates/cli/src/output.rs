//! Human-readable output: the results table and the person page, for a terminal.

use builtby_model::{time, Identity, Kind};
use builtby_search::person::PersonReport;
use builtby_search::{Evidence, SearchResults};
use std::io::{Result, Write};

fn short(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() <= max {
        s
    } else {
        format!("{}…", builtby_model::prefix(&s, max - 1))
    }
}

pub fn evidence_line(e: &Evidence) -> String {
    let date = &e.at[..10.min(e.at.len())];
    let what = match (e.kind, &e.review_state) {
        (Kind::Review, Some(s)) => format!("review ({})", s.replace('_', " ")),
        (k, _) => k.label().to_string(),
    };
    let num = e.number.map(|n| format!("#{n}")).unwrap_or_default();
    let title = e
        .title
        .as_deref()
        .map(|t| format!(" “{}”", short(t, 60)))
        .unwrap_or_default();
    let path = e
        .path
        .as_deref()
        .map(|p| format!(" on {}", short(p, 50)))
        .unwrap_or_default();
    let area = e
        .area
        .as_deref()
        .map(|a| format!(" in {}", short(a, 40)))
        .unwrap_or_default();
    format!(
        "{what} {}{num}{title}{path}{area}, {date}  {}",
        e.repo, e.url
    )
}

/// An evidence line, and under it (indented by `indent` and 4 more) what a source measured
/// about it, if anything.
pub fn write_evidence(out: &mut impl Write, indent: &str, e: &Evidence) -> Result<()> {
    writeln!(out, "{indent}{}", evidence_line(e))?;
    if let Some(m) = &e.measured {
        writeln!(out, "{indent}    {m}")?;
    }
    if let Some(q) = &e.quote {
        writeln!(out, "{indent}    “{q}”")?;
    }
    if let Some(w) = e.weighing() {
        writeln!(
            out,
            "{indent}    counts {:.2}: {w}",
            e.weight * e.focus.unwrap_or(1.0)
        )?;
    }
    Ok(())
}

fn count(counts: &[(Kind, i64)], k: Kind) -> i64 {
    counts.iter().find(|c| c.0 == k).map(|c| c.1).unwrap_or(0)
}

pub fn results_table(out: &mut impl Write, r: &SearchResults, explain: bool) -> Result<()> {
    if r.results.is_empty() {
        if (!r.query.repos.is_empty() || !r.query.ecosystems.is_empty())
            && r.repos_matched.is_empty()
        {
            writeln!(out, "No stored activity in the repositories asked for. Check the names, or ingest more hours.")?;
            return Ok(());
        }
        if r.total > 0 {
            writeln!(
                out,
                "{} {} matched; --offset {} is past the end of the list. Use an offset below {}.",
                r.total,
                if r.total == 1 { "person" } else { "people" },
                r.query.offset,
                r.total
            )?;
            return Ok(());
        }
        writeln!(out, "Nobody matched. Widen the filters (a longer --since, fewer --kind) or ingest more data.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{} people matched{}; showing {}–{}. Scores decay with a {}-month half-life as of {}; standing is among all {} scored.\n",
        r.total,
        if r.repos_matched.is_empty() {
            String::new()
        } else {
            format!(" in {} repositories", r.repos_matched.len())
        },
        r.query.offset + 1,
        r.query.offset as usize + r.results.len(),
        r.query.half_life_months,
        time::date_string(r.query.as_of),
        // every account scored, identities folded under a person's row included
        r.results.first().map_or(r.total, |p| p.standing.of)
    )?;
    writeln!(
        out,
        "{:>4}  {:<24} {:>10}  {:<11} {:>7} {:>8}  {:<19} location",
        "rank", "login", "score", "standing", "merged", "reviews", "role"
    )?;
    for p in &r.results {
        let who = match &p.name {
            // people known only by another account are shown as `Name (git)`, `Name (Kaggle)`…
            _ if !Identity::parse(&p.login).is_github() => p.display.clone(),
            Some(n) => format!("{} ({})", p.login, short(n, 20)),
            None => p.login.clone(),
        };
        writeln!(
            out,
            "{:>4}  {:<24} {:>10}  {:<11} {:>7} {:>8}  {:<19} {}",
            p.rank,
            short(&who, 24),
            fmt_score(p.score),
            p.standing.short(),
            count(&p.counts, Kind::PrMerged),
            count(&p.counts, Kind::Review) + count(&p.counts, Kind::ReviewComment),
            best_role(&p.roles),
            short(&place_text(p), 40)
        )?;
        if let Some(why) = &p.not_a_person {
            writeln!(out, "        not counted as a person: {why}")?;
        }
        if p.in_ats {
            writeln!(
                out,
                "        in your ATS already (builtby ats import; --not-in-ats leaves them out)"
            )?;
        }
        if let Some(l) = &p.likely {
            writeln!(out, "        likely @{} ({})", l.login, l.why)?;
        }
        for a in &p.also {
            writeln!(
                out,
                "        also likely theirs, not linked: {} (score {}; {}): builtby identity link {} {}",
                a.display,
                fmt_score(a.score),
                a.why,
                a.login,
                p.login
            )?;
        }
        if explain {
            for g in &p.roles {
                writeln!(
                    out,
                    "        role {:<14} {:.2}  {}",
                    g.role.as_str(),
                    g.confidence,
                    g.reasons.join("; ")
                )?;
            }
            for d in p.details.iter().filter(|d| d.score > 0.0) {
                writeln!(
                    out,
                    "        {:<13} {:>10}  {}",
                    d.rule,
                    fmt_score(d.score),
                    label(&r.rules, d.rule)
                )?;
                for u in d.used.iter().take(4) {
                    writeln!(
                        out,
                        "            {:>5} × {:<20} in {:<30} → {}",
                        u.count,
                        u.kind.as_str(),
                        u.repo,
                        fmt_score(u.points)
                    )?;
                }
            }
        }
        for e in p.evidence.iter().take(if explain { 5 } else { 3 }) {
            write_evidence(out, "        ", e)?;
        }
    }
    if explain && !r.results.is_empty() {
        rules_legend(out, &r.rules)?;
    }
    if r.total as usize > r.query.offset as usize + r.results.len() {
        writeln!(
            out,
            "\n… {} more; page with --offset {}",
            r.total as usize - r.query.offset as usize - r.results.len(),
            r.query.offset + r.query.limit
        )?;
    }
    Ok(())
}

/// What each rule counts, in full (the lines above give its short label): every number.
fn rules_legend(out: &mut impl Write, rules: &[builtby_search::rank::RuleText]) -> Result<()> {
    writeln!(out, "\nhow the rules count")?;
    for t in rules {
        writeln!(out, "  {:<13} {}", t.rule, t.about)?;
    }
    Ok(())
}

/// A rule's short label among an answer's `rules` (empty for a rule it does not name).
fn label<'a>(rules: &'a [builtby_search::rank::RuleText], rule: &str) -> &'a str {
    builtby_search::rank::text_of(rules, rule).map_or("", |t| t.label.as_str())
}

/// The best role and its confidence (`ml_infra 0.82`); `-` without one.
pub fn best_role(roles: &[builtby_search::RoleGuess]) -> String {
    match roles.first() {
        Some(g) => format!("{} {:.2}", g.role.as_str(), g.confidence),
        None => "-".to_string(),
    }
}

/// The normalised place (`bay area · San Francisco, US`) when the profile's location resolved,
/// else the profile's own words.
fn place_text(r: &builtby_search::SearchResult) -> String {
    let resolved = r
        .place
        .as_ref()
        .filter(|p| p.city.is_some() || p.country.is_some() || p.metro.is_some());
    let Some(p) = resolved else {
        return r.location.clone().unwrap_or_default();
    };
    let where_: Vec<&str> = [p.city.as_deref(), p.country.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let parts: Vec<String> = [
        p.metro.clone(),
        (!where_.is_empty()).then(|| where_.join(", ")),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" · ")
}

/// Three significant digits: scores of old work are small, and that is honest.
pub fn fmt_score(s: f64) -> String {
    if s == 0.0 {
        "0".into()
    } else if s >= 100.0 {
        format!("{s:.0}")
    } else if s >= 1.0 {
        format!("{s:.2}")
    } else {
        let digits = (2 - s.log10().floor() as i32).clamp(0, 12) as usize;
        format!("{s:.digits$}")
    }
}

pub fn person(out: &mut impl Write, p: &PersonReport) -> Result<()> {
    writeln!(
        out,
        "{}{}  {}",
        p.login,
        p.name
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default(),
        p.profile_url.as_deref().unwrap_or(
            match builtby_model::Identity::parse(&p.login).namespace {
                builtby_model::Namespace::Arxiv => {
                    "(arXiv author, known by name only: may be several people; no GitHub account known)"
                }
                _ => "(git identity: no GitHub account known)",
            }
        )
    )?;
    for (label, v) in [
        ("location", &p.location),
        ("company", &p.company),
        ("blog", &p.blog),
    ] {
        if let Some(v) = v {
            writeln!(out, "  {label}: {v}")?;
        }
    }
    if !p.previous_logins.is_empty() {
        writeln!(out, "  also seen as: {}", p.previous_logins.join(", "))?;
    }
    if p.is_bot {
        writeln!(
            out,
            "  (a bot account: excluded from search and export by default)"
        )?;
    }
    for g in &p.roles {
        writeln!(
            out,
            "  role: {} {:.2} ({})",
            g.role.as_str(),
            g.confidence,
            g.reasons.join("; ")
        )?;
    }
    writeln!(out, "\nscore {} as of today", fmt_score(p.score))?;
    for d in p.details.iter().filter(|d| d.score > 0.0) {
        writeln!(
            out,
            "  {:<13} {:>10}  {}",
            d.rule,
            fmt_score(d.score),
            label(&p.rules, d.rule)
        )?;
    }
    rules_legend(out, &p.rules)?;
    writeln!(out, "\ntotals by repository and kind")?;
    for t in p.totals.iter().take(30) {
        writeln!(out, "  {:>6}  {:<22} {}", t.count, t.kind.as_str(), t.repo)?;
    }
    if p.totals.len() > 30 {
        writeln!(
            out,
            "  … {} more rows (--json for all)",
            p.totals.len() - 30
        )?;
    }
    if !p.areas.is_empty() {
        writeln!(out, "\ncode areas by repository")?;
        for a in p.areas.iter().take(20) {
            writeln!(
                out,
                "  {:>6}  {:<32} {}  ({} months, {} – {})",
                a.contributions,
                short(&a.area, 32),
                a.repo,
                a.months,
                a.first,
                a.last
            )?;
        }
        if p.areas.len() > 20 {
            writeln!(out, "  … {} more (--json for all)", p.areas.len() - 20)?;
        }
    }
    writeln!(out, "\nmonth by month")?;
    let max = p.timeline.iter().map(|m| m.total).max().unwrap_or(1).max(1);
    for m in &p.timeline {
        let bar = "█".repeat(((m.total as f64 / max as f64) * 40.0).ceil() as usize);
        writeln!(out, "  {}  {:>5} {bar}", m.month, m.total)?;
    }
    writeln!(
        out,
        "\nstrongest evidence ({} of {})",
        p.evidence.len(),
        p.evidence_total
    )?;
    for e in &p.evidence {
        write_evidence(out, "  ", e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_read_as_words() {
        use builtby_search::measures_text as measured;
        let m = builtby_model::Measures {
            downloads: Some(846249),
            likes: Some(1178),
            card_score: Some(0.61),
            card_note: Some("card: 5 of 8 sections".into()),
            ..Default::default()
        };
        assert_eq!(
            measured(&m),
            "846,249 downloads (30 days), 1,178 likes; card score 0.61 (card: 5 of 8 sections)"
        );
        assert_eq!(measured(&Default::default()), "");
        let gm = builtby_model::Measures {
            tier: Some(4),
            category: Some("competitions".into()),
            ..Default::default()
        };
        assert_eq!(measured(&gm), "Grandmaster in competitions");
        let paper = builtby_model::Measures {
            categories: vec!["cs.LG".into(), "cs.AI".into()],
            code_url: Some("https://github.com/o/r".into()),
            ..Default::default()
        };
        assert_eq!(
            measured(&paper),
            "cs.LG, cs.AI; code: https://github.com/o/r"
        );
    }

    #[test]
    fn scores_keep_three_significant_digits() {
        assert_eq!(fmt_score(0.0), "0");
        assert_eq!(fmt_score(123.4), "123");
        assert_eq!(fmt_score(12.345), "12.35");
        assert_eq!(fmt_score(0.001234), "0.00123");
    }
}
