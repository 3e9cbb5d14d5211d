"""Emails to subscribers: rendered in the subscriber's language, each with a one-click
unsubscribe link and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058)."""

import email.policy
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Delivery, Notice, Subscriber
from .tokens import confirm_token, objection_token, unsubscribe_token

SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)


class SubscriberEmail(EmailMultiAlternatives):
    """Serialised with lines of up to 998 characters (RFC 5322 §2.1.1), so that a long
    ``List-Unsubscribe`` URL is neither folded nor RFC 2047-encoded, which mail clients ignore."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def message_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(notice_id: int, subscriber_id: int) -> str:
    """Stable per notice and subscriber: a resend is recognisable as the same message."""
    return f"<notice-{notice_id}.{subscriber_id}@{message_domain()}>"


def delivery_message_id(delivery: Delivery) -> str:
    return message_id(delivery.notice_id, delivery.subscriber_id)


def _email(*, address: str, language: str, unsubscribe: str, template: str, context: dict,
           headers: dict | None = None, email_class=SubscriberEmail) -> SubscriberEmail:
    with translation.override(language):
        unsubscribe_url = site_url(reverse("notices:unsubscribe", kwargs={"token": unsubscribe}))
        context = {**context, "email": address, "unsubscribe_url": unsubscribe_url,
                   "language": language}
        subject = render_to_string(f"notices/email/{template}.subject.{language}.txt", context)
        text = render_to_string(f"notices/email/{template}.{language}.txt", context)
        html = render_to_string(f"notices/email/{template}.{language}.html", context)
    message = email_class(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **(headers or {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_email(subscriber: Subscriber) -> SubscriberEmail:
    with translation.override(subscriber.language):
        confirm = site_url(
            reverse("notices:confirm", kwargs={"token": confirm_token(subscriber)})
        )
    return _email(address=subscriber.email, language=subscriber.language,
                  unsubscribe=unsubscribe_token(subscriber.pk), template="confirm",
                  context={"confirm_url": confirm})


def _notice_email(*, notice: Notice, language: str, address: str, unsubscribe: str,
                  objection: str, message_id: str) -> SubscriberEmail:
    with translation.override(language):
        objection_url = site_url(reverse("notices:object", kwargs={"token": objection}))
        detail = site_url(reverse("notices:detail", kwargs={"pk": notice.pk}))
    context = {
        "notice": notice,
        "title": notice.title_in(language),
        "body": notice.body_in(language),
        "objection_url": objection_url,
        "notice_url": detail,
    }
    return _email(address=address, language=language, unsubscribe=unsubscribe,
                  template="notice", context=context, headers={"Message-ID": message_id})


def notice_email(delivery: Delivery) -> SubscriberEmail:
    """The notice email of one delivery, rendered and serialised from scratch."""
    notice, subscriber = delivery.notice, delivery.subscriber
    return _notice_email(
        notice=notice, language=subscriber.language, address=subscriber.email,
        unsubscribe=unsubscribe_token(subscriber.pk),
        objection=objection_token(subscriber.pk, notice.pk),
        message_id=delivery_message_id(delivery),
    )


# --- the same, fast: render and serialise once per notice and language ------------------------

#: Placeholders: plain letters survive rendering, escaping, URL reversing and serialising.
PLACEHOLDERS = {
    "address": "recipientplaceholder@placeholder.invalid",
    "unsubscribe": "UNSUBSCRIBETOKENPLACEHOLDER",
    "objection": "OBJECTIONTOKENPLACEHOLDER",
    "message_id": "<MESSAGEIDPLACEHOLDER@placeholder.invalid>",
}
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


class SerialisedMessage:
    """What a mail backend needs of a message (``as_bytes``), already serialised."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.raw

    def get_charset(self):
        return None


class PreparedEmail(SubscriberEmail):
    """A subscriber's copy of a ``NoticeEmailTemplate``: sent as its prepared bytes."""

    raw = b""

    def message(self, *, policy=email.policy.default):
        return SerialisedMessage(self.raw)


class NoticeEmailTemplate:
    """The notice email of one notice in one language, rendered and serialised once; each
    subscriber's copy only substitutes their address, links and Message-ID. Python's email
    package takes several milliseconds per message, more than the SMTP exchange itself."""

    def __init__(self, notice: Notice, language: str):
        self.notice, self.language = notice, language
        self.email = _notice_email(notice=notice, language=language, **PLACEHOLDERS)
        self.raw = self.email.message(policy=SMTP_POLICY).as_bytes()
        # A transfer encoding that hid a placeholder (base64) would defeat the substitution.
        self.usable = all(value.encode() in self.raw for value in PLACEHOLDERS.values())

    def _pairs(self, subscriber_id: int, address: str) -> list[tuple[str, str]] | None:
        if not self.usable or not PLAIN_ADDRESS.fullmatch(address):
            return None
        return [
            (PLACEHOLDERS["address"], address),
            (PLACEHOLDERS["unsubscribe"], unsubscribe_token(subscriber_id)),
            (PLACEHOLDERS["objection"], objection_token(subscriber_id, self.notice.pk)),
            (PLACEHOLDERS["message_id"], message_id(self.notice.pk, subscriber_id)),
        ]

    def raw_for(self, subscriber_id: int, address: str) -> bytes | None:
        """The serialised message to one subscriber; None when it needs the full rendering."""
        pairs = self._pairs(subscriber_id, address)
        if pairs is None:
            return None
        return _substitute(self.raw, [(a.encode(), b.encode()) for a, b in pairs])

    def email_for(self, subscriber_id: int, address: str) -> SubscriberEmail:
        """The email to one subscriber, for any mail backend."""
        pairs = self._pairs(subscriber_id, address)
        if pairs is None:
            return _notice_email(
                notice=self.notice, language=self.language, address=address,
                unsubscribe=unsubscribe_token(subscriber_id),
                objection=objection_token(subscriber_id, self.notice.pk),
                message_id=message_id(self.notice.pk, subscriber_id),
            )
        message = PreparedEmail(
            subject=self.email.subject, body=_substitute(self.email.body, pairs),
            from_email=self.email.from_email, to=[address],
            headers={name: _substitute(value, pairs)
                     for name, value in self.email.extra_headers.items()},
        )
        for alternative in self.email.alternatives:
            message.attach_alternative(_substitute(alternative.content, pairs),
                                       alternative.mimetype)
        message.raw = _substitute(self.raw, [(a.encode(), b.encode()) for a, b in pairs])
        return message


def _substitute(value, pairs):
    for placeholder, real in pairs:
        value = value.replace(placeholder, real)
    return value
