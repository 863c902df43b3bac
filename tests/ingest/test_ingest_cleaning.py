"""Junk that pasted copies carry is removed; the article's own words stay."""

from collections.abc import Callable

from bot.ingest import parse_text


def _text(fixture_text: Callable[[str], str], name: str) -> str:
    (draft,) = parse_text(fixture_text(name), source="test")
    return draft.text


def test_repeated_lines_and_newsletter_boilerplate_removed(fixture_text) -> None:
    text = _text(fixture_text, "newsletter.txt")

    assert "Sign up" not in text
    assert "appeared first on" not in text
    assert "Welcome to" not in text
    assert text.count("The port authority voted on Monday") == 1


def test_empty_section_labels_removed_but_labels_with_content_kept(fixture_text) -> None:
    text = _text(fixture_text, "newsletter.txt")

    assert "Most Read" not in text
    assert "What We're Following\n\nFishing quotas." in text
    assert "A Bit of Culture\n\nThe town choir" in text


def test_forum_ui_tokens_removed(fixture_text) -> None:
    paragraphs = _text(fixture_text, "forum_thread.txt").split("\n\n")

    for token in ("link", "fedilink", "English", "arrow-up", "12", "3", "·", "edit-2"):
        assert token not in paragraphs
    assert not any("ago" in paragraph for paragraph in paragraphs)
    assert not any("@" in paragraph for paragraph in paragraphs)


def test_forum_comments_stay_but_quoted_lead_is_not_duplicated(fixture_text) -> None:
    text = _text(fixture_text, "forum_thread.txt")

    assert text.startswith("The river ferry service will stop running at night")
    assert text.count("citing a shortage of trained crews") == 1
    assert "Honestly this was bound to happen" in text
    assert "The night boats were always half empty" in text


def test_comment_form_captcha_and_disclaimer_removed(fixture_text) -> None:
    text = _text(fixture_text, "think_tank.txt")

    for junk in (
        "Post new comment",
        "kept private",
        "3 + 4 =",
        "Solve this simple math problem",
        "Contact Us",
        "Image Source",
        "scholastic articulation",
        "More >>",
    ):
        assert junk not in text


def test_reference_list_at_the_end_removed(fixture_text) -> None:
    text = _text(fixture_text, "think_tank.txt")

    assert "https://" not in text
    assert "Sea Tech News" not in text
    assert text.endswith("apologised to its readers.")


def test_numbered_list_without_citations_is_kept() -> None:
    text = (
        "How to prepare for the storm season on the coast this winter\n"
        "The harbour master has published advice for boat owners ahead of the winter storms.\n"
        "1. Double the mooring lines on every boat.\n"
        "2. Take loose gear off the deck and store it below.\n"
    )

    (draft,) = parse_text(text, source="test")

    assert draft.text.endswith(
        "1. Double the mooring lines on every boat.\n\n"
        "2. Take loose gear off the deck and store it below."
    )


def test_footnote_markers_are_removed_but_real_numbers_kept(fixture_text) -> None:
    text = _text(fixture_text, "think_tank.txt")

    assert "2012 regatta. The article" in text
    assert "the mainland. The council" in text
    assert text.count("June 2019.") == 1 and "June 2019. 3" not in text
    assert '"have always fished these waters freely."\n' in text
    assert "affected. The website" in text
    assert "readers. 6" not in text
    for number in ("$31 billion", "2,492 percent", "in 2016", "202 BC", "4,800 N95"):
        assert number in text


def test_bracketed_footnote_markers_are_removed(fixture_text) -> None:
    drafts = parse_text(fixture_text("journal_issue.md"), source="test")

    assert "[1]" not in drafts[0].text
    assert "grain and timber." in drafts[0].text


def test_markdown_markup_becomes_plain_text(fixture_text) -> None:
    drafts = parse_text(fixture_text("journal_issue.md"), source="test")
    text = "\n\n".join(draft.text for draft in drafts)

    for markup in ("**", "###", "##", "](", "\\$", "*The nights"):
        assert markup not in text
    assert "New Cranes and a Deeper Channel\n\n" in text
    assert "$240 million" in text
    assert "The nights were long, and the only company we had was the radio" in text


def test_image_captions_and_citation_parentheticals_dropped(fixture_text) -> None:
    first, second, _ = parse_text(fixture_text("journal_issue.md"), source="test")

    assert "Source:" not in first.text + second.text
    assert "Cargo ships wait outside" not in first.text
    assert "Port Authority" not in first.text
    assert "record tonnage for the year. Trade" in first.text
    assert "cheap land and quick permits. Two firms" in second.text


