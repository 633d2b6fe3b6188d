"""Review and publication: each step by the right role only, audited, e-mailed; the agency comments on passages
and every comment is resolved with a reply before approval; publishing freezes the report; a correction is a new
version with a change note; the site's own publish step needs a published report."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from continuum.audit.log import history
from continuum.reports import editing, transitions
from continuum.reports.models import FactualReview, Finding, Report, ReportLocked
from continuum.sites.models import Site
from continuum.workflow import MESSAGE_KEY, TransitionError

from .conftest import publish


@pytest.fixture
def report(report_without_chart):
    """These tests take the review steps and never look at a chart: the report's exhibit is a table alone."""
    return report_without_chart


OTHER_KIND = next(k for k in Report.Kind.values if k != Report.Kind.FINDINGS)


def test_full_review_to_publication(report, users, django_capture_on_commit_callbacks):
    staff, provider, chief = users["staff"], users["provider_a"], users["executive_a"]
    with django_capture_on_commit_callbacks(execute=True):
        report = transitions.submit(report, provider, "Ready")
    assert report.status == "internal_review"
    assert mail.outbox and "internal review" in mail.outbox[-1].body
    assert users["sme_a"].email in mail.outbox[-1].to and chief.email not in mail.outbox[-1].to
    report = transitions.send_to_agency(report, staff)
    finding = report.findings.first()
    note = editing.comment(
        report, chief, "The policy was revised in 2021.", f"finding:{finding.pk}", "Policy 1.3"
    )
    assert note.passage_label.startswith("Finding 1:")
    report = transitions.close_factual_review(report, chief, "One date is wrong: see the comment.")
    with pytest.raises(TransitionError, match="not resolved"):
        transitions.approve(report, staff)
    editing.reply(note, chief, "See the attached order.")
    with pytest.raises(PermissionDenied):
        editing.reply(note, chief, "Resolved, I think.", resolve=True)
    editing.reply(note, provider, "Corrected: the finding now cites the 2021 revision.", resolve=True)
    note.refresh_from_db()
    assert note.is_resolved and note.replies.count() == 2
    report = transitions.approve(report, staff, "Factual review complete")
    assert report.approved_by == staff
    approved = next(e for e in history(report) if e.to_state == "approved")
    assert (approved.actor, approved.reason) == (staff, "Factual review complete")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = transitions.publish(report, staff, "Final", message="The report is public.")
    assert report.status == "published" and report.published_at
    published = next(e for e in history(report) if e.to_state == "published")
    assert (published.reason, published.changes) == ("Final", {MESSAGE_KEY: [None, "The report is public."]})
    recipients = set(mail.outbox[-1].to)
    assert {chief.email, users["liaison_a"].email, users["sme_a"].email} <= recipients
    assert f"/reports/{report.pk}/" in mail.outbox[-1].body
    steps = [(e.from_state, e.to_state) for e in history(report) if e.action == "transition"]
    assert steps[::-1] == [
        ("draft", "internal_review"),
        ("internal_review", "agency_review"),
        ("agency_review", "agency_review"),
        ("agency_review", "approved"),
        ("approved", "published"),
    ]


@pytest.mark.parametrize(
    "step, who",
    [
        (transitions.submit, "executive_a"),
        (transitions.submit, "sme_a"),
        (transitions.submit, "provider_b"),
        (transitions.send_to_agency, "provider_a"),
        (transitions.approve, "provider_a"),
        (transitions.approve, "executive_a"),
        (transitions.publish, "provider_a"),
        (transitions.publish, "executive_a"),
    ],
)
def test_steps_need_their_role(report, users, step, who):
    before = {
        transitions.submit: "draft",
        transitions.send_to_agency: "internal_review",
        transitions.approve: "agency_review",
        transitions.publish: "approved",
    }[step]
    Report.objects.filter(pk=report.pk).update(status=before)
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        step(report, users[who])


