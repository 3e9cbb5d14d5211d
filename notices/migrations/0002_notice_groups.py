"""The legal team's two groups: editors draft notices, approvers also publish them."""

from django.db import migrations

EDITOR_PERMISSIONS = ["view_notice", "change_notice", "view_objection", "change_objection",
                      "view_subscriber", "view_delivery"]
APPROVER_PERMISSIONS = [*EDITOR_PERMISSIONS, "publish_notice", "change_delivery"]
GROUPS = {"Notice editors": EDITOR_PERMISSIONS, "Notice approvers": APPROVER_PERMISSIONS}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("notices")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="notices", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
