"""Lines that are page furniture, not article: forum UI, comment forms, newsletter boilerplate.

Each paragraph is matched whole against known shapes, so a sentence that merely mentions
"link" or "sign up" is kept. Covered: forum tokens ("link", "fedilink", "arrow-up", vote counts,
"30 days ago", "user@instance.social"), comment forms and captchas ("Post new comment",
"1 + 7 =", "Contact Us"), image captions ending in "(Source: ...)" and "Image Source:" lines,
disclaimers, newsletter lines ("Sign up ...", "The post X appeared first on Y.", "Most Read"),
news sites' furniture (photo credits "Photograph: …/Getty Images", "Image caption, …", "Related:
…", "Share on Facebook", "Listen to this article", "5 min read", "Updated 12:04 GMT", a wire's
sign-off "Reporting by Jane Roe; Editing by John Doe" and "Our Standards: …"),
a greeting opening the text ("Welcome to ..."), summary labels ("Executive Summary:") and the
author's bio ("Jane Roe is a fellow at ..."). Limits: English only; a site with its own
furniture needs its shape added here.
"""

from __future__ import annotations

import re

from bot.ingest.metadata import post_footer_title

# Capitalized names, "in Place" after them: the reporters and editors of a wire sign-off (case
# sensitive inside the pattern, which ignores case).
_NAME = r"[A-Z][\w'’.-]*"
_NAMES = rf"(?-i:{_NAME}(?:(?:,? and |, | ){_NAME})*(?: in {_NAME}(?: {_NAME})*)?)"
_FURNITURE = re.compile(
    "|".join(
        (
            # forum UI
            r"(?:fedi|perma)?link|reply|report|share|save|hide|block|embed|context|parent|source",
            r"(?:edit|arrow-(?:up|down)|chevron-(?:up|down))(?:-\d)?|upvote|downvote",
            r"[·•|↑↓▲▼]+|english|deutsch|français|español|italiano|português|русский",
            r"[+\-−]?\d+(?:\.\d+)?k?",
            r"(?:edited\s+)?(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month|year|yr)s?"
            r"\s+ago|just now|yesterday",
            r"@?[\w.\-]+@[\w\-]+(?:\.[\w\-]+)+|(?:u/|@)[\w.\-]+",
            r"\d+\s+(?:points?|votes?|comments?|replies|reply)",
            r"load more comments|(?:view|show) more (?:comments|replies)|\[(?:deleted|removed)\]",
            # comment forms, captchas, site footers
            r"(?:post|leave|add|write|submit)\s+(?:a\s+|new\s+|your\s+)?(?:comment|reply)",
            r"the content of this field is kept private\b.*|solve this simple math problem\b.*",
            r"\d+\s*[-+x×*]\s*\d+\s*=\s*\??",
            r"contact us|about us|privacy policy|terms of (?:use|service)",
            r"cookie (?:policy|settings)",
            r"all rights reserved\.?|(?:copyright\s*)?©.{0,80}",
            r"(?:image|photo|picture)\s+(?:source|credits?)\s*:.*",
            r".{0,600}\(source:[^()]*\)\.?",
            r"\(?(?:the paper is the author|the views expressed|disclaimer\s*:"
            r"|the (?:paper|article|views?) (?:does|do) not necessarily).*",
            r"the authors? (?:is|are|would like|wish(?:es)?|thanks?)\b.*",
            # newsletter boilerplate
            r"(?:sign up|subscribe)\b.{0,200}|unsubscribe\b.*|(?:click|tap) here\b.{0,200}",
            r"(?:view|read) (?:this|it) (?:email |newsletter )?in (?:your|a) browser.*",
            r"forwarded this (?:email|newsletter)\b.*|follow us\b.{0,80}",
            r"advertisement|sponsored(?: content)?|read more\s*:?|related(?: articles| stories)?:?",
            r"(?:\S+\s+){0,3}most (?:read|popular|viewed|shared)\b(?:\s+\S+){0,3}",
            # news sites' and wires' furniture, copied with a story: credits, sharing buttons,
            # sign-offs, reading times, update stamps
            r"(?:photograph|photo|picture|illustration|composite)s?\s*:.{0,200}",
            # a credit alone, or a caption ending in its credit: "… on Sunday. Photograph: Gleb
            # Garanich/Reuters", "… in Kyiv. Credit...Tyler Hicks/The New York Times"
            r"(?:.{1,400}?[.!?…]\s+)?(?:credit\s*(?:\.{3}|…|:)"
            r"|(?:photograph|photo|picture|illustration|composite)s?\s*:)\s*[^.!?]{1,80}",
            r"(?:image|media) (?:caption|source|credit)s?\s*[,:].{0,300}",
            r"getty images|(?:ap|afp|epa|reuters|pa) (?:photo|images?)\b.{0,80}",
            r"related\s*:.{0,200}|share (?:on|via|this)\b.{0,40}|listen to this article",
            rf"\(?(?:additional )?reporting by {_NAMES}(?:[;,] (?:additional reporting|writing|"
            rf"editing|compiled) by {_NAMES})*\.?\)?\.?",
            r"our standards: the thomson reuters trust principles\.?",
            r"copyright\s+(?:©\s*)?\d{4}\b.{0,120}",
            r"\d+\s+min(?:ute)?s?\s+read",
            r"(?:last )?updated(?: on)?:?\s+[\w ,:]{0,40}?(?:\d{1,2}[:.]\d{2}|\d{4})"
            r"(?:\s*(?:gmt|utc|bst|cet|et|edt|est|[ap]\.?m\.?))?\.?",
            r"follow (?:us|[\w .]{1,30}) on (?:twitter|x|facebook|instagram|tiktok|youtube|threads)"
            r"\b.{0,80}",
            # labels over content kept as plain sentences
            r"(?:executive summary|key (?:points|takeaways|findings)|summary|highlights"
            r"|in this (?:issue|article)|table of contents|contents)\s*:?",
        )
    ),
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"welcome(?: back)? to\b.{0,100}[.!]|good (?:morning|afternoon|evening)\b.{0,100}"
    r"|(?:hello|hi)[,!].{0,100}",
    re.IGNORECASE,
)
_HONORIFIC = re.compile(r"^(?:Dr|Prof|Mr|Mrs|Ms|Sir)\.?\s+")
_BIO_VERB = r"\s+(?:is|was|has been|holds|serves|works|received|teaches)\b"


def remove_furniture(lines: list[str]) -> tuple[list[str], str | None]:
    """Drop page furniture; return the kept lines and the title a newsletter footer gave."""
    if lines and _GREETING.fullmatch(lines[0]):
        lines = lines[1:]
    kept: list[str] = []
    footer_title: str | None = None
    for line in lines:
        title = post_footer_title(line)
        if title is not None:
            footer_title = footer_title or title
        elif not _FURNITURE.fullmatch(line):
            kept.append(line)
    return kept, footer_title


def remove_author_bio(lines: list[str], author: str | None) -> list[str]:
    """Drop paragraphs introducing the author ("Jane Roe is a fellow at ...")."""
    if not author:
        return lines
    bio = re.compile(re.escape(_HONORIFIC.sub("", author)) + _BIO_VERB)
    return [line for line in lines if not bio.match(line)]
