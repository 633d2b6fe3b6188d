"""Seed the CRI-TAC delivery types so every installation starts with the program's list."""

from django.db import migrations
from django.utils.text import slugify

from continuum.critac.seed import SEED_DELIVERY_TYPES


def seed(apps, schema_editor):
    DeliveryType = apps.get_model("critac", "DeliveryType")
    for position, (name, description) in enumerate(SEED_DELIVERY_TYPES, start=1):
        DeliveryType.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("critac", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
