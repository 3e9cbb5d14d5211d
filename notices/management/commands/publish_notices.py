"""publish_notices [--dry-run] [--user NAME] (contract §2): publish every draft notice."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from notices.models import Notice, NoticeStatus
from notices.services import notice_effective_on, notices_publish


class Command(BaseCommand):
    help = "Publish every draft notice of a material roster change and print what it published."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Print what would be published; change nothing.")
        parser.add_argument("--user", default="",
                            help="Who publishes (recorded in history); default: the command.")

    def handle(self, *args, dry_run=False, user="", **options):
        User = get_user_model()
        account = User.objects.filter(**{User.USERNAME_FIELD: user}).first() if user else None
        drafts = list(Notice.objects.filter(status=NoticeStatus.DRAFT).order_by("slug", "pk"))
        if dry_run:
            effective = notice_effective_on(timezone.now())
            for notice in drafts:
                self.stdout.write(f"would publish: {self._line(notice, effective)}")
            return
        published = notices_publish(notices=drafts, user=account,
                                    actor=user or "publish_notices")
        for notice in published:
            self.stdout.write(f"published: {self._line(notice, notice.effective_on)}")
        if not published:
            self.stdout.write("No draft notices to publish.")

    @staticmethod
    def _line(notice, effective):
        return f"{notice.slug} [{notice.kind}] {notice.title_en} (effective {effective})"
