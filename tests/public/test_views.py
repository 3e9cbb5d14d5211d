"""The public page and the exports over HTTP: languages, formats, as_of, caching, CSP."""

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import import_roster_data, roster_entry

from .conftest import public_roster_data, roster_import

pytestmark = pytest.mark.django_db

PAGES = {"en": "/sub-processors/", "zh-hans": "/zh-hans/sub-processors/"}
EXPORTS = [f"{page}export.{fmt}" for page in PAGES.values() for fmt in ("csv", "json", "xlsx")]


class Outline(HTMLParser):
    """Collects what the accessibility checks need: headings, lang, inline styles, scripts."""

    def __init__(self):
        super().__init__()
        self.headings, self.lang, self.inline, self.links = [], None, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if "style" in attrs or tag in {"script", "style"} or any(a.startswith("on") for a in attrs):
            self.inline.append(tag)
        if tag == "a":
            self.links.append(attrs.get("href"))


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def csv_rows(response):
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- the page ---------------------------------------------------------------------------------


def test_page_in_english(client, public_roster):
    response = client.get(PAGES["en"])
    assert response.status_code == 200
    html = response.content.decode()
    assert outline(response).lang == "en"
    assert "Vendor 00000 Inc" in html and "vendor-00000 purpose" in html
    assert "EU Standard Contractual Clauses, Module 2" in html
    assert "Training on customer content disabled" in html
    assert "Upcoming changes" in html


def test_page_in_chinese(client, public_roster):
    response = client.get(PAGES["zh-hans"])
    assert response.status_code == 200
    html = response.content.decode()
    assert outline(response).lang == "zh-hans"
    assert "vendor-00000 用途" in html and "vendor-00000 purpose" not in html
    assert "子处理者" in html and "即将发生的变更" in html and "第三方 AI 模型供应商" in html
    assert "新加坡" in html and "欧盟标准合同条款，第 2 模块" in html


def test_unprefixed_page_is_english_whatever_the_browser_asks(client, public_roster):
    response = client.get(PAGES["en"], headers={"accept-language": "zh-hans"})
    assert outline(response).lang == "en"


def test_language_switch_links_to_the_other_language(client, public_roster):
    assert "/zh-hans/sub-processors/" in outline(client.get(PAGES["en"])).links
    assert "/sub-processors/" in outline(client.get(PAGES["zh-hans"])).links


def test_page_links_every_download_with_as_of(client, public_roster, today):
    day = (today - timedelta(days=1)).isoformat()
    links = outline(client.get(PAGES["zh-hans"], {"as_of": day})).links
    for fmt in ("csv", "json", "xlsx"):
        assert f"/zh-hans/sub-processors/export.{fmt}?as_of={day}" in links


def test_page_headings_are_in_order_and_nothing_is_inline(client, public_roster):
    parsed = outline(client.get(PAGES["en"]))
    assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(parsed.headings, parsed.headings[1:], strict=False))
    assert parsed.inline == []


def test_page_has_table_headers(client, public_roster):
    html = client.get(PAGES["en"]).content.decode()
    assert html.count('<th scope="col">Name</th>') == 3  # one table per category
    assert '<th scope="row" data-label="Name">Vendor 00000 Inc</th>' in html


def test_page_shows_upcoming_sub_processors_with_their_date(client, db, today):
    later = today + timedelta(days=30)
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("soon", status="proposed", effective_from=later.isoformat()),
    ]})
    html = client.get(PAGES["en"]).content.decode()
    upcoming = html.split('id="upcoming-heading"')[1]
    assert "Soon Ltd" in upcoming and f'datetime="{later.isoformat()}"' in upcoming
    assert "No sub-processors are listed." in html.split('id="upcoming-heading"')[0]


def test_page_as_of_a_past_day(client, public_roster):
    response = client.get(PAGES["en"], {"as_of": "2001-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vendor 00000 Inc" not in html and "No sub-processors are listed." in html


@pytest.mark.parametrize("as_of", ["2025-13-01", "yesterday", "20250101", "2025-1-1"])
def test_page_with_a_malformed_date_is_a_400(client, public_roster, as_of):
    response = client.get(PAGES["en"], {"as_of": as_of})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_page_carries_csp_and_caching_headers(client, public_roster):
    response = client.get(PAGES["en"])
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "max-age=300" in response.headers["Cache-Control"]
    # A form's CSRF token is personal: such a page is kept by the browser only.
    shared = "csrftoken" not in response.cookies
    assert ("public" if shared else "private") in response.headers["Cache-Control"]
    assert response.headers["ETag"]


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_are_cacheable_by_shared_caches(client, public_roster, path):
    response = client.get(path)
    assert response.headers["Cache-Control"] == "max-age=300, public"
    assert "csrftoken" not in response.cookies and response.headers["ETag"]


def test_page_styles_come_from_a_static_file_with_a_print_section(client, db):
    html = client.get(PAGES["en"]).content.decode()
    href = re.search(r'<link rel="stylesheet" href="/static/([^"]+)"', html).group(1)
    css = Path(finders.find(href)).read_text()
    assert "@media print" in css


# --- caching ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGES["en"], f"{PAGES['en']}export.csv"])
def test_unchanged_roster_answers_304(client, public_roster, path):
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"if-none-match": etag}).status_code == 304


