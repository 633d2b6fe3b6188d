"""The public list: only published reports, searchable, filtered by agency, state, topic, program and year."""

import pytest


def _titles(client, **params):
    response = client.get("/reports/", params)
    assert response.status_code == 200
    return [r.title for r in response.context["reports"]]


def test_only_published_reports_are_listed(client, catalogue):
    assert _titles(client) == ["Columbus use of force review", "Fargo patrol staffing study"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "staffing"}, ["Fargo patrol staffing study"]),
        ({"q": "de-escalation"}, ["Columbus use of force review", "Fargo patrol staffing study"]),
        ({"q": "unpublished"}, []),
        ({"agency": "columbus"}, ["Columbus use of force review"]),
        ({"state": "ND"}, ["Fargo patrol staffing study"]),
        ({"topic": "use-of-force"}, ["Columbus use of force review"]),
        ({"topic": "staffing"}, ["Fargo patrol staffing study"]),
        ({"program": "cri_tac"}, ["Fargo patrol staffing study"]),
        ({"program": "critical_response", "state": "OH"}, ["Columbus use of force review"]),
        ({"year": "2024"}, ["Fargo patrol staffing study"]),
    ],
)
def test_filters(client, catalogue, params, expected):
    assert _titles(client, **params) == expected


def test_htmx_answers_with_the_results_only(client, catalogue):
    response = client.get("/reports/", {"state": "OH"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="report-results"' in body and "<html" not in body
    assert "Columbus use of force review" in body


def test_nav_has_reports(client, db):
    assert 'href="/reports/"' in client.get("/").content.decode()
