//! builtby's own tables: recruiter metros, country aliases and native names, and the regions
//! people write instead of a city. The cities themselves come from GeoNames (see `data/`).

/// A metro: the hubs recruiters ask for. A city belongs to the nearest metro centre of its
/// country within `radius_km`. These are the seeds; `data/metros.tsv` adds every agglomeration
/// of a million people (see `tools/gen_places.py`).
#[derive(Debug, Clone, Copy)]
pub struct Metro {
    pub name: &'static str,
    pub country: &'static str,
    /// Region for metro-only inputs ("SF Bay Area" → California).
    pub region: Option<&'static str>,
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
    /// Names that mean the metro itself, lower case ASCII as normalised.
    pub aliases: &'static [&'static str],
}

macro_rules! metro {
    ($name:expr, $cc:expr, $region:expr, $lat:expr, $lon:expr, $r:expr, [$($a:expr),* $(,)?]) => {
        Metro { name: $name, country: $cc, region: $region, lat: $lat, lon: $lon, radius_km: $r, aliases: &[$($a),*] }
    };
}

pub const METROS: &[Metro] = &[
    metro!(
        "San Francisco Bay Area",
        "US",
        Some("California"),
        37.60,
        -122.15,
        62.0,
        [
            "bay area",
            "sf bay area",
            "san francisco bay area",
            "sf bay",
            "sfba",
            "silicon valley",
            "sf",
            "the bay area",
            "south bay",
            "east bay",
            "sf bay area ca",
            "sfbay area",
            "norcal",
            "northern california"
        ]
    ),
    metro!(
        "Seattle",
        "US",
        Some("Washington"),
        47.61,
        -122.25,
        40.0,
        [
            "seattle area",
            "greater seattle",
            "puget sound",
            "seattle metro"
        ]
    ),
    metro!(
        "New York",
        "US",
        Some("New York"),
        40.73,
        -73.99,
        45.0,
        [
            "nyc",
            "new york",
            "new york city",
            "ny ny",
            "new york ny",
            "greater new york",
            "new york metro",
            "tri state area"
        ]
    ),
    metro!(
        "Boston",
        "US",
        Some("Massachusetts"),
        42.36,
        -71.08,
        35.0,
        ["greater boston", "boston area"]
    ),
    metro!(
        "Los Angeles",
        "US",
        Some("California"),
        34.05,
        -118.25,
        55.0,
        [
            "la",
            "greater los angeles",
            "socal",
            "southern california",
            "so cal"
        ]
    ),
    metro!(
        "San Diego",
        "US",
        Some("California"),
        32.80,
        -117.15,
        35.0,
        []
    ),
    metro!(
        "Chicago",
        "US",
        Some("Illinois"),
        41.88,
        -87.70,
        45.0,
        ["chicagoland"]
    ),
    metro!("Austin", "US", Some("Texas"), 30.30, -97.74, 35.0, []),
    metro!(
        "Washington DC",
        "US",
        None,
        38.90,
        -77.04,
        40.0,
        ["dc", "washington dc", "washington d c", "dmv"]
    ),
    metro!(
        "Portland",
        "US",
        Some("Oregon"),
        45.52,
        -122.68,
        30.0,
        ["pdx"]
    ),
    metro!("Denver", "US", Some("Colorado"), 39.74, -104.99, 40.0, []),
    metro!("Atlanta", "US", Some("Georgia"), 33.75, -84.39, 40.0, []),
    metro!(
        "Pittsburgh",
        "US",
        Some("Pennsylvania"),
        40.44,
        -79.99,
        30.0,
        []
    ),
    metro!(
        "Toronto",
        "CA",
        Some("Ontario"),
        43.70,
        -79.42,
        45.0,
        ["gta", "greater toronto area"]
    ),
    metro!("Montreal", "CA", Some("Quebec"), 45.52, -73.62, 35.0, []),
    metro!(
        "Vancouver",
        "CA",
        Some("British Columbia"),
        49.25,
        -123.00,
        35.0,
        []
    ),
    metro!(
        "London",
        "GB",
        Some("England"),
        51.51,
        -0.13,
        40.0,
        ["greater london", "ldn"]
    ),
    metro!(
        "Cambridge (UK)",
        "GB",
        Some("England"),
        52.205,
        0.12,
        15.0,
        []
    ),
    metro!("Dublin", "IE", None, 53.35, -6.26, 25.0, []),
    metro!(
        "Paris",
        "FR",
        Some("Île-de-France"),
        48.86,
        2.35,
        35.0,
        ["ile de france", "paris area"]
    ),
    metro!("Berlin", "DE", Some("Berlin"), 52.52, 13.40, 35.0, []),
    metro!("Munich", "DE", Some("Bavaria"), 48.14, 11.58, 30.0, []),
    metro!("Hamburg", "DE", None, 53.55, 9.99, 30.0, []),
    metro!("Amsterdam", "NL", None, 52.37, 4.90, 25.0, []),
    metro!("Zürich", "CH", None, 47.37, 8.54, 30.0, []),
    metro!("Stockholm", "SE", None, 59.33, 18.07, 35.0, []),
    metro!("Copenhagen", "DK", None, 55.68, 12.57, 30.0, []),
    metro!("Helsinki", "FI", None, 60.20, 24.85, 30.0, []),
    metro!("Oslo", "NO", None, 59.91, 10.75, 30.0, []),
    metro!("Warsaw", "PL", None, 52.23, 21.01, 30.0, []),
    metro!("Kraków", "PL", None, 50.06, 19.94, 25.0, []),
    metro!("Prague", "CZ", None, 50.08, 14.44, 25.0, []),
    metro!("Vienna", "AT", None, 48.21, 16.37, 25.0, []),
    metro!("Madrid", "ES", None, 40.42, -3.70, 35.0, []),
    metro!("Barcelona", "ES", Some("Catalonia"), 41.39, 2.17, 30.0, []),
    metro!("Milan", "IT", None, 45.46, 9.19, 30.0, []),
    metro!("Moscow", "RU", None, 55.76, 37.62, 40.0, ["msk", "мск"]),
    metro!(
        "Saint Petersburg",
        "RU",
        None,
        59.94,
        30.31,
        35.0,
        ["spb", "спб"]
    ),
    metro!("Kyiv", "UA", None, 50.45, 30.52, 30.0, []),
    metro!("Tel Aviv", "IL", None, 32.08, 34.80, 30.0, ["gush dan"]),
    metro!("Bangalore", "IN", Some("Karnataka"), 12.97, 77.59, 40.0, []),
    metro!("Hyderabad", "IN", Some("Telangana"), 17.39, 78.49, 35.0, []),
    metro!("Pune", "IN", Some("Maharashtra"), 18.52, 73.86, 30.0, []),
    metro!("Mumbai", "IN", Some("Maharashtra"), 19.08, 72.88, 40.0, []),
    metro!(
        "Delhi",
        "IN",
        None,
        28.61,
        77.21,
        40.0,
        ["ncr", "delhi ncr"]
    ),
    metro!("Chennai", "IN", Some("Tamil Nadu"), 13.08, 80.27, 35.0, []),
    metro!("Beijing", "CN", Some("Beijing"), 39.90, 116.40, 60.0, []),
    metro!("Shanghai", "CN", Some("Shanghai"), 31.23, 121.47, 60.0, []),
    metro!("Shenzhen", "CN", Some("Guangdong"), 22.55, 114.06, 35.0, []),
    metro!("Hangzhou", "CN", Some("Zhejiang"), 30.27, 120.16, 35.0, []),
    metro!("Hong Kong", "HK", None, 22.32, 114.17, 35.0, []),
    metro!("Taipei", "TW", None, 25.04, 121.55, 30.0, []),
    metro!("Tokyo", "JP", None, 35.68, 139.69, 50.0, ["greater tokyo"]),
    metro!("Osaka", "JP", None, 34.69, 135.50, 40.0, ["kansai"]),
    metro!("Seoul", "KR", None, 37.55, 126.98, 40.0, []),
    metro!("Singapore", "SG", None, 1.35, 103.82, 40.0, []),
    metro!(
        "Sydney",
        "AU",
        Some("New South Wales"),
        -33.87,
        151.21,
        50.0,
        []
    ),
    metro!(
        "Melbourne",
        "AU",
        Some("Victoria"),
        -37.81,
        144.96,
        45.0,
        []
    ),
    metro!("São Paulo", "BR", None, -23.55, -46.63, 50.0, []),
];

