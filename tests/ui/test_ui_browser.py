"""The chat UI in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Gradio keeps a queue connection open, so pages are loaded with wait_until="load" and the tests wait for
elements. Screenshots go to artifacts/ (git-ignored); the Enter-to-first-text time to artifacts/ui_timing.json.
"""
from __future__ import annotations

import json
import time

import pytest
from conftest import SAMPLE_QUESTION
from test_ui_library import ARTICLE

pytestmark = pytest.mark.browser

BOT = "#chat [data-testid='bot']"
LAST_BOT_TEXT = """() => { const b = document.querySelectorAll("#chat [data-testid='bot']");
  const t = b.length ? b[b.length - 1].innerText.trim() : "";
  return t && !t.includes("Searching the articles") ? t : false; }"""


def ask(page, text: str) -> float:
    """Type `text`, press Enter; return seconds until the first streamed answer text is on screen."""
    n_bots = page.locator(BOT).count()
    box = page.locator("#question textarea")
    box.fill(text)
    t0 = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll(\"{BOT}\").length > {n_bots}", timeout=30_000)
    page.wait_for_function(LAST_BOT_TEXT, timeout=60_000)
    return time.perf_counter() - t0


def wait_answer(page, turn: int):
    """Wait until answer `turn` (0-based) is final: a clickable marker, a refusal or an error notice."""
    page.wait_for_function(
        f"""() => document.querySelector("#chat a.cite[href^='#cite-{turn}-']")
               || (document.querySelectorAll("#chat .refusal, #chat .notice").length > 0
                   && !document.querySelector("#chat .cite-pending"))""", timeout=60_000)


def test_sample_question_streams_an_answer_with_citations_that_open(page, served, artifacts):
    first_text_s = ask(page, SAMPLE_QUESTION)
    wait_answer(page, 0)
    answer = page.locator(BOT).last
    markers = answer.locator("a.cite")
    assert markers.count() >= 1 and len(answer.inner_text()) > 40
    articles = page.locator("#sources .src-article")
    assert articles.count() >= 1
    panel = page.locator("#sources").inner_text()
    assert "001_" in panel or "004_" in panel

    # clicking a marker opens exactly that passage, with its supporting sentence highlighted
    href = markers.last.get_attribute("href")
    markers.last.click()
    target = page.locator(href)
    page.wait_for_function(f"() => document.querySelector('{href}').open", timeout=20_000)
    assert "active" in target.get_attribute("class")
    assert target.locator("blockquote mark").first.is_visible()
    page.wait_for_timeout(400)  # let the smooth scroll settle for the screenshot
    page.screenshot(path=str(artifacts / "ui_answer_with_sources.png"))

    # a second, warm question measures the steady-state time (the first one also warms the model)
    warm_s = ask(page, "When was the Pakistan-US counterterrorism dialogue held?")
    wait_answer(page, 1)
    (artifacts / "ui_timing.json").write_text(json.dumps(
        {"enter_to_first_text_s": {"first_question": round(first_text_s, 3), "warm": round(warm_s, 3)},
         "measured": time.strftime("%Y-%m-%d %H:%M:%S")}, indent=2))
    print(f"\nEnter -> first streamed text: first {first_text_s:.2f}s, warm {warm_s:.2f}s")
    assert page.outside_requests == []  # rendered without the internet


def test_follow_up_is_answered_and_its_rewrite_is_shown_on_demand(page, artifacts):
    ask(page, SAMPLE_QUESTION)
    wait_answer(page, 0)
    ask(page, "Which of them did the US designate a terrorist organization?")
    wait_answer(page, 1)
    rewritten = page.locator("#sources .src-rewritten").inner_text().removeprefix("searched as:").strip()
    assert rewritten and rewritten not in page.locator("#chat").inner_text()  # folded until asked for
    page.get_by_text("Follow-up searched as a standalone question").click()
    page.wait_for_function("t => document.querySelector('#chat').innerText.includes(t)", arg=rewritten,
                           timeout=20_000)
    # an earlier answer's marker still opens its own passage
    first_marker = page.locator("#chat a.cite[href^='#cite-0-']").first
    href = first_marker.get_attribute("href")
    first_marker.click()
    page.wait_for_function(f"() => document.querySelector('{href}').open", timeout=20_000)
    page.wait_for_timeout(600)  # smooth scroll
    assert passage_in_view(page, href)
    page.screenshot(path=str(artifacts / "ui_follow_up.png"))


def test_a_follow_up_naming_its_own_subject_is_not_rewritten(page):
    ask(page, SAMPLE_QUESTION)
    wait_answer(page, 0)
    ask(page, "What did China pledge to Pakistan?")
    wait_answer(page, 1)
    assert page.get_by_text("Follow-up searched as a standalone question").count() == 0
    assert page.locator("#sources .src-rewritten").count() == 0
    assert "China" in page.locator("#sources").inner_text()


