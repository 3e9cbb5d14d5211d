"""A per-token rate limit shared by every server process through Django's cache.

Generic cell rate algorithm: the cache holds one number per token, the moment its next request
would be "on schedule" (theoretical arrival time). A request costs one cache get and, when
allowed, one set; a token may spend its whole minute in a burst. Two processes reading the same
value at once may both pass: the limit protects the service, it is not a quota to the request.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from registry.models import APIToken

PERIOD = 60.0  # seconds: limits are requests per minute
DEFAULT_LIMIT = 600


def token_rate_limit(token: APIToken) -> int:
    """Requests per minute for ``token``: its own limit, else the setting; 0 means none."""
    if token.rate_limit is not None:
        return token.rate_limit
    return getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_LIMIT)


def throttle_key(token: APIToken) -> str:
    return f"api-throttle:{token.pk}"


class TokenRateThrottle(BaseThrottle):
    """Limits each API token to its requests per minute; answers 429 with ``Retry-After``.

    Requests without a token (the schema and its documentation) are not limited here.
    """

    def __init__(self):
        self.retry_after: float | None = None

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, APIToken):
            return True
        limit = token_rate_limit(token)
        if limit <= 0:
            return True
        interval = PERIOD / limit
        now = time.time()
        key = throttle_key(token)
        arrival = max(cache.get(key, now), now)
        allowed_at = arrival + interval - PERIOD
        if now < allowed_at:
            self.retry_after = allowed_at - now
            return False
        cache.set(key, arrival + interval, timeout=math.ceil(arrival + interval - now) + 1)
        return True

    def wait(self) -> float | None:
        # DRF rounds up into the Retry-After header; never answer 0.
        return max(self.retry_after, 1.0) if self.retry_after is not None else None
