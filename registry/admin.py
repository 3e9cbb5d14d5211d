"""The legal team's admin: the roster on one page per sub-processor, lists, data flows, history.

Every admin write runs inside ``roster_write`` with the user and a reason naming what changed, so
history says who changed what and why, and the roster version stamp moves. Validation is the
models' ``full_clean()`` (``ModelForm`` runs it): the rules the roster import applies.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries as country_names
from simple_history.admin import SimpleHistoryAdmin

from transfers.admin_views import flow_findings_html, sub_processor_findings_html

from .admin_forms import DataFlowForm, LocationForm, LocationFormSet, SubProcessorForm
from .api.authentication import api_token_revoke
from .changes import roster_write
from .choices import DataCategoryCode
from .filtersets import json_list_contains
from .models import (
    APIToken,
    Category,
    DataCategory,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)
from .services import sub_processors_retire

# --- every roster write names its user and reason -----------------------------------------------


class RosterHistoryAdmin(SimpleHistoryAdmin):
    """Admin writes inside ``roster_write``; history shows actor and reason; no revert.

    Change reasons are records, kept in English whatever the admin's language.
    """

    history_list_display = ["history_actor"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        reason = "Changed in the admin" if object_id else "Added in the admin"
        with roster_write(user=request.user, reason=reason) as write:
            request.roster_write = write
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with roster_write(user=request.user, reason="Deleted in the admin"):
            return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        action = request.POST.get("action", "")
        reason = f"Admin action: {action}" if action else "admin"
        with roster_write(user=request.user, reason=reason):
            return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # an unchanged save writes no history and leaves the version alone
        self._name_changes(request, form.changed_data if change else [])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # The inline's prefix is the list's name in roster files: locations, safeguards...
        changed = [formset.prefix for formset in formsets if formset.has_changed()]
        if changed:
            self._name_changes(request, [*form.changed_data, *changed] if change else [])
        super().save_related(request, form, formsets, change)

    def _name_changes(self, request, names: list[str]) -> None:
        write = getattr(request, "roster_write", None)
        if write is not None and names:
            write.reason = f"Changed in the admin: {', '.join(names)}"

    # History pages only look back: reverting would bypass validation of the whole roster.
    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        _require_id(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        _require_id(self.model, object_id)
        _require_id(self.model.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _require_id(model, value) -> None:
    """A 404, not a server error, for a history URL whose id is not a number."""
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError:
        raise Http404 from None


# --- sub-processors -----------------------------------------------------------------------------


RELATED_HISTORY_LIMIT = 200


def related_history(sub_processor: SubProcessor) -> list[dict]:
    """Changes to a sub-processor's locations, safeguards, assessments and flows, newest first:
    who changed which row, why, and what differs from the row's previous version."""
    records = []
    for model in (Location, Safeguard, TransferAssessment, DataFlow):
        history = model.history.filter(sub_processor_id=sub_processor.pk)
        records.extend(
            (record, model) for record in
            history.select_related("history_user").order_by("-history_date")[
                :RELATED_HISTORY_LIMIT]
        )
    records.sort(key=lambda pair: pair[0].history_date, reverse=True)
    rows = []
    for record, model in records[:RELATED_HISTORY_LIMIT]:
        previous = record.prev_record if record.history_type == "~" else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["sub_processor"])
            changes = [(change.field, change.old, change.new) for change in delta.changes]
        rows.append({
            "record": record,
            "list": model._meta.verbose_name,
            "object": _history_label(record),
            "changes": changes,
        })
    return rows


def _flow_label(flow) -> str:
    """``hosting: EEA, ROW → SG, US`` (purpose, or the data categories, then who and where)."""
    return (f"{flow.purpose or ', '.join(flow.data_categories)}: "
            f"{', '.join(flow.subjects)} → {', '.join(flow.countries)}")


def _history_label(record) -> str:
    if isinstance(record, DataFlow.history.model):
        return _flow_label(record)
    return str(record.instance)