def test_steps_in_order_only(report, users):
    with pytest.raises(TransitionError, match="needs it to be approved"):
        transitions.publish(report, users["staff"])
    with pytest.raises(TransitionError, match="Give a reason"):
        transitions.return_to_draft(transitions.submit(report, users["provider_a"]), users["staff"], "")


def test_a_draft_needs_content_before_review(site, users):
    empty = editing.create_report(site, users["provider_a"], title="Empty")
    with pytest.raises(TransitionError, match="at least one finding"):
        transitions.submit(empty, users["provider_a"])
    editing.add_part(empty, users["provider_a"], Finding(report=empty, title="A finding"), "finding")
    empty.executive_summary = "Summary."
    editing.save_report(empty, users["provider_a"])
    with pytest.raises(TransitionError, match="Finding 1 has none"):
        transitions.submit(empty, users["provider_a"])


def test_agency_comments_only_in_its_review(report, users):
    with pytest.raises(PermissionDenied):
        editing.comment(report, users["executive_a"], "Too early")
    report = transitions.submit(report, users["provider_a"])
    with pytest.raises(PermissionDenied):
        editing.comment(report, users["executive_a"], "Still too early")
    editing.comment(report, users["staff"], "Program review: tighten finding 2.")
    report = transitions.send_to_agency(report, users["staff"])
    editing.comment(report, users["liaison_a"], "Names are misspelled.", "section:executive_summary")
    with pytest.raises(PermissionDenied):
        editing.comment(report, users["executive_b"], "Not my agency")
    with pytest.raises(TransitionError, match="not part of this report"):
        editing.comment(report, users["executive_a"], "x", "finding:99999")


def test_published_report_is_immutable(published, users):
    report = published
    report.title = "Changed"
    with pytest.raises(ReportLocked):
        report.save()
    with pytest.raises(ReportLocked):
        report.findings.first().delete()
    finding = Report.objects.get(pk=report.pk).findings.first()
    finding.title = "Changed"
    with pytest.raises(ReportLocked):
        finding.save()
    with pytest.raises(TransitionError, match="published"):
        editing.add_part(report, users["staff"], Finding(report=report, title="No"), "finding")


def test_correction_publishes_a_new_version(published, users, client):
    original = published
    with pytest.raises(TransitionError, match="change note"):
        transitions.start_correction(original, users["provider_a"], " ")
    with pytest.raises(PermissionDenied):
        transitions.start_correction(original, users["executive_a"], "Fix")
    # versions are counted within the site's reports of that kind: another site's, or another kind, don't count
    other_site = Site.objects.create(
        agency=original.site.agency, program="critical_response", ta_type="issue_specific_review",
        provider=original.site.provider, title="Another review", description="Asked for a review.",
    )  # fmt: skip
    Report.objects.create(site=other_site, title="Other", created_by=users["staff"], version=7)
    Report.objects.create(site=original.site, kind=OTHER_KIND, title="Other kind", created_by=users["staff"],
                          version=5)  # fmt: skip
    copy = transitions.start_correction(original, users["provider_a"], " Corrects the date in finding 2. ")
    assert (copy.version, copy.status, copy.corrects_id) == (2, "draft", original.pk)
    assert (copy.change_note, copy.created_by) == ("Corrects the date in finding 2.", users["provider_a"])
    # what belongs to the published version's own review and publication is not copied
    assert (copy.approved_at, copy.approved_by, copy.published_at, copy.published_by) == (
        None,
        None,
        None,
        None,
    )
    assert original.approved_at is not None and original.published_by is not None
    created = next(e for e in history(copy) if e.action == "created")
    assert (created.actor, created.reason) == (
        users["provider_a"],
        "Correction of version 1: Corrects the date in finding 2.",
    )
    assert [f.title for f in copy.findings.all()] == [f.title for f in original.findings.all()]
    assert copy.embeds.count() == 1 and copy.embeds.get().finding.report_id == copy.pk
    assert list(copy.findings.first().recommendations.first().topics.values_list("name", flat=True)) == [
        "Use of force"
    ]
    with pytest.raises(TransitionError, match="already being drafted"):
        transitions.start_correction(original, users["provider_a"], "Again")
    finding = copy.findings.last()
    finding.title = "Supervisors reviewed force reports in 30 days on average."
    editing.save_part(copy, users["provider_a"], finding)
    assert client.get(f"/reports/{copy.pk}/").status_code == 404
    copy = publish(copy, users)
    published = next(e for e in history(copy) if e.to_state == "published")
    assert (published.reason, published.changes) == ("Publish the report", {})  # no reason, no message given
    original.refresh_from_db()
    assert original.status == "superseded" and copy.status == "published"
    page = client.get(f"/reports/{original.pk}/").content.decode()
    assert "This version was corrected" in page and f"/reports/{copy.pk}/" in page
    assert "Corrects the date in finding 2." in client.get(f"/reports/{copy.pk}/").content.decode()
    listing = client.get("/reports/").content.decode()
    assert f'href="/reports/{copy.pk}/"' in listing and f'href="/reports/{original.pk}/"' not in listing


