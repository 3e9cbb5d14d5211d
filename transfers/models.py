"""What the transfer checker believes: the law's reference data, and the policy's countries.

The law's reference data (the EEA, the adequacy lists of the EU, the UK and Switzerland, the
certification frameworks, the cloud provider regions) ships as versioned YAML files in
``transfers/reference/`` and is loaded into these tables by a migration
(``transfers.reference_sync.sync_reference_data``): it changes by a reviewed release, never in the
admin, where it is read-only. Every row keeps its source, the day it was last verified and the
version of the file it came from.

``ProcessingCountry`` is different: the privacy policy's processing countries (policy §9) are the
legal team's to edit, so it is history-tracked like the roster, and a change to it bumps the
roster version stamp, so every server process rebuilds the checker's snapshot.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import history
from registry.validators import COUNTRY_ERROR, is_country_code

REGIMES = [("eu", "EU"), ("uk", "UK"), ("ch", _("Switzerland"))]
SCOPES = [("full", _("full")), ("partial", _("partial"))]
EVERYONE_ELSE = "*"
EEA = "EEA"


class ReferenceFile(models.Model):
    """One shipped reference file (``eea.yaml``, ``adequacy-eu.yaml``...): its version and date."""

    name = models.CharField(_("file"), max_length=100, unique=True)
    version = models.CharField(_("version"), max_length=20)
    as_of = models.DateField(_("as of"))
    notes = models.JSONField(_("notes"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reference file")
        verbose_name_plural = _("reference files")

    def __str__(self):
        return f"{self.name} (version {self.version} as of {self.as_of.isoformat()})"

    @property
    def label(self) -> str:
        return f"version {self.version} as of {self.as_of.isoformat()}"


class ReferenceRow(models.Model):
    """What every reference row carries: the file it came from, its source and its check date."""

    file = models.ForeignKey(
        ReferenceFile, on_delete=models.CASCADE, related_name="+", verbose_name=_("file")
    )
    source = models.TextField(_("source"))
    last_verified = models.DateField(_("last verified"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class EEAMember(ReferenceRow):
    """A member of the European Economic Area (EEA Agreement; GDPR Art. 44: no transfer
    between members)."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    membership = models.CharField(_("membership"), max_length=10, blank=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("EEA member")
        verbose_name_plural = _("EEA members")

    def __str__(self):
        return f"{self.country} {self.name}"


class AdequacyDecision(ReferenceRow):
    """An adequacy finding for one country: EU (GDPR Art. 45), UK (UK GDPR Art. 45A) or
    Switzerland (FADP Art. 16(1), DPO Annex 1). It applies on day T when
    ``effective_from <= T < effective_to``."""

    regime = models.CharField(_("regime"), max_length=2, choices=REGIMES)
    country = models.CharField(_("country"), max_length=2)
    scope = models.CharField(_("scope"), max_length=10, choices=SCOPES)
    scope_note = models.TextField(_("scope note"), blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True,
        help_text=_("The first day the decision no longer applies; empty while in force."),
    )
    legal_ref = models.TextField(_("legal reference"))
    framework = models.CharField(
        _("certification framework"), max_length=30, blank=True,
        help_text=_("The decision reaches only recipients certified under this framework."),
    )

    class Meta:
        ordering = ["regime", "country", "effective_from", "id"]
        verbose_name = _("adequacy decision")
        verbose_name_plural = _("adequacy decisions")

    def __str__(self):
        return f"{self.get_regime_display()} adequacy: {self.country}"


class CertificationFramework(ReferenceRow):
    """A certification framework through which alone the US counts as adequate (EU-US DPF,
    Decision (EU) 2023/1795; UK-US data bridge, SI 2023/1028; Swiss-US DPF)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    regime = models.CharField(_("regime"), max_length=2, choices=REGIMES)
    country = models.CharField(_("country"), max_length=2)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_ref = models.TextField(_("legal reference"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("certification framework")
        verbose_name_plural = _("certification frameworks")

    def __str__(self):
        return self.name


class CloudRegion(ReferenceRow):
    """The country of a cloud provider's region: used to cross-check a location's recorded
    country, never to guess it (``cn-hongkong`` is HK)."""

    provider = models.CharField(_("provider"), max_length=20)
    region = models.CharField(_("region"), max_length=64)
    country = models.CharField(_("country"), max_length=2)
    place = models.CharField(_("place"), max_length=100, blank=True)

    class Meta:
        ordering = ["provider", "region"]
        verbose_name = _("cloud region")
        verbose_name_plural = _("cloud regions")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "region"], name="cloudregion_unique_provider_region",
                violation_error_message=_("This provider region is already listed."),
            ),
        ]

    def __str__(self):
        return f"{self.provider} {self.region} ({self.country})"


class ProcessingCountry(models.Model):
    """A country where the privacy policy says a group of users' data is processed (policy §9,
    "International Data Transfers"). The rule ``policy.processing_country`` refuses any other.

    ``subjects`` is ``*`` for every user not singled out, or the ISO code of a group singled out
    (``CN``: users in mainland China); a group's rows are its whole list, not an addition to
    ``*``. ``country`` is an ISO code or ``EEA`` for the 30 EEA members.
    """

    subjects = models.CharField(
        _("users in"), max_length=3, default=EVERYONE_ELSE,
        help_text=_('"*" for every user not singled out by another group, or a country code '
                    '("CN": users in mainland China).'),
    )
    country = models.CharField(
        _("processing country"), max_length=3,
        help_text=_('An ISO 3166-1 country code, or "EEA" for the 30 EEA members.'),
    )
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)

    history = history()

    class Meta:
        ordering = ["subjects", "country"]
        verbose_name = _("processing country")
        verbose_name_plural = _("processing countries")
        constraints = [
            models.UniqueConstraint(
                fields=["subjects", "country"], name="processingcountry_unique_per_group",
                violation_error_message=_("This country is already listed for these users."),
            ),
        ]

    def __str__(self):
        return f"{self.subjects} → {self.country}"

    def clean(self):
        errors = {}
        if self.subjects != EVERYONE_ELSE and not is_country_code(self.subjects):
            errors["subjects"] = ValidationError(
                _('%(value)r is neither "*" nor an ISO 3166-1 country code'),
                code="invalid_subjects", params={"value": self.subjects},
            )
        if self.country != EEA and not is_country_code(self.country):
            errors["country"] = ValidationError(
                COUNTRY_ERROR, code="invalid_country", params={"value": self.country}
            )
        if errors:
            raise ValidationError(errors)
