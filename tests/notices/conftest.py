"""Fixtures of the notices tests: a roster loaded as the baseline, with the on-commit signal
delivered, and helpers to change it the way the legal team would."""

import copy
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from notices.models import Notice, Subscriber
from tests.conftest import import_roster_data, roster_entry

# A db_worker process started by a test must see the test's data: on SQLite, put the test
# database in a file rather than in memory (TEST_SQLITE_NAME does the same from outside).
_default = django_settings.DATABASES["default"]
if _default["ENGINE"] == "django.db.backends.sqlite3" and not _default["TEST"].get("NAME"):
    _default["TEST"]["NAME"] = str(Path(tempfile.mkdtemp(prefix="notices-")) / "test.sqlite3")


def base_roster() -> dict:
    return {
        "version": 1,
        "sub_processors": [
            roster_entry(
                "cdn", countries=("US", "SG"), website="https://cdn.example",
                safeguards=[{"kind": "eu_scc", "module": 3, "signed": "2025-01-01"}],
                assessments=[{"country": "SG", "completed": "2025-02-01"}],
                certifications=["eu_us_dpf"],
            ),
            roster_entry(
                "genai", category="ai_model_provider",
                ai={"do_not_train_available": True, "do_not_train_enabled": True,
                    "zero_retention_available": True, "zero_retention_enabled": True},
            ),
            roster_entry("hidden", category="email_delivery", public=False),
        ],
        "data_flows": [
            {"sub_processor": "cdn", "data_categories": ["account", "user_content"],
             "subjects": ["EEA", "ROW"], "countries": ["SG", "US"], "purpose": "hosting"},
            {"sub_processor": "genai", "data_categories": ["user_content"],
             "subjects": ["ROW"], "countries": ["US"], "purpose": "generation"},
            {"sub_processor": "hidden", "data_categories": ["account"],
             "subjects": ["ROW"], "countries": ["US"], "purpose": "mail"},
        ],
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a roster write so that its on-commit signal is delivered, as in production."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def roster(db, committed):
    """The baseline roster, imported into an empty registry: it makes no drafts."""
    data = base_roster()
    committed(import_roster_data, copy.deepcopy(data))
    assert not Notice.objects.exists()
    return data


@pytest.fixture
def reimport(committed):
    """Import a changed copy of a roster file: ``reimport(data, edit)``."""

    def run(data, edit):
        changed = copy.deepcopy(data)
        edit(changed)
        committed(import_roster_data, changed)
        return changed

    return run


def entry(data, slug):
    return next(sp for sp in data["sub_processors"] if sp["slug"] == slug)


def flow(data, slug):
    return next(f for f in data["data_flows"] if f["sub_processor"] == slug)


def drafts():
    return list(Notice.objects.filter(status="draft").order_by("slug"))


@pytest.fixture
def subscriber_factory(db):
    from django.utils import timezone

    def make(email, language="en", confirmed=True, **fields):
        return Subscriber.objects.create(
            email=email, language=language,
            confirmed_at=timezone.now() if confirmed else None, **fields,
        )

    return make


# --- a real SMTP server on loopback ---------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPSink:
    """An aiosmtpd server that keeps every message as received: (recipients, raw bytes)."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[tuple[list[str], bytes]] = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def parsed(self):
        import email
        import email.policy

        return [(rcpt, email.message_from_bytes(raw, policy=email.policy.default))
                for rcpt, raw in self.messages]


def smtp_mailers(port: int) -> dict:
    return {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
    }}


@pytest.fixture
def smtp_sink(settings):
    """A running SMTP server; Django's default mailer sends to it."""
    sink = SMTPSink(free_port())
    sink.start()
    settings.MAILERS = smtp_mailers(sink.port)
    yield sink
    sink.stop()
