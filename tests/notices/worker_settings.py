"""Settings of a ``db_worker`` process started by the tests: the test database, the
django-tasks-db backend, and the tests' SMTP server (all passed in the environment)."""

import json
import os

from config.test_settings import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["NOTICES_WORKER_DATABASE"])}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAILERS = {"default": {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["NOTICES_SMTP_PORT"]), "timeout": 5},
}}
NOTICE_RETRY_DELAYS = json.loads(os.environ.get("NOTICES_RETRY_DELAYS", "[1]"))
NOTICE_RETRY_WINDOW = int(os.environ.get("NOTICES_RETRY_WINDOW", "86400"))
SITE_URL = os.environ.get("NOTICES_SITE_URL", "http://testserver")
