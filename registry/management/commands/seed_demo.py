import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from registry.models import SubProcessor
from registry.roster import apply_roster, load_roster_file, read_roster

DEMO_ROSTER = Path(settings.BASE_DIR) / "fixtures" / "demo-roster.yaml"


class Command(BaseCommand):
    help = "Load the demo roster into an empty registry and create a development admin login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not SubProcessor.objects.exists():
            plan = read_roster(load_roster_file(DEMO_ROSTER))
            apply_roster(plan, actor="seed_demo", reason="Demo roster")
            count = len(plan.sub_processors)
            self.stdout.write(f"Loaded the demo roster ({count} sub-processors).")
        users = get_user_model().objects
        if not users.filter(username=username).exists():
            password = secrets.token_urlsafe(12)
            users.create_superuser(username, f"{username}@localhost", password)
            self.stdout.write(self.style.SUCCESS(
                f"Development admin (at /admin/ of the server below): user {username!r}  "
                f"password {password!r}"
            ))
        else:
            self.stdout.write(f"Development admin {username!r} exists (password unchanged).")
