//! How a string is read: cut into parts, each part looked up whole then word by word, every
//! candidate city scored by how well the other parts agree with it; coordinates go to the
//! nearest metro.

use super::*;
use crate::parts::{coordinates, is_cjk, saint_form, split_groups, split_parts};
use crate::{Location, Place, Rule};

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

impl Gazetteer {
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