/// Country names people write that GeoNames' English names do not cover: short forms, native
/// names, old names. Normalised keys (see `norm`).
pub const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("usa", "US"),
    ("us", "US"),
    ("u s", "US"),
    ("u s a", "US"),
    ("united states of america", "US"),
    ("america", "US"),
    ("the us", "US"),
    ("the usa", "US"),
    ("states", "US"),
    ("uk", "GB"),
    ("u k", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("the uk", "GB"),
    ("korea", "KR"),
    ("republic of korea", "KR"),
    ("s korea", "KR"),
    ("한국", "KR"),
    ("대한민국", "KR"),
    ("czech republic", "CZ"),
    ("cesko", "CZ"),
    ("ceska republika", "CZ"),
    ("netherlands", "NL"),
    ("holland", "NL"),
    ("nederland", "NL"),
    ("deutschland", "DE"),
    ("polska", "PL"),
    ("brasil", "BR"),
    ("espana", "ES"),
    ("italia", "IT"),
    ("россия", "RU"),
    ("russian federation", "RU"),
    ("рф", "RU"),
    ("україна", "UA"),
    ("беларусь", "BY"),
    ("日本", "JP"),
    ("nippon", "JP"),
    ("nihon", "JP"),
    ("中国", "CN"),
    ("中國", "CN"),
    ("prc", "CN"),
    ("p r china", "CN"),
    ("pr china", "CN"),
    ("mainland china", "CN"),
    ("台灣", "TW"),
    ("台湾", "TW"),
    ("schweiz", "CH"),
    ("suisse", "CH"),
    ("svizzera", "CH"),
    ("osterreich", "AT"),
    ("sverige", "SE"),
    ("norge", "NO"),
    ("danmark", "DK"),
    ("suomi", "FI"),
    ("mexico", "MX"),
    ("turkiye", "TR"),
    ("viet nam", "VN"),
    ("belgique", "BE"),
    ("belgie", "BE"),
    ("magyarorszag", "HU"),
    ("hellas", "GR"),
    ("eire", "IE"),
    ("persia", "IR"),
    ("macau", "MO"),
    ("uae", "AE"),
    ("ksa", "SA"),
    ("nz", "NZ"),
    ("bharat", "IN"),
    ("भारत", "IN"),
    ("ivory coast", "CI"),
    ("timor leste", "TL"),
    ("east timor", "TL"),
    ("burma", "MM"),
    ("hrvatska", "HR"),
    ("srbija", "RS"),
    ("romania", "RO"),
    ("slovensko", "SK"),
    ("slovenija", "SI"),
    ("eesti", "EE"),
    ("latvija", "LV"),
    ("lietuva", "LT"),
    ("ελλαδα", "GR"),
    ("ישראל", "IL"),
];

