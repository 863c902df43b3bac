"""The bot's own texts in a chat's language: GNU gettext catalogs kept as Babel .po files.

Every text a user reads goes through `tr` (or `trn` where a count picks the form) with the
chat's language, which the handler or use case passes down; `N_` marks a text where it is
defined (a table of command descriptions) to be translated with `tr` where it is shown, and
`error_text` shows the sentence a lower layer raised (`bot.core.texts.user_text`). A message
is a `str.format` template with named fields; values are inserted after translation, so a
translation may reorder them (callers escape user text before passing it).

The catalogs are `bot/render/locales/<language>/LC_MESSAGES/digestbot.po`, read and compiled in
memory on first use (no build step, no binary files in git). English is the source language: its
texts are the message ids, so it needs no catalog. Adding a language: see the README
("Languages"). A language without a catalog, and a message a catalog lacks, fall back to
English.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core.texts import LANGUAGES, UserText

DOMAIN = "digestbot"
LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"


def supported_language(code: str | None) -> str | None:
    """The language the bot speaks for a Telegram or IETF `code` ("de", "de-AT", "DE_ch"),
    else None."""
    if not code:
        return None
    language = code.replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


def tr(language: str | None, message: str, /, **values: object) -> str:
    """`message` in `language` (English when None or unknown), its fields filled from `values`."""
    return (
        _catalog(supported_language(language) or DEFAULT_LANGUAGE).gettext(message).format(**values)
    )


def trn(language: str | None, singular: str, plural: str, count: int, /, **values: object) -> str:
    """The form of a counted message for `count` in `language`; `{count}` is filled too."""
    catalog = _catalog(supported_language(language) or DEFAULT_LANGUAGE)
    return catalog.ngettext(singular, plural, count).format(count=count, **values)


def error_text(language: str | None, error: BaseException) -> str:
    """The sentence `error` was raised with, in `language`: a `UserText` translated (its
    sentence values too), any other error as its English `str`."""
    if len(error.args) == 1 and isinstance(error.args[0], UserText):
        return _translated(language, error.args[0])
    return str(error)


def _translated(language: str | None, text: UserText) -> str:
    values = {
        name: _translated(language, value) if isinstance(value, UserText) else value
        for name, value in text.values.items()
    }
    return tr(language, text.message, **values)


@functools.cache
def _catalog(language: str) -> gettext.NullTranslations:
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():  # English, the source language
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
