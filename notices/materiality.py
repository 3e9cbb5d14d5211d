"""What counts as a material change to the sub-processor roster: ONE table, used everywhere.

The promise of policy §8 ("reasonable notice of material changes") and the right to object of
GDPR Art. 28(2) and SCC Clause 9 attach to the changes marked material here. ``facts_diff``
compares two snapshots of a sub-processor's public-relevant facts (``notices.facts``) and
returns every change it sees; ``MATERIAL`` says which of them make a notice.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    ADDED = "added", _("added (a new slug, or made public)")
    REMOVED = "removed", _("retired or removed")
    COUNTRY_ADDED = "country_added", _("a processing country added")
    COUNTRY_REMOVED = "country_removed", _("a processing country removed")
    CATEGORY = "category", _("category changed")
    PURPOSE = "purpose", _("purpose changed")
    NAME = "name", _("legal name changed")
    AI_SAFEGUARD_OFF = "ai_safeguard_off", _("an AI safeguard turned off")
    FLOWS_WIDENED = "flows_widened", _("data flows widened")
    WEBSITE = "website", _("website changed")
    CITY = "city", _("city changed")
    PROVIDER_REGION = "provider_region", _("provider region changed")
    INTERNAL_NOTES = "internal_notes", _("internal notes changed")
    SAFEGUARDS = "safeguards", _("safeguards changed")
    ASSESSMENTS = "assessments", _("assessments changed")
    CERTIFICATIONS = "certifications", _("certifications changed")
    DPA_DATE = "dpa_date", _("DPA date added or changed")
    FLOWS_NARROWED = "flows_narrowed", _("data flows narrowed")
    # Outside the product's table, hence not material:
    AI_SAFEGUARD_ON = "ai_safeguard_on", _("an AI safeguard turned on")
    HEADQUARTERS = "headquarters", _("headquarters changed")
    STATUS = "status", _("proposed or active status changed")
    EFFECTIVE_FROM = "effective_from", _("effective date changed")


#: The materiality table of the product (``shared/product.md``), for changes to a PUBLIC
#: sub-processor. Changes to a sub-processor that is not public are never material.
MATERIAL: dict[ChangeKind, bool] = {
    ChangeKind.ADDED: True,
    ChangeKind.REMOVED: True,
    ChangeKind.COUNTRY_ADDED: True,
    ChangeKind.COUNTRY_REMOVED: True,
    ChangeKind.CATEGORY: True,
    ChangeKind.PURPOSE: True,
    ChangeKind.NAME: True,
    ChangeKind.AI_SAFEGUARD_OFF: True,
    ChangeKind.FLOWS_WIDENED: True,
    ChangeKind.WEBSITE: False,
    ChangeKind.CITY: False,
    ChangeKind.PROVIDER_REGION: False,
    ChangeKind.INTERNAL_NOTES: False,
    ChangeKind.SAFEGUARDS: False,
    ChangeKind.ASSESSMENTS: False,
    ChangeKind.CERTIFICATIONS: False,
    ChangeKind.DPA_DATE: False,
    ChangeKind.FLOWS_NARROWED: False,
    ChangeKind.AI_SAFEGUARD_ON: False,
    ChangeKind.HEADQUARTERS: False,
    ChangeKind.STATUS: False,
    ChangeKind.EFFECTIVE_FROM: False,
}

# Scalar facts whose change is one kind of change.
_SCALARS = (
    ("name", ChangeKind.NAME),
    ("category", ChangeKind.CATEGORY),
    ("website", ChangeKind.WEBSITE),
    ("internal_notes", ChangeKind.INTERNAL_NOTES),
    ("safeguards", ChangeKind.SAFEGUARDS),
    ("assessments", ChangeKind.ASSESSMENTS),
    ("certifications", ChangeKind.CERTIFICATIONS),
    ("dpa_signed", ChangeKind.DPA_DATE),
    ("headquarters", ChangeKind.HEADQUARTERS),
    ("effective_from", ChangeKind.EFFECTIVE_FROM),
    ("cities", ChangeKind.CITY),
    ("regions", ChangeKind.PROVIDER_REGION),
)
AI_SAFEGUARDS = ("do_not_train_enabled", "zero_retention_enabled")


@dataclass(frozen=True)
class Change:
    """One change seen between two snapshots; ``detail`` names what (a country, a flag...)."""

    kind: ChangeKind
    detail: tuple = ()

    @property
    def material(self) -> bool:
        return MATERIAL[self.kind]


def is_listed(facts: dict | None) -> bool:
    """Whether a snapshot is of a sub-processor on the public list (public and not retired)."""
    return bool(facts) and facts["public"] and facts["status"] != "retired"


def facts_diff(before: dict | None, after: dict | None) -> list[Change]:
    """Every change from ``before`` to ``after`` (either may be None: absent or deleted)."""
    if not is_listed(before):
        return [Change(ChangeKind.ADDED)] if is_listed(after) else []
    if not is_listed(after):
        # Made non-public is not announced: nothing public names a non-public sub-processor.
        return [Change(ChangeKind.REMOVED)] if after is None or after["public"] else []
    changes = []
    if before["purpose_en"] != after["purpose_en"] or before["purpose_zh"] != after["purpose_zh"]:
        changes.append(Change(ChangeKind.PURPOSE))
    for key, kind in _SCALARS:
        if before.get(key) != after.get(key):
            changes.append(Change(kind))
    if before["status"] != after["status"]:
        changes.append(Change(ChangeKind.STATUS))
    added = sorted(set(after["countries"]) - set(before["countries"]))
    removed = sorted(set(before["countries"]) - set(after["countries"]))
    if added:
        changes.append(Change(ChangeKind.COUNTRY_ADDED, tuple(added)))
    if removed:
        changes.append(Change(ChangeKind.COUNTRY_REMOVED, tuple(removed)))
    for flag in AI_SAFEGUARDS:
        if before[flag] and not after[flag]:
            changes.append(Change(ChangeKind.AI_SAFEGUARD_OFF, (flag,)))
        elif after[flag] and not before[flag]:
            changes.append(Change(ChangeKind.AI_SAFEGUARD_ON, (flag,)))
    before_flows = {tuple(pair) for pair in before["flows"]}
    after_flows = {tuple(pair) for pair in after["flows"]}
    if after_flows - before_flows:
        changes.append(Change(ChangeKind.FLOWS_WIDENED, tuple(sorted(after_flows - before_flows))))
    if before_flows - after_flows:
        changes.append(Change(ChangeKind.FLOWS_NARROWED, tuple(sorted(before_flows - after_flows))))
    return changes


def material_changes(before: dict | None, after: dict | None) -> list[Change]:
    """The material changes only: what a notice announces."""
    return [change for change in facts_diff(before, after) if change.material]
