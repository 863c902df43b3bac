"""Telegram-HTML parsing as the Bot API does it (parse_mode="HTML").

The algorithm follows TDLib's ``parse_html`` (the code behind the Bot API): a single left-to-right
scan over the text that decodes the character references ``&lt; &gt; &amp; &quot;`` and numeric
ones, opens an entity on each supported start tag, closes it on the matching end tag (``</>``
closes whatever is open) and measures offsets in UTF-16 code units. Tag names are
case-insensitive, unknown attributes are ignored, an empty entity produces nothing. Error
messages are TDLib's, with byte offsets into the UTF-8 text.

Limits: text links are not checked as URLs, ``tg://user?id=`` links stay text links (Telegram
turns them into text mentions), and ``tg-time`` is unsupported. Telegram keeps a bare ``&`` or
an unknown reference like ``&nbsp;`` literally; with ``strict=True`` (the fake's default) they are
refused instead, because a bare ``&`` in the bot's output means a forgotten ``html.escape``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(error)`` is TDLib's reason."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    result_start: int  # index into the result characters, for <a> without href


@dataclass
class _Parser:
    text: str
    strict: bool
    result: list[str] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    stack: list[_OpenTag] = field(default_factory=list)
    utf16_offset: int = 0
    pos: int = 0

    def at(self, index: int) -> str:
        return self.text[index] if index < len(self.text) else ""

    def byte_offset(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def emit(self, chars: str) -> None:
        self.result.append(chars)
        self.utf16_offset += utf16_len(chars)

    def decode_reference(self, start: int) -> tuple[str, int] | None:
        """Decode the reference at ``start`` ('&'): (character, next index) or None."""
        end = start + 1
        if self.at(end) == "#":
            end += 1
            hexadecimal = self.at(end) == "x"
            if hexadecimal:
                end += 1
            digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
            number_start = end
            while self.at(end) and self.at(end) in digits:
                end += 1
            number = self.text[number_start:end]
            code = int(number, 16 if hexadecimal else 10) if number else 0
            if code == 0 or code >= 0x10FFFF or end - start >= 10:
                return None
            char = chr(code)
        else:
            while self.at(end).isascii() and self.at(end).isalpha():
                end += 1
            char = _NAMED_REFERENCES.get(self.text[start + 1 : end], "")
            if not char:
                return None
        if self.at(end) == ";":
            end += 1
        return char, end

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "&":
                decoded = self.decode_reference(self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
                if self.strict:
                    raise self.fail(
                        f"Unescaped '&' at byte offset {self.byte_offset(self.pos)} (Telegram "
                        "keeps it literally, the fake refuses it: write &amp;)"
                    )
            if char != "<":
                self.emit(char)
                self.pos += 1
            elif self.at(self.pos + 1) == "/":
                self.close_tag()
            else:
                self.open_tag()
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.result), self.entities

    def open_tag(self) -> None:
        begin = self.pos
        i = begin + 1
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if not self.at(i):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.text[begin + 1 : i].lower()
        if name not in _SUPPORTED_TAGS:
            raise self.fail(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        argument, i = self.tag_attributes(name, begin, i)
        if name == "span" and argument != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(_OpenTag(name, argument, self.utf16_offset, len(self.result)))
        self.pos = i + 1

    def tag_attributes(self, name: str, begin: int, i: int) -> tuple[str, int]:
        """Reads the attributes of the tag `name` opened at `begin`, from `i` up to its `>`:
        the tag's argument and the position of that `>`."""
        argument = ""
        while self.at(i) != ">":
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ">":
                break
            attribute_start = i
            while self.at(i) and self.at(i) not in _SPACES and self.at(i) not in "=>":
                i += 1
            attribute = self.text[attribute_start:i]
            if not attribute:
                raise self.fail(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if name == "blockquote" and attribute == "expandable" and self.at(i) != "=":
                argument = "1"
                continue
            if self.at(i) != "=":
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {self.byte_offset(begin)}'
                )
            i += 1
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if not self.at(i):
                raise self.fail(
                    f'Unclosed start tag "{name}" at byte offset {self.byte_offset(begin)}'
                )
            value, i = self.attribute_value(i)
            if not self.at(i):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            argument = self.tag_argument(name, attribute, value, argument)
        return argument, i

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in ("'", '"'):
            start = i
            while self.at(i).isascii() and (self.at(i).isalnum() or self.at(i) in ".-"):
                i += 1
            if self.at(i) not in _SPACES + ">" or not self.at(i):
                offset = self.byte_offset(start)
                raise self.fail(f"Unexpected end of name token at byte offset {offset}")
            return self.text[start:i].lower(), i
        i += 1
        value: list[str] = []
        while self.at(i) and self.at(i) != quote:
            if self.at(i) == "&" and (decoded := self.decode_reference(i)) is not None:
                value.append(decoded[0])
                i = decoded[1]
                continue
            value.append(self.at(i))
            i += 1
        if self.at(i) == quote:
            i += 1
        return "".join(value), i

    @staticmethod
    def tag_argument(name: str, attribute: str, value: str, current: str) -> str:
        if name == "a" and attribute == "href":
            return value
        if name == "code" and attribute == "class" and value.startswith("language-"):
            return value[len("language-") :]
        if name == "span" and attribute == "class" and value.startswith("tg-"):
            return value[len("tg-") :]
        if name == "tg-emoji" and attribute == "emoji-id":
            return value
        if name == "blockquote" and attribute == "expandable":
            return "1"
        return current

    def close_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        end_name = self.text[begin + 2 : i].lower()
        while self.at(i) and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        self.pos = i + 1
        length = self.utf16_offset - tag.utf16_offset
        if length > 0:
            self.add_entity(tag, length)

    def add_entity(self, tag: _OpenTag, length: int) -> None:
        offset = tag.utf16_offset
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag.name in _SIMPLE_TYPES:
            entity: dict[str, Any] = {"type": _SIMPLE_TYPES[tag.name]}
        elif tag.name == "a":
            url = tag.argument or "".join(self.result[tag.result_start :])
            entity = {"type": "text_link", "url": url}
        elif tag.name == "blockquote":
            entity = {"type": "expandable_blockquote" if tag.argument else "blockquote"}
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or not 0 < int(tag.argument) < 2**63:
                raise self.fail("Invalid custom emoji identifier specified")
            entity = {"type": "custom_emoji", "custom_emoji_id": tag.argument}
        elif tag.name == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
                return
            entity = {"type": "pre"}
        else:  # code
            if same_span and last is not None and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
                return
            entity = {"type": "code"}
            if tag.argument:
                entity["language"] = tag.argument
        entity.update(offset=offset, length=length)
        self.entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Return the plain text and the Bot API entities of Telegram-HTML ``text``.

    Raises EntityParseError with Telegram's reason when Telegram would answer
    "Bad Request: can't parse entities: <reason>".
    """
    return _Parser(text, strict).parse()
