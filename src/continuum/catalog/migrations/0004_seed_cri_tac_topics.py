"""Seed the CRI-TAC catalog's topic areas and topics (the public CRI-TAC topic list, grouped by area).

The earlier seed topics keep their names and are placed in an area; nothing is removed on the way back."""

from django.db import migrations
from django.utils.text import slugify

from continuum.catalog.seed import CRI_TAC_AREAS


def seed(apps, schema_editor):
    TopicArea = apps.get_model("catalog", "TopicArea")
    Topic = apps.get_model("catalog", "Topic")
    for position, (area_name, topics) in enumerate(CRI_TAC_AREAS, start=1):
        area, _ = TopicArea.objects.get_or_create(
            slug=slugify(area_name), defaults={"name": area_name, "position": position}
        )
        for name in topics:
            topic, _ = Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})
            if topic.area_id is None:
                topic.area = area
                topic.save(update_fields=["area"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_topicarea_topic_area")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
