"""One FilterSet per listed model, for the token API and any list that filters the same way.

Filters keep to what both databases do the same: JSON lists are matched on their text (every code
is a quoted word, so ``"usage"`` cannot match inside another code), never with JSON containment,
which SQLite lacks.
"""

from datetime import UTC
from functools import cache

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.fields import IsoDateTimeField

from .choices import DataCategoryCode, Status, SubjectRegion
from .models import (
    Category,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)

#: The models whose history counts as a change of their sub-processor (``updated_since``).
SUB_PROCESSOR_CHILDREN = (Location, Safeguard, TransferAssessment, DataFlow)


@cache
def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes, as django-countries knows them. A callable, so that building
    a filter form does not copy 250 choices for each of its country fields."""
    return [(code, code) for code, _name in countries]


def subject_choices() -> list[tuple[str, str]]:
    return [*SubjectRegion.choices, *country_choices()]


def sub_processors_changed_since(queryset, moment):
    """Sub-processors whose own row, or any of their children, changed at or after ``moment``.

    A child's change (added, edited or removed location, safeguard, assessment or data flow)
    leaves a history row naming the sub-processor even after the child is deleted, so the history
    tables answer for the children; ``updated_at`` answers for the row itself.
    """
    condition = Q(updated_at__gte=moment)
    for model in SUB_PROCESSOR_CHILDREN:
        changed = model.history.model.objects.filter(
            sub_processor_id=OuterRef("pk"), history_date__gte=moment
        )
        condition |= Exists(changed)
    return queryset.filter(condition)


def json_list_contains(queryset, field: str, codes):
    """Rows whose JSON list ``field`` holds any of ``codes``, the same on SQLite and PostgreSQL."""
    if not codes:
        return queryset
    annotated = queryset.alias(**{f"{field}_text": Cast(field, TextField())})
    condition = Q()
    for code in codes:
        condition |= Q(**{f"{field}_text__contains": f'"{code}"'})
    return annotated.filter(condition)


class MomentField(IsoDateTimeField):
    """An ISO 8601 date-time that can be compared in the database (UTC, within range)."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return moment
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError(_("This moment is out of range."), code="invalid") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Any of several objects named by slug (``?category=a&category=b``); 400 for an unknown
    slug. ``field_name`` is the foreign key to filter on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, to_field_name="slug", method=self.filter_slugs, **kwargs)

    def filter_slugs(self, queryset, name, value: str):
        # ``value: str`` tells the OpenAPI generator the type of one item.
        return queryset.filter(**{f"{self.field_name}__in": value}) if value else queryset


class SubProcessorFilterSet(django_filters.FilterSet):
    """Filters of the sub-processor list."""

    q = django_filters.CharFilter(
        method="filter_q",
        help_text=_("Free text, case-insensitive, in the slug, the legal name, the purpose "
                    "(English and Chinese) and the website."),
    )
    category = SlugFilter(
        field_name="category",
        queryset=Category.objects.all(),
        help_text=_("Category slug, e.g. cloud_infrastructure; repeat for any of several."),
    )
    country = django_filters.MultipleChoiceFilter(
        choices=country_choices,
        method="filter_country",
        help_text=_("ISO 3166-1 alpha-2 code of a location country (not the headquarters); "
                    "repeat for any of several."),
    )
    headquarters = django_filters.MultipleChoiceFilter(
        choices=country_choices,
        method="filter_headquarters",
        help_text=_("ISO 3166-1 alpha-2 code of the headquarters; repeat for any of several."),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        help_text=_("proposed, active or retired; repeat for any of several."),
    )
    public = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        help_text=_("true: only those listed on the public page; false: only the others."),
    )
    updated_since = MomentFilter(
        method="filter_updated_since",
        help_text=_("ISO 8601 date or date-time (the registry's time zone when none is given): "
                    "sub-processors that changed since then, their locations, safeguards, "
                    "assessments and data flows included."),
    )

    class Meta:
        model = SubProcessor
        fields = ["q", "category", "country", "headquarters", "status", "public",
                  "updated_since"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(slug__icontains=value) | Q(name__icontains=value) | Q(purpose_en__icontains=value)
            | Q(purpose_zh_hans__icontains=value) | Q(website__icontains=value)
        )

    # ``value: str`` in filter methods tells the OpenAPI generator the type of one item.
    def filter_headquarters(self, queryset, name, value: str):
        return queryset.filter(headquarters__in=value) if value else queryset

    def filter_country(self, queryset, name, value: str):
        if not value:
            return queryset
        located = Location.objects.filter(sub_processor_id=OuterRef("pk"), country__in=value)
        return queryset.filter(Exists(located))

    def filter_updated_since(self, queryset, name, value):
        return sub_processors_changed_since(queryset, value) if value else queryset


class DataFlowFilterSet(django_filters.FilterSet):
    """Filters of the data-flow list."""

    sub_processor = SlugFilter(
        field_name="sub_processor",
        queryset=SubProcessor.objects.all(),
        help_text=_("Sub-processor slug; repeat for any of several."),
    )
    category = SlugFilter(
        field_name="sub_processor__category",
        queryset=Category.objects.all(),
        help_text=_("Category slug of the sub-processor; repeat for any of several."),
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="sub_processor__status",
        choices=Status.choices,
        help_text=_("Status of the sub-processor; repeat for any of several."),
    )
    data_category = django_filters.MultipleChoiceFilter(
        choices=DataCategoryCode.choices,
        method="filter_data_category",
        help_text=_("Flows carrying this category of personal data; repeat for any of several."),
    )
    subject = django_filters.MultipleChoiceFilter(
        choices=subject_choices,
        method="filter_subject",
        help_text=_("Flows whose subjects name this region (EEA, ROW) or ISO country as "
                    "written; repeat for any of several."),
    )
    country = django_filters.MultipleChoiceFilter(
        choices=country_choices,
        method="filter_country",
        help_text=_("Flows going to this ISO country; repeat for any of several."),
    )

    class Meta:
        model = DataFlow
        fields = ["sub_processor", "category", "status", "data_category", "subject", "country"]

    def filter_data_category(self, queryset, name, value: str):
        return json_list_contains(queryset, "data_categories", value)

    def filter_subject(self, queryset, name, value: str):
        return json_list_contains(queryset, "subjects", value)

    def filter_country(self, queryset, name, value: str):
        return json_list_contains(queryset, "countries", value)
