"""Signed links in emails: confirm (expires), unsubscribe and object (per subscriber and notice).

Each purpose has its own salt, so a token for one cannot be used for another. Unsubscribe and
objection links never expire (an old email's link must keep working); the objection window is
the notice's, checked when the link is used.
"""

from datetime import timedelta

from django.core import signing

CONFIRM_SALT = "notices.confirm"
UNSUBSCRIBE_SALT = "notices.unsubscribe"
OBJECTION_SALT = "notices.objection"
CONFIRM_MAX_AGE = timedelta(days=7)

BadToken = signing.BadSignature  # SignatureExpired is a subclass


def confirm_token(subscriber) -> str:
    return signing.dumps([subscriber.pk, subscriber.email], salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> tuple[int, str]:
    """(subscriber id, email); raises ``BadToken`` when tampered with or expired."""
    pk, email = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    return int(pk), str(email)


def unsubscribe_token(subscriber_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber_id))


def unsubscribe_token_read(token: str) -> int:
    return _ints(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token), 1)[0]


def objection_token(subscriber_id: int, notice_id: int) -> str:
    return signing.Signer(salt=OBJECTION_SALT).sign(f"{subscriber_id}-{notice_id}")


def objection_token_read(token: str) -> tuple[int, int]:
    """(subscriber id, notice id)."""
    subscriber_id, notice_id = _ints(signing.Signer(salt=OBJECTION_SALT).unsign(token), 2)
    return subscriber_id, notice_id


def _ints(value: str, count: int) -> list[int]:
    parts = value.split("-")
    if len(parts) != count or not all(part.isdigit() for part in parts):
        raise BadToken("Malformed token")
    return [int(part) for part in parts]
