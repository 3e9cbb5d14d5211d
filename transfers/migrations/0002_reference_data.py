"""Loads the shipped reference files (version 1 as of 2026-11-27) and seeds the policy's
processing countries. A release that changes a reference file adds a migration calling
``sync_reference_data`` again."""

from django.db import migrations

from transfers.reference_sync import seed_processing_countries, sync_reference_data


def forwards(apps, schema_editor):
    sync_reference_data(apps, schema_editor)
    seed_processing_countries(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
