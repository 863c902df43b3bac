"""Markdown to plain text with regular expressions, keeping the words and dropping the markup.

Handled: headings, bold/italic, bullets, block quotes, rules, code fences, inline code, images,
links (their text is kept), backslash escapes, and citation parentheticals made of links and
dates such as "([MFA](#), March 22)", which are dropped whole because they read as noise once
the links are gone. Limits: no nested emphasis across lines, no tables, no HTML blocks; a
lone asterisk or underscore in plain text is left alone because emphasis needs a closing mark
on the same line with no space inside it.
"""

from __future__ import annotations

import re

_LINK = r"\[[^\]\n]*\]\([^)\s]*\)"
_CITATION = re.compile(rf"[ \t]*\(\s*(?:cf\.\s*)?{_LINK}(?:[^()\[\]\n]|{_LINK})*\)")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK_TEXT = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s+\S+.*$", re.MULTILINE)
_FENCE_OR_RULE = re.compile(r"^\s*(?:`{3,}.*|~{3,}.*|(?:[-*_]\s*){3,})$", re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$", re.MULTILINE)
_QUOTE = re.compile(r"^\s*>\s?", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+•◦▪]\s+", re.MULTILINE)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$<>|~])")


def markdown_to_text(text: str) -> str:
    """Return `text` with Markdown markup removed; line structure is kept."""
    text = _FENCE_OR_RULE.sub("", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _IMAGE.sub("", text)
    text = _CITATION.sub("", text)
    text = _LINK_TEXT.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HEADING.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC_STAR.sub(r"\1", text)
    text = _ITALIC_UNDERSCORE.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", text)
