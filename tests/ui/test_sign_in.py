"""Signing in to the chat page through a real OpenID Connect provider on loopback, in a real
headless Chromium: each person sees the papers of their groups and never another group's."""

from __future__ import annotations

import re

import pytest
from helpers import servers
from helpers.browser import STARTUP_SECONDS, start_streamlit
from helpers.chat_page import GROUP_QUESTIONS, RESTRICTED
from helpers.oidc_provider import INSECURE, running_provider, sign_in

from ui.identity import NO_PROVIDER

ANSWER_MS = 120_000
# The caption under each answer: "3 sources · 1.25 s" or "not answered · 0.40 s".
DONE = re.compile(r"(sources?|not answered) \u00b7 [\d.]+ s")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PEOPLE = {"cabinet": "ada@example.org", "officers": "ben@example.org"}


def ask(page, question: str) -> str:
    """Ask, wait for the answer's caption, and return the page's whole text as shown."""
    before = page.get_by_text(DONE).count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "([n, re]) => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
        ".filter(e => new RegExp(re).test(e.innerText)).length > n",
        arg=[before, DONE.pattern],
        timeout=ANSWER_MS,
    )
    page.wait_for_timeout(500)  # let the rest of the rerun paint
    return page.content()


def others(group: str) -> list[str]:
    """What must never reach a person of `group`: other groups' papers, by file name."""
    return [name for name, owner in RESTRICTED.items() if owner != group]


def test_each_person_sees_only_the_papers_of_their_groups(browser, access_index, tmp_path):
    port = servers.free_port()
    app_url = f"http://127.0.0.1:{port}"
    with running_provider() as provider:
        for group, email in PEOPLE.items():
            provider.add_user(email, email=email, groups=[group])
        secrets = provider.secrets_toml(tmp_path, app_url=app_url)
        process, url = start_streamlit(
            access_index, tmp_path / "streamlit.log", port=port, secrets=secrets, env=INSECURE
        )
        try:
            for group, email in PEOPLE.items():
                context = browser.new_context(viewport={"width": 1500, "height": 1000})
                page = context.new_page()
                page.goto(url)
                page.get_by_role("button", name="Sign in").wait_for(timeout=STARTUP_SECONDS * 1000)
                sign_in(page, email, timeout_ms=STARTUP_SECONDS * 1000)
                assert f"public papers and those for {group}" in page.content()
                own = next(name for name, owner in RESTRICTED.items() if owner == group)
                shown = ask(page, GROUP_QUESTIONS[group])
                assert own in shown, f"{email} was not answered from {own}"
                for question in GROUP_QUESTIONS.values():  # the other group's question too
                    shown = ask(page, question)
                    for name in others(group):
                        assert name not in shown, f"{email} was shown {name}"
                context.close()
        finally:
            servers.stop(process)


def test_signed_out_without_a_provider_sees_public_papers_only(browser, access_index, tmp_path):
    process, url = start_streamlit(access_index, tmp_path / "streamlit.log")
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=STARTUP_SECONDS * 1000)
        page.get_by_text("no identity provider is configured").wait_for(timeout=30_000)
        assert NO_PROVIDER.rstrip(".") in page.locator("section").first.inner_text()
        assert page.get_by_role("button", name="Sign in").count() == 0
        for question in GROUP_QUESTIONS.values():
            shown = ask(page, question)
            for name in RESTRICTED:
                assert name not in shown
        page.close()
    finally:
        servers.stop(process)