def test_notes_section_and_author_bio_removed(fixture_text) -> None:
    drafts = parse_text(fixture_text("journal_issue.md"), source="test")

    for draft in drafts:
        assert "Notes" not in draft.text
        assert "Harbour Press" not in draft.text
        assert "example.org" not in draft.text
        assert f"{draft.author} is" not in draft.text


def test_executive_summary_bullets_kept_as_plain_sentences(fixture_text) -> None:
    first = parse_text(fixture_text("journal_issue.md"), source="test")[0]

    assert "Executive Summary" not in first.text
    assert first.text.startswith(
        "Trade through the harbour grew last year although storms closed it for weeks.\n\n"
        "New cranes and a deeper channel let larger ships call at the port."
    )


def test_hyphenated_line_break_is_rejoined(fixture_text) -> None:
    first = parse_text(fixture_text("journal_issue.md"), source="test")[0]

    assert "exports of ball-bearings and machine parts" in first.text


LEAD = (
    "Russia launched its largest drone attack on the Ukrainian capital overnight, officials in "
    "Kyiv said on Sunday, killing at least two people and injuring 18."
)


def test_a_standfirst_without_a_full_stop_stays_a_paragraph_of_its_own() -> None:
    standfirst = (
        "Ukrainian officials say air defences shot down most of the 140 drones, but debris hit "
        "apartment blocks in three districts"
    )

    (draft,) = parse_text(f"Drone attack on Kyiv\n\n{standfirst}\n\n{LEAD}", source="test")

    assert draft.text.split("\n\n") == [standfirst, LEAD]


def test_a_long_line_broken_mid_phrase_and_hard_wrapped_lines_are_rejoined() -> None:
    broken = (
        "Woo boasted in a leaked message of having brought pressure on the\n\n"
        "German government through a parliamentary question about the port."
    )
    wrapped = (
        "The attack was the largest since the invasion began, said the mayor, Vitali\n"
        "Klitschko, as firefighters put out the last fires in three districts.\n"
    )

    (draft,) = parse_text(f"Drone attack on Kyiv\n\n{broken}\n\n{wrapped}", source="test")

    assert draft.text.split("\n\n") == [
        " ".join(broken.split("\n\n")),
        " ".join(wrapped.split()),
    ]


def test_whitespace_is_normalized_to_paragraphs_with_one_blank_line(fixture_text) -> None:
    text = _text(fixture_text, "forum_thread.txt")

    assert "\n\n\n" not in text
    for paragraph in text.split("\n\n"):
        assert paragraph == paragraph.strip()
        assert "\n" not in paragraph
        assert "  " not in paragraph


def test_news_sites_credits_buttons_and_wire_sign_offs_removed_but_sentences_kept() -> None:
    furniture = [
        "Photograph: Anna Moneymaker/Getty Images",
        "Image caption, Firefighters at the scene",
        "Related: Ukraine war latest",
        "Share on Facebook",
        "Listen to this article",
        "5 min read",
        "Updated 12:04 GMT",
        "Follow Al Jazeera on Twitter",
        "AP Photo/Evan Vucci",
        "Copyright 2024 The Associated Press. All rights reserved.",
        "(Reporting by Andrew Osborn in Moscow; Editing by Mark Heinrich)",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "Firefighters at the scene in Kyiv on Sunday. Photograph: Gleb Garanich/Reuters",
        "Residents in a metro station in Kyiv. Credit...Tyler Hicks/The New York Times",
        "Credit...Brendan Hoffman for The New York Times",
    ]
    sentences = [
        "The Kremlin said talks would resume on Monday after a pause of three weeks.",
        "Reporting by the BBC found that three people died in the fire.",
        "Photographs of the scene show damage to the roof, police said.",
        "Share prices fell 3% in early trading in Moscow.",
        "Updated figures show a 5% rise in 2024.",
        "Getty Images said it would appeal the ruling.",
        "Credit Suisse shares fell 3% in Zurich: credit markets were calm.",
    ]
    pasted = (
        "Talks to resume\n\n"
        + "\n\n".join(line for pair in zip(sentences, furniture, strict=False) for line in pair)
        + "\n\n"
        + "\n\n".join(furniture[len(sentences) :])
    )

    (draft,) = parse_text(pasted, source="test")

    assert draft.text.split("\n\n") == sentences
