"""The public page in a real browser: Debian's Chromium driven by Playwright.

Loads the page in both languages, switches language, follows each download link, checks the
print stylesheet, and saves a screenshot of each language to ``test-artifacts/``. Without a
browser the test skips, except under ``CI=true`` where a missing browser is a failure.
"""

import csv
import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from registry.changes import roster_write
from registry.choices import BUILTIN_CATEGORIES
from registry.models import Category

from .conftest import public_roster_data, roster_import

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _missing(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true needs a browser: {reason}")
    pytest.skip(f"{reason} (install with: apt-get install chromium fonts-noto-cjk)")


@pytest.fixture
def playwright_api():
    """Checked before anything else, so that a machine without a browser skips at once."""
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    return sync_playwright


@pytest.fixture
def browser(playwright_api, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own database work
    # happens before the browser starts, and the live server runs in its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def roster(transactional_db):
    # An earlier transactional test flushes the tables, the migration's categories included.
    with roster_write(actor="test"):
        for position, (slug, name_en, name_zh_hans) in enumerate(BUILTIN_CATEGORIES):
            Category.objects.get_or_create(slug=slug, defaults={
                "name_en": name_en, "name_zh_hans": name_zh_hans, "builtin": True,
                "position": position,
            })
    roster_import(public_roster_data(4))


def download(page, link_name, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_public_list_in_both_languages(playwright_api, roster, live_server, browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900},
                            java_script_enabled=False)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/sub-processors/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Sub-processors"
    assert page.get_by_role("row", name="Vendor 00001 Inc").is_visible()
    # The stylesheet is loaded (the Content Security Policy allows it): the tables have borders.
    assert page.locator("table.entries").first.evaluate(
        "t => getComputedStyle(t).borderCollapse") == "collapse"
    page.screenshot(path=ARTIFACTS / "public-list-en.png", full_page=True)

    rows = list(csv.reader(io.StringIO(
        download(page, "CSV", tmp_path).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Name" and rows[1][0] == "Vendor 00000 Inc"
    assert json.loads(download(page, "JSON", tmp_path).read_text())[0]["name"] == (
        "Vendor 00000 Inc")
    assert download(page, "XLSX", tmp_path).read_bytes()[:2] == b"PK"

    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url("**/zh-hans/sub-processors/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "子处理者"
    assert page.get_by_text("vendor-00001 用途").is_visible()
    assert page.get_by_role("heading", name="第三方 AI 模型供应商").is_visible()
    page.screenshot(path=ARTIFACTS / "public-list-zh-hans.png", full_page=True)

    rows = list(csv.reader(io.StringIO(
        download(page, "CSV", tmp_path).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "名称" and rows[1][2] == "vendor-00000 用途"
    exported = json.loads(download(page, "JSON", tmp_path).read_text())
    categories = {row["category"] for row in exported}
    assert categories == {"云基础设施与存储", "第三方 AI 模型供应商", "支付处理"}
    assert download(page, "XLSX", tmp_path).name.startswith("sub-processors-zh-hans-")

    # The as-of form works without JavaScript.
    page.get_by_label("查看以下日期的名单").fill("2001-01-01")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/zh-hans/sub-processors/?as_of=2001-01-01")
    assert page.get_by_text("目前没有列出的子处理者。").is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/sub-processors/?as_of=2001-01-01")
    assert page.locator("html").get_attribute("lang") == "en"

    # Print: the form and the links are gone, the list remains.
    page.goto(f"{live_server.url}/sub-processors/")
    page.emulate_media(media="print")
    assert not page.locator("form.as-of-form").is_visible()
    assert not page.get_by_role("link", name="CSV").is_visible()
    assert page.get_by_role("row", name="Vendor 00001 Inc").is_visible()
    page.pdf(path=ARTIFACTS / "public-list-en.pdf")
    page.screenshot(path=ARTIFACTS / "public-list-en-print.png", full_page=True)

    # A phone: the tables become one card per sub-processor, nothing scrolls sideways.
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/zh-hans/sub-processors/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=ARTIFACTS / "public-list-zh-hans-phone.png", full_page=True)
    assert errors == []
