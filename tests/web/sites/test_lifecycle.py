"""The site lifecycle: one function per transition, permission and preconditions checked, audited, e-mailed;
two people acting at once cannot both win."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from continuum.audit.models import AuditEvent
from continuum.sites import transitions
from continuum.sites.models import Site

from .conftest import published_report


def test_no_delivery_without_an_approved_plan(site, users):
    Site.objects.filter(pk=site.pk).update(status="approved")
    site.refresh_from_db()
    with pytest.raises(transitions.TransitionError, match="needs a work plan approved"):
        transitions.start_delivery(site, users["staff"])


def test_through_to_closed(approved_site, users, mailoutbox, django_capture_on_commit_callbacks):
    site = approved_site
    with django_capture_on_commit_callbacks(execute=True):
        site = transitions.start_delivery(site, users["provider_a"], "Kick-off held")
        site = transitions.start_report(site, users["provider_a"])
        site = transitions.submit_report(site, users["provider_a"])
        with pytest.raises(transitions.TransitionError, match="Publish the site's report first"):
            transitions.publish(site, users["staff"])
        published_report(site, users["staff"])
        site = transitions.publish(site, users["staff"])
        with pytest.raises(transitions.TransitionError, match="Give a reason"):
            transitions.close(site, users["staff"], "")
        site = transitions.close(site, users["staff"], "Report out; no post-report monitoring")
    assert site.status == "closed" and site.closed_on is not None and site.started_on is not None
    moves = list(AuditEvent.objects.filter(content_type__model="site", action="transition")
                 .order_by("at", "pk").values_list("to_state", flat=True))  # fmt: skip
    assert moves == [
        "agency_review",
        "approved",
        "delivery",
        "report_drafting",
        "report_review",
        "published",
        "closed",
    ]
    recipients = set(mailoutbox[-1].to)
    assert {"executive_a@example.gov", "liaison_a@example.gov", "sme_a@example.gov"} <= recipients
    assert "executive_b@example.gov" not in recipients


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "sme_a", "provider_b"])
def test_who_may_move_a_site(approved_site, users, who):
    with pytest.raises(PermissionDenied):
        transitions.start_delivery(approved_site, users[who])
    assert Site.objects.get(pk=approved_site.pk).status == "approved"


def test_provider_cannot_publish_or_close(approved_site, users):
    site = transitions.start_delivery(approved_site, users["provider_a"])
    site = transitions.start_report(site, users["provider_a"])
    site = transitions.submit_report(site, users["provider_a"])
    published_report(site, users["staff"])
    with pytest.raises(PermissionDenied):
        transitions.publish(site, users["provider_a"])


def test_steps_out_of_order_are_refused(approved_site, users):
    with pytest.raises(
        transitions.TransitionError, match="The site is approved; this step needs it to be published"
    ):
        transitions.close(approved_site, users["staff"], "too early")


def test_suspend_and_resume_where_it_was(approved_site, users):
    site = transitions.start_delivery(approved_site, users["staff"])
    with pytest.raises(transitions.TransitionError, match="Give a reason"):
        transitions.suspend(site, users["staff"], "")
    site = transitions.suspend(site, users["staff"], "Chief on leave; agency asked to pause")
    assert (site.status, site.status_before_suspension) == ("suspended", "delivery")
    with pytest.raises(transitions.TransitionError):
        transitions.start_report(site, users["staff"])
    site = transitions.resume(site, users["staff"], "New chief confirmed the engagement")
    assert (site.status, site.status_before_suspension, site.suspension_reason) == ("delivery", "", "")
    last = AuditEvent.objects.filter(content_type__model="site").first()
    assert (last.from_state, last.to_state) == ("suspended", "delivery")


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_cannot_both_win(users, orgs):
    """On PostgreSQL the row lock makes the second wait and then find the status moved."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks are tested on PostgreSQL (CI runs the suite there too); SQLite serializes writers"
        )
    from continuum.workplans import plans
    from tests.web.sites.conftest import draft_plan

    site = Site.objects.create(agency=orgs["agency_a"], program="critical_response", ta_type="technical_assistance",
                               provider=orgs["provider_a"], title="Race", description="x")  # fmt: skip
    plan = draft_plan(site, users["staff"])
    plans.send_for_review(plan, users["staff"])
    plans.approve(plan, users["executive_a"])
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor):
        from django.db import connections

        try:
            barrier.wait()
            transitions.start_delivery(Site.objects.get(pk=site.pk), actor, "go")
            outcomes.append("won")
        except transitions.TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(users[who],)) for who in ["staff", "provider_a"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert AuditEvent.objects.filter(content_type__model="site", to_state="delivery").count() == 1
