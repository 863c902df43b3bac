"""The bot's texts in the chat's language, through the running application: a private chat
follows its user's Telegram language, /language changes it, and the command menu is set in
every language the bot speaks."""

from __future__ import annotations

from tests.handlers.live import live_bot
from tests.pageserver import PageServer

GERMAN_USER = 801
ENGLISH_USER = 802
GROUP = -803
GROUP_ADMIN = 4242  # the fake's default sender in groups


async def ask(live, chat_id: int, text: str, **kw) -> str:
    [reply] = await live.send_and_wait(chat_id, text, **kw)
    return reply.plain_text


async def test_a_german_users_private_chat_gets_german_replies(live):
    help_text = await ask(live, GERMAN_USER, "/help", language_code="de")
    digest = await ask(live, GERMAN_USER, "/digest russia", language_code="de")
    timezone = await ask(live, GERMAN_USER, "/timezone", language_code="de")

    assert help_text.startswith("digestbot speichert die Nachrichtenartikel")
    assert digest.startswith("Keine Artikel zu russia in den letzten")
    assert timezone.startswith("Die Zeitzone dieses Chats ist")
    assert live.services.store.chats.language(GERMAN_USER) == "de"


async def test_a_user_whose_telegram_speaks_another_language_gets_english(live):
    assert (await ask(live, ENGLISH_USER, "/help", language_code="ru")).startswith(
        "digestbot stores the news articles"
    )
    assert (await ask(live, ENGLISH_USER + 1, "/help")).startswith("digestbot stores")


async def test_language_switches_the_chats_replies_and_names_the_choices(live):
    shown = await ask(live, GERMAN_USER, "/language", language_code="de")
    switched = await ask(live, GERMAN_USER, "/language en", language_code="de")
    after = await ask(live, GERMAN_USER, "/timezone", language_code="de")
    unknown = await ask(live, GERMAN_USER, "/language xx", language_code="de")
    back = await ask(live, GERMAN_USER, "/language de-AT", language_code="de")

    assert shown == (
        "Die Sprache dieses Chats ist Deutsch. Ändere sie mit /language und einem Code: "
        "en (English), de (Deutsch)."
    )
    assert switched == "I answer in English from now on."
    assert after.startswith("This chat's time zone is")
    assert unknown == "I have no texts in “xx”. Choose one of: en (English), de (Deutsch)."
    assert back == "Ich antworte ab jetzt auf Deutsch."
    assert live.services.store.chats.language(GERMAN_USER) == "de"


async def test_a_group_speaks_english_until_an_admin_chooses_and_members_may_not(live):
    live.fake.set_admins(GROUP, [GROUP_ADMIN])
    group = {"chat_type": "group", "title": "Desk", "language_code": "de"}

    before = await ask(live, GROUP, "/timezone", **group)
    refused = await ask(live, GROUP, "/language de", user_id=GROUP_ADMIN + 1, **group)
    chosen = await ask(live, GROUP, "/language de", **group)
    after = await ask(live, GROUP, "/unsubscribe", **group)

    assert before.startswith("This chat's time zone is")
    assert refused.startswith("Sorry, only this group's admins can change")
    assert chosen == "Ich antworte ab jetzt auf Deutsch."
    assert after == "Welches Thema? Zum Beispiel: /unsubscribe russia"


async def test_the_command_menu_is_set_in_english_and_in_german(live):
    english = {c["command"]: c["description"] for c in live.fake.commands_in("")}
    german = {c["command"]: c["description"] for c in live.fake.commands_in("de")}

    assert english.keys() == german.keys()
    assert "language" in english
    assert english["digest"] == "Articles about a topic from the last days: /digest russia"
    assert german["digest"] == "Artikel zu einem Thema aus den letzten Tagen: /digest russia"
    codes = [call.params.get("language_code") for call in live.fake.calls("setMyCommands")]
    assert sorted(code or "" for code in codes) == ["", "de"]


