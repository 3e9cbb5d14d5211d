"""Notices of material changes to the sub-processor roster, their subscribers, their delivery
by email and the objections they receive.

GDPR Art. 28(2) and SCC Clause 9(a) (Decision (EU) 2021/914): the controller is informed of an
intended addition or replacement of a sub-processor in advance and may object. Policy §8 promises
"reasonable notice of material changes" to the roster.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    ADDED = "added", _("New sub-processor")
    CHANGED = "changed", _("Change to a sub-processor")
    REMOVED = "removed", _("Sub-processor removed")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Notice(models.Model):
    """A notice of a material change to one public sub-processor (GDPR Art. 28(2), SCC
    Clause 9(a)). Drafted from the roster's history; edited and published by the legal team."""

    sub_processor = models.ForeignKey(
        "registry.SubProcessor", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="notices", verbose_name=_("sub-processor"),
    )
    slug = models.CharField(_("sub-processor slug"), max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus, default=NoticeStatus.DRAFT,
        editable=False,
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_zh_hans = models.TextField(_("text (Chinese)"))
    changes = models.JSONField(_("changes"), default=list, editable=False)
    baseline = models.JSONField(
        _("facts before the change"), null=True, blank=True, editable=False,
        help_text=_("The sub-processor's facts when this draft was opened."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    effective_on = models.DateField(
        _("effective date"), null=True, blank=True, editable=False,
        help_text=_("Announcement day plus the notice period: the change takes effect no "
                    "earlier, and objections are accepted until then."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("published by"), editable=False,
    )
    published_actor = models.CharField(
        _("published by (name)"), max_length=150, blank=True, editable=False
    )

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        permissions = [("publish_notice", _("Can publish notices"))]
        constraints = [
            models.UniqueConstraint(
                fields=["sub_processor"], condition=Q(status="draft"),
                name="notice_one_draft_per_sub_processor",
                violation_error_message=_("This sub-processor already has a draft notice."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(published_at__isnull=False, effective_on__isnull=False),
                name="notice_published_has_dates",
                violation_error_message=_("A published notice has its announcement and "
                                          "effective dates."),
            ),
        ]

    def __str__(self):
        return self.title_en

    @property
    def is_draft(self) -> bool:
        return self.status == NoticeStatus.DRAFT

    def title_in(self, language: str) -> str:
        return self.title_zh_hans if language == "zh-hans" else self.title_en

    def body_in(self, language: str) -> str:
        return self.body_zh_hans if language == "zh-hans" else self.body_en


class KnownFacts(models.Model):
    """The last public-relevant facts seen of a sub-processor: what the next roster write is
    compared with to decide whether it changed materially."""

    sub_processor_id = models.BigIntegerField(_("sub-processor id"), unique=True)
    facts = models.JSONField(_("facts"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["sub_processor_id"]
        verbose_name = _("known facts")
        verbose_name_plural = _("known facts")

    def __str__(self):
        return self.facts.get("slug", str(self.sub_processor_id))


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")


class Subscriber(models.Model):
    """Someone who asked to be told of material roster changes (policy §8). Double opt-in: an
    address receives notices only once confirmed, and only those published after that."""

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=10, choices=Language,
                                default=Language.EN)
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    """One notice to one subscriber. Marked sent only once the mail server accepted it; its
    Message-ID is stable, so that a resend after a crash is recognisable as the same message."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries",
                               verbose_name=_("notice"))
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE,
                                   related_name="deliveries", verbose_name=_("subscriber"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["notice", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "subscriber"], name="delivery_unique_per_notice",
                violation_error_message=_("This notice is already addressed to this subscriber."),
            ),
        ]
        indexes = [models.Index(fields=["status", "notice"], name="delivery_status_idx")]

    def __str__(self):
        return f"{self.notice_id} → {self.subscriber_id}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Objection(models.Model):
    """A customer's objection to a notified change, made before its effective date (GDPR
    Art. 28(2), SCC Clause 9(a))."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections",
                               verbose_name=_("notice"))
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT,
                                   related_name="objections", verbose_name=_("subscriber"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus,
                              default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "subscriber"], name="objection_unique_per_notice",
                violation_error_message=_("This subscriber has already objected to this notice."),
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} / {self.notice}"