def test_etag_changes_with_the_roster_language_format_and_day(client, public_roster):
    etag = client.get(PAGES["en"]).headers["ETag"]
    assert client.get(PAGES["zh-hans"]).headers["ETag"] != etag
    assert client.get(f"{PAGES['en']}export.json").headers["ETag"] != etag
    assert client.get(PAGES["en"], {"as_of": "2001-01-01"}).headers["ETag"] != etag
    roster_import(public_roster_data(4))
    assert client.get(PAGES["en"]).headers["ETag"] != etag


# --- the exports --------------------------------------------------------------------------------


def test_csv_export_in_english(client, public_roster, today):
    response = client.get(f"{PAGES['en']}export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f'filename="sub-processors-en-{today.isoformat()}.csv"' in (
        response.headers["Content-Disposition"]
    )
    rows = csv_rows(response)
    assert rows[0][:3] == ["Name", "Category", "Purpose"] and "Status" in rows[0]
    assert [row[0] for row in rows[1:]] == ["Vendor 00000 Inc", "Vendor 00001 Inc",
                                            "Vendor 00002 Inc"]
    ai = dict(zip(rows[0], rows[2], strict=True))
    assert ai["Training on customer content disabled"] == "Yes"
    assert ai["Zero data retention enabled"] == "No"
    assert ai["Status"] == "In effect"
    assert ai["Processing countries"] == "Singapore; United States of America"


def test_csv_export_in_chinese_opens_as_chinese(client, public_roster):
    rows = csv_rows(client.get(f"{PAGES['zh-hans']}export.csv"))
    assert rows[0][0] == "名称"
    assert rows[1][2] == "vendor-00000 用途"
    assert "生效中" in rows[1]


def test_json_export(client, public_roster):
    response = client.get(f"{PAGES['zh-hans']}export.json")
    assert response.headers["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert [row["name"] for row in data] == ["Vendor 00000 Inc", "Vendor 00001 Inc",
                                             "Vendor 00002 Inc"]
    assert set(data[0]) == {
        "name", "category", "purpose", "countries", "headquarters", "safeguards", "status",
        "effective_from", "do_not_train_enabled", "zero_retention_enabled",
    }
    assert data[1]["category"] == "第三方 AI 模型供应商"
    assert data[1]["do_not_train_enabled"] is True and data[0]["do_not_train_enabled"] is None
    assert data[0]["status"] == "in_effect"


def test_xlsx_export(client, public_roster, today):
    response = client.get(f"{PAGES['zh-hans']}export.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["Content-Type"]
    assert f"sub-processors-zh-hans-{today.isoformat()}.xlsx" in (
        response.headers["Content-Disposition"]
    )
    rows = xlsx_rows(response)
    assert rows[0][0] == "名称" and rows[1][0] == "Vendor 00000 Inc" and len(rows) == 4


def test_export_as_of_names_the_day_in_the_file(client, public_roster):
    response = client.get(f"{PAGES['en']}export.json", {"as_of": "2001-01-01"})
    assert response.status_code == 200
    assert json.loads(response.content) == []
    assert "sub-processors-en-2001-01-01.json" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("path", EXPORTS)
@pytest.mark.parametrize("as_of", ["2025-02-30", "2025/01/01", "x", "2025-01-01T00:00"])
def test_export_with_a_malformed_date_is_a_400(client, public_roster, path, as_of):
    response = client.get(path, {"as_of": as_of})
    assert response.status_code == 400


def test_export_as_of_a_future_day_is_a_400(client, public_roster, today):
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert client.get(f"{PAGES['en']}export.csv", {"as_of": tomorrow}).status_code == 400


def test_unknown_export_format_is_a_404(client, db):
    assert client.get(f"{PAGES['en']}export.pdf").status_code == 404


def test_spreadsheet_cells_cannot_run_formulas(client, db):
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("formula", name="=HYPERLINK(\"http://x\")"),
    ]})
    assert csv_rows(client.get(f"{PAGES['en']}export.csv"))[1][0].startswith("'=")
    assert xlsx_rows(client.get(f"{PAGES['en']}export.xlsx"))[1][0].startswith("'=")
    assert json.loads(client.get(f"{PAGES['en']}export.json").content)[0]["name"].startswith("=")


def test_only_get_and_head(client, public_roster):
    assert client.head(PAGES["en"]).status_code == 200
    assert client.post(PAGES["en"]).status_code == 405
    assert client.post(f"{PAGES['en']}export.csv").status_code == 405


# --- a constant number of queries ------------------------------------------------------------


@pytest.mark.parametrize("as_of", [False, True])
def test_queries_do_not_grow_with_the_roster(client, db, as_of, today,
                                             django_assert_max_num_queries):
    params = {"as_of": today.isoformat()} if as_of else {}
    paths = [PAGES["en"], PAGES["zh-hans"], *EXPORTS]
    roster_import(public_roster_data(3))
    client.get(PAGES["en"], params)  # warm up per-process caches
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as small:
            assert client.get(path, params).status_code == 200
        counts[path] = len(small.captured_queries)
    roster_import(public_roster_data(30))
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            response = client.get(path, params)
        assert b"Vendor 00029 Inc" in response.content or path.endswith("xlsx")
        assert counts[path] <= 8, path
