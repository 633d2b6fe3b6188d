"""The seeded catalog (topic areas, 60+ topics, delivery types) and the public catalog page."""

from continuum.catalog.models import Topic, TopicArea
from continuum.catalog.seed import SEED_TOPICS
from continuum.critac.models import DeliveryType
from continuum.critac.seed import SEED_DELIVERY_TYPES

from . import factories

NAMED_IN_THE_ISSUE = [
    "De-escalation", "Active shooter response", "Intelligence and information sharing",
    "Public sector coordination and partnerships", "Officer safety and wellness",
]  # fmt: skip


def test_the_catalog_is_seeded_with_sixty_topics_grouped_by_area(db):
    assert Topic.objects.filter(area__isnull=False).count() >= 60
    assert TopicArea.objects.count() >= 8
    assert set(NAMED_IN_THE_ISSUE) <= set(Topic.objects.values_list("name", flat=True))
    # The earlier seed topics are kept, each placed in an area.
    assert set(
        Topic.objects.filter(name__in=SEED_TOPICS, area__isnull=False).values_list("name", flat=True)
    ) == set(SEED_TOPICS)


def test_the_nine_delivery_types_are_seeded(db):
    names = list(DeliveryType.objects.values_list("name", flat=True))
    assert names == [name for name, _ in SEED_DELIVERY_TYPES]
    assert len(names) == 9 and "Resource referral" in names and "In-person training" in names


def test_a_flushed_database_gets_the_catalog_back_but_a_removed_topic_stays_removed(transactional_db):
    """Transactional tests (and `manage.py flush`) empty every table; the seeds come back after the flush, as
    content types do, so a test that runs after them sees the program's catalog."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert Topic.objects.filter(area__isnull=False).count() >= 60
    assert DeliveryType.objects.count() == len(SEED_DELIVERY_TYPES)
    Topic.objects.filter(name="Arrests").delete()
    call_command("migrate", verbosity=0)
    assert not Topic.objects.filter(name="Arrests").exists()


def test_the_public_page_lists_areas_topics_types_and_partners(client, partners):
    Topic.objects.filter(name="Arrests").update(active=False)
    response = client.get("/cri-tac/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in [
        *NAMED_IN_THE_ISSUE,
        "Use of force and de-escalation",
        "Virtual coaching",
        "Resource referral",
    ]:
        assert name in body
    assert "International Association of Chiefs of Police" in body and "National Sheriff" in body
    assert (
        "<li>Arrests</li>" not in body
    )  # inactive topics can't be chosen, so the catalog doesn't offer them
    assert 'href="/workspace/cri-tac/"' not in body  # the engagements link is for signed-in users


def test_partner_coverage_counts_whole_areas_and_single_topics(db):
    factories.topic("Supervision", "Recruitment, training and leadership")
    made = factories.partner(
        "Partner", areas=["Recruitment, training and leadership"], topics=["Traffic stops"]
    )
    made = type(made).objects.with_coverage().get(pk=made.pk)
    assert made.covers(Topic.objects.get(name="Supervision"))
    assert made.covers(Topic.objects.get(name="Traffic stops"))
    assert not made.covers(Topic.objects.get(name="Use of force"))


def test_only_a_cri_tac_partner_association_can_have_capabilities(orgs):
    import pytest
    from django.core.exceptions import ValidationError

    from continuum.critac.models import Partner

    with pytest.raises(ValidationError):
        Partner(provider=orgs["provider_a"]).full_clean()
