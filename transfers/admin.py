"""What the checker believes, in the admin: the law's reference data read-only (it changes by a
reviewed release of the files in ``transfers/reference/``, not by a click), and the policy's
processing countries, which the legal team edits (policy §9), with history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.admin import RosterHistoryAdmin

from .models import (
    AdequacyDecision,
    CertificationFramework,
    CloudRegion,
    EEAMember,
    ProcessingCountry,
    ReferenceFile,
)

READ_ONLY_NOTE = _("Shipped reference data: it changes by a reviewed release, not in the admin.")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by staff with the view permission; never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": READ_ONLY_NOTE}
        return super().changelist_view(request, extra_context)


@admin.register(ReferenceFile)
class ReferenceFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "as_of"]


@admin.register(EEAMember)
class EEAMemberAdmin(ReadOnlyAdmin):
    list_display = ["country", "name", "membership", "last_verified", "source"]
    search_fields = ["country", "name"]


@admin.register(AdequacyDecision)
class AdequacyDecisionAdmin(ReadOnlyAdmin):
    list_display = ["regime", "country", "scope", "effective_from", "effective_to", "framework",
                    "legal_ref", "last_verified"]
    list_filter = ["regime", "scope"]
    search_fields = ["country", "legal_ref", "source", "note"]


@admin.register(CertificationFramework)
class CertificationFrameworkAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "regime", "country", "effective_from", "effective_to",
                    "last_verified"]


@admin.register(CloudRegion)
class CloudRegionAdmin(ReadOnlyAdmin):
    list_display = ["provider", "region", "country", "place", "last_verified"]
    list_filter = ["provider"]
    search_fields = ["region", "country", "place"]


@admin.register(ProcessingCountry)
class ProcessingCountryAdmin(RosterHistoryAdmin):
    """The legal team's list; a change moves the roster stamp, so every process's checker
    snapshot is rebuilt on its next request."""

    list_display = ["subjects", "country", "source"]
    list_filter = ["subjects"]
    fields = ["subjects", "country", "source", "note"]
