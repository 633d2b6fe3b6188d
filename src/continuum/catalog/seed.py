"""The program's topic taxonomy, which every installation starts with.

The data migrations seed it once; `seed_catalog` puts it back whenever the topic table is empty after a migrate or
a flush (a test database is flushed between transactional tests), and never recreates a topic an administrator
removed from a catalog that still has topics."""

from django.apps import apps as global_apps
from django.utils.text import slugify

SEED_TOPICS = [
    "Use of force", "Racial profiling and bias", "Traffic stops", "Arrests", "Staffing",
    "Recruitment and hiring", "Community policing", "Problem-oriented policing", "Officer-involved shootings",
    "Critical incidents", "Traffic collisions", "Human resources", "Officer safety and wellness",
    "Crowd management", "De-escalation", "Accountability and discipline", "Early intervention",
    "Body-worn cameras", "Crisis response", "Community engagement", "Police vehicle crashes",
]  # fmt: skip

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


def seed_catalog(sender, using="default", apps=global_apps, **kwargs) -> None:
    """post_migrate receiver (a flush sends it without `apps`): seed the areas and topics into an empty catalog."""
    Topic = apps.get_model("catalog", "Topic")
    TopicArea = apps.get_model("catalog", "TopicArea")
    if Topic.objects.using(using).exists():
        return
    areas = {}
    for position, (area_name, topics) in enumerate(CRI_TAC_AREAS, start=1):
        area = TopicArea.objects.using(using).get_or_create(
            slug=slugify(area_name), defaults={"name": area_name, "position": position}
        )[0]
        areas.update(dict.fromkeys(topics, area))
    names = dict.fromkeys([*SEED_TOPICS, *areas])
    Topic.objects.using(using).bulk_create(
        [Topic(name=name, slug=slugify(name), area=areas.get(name)) for name in names]
    )
