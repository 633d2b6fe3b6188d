"""Who sees and does what with a site's data: the team (program staff, the assigned provider's staff, SMEs on
the team) and the site's agency see it; agency B, another provider, an SME off the team and the public don't.
The agency uploads and maps but doesn't run analyses or see the standard table; only program staff and the
provider mark results for the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from continuum.datasets.models import DataRequest, Job, Result
from tests.conftest import make_user

from .conftest import VEIL, ri_slice

WHO = ["anonymous", "executive_a", "liaison_a", "executive_b", "provider_a", "provider_b", "sme_a", "sme_off",
       "staff"]  # fmt: skip
SEES = {"executive_a", "liaison_a", "provider_a", "sme_a", "staff"}
TEAM = {"provider_a", "sme_a", "staff"}
VOD = "Veil of darkness: stops in daylight and in darkness"


@pytest.fixture
def person(request, users, orgs, login, client):
    who = request.param
    if who == "anonymous":
        return who, client
    user = make_user("sme_off@example.gov", "sme", orgs["provider_a"]) if who == "sme_off" else users[who]
    return who, login(user)


def _expected(who: str, allowed: set[str], denied: int = 404) -> int:
    if who == "anonymous":
        return 302
    if who in allowed:
        return 200
    return denied if who not in SEES else 403


@pytest.mark.parametrize("person", WHO, indirect=True)
def test_pages_downloads_and_actions_by_role(person, site, result):
    who, client = person
    version = result.version
    base = f"/workspace/sites/{site.pk}/data/"
    pages = [base, f"{base}requests/{version.data_request_id}/", version.get_absolute_url(),
             result.job.get_absolute_url(), result.get_absolute_url()]  # fmt: skip
    for path in pages:
        assert client.get(path).status_code == _expected(who, SEES), path
    assert client.get(f"{base}versions/{version.pk}/download/raw/").status_code == _expected(who, SEES)
    assert client.get(f"{base}versions/{version.pk}/download/standard/").status_code == _expected(who, TEAM)
    site_page = client.get(f"/workspace/sites/{site.pk}/")
    shown = site_page.status_code == 200 and f"{VOD} on Traffic stops" in site_page.content.decode()
    assert shown == (who in SEES)
    # Actions
    posted = client.post(base, {"request-title": "Arrests", "request-table_type": "arrests"})
    assert posted.status_code == {200: 302}.get(_expected(who, TEAM), _expected(who, TEAM))
    assert DataRequest.objects.filter(title="Arrests").exists() == (who in TEAM)
    run = client.post(
        f"{base}versions/{version.pk}/run/", {"run-analysis": "veil-of-darkness", "run-p_tz": VEIL["tz"]}
    )
    assert run.status_code == {200: 302}.get(_expected(who, TEAM), _expected(who, TEAM))
    assert Job.objects.filter(kind="analyze").count() == (2 if who in TEAM else 1)
    upload = client.post(f"{base}requests/{version.data_request_id}/",
                         {"file": SimpleUploadedFile("more.csv", ri_slice(20))})  # fmt: skip
    assert upload.status_code == {200: 302}.get(_expected(who, SEES), _expected(who, SEES))
    mark = client.post(f"{base}results/{result.pk}/report/")
    assert mark.status_code == {200: 302}.get(_expected(who, {"provider_a", "staff"}),
                                              _expected(who, {"provider_a", "staff"}))  # fmt: skip
    assert Result.objects.get(pk=result.pk).for_report == (who in {"provider_a", "staff"})


def test_public_pages_never_show_data(client, site, result):
    page = client.get(site.get_public_url())
    assert page.status_code == 200
    assert "veil-of-darkness" not in page.content.decode() and "Traffic stops" not in page.content.decode()
    assert VOD not in page.content.decode()
