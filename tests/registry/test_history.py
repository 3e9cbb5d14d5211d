"""History: who and why on every record, the roster as it stood on a past day, the version stamp
and the on-commit signal."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from registry.changes import current_version, roster_changed, roster_write
from registry.models import (
    Category,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)
from registry.roster import end_of_day, roster_as_of
from registry.services import instance_save_changes, sub_processors_retire

pytestmark = pytest.mark.django_db


def backdate_history(days=1):
    """Move every history record written so far back by ``days``, as if written then."""
    for model in (Category, SubProcessor, Location, Safeguard, TransferAssessment, DataFlow):
        for record in model.history.all():
            record.history_date -= timedelta(days=days)
            record.save()


def export(*args):
    out = StringIO()
    call_command("export_roster", *args, stdout=out)
    return out.getvalue()


def test_a_write_records_user_actor_and_reason(small_roster):
    legal = get_user_model().objects.create_user("legal")
    cdn = SubProcessor.objects.get(slug="cdn")

    with roster_write(user=legal, reason="Contract renewed"):
        instance_save_changes(instance=cdn, data={"name": "CDN Holdings Ltd"})

    record = cdn.history.latest("history_date")
    assert record.history_type == "~"
    assert record.history_user == legal
    assert record.history_actor == "legal"
    assert record.history_change_reason == "Contract renewed"
    assert record.name == "CDN Holdings Ltd"


def test_a_write_by_a_command_names_the_command(small_roster):
    cdn = SubProcessor.objects.get(slug="cdn")
    with roster_write(actor="nightly-sync", reason="sync"):
        instance_save_changes(instance=cdn, data={"website": "https://cdn.example"})
    record = cdn.history.latest("history_date")
    assert (record.history_user, record.history_actor) == (None, "nightly-sync")


def test_an_unchanged_save_writes_no_history(small_roster):
    cdn = SubProcessor.objects.get(slug="cdn")
    before = SubProcessor.history.count()
    with roster_write(reason="nothing"):
        assert instance_save_changes(instance=cdn, data={"name": cdn.name}) == []
    assert SubProcessor.history.count() == before


def test_as_of_yesterday_differs_from_today_after_a_change_today(small_roster):
    backdate_history()
    yesterday = timezone.localdate() - timedelta(days=1)
    before = export("--as-of", yesterday.isoformat())
    assert before == export()  # nothing changed today yet

    cdn = SubProcessor.objects.get(slug="cdn")
    with roster_write(reason="moved"):
        instance_save_changes(instance=cdn, data={"name": "Renamed Ltd"})
        Location.objects.get(sub_processor=cdn, country="SG").delete()
        Location(sub_processor=cdn, country="DE").save()

    assert export("--as-of", yesterday.isoformat()) == before
    today = export()
    assert today != before
    assert "Renamed Ltd" in today and "Renamed Ltd" not in before
    as_of_yesterday = roster_as_of(yesterday)["sub_processors"][0]
    assert [loc["country"] for loc in as_of_yesterday["locations"]] == ["SG", "US"]
    assert [loc["country"] for loc in roster_as_of()["sub_processors"][0]["locations"]] == [
        "DE", "US"
    ]


def test_as_of_a_day_before_the_roster_existed_is_empty(small_roster):
    backdate_history()
    two_days_ago = timezone.localdate() - timedelta(days=2)
    assert roster_as_of(two_days_ago)["sub_processors"] == []


def test_end_of_day_is_the_last_moment_of_that_day():
    day = timezone.localdate()
    moment = end_of_day(day)
    assert timezone.localtime(moment).date() == day
    assert timezone.localtime(moment + timedelta(microseconds=1)).date() == day + timedelta(1)


def test_a_retired_sub_processor_still_appears_as_of_before_its_retirement(small_roster):
    backdate_history()
    with roster_write(reason="retire"):
        sub_processors_retire(sub_processors=SubProcessor.objects.filter(slug="mail"),
                              on=timezone.localdate())
    yesterday = timezone.localdate() - timedelta(days=1)
    statuses = {e["slug"]: e["status"] for e in roster_as_of(yesterday)["sub_processors"]}
    assert statuses["mail"] == "active"
    assert {e["slug"]: e["status"] for e in roster_as_of()["sub_processors"]}["mail"] == "retired"


def test_the_version_stamp_bumps_once_per_write(small_roster):
    cdn = SubProcessor.objects.get(slug="cdn")
    before = current_version()
    with roster_write(reason="several rows"):
        instance_save_changes(instance=cdn, data={"name": "Renamed Ltd"})
        Location(sub_processor=cdn, country="DE").save()
        Location(sub_processor=cdn, country="FR").save()
    assert current_version() == before + 1


def test_a_write_that_changes_nothing_leaves_the_stamp(small_roster):
    before = current_version()
    with roster_write(reason="nothing"):
        pass
    assert current_version() == before


def test_a_write_outside_roster_write_still_bumps_the_stamp(small_roster):
    before = current_version()
    Location(sub_processor=SubProcessor.objects.get(slug="cdn"), country="DE").save()
    assert current_version() == before + 1


def test_roster_changed_is_sent_on_commit_only(small_roster, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, changes, actor, reason, **kwargs):
        received.append((changes, actor, reason))

    roster_changed.connect(receiver)
    try:
        cdn = SubProcessor.objects.get(slug="cdn")
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            roster_write(actor="tester", reason="renamed"),
        ):
            instance_save_changes(instance=cdn, data={"name": "Renamed Ltd"})
            assert received == []  # not before the commit
        assert len(callbacks) == 1
    finally:
        roster_changed.disconnect(receiver)

    [(changes, actor, reason)] = received
    assert (actor, reason) == ("tester", "renamed")
    [change] = changes
    assert (change.model, change.object_id, change.history_type, change.sub_processor_id) == (
        "subprocessor", cdn.pk, "~", cdn.pk
    )


def test_roster_changed_is_not_sent_when_the_write_fails(small_roster,
                                                        django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    roster_changed.connect(receiver)
    before = current_version()
    try:
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            roster_write(reason="fails"),
        ):
            instance_save_changes(instance=SubProcessor.objects.get(slug="cdn"),
                                  data={"name": "Renamed Ltd"})
            raise RuntimeError
    finally:
        roster_changed.disconnect(receiver)
    assert received == []
    assert current_version() == before
    assert SubProcessor.objects.get(slug="cdn").name != "Renamed Ltd"
