"""Moving the recorded roster into the past, so that as-of and since questions can be asked."""

from datetime import timedelta

from django.apps import apps
from django.db.models import F

from registry.models import SubProcessor


def backdate_roster(*, days: int) -> None:
    """Make everything recorded so far look ``days`` older: history dates and row timestamps.

    Plain ``update()`` on purpose: it writes no history, which is the point here.
    """
    shift = timedelta(days=days)
    for model in apps.get_app_config("registry").get_models():
        if model.__name__.startswith("Historical"):
            model.objects.update(history_date=F("history_date") - shift)
    SubProcessor.objects.update(updated_at=F("updated_at") - shift,
                                created_at=F("created_at") - shift)
