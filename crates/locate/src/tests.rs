//! The rules, by example.

#[cfg(test)]
mod rules {
    use crate::gazetteer::gunzip;
    use crate::parts::split_parts;
    use crate::*;

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
mod failure_classes {
    use crate::gazetteer::METROS_TSV;
    use crate::parts::coordinates;
    use crate::*;

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