def test_uploaded_article_is_indexed_and_answerable(page, served, artifacts, tmp_path):
    article = tmp_path / "wrenmouth_ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    junk = tmp_path / "photo.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    page.get_by_role("tab", name="Library").click()
    page.locator("#upload input[type=file]").set_input_files([str(article), str(junk)])
    page.wait_for_selector("#chat .notice-info", timeout=120_000)
    notice = page.locator("#chat .notice-info").last.inner_text()
    assert "wrenmouth_ferry.txt" in notice and "Not indexed: photo.png" in notice
    assert "wrenmouth_ferry.txt" in page.locator("#documents").inner_text()
    page.screenshot(path=str(artifacts / "ui_library_upload.png"))

    ask(page, "What powers the ferry in Wrenmouth?")
    wait_answer(page, 0)
    assert page.locator(BOT).last.locator("a.cite").count() >= 1
    page.get_by_role("tab", name="Sources").click()
    assert "wrenmouth_ferry.txt" in page.locator("#sources").inner_text()


def test_errors_show_in_the_chat_and_the_app_keeps_working(page, artifacts):
    page.locator("#question textarea").press("Enter")  # empty message
    page.wait_for_selector("#chat .notice-error")
    page.locator("#question textarea").fill("why " * 5000)  # 20,000 characters typed
    page.locator("#question textarea").press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#chat .notice-error').length >= 2")
    assert "19,999 characters long" in page.locator("#chat .notice-error").last.inner_text()  # spaces collapsed
    ask(page, "What is the recipe for a sourdough starter with rye flour?")
    page.wait_for_selector("#chat .refusal", timeout=60_000)
    page.screenshot(path=str(artifacts / "ui_errors_and_refusal.png"))
    ask(page, SAMPLE_QUESTION)
    wait_answer(page, 1)


def test_thumbs_and_comment_are_saved_with_the_answer(page, served):
    feedback_file = served["tmp"] / "feedback.jsonl"
    before = feedback_file.read_text().splitlines() if feedback_file.exists() else []
    ask(page, SAMPLE_QUESTION)
    wait_answer(page, 0)
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_selector("#feedback-comment textarea", timeout=10_000)
    page.locator("#feedback-comment textarea").fill("Missing one group")
    page.get_by_role("button", name="Send comment").click()
    page.wait_for_function("() => !document.querySelector('#feedback-comment textarea')", timeout=10_000)
    lines = [json.loads(x) for x in feedback_file.read_text().splitlines()[len(before):]]
    assert [x["rating"] for x in lines] == ["down", "down"]
    assert lines[1]["comment"] == "Missing one group" and lines[0]["question"] == SAMPLE_QUESTION
    assert lines[0]["citations"] and lines[0]["answer"]


def passage_in_view(page, href: str) -> bool:
    """The passage's header is inside the visible part of the sources panel (and of the window)."""
    return page.evaluate("""h => { const t = document.querySelector(h).getBoundingClientRect();
        const p = document.querySelector('#sources').getBoundingClientRect();
        return t.top >= p.top - 1 && t.top < p.bottom && t.top < window.innerHeight; }""", href)


def test_started_like_rag_serve_the_page_fills_its_library_once_the_store_opens(browser, seed_index, tmp_path):
    """`rag serve` (and `rag ui`) serves the page before opening the store; the header, article list and
    the examples built from the articles' titles arrive on page load, and questions are answered."""
    import shutil

    from conftest import free_port

    from rag.config import Config
    from rag.serve.server import start

    shutil.copytree(seed_index, tmp_path / "index")
    port = free_port()
    demo = start(Config.load(index_dir=str(tmp_path / "index")), host="127.0.0.1", port=port)
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    try:
        pg = context.new_page()
        pg.goto(f"http://127.0.0.1:{port}/", wait_until="load")
        pg.wait_for_function("() => /5 articles indexed/.test(document.querySelector('#app-header')?.innerText)",
                             timeout=60_000)
        pg.get_by_role("tab", name="Library").click()
        assert "001_" in pg.locator("#documents").inner_text()
        pg.get_by_role("tab", name="Sources").click()
        example = pg.locator("#examples").get_by_text("What is “", exact=False).first  # built from titles
        example.click()
        pg.wait_for_function("() => document.querySelector('#question textarea').value.startsWith('What is')",
                             timeout=10_000)
        ask(pg, SAMPLE_QUESTION)
        wait_answer(pg, 0)
        assert pg.locator(BOT).last.locator("a.cite").count() >= 1
    finally:
        context.close()
        demo.close()


def test_a_question_asked_as_of_a_day_before_the_articles_is_refused(page):
    page.locator("#settings").get_by_text("Settings").first.click()
    day = page.locator("#as-of textarea, #as-of input").first
    day.fill("1990-01-01")  # before any seed article was written
    ask(page, SAMPLE_QUESTION)
    page.wait_for_selector("#chat .refusal", timeout=60_000)
    day.fill("")
    ask(page, SAMPLE_QUESTION)
    wait_answer(page, 1)
    assert page.locator("#chat a.cite[href^='#cite-1-']").count() > 0
