//! Location filters over normalised profile locations (see `builtby-locate`). Locations are
//! normalised once, when a profile's text arrives (ingest, `enrich`), and stored on the person,
//! so a search compares a few columns instead of running the gazetteer over every candidate.

use crate::Query;
use builtby_locate::norm;

/// A person's normalised location: the store's type, shown as it is stored.
pub use builtby_store::Place;

/// Whether a person with this raw location and normalised place passes the query's location,
/// metro and country filters.
pub fn matches(q: &Query, raw: Option<&str>, place: Option<&Place>) -> bool {
    PlaceFilter::new(q).matches(raw, place)
}

/// A query's location, metro and country filters, with what the gazetteer makes of the
/// location text worked out once: a search asks it of every candidate.
pub struct PlaceFilter<'q> {
    metro: Option<&'q str>,
    country: Option<&'q str>,
    location: Option<LocationText>,
}

struct LocationText {
    lower: String,
    norm: String,
    country: Option<&'static str>,
    metro: Option<&'static str>,
}

impl<'q> PlaceFilter<'q> {
    pub fn new(q: &'q Query) -> Self {
        let location = q.location.as_deref().map(|l| {
            let g = builtby_locate::gazetteer();
            let norm = norm(l);
            LocationText {
                lower: l.to_lowercase(),
                country: if norm.len() > 2 {
                    g.country_code(l)
                } else {
                    None
                },
                metro: g.metro_name(l),
                norm,
            }
        });
        PlaceFilter {
            metro: q.metro.as_deref(),
            country: q.country.as_deref(),
            location,
        }
    }

    /// The location text as the ranking's SQL test takes it ([`LocationWanted`]); `None`
    /// without a location filter.
    pub fn wanted(&self) -> Option<builtby_store::LocationWanted<'_>> {
        self.location
            .as_ref()
            .map(|l| builtby_store::LocationWanted {
                lower: &l.lower,
                norm: &l.norm,
                country: l.country,
                metro: l.metro,
            })
    }

    pub fn matches(&self, raw: Option<&str>, place: Option<&Place>) -> bool {
        // Any place the location names: "Berlin / New York" is in both metros.
        if let Some(m) = self.metro {
            let any = place.is_some_and(|p| {
                p.metro.as_deref() == Some(m) || p.also_metros.iter().any(|a| a == m)
            });
            if !any {
                return false;
            }
        }
        if let Some(c) = self.country {
            if place.and_then(|p| p.country.as_deref()) != Some(c) {
                return false;
            }
        }
        if let Some(l) = &self.location {
            let raw_hit = raw.is_some_and(|r| r.to_lowercase().contains(&l.lower));
            if raw_hit {
                return true;
            }
            let Some(p) = place else {
                return false;
            };
            if l.norm.is_empty() {
                return false;
            }
            let field_hit = [&p.city, &p.region, &p.metro]
                .into_iter()
                .flatten()
                .any(|f| norm(f).contains(&l.norm));
            let country_hit =
                l.country.is_some() && p.country.is_some() && l.country == p.country.as_deref();
            // "SF", "Bay Area", "NYC": what the normaliser makes of the filter itself.
            let metro_hit = p.metro.is_some() && l.metro == p.metro.as_deref();
            return field_hit || country_hit || metro_hit;
        }
        true
    }
}

/// A profile's location text as [`PlaceFilter::matches`] compares it (lower-cased), kept in
/// the ranking so that a location search tests it in SQL.
pub fn location_lower(raw: Option<&str>) -> Option<String> {
    raw.map(str::to_lowercase)
}

/// A place's city, region and metro as [`PlaceFilter::matches`] compares them (normalised),
/// joined by `|` (which no normalised text holds, so a filter never matches across two);
/// `Some("")` for a place with a country alone, `None` without a place.
pub fn place_norm(
    city: Option<&str>,
    region: Option<&str>,
    metro: Option<&str>,
    country: Option<&str>,
) -> Option<String> {
    let fields = [city, region, metro];
    if fields.iter().all(Option::is_none) && country.is_none() {
        return None;
    }
    Some(
        fields
            .into_iter()
            .flatten()
            .map(norm)
            .collect::<Vec<_>>()
            .join("|"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(city: &str, cc: &str, metro: Option<&str>) -> Place {
        Place {
            city: Some(city.into()),
            region: None,
            country: Some(cc.into()),
            metro: metro.map(Into::into),
            confidence: 0.9,
            also_metros: Vec::new(),
        }
    }

    #[test]
    fn filters_use_the_normalised_form() {
        let zh = place("Zürich", "CH", Some("Zürich"));
        let q = |f: &dyn Fn(&mut Query)| {
            let mut q = Query::default();
            f(&mut q);
            q
        };
        assert!(matches(
            &q(&|q| q.location = Some("zurich".into())),
            Some("ZRH"),
            Some(&zh)
        ));
        assert!(matches(
            &q(&|q| q.location = Some("Switzerland".into())),
            None,
            Some(&zh)
        ));
        assert!(!matches(
            &q(&|q| q.location = Some("berlin".into())),
            Some("Zürich"),
            Some(&zh)
        ));
        assert!(matches(
            &q(&|q| q.location = Some("zür".into())),
            Some("Zürich"),
            None
        ));
        assert!(matches(
            &q(&|q| q.metro = Some("Zürich".into())),
            None,
            Some(&zh)
        ));
        assert!(!matches(
            &q(&|q| q.metro = Some("Berlin".into())),
            None,
            Some(&zh)
        ));
        assert!(matches(
            &q(&|q| q.country = Some("CH".into())),
            None,
            Some(&zh)
        ));
        assert!(!matches(&q(&|q| q.country = Some("DE".into())), None, None));
        // A location that names a second place is in its metro too.
        let mut two = place("Berlin", "DE", Some("Berlin"));
        two.also_metros = vec!["New York".into()];
        assert!(matches(
            &q(&|q| q.metro = Some("New York".into())),
            Some("Berlin / New York"),
            Some(&two)
        ));
        assert!(matches(
            &q(&|q| q.metro = Some("Berlin".into())),
            None,
            Some(&two)
        ));
        assert!(!matches(
            &q(&|q| q.metro = Some("Paris".into())),
            None,
            Some(&two)
        ));
        let sf = place("San Francisco", "US", Some("San Francisco Bay Area"));
        assert!(matches(
            &q(&|q| q.location = Some("bay area".into())),
            Some("SF"),
            Some(&sf)
        ));
    }
}
