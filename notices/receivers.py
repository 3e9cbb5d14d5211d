"""Listens to the registry's on-commit ``roster_changed`` signal: material changes become
draft notices."""

import logging

from .services import notices_record_roster_changes

logger = logging.getLogger(__name__)


def roster_changed_received(sender, changes, actor="", reason="", **kwargs):
    sub_processor_ids = {change.sub_processor_id for change in changes
                         if change.sub_processor_id is not None}
    if not sub_processor_ids:
        return
    try:
        notices_record_roster_changes(sub_processor_ids=sub_processor_ids)
    except Exception:
        # The roster write has committed; failing its caller now would only hide that.
        logger.exception("Could not draft notices for sub-processors %s", sorted(sub_processor_ids))