def test_publishing_works_on_a_closed_site(report, users):
    site = report.site
    site.status, site.closed_on = "closed", "2026-11-01"
    site.save()
    assert publish(report, users).status == "published"


def test_site_publish_precondition(report, users):
    """The check the site's publish step runs (sites.transitions.publish, check=require_published_report)."""
    with pytest.raises(TransitionError, match="Publish the site's report first"):
        transitions.require_published_report(report.site)
    # another site's published report is not this site's
    other = Site.objects.create(
        agency=report.site.agency, program="critical_response", ta_type="issue_specific_review",
        provider=report.site.provider, title="Another review", description="Asked for a review.",
    )  # fmt: skip
    Report.objects.create(site=other, title="Other", created_by=users["staff"], status="published",
                          published_at=timezone.now())  # fmt: skip
    with pytest.raises(TransitionError, match="Publish the site's report first"):
        transitions.require_published_report(report.site)
    publish(report, users)
    transitions.require_published_report(report.site)


def test_returning_a_report_in_the_agencys_review_closes_that_review_as_returned(report, users):
    """The agency's open review ends when staff take the report back: closed as returned, by them, and the
    message to the agency is kept with the step."""
    report = transitions.send_to_agency(transitions.submit(report, users["provider_a"]), users["staff"])
    report = transitions.return_to_draft(report, users["reviewer"], "Rework finding 2", message="Back soon.")
    assert report.status == "draft"
    review = report.factual_reviews.get()
    assert (review.outcome, review.closed_by, review.comments) == (
        FactualReview.Outcome.RETURNED,
        users["reviewer"],
        "",
    )
    assert review.closed_at is not None and transitions.open_review(report) is None
    step = next(e for e in history(report) if e.action == "transition")
    assert (step.to_state, step.reason, step.changes) == ("draft", "Rework finding 2",
                                                          {MESSAGE_KEY: [None, "Back soon."]})  # fmt: skip


def test_an_agency_that_closes_its_review_without_comments_leaves_none(report, users):
    report = transitions.send_to_agency(transitions.submit(report, users["provider_a"]), users["staff"])
    report = transitions.close_factual_review(report, users["liaison_a"])
    review = report.factual_reviews.get()
    assert (review.outcome, review.closed_by, review.comments) == ("done", users["liaison_a"], "")


def test_steps_taken_without_a_reason_or_message_record_none(report, users):
    """Left out, the reason is the step's own label and no message goes to the agency."""
    report = transitions.submit(report, users["provider_a"])
    report = transitions.return_to_draft(report, users["staff"], "Rework")
    report = transitions.submit(report, users["provider_a"])
    report = transitions.send_to_agency(report, users["staff"])
    report = transitions.close_factual_review(report, users["executive_a"])
    report = transitions.approve(report, users["reviewer"])
    steps = {e.to_state: (e.reason, e.changes) for e in history(report) if e.action == "transition"}
    assert steps["draft"] == ("Rework", {})
    assert steps["approved"] == ("Approve the report", {})
