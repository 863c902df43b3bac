"""The names a topic goes by in news text, and finding them in an article.

A reader who asks for "russia" means the articles that say Russian, Moscow or the Kremlin too.
`topic_names` gives a topic's names:

- the topic itself, each word in its own forms (`_word_forms`: "russia" finds "Russia's",
  "Russian", "Russians", not "Russell"; "currency" finds "currencies"; "north korea" finds
  "North Korean" but not "north of Korea");
- for a country (or a name, short name or demonym of one), all its names
  (`summarizer.topics.countries`): its other names ("Russian Federation", Britain, UK), its
  demonym, capital, seats of government and national institutions (China ↔ Chinese, Beijing;
  Russia ↔ Kremlin; the United States ↔ the Fed);
- for an international organisation (`summarizer.topics.organisations`), its abbreviation and
  full names ("un" ↔ United Nations, UN, U.N.);
- for a phrase of two or more words (not a country), its initials in capitals ("world food
  programme" → WFP) and its last word alone ("Tony Blair" → Mr Blair), both in an article that
  names the whole phrase too: "GB" in an athletics story is no Gordon Brown;
- for a phrase of three or more words that begins with a country, the words after the country
  ("uk general election" → general election).

`count_mentions` counts them in an article's sentences (`count_mentions_and_listings` also
tells which mentions list a place among three or more, naming it in passing). `writes_a_word`
tells whether an article writes at least one of the topic's own words ("trade war" → trade or
war), which an article about the topic that does not name it still does
(`summarizer.topics.evidence.Evidence`); for a topic holding a country, one of that country's
names: a story writing "bank" but no name of England is not about the Bank of England, one
writing "Korea" but none of North Korea's names is not about North Korea.

Limits: no list of people, companies or organisations (a company's chief executive is not its
name); a capital stands for its country even where it is just a place ("talks in Beijing") or
part of another name ("Real Madrid", "Sofia Vergara"); a
person named after a country ("jordan henderson") is taken for a topic holding one.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TypeVar

from summarizer.folding import fold_diacritics
from summarizer.topics.countries import Country, countries_by_name, place_names
from summarizer.topics.organisations import organisations_by_name

_WORD = re.compile(r"[^\W_]+")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_])")  # the next word's first letter, on the same line
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")  # the words a line's case is judged by
_Named = TypeVar("_Named")
_ABBREVIATION_END = r"(?![^\W_'’]|['’][^\Ws])"  # "EU's" ends "EU"; "EUR", "EU'x" do not
_DOTTED = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.){2,}")  # "U.S.", "e.u."
_VOWELS = "aeiou"
# Enumerations of places (`_in_enumeration`): how far around a name they are read, their words
# and commas, the words a listed place may follow ("the United States", "West Germany"), and
# the most words a place name has ("united states of america").
_ENUMERATION_REACH = 120
_ENUMERATION_TOKEN = re.compile(_WORD.pattern + "|,")
_LIST_QUALIFIERS = frozenset("the north south east west".split())
_LIST_SEPARATORS = frozenset({",", "and"})
_LONGEST_PLACE_NAME = 5
_DERIVING_LETTERS = 4  # a word shorter than this has its singular and plurals only
_PLURAL_ONLY = frozenset("news goods arms means series species headquarters customs".split())
_MINOR_WORDS = frozenset("of the and for de la".split())
# Words every English text writes: a topic that is one of them is an abbreviation, named only in
# capitals ("who" is the WHO, "it" IT), else every article names it.
FUNCTION_WORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being "
    "below between both but by can could did do does doing down during each few for from further "
    "had has have having he her here hers herself him himself his how i if in into is it its "
    "itself just me might more most must my myself no nor not now of off on once only or other "
    "our ours ourselves out over own same shall she should so some such than that the their "
    "theirs them themselves then there these they this those through to too under until up very "
    "was we were what when where which while who whom why will with would you your yours "
    "yourself yourselves may".split()
)
# Words before a surname that do not make it someone else's ("Prime Minister Blair").
_TITLES = frozenset(
    "mr mrs ms miss dr sir lord lady president minister chancellor premier secretary "
    "senator governor king queen prince general chief the".split()
)


@dataclass(frozen=True)
class TopicNames:
    """How a topic is named: `phrases` matched lower-case in their words' forms, `abbreviations`
    and `initials` (of a multi-word topic) matched as written (capitals); the initials and
    `last_word` count only in an article that names the whole topic too (`count_mentions`);
    `places` and `place_abbreviations`, the names of the countries the topic holds or is, or of the
    organisation it is (`writes_a_word`), in lower case and in capitals; `other_places`, the
    names of other places that hold a name of the topic's, where it is not counted ("south
    sudan" for "sudan": `place_names`)."""

    topic: str
    phrases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    initials: str | None
    last_word: str | None
    places: tuple[str, ...] = ()
    place_abbreviations: tuple[str, ...] = ()
    other_places: tuple[str, ...] = ()

    @property
    def search_terms(self) -> list[list[str]]:
        """Each name as the stems a full-text index looks up (`Store.articles.naming`): an
        article naming none of them names the topic nowhere (the initials and the last word
        count only beside a phrase: `count_mentions`). An abbreviation is looked up as written
        with dots too, letter by letter ("U.S." is the index's words "u", "s")."""
        names = [topic_terms(p) for p in self.phrases]
        for short in self.abbreviations:
            names += [[short.lower()], *([list(short.lower())] if _dottable(short) else [])]
        kept = (tuple(terms) for terms in names if terms and all(t.isalnum() for t in terms))
        return [list(terms) for terms in dict.fromkeys(kept)]

    @property
    def query(self) -> str:
        """What the topic's meaning is read from (`TopicMatcher.query_vector`): the topic, or
        for an abbreviation of a country or organisation (none of its own phrases), its first
        full name: "un" → "united nations", "us" → "united states", as "/digest united nations"
        reads it; a small encoder knows the full names better."""
        return self.phrases[0] if self.phrases and self.topic not in self.phrases else self.topic

    @property
    def words(self) -> tuple[str, ...]:
        """The topic's own words of three letters or more, the minor ones ("of", "the") and
        those every text writes ("who") left out: "bank of england" → bank, england; "us
        election" → election."""
        return tuple(
            w
            for w in self.topic.split()
            if len(w) >= 3 and w not in _MINOR_WORDS and w not in FUNCTION_WORDS
        )


