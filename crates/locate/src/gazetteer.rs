//! The gazetteer: GeoNames cities, countries and their names, first-level regions and their
//! codes, metros and institutions, loaded once from the tables compiled into the binary; and
//! the lookups by code and name that do not depend on how a string is read ([`read`]).

use crate::names::norm;
use crate::tables::{self, Metro, METROS};
use serde::Serialize;
use std::collections::HashMap;

pub(crate) mod read;

/// A city, its text borrowed from the compiled-in table (no allocation per city at load).
pub(crate) struct City {
    pub(crate) name: &'static str,
    pub(crate) cc: &'static str,
    pub(crate) admin1: &'static str,
    pub(crate) pop: u32,
    pub(crate) lat: f32,
    pub(crate) lon: f32,
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
    pub(crate) cities: Vec<City>,
    /// Normalised name → (city, is its main name).
    pub(crate) names: NameIndex,
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
    pub(crate) institutions: HashMap<String, (usize, u32)>,
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
pub(crate) struct NameIndex {
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

    pub(crate) fn get(&self, name: &str) -> Option<Vec<(u32, bool)>> {
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
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// The committed gazetteer is gzip; the tests read it to check the compiled index.
#[cfg(test)]
pub(crate) fn gunzip(gz: &[u8]) -> Vec<u8> {
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
pub(crate) const METROS_TSV: &str = include_str!("../data/metros.tsv");
/// First-level regions with their codes and native names (`tools/gen_places.py`).
const REGIONS_TSV: &str = include_str!("../data/regions.tsv");
/// Country names in other languages and scripts (`tools/gen_places.py`).
const COUNTRY_NAMES_TSV: &str = include_str!("../data/country_names.tsv");

/// A city named only by one of its other names must have this many people (see `lookup`).
const ALIAS_ONLY_MIN_POP: u32 = 50_000;

fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().asin()
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

    pub(crate) fn load() -> Gazetteer {
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
}
