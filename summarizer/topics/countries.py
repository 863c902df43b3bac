"""Countries by the names news gives them, read once from the `countryinfo` package.

Each country has its name there, its other Latin-script names ("Russian Federation"), its
demonym (Russian), its capital; `_SHORT_NAMES` and `_SEATS` add what the package lacks: short
names news uses (Britain, America), abbreviations in capitals (UK, US) and seats of government
and national institutions written for the country (Kremlin, Downing Street, the Fed, the
Bundesbank), and `_NATIONS` the nations of the
United Kingdom, which news names as countries (England's team, Scotland's government). Topic
matching reads a country's names (`summarizer.topics.names`), topic suggestions fold them into
the country (`summarizer.topics.subjects`): both by the same rules, those of `countries_by_name`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from countryinfo import all_countries

# What `countryinfo` lacks, by the country's name there: short names news uses (which a user
# may type as the topic too), and abbreviations written in capitals.
_SHORT_NAMES = {
    "united kingdom": ("britain", "UK"),
    "united states": ("america", "US", "USA"),
    "united arab emirates": ("UAE",),
    "netherlands": ("holland",),
    "north korea": ("DPRK",),
    "turkey": ("türkiye",),
    # "Congo" in news is mostly the Democratic Republic; the other is "Congo-Brazzaville"
    "democratic republic of the congo": ("congo",),
    "vatican city state": ("vatican",),
}
# The United Kingdom's nations (not in the package): their demonyms and capitals (in lower case,
# as `_read_countries` gives capitals). London stands
# for the United Kingdom, not England; Northern Ireland is left out, as its name holds Ireland's.
_NATIONS = {
    "england": (["England", "English"], []),
    "scotland": (["Scotland", "Scottish", "Scots"], ["edinburgh"]),
    "wales": (["Wales", "Welsh"], ["cardiff"]),
}
# Places that are no country but whose names hold one's (`place_names`): "New South Wales" does
# not name Wales, nor "Northern Ireland" Ireland, nor "the Indian Ocean" India, nor "Latin
# America" the United States (North America is mostly the United States in news: it names it).
_PLACES_HOLDING_COUNTRIES = (
    "northern ireland",
    "new mexico",
    "new south wales",
    "new england",
    "british columbia",
    "indian ocean",
    "south america",
    "central america",
    "latin america",
)
# People a country needs for its capital to stand for it: news writes "Moscow said" for Russia,
# not "Hamilton" for Bermuda, "Douglas" for the Isle of Man or "Victoria" for the Seychelles, and
# those names are more often other things (Lewis Hamilton).
_CAPITAL_NAMING_POPULATION = 150_000
# Seats of government and national institutions that news writes for the country ("the Kremlin
# said", "the Bundesbank raised rates"): proper names no other country's news gives its own.
_SEATS = {
    "united kingdom": ("downing street", "whitehall", "westminster", "bank of england"),
    "united states": (
        "white house",
        "pentagon",
        "capitol hill",
        "state department",
        "federal reserve",
        "Fed",  # as the organisation is written (`summarizer.topics.organisations`)
        "FED",
        "USDA",
    ),
    "russia": ("kremlin", "duma"),
    "france": ("elysee",),  # "Élysée" too: names are matched with diacritics folded
    "germany": ("bundesbank", "bundestag"),
    "israel": ("knesset",),
    "india": ("lok sabha",),
    "ukraine": ("verkhovna rada",),
}


@dataclass(frozen=True)
class Country:
    """A country: its name in `countryinfo` (lower case), and every name news gives it: its
    own names in lower case, abbreviations in capitals, then its capital and seats."""

    name: str
    names: tuple[str, ...]


@lru_cache(maxsize=1)
def countries_by_name() -> dict[str, Country]:
    """A country's name, other name, short name or demonym (lower case) → the country; its
    capital and seats name it, yet do not key it. A name that is part of another country's name
    is left out ("Chinese", Hong Kong's demonym in the package, belongs to China; "Republic of
    China" is inside "People's Republic of China"), unless another name of the country begins
    like it (China keeps "Chinese", the United States "American" beside American Samoa, as
    America is one of its names). Read once (about 0.3 s: the package's files hold each
    country's borders too)."""
    countries = _read_countries()
    every_name = {key: {n.lower() for n in names} for key, (names, _) in countries.items()}
    by_name: dict[str, Country] = {}
    for key, (names, places) in countries.items():
        own = [
            n if n.isupper() else n.lower() for n in names if _own_name(n, names, key, every_name)
        ]
        every = tuple(dict.fromkeys(own + places))
        country = Country(key, every)
        for name in own:
            by_name.setdefault(name.lower(), country)
    return by_name


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Every country's names in lower case (not its abbreviations), and the places that are no
    country but hold one's name (`_PLACES_HOLDING_COUNTRIES`): where one of these names a
    place, a shorter name inside it names no other country ("Papua New Guinea" is not
    Guinea)."""
    countries = {country.name: country for country in countries_by_name().values()}
    names = (n for country in countries.values() for n in country.names if not n.isupper())
    return tuple(dict.fromkeys([*names, *_PLACES_HOLDING_COUNTRIES]))


def _read_countries() -> dict[str, tuple[list[str], list[str]]]:
    """Per country (its name, lower case): its names, and its capitals and seats.

    The package lists a few countries twice under one ISO code (Burma and Myanmar, Palestine
    twice, the Vatican): each such pair is one country here, with the names of both, under the
    name one of them gives as the other's spelling ("Myanmar", Burma's), its capital the kept
    entry's (Palestine's other entry has Jerusalem). Wales, coded as the United Kingdom, is one
    of `_NATIONS`."""
    by_code: dict[str, list[dict]] = {}
    for country in all_countries():
        info = country.info()
        if info["name"].lower() not in _NATIONS:
            by_code.setdefault(info["ISO"]["alpha2"], []).append(info)
    countries: dict[str, tuple[list[str], list[str]]] = {}
    for entries in by_code.values():
        kept = _entry_kept(entries)
        key = kept["name"].lower()
        names = list(
            dict.fromkeys(
                name
                for info in [kept, *entries]
                for name in _names_of(info)
                if info is kept or name != info["name"] or _latin_name(name)
            )
        )
        names += list(_SHORT_NAMES.get(key, ()))
        capital = kept.get("capital") or ()
        if (kept.get("population") or 0) < _CAPITAL_NAMING_POPULATION:
            capital = ()
        places = [
            n.replace(" D.C.", "").lower()
            for n in ([capital] if isinstance(capital, str) else capital)
        ]
        countries[key] = (names, places + list(_SEATS.get(key, ())))
    return countries | _NATIONS


def _entry_kept(entries: list[dict]) -> dict:
    """Of the package's entries for one country, the one whose name another gives among its
    spellings; else the first."""
    for entry in entries:
        if any(entry["name"] in (other.get("altSpellings") or ()) for other in entries):
            return entry
    return entries[0]


def _names_of(info: dict) -> list[str]:
    """A package entry's names: its name, its Latin alternative spellings and its demonym."""
    names = [info["name"], *(a for a in info.get("altSpellings") or () if _latin_name(a))]
    return names + [n for n in (info.get("demonym"),) if n]


def _own_name(name: str, names: list[str], key: str, every_name: dict[str, set[str]]) -> bool:
    """Does `name` (one of `names`, the country `key`'s) name that country alone (see
    `countries_by_name`)?"""
    return (
        name.isupper()
        or any(name.lower()[:4] == other.lower()[:4] for other in names if other != name)
        or not any(
            f" {name.lower()} " in f" {other_name} "
            for other, others in every_name.items()
            if other != key
            for other_name in others
        )
    )


def _latin_name(name: str) -> bool:
    """A full name in Latin letters ("Russian Federation"), not a code ("RU"), a native one or
    an official form of more than five words, which news does not write and which would hide
    the countries it holds ("… and Northern Ireland" hid Ireland)."""
    return (
        len(name) > 3
        and name.isascii()
        and not name.isupper()
        and "," not in name
        and len(name.split()) <= 5
    )