def undotted(topic: str) -> str:
    """`topic` with its abbreviations written with dots undotted ("U.S." → "US"), as a reader
    may type one (`bot.app.arguments.normalize_topic` keeps no dots)."""
    return _DOTTED.sub(lambda dotted: dotted[0].replace(".", ""), topic)


def topic_terms(topic: str) -> list[str]:
    """The stems a text must contain, adjacent and in order, to name `topic` (its letters'
    diacritics folded, as the full-text index folds them: `summarizer.folding`)."""
    return [_stem(word) for word in _WORD.findall(_searchable(topic))]


@lru_cache(maxsize=1_000)
def topic_names(topic: str) -> TopicNames:
    """The names of `topic` (lower-case words, as a user types them); see the module docstring."""
    topic = " ".join(_WORD.findall(_searchable(undotted(topic))))
    country = _countries_by_words().get(topic)
    # the names of the country or organisation the topic is
    own = country.names if country else _organisations_by_words().get(topic, ())
    if topic in FUNCTION_WORDS and not own:
        return TopicNames(
            topic, phrases=(), abbreviations=(topic.upper(),), initials=None, last_word=None
        )
    words = topic.split()
    content = [w for w in words if w not in _MINOR_WORDS]
    several = len(words) >= 2 and not own
    places, place_abbreviations = _by_case(own or _countries_in(words))
    phrases = tuple(
        dict.fromkeys(
            n
            for n in (
                topic,
                *own,
                *_without_country(words),
                *(() if own else _country_renamed(words)),
            )
            if n == n.lower() and not any(o.lower() == n for o in own if o != o.lower())
        )
    )
    return TopicNames(
        topic=topic,
        phrases=phrases,
        abbreviations=_by_case(own)[1],
        initials="".join(w[0] for w in content).upper() if several and len(content) >= 2 else None,
        last_word=words[-1] if several and len(words[-1]) >= 3 else None,
        places=places,
        place_abbreviations=place_abbreviations,
        other_places=_other_places(phrases) if places else (),
    )


