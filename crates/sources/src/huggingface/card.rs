//! Model-card quality: what a card explains, computed from the card itself and said in words.
//!
//! A card is Markdown with optional YAML front matter (a blank line may come before the opening
//! `---`; the Hub's parsed copy of it is `cardData` in the 2025 API). Eight sections count, each
//! found by a heading (outside code blocks) whose text names it and whose body says something —
//! the Trainer's "More information needed" placeholders do not count — or by the metadata that
//! stands for it:
//!
//! | section | headings (any level) | or |
//! |---|---|---|
//! | description | description, about, overview, summary, introduction, model details, details of … | ≥ 30 words of prose before the first heading that names a section |
//! | intended uses | intended use(s), uses, use cases, direct/downstream use, out-of-scope | |
//! | training data | data, dataset(s), corpus | `datasets:` in the metadata, a `dataset:` tag |
//! | training procedure | training, fine-tuning, pre-training, hyperparameters, procedure | |
//! | evaluation results | evaluation, eval, results, benchmark, performance, metrics | `model-index` in the metadata or tags |
//! | bias/risks | bias, risks, ethical considerations, fairness, limitations (not "intended uses & limitations") | |
//! | license | license/licence | `license:` in the metadata, a `license:` tag |
//! | citation | citation, cite, citing, bibtex, references | a BibTeX entry (`@article{`, `@inproceedings{`, `@misc{` …) |
//!
//! A heading of more than 7 words is a title or a sentence, not a section. Besides: whether a fenced code block shows how to use the model (Python, a shell, JS…, with
//! an import, `from_pretrained`, `pipeline(`, `pip install`, `curl` …), and the length in words
//! (prose: front matter, code and HTML lines excluded).
//!
//! **Score** (0 to 1) = 0.6 × sections/8 + 0.2 × usage example + 0.2 × min(words/800, 1).
//! Sections weigh most: they are what a reader needs to trust and reuse a model; an example
//! and enough words to explain it are the rest. The note says the same in words:
//! `card: 6 of 8 sections, evaluation results, usage example, 950 words; missing: bias/risks, citation`.

use serde_json::Value;

/// One of the eight sections a good card has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Description,
    IntendedUses,
    TrainingData,
    TrainingProcedure,
    Evaluation,
    BiasRisks,
    License,
    Citation,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::Description,
        Section::IntendedUses,
        Section::TrainingData,
        Section::TrainingProcedure,
        Section::Evaluation,
        Section::BiasRisks,
        Section::License,
        Section::Citation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Section::Description => "description",
            Section::IntendedUses => "intended uses",
            Section::TrainingData => "training data",
            Section::TrainingProcedure => "training procedure",
            Section::Evaluation => "evaluation results",
            Section::BiasRisks => "bias/risks",
            Section::License => "license",
            Section::Citation => "citation",
        }
    }
}

/// What a card explains, and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct CardScore {
    /// 0 to 1, two decimals.
    pub score: f64,
    /// Present sections, in [`Section::ALL`] order.
    pub sections: Vec<Section>,
    pub usage_example: bool,
    /// Words of prose.
    pub words: usize,
    /// False when there was no card at all (or an empty one).
    pub present: bool,
}

/// Words at which the length part of the score is full.
pub const FULL_LENGTH_WORDS: usize = 800;

impl CardScore {
    /// `card: 6 of 8 sections, evaluation results, usage example, 950 words; missing: bias/risks, citation`.
    pub fn note(&self) -> String {
        if !self.present {
            return "no model card".into();
        }
        let mut s = format!("card: {} of 8 sections", self.sections.len());
        if self.sections.contains(&Section::Evaluation) {
            s.push_str(", evaluation results");
        }
        s.push_str(if self.usage_example {
            ", usage example"
        } else {
            ", no usage example"
        });
        s.push_str(&format!(", {} words", self.words));
        let missing: Vec<&str> = Section::ALL
            .iter()
            .filter(|x| !self.sections.contains(x))
            .map(|x| x.name())
            .collect();
        if !missing.is_empty() {
            s.push_str("; missing: ");
            s.push_str(&missing.join(", "));
        }
        s
    }
}

