"""Issue 15: one transition mechanism whose lifecycles keep request, site, plan and report in step, and review
gates that hold. Every lifecycle is walked through its steps; after each step the invariants across the four
records are checked."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from continuum import workflow
from continuum.audit.models import AuditEvent
from continuum.critac.deliveries import record_delivery
from continuum.critac.models import Delivery, DeliveryType
from continuum.feedback.surveys import Recipient, send_survey
from continuum.intake import transitions as intake
from continuum.reports import editing
from continuum.reports import transitions as reports
from continuum.reports.models import FactualReview, Finding, Recommendation, Report
from continuum.sites import transitions as sites
from continuum.sites.models import Site
from continuum.workflow import TransitionError, take
from continuum.workplans import plans
from continuum.workplans.models import Objective, WorkPlan
from tests.conftest import at_once
from tests.web.intake.conftest import make_request
from tests.web.sites.conftest import draft_plan

pytestmark = pytest.mark.django_db(transaction=True)


def invariants(site: Site) -> None:
    """What can never disagree, whatever step was taken last."""
    site.refresh_from_db()
    plan_states = set(site.plans.values_list("status", flat=True))
    main = site.reports.filter(version=1, corrects__isnull=True).first()
    if site.status in (Site.Status.DELIVERY, Site.Status.REPORT_DRAFTING, Site.Status.REPORT_REVIEW):
        assert site.program == "cri_tac" or "approved" in plan_states | {"superseded"} & plan_states, (
            site.status
        )
    if site.status == Site.Status.AGENCY_REVIEW:
        assert "in_review" in plan_states
    if site.status == Site.Status.REPORT_DRAFTING:
        assert main is not None and main.status == Report.Status.DRAFT
    if site.status == Site.Status.REPORT_REVIEW:
        assert main is not None and main.status in (*Report.EDITABLE[1:], Report.Status.APPROVED)
    if main is not None and main.status in Report.PUBLIC_STATES:
        expected = {"organizational_assessment": {"implementation", "closed"}}.get(site.program,
                                                                                 {"published", "closed"})  # fmt: skip
        assert site.status in expected, (site.status, main.status)
    if site.status in (Site.Status.PUBLISHED, Site.Status.IMPLEMENTATION):
        assert main is not None and main.status == Report.Status.PUBLISHED
    if site.status == Site.Status.CLOSED:
        assert site.closed_on is not None and site.closing_note
    origin = getattr(site, "origin_request", None)
    if origin is not None:
        assert origin.status == "accepted"


def write_report(report: Report) -> Report:
    report.executive_summary = "What the review found."
    report.save()
    finding = Finding.objects.create(report=report, title="Policy lags practice", position=1)
    Recommendation.objects.create(finding=finding, text="Revise the policy.", position=1)
    return report


def accepted_site(users, orgs, program="critical_response") -> Site:
    request = make_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name, agency_state="OH")
    request = intake.start_review(request, users["staff"], "Call held")
    request = intake.accept(request, users["staff"], "In scope", program=program,
                            ta_type={"cri_tac": "technical_assistance",
                                     "organizational_assessment": "organizational_assessment"}.get(
                                program, "issue_specific_review"),
                            provider=orgs["provider_a"], message="Accepted: we will call you.")  # fmt: skip
    return request.site


def test_critical_response_from_request_to_closure(users, orgs):
    staff, reviewer, chief, provider = (
        users["staff"],
        users["reviewer"],
        users["executive_a"],
        users["provider_a"],
    )
    site = accepted_site(users, orgs)
    invariants(site)
    assert site.status == Site.Status.WORK_PLAN

    v1 = draft_plan(site, provider)
    with pytest.raises(TransitionError, match="approved the work plan"):
        editing.create_report(site, staff, title="Too early")
    plans.send_for_review(v1, provider)
    invariants(site)
    assert site.status == Site.Status.AGENCY_REVIEW

    plans.request_changes(v1, chief, "Add a session with the oversight board.")
    invariants(site)
    v1.refresh_from_db()
    assert (v1.status, site.status) == (WorkPlan.Status.CHANGES_REQUESTED, Site.Status.WORK_PLAN)
    with pytest.raises(TransitionError, match="new version"):
        plans.add_item(v1, provider, Objective(text="Edited in place"))
    v2 = plans.open_draft(site, provider)
    assert v2.version == 2 and v2.objectives.count() == v1.objectives.count()
    assert v1.comments.get().text == "Add a session with the oversight board."  # stays with version 1
    assert not v2.comments.exists()
    plans.add_item(v2, provider, Objective(text="Meet the oversight board."))
    plans.send_for_review(v2, provider)
    with pytest.raises(PermissionDenied):
        plans.approve(v2, staff)  # approving is the chief's alone
    plans.approve(v2, chief, "Approved")
    invariants(site)
    assert site.status == Site.Status.DELIVERY and site.started_on is not None

    report = editing.create_report(site, staff, title="Final report")
    invariants(site)
    assert site.status == Site.Status.REPORT_DRAFTING
    write_report(report)
    report = reports.submit(report, staff, "Draft complete")
    invariants(site)
    assert site.status == Site.Status.REPORT_REVIEW
    report = reports.send_to_agency(report, reviewer)
    invariants(site)

    with pytest.raises(TransitionError, match="factual-accuracy review is open"):
        reports.approve(report, reviewer)
    with pytest.raises(PermissionDenied):
        reports.close_factual_review(report, staff)  # the agency's step
    report = reports.close_factual_review(report, users["liaison_a"], "Two dates corrected.")
    review = report.factual_reviews.get()
    assert (review.outcome, review.closed_by, review.comments) == (
        "done",
        users["liaison_a"],
        "Two dates corrected.",
    )
    with pytest.raises(TransitionError, match="another program staff member"):
        reports.approve(report, staff)  # who submitted it
    report = reports.approve(report, reviewer)
    invariants(site)
    report = reports.publish(report, reviewer, message="The report is public.")
    invariants(site)
    assert (report.status, site.status) == (Report.Status.PUBLISHED, Site.Status.PUBLISHED)

    assert [s.name for s in sites.LIFECYCLE.available(site, staff)] == ["announce", "close", "suspend"]
    with pytest.raises(TransitionError, match="message to the agency"):
        take(sites.LIFECYCLE, "close", site, staff, reason="Done")
    site = take(sites.LIFECYCLE, "close", site, staff, reason="Done", message="No post-report monitoring.")
    invariants(site)
    assert site.status == Site.Status.CLOSED and site.closing_note == "No post-report monitoring."


def test_an_organizational_assessment_moves_on_to_implementation_tracking(users, orgs):
    site = accepted_site(users, orgs, program="organizational_assessment")
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    plans.approve(plan, users["executive_a"])
    report = write_report(editing.create_report(site, users["staff"], title="Assessment"))
    report = reports.submit(report, users["staff"])
    report = reports.send_to_agency(report, users["reviewer"])
    report = reports.close_factual_review(report, users["executive_a"])
    report = reports.publish(reports.approve(report, users["reviewer"]), users["reviewer"])
    invariants(site)
    assert site.status == Site.Status.IMPLEMENTATION


def test_a_cri_tac_engagement_follows_its_deliveries_and_closes_after_feedback(users, orgs):
    site = accepted_site(users, orgs, program="cri_tac")
    assert site.status == Site.Status.WORK_PLAN
    kind = DeliveryType.objects.filter(active=True).first()
    today = timezone.localdate()
    record_delivery(site, users["provider_a"], Delivery(title="De-escalation training", delivery_type=kind,
                    format="virtual", starts_on=today, ends_on=today, attendees=20))  # fmt: skip
    invariants(site)
    assert site.status == Site.Status.DELIVERY
    with pytest.raises(TransitionError, match="feedback"):
        take(sites.LIFECYCLE, "close", site, users["staff"], message="Done")
    send_survey(site, users["staff"], [Recipient("chief@agency.example.gov", "requester", "Chief")],
                occasion="delivery", subject="How did we do?")  # fmt: skip
    site = take(sites.LIFECYCLE, "close", site, users["staff"], message="Training delivered; thank you.")
    invariants(site)
    assert site.status == Site.Status.CLOSED


def test_re_sending_opens_a_new_review_round_and_keeps_the_old_one(users, orgs, approved_report):
    report = reports.close_factual_review(approved_report, users["executive_a"], "Fine.")
    report = reports.return_to_draft(report, users["reviewer"], "One more finding")
    report = reports.submit(report, users["staff"])
    report = reports.send_to_agency(report, users["reviewer"])
    with pytest.raises(TransitionError, match="factual-accuracy review is open"):
        reports.approve(report, users["reviewer"])  # sent seconds ago: the agency has not acted
    rounds = list(report.factual_reviews.order_by("sent_at"))
    assert [(r.outcome, r.comments) for r in rounds] == [("done", "Fine."), ("", "")]


def test_a_lapsed_review_period_lets_the_report_be_approved_with_its_dates_recorded(users, approved_report):
    FactualReview.objects.filter(report=approved_report).update(
        due_on=timezone.localdate() - datetime.timedelta(1)
    )
    report = reports.approve(approved_report, users["reviewer"])
    review = report.factual_reviews.get()
    assert review.outcome == "lapsed" and review.closed_at is not None
    event = AuditEvent.objects.filter(to_state="approved").latest("pk")
    assert f"due {review.due_on:%Y-%m-%d}, lapsed" in event.reason


def test_no_one_publishes_what_they_drafted(users, approved_report):
    report = reports.close_factual_review(approved_report, users["executive_a"])
    report = reports.approve(report, users["reviewer"])
    Report.objects.filter(pk=report.pk).update(created_by=users["reviewer"])
    report.refresh_from_db()
    with pytest.raises(TransitionError, match="another program staff member"):
        reports.publish(report, users["reviewer"])


@pytest.fixture
def approved_report(users, orgs):
    """A report with the agency for its factual review, its site in report review."""
    site = accepted_site(users, orgs)
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    plans.approve(plan, users["executive_a"])
    report = write_report(editing.create_report(site, users["staff"], title="Final report"))
    report = reports.submit(report, users["staff"])
    return reports.send_to_agency(report, users["reviewer"])


def test_the_requester_reads_the_message_and_never_the_internal_reason(client, users, orgs):
    request = make_request(agency_name="Springfield PD", agency_state="IL")
    mail.outbox.clear()
    intake.decline(
        request, users["staff"], "Internal: overlaps DOJ litigation", message="We cannot help now."
    )
    body = mail.outbox[-1].body
    assert "We cannot help now." in body and "Internal" not in body
    session = client.session
    session["intake_status_access"] = [request.tracking_number]
    session.save()
    page = client.get(f"/request/status/{request.tracking_number}/").content.decode()
    assert "We cannot help now." in page and "overlaps DOJ litigation" not in page


def test_the_decision_form_says_who_reads_what(client, users, login):
    request = make_request(agency_name="Springfield PD", agency_state="IL")
    login(users["staff"])
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Message to the agency" in page and "never shown to the agency" in page


def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(users, orgs):
    site = accepted_site(users, orgs)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionError, match="needs it to be"):
        take(sites.LIFECYCLE, "close", site, users["staff"], message="Closing early")
    with pytest.raises(PermissionDenied):
        take(sites.LIFECYCLE, "plan_approved", site, users["staff"])  # only as the plan's consequence
    with pytest.raises(PermissionDenied):
        take(sites.LIFECYCLE, "suspend", site, users["executive_a"], reason="No")
    site.refresh_from_db()
    assert site.status == Site.Status.WORK_PLAN and AuditEvent.objects.count() == before


def test_the_page_offers_the_steps_of_the_table_and_nothing_else(client, users, orgs, login):
    site = accepted_site(users, orgs)
    login(users["staff"])
    page = client.get(site.get_absolute_url()).content.decode()
    assert "Suspend" in page and "Start delivery" not in page and "Close the site" not in page
    response = client.post(f"/workspace/sites/{site.pk}/steps/plan_approved/", {})
    assert response.status_code == 403
    assert client.post(f"/workspace/sites/{site.pk}/steps/no_such_step/", {}).status_code == 404


def test_versions_compare_with_no_parameters_and_by_choice(client, users, orgs, login):
    site = accepted_site(users, orgs)
    v1 = draft_plan(site, users["provider_a"])
    plans.send_for_review(v1, users["provider_a"])
    plans.request_changes(v1, users["executive_a"], "More")
    v2 = plans.open_draft(site, users["provider_a"])
    plans.add_item(v2, users["provider_a"], Objective(text="Meet the oversight board."))
    login(users["staff"])
    page = client.get(f"/workspace/sites/{site.pk}/plan/compare/")
    assert page.status_code == 200 and "Meet the oversight board." in page.content.decode()
    page = client.get(f"/workspace/sites/{site.pk}/plan/compare/?old=2&new=1")
    assert page.status_code == 200 and "Removed: </span>Meet the oversight board." in page.content.decode()
    assert client.get(f"/workspace/sites/{site.pk}/plan/compare/?old=1&new=1").status_code == 422


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_approvals_at_once_make_one_step_and_one_audit_event(users, approved_report):
    reports.close_factual_review(approved_report, users["executive_a"])
    outcomes = []

    def approve():
        try:
            reports.approve(Report.objects.get(pk=approved_report.pk), users["reviewer"])
            outcomes.append("approved")
        except TransitionError as error:
            outcomes.append(str(error))

    at_once(approve, 2)
    assert outcomes.count("approved") == 1
    assert AuditEvent.objects.filter(to_state="approved", object_id=str(approved_report.pk)).count() == 1


def test_every_page_says_where_the_record_stands_what_comes_next_and_who_acts(client, users, orgs, login):
    site = accepted_site(users, orgs)
    request = site.origin_request
    login(users["executive_a"])
    page = client.get(site.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in page and "Site: Work plan" in page
    assert "Work plan sent to the agency (program staff or the provider)" in page
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    page = client.get(f"/workspace/sites/{site.pk}/plan/").content.decode()
    assert "This version: With the agency for review" in page
    assert "Approve this version (the agency&#x27;s chief executive)" in page
    page = client.get(site.get_absolute_url()).content.decode()
    assert "Site: Agency review" in page and '<span class="usa-step-indicator__current-step">2</span>' in page
    client.logout()
    session = client.session
    session["intake_status_access"] = [request.tracking_number]
    session.save()
    page = client.get(f"/request/status/{request.tracking_number}/").content.decode()
    assert "Your request: Accepted" in page and "Nothing further is expected." in page


def test_staff_set_the_review_period_when_they_send_and_it_is_kept(client, users, orgs, login):
    site = accepted_site(users, orgs)
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    plans.approve(plan, users["executive_a"])
    report = reports.submit(
        write_report(editing.create_report(site, users["staff"], title="R")), users["staff"]
    )
    login(users["reviewer"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Days the agency has for its review" in page
    bad = client.post(f"/workspace/sites/{site.pk}/reports/{report.pk}/steps/send_to_agency/",
                      {"send_to_agency-review_days": "0"}, follow=True)  # fmt: skip
    assert "greater than or equal to 1" in bad.content.decode()
    client.post(f"/workspace/sites/{site.pk}/reports/{report.pk}/steps/send_to_agency/",
                {"send_to_agency-review_days": "10"})  # fmt: skip
    review = report.factual_reviews.get()
    assert review.due_on == timezone.localdate() + datetime.timedelta(days=10)


def test_the_history_names_states_as_their_lifecycle_does(users, orgs):
    site = accepted_site(users, orgs)
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    moved = AuditEvent.objects.filter(content_type__model="site", action="transition").latest("pk")
    assert (moved.from_label, moved.to_label) == ("Work plan", "Agency review")
    sent = AuditEvent.objects.filter(content_type__model="workplan", action="transition").latest("pk")
    assert sent.to_label == "With the agency for review"
    other = AuditEvent(content_type=moved.content_type, from_state="approved", to_state="delivery")
    assert (other.from_label, other.to_label) == ("approved", "Delivery")  # a retired state stays as recorded


def test_next_is_the_next_state_on_the_path_not_every_shortcut(client, users, orgs, login):
    """In delivery a report could be started, sent for review or published at once (all are steps from
    delivery); the page says what normally comes next: the report is started."""
    site = accepted_site(users, orgs)
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    plans.approve(plan, users["executive_a"])
    site.refresh_from_db()
    assert site.status == Site.Status.DELIVERY
    assert [s.name for s in workflow.indicator(sites.LIFECYCLE, site).next] == ["report_started"]
    login(users["executive_a"])
    page = client.get(site.get_absolute_url()).content.decode()
    assert "<strong>Next:</strong>\n    Report started (the report&#x27;s drafters)." in page
    assert "Report published" not in page.split("<strong>Next:</strong>")[1].split("</p>")[0]
    site.status = Site.Status.SUSPENDED  # off the path: every step possible is named (here: resume)
    site.status_before_suspension = Site.Status.DELIVERY
    assert [s.name for s in workflow.indicator(sites.LIFECYCLE, site).next] == ["resume"]


def test_a_step_that_undoes_or_stops_work_waits_behind_a_disclosure(client, users, orgs, login):
    site = accepted_site(users, orgs)
    login(users["staff"])
    page = client.get(site.get_absolute_url()).content.decode()
    suspend = page.index('type="submit">Suspend</button>')
    assert page.rfind('<details class="continuum-danger-step">', 0, suspend) > page.rfind(
        "</details>", 0, suspend
    )
    assert "<summary>Suspend…</summary>" in page
    announce = page.index('type="submit">Announce publicly</button>')  # an ordinary step is not hidden
    assert page.rfind('<details class="continuum-danger-step">', 0, announce) == -1
