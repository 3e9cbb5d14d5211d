"""The answers of the read API.

The serializers declare each answer's shape and describe every field (the OpenAPI document is
generated from them). Their ``to_representation`` builds the answer as a plain dict from rows
already fetched by ``registry.api.selectors``: DRF's field-by-field machinery would cost more than
the queries for a page of nested sub-processors. ``tests/api`` checks that what is built and what
is declared are the same keys.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.choices import Certification, DataCategoryCode, SafeguardKind, Status

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


class LocalizedTextSerializer(serializers.Serializer):
    """A text in English and in Simplified Chinese."""

    def get_fields(self):
        return {
            "en": serializers.CharField(help_text=_("English.")),
            "zh-hans": serializers.CharField(
                help_text=_("Simplified Chinese; the English text when none is recorded.")
            ),
        }


def localized(en: str, zh_hans: str) -> dict:
    return {"en": en, "zh-hans": zh_hans or en}


class AIFlagsSerializer(serializers.Serializer):
    """Commitments of an AI model provider (policy §8)."""

    do_not_train_available = serializers.BooleanField(
        help_text=_("The provider offers not to train its models on our data."))
    do_not_train_enabled = serializers.BooleanField(
        help_text=_("Do-not-train is in force for our account."))
    zero_retention_available = serializers.BooleanField(
        help_text=_("The provider offers zero data retention."))
    zero_retention_enabled = serializers.BooleanField(
        help_text=_("Zero data retention is in force for our account."))


class LocationSerializer(serializers.Serializer):
    """Where a sub-processor processes data."""

    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code of the country."))
    region = serializers.CharField(
        help_text=_("The provider's region name, e.g. eu-west-1; empty when not recorded."))
    city = serializers.CharField(help_text=_("City; empty when not recorded."))


class SafeguardSerializer(serializers.Serializer):
    """A transfer instrument signed with the sub-processor (GDPR Art. 46(2)) or a derogation
    relied on (GDPR Art. 49)."""

    kind = serializers.ChoiceField(choices=SafeguardKind.choices,
                                   help_text=_("The kind of instrument."))
    module = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=4,
        help_text=_("The module of EU Standard Contractual Clauses (1 to 4); null otherwise."))
    signed = serializers.DateField(allow_null=True,
                                   help_text=_("The day it was signed; null when not recorded."))


class AssessmentSerializer(serializers.Serializer):
    """A transfer impact assessment for one destination country (EDPB Recommendations 01/2020)."""

    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code of the destination."))
    completed = serializers.DateField(help_text=_("The day the assessment was completed."))


CHILD_FIELDS = {
    "locations": ("country", "region", "city"),
    "safeguards": ("kind", "module", "signed"),
    "assessments": ("country", "completed"),
}


class SubProcessorSerializer(serializers.Serializer):
    """A sub-processor (GDPR Art. 28(2)) with where it processes data, its transfer safeguards,
    assessments, certifications and, for AI model providers, its AI commitments."""

    slug = serializers.SlugField(help_text=_("Stable identifier, used in URLs and roster files."))
    name = serializers.CharField(help_text=_("Legal name."))
    category = serializers.CharField(
        help_text=_("Category slug, e.g. cloud_infrastructure or ai_model_provider."))
    purpose = LocalizedTextSerializer(help_text=_("What the sub-processor does for us."))
    website = serializers.URLField(allow_null=True, help_text=_("Website; null when none."))
    headquarters = serializers.CharField(
        help_text=_("ISO 3166-1 alpha-2 code of the headquarters country."))
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text=_("proposed (announced, not yet receiving data), active, or retired."))
    effective_from = serializers.DateField(
        allow_null=True, help_text=_("The day a proposed sub-processor becomes active."))
    announced_effective = serializers.DateField(
        allow_null=True,
        help_text=_("Effective date of the published notice that announced it: it receives no "
                    "data before this day."))
    retired_on = serializers.DateField(
        allow_null=True, help_text=_("The day a retired sub-processor stopped receiving data."))
    public = serializers.BooleanField(help_text=_("Listed on the public page and exports."))
    dpa_signed = serializers.DateField(
        allow_null=True,
        help_text=_("The day the data processing agreement (GDPR Art. 28(3)) was signed; null "
                    "when none is signed."))
    certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=Certification.choices),
        help_text=_("Certifications under a data privacy framework, sorted."))
    ai = AIFlagsSerializer(
        allow_null=True, help_text=_("AI commitments; null unless the category is "
                                     "ai_model_provider."))
    locations = LocationSerializer(many=True, help_text=_("Where it processes data."))
    safeguards = SafeguardSerializer(many=True, help_text=_("Transfer instruments signed."))
    assessments = AssessmentSerializer(many=True,
                                       help_text=_("Transfer impact assessments completed."))
    internal_notes = serializers.CharField(
        help_text=_("The legal team's notes; never shown on public pages."))
    created_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was first recorded."))
    updated_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("When its own fields last changed (children not included); null in an "
                    "as_of answer."))

    def to_representation(self, row: dict) -> dict:
        return sub_processor_representation(row)


#: SubProcessor fields copied as they are from a row.
PLAIN_FIELDS = ("slug", "name", "category", "headquarters", "status", "effective_from",
                "announced_effective", "retired_on", "public", "dpa_signed", "internal_notes",
                "created_at", "updated_at")
AI_FLAGS = tuple(AIFlagsSerializer._declared_fields)
AI_CATEGORY = "ai_model_provider"


def sub_processor_representation(row: dict) -> dict:
    """A sub-processor row (``selectors.SUB_PROCESSOR_VALUES`` plus its child lists) as the API
    shows it."""
    data = {name: row[name] for name in PLAIN_FIELDS}
    data["purpose"] = localized(row["purpose_en"], row["purpose_zh_hans"])
    data["website"] = row["website"] or None
    data["certifications"] = sorted(row["certifications"] or ())
    data["ai"] = ({name: row[name] for name in AI_FLAGS}
                  if row["category"] == AI_CATEGORY else None)
    for relation, fields in CHILD_FIELDS.items():
        data[relation] = [{name: child[name] for name in fields} for child in row[relation]]
    return data


class DataFlowSerializer(serializers.Serializer):
    """Which personal data of which users goes to a sub-processor, where, and why."""

    id = serializers.IntegerField(help_text=_("Identifier of the flow (flows have no slug)."))
    sub_processor = serializers.SlugField(help_text=_("Slug of the sub-processor."))
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategoryCode.choices),
        help_text=_("Categories of personal data carried (policy §2), sorted."))
    subjects = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Whose data: ISO countries, EEA (the 30 EEA countries) or ROW (every "
                    "country neither in the EEA nor named in this list), sorted."))
    countries = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("ISO countries among the sub-processor's locations where the data goes."))
    purpose = serializers.CharField(help_text=_("Why; may be empty."))

    def to_representation(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "sub_processor": row["sub_processor_slug"],
            "data_categories": row["data_categories"],
            "subjects": row["subjects"],
            "countries": row["countries"],
            "purpose": row["purpose"],
        }


class DataCategorySerializer(serializers.Serializer):
    """A category of personal data (policy §2) and how long it is kept (policy §10)."""

    code = serializers.ChoiceField(choices=DataCategoryCode.choices,
                                   help_text=_("Stable code, used in data flows."))
    name = LocalizedTextSerializer(help_text=_("Name."))
    retention = LocalizedTextSerializer(help_text=_("Retention period and rule."))

    def to_representation(self, row: dict) -> dict:
        return {
            "code": row["code"],
            "name": localized(row["name_en"], row["name_zh_hans"]),
            "retention": localized(row["retention_en"], row["retention_zh_hans"]),
        }


class FieldChangeSerializer(serializers.Serializer):
    """One field's value before and after a change."""

    field = serializers.CharField(help_text=_("The field's name, as in the model."))
    old = serializers.JSONField(allow_null=True,
                                help_text=_("The value before; null when the record was created."))
    new = serializers.JSONField(allow_null=True,
                                help_text=_("The value after; null when the record was deleted."))


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change of a sub-processor or of one of its locations, safeguards,
    assessments or data flows."""

    id = serializers.IntegerField(help_text=_("Identifier of the history record in its table."))
    when = serializers.DateTimeField(help_text=_("When the change was made."))
    who = serializers.CharField(
        help_text=_("Who made it: the user, or the command or process; empty when unknown."))
    why = serializers.CharField(allow_null=True,
                                help_text=_("The change reason recorded; null when none."))
    record = serializers.ChoiceField(
        choices=["sub_processor", "location", "safeguard", "assessment", "data_flow"],
        help_text=_("What changed: the sub-processor itself or one of its children."))
    record_id = serializers.IntegerField(help_text=_("Identifier of the changed record."))
    action = serializers.ChoiceField(choices=list(HISTORY_TYPES.values()),
                                     help_text=_("created, changed or deleted."))
    changes = FieldChangeSerializer(
        many=True,
        help_text=_("Field-level differences; for a created or deleted record, every field."))

    def to_representation(self, entry: dict) -> dict:
        return entry
