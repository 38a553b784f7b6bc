"""Place names in a complaint, found through the Kemendagri region names (the gazetteer shipped in
`aduan/directory/data/kemendagri_2025.csv.gz`, the same rows as the Region table).

Two callers: the routing model, which reads the regencies a text names as extra features (a
complaint about "Mranggen" belongs to Kabupaten Demak), and `out_of_authority`, which flags a
report that names a place outside this instance's regency.

Names that are also everyday words ("baru", "tengah", "kota") or that belong to many regencies
say little, so only distinctive names count:
1. regency and city names ("Demak", "Kota Semarang") always count;
2. a district (kecamatan) name counts when at most three regencies have a district of that name.
"""

import csv
import functools
import gzip
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from aduan.search.text import STOPWORDS, words

# Read directly (not through the Region table) so that the evaluation runs without a database.
GAZETTEER = Path(__file__).resolve().parent.parent / "directory" / "data" / "kemendagri_2025.csv.gz"
MAX_WORDS = 4  # the longest name looked up, in words
# Words that are district names somewhere but are mostly used as plain words in complaints.
COMMON = frozenset(
    [
        "baru",
        "barat",
        "timur",
        "utara",
        "selatan",
        "tengah",
        "pusat",
        "kota",
        "raya",
        "jaya",
        "indah",
        "makmur",
        "sejahtera",
        "mulya",
        "mulia",
        "kali",
        "sungai",
        "pantai",
        "gunung",
        "bukit",
        "batu",
        "air",
        "tanah",
        "lama",
        "lor",
        "kidul",
        "wetan",
        "kulon",
        "ilir",
        "hulu",
        "hilir",
        "kecamatan",
        "kabupaten",
        "desa",
        "kelurahan",
        "dusun",
        "pasar",
        "jalan",
        "kampung",
        "pulau",
        "laut",
        "danau",
        "teluk",
        "tanjung",
        "sari",
        "rejo",
        "harjo",
        "agung",
        "besar",
        "kecil",
        "panjang",
        "tinggi",
        "damai",
        "sentosa",
        "bahagia",
        "merdeka",
        "sukses",
        "bersatu",
        "ds",
        "kab",
        "kec",
        "kel",
        "sidomulyo",
    ]
)


@dataclass(frozen=True)
class Place:
    code: str  # the region named
    name: str
    regency: str  # the regency (level 2) it lies in
    level: int


def _key(name: str) -> tuple[str, ...]:
    return tuple(words(name))


@functools.lru_cache(maxsize=1)
def gazetteer() -> dict[tuple[str, ...], list[Place]]:
    """Name (as a tuple of words) → the places of that name."""
    provinces, regencies, districts = {}, {}, defaultdict(list)
    with gzip.open(GAZETTEER, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            level, code, name = int(row["level"]), row["kode"], row["nama"]
            if level == 1:
                provinces[code] = name
            elif level == 2:
                regencies[code] = name
            elif level == 3:
                districts[_key(name)].append((code, name))
    names: dict[tuple[str, ...], list[Place]] = defaultdict(list)
    for code, name in regencies.items():
        full = _key(name)
        bare = full[1:] if full[0] in ("kabupaten", "kota") else full
        place = Place(code, name, code, 2)
        names[full].append(place)
        if bare and not (len(bare) == 1 and (bare[0] in COMMON or bare[0] in STOPWORDS)):
            names[bare].append(place)
        if full[0] == "kabupaten":
            names[("kab", *bare)].append(place)
    for code, name in provinces.items():
        key = _key(name)
        if key and not (len(key) == 1 and key[0] in COMMON):
            names[key].append(Place(code, name, code, 1))
    for key, places in districts.items():
        regency_codes = {code.rsplit(".", 1)[0] for code, _name in places}
        if (
            len(regency_codes) > 3
            or not key
            or (len(key) == 1 and (len(key[0]) < 4 or key[0] in COMMON or key[0] in STOPWORDS))
        ):
            continue
        for code, name in places:
            names[key].append(Place(code, name, code.rsplit(".", 1)[0], 3))
    return dict(names)


def find_places(text: str) -> list[Place]:
    """The places `text` names (every candidate of an ambiguous name)."""
    return [place for match in find_matches(text) for place in match]


def find_matches(text: str) -> list[list[Place]]:
    """Each name `text` mentions, with the places it may mean; the longest name wins where names
    overlap ("Sumbawa Barat" is one place, not "Sumbawa" and a direction)."""
    tokens, found, i = words(text), [], 0
    names = gazetteer()
    while i < len(tokens):
        for size in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            places = names.get(tuple(tokens[i : i + size]))
            if places:
                found.append(places)
                i += size
                break
        else:
            i += 1
    return found


def outside_places(text: str, home_regency: str) -> list[Place]:
    """Places `text` names outside `home_regency` (a Kemendagri code such as "52.04"), when it
    names none inside: the sign of a report the regency probably has no authority over.

    A name that may also mean a place at home counts as home ("Alas" is a district of Sumbawa and
    of other regencies); the home province's own name counts as neither.
    """
    home_province = home_regency.split(".")[0]
    outside, at_home = [], False
    for match in find_matches(text):
        if any(p.regency == home_regency or p.code.startswith(home_regency + ".") for p in match):
            at_home = True
        elif not any(p.level == 1 and p.code == home_province for p in match):
            outside.append(match[0])
    return [] if at_home else list({p.code: p for p in outside}.values())


def place_tokens(text: str) -> list[str]:
    """Feature words for the routing model: the regencies and provinces a text names."""
    out = []
    for place in find_places(text):
        out.append(f"zreg{place.regency.replace('.', '')}")
        out.append(f"zprov{place.regency.split('.')[0]}")
    return out
