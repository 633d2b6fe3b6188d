"""Seed the topic taxonomy so every installation starts with the program's topics."""

from django.db import migrations
from django.utils.text import slugify

from continuum.catalog.seed import SEED_TOPICS


def seed(apps, schema_editor):
    Topic = apps.get_model("catalog", "Topic")
    for name in SEED_TOPICS:
        Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
