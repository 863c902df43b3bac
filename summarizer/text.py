"""Sentence splitting and passages: the units every model in this package works on.

Sentences are split with a rule that keeps closing quotes and brackets with their sentence and
only breaks before something that can start a sentence (capital, digit, quote, bracket), not
after a known abbreviation or an initial ("Mr.", "U.S.", "W."), and after a photo caption's
closing mark run into the next sentence ("(pictured) He said"), and where a full stop was lost
(a caption or a footnote mark run into the text: "… holding guns It achieved …", "[1] The
…"): before a word that opens a sentence and is written in capitals nowhere else (The, It, He,
She, They, We, This, These, Those, There and the possessives), followed by a word in lower case
("by The Guardian", "the film It Follows" go on). A page's video prompt run into
the text ("… on Tuesday. Scroll down for video The pair …", tabloid pages flattened to text) is
page furniture: it is dropped and ends the sentence before it. So is a wire dateline opening the
text ("LONDON (Reuters) - ", "Beijing, 5 March (AFP) - ", "(CNN)"): where and by whom it was
filed, which no summary should open with and which names no topic of the story. It is the
project's one sentence splitter (ingestion takes a title from it too; this module imports
nothing else so any layer may use it); the Telegram formatter's cut points differ, and say why
(`bot.render.formatting`).
Passages are runs of whole sentences that fit the model's 256-piece window; a sentence longer
than that is split into word windows so no text is dropped. A passage is also kept as its pieces
(sentences or windows), which `summarizer.embedding` embeds one by one (the encoder reads each
piece's first `WINDOW_TOKENS` word pieces only, `summarizer.encoder`).

Other languages: a text that is not plain ASCII has its language detected
(`summarizer.language`); one detected as anything but English is split by `sentencex`, which
knows the sentence ends and abbreviations of German, French, Chinese ("。") and many more. English
text (and any text whose language is unknown) keeps the rule above, so English figures do not
move. Paragraph breaks bind both ways.
"""

from __future__ import annotations

import functools
import re

import sentencex

from summarizer.language import detect_language

PASSAGE_WORDS = 120  # most words of a passage (and of a piece of one sentence)

_CLOSING_MARK = r"[.!?…]"  # what ends a sentence, perhaps followed by up to two of:
_AFTER_CLOSING_MARK = r"[\"'”’)\]]"  # a closing quote or bracket
_CLOSED = re.compile(rf"{_CLOSING_MARK}{_AFTER_CLOSING_MARK}{{0,2}}$")
# A break after a sentence's closing mark, or where a full stop was lost: before a capitalized
# word that opens sentences only, followed by a word in lower case (see the module docstring).
_SENTENCE_BREAK = re.compile(
    rf"(?:(?<={_CLOSING_MARK})|(?<={_CLOSING_MARK}{_AFTER_CLOSING_MARK})"
    rf"|(?<={_CLOSING_MARK}{_AFTER_CLOSING_MARK}{{2}}))"
    r"\s+(?=[\"'“‘(\[]?[A-Z0-9£$€\u0400-\u04FF])"
    r"|(?<=[\w)\]])\s+(?=(?:The|It|He|She|They|We|This|These|Those|There|His|Her|Their|Its|Our)"
    r"\s+[a-z])"
)
# A photo caption run into the next sentence, as tabloid pages flattened to text have it ("…
# with his dog (pictured) He said …"): its closing mark ends a sentence.
_CAPTION_END = re.compile(
    r"(\((?i:pictured|pictured [^()]{1,30}|above|below|left|right|centre|center|inset|"
    r"file photo|stock photo|stock image|file picture)\))\s+(?=[A-Z])"
)
# A tabloid page's prompt to its video, run into the text: dropped, a paragraph break in its place.
_VIDEO_PROMPT = re.compile(
    r"\s*\b(?i:scroll down for (?:the )?videos?)\b[:.]?\s*(?=[A-Z0-9\"'“‘(]|$)"
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gen|Col|Lt|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|etc|No|Nos|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|E\.U)|\b[A-Z])\.$"
)


