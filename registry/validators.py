"""Validation rules shared by every write path: admin forms, roster import and the API.

Each function raises ``ValidationError`` with a message that names the bad value and says why,
so that an import can print ``sub_processors[2].locations[0].country: 'XX' is not ...``.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .choices import Certification, DataCategoryCode, SubjectRegion

validate_slug = RegexValidator(
    r"\A[a-z0-9-]+\Z",
    _("%(value)r is not a valid slug: use lower-case letters, digits and hyphens only"),
    code="invalid_slug",
)

validate_category_slug = RegexValidator(
    r"\A[a-z0-9_-]+\Z",
    _("%(value)r is not a valid category slug: use lower-case letters, digits, underscores and "
      "hyphens only"),
    code="invalid_slug",
)

COUNTRY_ERROR = _("%(value)r is not an ISO 3166-1 country code")
DATA_CATEGORY_ERROR = _(
    "%(value)r is not a data category (account, billing, user_content, communications, usage, "
    "device, cookies)"
)


def is_country_code(value: object) -> bool:
    """Exactly an upper-case ISO 3166-1 alpha-2 code (``HK``, never ``CN-HK`` or ``hk``)."""
    return isinstance(value, str) and len(value) == 2 and value.isupper() and value in countries


def validate_country_code(value: object) -> None:
    if not is_country_code(value):
        raise ValidationError(COUNTRY_ERROR, code="invalid_country", params={"value": value})


def _validate_code_list(value, *, allowed, error, field_label) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Enter a list."), code="invalid_list")
    problems = [
        ValidationError(error, code="invalid_choice", params={"value": item})
        for item in value
        if not allowed(item)
    ]
    if problems:
        raise ValidationError(problems)
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        raise ValidationError(
            _("%(label)s lists %(items)s more than once"),
            code="duplicate",
            params={"label": field_label, "items": ", ".join(duplicates)},
        )


def validate_country_list(value) -> None:
    _validate_code_list(
        value, allowed=is_country_code, error=COUNTRY_ERROR, field_label=_("countries")
    )


def validate_subject_list(value) -> None:
    """A flow's subjects: the regions ``EEA`` and ``ROW`` or ISO countries (contract §3)."""
    _validate_code_list(
        value,
        allowed=lambda item: item in SubjectRegion.values or is_country_code(item),
        error=_("%(value)r is neither a region (EEA, ROW) nor an ISO 3166-1 country code"),
        field_label=_("subjects"),
    )


def validate_data_category_list(value) -> None:
    _validate_code_list(
        value,
        allowed=lambda item: item in DataCategoryCode.values,
        error=DATA_CATEGORY_ERROR,
        field_label=_("data categories"),
    )


def validate_certification_list(value) -> None:
    _validate_code_list(
        value,
        allowed=lambda item: item in Certification.values,
        error=_("%(value)r is not a certification (eu_us_dpf, uk_us_data_bridge, swiss_us_dpf)"),
        field_label=_("certifications"),
    )


def flow_country_problems(
    flow_countries: Iterable[str], location_countries: Iterable[str]
) -> list[str]:
    """Countries a data flow names where its sub-processor has no recorded location."""
    located = set(location_countries)
    return sorted({country for country in flow_countries if country not in located})


def flow_country_error(missing: list[str], sub_processor: str) -> ValidationError:
    return ValidationError(
        _("%(sub_processor)s has no location in %(countries)s"),
        code="undeclared_location",
        params={"sub_processor": sub_processor, "countries": ", ".join(missing)},
    )
