"""The communications log: who logs and who sees what, days since the last contact with the agency, and the
silence flag past the threshold of the site's program."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template

from continuum.audit.log import history
from continuum.delivery import contact
from continuum.delivery.models import Communication, ContactThreshold
from continuum.delivery.status import late_milestone_site_ids, silent_site_ids
from continuum.delivery.work import DeliveryError, log_communication
from continuum.sites.models import Site

from .conftest import make_site, today

DAY = datetime.timedelta(days=1)


def _log(site, user, days_ago, *, with_agency=True, summary="Weekly check-in"):
    return log_communication(
        site, user,
        Communication(occurred_on=today() - days_ago * DAY, kind="call", with_agency=with_agency,
                      participants="Chief; project lead", summary=summary),
    )  # fmt: skip


def _form(days_ago=0, **changes):
    data = {
        "communication-occurred_on": (today() - days_ago * DAY).isoformat(), "communication-kind": "meeting",
        "communication-with_agency": "on", "communication-participants": "Chief Bryant; Casey Nguyen",
        "communication-summary": "Agreed the data request.",
    }  # fmt: skip
    data.update(changes)
    return data


def test_team_logs_a_communication_audited_on_the_site(client, users, login, site):
    login(users["provider_a"])
    response = client.post(f"/workspace/sites/{site.pk}/communications/", _form(days_ago=2))
    assert response.status_code == 302
    item = Communication.objects.get()
    assert (item.site, item.logged_by, item.kind, item.with_agency) == (
        site,
        users["provider_a"],
        "meeting",
        True,
    )
    assert history(item).filter(action="created", actor=users["provider_a"]).exists()
    assert history(site).filter(changes__has_key="communication", actor=users["provider_a"]).exists()
    page = client.get(f"/workspace/sites/{site.pk}/communications/").content.decode()
    assert "Agreed the data request." in page and "2 days</strong> since the last contact" in page


def test_future_date_and_missing_fields_are_refused(client, users, login, site):
    login(users["staff"])
    response = client.post(
        f"/workspace/sites/{site.pk}/communications/",
        _form(days_ago=-1, **{"communication-summary": ""}),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "cannot be in the future" in errors["occurred_on"][0] and "summary" in errors
    assert not Communication.objects.exists()


def test_agency_sees_communications_with_it_but_not_internal_ones(client, users, login, site):
    _log(site, users["staff"], 3, summary="Call with the chief")
    _log(site, users["staff"], 1, with_agency=False, summary="Team debrief on the agency's data quality")
    login(users["executive_a"])
    page = client.get(f"/workspace/sites/{site.pk}/communications/")
    assert [c.summary for c in page.context["communications"]] == ["Call with the chief"]
    body = page.content.decode()
    assert "Team debrief" not in body and "since the last contact" not in body
    login(users["provider_a"])
    assert len(client.get(f"/workspace/sites/{site.pk}/communications/").context["communications"]) == 2


def test_days_since_last_contact_counts_only_contact_with_the_agency(users, site):
    assert contact.days_since_last_contact(site) == 60  # from the start date, before any contact
    _log(site, users["staff"], 10)
    _log(site, users["staff"], 2, with_agency=False)
    assert contact.last_contact_on(site) == today() - 10 * DAY
    assert contact.days_since_last_contact(site) == 10
    assert contact.days_since_last_contact(site, today=today() + 5 * DAY) == 15


def test_fallback_to_creation_date_without_start_date(users, orgs):
    site = make_site(users, orgs, agency="agency_a", provider="provider_a", started_on=None)
    assert contact.last_contact_on(site) == today()
    assert contact.days_since_last_contact(site) == 0


def test_silence_threshold_per_program_with_default(users, orgs, site):
    _log(site, users["staff"], 15)
    assert contact.threshold_days("critical_response") == 14
    assert contact.is_silent(site)
    ContactThreshold.objects.create(program="critical_response", days=21)
    assert not contact.is_silent(site)
    assert contact.is_silent(site, today=today() + 7 * DAY)
    other = make_site(users, orgs, agency="agency_b", provider="provider_b", program="cri_tac")
    _log(other, users["staff"], 15)
    assert contact.is_silent(other)  # CRI-TAC has no row: the default 14 days
    _log(site, users["staff"], 14)
    ContactThreshold.objects.filter(program="critical_response").update(days=14)
    assert not contact.is_silent(site)  # exactly at the threshold is not past it


def test_silent_site_ids_in_two_queries(users, orgs, site, django_assert_num_queries):
    quiet = make_site(users, orgs, agency="agency_b", provider="provider_b", program="cri_tac")
    _log(quiet, users["staff"], 3)
    _log(quiet, users["staff"], 1, with_agency=False)
    fresh = make_site(users, orgs, agency="agency_b", provider="provider_b", started_on=today() - 2 * DAY)
    closed = make_site(users, orgs, agency="agency_b", provider="provider_b", status=Site.Status.CLOSED)
    ContactThreshold.objects.create(program="cri_tac", days=2)
    with django_assert_num_queries(2):
        silent = silent_site_ids(Site.objects.all())
    assert silent == {site.pk, quiet.pk}  # `closed` is past it too, but a closed site isn't silent
    assert closed.pk not in silent and fresh.pk not in silent
    assert silent_site_ids(Site.objects.filter(pk=fresh.pk)) == set()


def test_the_silence_warning_shows_on_the_page(client, users, login, site):
    login(users["staff"])
    page = client.get(f"/workspace/sites/{site.pk}/communications/").content.decode()
    assert "usa-alert--warning" in page and "60 days since the last contact" in page
    _log(site, users["staff"], 0)
    page = client.get(f"/workspace/sites/{site.pk}/communications/").content.decode()
    assert "usa-alert--warning" not in page


def test_only_the_team_logs_and_never_on_a_closed_site(users, site):
    with pytest.raises(PermissionDenied):
        _log(site, users["executive_a"], 1)
    Site.objects.filter(pk=site.pk).update(status=Site.Status.CLOSED)
    site.refresh_from_db()
    with pytest.raises(DeliveryError):
        _log(site, users["staff"], 1)


def _summary(site, user) -> str:
    return Template("{% load delivery %}{% delivery_summary site user %}").render(
        Context({"site": site, "user": user})
    )


def test_delivery_summary_tag(users, site):
    for days_ago in (20, 18, 16):
        _log(site, users["staff"], days_ago, summary=f"Contact {days_ago} days ago")
    _log(site, users["staff"], 15, with_agency=False, summary="Internal planning")
    team = _summary(site, users["provider_a"])
    assert "16 days since the last contact" in team and "usa-alert--warning" in team
    assert "Internal planning" in team and "Contact 20 days ago" not in team  # the 3 latest
    assert "Milestones: 0 done, 1 late, 2 upcoming." in team
    assert f"/workspace/sites/{site.pk}/documents/" in team
    agency = _summary(site, users["liaison_a"])
    assert "Internal planning" not in agency and "Contact 20 days ago" in agency
    assert "usa-alert--warning" not in agency
    assert _summary(site, users["executive_b"]).strip() == ""


def test_thresholds_are_set_in_the_admin_and_audited(client, users, login):
    login(users["admin"])
    response = client.post(
        "/admin/delivery/contactthreshold/add/", {"program": "organizational_assessment", "days": "30"}
    )
    assert response.status_code == 302
    threshold = ContactThreshold.objects.get()
    assert contact.threshold_days("organizational_assessment") == 30
    assert history(threshold).filter(action="created", actor=users["admin"]).exists()


def test_signals_work_on_a_users_visible_sites(users, orgs, site):
    site.members.create(user=users["sme_a"], role="sme")
    site.members.create(user=users["staff"], role="program_manager")
    visible = Site.objects.visible_to(users["sme_a"])  # a distinct() queryset joined on the team
    assert silent_site_ids(visible) == {site.pk}
    assert late_milestone_site_ids(visible) == {site.pk}
    assert silent_site_ids(Site.objects.visible_to(users["executive_b"])) == set()
