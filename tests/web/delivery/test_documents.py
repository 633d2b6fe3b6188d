"""Uploads: checked by content, size-limited, versioned with their checksum, shown by role; a bad file is
refused with an error naming it and saying why, and nothing is saved."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from continuum.audit.log import history
from continuum.audit.models import AuditEvent
from continuum.delivery import documents
from continuum.delivery.models import Document, DocumentVersion
from continuum.delivery.work import DeliveryError
from continuum.portal.uploads import SizeLimitHandler
from continuum.sites.models import Site

from .conftest import CSV, DOCX, JPEG, PDF, PNG, XLSX, office_file, upload


def _post(client, site, name, content, **fields):
    data = {"document-title": "Use-of-force policy", "document-kind": "policy",
            "document-visibility": "team_and_agency", "document-description": "", **fields}  # fmt: skip
    data["document-file"] = upload(name, content)
    return client.post(f"/workspace/sites/{site.pk}/documents/", data)


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("policy.pdf", PDF, "application/pdf"),
        ("notes.docx", DOCX, documents.DOCX.content_type),
        ("stops.xlsx", XLSX, documents.XLSX.content_type),
        ("stops.csv", CSV, "text/csv; charset=utf-8"),
        ("README.TXT", "plain text, UTF-8: naïve café\n".encode(), "text/plain; charset=utf-8"),
        ("scene.png", PNG, "image/png"),
        ("scene.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_kinds_of_file(client, users, login, site, name, content, content_type):
    login(users["provider_a"])
    response = _post(client, site, name, content)
    assert response.status_code == 302, response.context["form"].errors
    version = DocumentVersion.objects.get()
    assert version.content_type == content_type
    assert version.original_name == name
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    with version.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    "name,content,why",
    [
        ("policy.pdf", b"<html>not a pdf</html>", "is named as a PDF but its content is not one"),
        ("policy.pdf", PNG, "is named as a PDF but its content is not one"),
        ("notes.docx", b"PK\x03\x04 broken zip", "is named as a Word document (DOCX) but its content"),
        ("notes.docx", XLSX, "is named as a Word document (DOCX) but its content"),
        ("stops.xlsx", office_file("other.xml"), "is named as an Excel workbook (XLSX) but its content"),
        ("stops.csv", b"a,b\n1,\x00\n", "contains binary data (a NUL byte)"),
        ("stops.csv", "a,b\ncaf\u00e9\n".encode("latin-1"), "is not UTF-8 text"),
        ("scene.png", JPEG, "is named as a PNG image but its content is not one"),
        ("tool.exe", b"MZ\x90\x00", "is not an accepted kind of file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_is_saved(
    client, users, login, site, settings, name, content, why
):
    login(users["staff"])
    response = _post(client, site, name, content)
    assert response.status_code == 422
    error = response.context["form"].errors["file"][0]
    assert name in error and why in error
    page = response.content.decode()
    assert "The document was not uploaded" in page and "usa-error-message" in page
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not AuditEvent.objects.filter(object_label__contains="Use-of-force policy").exists()
    assert _media_files(settings) == []


def test_too_large_by_the_configured_limit(client, users, login, site, settings, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", len(PDF) - 1)
    login(users["staff"])
    response = _post(client, site, "big.pdf", PDF)
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "The file big.pdf is larger than the limit of 76 bytes."
    ]
    assert response.context["form"]["title"].value() == "Use-of-force policy"  # the rest of the form is kept
    assert not DocumentVersion.objects.exists() and _media_files(settings) == []
    with pytest.raises(ValidationError, match=r"big\.pdf is larger than the limit"):
        documents.check_upload(upload("big.pdf", PDF))  # the same rule for uploads made in code
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", len(PDF))
    assert _post(client, site, "big.pdf", PDF).status_code == 302


def test_readable_sizes():
    assert [documents.readable_size(n) for n in (76, 2048, 25 * 1024 * 1024)] == ["76 bytes", "2 KB", "25 MB"]


def test_an_oversized_file_is_not_received_in_full(rf, users, monkeypatch):
    """The size-limit handler stops taking a file's chunks past the limit: no later handler gets the rest."""
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 100 * 1024)
    big = PDF + b"0" * (1024 * 1024)
    request = rf.post("/", {"version-note": "x", "version-file": upload("big.pdf", big)})
    limit = SizeLimitHandler(request, limit=documents.MAX_DOCUMENT_BYTES)
    request.upload_handlers.insert(0, limit)
    received = []

    class Recorder(FileUploadHandler):
        def receive_data_chunk(self, raw_data, start):
            received.append(len(raw_data))
            return raw_data

        def file_complete(self, file_size):
            return None

    request.upload_handlers.insert(1, Recorder(request))
    assert "version-file" not in request.FILES and request.POST["version-note"] == "x"
    assert limit.refused == ["big.pdf"]
    assert sum(received) <= documents.MAX_DOCUMENT_BYTES


def test_upload_views_still_check_csrf(users, site):
    from django.test import Client

    from tests.conftest import sign_in

    client = sign_in(Client(enforce_csrf_checks=True), users["staff"])
    assert _post(client, site, "policy.pdf", PDF).status_code == 403
    assert not Document.objects.exists()