/// The front matter (between `---` lines at the top, blank lines before it allowed) and the
/// body after it.
pub fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let trimmed = text.trim_start_matches(['\u{feff}']);
    let start = trimmed.len() - trimmed.trim_start().len();
    let rest = &trimmed[start..];
    let Some(after) = rest
        .strip_prefix("---\r\n")
        .or_else(|| rest.strip_prefix("---\n"))
    else {
        return (None, trimmed);
    };
    let mut pos = 0;
    for line in after.split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            return (Some(&after[..pos]), &after[pos + line.len()..]);
        }
        pos += line.len();
    }
    // an opening `---` never closed: not front matter
    (None, trimmed)
}

/// Top-level keys of the front matter that have a value (inline, or an indented block or list
/// after them).
pub fn front_matter_keys(fm: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = fm.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with([' ', '\t', '-', '#']) || line.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let k = k.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let v = v.trim().trim_matches(['"', '\'']).trim();
        let nested = lines.get(i + 1).is_some_and(|n| {
            n.starts_with([' ', '\t', '-']) && !n.trim().trim_start_matches('-').trim().is_empty()
        });
        if !v.is_empty() && v != "[]" && v != "{}" && v != "null" && v != "~" || nested {
            out.push((k, v.to_string()));
        }
    }
    out
}

/// Sentences of the Hub's card templates that stand where a person should write (the 2020
/// template, the Trainer's generated card, the 2022+ template), squashed to lower-case letters
/// and digits.
const TEMPLATE: &[&str] = &[
    "moreinformationneeded",
    "describethedatayouusedtotrainthemodel",
    "ifyouinitializeditwithpretrainedweightsaddalinktothepretrainedmodelcardorrepositorywithdescriptionofthepretrainingdata",
    "provideexamplesoflatentissuesandpotentialremediations",
    "preprocessinghardwareusedhyperparameters",
    "youcanincludesamplecodewhichwillbeformatted",
    "youcanembedlocalorremoteimagesusing",
    "inproceedingsyear2020",
];

/// True when a section's body is empty or a placeholder ("More information needed", the
/// template's own sentences).
fn placeholder(body: &str) -> bool {
    let mut squashed: String = body
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    for t in TEMPLATE {
        squashed = squashed.replace(t, "");
    }
    squashed.len() < 3
        || matches!(
            squashed.as_str(),
            "needsmoreinformation"
                | "moreinfoneeded"
                | "tbd"
                | "todo"
                | "tba"
                | "comingsoon"
                | "wip"
                | "none"
                | "na"
        )
}

/// The words of a heading, lower case, without emoji and punctuation (except `-` and `&`).
fn heading_words(h: &str) -> Vec<String> {
    h.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '&'))
        .filter(|w| !w.is_empty() && *w != "-")
        .map(str::to_string)
        .collect()
}

/// Section headings are short; a longer heading is a title or a sentence.
const MAX_SECTION_WORDS: usize = 7;

/// The sections a heading names.
fn classify(heading: &str) -> Vec<Section> {
    let w = heading_words(heading);
    if w.len() > MAX_SECTION_WORDS {
        // a title or a sentence ("ELECTRA: Pre-training Text Encoders as Discriminators…")
        return Vec::new();
    }
    let text = w.join(" ");
    let any = |xs: &[&str]| w.iter().any(|t| xs.contains(&t.as_str()));
    let starts = |xs: &[&str]| w.iter().any(|t| xs.iter().any(|x| t.starts_with(x)));
    let mut out = Vec::new();
    if any(&[
        "description",
        "about",
        "overview",
        "summary",
        "introduction",
        "background",
    ]) || text.contains("model details")
        || text.starts_with("details of")
    {
        out.push(Section::Description);
    }
    let intended = text.contains("intended use")
        || any(&["uses", "usecases"])
        || text.contains("use case")
        || text.contains("direct use")
        || text.contains("downstream use")
        || text.contains("out-of-scope")
        || text.contains("out of scope");
    if intended {
        out.push(Section::IntendedUses);
    }
    let data = any(&["data", "dataset", "datasets", "corpus", "corpora"]);
    if data {
        out.push(Section::TrainingData);
    } else if starts(&[
        "train",
        "fine-tun",
        "finetun",
        "hyperparam",
        "pre-train",
        "pretrain",
    ]) || any(&["procedure", "hyper"])
    {
        out.push(Section::TrainingProcedure);
    }
    if !data
        && (starts(&["eval", "result", "benchmark", "metric", "leaderboard"])
            || any(&["performance", "scores", "accuracy"]))
    {
        out.push(Section::Evaluation);
    }
    let risky = starts(&["bias", "risk", "ethic", "fairness", "caveat", "harm"]);
    if risky || (starts(&["limitation"]) && !intended) {
        out.push(Section::BiasRisks);
    }
    if starts(&["licen"]) {
        out.push(Section::License);
    }
    if starts(&["citation", "cite", "citing", "bibtex", "reference"]) {
        out.push(Section::Citation);
    }
    out
}

