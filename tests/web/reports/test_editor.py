"""The editor through HTTP: structured forms, htmx swaps, errors shown in place, permission checks per route,
a published report refusing every change."""

import pytest

from continuum.audit.models import AuditEvent
from continuum.catalog.models import Topic
from continuum.datasets.models import DataRequest, DatasetVersion, Job, Result
from continuum.reports.models import Report
from tests.web.datasets.conftest import make_site

from .conftest import RESULT, publish


def site_result(site, user, analysis: str = "veil-of-darkness") -> Result:
    """A finished analysis of the site's data, as the task worker leaves it."""
    request = DataRequest.objects.create(
        site=site, title="Traffic stops", table_type="stops", created_by=user
    )
    version = DatasetVersion.objects.create(data_request=request, number=1, original_name="stops.csv",
                                            file_format="csv", size=10, sha256="ab" * 32, uploaded_by=user,
                                            status="valid")  # fmt: skip
    job = Job.objects.create(
        version=version, kind="analyze", analysis=analysis, status="done", created_by=user
    )
    return Result.objects.create(job=job, version=version, analysis=analysis, number=1, params=RESULT["params"],
                                 input_sha256="ab" * 32, engine_version="0.1.0", data={**RESULT, "analysis": analysis},
                                 html="<p>result</p>")  # fmt: skip


@pytest.fixture
def result(report, users):
    return site_result(report.site, users["staff"])


def _base(report):
    return f"/workspace/sites/{report.site_id}/reports/{report.pk}/"


