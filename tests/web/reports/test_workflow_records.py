"""What the review steps record beyond their state: the days the agency is given, a lapsed review's dates in
the approval's reason, the version a correction supersedes (with its own audit record), the public filter
cache emptied at publication, and everything a correction copies (actions, figures, footnotes)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from continuum.audit.log import history
from continuum.reports import transitions
from continuum.reports.models import FactualReview, Figure, ImprovementAction
from continuum.reports.public_views import FILTER_CHOICES_KEY
from continuum.workflow import TransitionError

from .conftest import publish


@pytest.fixture
def report(report_without_chart):
    """These tests take the review steps and never look at a chart: the report's exhibit is a table alone."""
    return report_without_chart


def lapse(report):
    """The agency's open review, sent ten days ago and due two days ago, without a word from the agency."""
    sent, due = timezone.now() - timedelta(days=10), timezone.localdate() - timedelta(days=2)
    FactualReview.objects.filter(report=report, closed_at__isnull=True).update(sent_at=sent, due_on=due)
    return f"(factual review sent {sent:%Y-%m-%d}, due {due:%Y-%m-%d}, lapsed)"


def reasons(report, to_state):
    return [e.reason for e in history(report) if e.action == "transition" and e.to_state == to_state]


def test_the_agency_gets_the_days_given_and_the_sender_s_reason_is_kept(report, users):
    report = transitions.submit(report, users["provider_a"])
    report = transitions.send_to_agency(report, users["staff"], "Internal review done", review_days=3)
    review = report.factual_reviews.get()
    assert review.due_on == timezone.localdate() + timedelta(days=3)
    assert (review.sent_by, review.is_open) == (users["staff"], True)
    assert reasons(report, "agency_review") == ["Internal review done"]


def test_sent_without_a_reason_the_step_s_label_is_recorded(report, users):
    report = transitions.send_to_agency(transitions.submit(report, users["provider_a"]), users["staff"])
    assert reasons(report, "agency_review") == ["Send to the agency for factual-accuracy review"]


def test_approval_after_a_lapsed_review_records_its_dates_after_the_reason(report, users):
    report = transitions.send_to_agency(transitions.submit(report, users["provider_a"]), users["staff"])
    with pytest.raises(TransitionError, match="open until"):
        transitions.approve(report, users["reviewer"])
    dates = lapse(report)
    report = transitions.approve(report, users["reviewer"], "Signed off")
    review = report.factual_reviews.get()
    assert (review.outcome, review.closed_by) == (FactualReview.Outcome.LAPSED, users["reviewer"])
    assert reasons(report, "approved") == [f"Signed off {dates}"]
    # approved without a reason of its own: the dates alone, nothing before them
    report = transitions.return_to_draft(report, users["staff"], "Rework")
    report = transitions.send_to_agency(transitions.submit(report, users["provider_a"]), users["staff"])
    dates = lapse(report)
    report = transitions.approve(report, users["reviewer"])
    assert reasons(report, "approved")[0] == dates


def test_publication_empties_the_public_filter_choices(report, users, django_capture_on_commit_callbacks):
    cache.set(FILTER_CHOICES_KEY, (["OH"], [2025]), 300)
    with django_capture_on_commit_callbacks(execute=True):
        publish(report, users)
    assert cache.get(FILTER_CHOICES_KEY) is None


def test_a_published_correction_supersedes_its_version_with_a_record(published, users):
    original = published
    with pytest.raises(TransitionError, match="change note"):
        transitions.start_correction(original, users["provider_a"], None)
    copy = transitions.start_correction(original, users["provider_a"], "Corrects a date.")
    with pytest.raises(TransitionError, match="Only the published version"):
        transitions.start_correction(copy, users["provider_a"], "A correction of a draft")
    copy = publish(copy, users)
    original.refresh_from_db()
    assert original.status == "superseded"
    step = next(e for e in history(original) if e.to_state == "superseded")
    assert (step.action, step.actor, step.from_state, step.reason) == (
        "transition",
        users["reviewer"],
        "published",
        "Corrected by version 2",
    )
    with pytest.raises(TransitionError, match="Only the published version"):
        transitions.start_correction(original, users["provider_a"], "A correction of a superseded version")


def test_a_correction_without_a_change_note_is_not_published(published, users):
    copy = transitions.start_correction(published, users["provider_a"], "Corrects a date.")
    copy.change_note = " "
    copy.save()
    copy = transitions.submit(copy, users["provider_a"])
    copy = transitions.send_to_agency(copy, users["reviewer"])
    copy = transitions.close_factual_review(copy, users["executive_a"])
    copy = transitions.approve(copy, users["reviewer"])
    with pytest.raises(TransitionError, match="change note"):
        transitions.publish(copy, users["reviewer"])