def _other_places(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The names of other places (`place_names`) that hold one of `phrases` and are held by
    none of them: "papua new guinea" for Guinea, "south sudan" for Sudan, "new mexico" for
    Mexico; not "republic of china" for China, which "people's republic of china" holds."""
    pattern, own = _phrase_pattern(phrases), set(phrases)
    return tuple(
        name
        for name in place_names()
        if name not in own
        and pattern.search(_searchable(name))
        and not any(_phrase_pattern((name,)).search(_searchable(phrase)) for phrase in phrases)
    )


@lru_cache(maxsize=1)
def _countries_by_words() -> dict[str, Country]:
    """`countries_by_name` keyed as a topic is read (`_by_words`): "guinea-bissau" is the topic
    "guinea bissau", not Guinea's."""
    return _by_words(countries_by_name())


@lru_cache(maxsize=1)
def _organisations_by_words() -> dict[str, tuple[str, ...]]:
    """`organisations_by_name` keyed as a topic is read (`_by_words`): "organisation for
    economic co operation and development"."""
    return _by_words(organisations_by_name())


def _by_words(by_name: Mapping[str, _Named]) -> dict[str, _Named]:
    """`by_name` keyed by each name's words, folded and lower-cased, as `topic_names` reads a
    topic; where two names read alike, the first one's."""
    by_words: dict[str, _Named] = {}
    for name, named in by_name.items():
        by_words.setdefault(" ".join(_WORD.findall(_searchable(name))), named)
    return by_words


def _by_case(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A country's or organisation's names as `Country.names` and `organisations_by_name`
    hold them: (those in lower case, matched in any case; the abbreviations, matched as
    written: "UK", "Fed")."""
    return tuple(n for n in names if n == n.lower()), tuple(n for n in names if n != n.lower())


def _countries_in(words: list[str]) -> tuple[str, ...]:
    """The names of the countries a topic's words hold, one or two words each ("bank of
    england" → England, English; "west germany" → Germany, German, Berlin, …)."""
    by_name = _countries_by_words()
    spans = (" ".join(words[i : i + size]) for size in (2, 1) for i in range(len(words)))
    found = dict.fromkeys(by_name[span] for span in spans if span in by_name)
    return tuple(n for country in found for n in country.names)


def _country_renamed(words: list[str]) -> tuple[str, ...]:
    """A topic of two or more words holding one one-word country name, with that name replaced
    by each of the country's other one-word names: "west germany" is written "West German"
    too, "uk general election" "the British general election". Not for a topic holding
    several: each would multiply the phrases (a 100-character topic of 20 countries made 48,
    whose pattern took 0.6–2 s to compile)."""
    by_name = _countries_by_words()
    held = [index for index, word in enumerate(words) if word in by_name]
    if len(words) < 2 or len(held) != 1:
        return ()
    index = held[0]
    return tuple(
        " ".join([*words[:index], name, *words[index + 1 :]])
        for name in by_name[words[index]].names
        if name != words[index] and name.isalpha() and name.islower()
    )


def _without_country(words: list[str]) -> tuple[str, ...]:
    """The rest of a topic of three or more words that begins with a country's name, when two
    or more words are left: "uk general election" is written "the general election" in
    British news."""
    if len(words) < 3:
        return ()
    by_name = _countries_by_words()
    for cut in (1, 2):
        if " ".join(words[:cut]) in by_name and len(words) - cut >= 2:
            return (" ".join(words[cut:]),)
    return ()


def count_mentions(
    names: TopicNames, texts: Sequence[str], *, common_noun: bool = False
) -> list[int]:
    """How often each of `texts` (an article's title and sentences) names the topic
    (`count_mentions_and_listings`)."""
    return count_mentions_and_listings(names, texts, common_noun=common_noun)[0]


def count_mentions_and_listings(
    names: TopicNames, texts: Sequence[str], *, common_noun: bool = False
) -> tuple[list[int], list[int]]:
    """How often each of `texts` (an article's title and sentences) names the topic, and how
    many of those mentions list a place among three or more ("the United States, Japan, West
    Germany and Canada": `_in_enumeration`), which name each in passing. The
    initials and the last word of a multi-word topic count only when some text names it by
    another of its names (news introduces initials with the name: "the World Food Programme
    (WFP)"), the initials not in a text written all in capitals unless with dots (a wire
    headline, where "TO BE CHECKED" has the Bank of England's "BE"); an abbreviation in such
    a text only when a text in ordinary case names the topic too. With
    `common_noun` (a news category: "sport", "world"), a mention counts only where it is no part
    of a name (`part_of_a_name`: not "BBC Sport", "the World Cup"). Each pattern runs once over
    the texts joined (`_match_offsets`), not once a text."""
    joined = "\n".join(texts)
    found = _phrase_offsets(names.phrases, texts, joined)
    if common_noun and any(found):
        found = [
            [o for o in offsets if not part_of_a_name(text, o)]
            for text, offsets in zip(texts, found, strict=True)
        ]
    if names.other_places and any(found):  # no second pass over texts naming it nowhere
        found = _outside_other_places(found, names.other_places, texts, joined)
    listed = [
        sum(_in_enumeration(text, o) for o in offsets) if names.places else 0
        for text, offsets in zip(texts, found, strict=True)
    ]
    counts = [len(offsets) for offsets in found]
    if names.abbreviations:
        counts = _with_abbreviations(counts, names.abbreviations, texts, joined)
    if any(counts) and names.initials:
        offsets = _match_offsets(_abbreviation_pattern((names.initials,)), texts, joined)
        counts = [  # in a text in capitals only written with dots ("TO BE CHECKED" is no BE)
            n + (sum(t[o + 1 : o + 2] == "." for o in f) if f and _in_capitals(t) else len(f))
            for n, t, f in zip(counts, texts, offsets, strict=True)
        ]
    if any(counts) and names.last_word:
        last = _last_word_counts(names.last_word, texts, joined)
        counts = [n + c for n, c in zip(counts, last, strict=True)]
    return counts, listed


def _with_abbreviations(
    counts: list[int], abbreviations: tuple[str, ...], texts: Sequence[str], joined: str
) -> list[int]:
    """`counts` (per text) with the `abbreviations` each text writes: in a text written all in
    capitals only when a text in ordinary case names the topic too, or written with dots."""
    offsets = _match_offsets(_abbreviation_pattern(abbreviations), texts, joined)
    found = [len(f) for f in offsets]
    # written with dots ("U.S."), its second character is one
    dotted = [sum(t[o + 1 : o + 2] == "." for o in f) for t, f in zip(texts, offsets, strict=True)]
    capitals = [
        bool(n + a) and _in_capitals(t) for n, a, t in zip(counts, found, texts, strict=True)
    ]
    elsewhere = any(n + a for n, a, caps in zip(counts, found, capitals, strict=True) if not caps)
    return [  # written with dots ("U.S."), it is no word, even in capitals
        n + d + (a - d if elsewhere or not caps else 0)
        for n, a, d, caps in zip(counts, found, dotted, capitals, strict=True)
    ]


def _outside_other_places(
    found: list[list[int]], other_places: tuple[str, ...], texts: Sequence[str], joined: str
) -> list[list[int]]:
    """`found` (match offsets per text) without the matches inside a name of `other_places`."""
    kept = []
    inside = _phrase_offsets(other_places, texts, joined)
    for text, offsets, places in zip(texts, found, inside, strict=True):
        if offsets and places:
            spans = [m.span() for m in _phrase_pattern(other_places).finditer(_searchable(text))]
            offsets = [o for o in offsets if not any(a <= o < b for a, b in spans)]
        kept.append(offsets)
    return kept


def _in_enumeration(text: str, offset: int) -> bool:
    """Is the name at `offset` of `text` one of three places or more listed with commas or
    "and" (each place perhaps after "the" or a direction: "the United States, West Germany
    and Japan")? Read word by word around it, places looked up in `place_names`."""
    start = max(0, offset - _ENUMERATION_REACH)
    window = _searchable(text[start : offset + _ENUMERATION_REACH])
    tokens = [(m.start() + start, m[0]) for m in _ENUMERATION_TOKEN.finditer(window)]
    items: list[tuple[str, int, int]] = []  # ("place", first, last) or (word, offset, offset)
    i = 0
    while i < len(tokens):
        size = _place_at(tokens, i)
        if size:
            items.append(("place", tokens[i][0], tokens[i + size - 1][0]))
            i += size
        else:
            items.append((tokens[i][1], tokens[i][0], tokens[i][0]))
            i += 1
    here = next(
        (
            k
            for k, (kind, first, last) in enumerate(items)
            if kind == "place" and first <= offset <= last
        ),
        None,
    )
    if here is None:
        return False
    return 1 + _places_listed(items, here, -1) + _places_listed(items, here, 1) >= 3


def _places_listed(items: list[tuple[str, int, int]], here: int, step: int) -> int:
    """How many places `items` list from the place at `here` on, going `step` (−1 or 1): each
    apart from the last by a separator ("," "and" ", and"), with "the" or a direction before
    a place skipped on either side of it."""
    count, k = 0, here + step
    while True:
        k = _skip(items, k, step, _LIST_QUALIFIERS)
        after = _skip(items, k, step, _LIST_SEPARATORS)
        if not 1 <= abs(after - k) <= 2:
            return count
        k = _skip(items, after, step, _LIST_QUALIFIERS)
        if not (0 <= k < len(items)) or items[k][0] != "place":
            return count
        count, k = count + 1, k + step


def _skip(items: list[tuple[str, int, int]], k: int, step: int, kinds: frozenset[str]) -> int:
    """The first index from `k` on, going `step`, whose item is none of `kinds`."""
    while 0 <= k < len(items) and items[k][0] in kinds:
        k += step
    return k


def _place_at(tokens: list[tuple[int, str]], i: int) -> int:
    """The words a place name (`place_names`, or its plural: `_singular`) spans from
    `tokens[i]`; 0 when none begins there."""
    names, first_words = _place_name_set(), _place_first_words()
    if tokens[i][1] not in first_words and _singular(tokens[i][1]) not in first_words:
        return 0
    for size in range(min(_LONGEST_PLACE_NAME, len(tokens) - i), 0, -1):
        words = [w for _, w in tokens[i : i + size]]
        if "," in words:
            continue
        name = " ".join(words)
        if name in names or _singular(name) in names:
            return size
    return 0


@lru_cache(maxsize=1)
def _place_name_set() -> frozenset[str]:
    """Every place name (`place_names`) as `_in_enumeration` reads words: folded, lower case."""
    return frozenset(" ".join(_WORD.findall(_searchable(n))) for n in place_names())


@lru_cache(maxsize=1)
def _place_first_words() -> frozenset[str]:
    """The first words of `_place_name_set`: a word opening none begins no place."""
    return frozenset(name.split()[0] for name in _place_name_set() if name)


def writes_a_word(names: TopicNames, text: str) -> bool:
    """Does `text` write one of the topic's own `words` (lower-case, in their forms, as a name
    is found), or, for a topic holding a country or being an organisation, one of its names
    (`places`; its abbreviations as written)?"""
    if names.places:
        phrases, short = names.places, names.place_abbreviations
    else:
        phrases, short = names.words, ()
    return (bool(phrases) and _phrase_pattern(phrases).search(_searchable(text)) is not None) or (
        bool(short) and _abbreviation_pattern(short).search(text) is not None
    )


def part_of_a_name(text: str, offset: int) -> bool:
    """Is the word at `offset` of `text` (a title or a sentence) capitalized as part of a name:
    inside the sentence ("BBC Sport", "the World Cup"), or opening it before another capitalized
    word ("World Cup fever")? Not in a text written in Title Case or capitals, where every word
    is capitalized and none can be told apart."""
    if not text[offset].isupper() or in_title_case(text, offset):
        return False
    if any(c.isalpha() for c in text[:offset]):
        return True
    return capitalized_next(text, offset + len(_WORD.match(text, offset)[0]))


def capitalized_next(text: str, end: int) -> bool:
    """Is the word after `end` in `text`, on the same line past spaces only, capitalized?"""
    after = _NEXT_WORD.match(text, end)
    return bool(after and after[1].isupper())


def in_title_case(text: str, offset: int) -> bool:
    """Is the line of `text` holding `offset` written in Title Case or capitals: are at least
    four in five of its words of four letters or more capitalized?"""
    start, end = text.rfind("\n", 0, offset) + 1, text.find("\n", offset)
    words = _LONG_WORD.findall(text, start, end if end >= 0 else len(text))
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _in_capitals(text: str) -> bool:
    """Is `text` written all in capitals (a wire headline), where a word cannot be told from an
    abbreviation?"""
    return text.isupper() and sum(c.isalpha() for c in text) > 3


@lru_cache(maxsize=10_000)
def _word_forms(word: str) -> tuple[str, ...]:
    """The forms of a topic's word that name it, longest first: its singular and plurals
    ("currency", "currencies"); for a word ending in a vowel, the names made by adding "n" or
    "an" (russia → russian, russians; europe → european); for one ending in a consonant or
    "e", its -ing form, which news writes for the activity (trade → trading, bomb → bombing,
    film → filming; not traders, another noun, nor the past tense: "filmed" is mostly
    "recorded on video", and `/digest film` took a story of a karate instructor filmed
    molesting his students). A closed
    set: a stem followed by any four letters made "apple" name "apply", "india" "indeed",
    "thai" every "the", "peru" "per cent" and "austria" "Australia". Other derived names
    (Chinese, Italian) are a country's own (`summarizer.topics.countries`)."""
    base = _singular(word)
    forms = {base, base + "s", base + "es"}
    if base.endswith("y"):
        forms.add(base[:-1] + "ies")
    if len(base) >= _DERIVING_LETTERS:  # "us" is not "using", "oil" not "oiled"
        if base[-1] in _VOWELS:
            forms.update(base + end for end in ("n", "ns", "an", "ans"))
        if base[-1] == "e":
            forms.update([base[:-1] + "ing"])
        elif base[-1].isalpha() and base[-1] not in _VOWELS + "y":
            forms.update(base + end for end in ("ing",))
    return tuple(sorted(forms, key=lambda form: (-len(form), form)))


def _singular(word: str) -> str:
    """`word` without a plural ending: companies → company, churches → church, rates → rate;
    words ending in "ss", "is" or "us" (swiss, isis, paris, virus), short words and nouns that
    are plural only (news, goods, arms: not "new", "good", "arm") stay."""
    if word in _PLURAL_ONLY:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def _stem(word: str) -> str:
    """What every form of `word` begins with (`_word_forms`): russia → russia (russian),
    currencies → currenc (currency), trade → trad (trading); a full-text index looks names up
    by it."""
    return os.path.commonprefix(_word_forms(word))


@lru_cache(maxsize=1_000)
def _first_stems(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(topic_terms(phrase)[0] for phrase in phrases if topic_terms(phrase))


@lru_cache(maxsize=1_000)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Lower-case text naming any of `phrases`: whole words, each one of its word's forms
    (`_word_forms`), adjacent and in order."""
    alternatives = []
    for words in (_WORD.findall(_searchable(p)) for p in sorted(phrases, key=len, reverse=True)):
        if not words:
            continue
        rest = "".join(rf"[\W_]+{_forms_pattern(word)}" for word in words[1:])
        alternatives += [(form, rest) for form in _word_forms(words[0])]
    return re.compile(_at_word_start(alternatives) + r"(?![^\W_])")


def _forms_pattern(word: str) -> str:
    """A pattern of `word`'s forms (`_word_forms`)."""
    return "(?:" + "|".join(map(re.escape, _word_forms(word))) + ")"


@lru_cache(maxsize=1_000)
def _abbreviation_pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str]:
    """Text holding one of `abbreviations` as a whole word, in capitals ("EU", "EU's"), also
    written with dots ("U.S.", "E.U.", as American and wire news write them)."""
    dotted = [(".".join(a), r"\.?") for a in abbreviations if _dottable(a)]  # "U.S", a last "."
    alternatives = _at_word_start([*dotted, *((a, "") for a in abbreviations)])
    return re.compile(alternatives + _ABBREVIATION_END)


def _dottable(abbreviation: str) -> bool:
    """Is `abbreviation` written with dots too: two letters or more, in capitals ("US", not
    "Fed")?"""
    return len(abbreviation) >= 2 and abbreviation.isalpha() and abbreviation.isupper()


def _at_word_start(alternatives: list[tuple[str, str]], word: str = r"[^\W_]") -> str:
    """A pattern of `alternatives` (each a text, then a pattern to follow it), tried in turn
    where they do not follow a `word` character. Written as one group for each first character,
    that character first and the check after it (the same matches): a pattern whose alternatives
    all begin with a character lets the regex engine skip to where those occur, several times
    faster than trying each position of a text naming nothing, and trying a group only there."""
    groups: dict[str, list[str]] = {}
    for text, after in alternatives:
        groups.setdefault(text[0], []).append(re.escape(text[1:]) + after)
    if not groups:
        return "(?!)"  # no alternative: never
    return (
        "(?:"
        + "|".join(
            rf"{re.escape(first)}(?<!{word}{re.escape(first)})(?:{'|'.join(rests)})"
            for first, rests in groups.items()
        )
        + ")"
    )


def _last_word_counts(last_word: str, texts: Sequence[str], joined: str) -> list[int]:
    """How often a multi-word topic's last word stands capitalized on its own in each of
    `texts` ("Mr Blair", "Blair said"): not after another capitalized word of its text but a
    title ("Cherie Blair" is someone else, "Tony Blair" is counted as the whole name)."""
    counts = []
    found = _match_offsets(_last_word_pattern(last_word), texts, joined, transform=fold_diacritics)
    for text, offsets in zip(texts, found, strict=True):
        count = 0
        for start in offsets:
            before = _WORD.findall(text[max(0, start - 30) : start])
            previous = before[-1] if before else ""
            count += not previous[:1].isupper() or previous.lower() in _TITLES
        counts.append(count)
    return counts


@lru_cache(maxsize=1_000)
def _last_word_pattern(last_word: str) -> re.Pattern[str]:
    """`last_word` capitalized, as a whole word (`\\b` before it)."""
    return re.compile(_at_word_start([(last_word.capitalize(), "")], word=r"\w") + r"(?![^\W_])")


def _phrase_offsets(phrases: tuple[str, ...], texts: Sequence[str], joined: str) -> list[list[int]]:
    """`_match_offsets` of `_phrase_pattern(phrases)` in the texts made `_searchable`; none at
    all when no name's first stem occurs in them (a plain substring search is many times faster
    than the pattern over texts naming nothing, and every match begins with a first stem)."""
    searched = _searchable(joined)
    if not any(stem in searched for stem in _first_stems(phrases)):
        return [[] for _ in texts]
    pattern = _phrase_pattern(phrases)
    return _match_offsets(pattern, texts, joined, transform=_searchable, searched=searched)


def _searchable(text: str) -> str:
    """`text` as names are looked for in it: lower case, letters without their diacritics
    (`summarizer.folding`: "Erdoğan" is found for "erdogan")."""
    return fold_diacritics(text.lower())


def _match_offsets(
    pattern: re.Pattern[str],
    texts: Sequence[str],
    joined: str,
    *,
    transform: Callable[[str], str] | None = None,
    searched: str | None = None,
) -> list[list[int]]:
    """Where `pattern` matches in each of `texts` (offsets in the text), as
    `pattern.finditer(transform(text))` finds them text by text, in one pass over
    `joined`, the texts joined by line breaks (made `transform`ed: `searched`, when the caller
    has it already).

    A line break stands for a text's start and end to the patterns here (each looks one
    character around a match, and a non-word character there is as none; lower-casing, which
    writes a final sigma by what surrounds it, stops at one too), so a match inside one text is
    the one found in it alone. Where that may not hold, the texts concerned are
    searched one by one: a match running over a line break into the next text (it may hide one
    there), an empty one; all of them when
    `transform` changed the length (lower-casing a character like "İ" shifts the offsets)."""
    alone = transform or (lambda text: text)
    if searched is None:
        searched = alone(joined)
    if len(searched) != len(joined):
        return [[m.start() for m in pattern.finditer(alone(text))] for text in texts]
    found: list[list[int]] = [[] for _ in texts]
    ends: list[int] = []  # where each next text starts: worked out at the first match
    again: set[int] = set()
    for match in pattern.finditer(searched):
        start, end = match.span()
        ends = ends or list(accumulate(len(text) + 1 for text in texts))
        index = bisect_right(ends, start)
        if end >= ends[index] or start == end:
            again.update(range(index, max(index, bisect_right(ends, end - 1)) + 1))
        found[index].append(start - ends[index] + len(texts[index]) + 1)
    for index in again:
        found[index] = [m.start() for m in pattern.finditer(alone(texts[index]))]
    return found
