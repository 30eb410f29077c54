"""Create the Reporter and Editor groups with the model permissions each role needs.

Object-level rules (a reporter edits only their own drafts, only editors publish) live in
articles/workflow.py and the admin; these are the model permissions underneath them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = {
    "articles": ["add_article", "change_article", "view_article", "add_byline", "change_byline",
                 "delete_byline", "view_byline", "add_imagecredit", "change_imagecredit",
                 "view_imagecredit", "view_author", "view_section"],
    "taggit": ["add_tag", "view_tag", "add_taggeditem", "change_taggeditem",
               "delete_taggeditem", "view_taggeditem"],
}
EDITOR = {
    "articles": ["add_article", "change_article", "delete_article", "view_article",
                 "add_byline", "change_byline", "delete_byline", "view_byline",
                 "add_imagecredit", "change_imagecredit", "delete_imagecredit", "view_imagecredit",
                 "add_author", "change_author", "view_author",
                 "add_section", "change_section", "view_section",
                 "change_publisher", "view_publisher"],
    "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag", "add_taggeditem",
               "change_taggeditem", "delete_taggeditem", "view_taggeditem"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Reporter", REPORTER), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in wanted.items():
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