/// Regions people write as the whole location: (normalised name, country, display name).
/// US states come from GeoNames (`us_states.tsv`); these are the rest.
pub const REGIONS: &[(&str, &str, &str)] = &[
    ("england", "GB", "England"),
    ("scotland", "GB", "Scotland"),
    ("wales", "GB", "Wales"),
    ("northern ireland", "GB", "Northern Ireland"),
    ("ontario", "CA", "Ontario"),
    ("on", "CA", "Ontario"),
    ("quebec", "CA", "Quebec"),
    ("qc", "CA", "Quebec"),
    ("british columbia", "CA", "British Columbia"),
    ("bc", "CA", "British Columbia"),
    ("alberta", "CA", "Alberta"),
    ("ab", "CA", "Alberta"),
    ("manitoba", "CA", "Manitoba"),
    ("nova scotia", "CA", "Nova Scotia"),
    ("ns", "CA", "Nova Scotia"),
    ("saskatchewan", "CA", "Saskatchewan"),
    ("new brunswick", "CA", "New Brunswick"),
    ("bavaria", "DE", "Bavaria"),
    ("bayern", "DE", "Bavaria"),
    ("baden wurttemberg", "DE", "Baden-Württemberg"),
    ("nrw", "DE", "North Rhine-Westphalia"),
    ("north rhine westphalia", "DE", "North Rhine-Westphalia"),
    ("nordrhein westfalen", "DE", "North Rhine-Westphalia"),
    ("saxony", "DE", "Saxony"),
    ("sachsen", "DE", "Saxony"),
    ("catalonia", "ES", "Catalonia"),
    ("catalunya", "ES", "Catalonia"),
    ("andalusia", "ES", "Andalusia"),
    ("ile de france", "FR", "Île-de-France"),
    ("brittany", "FR", "Brittany"),
    ("bretagne", "FR", "Brittany"),
    ("calvados", "FR", "Normandy"),
    ("normandy", "FR", "Normandy"),
    ("normandie", "FR", "Normandy"),
    ("kerala", "IN", "Kerala"),
    ("karnataka", "IN", "Karnataka"),
    ("maharashtra", "IN", "Maharashtra"),
    ("tamil nadu", "IN", "Tamil Nadu"),
    ("telangana", "IN", "Telangana"),
    ("gujarat", "IN", "Gujarat"),
    ("west bengal", "IN", "West Bengal"),
    ("uttar pradesh", "IN", "Uttar Pradesh"),
    ("rajasthan", "IN", "Rajasthan"),
    ("sichuan", "CN", "Sichuan"),
    ("zhejiang", "CN", "Zhejiang"),
    ("guangdong", "CN", "Guangdong"),
    ("jiangsu", "CN", "Jiangsu"),
    ("fujian", "CN", "Fujian"),
    ("hubei", "CN", "Hubei"),
    ("shandong", "CN", "Shandong"),
    ("kanagawa", "JP", "Kanagawa"),
    ("ishikawa", "JP", "Ishikawa"),
    ("hokkaido", "JP", "Hokkaido"),
    ("okinawa", "JP", "Okinawa"),
    ("chiba", "JP", "Chiba"),
    ("aichi", "JP", "Aichi"),
    ("new south wales", "AU", "New South Wales"),
    ("nsw", "AU", "New South Wales"),
    ("queensland", "AU", "Queensland"),
    ("qld", "AU", "Queensland"),
    ("victoria", "AU", "Victoria"),
    ("vic", "AU", "Victoria"),
    ("western australia", "AU", "Western Australia"),
    ("wa", "AU", "Western Australia"),
    ("south australia", "AU", "South Australia"),
    ("sa", "AU", "South Australia"),
    ("tasmania", "AU", "Tasmania"),
    ("rj", "BR", "Rio de Janeiro"),
    ("sp", "BR", "São Paulo"),
    ("mg", "BR", "Minas Gerais"),
    ("rs", "BR", "Rio Grande do Sul"),
    ("pr", "BR", "Paraná"),
    ("sc", "BR", "Santa Catarina"),
];

