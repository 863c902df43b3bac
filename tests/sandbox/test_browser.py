"""The demo as a person uses it: `digestbot demo` started as from a shell, its web chat driven in
headless Chromium (Debian's, with its chromedriver; nothing is downloaded) at phone width.

Asserts what the page shows (message texts and buttons in the DOM) at each step of the issue's
walk-through and saves a screenshot (its path is printed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bot.sandbox.process import digestbot_executable

# the demo's start-up alone can take minutes on a busy machine
pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.timeout(900)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
START_TIMEOUT_S = 400.0  # storing the samples and starting the bot load the model twice
STEP_TIMEOUT_S = 120.0
FIXTURES = Path(__file__).with_name("fixtures")
ARTICLE = (FIXTURES / "moscow_metro.txt").read_text()

# What a person sees: every message bubble with its text, footer and buttons.
READ_CHAT = """
return [...document.querySelectorAll('.msg')].map(m => ({
  id: Number(m.dataset.id),
  mine: m.classList.contains('mine'),
  text: (m.querySelector('.text') || {}).innerText || '',
  bold: [...m.querySelectorAll('.text strong')].map(b => b.innerText),
  meta: m.querySelector('.meta').innerText,
  document: (m.querySelector('.document') || {}).innerText || null,
  buttons: [...m.querySelectorAll('.keyboard button, .keyboard a')].map(b => b.innerText),
}));
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo(tmp_path):
    """`digestbot demo` on a free port; yields its URL, then stops it with Ctrl+C (SIGINT)."""
    port = free_port()
    output = tmp_path / "demo.out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    env["HF_HUB_OFFLINE"] = "1"
    with output.open("w") as out:
        process = subprocess.Popen(
            [digestbot_executable(), "demo", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT_S
    while "Web chat:" not in output.read_text():
        assert process.poll() is None, f"the demo exited:\n{output.read_text()}"
        assert time.monotonic() < deadline, f"the demo did not start:\n{output.read_text()}"
        time.sleep(0.5)
    assert "Listening on loopback (127.0.0.1) only" in output.read_text()
    yield f"http://127.0.0.1:{port}"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0, output.read_text()
    assert output.read_text().rstrip().endswith("Demo stopped.")


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium at phone width, with a fresh profile and no network of its own."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            f"no browser: needs {CHROMIUM} and {CHROMEDRIVER} "
            "(Debian: apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=412,915",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    )
    driver.set_window_size(412, 915)
    yield driver
    driver.quit()


class Page:
    """The web chat as a person sees and uses it."""

    def __init__(self, driver) -> None:
        from selenium.webdriver.common.by import By

        self.driver, self.by = driver, By

    def messages(self) -> list[dict]:
        return self.driver.execute_script(READ_CHAT)

    def wait(self, predicate, what: str, timeout: float = STEP_TIMEOUT_S):
        """Wait until predicate(messages) returns something truthy; return it."""
        deadline = time.monotonic() + timeout
        while True:
            found = predicate(self.messages())
            if found:
                return found
            assert time.monotonic() < deadline, f"no {what} in {self.messages()}"
            time.sleep(0.3)

    def bot_message(self, starts: str, after: int = 0) -> dict:
        return self.wait(
            lambda ms: next(
                (
                    m
                    for m in ms
                    if not m["mine"] and m["id"] > after and m["text"].startswith(starts)
                ),
                None,
            ),
            f"bot message starting {starts!r}",
        )

    def last_id(self) -> int:
        return max((m["id"] for m in self.messages()), default=0)

    def send(self, text: str) -> int:
        """Type text in the message box and press Enter; returns the last message id before."""
        before = self.last_id()
        box = self.driver.find_element(self.by.ID, "text")
        if len(text) > 200:  # a paste: put the text in as a whole, as the clipboard does
            self.driver.execute_script("arguments[0].value = arguments[1];", box, text)
            self.driver.find_element(self.by.ID, "send").click()
        else:
            box.send_keys(text + "\n")
        self.wait(lambda ms: any(m["mine"] and m["id"] > before for m in ms), f"my {text[:20]!r}")
        return before

    def press(self, message_id: int, label: str) -> None:
        xpath = (
            f"//div[@data-id='{message_id}']//div[@class='keyboard']"
            f"//button[starts-with(., '{label}')]"
        )
        self.driver.find_element(self.by.XPATH, xpath).click()

    def upload(self, path: Path) -> int:
        """Choose a file with the paperclip; returns the last message id before."""
        before = self.last_id()
        chooser = self.driver.find_element(self.by.ID, "file")
        self.driver.execute_script("arguments[0].hidden = false;", chooser)  # the OS dialog
        chooser.send_keys(str(path))
        self.wait(lambda ms: any(m["mine"] and m["id"] > before for m in ms), f"my {path.name}")
        return before

    def click(self, element_id: str) -> None:
        self.driver.find_element(self.by.ID, element_id).click()

    def toast(self) -> str:
        return self.driver.find_element(self.by.ID, "toast").text


def test_a_person_tries_the_bot_in_the_web_chat(demo, browser, tmp_path):
    browser.get(demo)
    page = Page(browser)
    page.wait(
        lambda ms: browser.find_element(page.by.ID, "chat-title").text == "Private chat", "chat"
    )

    page.send("/start")
    guide = page.bot_message("digestbot stores")
    assert "digestbot" in guide["bold"] and "/digest" in guide["bold"]  # Telegram HTML rendered

    before = page.send("/subscribe russia")
    page.bot_message("Subscribed to russia", after=before)

    before = page.send(ARTICLE)
    stored = page.bot_message("Stored: Moscow Metro Orders Driverless Trains", after=before)
    summarized = page.wait(
        lambda ms: next(
            (m for m in ms if m["id"] == stored["id"] and "edited" in m["meta"]
             and "Summarizing" not in m["text"]),
            None,
        ),
        "the summary edited into the Stored message",
    )  # fmt: skip
    assert "driverless trains" in summarized["text"].split("\n\n", 1)[1]

    before = page.upload(FIXTURES / "lisbon_trams.txt")
    [sent] = [m for m in page.messages() if m["mine"] and m["id"] > before]  # the bot may answer
    assert sent["document"] == "lisbon_trams.txt"  # before the page is read: not the last one
    page.bot_message("Stored: Lisbon Brings Back Two Historic Tram Lines", after=before)

    before = page.send("/digest russia")
    first = page.bot_message("Digest: russia", after=before)
    assert "page 1 of" in first["text"]
    assert first["buttons"] == ["Next page (2) ›", "Whole digest as a file (HTML, JSON)"]
    page.press(first["id"], "Next page")
    second = page.bot_message("Digest: russia", after=first["id"])
    assert "page 2 of" in second["text"]

    before = page.last_id()
    page.click("warp")
    page.wait(lambda ms: "runs now" in page.toast(), "the time warp's answer", timeout=10)
    push = page.bot_message("Digest: russia", after=before)
    assert "Moscow Metro Orders Driverless Trains" in push["text"]
    assert (
        push["buttons"][0].startswith("Full summary: Moscow Metro")
        and push["buttons"][-1] == "Unsubscribe"
    )
    page.press(push["id"], "Full summary")
    full = page.wait(
        lambda ms: next(
            (m for m in ms if m["id"] == push["id"] and m["text"].startswith("Moscow Metro")), None
        ),
        "the full summary in place of the push",
    )
    assert full["text"] != push["text"] and full["buttons"] == [
        "« Back to the digest",
        "Unsubscribe",
    ]

    browser.find_element(
        page.by.XPATH, "//nav[@id='chats']/button[@title='Newsroom group']"
    ).click()
    from selenium.webdriver.support.select import Select

    Select(browser.find_element(page.by.ID, "writer")).select_by_visible_text("Bob (member)")
    before = page.send("/subscribe russia")
    refusal = page.bot_message("Sorry, only this group's admins", after=before)
    assert refusal["text"].endswith("Anyone can still ask for a /digest.")

    browser.find_element(page.by.XPATH, "//nav[@id='chats']/button[@title='Private chat']").click()
    page.wait(lambda ms: any(m["id"] == push["id"] for m in ms), "the private chat again")
    screenshot = tmp_path / "webchat.png"
    browser.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")
    assert screenshot.stat().st_size > 10_000
