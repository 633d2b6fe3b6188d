"""The ways CRI-TAC assistance is delivered, which every installation starts with.

The data migration seeds them once; `seed_delivery_types` puts them back whenever the table is empty after a
migrate or a flush (a test database is flushed between transactional tests)."""

from django.apps import apps as global_apps
from django.utils.text import slugify

SEED_DELIVERY_TYPES = [
    ("In-person training", "Classroom or scenario-based training delivered at the agency."),
    ("Web-based training", "Live or recorded online training for the agency's personnel."),
    ("Virtual coaching", "Remote one-to-one or small-group coaching of leaders and specialists."),
    ("Meeting facilitation", "A neutral facilitator for meetings with the community or partners."),
    ("Onsite consultation", "Subject-matter experts visit the agency to advise on an issue."),
    ("Policy review", "Experts review the agency's policies against national standards and practice."),
    ("Strategic planning", "Help setting goals, priorities and a plan to reach them."),
    ("Peer exchange", "Agency personnel visit, or are visited by, a peer agency that has done it."),
    ("Resource referral", "Publications, model policies and tools that answer the request."),
]


def seed_delivery_types(sender, using="default", apps=global_apps, **kwargs) -> None:
    """post_migrate receiver (a flush sends it without `apps`): seed the delivery types into an empty table."""
    DeliveryType = apps.get_model("critac", "DeliveryType")
    if DeliveryType.objects.using(using).exists():
        return
    DeliveryType.objects.using(using).bulk_create(
        [
            DeliveryType(name=name, slug=slugify(name), description=description, position=position)
            for position, (name, description) in enumerate(SEED_DELIVERY_TYPES, start=1)
        ]
    )
