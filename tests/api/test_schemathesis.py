"""Every operation of the OpenAPI document driven by schemathesis: no answer is a server error
and every answer matches the document. The transfer checker's endpoints are in the document,
so they are driven too.

Bounded (``MAX_EXAMPLES`` per operation) to keep CI within minutes.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application

MAX_EXAMPLES = 20


# Loaded when the module is collected: the document needs no database and no token.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def in_process_app():
    """The app runs in this thread, inside the test's transaction: keep Django from closing the
    connection at the end of each request, as its own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, small_roster, api_token, in_process_app):
    case.call_and_validate(
        headers={"Authorization": f"Token {api_token[1]}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
