"""The audit log: one helper every edit goes through; append-only; readable per object by staff."""

import pytest

from continuum.agencies.models import Agency
from continuum.audit.log import history, record, save_audited
from continuum.audit.models import AuditEvent


def test_save_audited_records_creation_then_only_real_changes(users):
    agency = Agency(name="Boston Police Department", agency_type="local", city="Boston", state="MA")
    save_audited(agency, users["staff"], reason="New agency")
    created = AuditEvent.objects.get(object_id=str(agency.pk))
    assert created.action == "created" and created.reason == "New agency"
    assert created.changes["name"] == [None, "Boston Police Department"]

    save_audited(agency, users["staff"])  # nothing changed: nothing logged
    assert history(agency).count() == 1

    agency.sworn_officers = 2100
    save_audited(agency, users["admin"], reason="Annual update")
    latest = history(agency).first()
    assert latest.action == "updated"
    assert latest.changes == {"sworn_officers": [None, 2100]}
    assert latest.actor == users["admin"] and latest.actor_label == f"{users['admin']} <admin@example.gov>"


def test_transition_event_keeps_who_when_from_to_why(users, orgs):
    event = record(
        users["staff"], orgs["agency_a"], "transition", from_state="submitted", to_state="under_review",
        reason="Assessment call booked",
    )  # fmt: skip
    assert (event.from_state, event.to_state, event.reason) == (
        "submitted",
        "under_review",
        "Assessment call booked",
    )
    assert event.at is not None and event.object_label == "Columbus (OH) Division of Police"


def test_events_are_append_only(users, orgs):
    event = record(users["staff"], orgs["agency_a"], "updated")
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_actor_label_survives_the_user(users, orgs):
    record(users["liaison_b"], orgs["agency_b"], "updated")
    users["liaison_b"].delete()
    event = AuditEvent.objects.get(object_id=str(orgs["agency_b"].pk))
    assert event.actor is None and event.actor_label.endswith("<liaison_b@example.gov>")


@pytest.mark.parametrize(
    "who,status", [("staff", 200), ("admin", 200), ("executive_a", 403), ("provider_a", 403), (None, 302)]
)
def test_history_page_is_for_program_staff(client, users, orgs, login, who, status):
    agency = orgs["agency_a"]
    agency.city = "Columbus Metro"
    save_audited(agency, users["staff"], reason="Typo")
    if who:
        login(users[who])
    response = client.get(f"/history/agencies/agency/{agency.pk}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Columbus Metro" in html and "Typo" in html


def test_history_of_unknown_record_is_404(client, users, login):
    login(users["staff"])
    assert client.get("/history/agencies/agency/999999/").status_code == 404
    assert client.get("/history/nope/nothing/1/").status_code == 404


def test_admin_edits_are_audited(client, users, orgs, login):
    login(users["admin"])
    agency = orgs["agency_b"]
    response = client.post(
        f"/admin/agencies/agency/{agency.pk}/change/",
        {"name": agency.name, "agency_type": "county", "city": "Fargo", "state": "ND", "ori": "",
         "sworn_officers": 195, "population_served": 125990, "chief_executive_name": "",
         "chief_executive_title": ""},
    )  # fmt: skip
    assert response.status_code == 302
    event = history(agency).get()
    assert event.changes == {"agency_type": ["local", "county"]}
    assert event.reason == "Edited in the administration site"


def test_an_edit_form_never_overwrites_a_concurrent_transition(users, orgs):
    """save_audited(fields=...) writes only the form's columns, on a locked row."""
    from continuum.sites.models import Site

    site = Site.objects.create(agency=orgs["agency_a"], program="critical_response", ta_type="technical_assistance",
                               title="Old title", description="x")  # fmt: skip
    stale = Site.objects.get(pk=site.pk)  # an edit form loaded this copy …
    Site.objects.filter(pk=site.pk).update(status="delivery")  # … then a transition moved the site
    stale.title = "New title"
    save_audited(stale, users["staff"], reason="Edited", fields=["title"])
    site.refresh_from_db()
    assert (site.title, site.status) == ("New title", "delivery")
    assert history(site).first().changes == {"title": ["Old title", "New title"]}
