"""The library of findings and recommendations and the reports index's search (issue 19, item 3): every
recommendation of every published public report, searchable and filterable, with its finding, its report and,
for an Organizational Assessment, its status in the latest published progress report; CSV export; the index
lists progress reports, searches report text, findings, recommendations and topic names, and its excerpts are
text, never Markdown source."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from continuum.assessment.models import Implementation, ProgressReport
from continuum.catalog.models import Topic
from continuum.reports import library
from continuum.reports.models import Finding, Recommendation, Report
from continuum.reports.prose import plain
from continuum.sites.models import Site


def progress(site, number, state, items, staff):
    return ProgressReport.objects.create(
        site=site, number=number, as_of=datetime.date(2026, 1 + number, 28), narrative=f"Narrative {number}.",
        state=state, created_by=staff, snapshot={"items": items},
        published_at=timezone.now() if state == "published" else None,
    )  # fmt: skip


@pytest.fixture
def assessment(orgs, users):
    """A public Organizational Assessment (Fargo, 195 officers) with one recommendation, its first progress
    report published (in progress) and its second still a draft (complete)."""
    site = Site.objects.create(
        agency=orgs["agency_b"], program="organizational_assessment", ta_type="organizational_assessment",
        title="Fargo assessment", description="x", is_public=True, status="implementation",
    )  # fmt: skip
    report = Report.objects.create(site=site, title="An Assessment of Fargo", created_by=users["staff"])
    finding = Finding.objects.create(report=report, title="Wellness resources are underused.", position=1)
    rec = Recommendation.objects.create(finding=finding, text="=Create a **peer-support** team.",
                                        responsible_party="The chief", position=1)  # fmt: skip
    rec.topics.add(Topic.objects.get(name="Officer safety and wellness"))
    Report.objects.filter(pk=report.pk).update(status="published", published_at=timezone.now())
    Implementation.objects.create(site=site, recommendation=rec, number="1.1", status="complete")
    progress(site, 1, "published", [{"number": "1.1", "status_label": "In progress"}], users["staff"])
    progress(site, 2, "draft", [{"number": "1.1", "status_label": "Complete"}], users["staff"])
    return site


def _texts(client, **params) -> list[str]:
    response = client.get("/reports/recommendations/", params)
    assert response.status_code == 200
    return [entry.text for entry in response.context["entries"]]


def test_every_published_recommendation_and_no_other(client, catalogue, assessment):
    texts = _texts(client)
    assert len(texts) == 7  # three of Columbus's, three of Fargo's, the assessment's; none of the draft
    assert "Revise the policy to require de-escalation when feasible." in texts


@pytest.mark.parametrize("params, count", [
    ({"q": "de-escalation"}, 4),  # the recommendation's text, or its finding's
    ({"q": "supervisory"}, 2),
    ({"q": "officer safety and wellness"}, 1),  # a topic's name
    ({"topic": "use-of-force"}, 3),
    ({"program": "cri_tac"}, 3),
    ({"program": "organizational_assessment"}, 1),
    ({"agency_type": "local"}, 7),
    ({"agency_type": "state"}, 0),
    ({"size": "medium"}, 4),  # Fargo: 195 sworn officers
    ({"size": "very_large"}, 3),  # Columbus: 1,900
    ({"q": "de-escalation", "size": "very_large"}, 2),
])  # fmt: skip
def test_search_and_filters(client, catalogue, assessment, params, count):
    assert len(_texts(client, **params)) == count


def test_an_assessment_recommendation_shows_its_latest_published_status(client, assessment):
    page = client.get("/reports/recommendations/", {"program": "organizational_assessment"}).content.decode()
    assert "In progress (progress report 1, February 2026)" in page
    assert "Complete" not in page  # the draft progress report is not published
    assert "Create a peer-support team." in page and "**" not in page  # rendered text, not Markdown
    assert "Wellness resources are underused." in page and "An Assessment of Fargo" in page


def test_the_csv_export_has_the_filtered_recommendations_and_is_formula_safe(client, catalogue, assessment):
    response = client.get("/reports/recommendations.csv", {"program": "organizational_assessment"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Recommendation", "Finding", "Topics"] and len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Recommendation"] == "'=Create a peer-support team."
    assert record["Latest implementation status"].startswith("In progress")
    assert record["Agency"] == "Fargo (ND) Police Department"
    assert (
        len(list(csv.reader(io.StringIO(client.get("/reports/recommendations.csv").content.decode())))) == 8
    )


def test_the_reports_index_lists_published_progress_reports(client, catalogue, assessment):
    page = client.get("/reports/").content.decode()
    assert "Progress report 1 (February 2026)" in page and "Progress report 2" not in page
    assert "Progress report 1" not in client.get("/reports/", {"state": "OH"}).content.decode()


def test_the_index_search_covers_report_text_findings_and_topic_names(client, catalogue, orgs, users):
    site = Site.objects.create(agency=orgs["agency_b"], program="critical_response", ta_type="issue_specific_review",
                               title="x", description="x", is_public=True, status="published")  # fmt: skip
    site.topics.add(Topic.objects.get(name="Officer-involved shootings"))
    Report.objects.create(site=site, title="Review of the department", created_by=users["staff"],
                          status="published", published_at=timezone.now())  # fmt: skip

    def titles(q):
        return [r.title for r in client.get("/reports/", {"q": q}).context["reports"]]

    assert titles("officer-involved shootings") == ["Review of the department"]  # its site's topic only
    assert titles("41 days") == [
        "Columbus use of force review",
        "Fargo patrol staffing study",
    ]  # a finding's body
    assert "Columbus use of force review" in titles("interviewed personnel")  # the methodology


def test_excerpts_are_rendered_text_never_markdown(client, catalogue):
    Report.objects.filter(title="Columbus use of force review").update(
        executive_summary="The review makes **four recommendations**.[^scope] See [the policy](https://x.gov)."
    )
    page = client.get("/reports/").content.decode()
    assert "The review makes four recommendations. See the policy." in page
    assert "**" not in page and "[^" not in page


def test_plain_text_of_markdown():
    assert plain("**Bold** and _em_,[^n] a [link](https://x.gov) &amp; <b>tag</b>") == (
        "Bold and em, a link &amp; <b>tag</b>"
    )
    assert plain("") == ""


def test_size_bands_cover_every_number_of_officers_once():
    for officers in [0, 49, 50, 249, 250, 999, 1000, 40000]:
        bands = [k for k, (_, low, high) in library.SIZES.items() if low <= officers <= (high or officers)]
        assert len(bands) == 1, officers