class LocationCountryFilter(admin.SimpleListFilter):
    title = _("processing country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Location.objects.order_by("country").values_list("country", flat=True).distinct()
        return [(code, f"{code} {country_names.name(code)}") for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(locations__country=self.value()).distinct()
        return queryset


class LocationInline(admin.TabularInline):
    model = Location
    form = LocationForm
    formset = LocationFormSet
    extra = 0
    fields = ["country", "region", "city"]


class SafeguardInline(admin.TabularInline):
    model = Safeguard
    extra = 0
    fields = ["kind", "module", "signed"]


class TransferAssessmentInline(admin.TabularInline):
    model = TransferAssessment
    extra = 0
    fields = ["country", "completed"]


@admin.register(SubProcessor)
class SubProcessorAdmin(RosterHistoryAdmin):
    form = SubProcessorForm
    inlines = [LocationInline, SafeguardInline, TransferAssessmentInline]
    list_display = ["name", "slug", "category", "status", "public", "countries", "updated_at"]
    list_filter = ["category", "status", "public", LocationCountryFilter]
    search_fields = ["slug", "name", "purpose_en", "purpose_zh_hans"]
    list_select_related = ["category"]
    readonly_fields = ["announced_effective", "created_at", "updated_at", "data_flow_summary",
                       "transfer_findings"]
    actions = ["retire_selected"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "category", "website", "headquarters"]}),
        (_("Status and dates"), {
            "fields": ["status", "effective_from", "retired_on", "announced_effective"],
        }),
        (_("Public text (English / 中文)"), {
            "fields": ["public", "purpose_en", "purpose_zh_hans"],
            "description": _("Shown on the public list in English and Chinese."),
        }),
        (_("Contract"), {"fields": ["dpa_signed", "certifications"]}),
        (_("AI model provider (privacy policy 5.2)"), {
            "fields": [
                ("do_not_train_available", "do_not_train_enabled"),
                ("zero_retention_available", "zero_retention_enabled"),
            ],
            "description": _("Only for the category of third-party AI model providers."),
        }),
        (_("Data flows"), {"fields": ["data_flow_summary"]}),
        (_("Transfer checker"), {"fields": ["transfer_findings"]}),
        (_("Internal"), {"fields": ["internal_notes", "created_at", "updated_at"]}),
    ]

    object_history_template = "admin/registry/subprocessor/object_history.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("locations")

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {"related_history": related_history(obj), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        # The slug is the identity roster files and the API use: fixed once created.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    @admin.display(description=_("findings"))
    def transfer_findings(self, obj):
        return sub_processor_findings_html(obj)

    @admin.display(description=_("data flows"))
    def data_flow_summary(self, obj):
        if obj is None or obj.pk is None:
            return _("Add data flows once the sub-processor is saved.")
        flows = format_html_join(
            "", "<li>{}</li>", ((_flow_label(flow),) for flow in obj.data_flows.all())
        )
        changelist = reverse("admin:registry_dataflow_changelist")
        add = reverse("admin:registry_dataflow_add")
        return format_html(
            '<ul>{}</ul><a href="{}?sub_processor__id__exact={}">{}</a> · '
            '<a href="{}?sub_processor={}">{}</a>',
            flows, changelist, obj.pk, _("Edit data flows"), add, obj.pk, _("Add a data flow"),
        )

    @admin.display(description=_("countries"))
    def countries(self, obj):
        return ", ".join(sorted({str(location.country) for location in obj.locations.all()}))

    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: history and notices need the sub-processor to stay

    @admin.action(description=_("Retire selected sub-processors"), permissions=["change"])
    def retire_selected(self, request, queryset):
        with roster_write(user=request.user, reason="Retired in the admin"):
            retired = sub_processors_retire(
                sub_processors=queryset.order_by("slug"), on=timezone.localdate()
            )
        self.message_user(
            request,
            ngettext("%(count)d sub-processor retired.", "%(count)d sub-processors retired.",
                     len(retired)) % {"count": len(retired)},
            messages.SUCCESS,
        )


# --- data flows ---------------------------------------------------------------------------------


class ListMemberFilter(admin.SimpleListFilter):
    """Flows whose JSON list ``field`` holds the chosen code (the API's matching)."""

    field = ""

    def queryset(self, request, queryset):
        return json_list_contains(queryset, self.field, [self.value()] if self.value() else [])


class FlowDataCategoryFilter(ListMemberFilter):
    title = _("data category")
    parameter_name = "data_category"
    field = "data_categories"

    def lookups(self, request, model_admin):
        return DataCategoryCode.choices


class FlowSubjectFilter(ListMemberFilter):
    title = _("subjects")
    parameter_name = "subject"
    field = "subjects"

    def lookups(self, request, model_admin):
        values = {item for items in DataFlow.objects.values_list("subjects", flat=True)
                  for item in items}
        return [(value, value) for value in sorted(values)]


class FlowCountryFilter(ListMemberFilter):
    title = _("destination country")
    parameter_name = "country"
    field = "countries"

    def lookups(self, request, model_admin):
        values = {item for items in DataFlow.objects.values_list("countries", flat=True)
                  for item in items}
        return [(value, f"{value} {country_names.name(value)}") for value in sorted(values)]


@admin.register(DataFlow)
class DataFlowAdmin(RosterHistoryAdmin):
    form = DataFlowForm
    list_display = ["sub_processor", "purpose", "data_category_list", "subject_list",
                    "country_list"]
    list_filter = ["sub_processor__category", FlowDataCategoryFilter, FlowSubjectFilter,
                   FlowCountryFilter, "sub_processor__status"]
    search_fields = ["sub_processor__slug", "sub_processor__name", "purpose"]
    list_select_related = ["sub_processor"]
    autocomplete_fields = ["sub_processor"]
    readonly_fields = ["transfer_findings"]

    @admin.display(description=_("transfer checker findings"))
    def transfer_findings(self, obj):
        return flow_findings_html(obj)

    @admin.display(description=_("data categories"))
    def data_category_list(self, obj):
        return ", ".join(obj.data_categories)

    @admin.display(description=_("subjects"))
    def subject_list(self, obj):
        return ", ".join(obj.subjects)

    @admin.display(description=_("destination countries"))
    def country_list(self, obj):
        return ", ".join(obj.countries)


# --- vocabularies -------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(RosterHistoryAdmin):
    list_display = ["slug", "name_en", "name_zh_hans", "builtin", "position"]
    search_fields = ["slug", "name_en", "name_zh_hans"]
    readonly_fields = ["builtin"]
    fields = ["slug", "name_en", "name_zh_hans", "position", "builtin"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.builtin:
            return False  # the six categories of policy section 8 always exist
        return super().has_delete_permission(request, obj)


@admin.register(DataCategory)
class DataCategoryAdmin(admin.ModelAdmin):
    """Read-only: the data categories and their retention are the privacy policy's text."""

    list_display = ["code", "name_en", "name_zh_hans", "position"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- API tokens ---------------------------------------------------------------------------------


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Tokens are created with ``manage.py create_api_token`` (the key is shown once there)."""

    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "rate_limit", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the token's name stays for the record

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
