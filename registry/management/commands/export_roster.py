from datetime import date

from django.core.management.base import BaseCommand, CommandError

from registry.roster import dump_roster, roster_as_of


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Write the roster (now, or as it stood at the end of a day) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=parse_day, default=None, metavar="YYYY-MM-DD")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args, as_of, format, **options):
        self.stdout.write(dump_roster(roster_as_of(as_of), format), ending="")
