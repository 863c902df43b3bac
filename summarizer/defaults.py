"""The summarizer's defaults that the bot's settings expose, as plain values.

`bot.config` reads them when it is imported, so this module imports nothing: no model module,
no numpy. Each value is explained where it is used (named beside it).
"""

from __future__ import annotations

from typing import Literal

# Word pieces of a text the sentence encoder reads (`summarizer.encoder`).
WINDOW_TOKENS = 48
# How the sentence encoder computes: "auto" uses bfloat16 on a CPU with AMX (`summarizer.encoder`).
Precision = Literal["auto", "float32", "bfloat16"]

# Where the article text goes in an instruct prompt (`summarizer.instruct`).
TEXT_SLOT = "{text}"
DEFAULT_INSTRUCT_PROMPT = (
    "Summarize this news article in three sentences. Start with its main point. Use only facts "
    f"the article states; add no names or numbers of your own.\n\n{TEXT_SLOT}"
)

# The broad categories a topic competes with (`summarizer.topics.settings`): the IPTC Media
# Topics top level (economy, business and finance split in three, as users ask for them apart).
NEWS_CATEGORIES = (
    "arts and culture",
    "crime and law",
    "disaster and accident",
    "economy",
    "business",
    "finance",
    "education",
    "environment",
    "health",
    "human interest",
    "labour",
    "lifestyle and leisure",
    "politics",
    "religion",
    "science and technology",
    "society",
    "sport",
    "conflict and war",
    "weather",
)