def test_checking_reads_in_chunks(monkeypatch):
    """A large upload (spooled to a temporary file by Django) is checked chunk by chunk, never read whole."""
    big = PDF + b"0" * (3 * documents.CHUNK_BYTES)
    file = TemporaryUploadedFile("big.pdf", "application/pdf", len(big), None)
    file.write(big)
    file.seek(0)
    sizes = []
    original = file.chunks

    def chunks(chunk_size=None):
        for chunk in original(chunk_size):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(file, "chunks", chunks)
    checked = documents.check_upload(file)
    assert checked.sha256 == hashlib.sha256(big).hexdigest()
    assert max(sizes) <= documents.CHUNK_BYTES and len(sizes) >= 4
    file.close()


def test_missing_file_is_a_field_error(client, users, login, site):
    login(users["staff"])
    response = client.post(f"/workspace/sites/{site.pk}/documents/", {"document-title": "x", "document-kind": "other",
                                                                        "document-visibility": "team"})  # fmt: skip
    assert response.status_code == 422 and "file" in response.context["form"].errors


def test_new_version_keeps_the_old_one_downloadable(client, users, login, site):
    login(users["provider_a"])
    _post(client, site, "policy.pdf", PDF)
    document = Document.objects.get()
    second = PDF.replace(b"1.4", b"1.7")
    response = client.post(
        f"/workspace/sites/{site.pk}/documents/{document.pk}/",
        {"version-file": upload("policy-v2.pdf", second), "version-note": "Revised section 4"},
    )
    assert response.status_code == 302
    assert [v.number for v in document.versions.all()] == [2, 1]
    assert document.current.number == 2 and document.current.note == "Revised section 4"
    assert document.current.sha256 == hashlib.sha256(second).hexdigest()
    first = client.get(f"/workspace/sites/{site.pk}/documents/{document.pk}/versions/1/")
    latest = client.get(f"/workspace/sites/{site.pk}/documents/{document.pk}/versions/2/")
    assert b"".join(first.streaming_content) == PDF
    assert b"".join(latest.streaming_content) == second
    page = client.get(f"/workspace/sites/{site.pk}/documents/{document.pk}/").content.decode()
    assert hashlib.sha256(PDF).hexdigest()[:16] in page and "Revised section 4" in page


def test_bad_new_version_is_refused(client, users, login, site):
    login(users["provider_a"])
    _post(client, site, "policy.pdf", PDF)
    document = Document.objects.get()
    response = client.post(
        f"/workspace/sites/{site.pk}/documents/{document.pk}/",
        {"version-file": upload("policy.pdf", b"nope")},
    )
    assert response.status_code == 422
    assert "policy.pdf" in response.context["form"].errors["file"][0]
    assert document.versions.count() == 1


def test_agency_upload_is_always_shared_with_the_agency(client, users, login, site):
    login(users["liaison_a"])
    response = _post(client, site, "data.csv", CSV, **{"document-visibility": "team"})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.visibility == Document.Visibility.TEAM_AND_AGENCY
    assert document.created_by == users["liaison_a"]
    login(users["executive_a"])
    assert client.get(f"/workspace/sites/{site.pk}/documents/{document.pk}/versions/1/").status_code == 200


def test_agency_cannot_upload_to_another_agencys_site(client, users, login, site_b):
    login(users["liaison_a"])
    assert _post(client, site_b, "data.csv", CSV).status_code == 404
    with pytest.raises(PermissionDenied):
        documents.add_document(site_b, users["liaison_a"], Document(title="x"), upload("x.csv", CSV))


def test_agency_cannot_add_a_version_to_a_team_document(users, site):
    version = documents.add_document(
        site, users["staff"], Document(title="Internal", visibility="team"), upload("a.pdf", PDF)
    )
    with pytest.raises(PermissionDenied):
        documents.add_version(version.document, users["executive_a"], upload("b.pdf", PDF))


def test_no_upload_to_a_closed_site(users, site):
    Site.objects.filter(pk=site.pk).update(status=Site.Status.CLOSED)
    site.refresh_from_db()
    with pytest.raises(DeliveryError):
        documents.add_document(site, users["staff"], Document(title="Late"), upload("a.pdf", PDF))


def test_check_upload_raises_a_validation_error_naming_the_file():
    with pytest.raises(ValidationError) as raised:
        documents.check_upload(upload("x.png", PDF))
    assert "x.png" in raised.value.messages[0]


def test_uploads_are_audited_on_the_document_and_the_site(users, site):
    version = documents.add_document(site, users["staff"], Document(title="Policy"), upload("p.pdf", PDF))
    documents.add_version(version.document, users["provider_a"], upload("p2.pdf", PDF), note="Typo fixed")
    assert history(version.document).filter(action="created", actor=users["staff"]).exists()
    assert history(version).filter(action="created").exists()
    site_events = history(site)
    assert site_events.filter(changes__has_key="document").count() == 2  # one line per upload
    assert history(version).get().changes["sha256"] == [None, version.sha256]
    assert site_events.filter(actor=users["provider_a"], reason="Typo fixed").exists()


@pytest.mark.parametrize("name,content", [("stops.xlsx", XLSX), ("stops.csv", CSV), ("policy.pdf", PDF)])
def test_uploads_spooled_to_disk_are_checked_and_stored(client, users, login, site, settings, name, content):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1  # Django writes every upload to a temporary file
    login(users["staff"])
    assert _post(client, site, name, content).status_code == 302
    version = DocumentVersion.objects.get()
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    with version.file.open("rb") as handle:
        assert handle.read() == content


def test_a_failure_after_the_file_is_written_leaves_no_file_behind(users, site, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(documents, "audited_on_site", fail)
    with pytest.raises(RuntimeError):
        documents.add_document(site, users["staff"], Document(title="Policy"), upload("p.pdf", PDF))
    assert not Document.objects.exists() and _media_files(settings) == []