/// Languages of a fenced block that can show usage.
const CODE_LANGS: &[&str] = &[
    "python",
    "py",
    "python3",
    "bash",
    "sh",
    "shell",
    "console",
    "zsh",
    "js",
    "javascript",
    "ts",
    "typescript",
    "rust",
    "java",
    "julia",
    "r",
    "cpp",
    "c++",
    "c",
    "swift",
    "go",
    "ipython",
    "pycon",
    "jsx",
];

/// Signs that a block is code a reader can run to use the model.
const USAGE_SIGNS: &[&str] = &[
    "import ",
    "from_pretrained",
    "pipeline(",
    "pip install",
    "curl ",
    "git clone",
    "huggingface-cli",
    "hf download",
    "require(",
    "model.generate",
    "model(",
    "predict(",
    ".encode(",
];

fn is_usage_block(lang: &str, code: &str) -> bool {
    let lang = lang.trim().to_ascii_lowercase();
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("");
    let known = lang.is_empty() || CODE_LANGS.contains(&lang);
    known && USAGE_SIGNS.iter().any(|s| code.contains(s))
}

/// A heading of the body (outside code blocks) and its body text.
struct Heading {
    level: usize,
    text: String,
    line: usize,
}

fn atx_heading(line: &str) -> Option<(usize, String)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim();
    Some((level, text.to_string()))
}

fn fence(line: &str) -> Option<(char, usize, &str)> {
    let t = line.trim_start();
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|x| *x == c).count();
    (n >= 3).then(|| (c, n, t[n..].trim()))
}

/// True for a line that is part of an HTML comment (`<!-- … -->`, over one or more lines);
/// follows whether the comment goes on.
fn html_comment(line: &str, in_comment: &mut bool) -> bool {
    if *in_comment {
        if line.contains("-->") {
            *in_comment = false;
        }
        return true;
    }
    if let Some(start) = line.find("<!--") {
        if !line[start..].contains("-->") {
            *in_comment = true;
        }
        return line.trim_start().starts_with("<!--");
    }
    false
}

