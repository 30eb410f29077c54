"""Joins the migrations that issues 3 to 8 added side by side; it changes nothing itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_photos"),
        ("articles", "0003_reader_site"),
        ("articles", "0003_republication"),
        ("articles", "0003_workflow"),
    ]

    operations = []
