"""Who reaches the delivery pages and downloads: the team of the site (program staff, provider staff of the
assigned provider, SMEs on the team) everything; the site's agency what is shared with it; everyone else 404;
the public is sent to log in."""

import pytest

from continuum.delivery import documents
from continuum.delivery.models import Document

from .conftest import PDF, upload

PAGES = ["communications/", "activities/", "documents/", "milestones/"]

# who → (delivery pages of site A, agency-visible doc A, team-only doc A, any page of site B)
MATRIX = {
    "anonymous": (302, 302, 302, 302),
    "executive_a": (200, 200, 404, 404),
    "liaison_a": (200, 200, 404, 404),
    "executive_b": (404, 404, 404, 200),
    "provider_a": (200, 200, 200, 404),
    "provider_b": (404, 404, 404, 200),
    "sme_a": (404, 404, 404, 404),
    "staff": (200, 200, 200, 200),
    "admin": (200, 200, 200, 200),
}


@pytest.fixture
def docs(site, users):
    def add(visibility, name):
        document = Document(title=name, kind="policy", visibility=visibility)
        return documents.add_document(site, users["staff"], document, upload(f"{name}.pdf", PDF)).document

    return add("team_and_agency", "shared"), add("team", "internal")


def _doc_statuses(client, site, document):
    return {
        client.get(f"/workspace/sites/{site.pk}/documents/{document.pk}/").status_code,
        client.get(f"/workspace/sites/{site.pk}/documents/{document.pk}/versions/1/").status_code,
    }


@pytest.mark.parametrize("who", MATRIX)
def test_delivery_permission_matrix(client, users, login, site, site_b, docs, who):
    shared, internal = docs
    if who != "anonymous":
        login(users[who])
    pages_a = {client.get(f"/workspace/sites/{site.pk}/{page}").status_code for page in PAGES}
    pages_b = {client.get(f"/workspace/sites/{site_b.pk}/{page}").status_code for page in PAGES}
    shared_statuses = _doc_statuses(client, site, shared)
    internal_statuses = _doc_statuses(client, site, internal)
    assert len(pages_a) == len(pages_b) == len(shared_statuses) == len(internal_statuses) == 1
    got = (pages_a.pop(), shared_statuses.pop(), internal_statuses.pop(), pages_b.pop())
    assert got == MATRIX[who]


def test_anonymous_is_sent_to_log_in(client, site):
    response = client.get(f"/workspace/sites/{site.pk}/documents/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sme_sees_the_site_once_on_its_team(client, users, login, site, docs):
    _, internal = docs
    login(users["sme_a"])
    assert client.get(f"/workspace/sites/{site.pk}/communications/").status_code == 404
    site.members.create(user=users["sme_a"], role="sme")
    for page in PAGES:
        assert client.get(f"/workspace/sites/{site.pk}/{page}").status_code == 200
    assert _doc_statuses(client, site, internal) == {200}


def test_agency_list_shows_only_shared_documents(client, users, login, site, docs):
    shared, internal = docs
    login(users["liaison_a"])
    page = client.get(f"/workspace/sites/{site.pk}/documents/")
    assert list(page.context["documents"]) == [shared]
    assert "internal" not in page.content.decode()
    login(users["provider_a"])
    assert set(client.get(f"/workspace/sites/{site.pk}/documents/").context["documents"]) == {
        shared,
        internal,
    }


def test_download_serves_the_stored_file_as_an_attachment(client, users, login, site, docs):
    shared, _ = docs
    login(users["executive_a"])
    response = client.get(f"/workspace/sites/{site.pk}/documents/{shared.pk}/versions/1/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="shared.pdf"')
    assert client.get(f"/workspace/sites/{site.pk}/documents/{shared.pk}/versions/2/").status_code == 404


def test_uploads_live_outside_the_web_root(client, users, login, site, docs, settings):
    shared, _ = docs
    path = shared.current.file.name
    assert not path.endswith("shared.pdf")  # the uploader's name never reaches the file system
    login(users["staff"])
    assert client.get(f"/media/{path}").status_code == 404
    assert client.get(f"/{path}").status_code == 404


@pytest.mark.parametrize(
    "who,forbidden",
    [
        ("executive_a", ["communications/", "activities/", "milestones/1/done/"]),
        ("liaison_a", ["communications/", "activities/", "milestones/1/done/"]),
        ("sme_on_team", ["milestones/1/done/"]),
    ],
)
def test_agency_and_sme_cannot_log_what_is_not_theirs(client, users, login, site, who, forbidden):
    if who == "sme_on_team":
        site.members.create(user=users["sme_a"], role="sme")
        who = "sme_a"
    login(users[who])
    deliverable = site.plans.get().deliverables.first()
    for path in forbidden:
        path = path.replace("milestones/1/", f"milestones/{deliverable.pk}/")
        assert client.post(f"/workspace/sites/{site.pk}/{path}", {}).status_code == 403, path
    page = client.get(f"/workspace/sites/{site.pk}/communications/")
    assert (page.context["form"] is None) == (who != "sme_a")  # an SME on the team logs communications


def test_forms_shown_only_to_those_permitted(client, users, login, site):
    login(users["executive_a"])
    assert client.get(f"/workspace/sites/{site.pk}/activities/").context["form"] is None
    documents_page = client.get(f"/workspace/sites/{site.pk}/documents/")
    assert "visibility" not in documents_page.context["form"].fields  # the agency's uploads are shared
    assert not any(form for _, form in client.get(f"/workspace/sites/{site.pk}/milestones/").context["rows"])
    login(users["provider_a"])
    assert client.get(f"/workspace/sites/{site.pk}/activities/").context["form"] is not None
    assert all(form for _, form in client.get(f"/workspace/sites/{site.pk}/milestones/").context["rows"])
