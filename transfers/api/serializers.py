"""Input and output shapes of the transfer check and routes endpoints (contract.md §4).

Input fields are strict about types (a number is not a country code) and every error names the
field and says why, e.g. ``{"subject_country": ["'de' is not an ISO 3166-1 country code"]}``.
Unknown slugs and categories are checked against the snapshot passed in the context, so that a
request reads the roster stamp once.
"""

import copy
from datetime import date

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.choices import DataCategoryCode
from registry.validators import COUNTRY_ERROR, DATA_CATEGORY_ERROR, is_country_code

MAX_ECHO = 40
DATA_CATEGORIES = frozenset(DataCategoryCode.values)


class _Shown:
    """The bad value as a message quotes it (``%(value)r``), cut short: an error must not echo
    a megabyte back."""

    def __init__(self, value: object):
        self.value = value

    def __repr__(self) -> str:
        text = repr(self.value)
        return text if len(text) <= MAX_ECHO else f"{text[:MAX_ECHO]}…"


@extend_schema_field(OpenApiTypes.STR)
class TextField(serializers.Field):
    """A string and nothing else: DRF's CharField would turn 12 or 1.5 into text."""

    default_error_messages = {"invalid": _("Enter a string, not {type}.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", type=type(data).__name__)
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "pattern": "^[A-Z]{2}$", "example": "DE"})
class CountryCodeField(TextField):
    """An upper-case ISO 3166-1 alpha-2 country code."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not is_country_code(value):
            raise serializers.ValidationError(COUNTRY_ERROR % {"value": _Shown(value)})
        return value


@extend_schema_field(serializers.ChoiceField(choices=DataCategoryCode.choices))
class DataCategoryField(TextField):
    """One of the seven data categories of policy §2."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in DATA_CATEGORIES:
            raise serializers.ValidationError(DATA_CATEGORY_ERROR % {"value": _Shown(data)})
        return data


class DayField(serializers.DateField):
    """A calendar day the checker can reason about: years 1900 to 2999 (date arithmetic on the
    last representable year would overflow, and no question needs it)."""

    FIRST, LAST = date(1900, 1, 1), date(2999, 12, 31)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not self.FIRST <= day <= self.LAST:
            raise serializers.ValidationError(
                _("%(value)s is outside the days the checker answers for (%(first)s to %(last)s)")
                % {"value": day.isoformat(), "first": self.FIRST.isoformat(),
                   "last": self.LAST.isoformat()}
            )
        return day


class LeanSerializer(serializers.Serializer):
    """A serializer whose fields are shallow copies of the declared ones instead of deep copies:
    on a request path DRF's deep copy is most of a small serializer's cost. Each copy is bound
    to this serializer; what they share (messages, a list's child field, which keeps no
    per-request state) is never changed by validation."""

    def get_fields(self):
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    @property
    def snapshot(self):
        return self.context["snapshot"]


class CheckRequestSerializer(LeanSerializer):
    """May data of a user in `subject_country`, in `data_categories`, go to `sub_processor` at
    its location in `destination_country`, on `on` (today by default)?"""

    subject_country = CountryCodeField(help_text=_("The user's country (ISO 3166-1 alpha-2)."))
    sub_processor = TextField(help_text=_("The sub-processor's slug."))
    destination_country = CountryCodeField(
        help_text=_("The country of the sub-processor's location (ISO 3166-1 alpha-2).")
    )
    data_categories = serializers.ListField(
        child=DataCategoryField(), allow_empty=False, max_length=50,
        help_text=_("Data categories of policy §2."),
    )
    on = DayField(
        required=False, help_text=_("Evaluate as of this day (YYYY-MM-DD); today by default.")
    )

    def validate_sub_processor(self, value):
        if value not in self.snapshot.by_slug:
            raise serializers.ValidationError(
                _("%(value)r is not a sub-processor of the roster") % {"value": _Shown(value)}
            )
        return value


class RoutesQuerySerializer(LeanSerializer):
    """Query parameters of routes: the user's country, the data categories, an optional
    sub-processor category and day."""

    subject_country = CountryCodeField(help_text=_("The user's country (ISO 3166-1 alpha-2)."))
    data_category = serializers.ListField(
        child=DataCategoryField(), allow_empty=False, max_length=50,
        help_text=_("Data categories of policy §2; repeat the parameter for several."),
    )
    category = TextField(
        required=False, help_text=_("Only sub-processors of this category (a category slug).")
    )
    on = DayField(
        required=False, help_text=_("Evaluate as of this day (YYYY-MM-DD); today by default.")
    )

    def validate_category(self, value):
        if value not in self.snapshot.categories:
            raise serializers.ValidationError(
                _("%(value)r is not a sub-processor category") % {"value": _Shown(value)}
            )
        return value


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("A stable dotted rule id, e.g. eu.tia_missing."))
    severity = serializers.ChoiceField(choices=["block", "error", "warning", "info"])
    message = serializers.CharField()


class VerdictSerializer(serializers.Serializer):
    allowed = serializers.BooleanField(
        help_text=_("True exactly when no finding is block or error.")
    )
    basis = serializers.CharField(
        allow_null=True,
        help_text=_("The Chapter V ground found (no_transfer, eu_adequacy, eu_scc, ...), or null."),
    )
    findings = FindingSerializer(many=True)


class RouteSerializer(VerdictSerializer):
    sub_processor = serializers.CharField(help_text=_("The sub-processor's slug."))
    country = serializers.CharField(help_text=_("One of its location countries."))


class RoutesSerializer(serializers.Serializer):
    results = RouteSerializer(many=True)
