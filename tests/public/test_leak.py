"""Nothing internal reaches the public: not a non-public or retired sub-processor, not internal
notes, contract dates, assessments, regions, cities or websites (contract §5). Every public
output is checked, live and as of a day, in both languages."""

import io
from datetime import timedelta

import openpyxl
import pytest

from registry.changes import roster_write
from registry.models import SubProcessor

from .conftest import CONTRACT_DATES, MARKERS

pytestmark = pytest.mark.django_db

PAGES = ("/sub-processors/", "/zh-hans/sub-processors/")
OUTPUTS = [page + suffix for page in PAGES for suffix in ("", "export.csv", "export.json",
                                                           "export.xlsx")]
FORBIDDEN = [
    *MARKERS.values(),
    *CONTRACT_DATES.values(),
    "marker-website",
    # The non-public sub-processor's category and country appear nowhere else in the roster.
    "Analytics", "数据分析", "China", "中国",
]


def text_of(response) -> str:
    if response.headers["Content-Type"].startswith("application/vnd.openxml"):
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
            for value in row if value is not None
        )
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("when", ["live", "as_of"])
def test_no_internal_value_reaches_a_public_output(client, public_roster, today, when):
    params = {"as_of": today.isoformat()} if when == "as_of" else {}
    for path in OUTPUTS:
        response = client.get(path, params)
        assert response.status_code == 200, path
        text = text_of(response)
        assert "Vendor 00000 Inc" in text, f"{path}: the check must see the real list"
        for marker in FORBIDDEN:
            assert marker not in text, f"{path} shows {marker}"


def test_a_sub_processor_made_non_public_disappears(client, public_roster, today):
    with roster_write(actor="test"):
        vendor = SubProcessor.objects.get(slug="vendor-00001")
        vendor.public = False
        vendor.save()
    for path in OUTPUTS:
        for params in ({}, {"as_of": today.isoformat()}):
            text = text_of(client.get(path, params))
            assert "Vendor 00000 Inc" in text and "Vendor 00001 Inc" not in text, path


def test_the_non_public_sub_processor_never_listed_as_of_any_day(client, public_roster, today):
    for days in (0, 1, 365):
        day = (today - timedelta(days=days)).isoformat()
        for path in OUTPUTS:
            assert MARKERS["hidden_name"] not in text_of(client.get(path, {"as_of": day}))
