//! The Hugging Face Hub: models and their cards, as `model` contributions.
//!
//! - [`record`]: a model record, in the 2022 (`/api/models?full=true`) and the 2025
//!   (`expand[]=…`) shapes;
//! - [`card`]: model-card quality, computed from the card and explained in words;
//! - [`dump`]: `--from-dir` inputs (a `models/<author>/<name>/{infos.json,README.md}` folder,
//!   the same as `.tar.zst`, or JSON records);
//! - [`api`] and [`crawl`]: the Hub's API (overview, model list, cards) with the GitHub
//!   client's etiquette (conditional requests, rate limits, retries);
//! - [`accounts`]: which authors are organisations or bot-generated families, not people.
//!
//! Each model becomes one [`Kind::Model`] contribution ([`contribution`]): keyed
//! `model/huggingface.co/<author>/<name>` (the model is the place of its own work), credited to
//! the author's account `hf:<author>`, dated by its creation (else its last change), titled by
//! its id, linked to `https://huggingface.co/<id>`, and measured: downloads (30 days and all
//! time), likes, the card's score and note, and its categories (pipeline tag, library). The
//! card's opening prose is its body, so a search by words finds it.
//!
//! A card that links a GitHub profile (`github.com/<login>`) only *suggests* whose account
//! it is ([`Converted::github_profiles`]); the ingest records it as a suggestion, never a link.

pub mod accounts;
pub mod api;
pub mod card;
pub mod crawl;
pub mod dump;
pub mod record;
pub mod tar;

pub use accounts::{actor, AccountKind, Accounts};
pub use card::CardScore;
pub use record::{Model, RecordError};

use builtby_model::{work_key, Contribution, Kind, Measures, Profile, WorkId, BODY_PREFIX_CHARS};

/// A model as a contribution, with what its card said.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub contribution: Contribution,
    pub card: CardScore,
    /// GitHub profiles the card links (suggestions of whose account this is).
    pub github_profiles: Vec<String>,
}

/// The `model` contribution of `m`, credited to `hf:<author>` (`fullname`, when known, is the
/// account's display name).
pub fn contribution(m: &Model, card_text: Option<&str>, fullname: Option<&str>) -> Converted {
    let card = card::score(card_text, m.card_data.as_ref(), &m.tags);
    let place = m.place();
    let mut c = Contribution::new(
        work_key(Kind::Model, &place, WorkId::Here),
        Kind::Model,
        place,
        actor(&m.author),
        m.at().unwrap_or(0),
    );
    c.title = Some(m.id.clone());
    c.url = Some(m.url());
    c.body = card_text.and_then(|t| card::summary(t, BODY_PREFIX_CHARS));
    c.profile = fullname.map(|n| Profile {
        name: Some(n.to_string()),
        ..Default::default()
    });
    let mut categories: Vec<String> = Vec::new();
    for x in [&m.pipeline_tag, &m.library_name].into_iter().flatten() {
        if !categories.contains(x) {
            categories.push(x.clone());
        }
    }
    c.measures = Some(Measures {
        downloads: m.downloads,
        downloads_all_time: m.downloads_all_time,
        likes: m.likes,
        card_score: Some(card.score),
        card_note: Some(card.note()),
        categories,
        ..Default::default()
    });
    Converted {
        contribution: c,
        github_profiles: card_text.map(card::github_profiles).unwrap_or_default(),
        card,
    }
}

#[cfg(test)]
mod tests;
