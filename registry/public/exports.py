"""The public list as files: CSV (for Excel: UTF-8 with a byte-order mark), JSON and XLSX.

One explicit column list serves the three formats and the page's table headers; each column is a
field of ``PublicSubProcessor``, which holds only the allow-listed public fields.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .publiclist import IN_EFFECT, PublicList, PublicSubProcessor

#: The exported columns, in order: the key (JSON) and the header (CSV, XLSX).
COLUMNS = (
    ("name", gettext_lazy("Name")),
    ("category", gettext_lazy("Category")),
    ("purpose", gettext_lazy("Purpose")),
    ("countries", gettext_lazy("Processing countries")),
    ("headquarters", gettext_lazy("Headquarters")),
    ("safeguards", gettext_lazy("Transfer safeguards")),
    ("status", gettext_lazy("Status")),
    ("effective_from", gettext_lazy("Effective from")),
    ("do_not_train_enabled", gettext_lazy("Training on customer content disabled")),
    ("zero_retention_enabled", gettext_lazy("Zero data retention enabled")),
)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def status_label(status: str) -> str:
    return _("In effect") if status == IN_EFFECT else _("Upcoming")


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def json_row(entry: PublicSubProcessor) -> dict:
    row = {}
    for key, _label in COLUMNS:
        value = getattr(entry, key)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, date):
            value = value.isoformat()
        row[key] = value
    return row


def text_row(entry: PublicSubProcessor) -> list[str]:
    """One row of a spreadsheet: every cell as text in the active language."""
    cells = []
    for key, _label in COLUMNS:
        value = getattr(entry, key)
        if key == "status":
            value = status_label(value)
        elif isinstance(value, bool) or value is None:
            value = yes_no(value)
        elif isinstance(value, tuple):
            value = "; ".join(value)
        elif isinstance(value, date):
            value = value.isoformat()
        cells.append(_cell(value))
    return cells


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def export_csv(public_list: PublicList) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers())
    writer.writerows(text_row(entry) for entry in public_list.entries)
    # The byte-order mark makes Excel read UTF-8 (and so Chinese) instead of the local code page.
    return buffer.getvalue().encode("utf-8-sig")


def export_json(public_list: PublicList) -> bytes:
    rows = [json_row(entry) for entry in public_list.entries]
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_xlsx(public_list: PublicList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Sub-processors")[:31])
    bold = Font(bold=True)
    header_cells = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for entry in public_list.entries:
        sheet.append(text_row(entry))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


EXPORTERS = {"csv": export_csv, "json": export_json, "xlsx": export_xlsx}


def export_filename(public_list: PublicList, fmt: str) -> str:
    return f"sub-processors-{public_list.language}-{public_list.day.isoformat()}.{fmt}"


def export_response(public_list: PublicList, fmt: str) -> HttpResponse:
    """The list as a file download, headers and words in the list's language."""
    with translation.override(public_list.language):
        body = EXPORTERS[fmt](public_list)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = content_disposition_header(
        True, export_filename(public_list, fmt)
    )
    response.headers["Content-Language"] = public_list.language
    return response
