"""The working triage queue: an owner per request (assigned one by one or in bulk), the first-contact service
level, and the CSV export of what the filters show."""

import csv
import io
from datetime import date, datetime

import pytest
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.intake import assignment
from continuum.intake.models import Contact, Request
from continuum.intake.service import contact_due, service_level


def test_contact_due_counts_business_days(settings):
    settings.CONTACT_TARGET_BUSINESS_DAYS = 5
    friday = timezone.make_aware(datetime(2026, 11, 27, 16, 0))
    assert contact_due(friday) == date(2026, 12, 4)  # Mon-Fri of the next week
    saturday = timezone.make_aware(datetime(2026, 11, 28, 10, 0))
    assert contact_due(saturday) == date(2026, 12, 7)  # a weekend submission counts from Monday
    level = service_level(friday, None, today=date(2026, 12, 8))
    assert (level.state, level.days, level.label) == ("overdue", 2, "Contact overdue by 2 business days")
    assert service_level(friday, None, today=date(2026, 12, 3)).label == "Contact due in 1 business day"
    assert service_level(friday, date(2026, 12, 1)).state == "met"
    late = service_level(friday, date(2026, 12, 7))
    assert (late.state, late.days) == ("late", 1)


def test_staff_assign_in_bulk_and_the_queue_filters_by_owner(client, login, users, new_request):
    one, two, three = (new_request(agency_name=f"{name} PD") for name in ("Akron", "Boise", "Chico"))
    login(users["staff"])
    response = client.post("/requests/assign/", {"requests": [one.pk, two.pk], "owner": users["staff"].pk,
                                                 "next": "/requests/?status=all"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/requests/?status=all"
    assert set(Request.objects.filter(owner=users["staff"]).values_list("pk", flat=True)) == {one.pk, two.pk}
    events = AuditEvent.objects.filter(changes__owner__isnull=False)
    assert events.count() == 2
    mine = client.get("/requests/", {"owner": "me"})
    assert {r.pk for r in mine.context["requests"]} == {one.pk, two.pk}
    nobody = client.get("/requests/", {"owner": "none"})
    assert [r.pk for r in nobody.context["requests"]] == [three.pk]
    page = mine.content.decode()
    assert "Contact due" in page and "Staff STAFF" in page


def test_a_forged_assignment_changes_nothing(client, login, users, new_request):
    request = new_request()
    login(users["staff"])
    to_agency = client.post("/requests/assign/", {"requests": [request.pk], "owner": users["liaison_a"].pk})
    assert to_agency.status_code == 302
    unknown = client.post("/requests/assign/", {"requests": [999999], "owner": users["staff"].pk})
    assert unknown.status_code == 302
    request.refresh_from_db()
    assert request.owner is None and not AuditEvent.objects.filter(changes__owner__isnull=False).exists()
    with pytest.raises(assignment.AssignmentError):
        assignment.assign([request], users["provider_a"], users["staff"])
    login(users["executive_a"])
    assert (
        client.post("/requests/assign/", {"requests": [request.pk], "owner": users["staff"].pk}).status_code
        == 403
    )
    request.refresh_from_db()
    assert request.owner is None


def test_the_export_follows_the_filters_and_defuses_formulas(client, login, users, new_request):
    new_request(agency_name='=HYPERLINK("http://x")', agency_state="CO", urgency="urgent")
    new_request(agency_name="Boise PD", agency_state="ID")
    login(users["staff"])
    response = client.get("/requests/export/", {"state": "CO"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Tracking number", "Agency"] and "Owner" in rows[0]
    assert len(rows) == 2 and rows[1][1].startswith("'=HYPERLINK")
    login(users["liaison_a"])
    agency_rows = list(csv.reader(io.StringIO(client.get("/requests/export/").content.decode())))
    assert "Owner" not in agency_rows[0] and len(agency_rows) == 1  # none of agency A's: nothing else leaks


def test_first_contact_shows_in_the_queue(client, login, users, new_request):
    request = new_request()
    Request.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - timezone.timedelta(days=20))
    login(users["staff"])
    assert "Contact overdue by" in client.get("/requests/").content.decode()
    Contact.objects.create(request=request, contacted_on=timezone.localdate(), with_whom="Chief", channel="phone",
                           purposes=["assess"], logged_by=users["staff"])  # fmt: skip
    assert "Contacted" in client.get("/requests/").content.decode()
