//! Search results as CSV, for spreadsheets and applicant-tracking systems. One row per person;
//! the strongest evidence links go in one column so a row stands alone.

use crate::SearchResults;

pub const HEADER: [&str; 15] = [
    "rank",
    "login",
    "name",
    "location",
    "company",
    "score",
    "standing",
    "top_percent",
    "merged_prs",
    "reviews",
    "profile_url",
    "top_evidence",
    "likely_login",
    "role",
    "role_confidence",
];

/// Writes `results` as CSV (with a header) to `w`.
pub fn results_csv<W: std::io::Write>(results: &SearchResults, w: W) -> std::io::Result<()> {
    let mut out = CsvWriter { w };
    out.row(HEADER.iter().map(|s| s.to_string()))?;
    for r in &results.results {
        let count = |k| {
            r.counts
                .iter()
                .find(|(kind, _)| *kind == k)
                .map(|c| c.1)
                .unwrap_or(0)
        };
        let evidence: Vec<String> = r.evidence.iter().take(3).map(|e| e.url.clone()).collect();
        out.row([
            r.rank.to_string(),
            // a person known only by another account (a git identity: a hash) has no login
            if builtby_model::Identity::parse(&r.login).is_github() {
                r.login.clone()
            } else {
                String::new()
            },
            r.name.clone().unwrap_or_default(),
            r.location.clone().unwrap_or_default(),
            r.company.clone().unwrap_or_default(),
            format!("{:.4}", r.score),
            r.standing.text.clone(),
            r.standing.top_percent.to_string(),
            count(builtby_model::Kind::PrMerged).to_string(),
            count(builtby_model::Kind::Review).to_string(),
            r.profile_url.clone().unwrap_or_default(),
            evidence.join(" "),
            r.likely
                .as_ref()
                .map(|l| l.login.clone())
                .unwrap_or_default(),
            r.roles
                .first()
                .map(|g| g.role.to_string())
                .unwrap_or_default(),
            r.roles
                .first()
                .map(|g| format!("{:.2}", g.confidence))
                .unwrap_or_default(),
        ])?;
    }
    Ok(())
}

/// Minimal RFC 4180 writer: quote fields with commas, quotes or newlines. Cells that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a leading apostrophe.
pub struct CsvWriter<W> {
    pub w: W,
}

impl<W: std::io::Write> CsvWriter<W> {
    pub fn row<I: IntoIterator<Item = String>>(&mut self, fields: I) -> std::io::Result<()> {
        let mut first = true;
        for f in fields {
            if !first {
                self.w.write_all(b",")?;
            }
            first = false;
            let f = if f.starts_with(['=', '+', '-', '@']) && f.parse::<f64>().is_err() {
                format!("'{f}")
            } else {
                f
            };
            if f.contains([',', '"', '\n', '\r']) {
                write!(self.w, "\"{}\"", f.replace('"', "\"\""))?;
            } else {
                self.w.write_all(f.as_bytes())?;
            }
        }
        self.w.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_defuses_formulas() {
        let mut buf = Vec::new();
        let mut w = CsvWriter { w: &mut buf };
        w.row([
            "a,b".to_string(),
            "say \"hi\"".to_string(),
            "=HYPERLINK()".to_string(),
            "-1.5".to_string(),
        ])
        .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",'=HYPERLINK(),-1.5\n"
        );
    }
}
