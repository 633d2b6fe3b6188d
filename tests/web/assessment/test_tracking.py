"""OA implementation tracking: import, the agency proposes with evidence, the assessor verifies, both
audited; progress reports snapshot and publish; the matrix exports safely."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from continuum.assessment import progress, tracking
from continuum.assessment.models import Implementation, Proposal
from continuum.audit.log import history
from continuum.catalog.models import Topic

TODAY = datetime.date(2026, 11, 1)


def _import(site, users):
    return tracking.import_recommendations(site, users["staff"])


def test_import_numbers_and_is_idempotent(oa_site, users):
    assert _import(oa_site, users) == 5
    assert _import(oa_site, users) == 0
    numbers = list(Implementation.objects.filter(site=oa_site).values_list("number", flat=True))
    assert numbers == ["1.1", "1.2", "2.1", "3.1", "3.2"]
    assert set(Implementation.objects.values_list("status", flat=True)) == {"not_started"}


def test_import_needs_an_oa_site_with_a_published_report(oa_site, users, cr_site):
    with pytest.raises(tracking.TrackingError, match="Only Organizational Assessment"):
        tracking.import_recommendations(cr_site, users["staff"])
    oa_site.reports.update(status="draft")
    with pytest.raises(tracking.TrackingError, match="must be published"):
        tracking.import_recommendations(oa_site, users["staff"])
    with pytest.raises(PermissionDenied):
        tracking.import_recommendations(oa_site, users["executive_a"])


def test_agency_proposes_assessor_verifies(oa_site, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _import(oa_site, users)
    item = Implementation.objects.get(number="1.1")
    pdf = SimpleUploadedFile("policy.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        tracking.propose(item, users["staff"], status="complete", evidence="x", evidence_date=TODAY)
    proposal = tracking.propose(item, users["liaison_a"], status="complete", evidence="New directive 2.01",
                                evidence_date=TODAY, upload=pdf)  # fmt: skip
    assert proposal.document_name == "policy.pdf" and proposal.document.name.endswith(".pdf")
    assert proposal.document.read() == b"%PDF-1.4\n%%EOF\n"  # the whole file, from its first byte
    assert Proposal.objects.get(pk=proposal.pk).evidence == "New directive 2.01"
    proposed = next(e for e in history(item) if e.action == "updated")
    assert (proposed.actor, proposed.reason, proposed.changes) == (
        users["liaison_a"],
        "New directive 2.01",
        {"proposal": ["Not started", "Complete"]},
    )
    item.refresh_from_db()
    assert item.status == "not_started"  # nothing counts until verified
    with pytest.raises(tracking.TrackingError, match="already awaiting verification"):
        tracking.propose(item, users["executive_a"], status="in_progress", evidence="y", evidence_date=TODAY)
    with pytest.raises(tracking.TrackingError, match="Say what evidence is missing"):
        tracking.verify(proposal, users["provider_a"], accept=False)
    tracking.verify(proposal, users["provider_a"], accept=False, reason="Attach the signed directive")
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by, proposal.decision_reason) == (
        "more_evidence",
        users["provider_a"],
        "Attach the signed directive",
    )
    asked = [e for e in history(item) if e.action == "updated" and e.actor == users["provider_a"]]
    assert [(e.changes, e.reason) for e in asked] == [
        ({"proposal": ["pending", "needs more evidence"]}, "Attach the signed directive")
    ]
    again = tracking.propose(item, users["liaison_a"], status="complete", evidence="Signed directive",
                             evidence_date=TODAY)  # fmt: skip
    with pytest.raises(PermissionDenied):
        tracking.verify(again, users["liaison_a"], accept=True)
    tracking.verify(again, users["staff"], accept=True)
    item.refresh_from_db()
    assert (item.status, item.status_changed_on) == ("complete", TODAY)
    assert list(item.proposals.values_list("decision", flat=True)) == ["accepted", "more_evidence"]
    transitions = [(e.from_state, e.to_state) for e in history(item) if e.action == "transition"]
    assert transitions == [("Not started", "Complete")]
    assert any("recommendation 1.1" in e.changes for e in history(oa_site))


def test_proposal_rules(oa_site, users):
    _import(oa_site, users)
    item = Implementation.objects.get(number="2.1")
    with pytest.raises(tracking.TrackingError, match="already “Not started”"):
        tracking.propose(item, users["liaison_a"], status="not_started", evidence="x", evidence_date=TODAY)
    with pytest.raises(tracking.TrackingError, match="Describe the evidence"):
        tracking.propose(item, users["liaison_a"], status="complete", evidence=" ", evidence_date=TODAY)
    with pytest.raises(tracking.TrackingError, match="future"):
        tracking.propose(item, users["liaison_a"], status="complete", evidence="x",
                         evidence_date=datetime.date(2999, 1, 1))  # fmt: skip
    from django.core.exceptions import ValidationError

    fake = SimpleUploadedFile("evidence.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"evidence\.pdf"):
        tracking.propose(
            item, users["liaison_a"], status="complete", evidence="x", evidence_date=TODAY, upload=fake
        )
    assert not Proposal.objects.exists()
    with pytest.raises(PermissionDenied):
        tracking.propose(item, users["executive_b"], status="complete", evidence="x", evidence_date=TODAY)


def _set(site, number, status):
    Implementation.objects.filter(site=site, number=number).update(status=status)


def test_snapshot_counts_and_topics(oa_site, users):
    _import(oa_site, users)
    _set(oa_site, "1.1", "complete")
    _set(oa_site, "1.2", "in_progress")
    _set(oa_site, "3.1", "in_progress")
    snap = tracking.snapshot(oa_site)
    assert snap["total"] == 5
    assert {k: v for k, v in snap["counts"].items() if v} == {
        "not_started": 2,
        "in_progress": 2,
        "complete": 1,
    }
    assert snap["by_topic"]["Use of force"]["in_progress"] == 2
    assert snap["by_topic"]["Other"]["not_started"] == 1
    assert [row["number"] for row in snap["items"]] == ["1.1", "1.2", "2.1", "3.1", "3.2"]


def test_snapshot_rows_name_every_field_and_topics_count_every_status(
    oa_site, users, django_assert_num_queries
):
    """Each row carries the recommendation's number, finding, text, priority, status, responsible people and
    topics under the keys the progress page reads; every topic counts every status, zero included; and the
    snapshot reads the items with their findings in one query and all their topics in one more."""
    _import(oa_site, users)
    _set(oa_site, "1.1", "complete")
    with django_assert_num_queries(2):
        snap = tracking.snapshot(oa_site)
    assert snap["items"][0] == {
        "number": "1.1",
        "finding": "Use-of-force reporting is incomplete.",
        "text": "Require a report for every use of force.",
        "priority": "High",
        "status": "complete",
        "status_label": "Complete",
        "responsible": "The chief",
        "topics": ["Use of force"],
    }
    assert snap["items"][4]["topics"] == ["Other"]
    zero = dict.fromkeys(tracking.STATUS_ORDER, 0)
    assert snap["by_topic"] == {
        "Other": zero | {"not_started": 1},
        "Recruitment and hiring": zero | {"not_started": 1},
        "Use of force": zero | {"not_started": 2, "complete": 1},
    }


def test_progress_reports_freeze_statuses_and_publish(
    oa_site, users, mailoutbox, django_capture_on_commit_callbacks
):
    _import(oa_site, users)
    first = progress.draft(oa_site, users["provider_a"], as_of=TODAY, narrative="Six months in.")
    _set(oa_site, "1.1", "complete")
    with pytest.raises(PermissionDenied):
        progress.publish(first, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        progress.publish(first, users["staff"])
    first.refresh_from_db()
    assert first.snapshot["counts"]["complete"] == 1  # frozen at publication
    _set(oa_site, "1.2", "complete")
    first.refresh_from_db()
    assert first.snapshot["counts"]["complete"] == 1
    assert progress.next_due(oa_site) == datetime.date(2027, 5, 1)
    second = progress.draft(oa_site, users["staff"], as_of=TODAY, narrative="A year in.")
    assert second.number == 2
    with pytest.raises(tracking.TrackingError, match="already published"):
        progress.publish(first, users["staff"])
    assert "progress report 1 published" in mailoutbox[-1].subject
    assert "liaison_a@example.gov" in mailoutbox[-1].to


def test_add_months_clamps_to_month_end():
    assert progress.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert progress.add_months(datetime.date(2026, 11, 15), 2) == datetime.date(2027, 1, 15)


def test_csv_export_escapes_formulas(oa_site, users):
    _import(oa_site, users)
    rows = list(csv.reader(io.StringIO(tracking.export_csv(oa_site))))
    assert rows[0] == ["Objective", "Finding", "Recommendation number", "Recommendation", "Priority", "Status",
                       "Owner", "Target date", "Status changed on"]  # fmt: skip
    assert rows[1][:3] == ["Use of force", "Use-of-force reporting is incomplete.", "1.1"]
    assert rows[1][7:] == ["", ""]  # no target date, no change of status yet
    item = Implementation.objects.get(number="1.1")
    item.recommendation.topics.add(Topic.objects.exclude(name="Use of force").order_by("name").first())
    tracking.update_plan(item, users["staff"], responsible="Chief", target_date=datetime.date(2027, 3, 31))
    Implementation.objects.filter(pk=item.pk).update(status_changed_on=datetime.date(2026, 10, 2))
    rows = list(csv.reader(io.StringIO(tracking.export_csv(oa_site))))
    first = next(r for r in rows if r[2] == "1.1")
    assert len(first[0].split("; ")) == 2 and "Use of force" in first[0].split("; ")
    assert first[6:] == ["Chief", "2027-03-31", "2026-10-02"]
    dangerous = next(r for r in rows if r[2] == "3.2")
    assert dangerous[3].startswith("'=HYPERLINK")
    assert len(rows) == 6


def test_the_plan_for_a_recommendation_is_kept_by_its_managers_and_audited(oa_site, users):
    """Program staff and the site's provider set who is responsible and by when; the agency, and another
    provider, may not; the change is in the recommendation's history."""
    _import(oa_site, users)
    item = Implementation.objects.get(number="1.2")
    for outsider in ("liaison_a", "executive_a", "provider_b", "sme_a"):
        with pytest.raises(PermissionDenied):
            tracking.update_plan(item, users[outsider], responsible="Chief", target_date=TODAY)
    tracking.update_plan(item, users["provider_a"], responsible="  Deputy chief Ruiz ", target_date=TODAY)
    item.refresh_from_db()
    assert (item.responsible, item.target_date) == ("Deputy chief Ruiz", TODAY)
    tracking.update_plan(item, users["staff"], responsible="Training unit", target_date=None)
    item.refresh_from_db()
    assert (item.responsible, item.target_date) == ("Training unit", None)
    events = [e for e in history(item) if e.reason == "Responsible people and target date"]
    assert [e.actor for e in events] == [users["staff"], users["provider_a"]]


