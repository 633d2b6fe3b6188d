"""The report pages by role and state: the editor, the site's list of reports, the public list and page, the
downloads. Drafts are the team's; the agency sees a report from its factual-accuracy review on; the public sees
only published versions."""

import pytest

from continuum.reports import transitions

from .conftest import publish

WORKSPACE_ROLES = [
    "staff",
    "admin",
    "provider_a",
    "sme_a",
    "executive_a",
    "liaison_a",
    "provider_b",
    "executive_b",
]


def _paths(report):
    base = f"/workspace/sites/{report.site_id}/reports/{report.pk}/"
    return [base, base + "report.pdf", base + "report.docx"]


def _status(client, login, user, path):
    if user is not None:
        login(user)
    else:
        client.logout()
    return client.get(path).status_code


@pytest.mark.parametrize("who", WORKSPACE_ROLES)
def test_draft_is_the_teams_only(client, login, users, report, who):
    base = f"/workspace/sites/{report.site_id}/reports/{report.pk}/"
    expected = {
        "staff": 200,
        "admin": 200,
        "provider_a": 200,
        "sme_a": 200,
        "executive_a": 404,
        "liaison_a": 404,
        "provider_b": 404,
        "executive_b": 404,
    }[who]
    for path in _paths(report):
        assert _status(client, login, users[who], path) == expected, (who, path)
    assert _status(client, login, None, base) == 302
    assert _status(client, login, None, f"/reports/{report.pk}/") == 404
    assert _status(client, login, None, f"/reports/{report.pk}/report.pdf") == 404


@pytest.mark.parametrize("who", ["executive_a", "liaison_a"])
def test_agency_reads_from_its_review_on(client, login, users, report, who):
    report = transitions.submit(report, users["provider_a"])
    assert _status(client, login, users[who], _paths(report)[0]) == 404
    report = transitions.send_to_agency(report, users["staff"])
    for path in _paths(report):
        assert _status(client, login, users[who], path) == 200, path
    page = client.get(_paths(report)[0]).content.decode()
    assert "Add the comment" in page
    assert "Save the sections" not in page
    assert _status(client, login, users["executive_b"], _paths(report)[0]) == 404


def test_published_report_is_public(client, login, users, report):
    report.site.is_public = True
    report.site.save()
    report = publish(report, users)
    for path in [
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/report.pdf",
        f"/reports/{report.pk}/report.docx",
    ]:
        assert _status(client, login, None, path) == 200, path
    response = client.get(f"/reports/{report.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    docx = client.get(f"/reports/{report.pk}/report.docx")
    assert docx["Content-Disposition"].startswith("attachment")
    assert _status(client, login, users["executive_b"], f"/reports/{report.pk}/") == 200


def test_site_pages_link_the_reports(client, login, users, report):
    site = report.site
    site.is_public = True
    site.save()
    login(users["provider_a"])
    page = client.get(f"/workspace/sites/{site.pk}/").content.decode()
    assert report.get_absolute_url() in page
    assert client.get(f"/workspace/sites/{site.pk}/reports/").status_code == 200
    client.logout()
    assert "will be published here" in client.get(f"/sites/{site.pk}/").content.decode()
    report = publish(report, users)
    public = client.get(f"/sites/{site.pk}/").content.decode()
    assert f'href="/reports/{report.pk}/"' in public
    login(users["executive_a"])
    page = client.get(f"/workspace/sites/{site.pk}/").content.decode()
    assert report.get_absolute_url() in page


def test_site_reports_list_and_start(client, login, users, site):
    login(users["executive_a"])
    assert client.get(f"/workspace/sites/{site.pk}/reports/").status_code == 200
    response = client.post(f"/workspace/sites/{site.pk}/reports/", {"new-kind": "findings", "new-title": "X"})
    assert response.status_code == 403
    login(users["provider_a"])
    response = client.post(
        f"/workspace/sites/{site.pk}/reports/", {"new-kind": "after_action", "new-title": "AAR"}
    )
    assert response.status_code == 302
    report = site.reports.get()
    assert report.kind == "after_action" and report.status == "draft"
    assert "learning tool, not a disciplinary one" in client.get(response.url).content.decode()
    login(users["provider_b"])
    assert client.get(f"/workspace/sites/{site.pk}/reports/").status_code == 404


def test_a_report_of_a_site_not_listed_publicly_stays_off_every_public_route(client, login, users, report):
    """Issue 20 item 7: the policy is the site's. A published report of a site kept off the public list is read
    by its team and agency only; listing the site publishes it everywhere at once."""
    report = publish(report, users)
    site = report.site
    site.is_public = False
    site.save()
    public_routes = [
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/report.pdf",
        f"/api/public/reports/{report.pk}",
    ]
    for path in public_routes:
        assert _status(client, login, None, path) == 404, path
        assert _status(client, login, users["executive_b"], path) == 404, path
    assert client.get("/api/public/reports").json()["count"] == 0
    assert report.title not in client.get("/reports/").content.decode()
    team = login(users["provider_a"])
    editor = team.get(report.get_absolute_url()).content.decode()
    assert (
        "not listed publicly, so its report is not public either" in editor
        and f'href="{report.get_public_url()}"' not in editor
    )
    private = team.get(f"/workspace/sites/{site.pk}/reports/{report.pk}/report.pdf")
    assert private.status_code == 200 and private["Cache-Control"] == "private, no-store"
    assert _status(client, login, users["executive_a"], report.get_absolute_url()) == 200

    site.is_public = True
    site.save()
    for path in public_routes:
        assert _status(client, login, None, path) == 200, path
