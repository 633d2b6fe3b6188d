"""Seed the CRI-TAC catalog's topic areas and topics (the public CRI-TAC topic list, grouped by area).

The earlier seed topics keep their names and are placed in an area; nothing is removed on the way back."""

from django.db import migrations
from django.utils.text import slugify

CRI_TAC_AREAS = [
    ("Community policing and engagement", [
        "Community policing", "Community engagement", "Problem-oriented policing",
        "Procedural justice and police legitimacy", "Building trust with diverse communities", "Youth engagement",
        "Immigrant community engagement", "Homelessness response",
    ]),
    ("Use of force and de-escalation", [
        "Use of force", "De-escalation", "Officer-involved shootings", "Less-lethal options",
        "Use-of-force reporting and review", "Duty to intervene",
    ]),
    ("Crisis response and critical incidents", [
        "Critical incidents", "Crisis response", "Active shooter response", "Mass casualty incident response",
        "Crowd management", "Crisis intervention teams", "Mental health response",
        "Emergency management and disaster response",
    ]),
    ("Violent crime and public safety", [
        "Violent crime reduction", "Gun violence reduction", "Gang violence", "Domestic violence",
        "Human trafficking", "Hate crimes", "Opioids and substance use", "Terrorism and targeted violence prevention",
        "Cybercrime",
    ]),
    ("Intelligence, data and technology", [
        "Intelligence and information sharing", "Crime analysis", "Data-driven policing", "Body-worn cameras",
        "Technology implementation", "Social media", "Records management", "Real-time crime centers",
    ]),
    ("Officer safety and wellness", [
        "Officer safety and wellness", "Peer support programs", "Trauma and resilience", "Suicide prevention",
        "Fatigue and shift scheduling", "Police vehicle crashes",
    ]),
    ("Accountability and professional standards", [
        "Accountability and discipline", "Early intervention", "Racial profiling and bias",
        "Internal affairs investigations", "Civilian oversight", "Complaint processes", "Policy development",
    ]),
    ("Recruitment, training and leadership", [
        "Recruitment and hiring", "Human resources", "Staffing", "Workforce diversity", "Field training",
        "Leadership development", "Supervision", "Organizational culture", "Strategic planning",
    ]),
    ("Public sector coordination and partnerships", [
        "Public sector coordination and partnerships", "Multi-agency coordination",
        "Prosecutor and court partnerships", "School safety", "Campus safety", "Tribal policing",
        "Rural policing", "Victim services",
    ]),
    ("Traffic and patrol operations", [
        "Traffic stops", "Traffic collisions", "Arrests", "Traffic safety", "Vehicle pursuits",
        "Patrol deployment",
    ]),
]  # fmt: skip


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
