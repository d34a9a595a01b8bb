"""/docs renders the OpenAPI schema in a real headless Chromium with nothing fetched from outside."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


def test_swagger_ui_renders_every_route_offline(service):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    outside = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(service.url) else None)
            page.goto(service.url + "/docs", wait_until="load")
            page.wait_for_selector(".opblock", timeout=30_000)
            shown = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()
    assert {"/v1/ask", "/v1/chat/completions", "/v1/documents/{name}"} <= {s.strip() for s in shown}
    assert outside == []
