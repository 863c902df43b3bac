"""International organisations by the names news gives them: an abbreviation and a full name.

A reader types "un", "imf" or "nato"; a story may write only "the United Nations" or "the
International Monetary Fund", and one typing the full name means the stories writing "UN" too.
No maintained package lists them, so this is a short table of the bodies news names most, written
from their own names. An abbreviation of three letters or fewer is matched in capitals only (also
with dots: "U.N."), as its lower-case letters are other words ("un", "who", "eu" in French), or
as news writes it ("the Fed", not "fed up"); a longer one in any case ("Nato", "OPEC"). Topic
matching reads them as it reads a country's names (`summarizer.topics.names`): a topic that is
one of them is named by all of them.
"""

from __future__ import annotations

from functools import lru_cache

# Abbreviation (lower case) → full names, the spelling variants news uses.
_ORGANISATIONS = {
    "un": ("united nations",),
    "eu": ("european union",),
    "nato": ("north atlantic treaty organization", "north atlantic treaty organisation"),
    "imf": ("international monetary fund",),
    "who": ("world health organization", "world health organisation"),
    "wto": ("world trade organization", "world trade organisation"),
    "opec": (
        "organization of the petroleum exporting countries",
        "organization of petroleum exporting countries",
        "organisation of the petroleum exporting countries",
        "organisation of petroleum exporting countries",
    ),
    "ec": ("european community", "european economic community"),  # the EU's forerunner
    "ecb": ("european central bank",),
    "iaea": ("international atomic energy agency",),
    "oecd": (
        "organisation for economic co-operation and development",
        "organization for economic cooperation and development",
    ),
    "asean": ("association of southeast asian nations", "association of south east asian nations"),
    "gatt": ("general agreement on tariffs and trade",),
    "nasa": ("national aeronautics and space administration",),
    "fbi": ("federal bureau of investigation",),
    "cia": ("central intelligence agency",),
    "ioc": ("international olympic committee",),
    "iaaf": ("international association of athletics federations",),
    "nhs": ("national health service",),
    "isis": ("islamic state", "isil", "daesh"),
    "fed": ("federal reserve",),
}
# Abbreviations news writes otherwise than in capitals, as it writes them: British news writes
# "IS" for the Islamic State ("fled to join IS"), matched in capitals only.
_WRITTEN = {"fed": ("Fed", "FED"), "isis": ("isis", "IS")}
_CAPITALS_ONLY_LETTERS = 3  # "UN", "WHO": their lower-case letters are words too


@lru_cache(maxsize=1)
def organisations_by_name() -> dict[str, tuple[str, ...]]:
    """Each organisation's abbreviation and full names (lower case) → all its names: the full
    names and longer abbreviations in lower case, the short abbreviations as written."""
    by_name: dict[str, tuple[str, ...]] = {}
    for abbreviation, full_names in _ORGANISATIONS.items():
        written = _WRITTEN.get(abbreviation) or (
            (abbreviation.upper(),)
            if len(abbreviation) <= _CAPITALS_ONLY_LETTERS
            else (abbreviation,)
        )
        names = (*written, *full_names)
        for name in (abbreviation, *full_names):
            by_name[name] = names
    return by_name


@lru_cache(maxsize=1)
def organisation_subjects() -> dict[str, str]:
    """Each organisation's abbreviation and full names (lower case) → the name /topics shows it
    by: its full name when that is two words ("united nations", "federal reserve"), else its
    abbreviation ("nato", "iaaf", not "international association of athletics federations")."""
    shown = {}
    for abbreviation, full_names in _ORGANISATIONS.items():
        short = [name for name in full_names if len(name.split()) == 2]
        for name in (abbreviation, *full_names):
            shown[name] = short[0] if short else abbreviation
    return shown
