"""Merging a validated roster plan by slug, in one transaction, writing only what differs."""

from django.db import transaction
from django.utils import timezone

from registry.changes import roster_write
from registry.models import Category, SubProcessor
from registry.services import children_replace, instance_save_changes, sub_processors_retire

from .plan import CHILDREN, RosterPlan, flow_key


class _DryRun(Exception):
    pass


def apply_roster(
    plan: RosterPlan, *, prune: bool = False, dry_run: bool = False, user=None,
    actor: str = "import_roster", reason: str = "Imported from a roster file",
) -> list[str]:
    """Merge a validated plan by slug in one transaction; return one line per change.

    The file is the whole truth about what the format carries for each sub-processor it names;
    internal notes are kept; sub-processors it does not name are untouched, or retired with
    ``prune``. With ``dry_run`` nothing is kept.
    """
    report: list[str] = []
    try:
        with transaction.atomic(), roster_write(user=user, actor=actor, reason=reason):
            _merge(plan, prune=prune, report=report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _merge(plan: RosterPlan, *, prune: bool, report: list[str]) -> None:
    categories = {c.slug: c for c in Category.objects.all()}
    for values in plan.categories:
        category = categories.get(values["slug"]) or Category()
        created = category.pk is None
        if instance_save_changes(instance=category, data=values):
            report.append(f"category {values['slug']}: {'created' if created else 'updated'}")
        categories[category.slug] = category

    existing = {sp.slug: sp for sp in SubProcessor.objects.select_related("category")}
    for sp_plan in plan.sub_processors:
        sub_processor = existing.get(sp_plan.slug) or SubProcessor(slug=sp_plan.slug)
        created = sub_processor.pk is None
        data = {**sp_plan.fields, "category": categories[sp_plan.fields["category"]]}
        changed = instance_save_changes(instance=sub_processor, data=data)
        lists = []
        for key, _model, row_key in CHILDREN:
            added, removed = children_replace(
                parent=sub_processor, relation=key, rows=getattr(sp_plan, key), key=row_key
            )
            if added or removed:
                lists.append(f"{key} +{added} -{removed}")
        added, removed = children_replace(
            parent=sub_processor, relation="data_flows", rows=sp_plan.flows, key=flow_key
        )
        if added or removed:
            lists.append(f"data_flows +{added} -{removed}")
        if created:
            report.append(f"{sp_plan.slug}: created")
        elif changed or lists:
            report.append(f"{sp_plan.slug}: updated " + ", ".join(changed + lists))

    if prune:
        named = {sp.slug for sp in plan.sub_processors}
        stale = [sp for slug, sp in sorted(existing.items()) if slug not in named]
        for sub_processor in sub_processors_retire(sub_processors=stale, on=timezone.localdate()):
            report.append(f"{sub_processor.slug}: retired")
