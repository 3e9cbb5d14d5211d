"""Reads of the notices app for public pages, the feed and the admin."""

import hashlib
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Notice, NoticeStatus


def notices_public() -> QuerySet[Notice]:
    """Published notices that may be shown: never one about a sub-processor that is not public
    (a deleted one was public when its notice was drafted)."""
    return (
        Notice.objects.filter(status=NoticeStatus.PUBLISHED)
        .filter(Q(sub_processor__public=True) | Q(sub_processor__isnull=True))
        .order_by("-published_at", "-pk")
    )


def notices_upcoming(*, today: date | None = None) -> QuerySet[Notice]:
    """Published notices whose change has not yet taken effect: "upcoming changes"."""
    today = today or timezone.localdate()
    return notices_public().filter(effective_on__gte=today).order_by("effective_on", "pk")



def notices_etag(notices: list[Notice]) -> str:
    """A short tag that changes whenever the shown notices change: part of a page's ETag."""
    text = ",".join(f"{notice.pk}.{notice.updated_at.timestamp():.0f}" for notice in notices)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
