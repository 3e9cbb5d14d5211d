"""Delivery that loses nothing: the real worker (django-tasks-db's ``db_worker``, its own
process) sends; with the SMTP server down at publication, nothing is lost, and when it comes
back every confirmed subscriber receives the notice exactly once."""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from notices.delivery import retry_delay
from notices.models import Delivery
from notices.services import notices_publish

from .conftest import SMTPSink, drafts, entry, free_port, smtp_mailers

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE_KEYS = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")

# serialized_rollback: the flush after a transactional test must not lose the rows that data
# migrations made (built-in categories, groups), which later tests rely on.
worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker(port: int) -> None:
    """``manage.py db_worker --batch``: run every task that is due, then exit."""
    database = {key: connection.settings_dict[key] for key in DATABASE_KEYS}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notices.worker_settings",
        "NOTICES_WORKER_DATABASE": json.dumps(database),
        "NOTICES_SMTP_PORT": str(port),
        "NOTICES_RETRY_DELAYS": "[1]",
    }
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload",
         "--no-startup-delay", "--interval", "0.1"],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=60,
    )


@pytest.fixture
def worker_settings(settings):
    port = free_port()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = smtp_mailers(port)
    return port


@worker_db
@pytest.mark.slow
def test_smtp_down_at_publication_then_back(roster, reimport, committed, subscriber_factory,
                                            worker_settings):
    port = worker_settings
    emails = [f"s{i}@example.com" for i in range(7)]
    for index, email in enumerate(emails):
        subscriber_factory(email, "zh-hans" if index % 2 else "en")
    subscriber_factory("unconfirmed@example.com", confirmed=False)
    reimport(roster, lambda d: entry(d, "genai")["locations"].append({"country": "SG"}))
    committed(notices_publish, notices=drafts())

    run_worker(port)  # the server is down: every attempt fails, a retry is scheduled
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert "ConnectionRefusedError" in Delivery.objects.first().last_error

    sink = SMTPSink(port)
    sink.start()
    try:
        deadline = time.monotonic() + 30
        while Delivery.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(1.1)  # the retry is due after a second
            run_worker(port)
        run_worker(port)  # once more: nothing left, nothing resent
    finally:
        sink.stop()

    received = Counter(rcpt[0] for rcpt, _raw in sink.messages)
    assert received == Counter({email: 1 for email in emails})
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    ids = {message["Message-ID"] for _rcpt, message in sink.parsed()}
    assert len(ids) == len(emails)


def test_retry_delays_grow_to_fifteen_minutes_for_at_least_a_day():
    delays = []
    attempt = 0
    while (delay := retry_delay(attempt)) is not None:
        delays.append(delay.total_seconds())
        attempt += 1
    assert delays[0] <= 60
    assert delays == sorted(delays) and max(delays) == 15 * 60
    assert sum(delays) >= 24 * 3600


@pytest.mark.django_db
def test_deliveries_fail_only_after_the_retry_window(roster, reimport, committed,
                                                     subscriber_factory, worker_settings,
                                                     settings):
    from notices.delivery import deliveries_send

    settings.NOTICE_RETRY_DELAYS = (1,)
    settings.NOTICE_RETRY_WINDOW = 2
    subscriber_factory("a@example.com")
    reimport(roster, lambda d: entry(d, "cdn").update(name="Renamed Ltd"))
    committed(notices_publish, notices=drafts())
    ids = list(Delivery.objects.values_list("pk", flat=True))
    deliveries_send(delivery_ids=ids, attempt=0)
    deliveries_send(delivery_ids=ids, attempt=1)
    assert Delivery.objects.get().status == "pending"
    deliveries_send(delivery_ids=ids, attempt=2)
    failed = Delivery.objects.get()
    assert (failed.status, failed.attempts) == ("failed", 3)