/// Words that say where someone is not (or nothing at all); removed before matching.
pub const NOISE: &[&str] = &[
    "remote",
    "remotely",
    "anywhere",
    "everywhere",
    "worldwide",
    "world",
    "earth",
    "planet",
    "internet",
    "online",
    "global",
    "globe",
    "home",
    "nowhere",
    "cloud",
    "europe",
    "eu",
    "emea",
    "asia",
    "apac",
    "latam",
    "africa",
    "north america",
    "south america",
    "the",
    "near",
    "based",
    "in",
    "from",
    "living",
    "currently",
    "now",
    "area",
    "greater",
    "metro",
    "metropolitan",
    "region",
    "city",
    "of",
    "and",
    "or",
    "sorry",
    "for",
    "my",
    "english",
    "through",
    "june",
    "via",
    "at",
    "localhost",
    "127 0 0 1",
];

/// Whole locations (or parts) that name no place: placeholders and jokes. Normalised.
pub const PLACEHOLDERS: &[&str] = &[
    "none",
    "null",
    "nil",
    "n a",
    "na",
    "undefined",
    "unknown",
    "earth",
    "planet earth",
    "the earth",
    "on earth",
    "world",
    "the world",
    "remote",
    "internet",
    "the internet",
    "cyberspace",
    "the ether",
    "ether",
    "the cloud",
    "the clouds",
    "in the clouds",
    "cloud",
    "localhost",
    "127 0 0 1",
    "1",
    "home",
    "here",
    "there",
    "somewhere",
    "nowhere",
    "everywhere",
    "anywhere",
    "moon",
    "the moon",
    "mars",
    "master",
    "matrix",
    "the matrix",
];