# A wire dateline opening a story: the place it was filed from, maybe its state, then the agency
# in brackets or a date before a dash, or, after a place in capitals, a long dash or a colon alone
# ("LONDON (Reuters) - ", "MOSCOW, Nov 30 (Reuters) - ", "AUSTIN, Texas (AP) — ", "BEIJING — ",
# "Beijing, 5 March (AFP) - ", "BERLIN (dpa) - ", "NEW DELHI: "), or the agency in brackets run
# into the first word, after the place if any ("(CNN)They", "New Delhi, India (CNN)As"). It says
# where and by whom the story was filed, not what it is about.
_PLACE_IN_CAPITALS = r"[A-Z][A-Z.'’/-]+(?: [A-Z][A-Z.'’/-]+){0,3}"
_PLACE = r"[A-Z][\w.'’/-]*(?: [A-Z][\w.'’/-]*){0,3}"
_STATE = r"(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?"
_DATE = r", (?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}\.?)(?:,? \d{4})?"
_AGENCY = r"\([A-Za-z][^()]{0,30}\)"
_AGENCY_RUN_IN = r"\([A-Z][^()]{0,30}\)"  # run into the first word: capitalized, as "(CNN)"
_DASH = r" ?[-—–]{1,2}"
_FIRST_WORD = r" (?=[A-Z0-9\"“‘'(])"
_DATELINE = re.compile(
    rf"{_PLACE_IN_CAPITALS}{_STATE}(?:{_DATE}{_DASH}| [—–]|:){_FIRST_WORD}"
    rf"|{_PLACE}{_STATE}(?:{_DATE})? ?{_AGENCY}{_DASH}{_FIRST_WORD}"
    rf"|(?:{_PLACE}{_STATE} )?{_AGENCY_RUN_IN}(?=[A-Z\"“‘])"
)


def has_closing_mark(sentence: str) -> bool:
    """Does `sentence` end with a closing mark (".", "!", "?", "…"), perhaps quoted or
    bracketed, as the splitter ends sentences?"""
    return _CLOSED.search(sentence) is not None


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences; paragraphs (blank-line or newline separated) never merge; a
    wire dateline opening the text is dropped."""
    language = None if text.isascii() else detect_language(text)
    if language in (None, "en"):
        split = _split_english
        text = _CAPTION_END.sub("\\1\n", _VIDEO_PROMPT.sub("\n", text))
    else:
        split = functools.partial(_split_with_sentencex, language)
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            sentences.extend(split(paragraph))
    if sentences and (dateline := _DATELINE.match(sentences[0])):
        sentences[0] = sentences[0][dateline.end() :]
    return sentences


def _split_with_sentencex(language: str, paragraph: str) -> list[str]:
    pieces = (piece.strip() for piece in sentencex.segment(language, paragraph))
    return [piece for piece in pieces if piece]


def _split_english(paragraph: str) -> list[str]:
    sentences: list[str] = []
    pending = ""
    for piece in _SENTENCE_BREAK.split(paragraph):
        pending = f"{pending} {piece}" if pending else piece
        if not _ABBREVIATIONS.search(pending):
            sentences.append(pending)
            pending = ""
    if pending:
        sentences.append(pending)
    return sentences


def make_passages(sentences: list[str], max_words: int = PASSAGE_WORDS) -> list[str]:
    """Group consecutive sentences into passages of at most about `max_words` words."""
    return [" ".join(pieces) for pieces in passage_pieces(sentences, max_words)]


def passage_pieces(sentences: list[str], max_words: int = PASSAGE_WORDS) -> list[list[str]]:
    """The passages `make_passages` makes, each as its pieces: the sentences it joins, or one
    word window of a sentence longer than `max_words` (each window is a passage of its own).

    `max_words` keeps a passage within a 256-word-piece window (news English runs about 1.3
    pieces per word). The encoder reads each piece's first `WINDOW_TOKENS` only
    (`summarizer.encoder`).
    """
    passages: list[list[str]] = []
    current: list[str] = []
    current_words = 0
    for sentence in sentences:
        words = sentence.split()
        if len(words) > max_words:
            if current:
                passages.append(current)
                current, current_words = [], 0
            passages.extend([window] for window in sentence_pieces(sentence, max_words))
            continue
        if current and current_words + len(words) > max_words:
            passages.append(current)
            current, current_words = [], 0
        current.append(sentence)
        current_words += len(words)
    if current:
        passages.append(current)
    return passages


def sentence_pieces(sentence: str, max_words: int = PASSAGE_WORDS) -> list[str]:
    """`sentence` itself, or its word windows of `max_words` words when it is longer."""
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]


def title_passage(title: str) -> list[str]:
    """The passage an article's title makes: none for a blank title."""
    return [" ".join(title.split())] if title.strip() else []