async def test_a_refusal_made_below_the_handlers_reaches_a_german_chat_in_german(live):
    page = await ask(live, GERMAN_USER, "/digest russia 99999", language_code="de")
    zone = await ask(live, GERMAN_USER, "/timezone Mars/Olympus", language_code="de")
    schedule = await ask(live, GERMAN_USER, "/subscribe russia at 25:00", language_code="de")

    assert page == "Seiten gehen von 1 bis 9999, z. B. /digest russia 2."
    assert zone.startswith("Die Zeitzone 'Mars/Olympus' kenne ich nicht. Nimm einen IANA-Namen")
    assert schedule.startswith(
        "Den Zeitplan 'at 25:00' kann ich nicht lesen: '25:00' ist keine Uhrzeit wie 09:00"
    )
    assert "Nimm eins von: 'daily 07:30'" in schedule


async def test_the_article_and_feed_list_commands_answer_a_german_chat_in_german(live):
    recent = await ask(live, GERMAN_USER, "/recent", language_code="de")
    search = await ask(live, GERMAN_USER, "/search", language_code="de")
    missing = await ask(live, GERMAN_USER, "/article 77", language_code="de")

    assert recent.startswith("Noch keine Artikel gespeichert.")
    assert search.startswith("Schick /search mit einem bis")
    assert missing == "Es gibt keinen Artikel 77; siehe /recent oder /search."


async def test_a_german_chat_gets_ingestions_refusals_in_german(fake, sqlite_store, fake_matcher):
    admin = 805
    with PageServer() as server:
        missing = server.page("/gone", "no such page", status=404)
        pdf = server.page("/report.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
        async with live_bot(
            fake,
            sqlite_store,
            fake_matcher,
            admins=[admin],
            max_article_chars=1_000,
            fetch_allowed_networks=["127.0.0.0/8"],
        ) as live:
            await ask(live, admin, "/language de")
            broken = await ask(live, admin, f"/add {missing}")
            not_html = await ask(live, admin, f"/add {pdf}")
            for name, data, caption in [
                ("long.txt", b"word " * 1_000, None),
                ("notes.txt", b"Harbour Wire https://harbour.example/rss.xml", "/import"),
            ]:
                before = len(fake.messages(admin))
                fake.send_document(admin, name, data, caption=caption)
                await live.wait_for(lambda n=before: len(fake.messages(admin)) > n)
            oversized, not_opml = (m.plain_text for m in fake.messages(admin)[-2:])
            await ask(live, admin, "/language en")
            english = await ask(live, admin, f"/add {missing}")

    assert broken == f"{missing} existiert nicht (HTTP 404). Prüfe den Link."
    assert not_html.startswith(f"{pdf} ist application/pdf, keine Webseite, die ich lesen kann.")
    assert oversized.startswith("long.txt: Die Datei „long.txt“ ist größer als 4,000 Bytes")
    assert not_opml.startswith("notes.txt ist keine OPML-Feedliste. Exportiere eine")
    assert english == f"{missing} does not exist (HTTP 404). Check the link."


async def test_default_language_is_what_groups_speak_until_an_admin_chooses(
    fake, sqlite_store, fake_matcher
):
    fake.set_admins(GROUP, [GROUP_ADMIN])
    group = {"chat_type": "group", "title": "Desk"}
    async with live_bot(fake, sqlite_store, fake_matcher, default_language="de") as live:
        in_group = await ask(live, GROUP, "/timezone", **group)
        chosen = await ask(live, GROUP, "/language en", **group)
        after = await ask(live, GROUP, "/timezone", **group)
        private = await ask(live, ENGLISH_USER, "/timezone")

    assert in_group.startswith("Die Zeitzone dieses Chats ist")
    assert chosen == "I answer in English from now on."
    assert after.startswith("This chat's time zone is")
    assert private.startswith("This chat's time zone is")
