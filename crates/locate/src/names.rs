// The city-name index: read from `data/cities.tsv.gz` by `build.rs` at compile time and
// stored in `OUT_DIR` in the format below, so that loading the gazetteer at run time normalises
// none of its 400,000 names. Included by both `build.rs` and the library (`mod names`), so the
// two share one `norm` and one format.

use std::collections::HashMap;

/// Normalised name → (city index, is the city's main name), in the order the cities come.
pub type Names = HashMap<String, Vec<(u32, bool)>>;

/// The fields of one `cities.tsv` line before its alternate names, and the alternate names.
pub struct CityLine<'a> {
    /// name, country, admin1, population, latitude, longitude
    pub fields: [&'a str; 6],
    pub alternates: &'a str,
}

/// The lines of `cities.tsv` that are cities (lines with fewer than 7 fields are not).
pub fn city_lines(text: &str) -> impl Iterator<Item = CityLine<'_>> {
    text.lines().filter_map(|line| {
        let mut f = line.split('\t');
        let fields = [
            f.next()?,
            f.next()?,
            f.next()?,
            f.next()?,
            f.next()?,
            f.next()?,
        ];
        let alternates = f.next()?;
        Some(CityLine { fields, alternates })
    })
}

/// Every normalised name of every city: its main name, and each alternate name that
/// normalises to something else.
pub fn index_names(text: &str) -> Names {
    let mut names = Names::with_capacity(400_000);
    for (idx, c) in city_lines(text).enumerate() {
        let idx = idx as u32;
        let main = norm(c.fields[0]);
        for alt in c.alternates.split('|').filter(|a| !a.is_empty()) {
            let n = norm(alt);
            if n.is_empty() || n == main {
                continue;
            }
            let e = names.entry(n).or_default();
            if !e.iter().any(|(i, _)| *i == idx) {
                e.push((idx, false));
            }
        }
        names.entry(main).or_default().push((idx, true));
    }
    names
}

/// The index as bytes, names in byte order; per name: its length (u16 LE), the name, the
/// number of cities (u16 LE), and per city `index << 1 | main` (u32 LE).
pub fn encode(names: &Names) -> Vec<u8> {
    let mut keys: Vec<&String> = names.keys().collect();
    keys.sort();
    let mut out = Vec::with_capacity(names.len() * 20);
    for k in keys {
        let cities = &names[k];
        out.extend_from_slice(&u16::try_from(k.len()).expect("name length").to_le_bytes());
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(
            &u16::try_from(cities.len())
                .expect("city count")
                .to_le_bytes(),
        );
        for (i, main) in cities {
            out.extend_from_slice(&(i << 1 | u32::from(*main)).to_le_bytes());
        }
    }
    out
}

/// Lower case, diacritics folded, every run of non-alphanumeric characters one space.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    let mut emit = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    };
    for ch in s.chars() {
        // ASCII (most of the gazetteer's 400,000 names) without the Unicode tables.
        if ch.is_ascii() {
            if ch != '\'' && ch != '`' {
                emit(ch.to_ascii_lowercase(), &mut out);
            }
            continue;
        }
        for lc in ch.to_lowercase() {
            match fold(lc) {
                Some(f) => f.chars().for_each(|c| emit(c, &mut out)),
                None => emit(lc, &mut out),
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A letter's unaccented spelling, or `None` to keep it as it is.
pub fn fold(c: char) -> Option<&'static str> {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        '\u{2019}' | '\'' | '`' => "",
        _ => return None,
    };
    Some(s)
}
