"""`import_roster`: refused whole on any problem, --dry-run, --prune, --user, merging rules."""

import json
from io import StringIO

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry.changes import current_version
from registry.choices import Status
from registry.models import DataFlow, Location, Safeguard, SubProcessor
from registry.roster import dump_roster, roster_as_of

from ..conftest import roster_entry

pytestmark = pytest.mark.django_db

TRACKED = (SubProcessor, Location, Safeguard, DataFlow)


def snapshot():
    """Row and history counts of the tracked models, and the roster's version stamp."""
    return (
        [model.objects.count() for model in TRACKED],
        [model.history.count() for model in TRACKED],
        current_version(),
        dump_roster(roster_as_of(), "json"),
    )


def write(tmp_path, data, name="roster.yaml"):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_roster", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args):
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_roster", path, *args, stdout=StringIO(), stderr=err)
    assert error.value.returncode == 1
    return err.getvalue().splitlines(), str(error.value)


def test_a_file_with_several_problems_is_refused_whole(small_roster, tmp_path):
    before = snapshot()
    data = {
        "version": 1,
        "sub_processors": [
            roster_entry("good-one", countries=("DE",)),  # valid, but must not be written
            roster_entry("bad-country", countries=("XX",)),
            roster_entry("bad-category", category="hosting"),
            roster_entry("Bad_Slug"),
            roster_entry("no-sg", countries=("US",)),
        ],
        "data_flows": [
            {"sub_processor": "no-sg", "data_categories": ["account"], "subjects": ["EEA"],
             "countries": ["SG"]},
        ],
    }

    lines, summary = run_failing(write(tmp_path, data))

    assert lines[0] == (
        "sub_processors[1].locations[0].country: 'XX' is not an ISO 3166-1 country code"
    )
    assert lines[1].startswith("sub_processors[2].category: 'hosting' is not a category")
    assert lines[2] == ("sub_processors[3].slug: 'Bad_Slug' is not a valid slug: use lower-case "
                        "letters, digits and hyphens only")
    assert lines[3] == "data_flows[0].countries: no-sg has no location in SG"
    assert len(lines) == 4
    assert summary == f"4 problem(s) in {tmp_path / 'roster.yaml'}; nothing was written."
    assert snapshot() == before
    assert not SubProcessor.objects.filter(slug="good-one").exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("roster.txt", "version: 1", "use a .yaml, .yml or .json file"),
    ("roster.yaml", "version: [1", "not valid YAML"),
    ("roster.json", "{version: 1}", "not valid JSON"),
    ("roster.yaml", "- a list", "roster: must be a mapping"),
    ("roster.yaml", "version: 2\nsub_processors: []", "version: must be 1, not 2"),
])
def test_an_unusable_file_is_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    lines, _summary = run_failing(str(path))
    assert message in lines[0]


def test_a_missing_file_is_refused(tmp_path):
    lines, _summary = run_failing(str(tmp_path / "nowhere.yaml"))
    assert "cannot be read" in lines[0]


def test_dry_run_reports_and_writes_nothing(small_roster, tmp_path):
    before = snapshot()
    small_roster["sub_processors"][0]["name"] = "Renamed Ltd"
    small_roster["sub_processors"].append(roster_entry("newcomer"))

    out, _err = run(write(tmp_path, small_roster), "--dry-run")

    assert "would change: cdn: updated name" in out
    assert "would change: newcomer: created" in out
    assert snapshot() == before


def test_prune_retires_and_never_deletes(small_roster, tmp_path):
    small_roster["sub_processors"] = [e for e in small_roster["sub_processors"]
                                      if e["slug"] != "mail"]
    out, _err = run(write(tmp_path, small_roster), "--prune")

    mail = SubProcessor.objects.get(slug="mail")
    assert mail.status == Status.RETIRED
    assert mail.retired_on is not None
    assert mail.locations.exists()
    assert "changed: mail: retired" in out
    assert SubProcessor.objects.count() == 3


def test_without_prune_unnamed_sub_processors_are_untouched(small_roster, tmp_path):
    small_roster["sub_processors"] = small_roster["sub_processors"][:1]
    small_roster["data_flows"] = small_roster["data_flows"][:1]
    run(write(tmp_path, small_roster))
    assert SubProcessor.objects.get(slug="mail").status == Status.ACTIVE
    assert SubProcessor.objects.get(slug="genai").data_flows.count() == 1


def test_user_is_recorded_as_history_user_and_actor(small_roster, tmp_path):
    legal = get_user_model().objects.create_user("legal")
    small_roster["sub_processors"][0]["name"] = "Renamed Ltd"
    path = write(tmp_path, small_roster)

    run(path, "--user", "legal")

    record = SubProcessor.history.filter(slug="cdn").latest("history_date")
    assert record.history_user == legal
    assert record.history_actor == "legal"
    assert record.history_change_reason == f"import_roster {path}"


def test_user_without_an_account_is_recorded_as_actor(small_roster, tmp_path):
    small_roster["sub_processors"][0]["name"] = "Renamed Ltd"
    run(write(tmp_path, small_roster), "--user", "ci-pipeline")
    record = SubProcessor.history.filter(slug="cdn").latest("history_date")
    assert record.history_user is None
    assert record.history_actor == "ci-pipeline"


def test_without_user_history_names_the_command(small_roster, tmp_path):
    small_roster["sub_processors"][0]["name"] = "Renamed Ltd"
    run(write(tmp_path, small_roster))
    record = SubProcessor.history.filter(slug="cdn").latest("history_date")
    assert record.history_user is None
    assert record.history_actor == "import_roster"


def test_internal_notes_are_kept_on_reimport(small_roster, tmp_path):
    cdn = SubProcessor.objects.get(slug="cdn")
    cdn.internal_notes = "Renewal due in March."
    cdn.save()
    small_roster["sub_processors"][0]["name"] = "Renamed Ltd"

    run(write(tmp_path, small_roster))

    cdn.refresh_from_db()
    assert cdn.name == "Renamed Ltd"
    assert cdn.internal_notes == "Renewal due in March."


def test_a_list_is_replaced_by_the_files_touching_only_what_differs(small_roster, tmp_path):
    cdn = SubProcessor.objects.get(slug="cdn")
    us = cdn.locations.get(country="US")
    small_roster["sub_processors"][0]["locations"] = [{"country": "US"}, {"country": "DE"}]
    small_roster["data_flows"][0]["countries"] = ["DE", "US"]

    out, _err = run(write(tmp_path, small_roster))

    assert "cdn: updated locations +1 -1, data_flows +1 -1" in out
    assert sorted(str(c) for c in cdn.locations.values_list("country", flat=True)) == ["DE", "US"]
    assert cdn.locations.get(country="US").pk == us.pk  # unchanged rows are not rewritten


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_changes_nothing(small_roster, tmp_path, fmt):
    first = dump_roster(roster_as_of(), fmt)
    path = tmp_path / f"roster.{fmt}"
    path.write_text(first, encoding="utf-8")
    before = snapshot()

    out, _err = run(str(path))

    assert out.strip() == "No changes."
    assert snapshot() == before
    assert dump_roster(roster_as_of(), fmt) == first


def test_export_is_sorted_by_slug_and_deterministic(small_roster):
    out = StringIO()
    call_command("export_roster", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert [entry["slug"] for entry in data["sub_processors"]] == ["cdn", "genai", "mail"]
    again = StringIO()
    call_command("export_roster", "--format", "json", stdout=again)
    assert again.getvalue() == out.getvalue()
