"""The legal team's screens: review, edit and publish notices; see subscribers, deliveries and
objections. Only holders of ``notices.publish_notice`` (the "Notice approvers" group) publish."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, DeliveryStatus, Notice, Objection, ObjectionStatus, Subscriber
from .services import deliveries_enqueue, deliveries_retry, notices_publish


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title_en", "slug", "kind", "status", "published_at", "effective_on"]
    list_filter = ["status", "kind"]
    search_fields = ["title_en", "title_zh_hans", "slug"]
    readonly_fields = ["sub_processor", "slug", "kind", "status", "changes", "created_at",
                       "updated_at", "published_at", "effective_on", "published_actor"]
    fields = ["title_en", "body_en", "title_zh_hans", "body_zh_hans", *readonly_fields]
    actions = ["publish"]

    def has_add_permission(self, request):
        return False  # notices are drafted from roster changes

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return self.fields  # what was announced stays as announced
        return self.readonly_fields

    def has_publish_permission(self, request):
        return request.user.has_perm("notices.publish_notice")

    @admin.action(description=_("Publish selected draft notices"), permissions=["publish"])
    def publish(self, request, queryset):
        published = notices_publish(notices=list(queryset.filter(status="draft")),
                                    user=request.user)
        self.message_user(request, ngettext(
            "%(count)d notice published.", "%(count)d notices published.", len(published)
        ) % {"count": len(published)}, messages.SUCCESS)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", ("confirmed_at", admin.EmptyFieldListFilter),
                   ("unsubscribed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at", "unsubscribed_at"]

    def has_add_permission(self, request):
        return False  # only the double opt-in adds subscribers


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notice", "subscriber", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["notice", "subscriber"]
    search_fields = ["subscriber__email"]
    readonly_fields = ["notice", "subscriber", "status", "attempts", "last_error",
                       "created_at", "sent_at"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send selected failed or pending deliveries again"),
                  permissions=["change"])
    def retry(self, request, queryset):
        count = deliveries_retry(deliveries=queryset.filter(status=DeliveryStatus.FAILED))
        # Pending ones too: a worker killed in mid-batch leaves them with no task. Sending
        # again is safe, since the sender never resends a delivery marked sent.
        count += deliveries_enqueue(delivery_ids=queryset.filter(
            status=DeliveryStatus.PENDING).values_list("pk", flat=True))
        self.message_user(request, ngettext(
            "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
        ) % {"count": count}, messages.SUCCESS)


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["notice", "subscriber", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["notice", "subscriber"]
    search_fields = ["subscriber__email", "reason"]
    readonly_fields = ["notice", "subscriber", "reason", "created_at", "resolved_at"]
    fields = ["notice", "subscriber", "reason", "created_at", "status", "resolution",
              "resolved_at"]
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if obj.status == ObjectionStatus.RESOLVED and obj.resolved_at is None:
            obj.resolved_at = timezone.now()
        elif obj.status == ObjectionStatus.OPEN:
            obj.resolved_at = None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark selected objections resolved"), permissions=["change"])
    def resolve(self, request, queryset):
        count = queryset.filter(status=ObjectionStatus.OPEN).update(
            status=ObjectionStatus.RESOLVED, resolved_at=timezone.now()
        )
        self.message_user(request, ngettext(
            "%(count)d objection resolved.", "%(count)d objections resolved.", count
        ) % {"count": count}, messages.SUCCESS)