def test_a_correction_copies_actions_figures_and_footnotes(report, users):
    finding = report.findings.last()
    rec = report.findings.first().recommendations.first()
    ImprovementAction.objects.create(
        recommendation=rec, corrective_action="Rewrite policy 1.3.", responsible_party="The chief of police"
    )
    Figure.objects.create(report=report, caption="Force by month", alt_text="A line chart.", image=b"png",
                          content_type="image/png", finding=finding)  # fmt: skip
    Figure.objects.create(report=report, caption="Force by shift", alt_text="A bar chart.", image=b"png",
                          content_type="image/png")  # fmt: skip
    original = publish(report, users)
    copy = transitions.start_correction(original, users["provider_a"], "Corrects a date.")
    action = ImprovementAction.objects.get(recommendation__finding__report=copy)
    assert (action.corrective_action, action.recommendation.text) == ("Rewrite policy 1.3.", rec.text)
    assert ImprovementAction.objects.get(recommendation__finding__report=original).recommendation_id == rec.pk
    figures = {f.caption: f.finding for f in copy.figures.all()}
    assert figures["Force by shift"] is None
    assert figures["Force by month"].report_id == copy.pk and figures["Force by month"].title == finding.title
    assert [(f.key, f.text) for f in copy.footnotes.all()] == [("policy", "Policy 1.3, revised 2019.")]
    assert original.footnotes.count() == 1 and original.figures.count() == 2


def test_the_team_s_e_mail_carries_the_internal_reason_the_agency_s_does_not(
    report, users, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        report = transitions.submit(report, users["provider_a"], "Ready for a second pair of eyes")
    team = [m for m in mail.outbox if "internal review" in m.subject or "internal review" in m.body]
    assert team and all("Note: Ready for a second pair of eyes" in m.body for m in team)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transitions.send_to_agency(report, users["staff"], "Finding 2 still thin")
    assert mail.outbox and not [m for m in mail.outbox if "Finding 2 still thin" in m.body]


def test_a_closed_factual_review_cannot_be_closed_again(report, users):
    report = transitions.send_to_agency(transitions.submit(report, users["provider_a"]), users["staff"])
    report = transitions.close_factual_review(report, users["liaison_a"])
    with pytest.raises(TransitionError, match="no open factual-accuracy review"):
        transitions.close_factual_review(report, users["liaison_a"])


def test_submitted_without_a_reason_the_step_s_label_is_recorded(report, users):
    report = transitions.submit(report, users["provider_a"])
    (label,) = reasons(report, "internal_review")
    assert label == transitions.LIFECYCLE.step("submit").label


def test_the_agency_s_e_mail_without_a_message_has_no_note(report, users, django_capture_on_commit_callbacks):
    report = transitions.submit(report, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        transitions.send_to_agency(report, users["staff"], "Finding 2 still thin")
    assert mail.outbox and not [m for m in mail.outbox if "Note:" in m.body]


def test_approval_of_a_report_in_review_never_sent_to_the_agency_says_so(report, users):
    """A report put in the agency's review without a factual review on record (an import, a repair by hand)
    cannot be approved as if the agency had reviewed it."""
    type(report).objects.filter(pk=report.pk).update(status="agency_review")
    report.refresh_from_db()
    with pytest.raises(TransitionError, match=r"^The agency has not been sent the report for its factual"):
        transitions.approve(report, users["staff"])


def test_the_site_follows_its_first_version_with_the_report_s_actor_and_title(report, users):
    """The site's own record of the step names who took the report's step and what happened to which report."""
    report = transitions.submit(report, users["provider_a"], "Ready")
    assert report.submitted_by == users["provider_a"]
    (moved,) = [e for e in history(report.site) if e.action == "transition" and e.to_state == "report_review"]
    assert (moved.actor, moved.from_state, moved.reason) == (
        users["provider_a"],
        "report_drafting",
        "“Columbus use of force review” sent for the program's internal review",
    )


def test_a_second_report_leaves_the_site_where_it_is(report, users):
    """Only a first version moves the site: a later version that is not a correction (as an import of earlier
    versions leaves it) is reviewed without the site following it."""
    type(report).objects.filter(pk=report.pk).update(version=2)
    report.refresh_from_db()
    transitions.submit(report, users["provider_a"])
    report.site.refresh_from_db()
    assert report.site.status == "report_drafting"


def test_a_draft_names_what_it_lacks(report, users):
    report.executive_summary = " "
    report.save()
    with pytest.raises(
        TransitionError, match=r"^Write the executive summary before the report goes for review\.$"
    ):
        transitions.submit(report, users["provider_a"])
    report.executive_summary = "Summary."
    report.save()
    for finding in report.findings.all():
        finding.recommendations.all().delete()
    with pytest.raises(
        TransitionError, match=r"^Every finding needs a recommendation: Finding 1, Finding 2 has none\.$"
    ):
        transitions.submit(report, users["provider_a"])


def test_the_agency_may_be_given_a_single_day_and_no_fewer(report, users):
    report = transitions.submit(report, users["provider_a"])
    with pytest.raises(TransitionError, match=r"^Give the agency at least one day for its review\.$"):
        transitions.send_to_agency(report, users["staff"], review_days=-1)
    assert not report.factual_reviews.exists()
    report = transitions.send_to_agency(report, users["staff"], review_days=1)
    assert report.factual_reviews.get().due_on == timezone.localdate() + timedelta(days=1)


def test_a_step_from_a_published_state_saves_the_state_alone(published, users):
    """The report lifecycle's save: a report frozen by publication writes only its new state (a step that
    starts from a published version, e.g. a supersession, must not trip the lock on its content)."""
    from continuum.workflow import Move

    move = Move(transitions.LIFECYCLE.step("publish"), users["reviewer"], "published", "superseded")
    published.status = "superseded"
    transitions._save(published, move)
    published.refresh_from_db()
    assert published.status == "superseded"
