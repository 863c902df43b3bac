"""The names a topic goes by in news text, and finding them in an article.

A reader who asks for "russia" means the articles that say Russian, Moscow or the Kremlin too.
`topic_names` gives a topic's names:

- the topic itself, with light stemming ("russia" finds "Russia's", "Russian", "Russians";
  "north korea" finds "North Korean" but not "north of Korea");
- for a country (or a name, short name or demonym of one), all its names
  (`summarizer.topics.countries`): its other names ("Russian Federation", Britain, UK), its
  demonym, capital and seats of government (China ↔ Chinese, Beijing; Russia ↔ Kremlin);
- for a phrase of two or more words (not a country), its initials in capitals ("european
  union" → EU), and its last word alone ("Tony Blair" → Mr Blair) in an article that names the
  whole phrase too;
- for a phrase of three or more words that begins with a country, the words after the country
  ("uk general election" → general election).

`count_mentions` counts them in an article's sentences. `writes_a_word` tells whether an article
writes at least one of the topic's own words ("ukraine war" → Ukraine or war), which an article
about the topic that does not name it still does (`summarizer.topics.evidence.Evidence`).

Limits: no list of people, companies or organisations (a company's chief executive is not its
name); a capital stands for its country even where it is just a place ("talks in Beijing").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.topics.countries import countries_by_name

_WORD = re.compile(r"[^\W_]+")
_MAX_SUFFIX_CHARS = 4  # "russi|ans", "currenc|ies", "chin|ese"
_MINOR_WORDS = frozenset("of the and for de la".split())
# Words before a surname that do not make it someone else's ("Prime Minister Blair").
_TITLES = frozenset(
    "mr mrs ms miss dr sir lord lady president minister chancellor premier secretary "
    "senator governor king queen prince general chief the".split()
)


@dataclass(frozen=True)
class TopicNames:
    """How a topic is named: `phrases` matched lower-case with light stemming, `abbreviations`
    and `initials` (of a multi-word topic) matched as written (capitals); `last_word` counts
    only in an article that names the whole topic too (`count_mentions`)."""

    topic: str
    phrases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    initials: str | None
    last_word: str | None

    @property
    def search_terms(self) -> list[list[str]]:
        """Each name as the stems a full-text index looks up (`Store.articles.naming`): an
        article naming none of them names the topic nowhere. The initials are one ("EU" for
        "european union"): an article writing only them names the topic (`count_mentions`)."""
        names = [topic_terms(p) for p in self.phrases]
        names += [[a.lower()] for a in (*self.abbreviations, *filter(None, [self.initials]))]
        return [terms for terms in names if terms and all(t.isalnum() for t in terms)]

    @property
    def words(self) -> tuple[str, ...]:
        """The topic's own words of three letters or more, the minor ones ("of", "the") left
        out: "bank of england" → bank, england; "us election" → election."""
        return tuple(w for w in self.topic.split() if len(w) >= 3 and w not in _MINOR_WORDS)

    @property
    def word_terms(self) -> list[list[str]]:
        """`words` as a full-text index looks them up, each on its own."""
        return [terms for terms in map(topic_terms, self.words) if all(map(str.isalnum, terms))]


def topic_terms(topic: str) -> list[str]:
    """The stems a text must contain, adjacent and in order, to name `topic`."""
    return [_stem(word) for word in _WORD.findall(topic.lower())]


@lru_cache(maxsize=1_000)
def topic_names(topic: str) -> TopicNames:
    """The names of `topic` (lower-case words, as a user types them); see the module docstring."""
    topic = " ".join(_WORD.findall(topic.lower()))
    found = countries_by_name().get(topic)
    of_country = found.names if found else ()
    words = topic.split()
    content = [w for w in words if w not in _MINOR_WORDS]
    several = len(words) >= 2 and not of_country
    return TopicNames(
        topic=topic,
        phrases=tuple(
            dict.fromkeys(
                n
                for n in (topic, *of_country, *_without_country(words))
                if not n.isupper() and n.upper() not in of_country
            )
        ),
        abbreviations=tuple(n for n in of_country if n.isupper()),
        initials="".join(w[0] for w in content).upper() if several and len(content) >= 2 else None,
        last_word=words[-1] if several and len(words[-1]) >= 3 else None,
    )


def _without_country(words: list[str]) -> tuple[str, ...]:
    """The rest of a topic of three or more words that begins with a country's name, when two
    or more words are left: "uk general election" is written "the general election" in
    British news."""
    if len(words) < 3:
        return ()
    by_name = countries_by_name()
    for cut in (1, 2):
        if " ".join(words[:cut]) in by_name and len(words) - cut >= 2:
            return (" ".join(words[cut:]),)
    return ()


def count_mentions(names: TopicNames, texts: list[str]) -> list[int]:
    """How often each of `texts` (an article's title and sentences) names the topic. The last
    word of a multi-word topic counts only when some text names it whole; an abbreviation or
    the initials in a text written all in capitals (a wire headline, where "TO BE CHECKED" has
    the Bank of England's "BE") only when a text in ordinary case names the topic too."""
    counts = [len(_phrase_pattern(names.phrases).findall(t.lower())) for t in texts]
    short = (*names.abbreviations, *([names.initials] if names.initials else []))
    if short:
        pattern = _abbreviation_pattern(short)
        found = [len(pattern.findall(t)) for t in texts]
        capitals = [_in_capitals(t) for t in texts]
        elsewhere = any(
            n + a for n, a, caps in zip(counts, found, capitals, strict=True) if not caps
        )
        counts = [
            n + (a if elsewhere or not caps else 0)
            for n, a, caps in zip(counts, found, capitals, strict=True)
        ]
    if any(counts) and names.last_word:
        counts = [n + _last_word_count(names, t) for n, t in zip(counts, texts, strict=True)]
    return counts


def names_anywhere(names: TopicNames, text: str) -> bool:
    """Does `text` name the topic at all (a quick check before `count_mentions`)? The phrase
    pattern runs only when a name's first stem occurs in the text (a plain substring search is
    many times faster than the pattern over a text naming nothing)."""
    lower = text.lower()
    if any(stem in lower for stem in _first_stems(names.phrases)) and _phrase_pattern(
        names.phrases
    ).search(lower):
        return True
    short = (*names.abbreviations, *([names.initials] if names.initials else []))
    return bool(short) and _abbreviation_pattern(short).search(text) is not None


def capitalized_mostly(names: TopicNames, sentences: tuple[str, ...] | list[str]) -> bool:
    """Does the text write the topic as a name: are most of its mentions inside a sentence (not
    its first word) capitalized ("Labour said", not "labour costs")?"""
    pattern = _phrase_pattern(names.phrases)
    capitalized = inside = 0
    for sentence in sentences:
        lower = sentence.lower()
        for match in pattern.finditer(lower, 1):
            inside += 1
            capitalized += sentence[match.start()].isupper()
        if names.abbreviations:
            inside += len(_abbreviation_pattern(names.abbreviations).findall(sentence))
            capitalized += len(_abbreviation_pattern(names.abbreviations).findall(sentence))
    return inside > 0 and 2 * capitalized > inside


def writes_a_word(names: TopicNames, text: str) -> bool:
    """Does `text` write one of the topic's own `words` (lower-case, light stemming, as a name
    is found)?"""
    return bool(names.words) and _phrase_pattern(names.words).search(text.lower()) is not None


def _in_capitals(text: str) -> bool:
    """Is `text` written all in capitals (a wire headline), where a word cannot be told from an
    abbreviation?"""
    return text.isupper() and sum(c.isalpha() for c in text) > 3


def _stem(word: str) -> str:
    """Drop a plural "s" and trailing vowels: russia, russian → russi(an); currencies → currenc."""
    for strip in ("s", "aeiouy"):
        if len(word) > 3:
            word = word.rstrip(strip) or word
    return word


@lru_cache(maxsize=1_000)
def _first_stems(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(topic_terms(phrase)[0] for phrase in phrases if topic_terms(phrase))


@lru_cache(maxsize=1_000)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Lower-case text naming any of `phrases`: whole words, each a stem plus at most
    `_MAX_SUFFIX_CHARS` letters, adjacent and in order."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = [rf"{re.escape(t)}[^\W_]{{0,{_MAX_SUFFIX_CHARS}}}" for t in topic_terms(phrase)]
        alternatives.append(r"[\W_]+".join(words))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


@lru_cache(maxsize=1_000)
def _abbreviation_pattern(abbreviations: tuple[str, ...]) -> re.Pattern[str]:
    """Text holding one of `abbreviations` as a whole word, in capitals ("EU", "EU's")."""
    alternatives = "|".join(re.escape(a) for a in abbreviations)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_'’]|['’][^\Ws])")


def _last_word_count(names: TopicNames, text: str) -> int:
    """How often a multi-word topic's last word stands capitalized on its own ("Mr Blair",
    "Blair said"): not after another capitalized word but a title ("Cherie Blair" is someone
    else, "Tony Blair" is counted as the whole name)."""
    count = 0
    for match in re.finditer(rf"\b{re.escape(names.last_word.capitalize())}(?![^\W_])", text):
        before = _WORD.findall(text[max(0, match.start() - 30) : match.start()])
        previous = before[-1] if before else ""
        if not previous[:1].isupper() or previous.lower() in _TITLES:
            count += 1
    return count
