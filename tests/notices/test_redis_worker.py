"""The Redis-backed tasks backend (django-tasks-redis, selected by TASKS_BACKEND=redis) sends
notices through the same code as the default one: published with it, delivered by its own
worker process (``run_redis_tasks``) to a real SMTP server."""

import json
import os
import socket
import subprocess
import sys
import uuid
from collections import Counter

import pytest
from django.db import connection

from notices.models import Delivery
from notices.services import notices_publish

from .conftest import SMTPSink, drafts, entry, free_port
from .test_delivery_faults import BASE_DIR, DATABASE_KEYS, worker_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def redis_tasks(settings):
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs the Redis server on 127.0.0.1:6379 for the Redis tasks test")
        pytest.skip("no Redis server on 127.0.0.1:6379")
    prefix = f"registry-test-{uuid.uuid4().hex[:8]}"
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_tasks_redis"]
    settings.TASKS = {"default": {
        "BACKEND": "django_tasks_redis.backends.RedisTaskBackend",
        "OPTIONS": {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix},
    }}
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def run_redis_worker(port: int, prefix: str) -> None:
    """``manage.py run_redis_tasks``: run every queued task, then exit."""
    database = {key: connection.settings_dict[key] for key in DATABASE_KEYS}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notices.redis_worker_settings",
        "NOTICES_WORKER_DATABASE": json.dumps(database),
        "NOTICES_SMTP_PORT": str(port),
        "NOTICES_REDIS_URL": REDIS_URL,
        "NOTICES_REDIS_PREFIX": prefix,
    }
    subprocess.run(
        [sys.executable, "manage.py", "run_redis_tasks", "--interval", "0.1"],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=60,
    )


@worker_db
@pytest.mark.slow
def test_redis_worker_delivers_each_notice_once(roster, reimport, committed, subscriber_factory,
                                               redis_tasks, settings):
    sink = SMTPSink(free_port())
    sink.start()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
    }}
    try:
        emails = ["en@example.com", "zh@example.com"]
        subscriber_factory(emails[0], "en")
        subscriber_factory(emails[1], "zh-hans")
        reimport(roster, lambda d: entry(d, "genai")["locations"].append({"country": "SG"}))
        committed(notices_publish, notices=drafts())
        assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}

        run_redis_worker(sink.port, redis_tasks)
        run_redis_worker(sink.port, redis_tasks)  # again: nothing left, nothing resent
    finally:
        sink.stop()

    assert Counter(rcpt[0] for rcpt, _raw in sink.messages) == Counter(emails)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
