"""The site lifecycle: the steps people take (close, suspend, resume) checked for permission, state and
preconditions, audited and e-mailed; the steps the site takes as its plan and report move are refused to anyone
directly; two people acting at once cannot both win."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from continuum.audit.models import AuditEvent
from continuum.sites import transitions
from continuum.sites.models import Site
from continuum.workflow import take

from .conftest import published_report


def step(site, actor, name, **text):
    return take(transitions.LIFECYCLE, name, site, actor, **text)


def test_the_plans_approval_starts_delivery_and_the_site_closes_after_its_report(
    approved_site, users, mailoutbox, django_capture_on_commit_callbacks
):
    site = approved_site
    assert site.status == "delivery" and site.started_on is not None
    Site.objects.filter(pk=site.pk).update(status="published")  # as its report's publication leaves it
    published_report(site, users["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(transitions.TransitionError, match="message to the agency"):
            step(site, users["staff"], "close")
        site = step(site, users["staff"], "close", message="Report out; no post-report monitoring")
    assert site.status == "closed" and site.closed_on is not None
    assert site.closing_note == "Report out; no post-report monitoring"
    moves = list(AuditEvent.objects.filter(content_type__model="site", action="transition")
                 .order_by("at", "pk").values_list("to_state", flat=True))  # fmt: skip
    assert moves == ["agency_review", "delivery", "closed"]
    recipients = set(mailoutbox[-1].to)
    assert {"executive_a@example.gov", "liaison_a@example.gov", "sme_a@example.gov"} <= recipients
    assert "executive_b@example.gov" not in recipients
    assert "Report out; no post-report monitoring" in mailoutbox[-1].body


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "sme_a", "provider_a", "provider_b"])
def test_only_program_staff_suspend_or_close(approved_site, users, who):
    with pytest.raises(PermissionDenied):
        step(approved_site, users[who], "suspend", reason="No")
    assert Site.objects.get(pk=approved_site.pk).status == "delivery"


@pytest.mark.parametrize(
    "name", ["plan_approved", "report_submitted", "report_published", "delivery_recorded"]
)
def test_steps_that_follow_the_plan_and_report_are_nobodys_to_take(approved_site, users, name):
    with pytest.raises(PermissionDenied):
        step(approved_site, users["staff"], name)


def test_a_critical_response_site_in_delivery_does_not_close(approved_site, users):
    with pytest.raises(transitions.TransitionError, match="closes after its report is published"):
        step(approved_site, users["staff"], "close", message="too early")


def test_steps_out_of_order_are_refused(site, users):
    with pytest.raises(transitions.TransitionError, match="The site is work plan: “Close the site” needs it"):
        step(site, users["staff"], "close", message="too early")


def test_suspend_and_resume_where_it_was(approved_site, users):
    site = approved_site
    with pytest.raises(transitions.TransitionError, match="Give a reason"):
        step(site, users["staff"], "suspend")
    site = step(site, users["staff"], "suspend", reason="Chief on leave; agency asked to pause")
    assert (site.status, site.status_before_suspension) == ("suspended", "delivery")
    with pytest.raises(transitions.TransitionError, match="suspended: resume it first"):
        transitions.follow("report_started", site, users["staff"], proof="report started")
    site = step(site, users["staff"], "resume", reason="New chief confirmed the engagement")
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
            step(Site.objects.get(pk=site.pk), actor, "suspend", reason="go")
            outcomes.append("won")
        except transitions.TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(users[who],)) for who in ["staff", "admin"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert AuditEvent.objects.filter(content_type__model="site", to_state="suspended").count() == 1


def test_the_agency_reads_the_suspension_message_never_the_internal_reason(
    client, login, approved_site, users
):
    step(approved_site, users["staff"], "suspend", reason="Chief under internal investigation")
    login(users["executive_a"])
    page = client.get(approved_site.get_absolute_url()).content.decode()
    assert "Suspended while delivery." in page and "internal investigation" not in page
    step(approved_site, users["staff"], "resume", reason="Cleared")
    step(approved_site, users["staff"], "suspend", reason="Again internal", message="Paused at your request.")
    assert (
        "Suspended while delivery: Paused at your request."
        in client.get(approved_site.get_absolute_url()).content.decode()
    )


def test_the_status_e_mail_leaves_out_whom_a_step_hook_told(
    approved_site, users, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """A hook run after the step (continuum.workflow.AFTER_STEP) that told someone the step needs them: the
    site's own e-mail of the new status goes to everyone else on the site, not to them a second time."""
    from continuum import workflow

    sme = users["sme_a"].email
    monkeypatch.setattr(workflow, "AFTER_STEP", [lambda lifecycle, record, move: move.told.add(sme.lower())])
    with django_capture_on_commit_callbacks(execute=True):
        step(
            approved_site,
            users["staff"],
            "suspend",
            reason="Chief on leave",
            message="Paused at your request.",
        )
    (sent,) = [m for m in mailoutbox if "now suspended" in m.subject]
    assert "executive_a@example.gov" in sent.to and sme not in sent.to


def test_a_site_s_path_ends_with_its_program_s_last_stage():
    """The step indicator's path: a Critical Response site is published, an Organizational Assessment goes on to
    implementation tracking, a CRI-TAC site goes from delivery to closed."""
    path = transitions.LIFECYCLE.path
    planning = ("work_plan", "agency_review", "delivery", "report_drafting", "report_review")
    assert path(Site(program="critical_response")) == (*planning, "published", "closed")
    assert path(Site(program="organizational_assessment")) == (*planning, "implementation", "closed")
    assert path(Site(program="cri_tac")) == ("work_plan", "delivery", "closed")