def test_accepted_evidence_dated_today_counts_and_is_audited_for_the_recommendation_and_the_site(
    oa_site, users
):
    _import(oa_site, users)
    item = Implementation.objects.get(number="2.1")
    with pytest.raises(tracking.TrackingError, match="Choose one of the implementation statuses"):
        tracking.propose(item, users["liaison_a"], status="done", evidence="x", evidence_date=TODAY)
    today = datetime.date.today()
    proposal = tracking.propose(item, users["executive_a"], status="in_progress", evidence="Training began",
                                evidence_date=today)  # fmt: skip
    tracking.verify(proposal, users["staff"], accept=True)
    item.refresh_from_db()
    assert (item.status, item.status_changed_on) == ("in_progress", today)
    step = next(e for e in history(item) if e.action == "transition")
    assert (step.actor, step.from_state, step.to_state, step.reason) == (
        users["staff"],
        "Not started",
        "In progress",
        "Evidence verified",
    )
    told = next(e for e in history(oa_site) if "recommendation 2.1" in e.changes)
    assert (told.actor, told.changes["recommendation 2.1"]) == (
        users["staff"],
        ["Not started", "In progress"],
    )


def test_csv_export_reads_the_matrix_in_a_fixed_number_of_queries(oa_site, users, django_assert_num_queries):
    """One query for the recommendations with their findings, one for all their topics: not one per row."""
    _import(oa_site, users)
    with django_assert_num_queries(2):
        rows = list(csv.reader(io.StringIO(tracking.export_csv(oa_site))))
    assert len(rows) == 6