/// Words that make a region name generic ("North", "Central", "Capital"): such names are not
/// read as regions, since they say nothing on their own.
pub const GENERIC_REGION_WORDS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "central",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "capital",
    "centre",
    "center",
    "district",
    "region",
    "province",
    "upper",
    "lower",
    "coast",
    "island",
    "islands",
    "city",
    "federal",
    "territory",
    "new",
    "greater",
    "middle",
    "national",
    "valley",
    "lakes",
    "highlands",
];

/// An institution people write instead of a city: its names (normalised) and the GeoNames city
/// of its main campus (name, country, admin1 code or "" for any). builtby's own list: the
/// campuses and labs named in issue 16 and others frequent on ML researchers' profiles; each
/// city is the one the institution itself gives as its address.
pub struct Institution {
    pub names: &'static [&'static str],
    pub city: &'static str,
    pub country: &'static str,
    pub admin1: &'static str,
}

macro_rules! inst {
    ([$($n:expr),* $(,)?], $city:expr, $cc:expr, $a1:expr) => {
        Institution { names: &[$($n),*], city: $city, country: $cc, admin1: $a1 }
    };
}

pub const INSTITUTIONS: &[Institution] = &[
    inst!(
        [
            "mit",
            "massachusetts institute of technology",
            "mit csail",
            "csail"
        ],
        "Cambridge",
        "US",
        "MA"
    ),
    inst!(["harvard", "harvard university"], "Cambridge", "US", "MA"),
    inst!(["stanford", "stanford university"], "Palo Alto", "US", "CA"),
    inst!(
        ["uc berkeley", "ucb", "berkeley ai research", "bair"],
        "Berkeley",
        "US",
        "CA"
    ),
    inst!(
        ["cmu", "carnegie mellon", "carnegie mellon university"],
        "Pittsburgh",
        "US",
        "PA"
    ),
    inst!(
        ["caltech", "california institute of technology"],
        "Pasadena",
        "US",
        "CA"
    ),
    inst!(["ucla"], "Los Angeles", "US", "CA"),
    inst!(["ucsd", "uc san diego"], "San Diego", "US", "CA"),
    inst!(
        ["usc", "university of southern california"],
        "Los Angeles",
        "US",
        "CA"
    ),
    inst!(
        [
            "nyu",
            "new york university",
            "columbia university",
            "cornell tech"
        ],
        "New York City",
        "US",
        "NY"
    ),
    inst!(["georgia tech", "gatech"], "Atlanta", "US", "GA"),
    inst!(
        ["uiuc", "university of illinois at urbana champaign"],
        "Urbana",
        "US",
        "IL"
    ),
    inst!(
        ["university of washington", "uw seattle"],
        "Seattle",
        "US",
        "WA"
    ),
    inst!(
        ["princeton", "princeton university"],
        "Princeton",
        "US",
        "NJ"
    ),
    inst!(["university of arizona"], "Tucson", "US", "AZ"),
    inst!(
        [
            "u of t",
            "uoft",
            "university of toronto",
            "vector institute"
        ],
        "Toronto",
        "CA",
        "08"
    ),
    inst!(
        ["university of waterloo", "uwaterloo"],
        "Waterloo",
        "CA",
        "08"
    ),
    inst!(
        [
            "mila",
            "mila quebec",
            "mcgill",
            "mcgill university",
            "universite de montreal"
        ],
        "Montréal",
        "CA",
        "10"
    ),
    inst!(
        ["ubc", "university of british columbia"],
        "Vancouver",
        "CA",
        "02"
    ),
    inst!(
        [
            "ucl",
            "imperial college",
            "imperial college london",
            "deepmind"
        ],
        "London",
        "GB",
        ""
    ),
    inst!(
        ["university of oxford", "oxford university"],
        "Oxford",
        "GB",
        ""
    ),
    inst!(
        ["university of cambridge", "cambridge university"],
        "Cambridge",
        "GB",
        ""
    ),
    inst!(["university of edinburgh"], "Edinburgh", "GB", ""),
    inst!(
        ["eth", "ethz", "eth zurich", "eth zuerich"],
        "Zürich",
        "CH",
        ""
    ),
    inst!(["epfl"], "Lausanne", "CH", ""),
    inst!(
        [
            "tu munich",
            "tum",
            "technical university of munich",
            "lmu munich"
        ],
        "Munich",
        "DE",
        ""
    ),
    inst!(["tu berlin"], "Berlin", "DE", ""),
    inst!(["uva", "university of amsterdam"], "Amsterdam", "NL", ""),
    inst!(["uio", "university of oslo"], "Oslo", "NO", ""),
    inst!(
        ["kth", "kth royal institute of technology"],
        "Stockholm",
        "SE",
        ""
    ),
    inst!(
        [
            "inria paris",
            "ens paris",
            "ecole normale superieure",
            "sorbonne"
        ],
        "Paris",
        "FR",
        ""
    ),
    inst!(
        ["skoltech", "msu", "moscow state university", "hse", "mipt"],
        "Moscow",
        "RU",
        ""
    ),
    inst!(["technion"], "Haifa", "IL", ""),
    inst!(["weizmann institute"], "Rehovot", "IL", ""),
    inst!(
        ["tsinghua", "tsinghua university", "清华大学", "清华"],
        "Beijing",
        "CN",
        ""
    ),
    inst!(
        ["peking university", "pku", "北京大学", "北大"],
        "Beijing",
        "CN",
        ""
    ),
    inst!(
        ["zhejiang university", "zju", "浙江大学"],
        "Hangzhou",
        "CN",
        ""
    ),
    inst!(
        [
            "fudan",
            "fudan university",
            "复旦大学",
            "sjtu",
            "shanghai jiao tong university",
            "上海交通大学"
        ],
        "Shanghai",
        "CN",
        ""
    ),
    inst!(["hkust", "hku", "cuhk"], "Hong Kong", "HK", ""),
    inst!(
        ["ntu singapore", "nus", "national university of singapore"],
        "Singapore",
        "SG",
        ""
    ),
    inst!(["kaist"], "Daejeon", "KR", ""),
    inst!(["snu", "seoul national university"], "Seoul", "KR", ""),
    inst!(
        [
            "university of tokyo",
            "utokyo",
            "todai",
            "東京大学",
            "waseda",
            "waseda university",
            "keio",
            "riken aip"
        ],
        "Tokyo",
        "JP",
        ""
    ),
    inst!(["kyoto university", "京都大学"], "Kyoto", "JP", ""),
    inst!(["iit bombay", "iitb"], "Mumbai", "IN", ""),
    inst!(["iit delhi", "iitd"], "New Delhi", "IN", ""),
    inst!(["iit madras", "iitm"], "Chennai", "IN", ""),
    inst!(["iit kanpur", "iitk"], "Kanpur", "IN", ""),
    inst!(
        ["iisc", "indian institute of science"],
        "Bengaluru",
        "IN",
        ""
    ),
    inst!(["iiit hyderabad", "iiith"], "Hyderabad", "IN", ""),
    inst!(
        ["nit calicut", "national institute of technology calicut"],
        "Kozhikode",
        "IN",
        ""
    ),
    inst!(["unsw", "university of sydney"], "Sydney", "AU", ""),
    inst!(
        ["university of melbourne", "monash", "monash university"],
        "Melbourne",
        "AU",
        ""
    ),
];
