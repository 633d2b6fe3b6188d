"""The dashboard page and its CSV export: program staff only, charts as SVG with tables, filters, a safe CSV,
and a fixed number of queries however many records."""

import csv
import io
import re

import pytest

from continuum.sites.models import Site
from tests.web.critac import factories

from .conftest import EVIL_TOPIC, at

QUERY = "?start=2026-01-01&end=2026-06-30&program="
# Session, user, then one query per section: received, decided, times, agencies, topics, sites, feedback.
MAX_QUERIES = 9


@pytest.mark.parametrize(
    "who, status",
    [
        ("executive_a", 403),
        ("liaison_b", 403),
        ("provider_a", 403),
        ("sme_a", 403),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_only_program_staff_see_the_figures(client, login, users, who, status):
    login(users[who])
    assert client.get("/workspace/metrics/").status_code == status
    assert client.get("/workspace/metrics/export.csv").status_code == status
    nav = client.get("/").content.decode()
    assert ('href="/workspace/metrics/"' in nav) == (status == 200)


def test_anonymous_is_sent_to_sign_in(client):
    for url in ["/workspace/metrics/", "/workspace/metrics/export.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_charts_with_their_tables(client, login, users, program):
    login(users["staff"])
    page = client.get(f"/workspace/metrics/{QUERY}").content.decode()
    charts = re.findall(
        r'<svg [^>]*class="metrics-chart" role="img" aria-labelledby="([\w-]+)-title \1-desc"', page
    )
    assert len(charts) == 8 and all(f'<title id="{c}-title">' in page for c in charts)
    assert all(re.search(f'<desc id="{c}-desc">[^<]+</desc>', page) for c in charts)
    assert " style=" not in page and "<script>" not in page.split("</main>")[0]
    assert "Use &lt;b&gt;bold&lt;/b&gt; tactics" in page and "<b>bold</b>" not in page  # labels escaped
    assert "<strong>8</strong> requests received" in page and "<strong>33%</strong> of them under 50" in page
    assert '<th scope="row">Request to decision</th><td>6</td><td>7.5</td><td>17</td><td>0</td>' in page
    assert 'href="/workspace/metrics/export.csv?start=2026-01-01&amp;end=2026-06-30&amp;program="' in page


def test_an_impossible_period_falls_back_to_the_default_and_says_why(client, login, users):
    login(users["staff"])
    response = client.get("/workspace/metrics/?start=2026-06-01&end=2026-01-01")
    assert (
        response.status_code == 200 and "The period must start before it ends." in response.content.decode()
    )
    assert len(response.context["board"].months) == 12


def test_the_csv_export_matches_and_defuses_formulas(client, login, users, program):
    login(users["staff"])
    response = client.get(f"/workspace/metrics/export.csv{QUERY}cri_tac")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="continuum-metrics-20260101-20260630-cri_tac.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["period", "2026-01-01 to 2026-06-30", "program", "CRI-TAC"] in rows
    assert ["requests by month", "2026-03", "received", "1"] in rows
    assert ["days from request", "Request to decision", "median", "4.50"] in rows
    topics = {row[1]: row[3] for row in rows if row[0] == "topics"}
    assert topics["'" + EVIL_TOPIC] == "1" and EVIL_TOPIC not in topics


def test_formula_cells_get_an_apostrophe():
    from continuum.metrics.export import safe_cell

    assert [safe_cell(v) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", -3, 0.5, None]] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "plain", "-3", "0.50", "",
    ]  # fmt: skip


def _more(orgs, users, n: int) -> None:
    """n more accepted requests, each with a site, a topic, a delivery and a survey answer."""
    from continuum.critac.models import Delivery
    from continuum.feedback.models import Invitation, Response, Survey
    from continuum.intake.models import Request

    for i in range(n):
        agency = orgs["agency_a"] if i % 2 else orgs["agency_b"]
        site = factories.engagement(agency, orgs["provider_b"])
        Site.objects.filter(pk=site.pk).update(created_at=at("2026-02-02"))
        request = factories.make_request(
            agency, ["De-escalation", f"Topic {i}"], status="accepted", site=site
        )
        Request.objects.filter(pk=request.pk).update(
            submitted_at=at("2026-02-01"), decided_at=at("2026-02-02")
        )
        Delivery.objects.create(site=site, title="T", delivery_type=factories.delivery_type("Policy review"),
                                format="virtual", starts_on="2026-02-20", ends_on="2026-02-20", attendees=1,
                                recorded_by=users["staff"])  # fmt: skip
        survey = Survey.objects.create(site=site, occasion="delivery", subject="S", sent_by=users["staff"])
        Survey.objects.filter(pk=survey.pk).update(sent_at=at("2026-03-01"))
        invitation = Invitation.objects.create(
            survey=survey, role="requester", email="r@x.gov", token_hash=f"h{i}"
        )
        Response.objects.create(invitation=invitation, satisfaction=4, usefulness=4)


def test_queries_stay_fixed_however_many_records(
    client, login, users, orgs, program, django_assert_max_num_queries
):
    login(users["staff"])
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        assert client.get(f"/workspace/metrics/{QUERY}").status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(f"/workspace/metrics/export.csv{QUERY}").status_code == 200
    _more(orgs, users, 40)
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        response = client.get(f"/workspace/metrics/{QUERY}")
    assert response.context["board"].received == 8 + 40
    assert len(large.captured_queries) == len(small.captured_queries), [
        q["sql"][:80] for q in small.captured_queries
    ]


@pytest.mark.browser
def test_the_dashboard_passes_axe_and_its_charts_are_images_under_the_csp(browser, users, program):
    from playwright.sync_api import expect

    from tests.browser import assert_accessible

    page = browser.open_page(f"/workspace/metrics/{QUERY}", user=users["staff"])
    expect(page.get_by_role("img", name="Requests received and decided by month")).to_be_visible()
    expect(page.get_by_role("img", name="Agencies served by state")).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()  # a style attribute or script blocked by the CSP would be a console error
