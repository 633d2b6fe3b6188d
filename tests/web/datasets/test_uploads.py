"""Uploads: streamed and checksummed, checked by content and size, versioned, stored outside the web root and
downloaded only through permission checks; bad files are refused with a message naming them, leaving earlier
versions intact."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from continuum.datasets import uploads
from continuum.datasets.models import DatasetVersion

from .conftest import ri_slice


def _url(data_request):
    return f"/workspace/sites/{data_request.site_id}/data/requests/{data_request.pk}/"


def _post(client, data_request, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(_url(data_request), {"file": SimpleUploadedFile(name, content), "note": ""})


def test_agency_uploads_against_a_request_and_versions_are_kept(login, users, stops_request):
    client = login(users["liaison_a"])
    content = ri_slice(200)
    response = _post(client, stops_request, "stops.csv", content)
    assert response.status_code == 302
    first = DatasetVersion.objects.get()
    assert first.sha256 == hashlib.sha256(content).hexdigest()
    assert first.size == len(content) and first.number == 1
    path = Path(first.raw_file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and "stops.csv" not in path.name
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    stops_request.refresh_from_db()
    assert stops_request.status == "received"
    assert _post(client, stops_request, "stops-fixed.csv", ri_slice(300)).status_code == 302
    assert list(stops_request.versions.values_list("number", flat=True)) == [2, 1]
    assert Path(first.raw_file.path).exists()
    download = client.get(f"/workspace/sites/{stops_request.site_id}/data/versions/{first.pk}/download/raw/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "is empty"),
        ("stops.pdf", b"%PDF-1.4 not data", "not an accepted kind of data file"),
        ("garbage.csv", b"\x00\xff\x13" * 500, "contains binary data"),
        ("fake.parquet", b"date,time\n2020-01-01,10:00\n", "not a Parquet file"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "not one"),
    ],
)
def test_bad_files_are_refused_with_a_reason(login, users, stops_request, name, content, message):
    client = login(users["liaison_a"])
    assert _post(client, stops_request, "good.csv", ri_slice(50)).status_code == 302
    response = _post(client, stops_request, name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert stops_request.versions.count() == 1  # the earlier version is intact


def test_an_oversized_upload_is_cut_off_while_it_arrives(login, users, stops_request, monkeypatch):
    """The 2 GB-of-garbage case, with the limit made small: the handler stops receiving past the limit."""
    monkeypatch.setattr(uploads, "MAX_DATASET_BYTES", 64 * 1024)
    client = login(users["liaison_a"])
    assert _post(client, stops_request, "good.csv", ri_slice(50)).status_code == 302
    response = _post(client, stops_request, "huge.csv", b"\x8f\x01garbage" * 100_000)
    assert response.status_code == 422
    page = response.content.decode()
    assert "huge.csv" in page and "larger than the limit of 64 KB" in page
    assert stops_request.versions.count() == 1
    media = Path(settings.MEDIA_ROOT)
    assert sum(1 for p in media.rglob("*") if p.is_file()) == 1


def test_closed_site_takes_no_upload(users, stops_request):
    from django.core.files.uploadedfile import SimpleUploadedFile

    stops_request.site.status = "closed"
    stops_request.site.save()
    with pytest.raises(uploads.DataError, match="closed"):
        uploads.add_version(stops_request, users["liaison_a"], SimpleUploadedFile("a.csv", ri_slice(5)))
