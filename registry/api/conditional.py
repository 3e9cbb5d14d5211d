"""``ETag`` and ``Last-Modified`` from the roster version stamp, ``304 Not Modified``, and a
per-process cache of answers by ETag.

Every answer of the read API is a function of the roster and of the request's host, path and
query, so one small query (the stamp) decides whether a client's copy is current, before the
list query runs. Any roster write bumps the stamp in its own transaction (``registry.changes``),
so no write is missed, by this process or any other. For the same reason an answer already
rendered for an ETag is the answer for that ETag: each process keeps the last few rendered
answers and serves them again without querying the roster.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer

from registry.changes import roster_version

CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None

    @property
    def last_modified_timestamp(self) -> int | None:
        return int(self.last_modified.timestamp()) if self.last_modified else None

    def apply(self, response) -> None:
        response.headers["ETag"] = self.etag
        if self.last_modified is not None:
            response.headers["Last-Modified"] = http_date(self.last_modified_timestamp)
        response.headers["Cache-Control"] = CACHE_CONTROL
        patch_vary_headers(response, ("Authorization",))


def roster_validators(request) -> Validators:
    """The validators of an answer: the stamp, the path, the query, and the day with ``as_of``.

    One query (the stamp and its time).
    """
    stamp, changed_at = roster_version()
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    # The host and scheme are in the answer (pagination links); the time of the stamp keeps
    # keys apart should a stamp ever be seen again (a database restored, a test rolled back).
    parts = [str(stamp), changed_at.isoformat() if changed_at else "", request.scheme,
             request.get_host(), request.path, repr(query)]
    if "as_of" in request.GET:
        # An as-of answer is rebuilt from history; the day keeps the key honest if the zone's
        # "today" decides what history is visible.
        parts.append(timezone.localdate().isoformat())
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return Validators(etag=f'"{digest}"', last_modified=changed_at)


class AnswerCache:
    """The last ``size`` rendered answers of this process, by ETag (least recently used out)."""

    def __init__(self, size: int):
        self.size = size
        self.answers: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self.lock:
            body = self.answers.get(etag)
            if body is not None:
                self.answers.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.answers[etag] = body
            self.answers.move_to_end(etag)
            while len(self.answers) > self.size:
                self.answers.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.answers.clear()


#: At most a page of 100 nested sub-processors (~60 kB) each: a few MB per process.
ANSWERS = AnswerCache(size=getattr(settings, "API_ANSWER_CACHE_SIZE", 64))


def conditional(action):
    """Decorate a read action: answer 304 when the client's copy is current, before the action
    runs; serve the answer rendered before for the same ETag, else run the action and keep its
    rendered answer; add ``ETag``, ``Last-Modified`` and ``Cache-Control``."""

    @wraps(action)
    def wrapper(view, request, *args, **kwargs):
        validators = roster_validators(request)
        early = get_conditional_response(
            request, etag=validators.etag, last_modified=validators.last_modified_timestamp
        )
        if early is not None:
            validators.apply(early)
            return early
        body = ANSWERS.get(validators.etag)
        if body is None:
            response = action(view, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                return response
            body = JSONRenderer().render(response.data)
            ANSWERS.put(validators.etag, body)
        response = HttpResponse(body, content_type="application/json")
        validators.apply(response)
        return response

    return wrapper