def test_add_finding_and_recommendation_with_htmx(client, login, users, report):
    login(users["provider_a"])
    base = _base(report)
    response = client.post(
        base + "parts/finding/",
        {"form_prefix": "finding", "finding-title": "A third finding", "finding-body": "Because."},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="report-editor"' in body and "<html" not in body
    assert "Finding 3. A third finding" in body and "was added" in body
    third = report.findings.get(title="A third finding")
    response = client.post(
        base + "parts/recommendation/",
        {
            "form_prefix": f"rec-for-{third.pk}",
            f"rec-for-{third.pk}-finding": third.pk,
            f"rec-for-{third.pk}-text": "Do the thing.",
            f"rec-for-{third.pk}-responsible_party": "The chief",
            f"rec-for-{third.pk}-priority": "low",
            f"rec-for-{third.pk}-topics": [Topic.objects.get(name="Use of force").pk],
        },
    )
    assert response.status_code == 302
    rec = third.recommendations.get()
    assert rec.topics.count() == 1
    page = client.get(base).content.decode()
    assert "Recommendation 3.1" in page


def test_errors_come_back_in_place(client, login, users, report):
    login(users["provider_a"])
    response = client.post(_base(report) + "parts/finding/", {"form_prefix": "finding", "finding-title": ""})
    assert response.status_code == 422 and "usa-error-message" in response.content.decode()
    response = client.post(
        _base(report) + "parts/finding/",
        {"form_prefix": "finding", "finding-title": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "usa-error-message" in response.content.decode()
    response = client.post(_base(report) + "embed/", {"embed-result": ""})
    assert response.status_code == 422 and "This field is required" in response.content.decode()


def test_edit_move_remove_and_sections(client, login, users, report):
    login(users["staff"])
    base = _base(report)
    first, second = report.findings.all()
    client.post(base + f"parts/finding/{second.pk}/up/")
    assert list(report.findings.values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(
        base + f"parts/finding/{first.pk}/",
        {f"finding-{first.pk}-title": "Retitled", f"finding-{first.pk}-body": ""},
    )
    first.refresh_from_db()
    assert first.title == "Retitled"
    client.post(
        base + "sections/",
        {
            "which": "report",
            "report-title": "New title",
            "report-executive_summary": "S",
            "report-background": "",
            "report-methodology": "",
            "report-conclusion": "",
        },
    )
    report.refresh_from_db()
    assert report.title == "New title"
    client.post(base + f"parts/finding/{first.pk}/remove/")
    assert report.findings.count() == 1


def test_embed_result_through_the_form(client, login, users, report, result):
    login(users["provider_a"])
    finding = report.findings.first()
    page = client.get(_base(report)).content.decode()
    assert "Veil of darkness: stops in daylight and in darkness, run 1, on Traffic stops version 1" in page
    assert "JSON" not in page and "continuum analyze" not in page
    response = client.post(
        _base(report) + "embed/",
        {"embed-result": result.pk, "embed-title": "VoD", "embed-finding": finding.pk},
    )
    assert response.status_code == 302
    embed = report.embeds.get(title="VoD", finding=finding)
    assert embed.source["input_sha256"] == result.input_sha256
    result.refresh_from_db()
    assert result.embedded_in == report and result.for_report
    assert AuditEvent.objects.filter(object_id=str(result.pk), reason__startswith="Embedded in").exists()
    client.post(_base(report) + "embed/", {"embed-result": result.pk})
    assert report.embeds.filter(
        title="Veil of darkness: stops in daylight and in darkness (run 1) on Traffic stops"
    ).exists()


def test_a_result_of_another_site_cannot_be_embedded(client, login, users, orgs, report):
    other = site_result(make_site(orgs, "agency_b", "provider_b"), users["staff"])
    login(users["provider_a"])
    response = client.post(_base(report) + "embed/", {"embed-result": other.pk})
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    assert not report.embeds.filter(source__engine_version="0.1.0", title__contains="run 1").exists()


def test_routes_refuse_who_may_not(client, login, users, report):
    base = _base(report)
    finding = report.findings.first()
    for who, expected in [("executive_a", 404), ("sme_a", 403), ("provider_b", 404)]:
        login(users[who])
        assert client.post(base + "parts/finding/", {"finding-title": "x"}).status_code == expected, who
        assert client.post(base + f"parts/finding/{finding.pk}/remove/").status_code == expected, who
        assert client.post(base + "steps/submit/").status_code in {expected, 302}, who
    assert report.findings.count() == 2
    report.refresh_from_db()
    assert report.status == "draft"


def test_steps_and_comments_through_http(client, login, users, report):
    base = _base(report)
    login(users["provider_a"])
    client.post(base + "steps/submit/", {"step-reason": "Ready"})
    login(users["staff"])
    client.post(base + "steps/send_to_agency/")
    report.refresh_from_db()
    assert report.status == "agency_review"
    login(users["executive_a"])
    finding = report.findings.first()
    client.post(
        base + "comments/",
        {
            "comment-passage": f"finding:{finding.pk}",
            "comment-text": "Wrong date",
            "comment-quote": "Policy 1.3",
        },
    )
    note = report.comments.get()
    login(users["provider_a"])
    client.post(base + f"comments/{note.pk}/reply/", {f"reply-{note.pk}-text": "Fixed", "resolve": "1"})
    note.refresh_from_db()
    assert note.is_resolved
    login(users["staff"])
    client.post(base + "steps/approve/")
    report.refresh_from_db()
    assert report.status == "agency_review"  # the agency has not closed its factual review
    login(users["executive_a"])
    client.post(base + "steps/factual_review_done/", {"factual_review_done-reason": "Dates fixed"})
    login(users["staff"])
    client.post(base + "steps/approve/")
    client.post(base + "steps/publish/")
    report.refresh_from_db()
    assert report.status == "published"


def test_published_report_refuses_edits_over_http(client, login, users, report):
    report = publish(report, users)
    login(users["staff"])
    base = _base(report)
    finding = report.findings.first()
    response = client.post(base + f"parts/finding/{finding.pk}/", {f"finding-{finding.pk}-title": "Changed"})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).findings.first().title == finding.title
    page = client.get(base).content.decode()
    assert "Start a correction" in page and "Save the sections" not in page
    response = client.post(base + "correction/", {"correction-change_note": "Fix a date."})
    copy = Report.objects.get(corrects=report)
    assert response.url == copy.get_absolute_url()
