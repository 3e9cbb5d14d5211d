import pytest
from django.core.management import call_command

from registry.models import SubProcessor
from registry.roster import dump_roster, roster_as_of

from ..conftest import import_roster_data


def export(fmt="yaml", **options):
    return dump_roster(roster_as_of(**options), fmt)


@pytest.mark.django_db
def test_export_then_import_changes_nothing_and_writes_no_history(small_roster, tmp_path):
    first = export("json")
    history_rows = SubProcessor.history.count()
    path = tmp_path / "roster.json"
    path.write_text(first, encoding="utf-8")

    call_command("import_roster", str(path))

    assert export("json") == first
    assert SubProcessor.history.count() == history_rows


@pytest.mark.django_db
def test_import_of_a_changed_file_reports_what_changed(small_roster):
    small_roster["sub_processors"][0]["name"] = "Renamed Ltd"
    report = import_roster_data(small_roster)
    assert report == ["cdn: updated name"]
