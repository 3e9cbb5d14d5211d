"""The database cache's table (rate limits shared by all server processes). Created by a
migration so that every database the project migrates has it; with Redis as the cache this
does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_eu_scc_needs_module")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
