from django.core.management.base import BaseCommand

from registry.api.authentication import api_token_create


class Command(BaseCommand):
    help = "Create a read-only API token for an engineering service and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who the token is for, e.g. image-service")

    def handle(self, *args, name, **options):
        token, key = api_token_create(name=name)
        self.stderr.write(f"Token {token.prefix}… created for {name!r}. "
                          "Store the key now: it is not shown again.")
        self.stdout.write(key)
