from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.roster import RosterFileError, apply_roster, load_roster_file, read_roster


class Command(BaseCommand):
    help = (
        "Validate a whole roster file (YAML or JSON, by extension) and merge it by slug in one "
        "transaction. On any problem, print one line per problem, write nothing and exit 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .yaml, .yml or .json roster file")
        parser.add_argument("--dry-run", action="store_true", help="report changes, write none")
        parser.add_argument(
            "--prune", action="store_true",
            help="retire (never delete) sub-processors the file does not name",
        )
        parser.add_argument("--user", default="", help="who acts, recorded in history")

    def handle(self, *args, path, dry_run, prune, user, **options):
        try:
            plan = read_roster(load_roster_file(path))
        except RosterFileError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(error.problems)} problem(s) in {path}; nothing was written.", returncode=1
            ) from error
        account = get_user_model().objects.filter(username=user).first() if user else None
        report = apply_roster(
            plan, prune=prune, dry_run=dry_run, user=account, actor=user or "import_roster",
            reason=f"import_roster {path}",
        )
        prefix = "would change" if dry_run else "changed"
        for line in report:
            self.stdout.write(f"{prefix}: {line}")
        if not report:
            self.stdout.write("No changes.")
        elif not dry_run:
            self.stdout.write(self.style.SUCCESS(f"{len(report)} change(s) imported."))
