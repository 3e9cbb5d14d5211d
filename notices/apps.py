from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices of roster changes")

    def ready(self):
        from registry.changes import roster_changed

        from .receivers import roster_changed_received

        roster_changed.connect(roster_changed_received, dispatch_uid="notices.roster_changed")
