"""Sentences for users made below `bot.render` (a refusal, a reason a command does not parse),
kept in English with their values so that the handler shows them in the chat's language.

`user_text("A period is 1 to {top} days.", top=3650)` is such a sentence: its English template is
the catalog's message id (`pybabel extract -k user_text`), and `str()` of it (or of an exception
raised with it) is the English text, for logs and callers that show no other language.
`bot.render.i18n.error_text` translates it, and a value that is a sentence itself too. `N_`
marks a text to translate where it is shown, not where it is defined (gettext_noop).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Each language the bot speaks, named in itself (for /language); each but English has a catalog
# in bot/render/locales.
LANGUAGES = {"en": "English", "de": "Deutsch"}


@dataclass(frozen=True, slots=True)
class UserText:
    """An English `str.format` template and the values of its fields."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message.format(
            **{
                name: str(value) if isinstance(value, UserText) else value
                for name, value in self.values.items()
            }
        )


def user_text(message: str, /, **values: object) -> UserText:
    """A sentence for a user, translated where it is shown."""
    return UserText(message, values)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for this marker)
    """Mark `message` for the catalog without translating it here (gettext_noop)."""
    return message


# Why an article has no summary, stored with it (the model's own error goes to the log) and
# translated where a chat is told.
SUMMARIZER_FAILED = N_("the summarizer failed on this text")
MODEL_NOT_LOADED = N_("the summary model could not be loaded")
SUMMARY_ERRORS = frozenset({SUMMARIZER_FAILED, MODEL_NOT_LOADED})
