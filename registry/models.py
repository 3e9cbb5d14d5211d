"""The catalogue: sub-processors, where they process data, their contracts and data flows.

Every model here is tracked by django-simple-history, so the roster can be rebuilt as it stood at
any moment (``registry.roster.roster_as_of``). Lists of codes are JSON lists rather than
many-to-many tables for the same reason: a history row then holds the whole value.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .choices import AI_MODEL_PROVIDER, DataCategoryCode, SafeguardKind, Status
from .validators import (
    COUNTRY_ERROR,
    flow_country_error,
    flow_country_problems,
    validate_category_slug,
    validate_certification_list,
    validate_country_list,
    validate_data_category_list,
    validate_slug,
    validate_subject_list,
)

COUNTRY_FIELD_ERRORS = {"invalid_choice": COUNTRY_ERROR}


class HistoryActor(models.Model):
    """Added to every history table: who acted, also when it was a command and not a user."""

    history_actor = models.CharField(_("acted by"), max_length=150, blank=True, default="")

    class Meta:
        abstract = True


def history(**options):
    return HistoricalRecords(bases=[HistoryActor], **options)


class Category(models.Model):
    """A sub-processor category: the six of policy §8 are built in; the legal team adds more."""

    slug = models.CharField(
        _("slug"),
        max_length=50,
        unique=True,
        validators=[validate_category_slug],
        help_text=_("Stable identifier used in roster files, e.g. cloud_infrastructure."),
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    builtin = models.BooleanField(_("built in"), default=False, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    history = history()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name_en


class DataCategory(models.Model):
    """A category of personal data of policy §2, with the retention that policy §10 states."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=DataCategoryCode)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    retention_en = models.TextField(_("retention (English)"))
    retention_zh_hans = models.TextField(_("retention (Chinese)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = history()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")

    def __str__(self):
        return self.name_en


class SubProcessor(models.Model):
    """A third party that processes personal data on the company's behalf (GDPR Art. 28(2))."""

    slug = models.CharField(
        _("slug"), max_length=64, unique=True, validators=[validate_slug],
        help_text=_("Stable identifier: lower-case letters, digits and hyphens."),
    )
    name = models.CharField(_("legal name"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="sub_processors",
        verbose_name=_("category"),
    )
    purpose_en = models.TextField(_("purpose (English)"))
    purpose_zh_hans = models.TextField(
        _("purpose (Chinese)"), blank=True, help_text=_("Falls back to English when empty.")
    )
    website = models.URLField(_("website"), blank=True)
    headquarters = CountryField(_("headquarters"), error_messages=COUNTRY_FIELD_ERRORS)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    effective_from = models.DateField(
        _("effective from"), null=True, blank=True,
        help_text=_("A proposed sub-processor becomes active on this day."),
    )
    retired_on = models.DateField(
        _("retired on"), null=True, blank=True,
        help_text=_("The day a retired sub-processor stopped receiving data."),
    )
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Listed on the public page and exports.")
    )
    dpa_signed = models.DateField(
        _("DPA signed"), null=True, blank=True,
        help_text=_("Date the data processing agreement (GDPR Art. 28(3)) was signed."),
    )
    certifications = models.JSONField(
        _("certifications"), default=list, blank=True, validators=[validate_certification_list],
        help_text=_("eu_us_dpf, uk_us_data_bridge, swiss_us_dpf"),
    )
    do_not_train_available = models.BooleanField(_("do-not-train offered"), default=False)
    do_not_train_enabled = models.BooleanField(_("do-not-train enabled"), default=False)
    zero_retention_available = models.BooleanField(_("zero data retention offered"), default=False)
    zero_retention_enabled = models.BooleanField(_("zero data retention enabled"), default=False)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    announced_effective = models.DateField(
        _("announced effective date"), null=True, blank=True, editable=False,
        help_text=_("Effective date of the published notice that announced this sub-processor: "
                    "it receives no data before this day, whatever its effective_from says."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["slug"]
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")
        constraints = [
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(status=Status.RETIRED),
                name="subprocessor_retired_on_only_when_retired",
                violation_error_message=_("Only a retired sub-processor has a retirement date."),
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(retired_on__gte=models.F("effective_from")),
                name="subprocessor_retired_after_effective",
                violation_error_message=_("The retirement date is before the effective date."),
            ),
            models.CheckConstraint(
                condition=Q(do_not_train_enabled=False) | Q(do_not_train_available=True),
                name="subprocessor_dnt_enabled_needs_available",
                violation_error_message=_(
                    "Do-not-train cannot be enabled where it is not offered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(zero_retention_enabled=False) | Q(zero_retention_available=True),
                name="subprocessor_zdr_enabled_needs_available",
                violation_error_message=_(
                    "Zero data retention cannot be enabled where it is not offered."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    AI_FLAGS = (
        "do_not_train_available",
        "do_not_train_enabled",
        "zero_retention_available",
        "zero_retention_enabled",
    )

    @property
    def is_ai_provider(self) -> bool:
        return self.category_id is not None and self.category.slug == AI_MODEL_PROVIDER

    @property
    def purpose_zh(self) -> str:
        return self.purpose_zh_hans or self.purpose_en

    def clean(self):
        # Sorted, so that the same set is the same value and a re-import changes nothing.
        self.certifications = sorted(self.certifications) if isinstance(
            self.certifications, list) else self.certifications
        if self.category_id is not None and not self.is_ai_provider:
            flagged = [name for name in self.AI_FLAGS if getattr(self, name)]
            if flagged:
                raise ValidationError(
                    {name: _("AI flags apply only to AI model providers.") for name in flagged}
                )


class Location(models.Model):
    """Where a sub-processor processes data: a country, and optionally a provider region, city.

    The country is recorded, never guessed from a region's name (``cn-hongkong`` is HK).
    """

    sub_processor = models.ForeignKey(
        SubProcessor, on_delete=models.CASCADE, related_name="locations",
        verbose_name=_("sub-processor"),
    )
    country = CountryField(_("country"), error_messages=COUNTRY_FIELD_ERRORS)
    region = models.CharField(_("provider region"), max_length=64, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    history = history()

    class Meta:
        ordering = ["sub_processor", "country", "region", "city"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_processor", "country", "region", "city"],
                name="location_unique_per_sub_processor",
                violation_error_message=_("This location is already recorded."),
            ),
        ]

    def __str__(self):
        return " / ".join(part for part in (str(self.country.name), self.region, self.city) if part)


class Safeguard(models.Model):
    """A transfer instrument signed with a sub-processor (GDPR Art. 46(2), UK GDPR Art. 46,
    FADP Art. 16(2), PIPL Art. 38) or a derogation relied on (GDPR Art. 49)."""

    sub_processor = models.ForeignKey(
        SubProcessor, on_delete=models.CASCADE, related_name="safeguards",
        verbose_name=_("sub-processor"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=SafeguardKind)
    module = models.PositiveSmallIntegerField(
        _("SCC module"), null=True, blank=True,
        help_text=_("1 C→C, 2 C→P, 3 P→P, 4 P→C (Decision (EU) 2021/914); EU SCCs only."),
    )
    signed = models.DateField(_("signed"), null=True, blank=True)

    history = history()

    class Meta:
        ordering = ["sub_processor", "kind", "module", "signed"]
        verbose_name = _("transfer safeguard")
        verbose_name_plural = _("transfer safeguards")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SafeguardKind.EU_SCC) | Q(module__isnull=True),
                name="safeguard_module_only_for_eu_scc",
                violation_error_message=_("An SCC module is given only with eu_scc."),
            ),
            models.CheckConstraint(
                # module IS NULL would make the comparison unknown, which a CHECK lets pass.
                condition=~Q(kind=SafeguardKind.EU_SCC)
                | Q(module__isnull=False, module__gte=1, module__lte=4),
                name="safeguard_eu_scc_needs_module",
                violation_error_message=_("EU SCCs need their module, 1 to 4."),
            ),
        ]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label}, Module {self.module}" if self.module else str(label)


class TransferAssessment(models.Model):
    """A transfer impact assessment for one destination country (EDPB Recommendations 01/2020;
    Schrems II, C-311/18). Internal: never shown on public pages."""

    sub_processor = models.ForeignKey(
        SubProcessor, on_delete=models.CASCADE, related_name="assessments",
        verbose_name=_("sub-processor"),
    )
    country = CountryField(_("destination country"), error_messages=COUNTRY_FIELD_ERRORS)
    completed = models.DateField(_("completed"))

    history = history()

    class Meta:
        ordering = ["sub_processor", "country", "completed"]
        verbose_name = _("transfer impact assessment")
        verbose_name_plural = _("transfer impact assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_processor", "country", "completed"],
                name="assessment_unique_per_day",
                violation_error_message=_("This assessment is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.country.code} ({self.completed.isoformat()})"


class DataFlow(models.Model):
    """Which personal data of which users goes to a sub-processor, where, and why."""

    sub_processor = models.ForeignKey(
        SubProcessor, on_delete=models.CASCADE, related_name="data_flows",
        verbose_name=_("sub-processor"),
    )
    data_categories = models.JSONField(
        _("data categories"), validators=[validate_data_category_list],
        help_text=_("account, billing, user_content, communications, usage, device, cookies"),
    )
    subjects = models.JSONField(
        _("subjects"), validators=[validate_subject_list],
        help_text=_("Users' countries, or the regions EEA and ROW (every other country)."),
    )
    countries = models.JSONField(
        _("destination countries"), validators=[validate_country_list],
        help_text=_("Countries among the sub-processor's locations where this data goes."),
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    history = history()

    class Meta:
        ordering = ["sub_processor", "purpose", "id"]
        verbose_name = _("data flow")
        verbose_name_plural = _("data flows")

    LIST_FIELDS = ("data_categories", "subjects", "countries")

    def __str__(self):
        return f"{self.sub_processor.slug}: {self.purpose or ', '.join(self.data_categories)}"

    def clean(self):
        for name in self.LIST_FIELDS:
            value = getattr(self, name)
            if isinstance(value, list):
                setattr(self, name, sorted(value))
        empty = {name: _("Name at least one.") for name in self.LIST_FIELDS
                 if isinstance(getattr(self, name), list) and not getattr(self, name)}
        if empty:
            raise ValidationError(empty)
        if self.sub_processor_id is not None and isinstance(self.countries, list):
            located = self.sub_processor.locations.values_list("country", flat=True)
            missing = flow_country_problems(self.countries, located)
            if missing:
                raise ValidationError(
                    {"countries": flow_country_error(missing, self.sub_processor.slug)}
                )


class RosterVersion(models.Model):
    """The roster's version stamp: changes in the same transaction as any roster write.

    A process that keeps something compiled from the roster (the transfer checker's snapshot)
    compares the stamp to know when to rebuild. A single row.
    """

    stamp = models.PositiveBigIntegerField(_("stamp"), default=0)
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster version")

    def __str__(self):
        return str(self.stamp)


class APIToken(models.Model):
    """A read-only token for an engineering service. Only the SHA-256 digest of the key is
    stored: the key itself is shown once, when the token is created."""

    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), null=True, blank=True,
        help_text=_("Empty: the default limit. 0: no limit."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
