"""Read-only token authentication for engineering services: ``Authorization: Token <key>``.

Keys are random and long, so a fast SHA-256 digest (not a password hash) is enough to store
them: a lookup is one indexed query.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from registry.models import APIToken

KEYWORD = "Token"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, name: str) -> tuple[APIToken, str]:
    """Create a token; the key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = APIToken(name=name, digest=token_digest(key), prefix=key[:8])
    token.full_clean()
    token.save()
    return token, key


class APITokenAuthentication(BaseAuthentication):
    """Authenticates ``Authorization: Token <key>``; ``request.auth`` is the ``APIToken``."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send 'Authorization: Token <key>'."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = APIToken.objects.filter(digest=token_digest(key), revoked_at__isnull=True).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        now = timezone.now()
        # To the minute: enough to find unused tokens, and no write on most requests.
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return (None, token)

    def authenticate_header(self, request):
        return KEYWORD


class HasAPIToken(BasePermission):
    """Read-only access for a valid token."""

    message = _("Send a valid API token: 'Authorization: Token <key>'.")

    def has_permission(self, request, view):
        return isinstance(request.auth, APIToken)


def api_token_revoke(*, token: APIToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
