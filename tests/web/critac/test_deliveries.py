"""A CRI-TAC engagement's delivery record: dates, format, type, attendees, materials; checked and audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from continuum.audit.models import AuditEvent
from continuum.critac.deliveries import record_delivery
from continuum.critac.models import Delivery
from continuum.delivery.work import DeliveryError

from . import factories


def _delivery(**fields) -> Delivery:
    values = dict(
        title="De-escalation training for patrol", delivery_type=factories.delivery_type("In-person training"),
        format="in_person", starts_on=factories.days_ago(3), ends_on=factories.days_ago(2), attendees=42,
        attendee_description="36 officers, 6 sergeants", materials="Workbook\n\nScenario cards\n", location="Columbus",
    )  # fmt: skip
    values.update(fields)
    return Delivery(**values)


def test_the_partner_records_a_delivery_and_it_is_audited(engagement, partner_users):
    made = record_delivery(engagement, partner_users["iacp"], _delivery())
    assert made.pk and made.site == engagement and made.recorded_by == partner_users["iacp"]
    assert made.material_list == ["Workbook", "Scenario cards"]
    assert AuditEvent.objects.filter(
        action="created", object_id=str(made.pk), object_label__startswith="De-esc"
    ).exists()
    on_site = AuditEvent.objects.filter(action="updated", object_id=str(engagement.pk)).order_by("pk")
    assert [list(event.changes) for event in on_site] == [["CRI-TAC delivery"], ["communication"]]


def test_a_delivery_is_contact_with_the_agency_and_moves_a_planned_engagement_on(engagement, partner_users):
    from continuum.delivery.contact import days_since_last_contact

    engagement.refresh_from_db()
    assert engagement.status == "work_plan"
    made = record_delivery(engagement, partner_users["iacp"], _delivery(starts_on=factories.days_ago(9),
                                                                      ends_on=factories.days_ago(8)))  # fmt: skip
    engagement.refresh_from_db()
    assert engagement.status == "delivery"
    assert days_since_last_contact(engagement) == 8
    contact = engagement.communications.get()
    assert contact.with_agency and contact.occurred_on == made.ends_on and made.title in contact.summary


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"starts_on": factories.days_ago(1), "ends_on": factories.days_ago(2)}, "before the first day"),
        ({"ends_on": factories.days_ago(-3)}, "cannot be in the future"),
        ({"delivery_type_name": "Peer exchange"}, "does not list “Peer exchange”"),
    ],
)
def test_impossible_deliveries_are_refused(engagement, users, fields, message):
    fields = dict(fields)
    if name := fields.pop("delivery_type_name", None):
        fields["delivery_type"] = factories.delivery_type(name)
    with pytest.raises(DeliveryError, match=message):
        record_delivery(engagement, users["staff"], _delivery(**fields))
    assert not Delivery.objects.exists()


def test_closed_and_non_cri_tac_sites_take_no_delivery(engagement, users, orgs):
    engagement.status = "closed"
    engagement.save()
    with pytest.raises(DeliveryError, match="closed"):
        record_delivery(engagement, users["staff"], _delivery())
    record_delivery(engagement, users["staff"], _delivery(), backfill=True)  # the demo back-fills history
    critical = factories.engagement(orgs["agency_a"], orgs["provider_a"], program="critical_response")
    with pytest.raises(DeliveryError, match="CRI-TAC engagements only"):
        record_delivery(critical, users["staff"], _delivery())


def test_retired_delivery_types_are_refused(engagement, users):
    kind = factories.delivery_type("Policy review")
    kind.active = False
    kind.save()
    with pytest.raises(DeliveryError, match="no longer offered"):
        record_delivery(engagement, users["staff"], _delivery(delivery_type=kind))


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "provider_a", "sme_a", "executive_b"])
def test_only_staff_and_the_assigned_partner_record(engagement, users, who):
    with pytest.raises(PermissionDenied):
        record_delivery(engagement, users[who], _delivery())


def test_the_form_records_a_delivery(client, login, engagement, partner_users):
    login(partner_users["iacp"])
    today = datetime.date.today().isoformat()
    data = {
        "delivery-title": "Policy review of the use-of-force order", "delivery-delivery_type":
        factories.delivery_type("Policy review").pk, "delivery-format": "virtual", "delivery-starts_on": today,
        "delivery-ends_on": today, "delivery-attendees": "0", "delivery-materials": "Marked-up policy",
    }  # fmt: skip
    response = client.post(f"/workspace/sites/{engagement.pk}/cri-tac/", data)
    assert response.status_code == 302
    page = client.get(f"/workspace/sites/{engagement.pk}/cri-tac/").content.decode()
    assert "Policy review of the use-of-force order" in page and "Marked-up policy" in page
    data["delivery-delivery_type"] = factories.delivery_type("Peer exchange").pk
    refused = client.post(f"/workspace/sites/{engagement.pk}/cri-tac/", data)
    assert refused.status_code == 422 and "update its capabilities first" in refused.content.decode()
    assert Delivery.objects.count() == 1