fn count_words(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

const BIBTEX: &[&str] = &[
    "@article{",
    "@inproceedings{",
    "@misc{",
    "@book{",
    "@techreport{",
    "@phdthesis{",
    "@software{",
    "@online{",
    "@unpublished{",
];

/// A BibTeX entry with a key (`@article{vaswani2017,`), not the template's `@inproceedings{...,`.
fn has_bibtex(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    BIBTEX.iter().any(|b| {
        lower.match_indices(b).any(|(i, _)| {
            lower[i + b.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

/// A usage example in HTML (`<pre><code>…</code></pre>`, as some generated cards write it):
/// the tags taken out, the same signs as a fenced block.
fn html_usage(body: &str) -> bool {
    let mut rest = body;
    while let Some(start) = rest.find("<pre") {
        let after = &rest[start..];
        let end = after.find("</pre>").unwrap_or(after.len());
        let mut text = String::new();
        let mut in_tag = false;
        for c in after[..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.replace("&#39;", "'").replace("&quot;", "\"");
        if USAGE_SIGNS.iter().any(|s| text.contains(s)) {
            return true;
        }
        rest = &after[end..];
        if end == 0 {
            break;
        }
    }
    false
}

/// Scores a card. `text` is the README (None when there is none); `card_data` the Hub's parsed
/// metadata (2025 API) and `tags` the model's tags, which say some of the same things.
pub fn score(text: Option<&str>, card_data: Option<&Value>, tags: &[String]) -> CardScore {
    let text = text.unwrap_or("");
    let (fm, body) = split_front_matter(text);
    let keys = fm.map(front_matter_keys).unwrap_or_default();
    let has_key = |k: &str| keys.iter().any(|(x, _)| x == k);
    let data_has = |k: &str| {
        card_data
            .and_then(|d| d.get(k))
            .is_some_and(|v| !(v.is_null() || v.as_array().is_some_and(|a| a.is_empty())))
    };
    let tag_with = |p: &str| tags.iter().any(|t| t.starts_with(p));

    let mut found = std::collections::BTreeSet::new();
    let lines: Vec<&str> = body.lines().collect();
    // What each line says, for telling a section from a placeholder: fences and HTML
    // comments say nothing; code does (a BibTeX entry under "Citation").
    let mut says: Vec<&str> = vec![""; lines.len()];
    let mut headings: Vec<Heading> = Vec::new();
    let mut in_code: Option<(char, usize, String, String)> = None;
    let mut usage = false;
    let mut words = 0usize;
    // words of prose per line, for the opening prose (a description without a heading)
    let mut prose: Vec<usize> = vec![0; lines.len()];
    let mut in_comment = false;
    for (i, line) in lines.iter().enumerate() {
        if let Some((c, n, lang, code)) = &mut in_code {
            if let Some((c2, n2, rest)) = fence(line) {
                if c2 == *c && n2 >= *n && rest.is_empty() {
                    usage |= is_usage_block(lang, code);
                    in_code = None;
                    continue;
                }
            }
            says[i] = line;
            code.push_str(line);
            code.push('\n');
            continue;
        }
        if let Some((c, n, lang)) = fence(line) {
            in_code = Some((c, n, lang.to_string(), String::new()));
            continue;
        }
        if html_comment(line, &mut in_comment) {
            continue;
        }
        if let Some((level, text)) = atx_heading(line) {
            headings.push(Heading {
                level,
                text,
                line: i,
            });
            continue;
        }
        says[i] = line;
        let t = line.trim_start();
        if t.starts_with('<') || t.starts_with('|') || t.starts_with("![") {
            continue;
        }
        prose[i] = count_words(line);
        words += prose[i];
    }
    if let Some((_, _, lang, code)) = &in_code {
        // an unclosed block runs to the end
        usage |= is_usage_block(lang, code);
    }
    usage |= html_usage(body);

    // A heading's own content runs to the next heading of any level; it names a section when
    // it, or the content of a heading under it, says something that is not a placeholder.
    let own: Vec<bool> = headings
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let end = headings.get(k + 1).map_or(lines.len(), |n| n.line);
            !placeholder(&says[h.line + 1..end].join("\n"))
        })
        .collect();
    let titles = headings.iter().filter(|x| x.level == 1).count();
    for (k, h) in headings.iter().enumerate() {
        // a title (`# bert-fine-tuned-cola`) holds the whole card: it names no section
        if k == 0 && h.level == 1 && titles == 1 {
            continue;
        }
        let end = headings[k + 1..]
            .iter()
            .position(|n| n.level <= h.level)
            .map_or(headings.len(), |p| k + 1 + p);
        if own[k..end].iter().any(|x| *x) {
            found.extend(classify(&h.text));
        }
    }
    // Opening prose: before the first heading that names a section.
    let first_section = headings
        .iter()
        .find(|h| !classify(&h.text).is_empty())
        .map_or(lines.len(), |h| h.line);
    if prose[..first_section].iter().sum::<usize>() >= 30 {
        found.insert(Section::Description);
    }
    if has_key("datasets") || data_has("datasets") || tag_with("dataset:") {
        found.insert(Section::TrainingData);
    }
    if has_key("model-index")
        || data_has("model-index")
        || data_has("eval_results")
        || tags.iter().any(|t| t == "model-index")
    {
        found.insert(Section::Evaluation);
    }
    if has_key("license") || data_has("license") || tag_with("license:") {
        found.insert(Section::License);
    }
    if has_bibtex(text) {
        found.insert(Section::Citation);
    }
    let present = !text.trim().is_empty();
    if !present {
        found.clear();
    }
    let sections: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| found.contains(s))
        .collect();
    let raw = 0.6 * sections.len() as f64 / 8.0
        + if usage { 0.2 } else { 0.0 }
        + 0.2 * (words as f64 / FULL_LENGTH_WORDS as f64).min(1.0);
    CardScore {
        score: (raw * 100.0).round() / 100.0,
        sections,
        usage_example: usage && present,
        words,
        present,
    }
}

/// GitHub paths that are not accounts.
const NOT_ACCOUNTS: &[&str] = &[
    "about",
    "apps",
    "blog",
    "collections",
    "contact",
    "customer-stories",
    "enterprise",
    "events",
    "explore",
    "features",
    "join",
    "login",
    "marketplace",
    "new",
    "notifications",
    "orgs",
    "organizations",
    "pricing",
    "pulls",
    "issues",
    "readme",
    "search",
    "security",
    "settings",
    "site",
    "sponsors",
    "team",
    "topics",
    "trending",
    "users",
    "codespaces",
    "copilot",
    "solutions",
    "resources",
    "signup",
    "home",
];

/// GitHub profiles the card links (`github.com/<login>`, nothing after it but a `/`), in
/// order of first appearance, without repeats (case-insensitive). Links into repositories
/// (`github.com/<owner>/<repo>`) are not profiles.
pub fn github_profiles(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let b = text.as_bytes();
    let needle = b"github.com/";
    let mut i = 0;
    while let Some(pos) = find(&b[i..], needle) {
        let at = i + pos;
        i = at + needle.len();
        // the host must be github.com itself (or www.): not gist.github.com, not xgithub.com
        let before = &text[..at];
        let host_ok = before.is_empty()
            || before.ends_with("://")
            || before.ends_with("://www.")
            || before.ends_with("www.")
            || before.chars().last().is_some_and(|c| {
                c.is_whitespace() || matches!(c, '(' | '[' | '<' | '"' | '\'' | ':')
            });
        if !host_ok {
            continue;
        }
        let rest = &text[i..];
        let login: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let after = &rest[login.len()..];
        let next = after.chars().next();
        let profile = match next {
            None => true,
            // a trailing slash, then nothing that continues a path
            Some('/') => after[1..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))),
            // the end of a sentence, not `login.github.io` or a file name
            Some('.') => after[1..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || matches!(c, ')' | ']' | '"' | '\'')),
            // `?tab=repositories`, `#…`, punctuation, a space: still the profile
            Some(c) => !(c.is_ascii_alphanumeric() || c == '_'),
        };
        let valid = !login.is_empty()
            && login.len() <= 39
            && !login.starts_with('-')
            && !login.ends_with('-')
            && !NOT_ACCOUNTS.contains(&login.to_ascii_lowercase().as_str());
        if profile && valid && !out.iter().any(|l| l.eq_ignore_ascii_case(&login)) {
            out.push(login);
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The card's opening prose (front matter, headings, code, HTML and tables left out), at most
/// `max` characters: what a search by words finds the model by.
pub fn summary(text: &str, max: usize) -> Option<String> {
    let (_, body) = split_front_matter(text);
    let mut out = String::new();
    let mut in_code: Option<(char, usize)> = None;
    let mut in_comment = false;
    for line in body.lines() {
        if let Some((c, n)) = in_code {
            if let Some((c2, n2, rest)) = fence(line) {
                if c2 == c && n2 >= n && rest.is_empty() {
                    in_code = None;
                }
            }
            continue;
        }
        if let Some((c, n, _)) = fence(line) {
            in_code = Some((c, n));
            continue;
        }
        if html_comment(line, &mut in_comment) {
            continue;
        }
        if atx_heading(line).is_some() {
            if out.is_empty() {
                continue;
            }
            // the opening prose ends at the first heading after it
            break;
        }
        let t = line.trim();
        if t.is_empty()
            || t.starts_with('<')
            || t.starts_with('|')
            || t.starts_with("![")
            || t.starts_with("<!--")
        {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
        if out.chars().count() >= max {
            break;
        }
    }
    let out = builtby_model::prefix(&out, max).trim().to_string();
    (!out.is_empty() && !placeholder(&out)).then_some(out)
}
