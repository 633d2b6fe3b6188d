"""Hostile input through the real views: the public request form, dataset uploads and mappings, and the JSON
API's write endpoints. Whatever arrives (huge fields, invalid UTF-8, control characters, NULs, formulas,
path-traversal file names, deeply nested JSON), the answer is a redirect after a clean save or a 4xx that says
what is wrong; a refused post changes nothing already saved and writes no file outside the media root.

Hypothesis runs a fixed, bounded set of examples (derandomized). Each example runs inside a savepoint that is
rolled back, so examples do not see each other's rows (nor the anonymous rate limit)."""

import json
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from continuum.audit.models import AuditEvent
from continuum.datasets import uploads
from continuum.datasets.models import DataRequest, DatasetVersion
from continuum.intake.models import Request

from .datasets.conftest import make_site, ri_slice
from .intake.conftest import PDF, form_data

BOUNDED = hypothesis_settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"]), min_size=1, max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "=cmd|' /C calc'!A0",
            "+1-555-0100",
            "@SUM(A1:A9)",
            "\tleading tab",
            "\r\nBcc: victim@example.com",
            "../../../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\u202egnp.exe",
            "x" * 20_000,
            "9" * 40,
            "-1",
            "2999-12-31",
            "not-a-uuid",
        ]
    ),
)
FIELDS = [
    "submission_token", "agency_name", "agency_type", "agency_city", "agency_state", "agency_ori",
    "agency_sworn_officers", "agency_population_served", "requester_name", "requester_title", "requester_email",
    "requester_phone", "requester_is_chief_executive", "chief_executive_name", "program_wanted", "ta_kind",
    "topics", "what_happened", "event_date", "urgency", "pending_matters", "pending_details", "asked_for",
    "asks_for_costs", "existing_agency",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def _snapshot(tmp_path: Path) -> tuple:
    """What a refused post must leave unchanged: the saved rows, the audit log, and every file anywhere in the
    test's folder (the media root lives inside it, so a file written beside it would show up too)."""
    return Request.objects.count(), AuditEvent.objects.count(), _files_under(tmp_path)


def _assert_clear_refusal(response, before, tmp_path) -> None:
    assert response.status_code in (400, 413, 422), response.status_code
    assert _snapshot(tmp_path) == before
    html = response.content.decode("utf-8", "replace")
    if response.status_code == 422:
        errors = response.context["form"].errors
        assert errors, "a refused form says which field is wrong"
        assert "Your request was not sent yet" in html
    else:
        assert html.strip()


def _post_form(client, data: dict, *, urlencoded: bool):
    if urlencoded:
        body = urlencode(data, doseq=True)
        return client.post("/request/", body, content_type="application/x-www-form-urlencoded")
    return client.post("/request/", data)


# --- the public request form ----------------------------------------------------------------------------


FREE_TEXT = ["agency_name", "agency_city", "requester_name", "requester_title", "requester_phone", "what_happened",
             "asked_for", "chief_executive_name"]  # fmt: skip
CHANGES = st.dictionaries(st.sampled_from(FIELDS), HOSTILE_TEXT, min_size=1, max_size=4) | st.dictionaries(
    st.sampled_from(FREE_TEXT), HOSTILE_TEXT.filter(str.strip), min_size=1, max_size=3
)


@BOUNDED
@given(changes=CHANGES, urlencoded=st.booleans())
def test_hostile_request_forms_save_cleanly_or_change_nothing(client, db, tmp_path, changes, urlencoded):
    with transaction.atomic():
        data = form_data(submission_token=str(uuid.uuid4()))
        data.update(changes)
        before = _snapshot(tmp_path)
        response = _post_form(client, data, urlencoded=urlencoded)
        event(f"status {response.status_code}")
        if response.status_code == 302:
            request = Request.objects.get()
            assert response["Location"].startswith(f"/request/submitted/{request.tracking_number}/?proof=")
            assert Request.objects.count() == before[0] + 1
            for field in ("what_happened", "asked_for", "requester_name"):
                assert getattr(request, field) == data[field].strip()  # kept as typed: never evaluated
        else:
            _assert_clear_refusal(response, before, tmp_path)
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("what_happened", "x" * 20_001, "at most 20000 characters"),
        ("requester_name", "x" * 201, "at most 200 characters"),
        ("agency_sworn_officers", "9" * 40, "less than or equal to"),
        ("requester_phone", "a\x00b", "Null characters are not allowed"),
        ("event_date", "2020-02-30", "Enter a valid date"),
        ("requester_email", "a@b.c\r\nBcc: victim@example.com", "valid email address"),
        ("topics", "99999999999999999999999", "Choose topics from the list"),
        ("submission_token", "../../etc/passwd", "Enter a valid UUID"),
    ],
)
def test_each_hostile_field_gets_its_own_error(client, db, tmp_path, field, value, message):
    before = _snapshot(tmp_path)
    response = client.post("/request/", form_data(**{field: value}))
    _assert_clear_refusal(response, before, tmp_path)
    assert message in " ".join(response.context["form"].errors[field])


def _multipart(fields: dict[str, bytes], boundary: str = "hostileBoundary") -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize("raw", [b"\xff\xfe\xfa", b"caf\xe9", b"\xc3\x28", b"\xed\xa0\x80", b"a\x00b"])
def test_invalid_utf8_in_multipart_is_refused_or_kept_readable(client, db, tmp_path, raw):
    """Bytes that are not UTF-8 arrive as replacement characters (Django decodes leniently); a NUL is refused.
    Either way nothing unreadable reaches the database."""
    data = {k: (v if isinstance(v, str) else str(v)) for k, v in form_data().items() if k != "topics"}
    fields = {k: v.encode() for k, v in data.items()}
    fields["requester_title"] = b"Chief " + raw
    before = _snapshot(tmp_path)
    response = client.post(
        "/request/", _multipart(fields), content_type="multipart/form-data; boundary=hostileBoundary"
    )
    if response.status_code == 302:
        title = Request.objects.get().requester_title
        assert title.startswith("Chief ") and title.encode("utf-8")  # valid text, whatever came in
    else:
        _assert_clear_refusal(response, before, tmp_path)


def test_a_body_over_the_request_limit_is_a_400(client, db, tmp_path):
    before = _snapshot(tmp_path)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = _post_form(client, form_data(what_happened=huge), urlencoded=True)
    _assert_clear_refusal(response, before, tmp_path)
    assert response.status_code == 400


def test_too_many_fields_is_a_400(client, db, tmp_path):
    before = _snapshot(tmp_path)
    data = {**form_data(), **{f"junk{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}}
    _assert_clear_refusal(_post_form(client, data, urlencoded=True), before, tmp_path)


@pytest.mark.parametrize(
    "name",
    [
        "../../../../tmp/evil.pdf",
        "..\\..\\..\\windows\\evil.pdf",
        "/etc/passwd.pdf",
        "evil.pdf\x00.png",
        "....//....//evil.pdf",
        "\u202efdp.exe",
        "x" * 300 + ".pdf",
    ],
)
def test_letter_file_names_cannot_place_files(client, db, tmp_path, name):
    """The letter is kept under a name the server makes (the submission token; then the request's own path),
    whatever the browser calls it."""
    data = form_data(
        requester_is_chief_executive="no", chief_executive_name="Chief Ada Park", requester_phone=""
    )
    letter = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    response = client.post("/request/", {**data, "authorization_letter": letter})
    assert response.status_code == 422  # the missing phone number
    media = Path(settings.MEDIA_ROOT)
    assert _files_under(tmp_path) <= _files_under(media)
    assert {p.name for p in _files_under(media)} <= {f"{data['submission_token']}.pdf"}
    response = client.post("/request/", {**data, "requester_phone": "217-555-0101"})
    assert response.status_code == 302
    stored = Path(Request.objects.get().authorization_letter.path)
    assert stored.is_relative_to(media) and stored.read_bytes() == PDF
    assert _files_under(tmp_path) == {stored}


# --- dataset uploads and mappings -----------------------------------------------------------------------


def _upload_url(data_request) -> str:
    return f"/workspace/sites/{data_request.site_id}/data/requests/{data_request.pk}/"


@pytest.fixture
def site(orgs):
    return make_site(orgs, "agency_a", "provider_a")


@pytest.fixture
def stops_request(site, users):
    return uploads.create_request(
        site, users["provider_a"], DataRequest(title="Traffic stops", table_type="stops")
    )


@pytest.fixture
def first_version(login, users, stops_request):
    client = login(users["liaison_a"])
    response = client.post(
        _upload_url(stops_request), {"file": SimpleUploadedFile("stops.csv", ri_slice(50))}
    )
    assert response.status_code == 302
    return DatasetVersion.objects.get()


def _dataset_state(tmp_path):
    versions = list(
        DatasetVersion.objects.order_by("pk").values_list("pk", "sha256", "raw_file", "mapping_toml")
    )
    return versions, AuditEvent.objects.count(), _files_under(tmp_path)


HOSTILE_CSV = st.one_of(
    st.binary(min_size=1, max_size=300),
    st.lists(st.lists(HOSTILE_TEXT, max_size=5), min_size=1, max_size=5).map(
        lambda rows: "\n".join(",".join(cells) for cells in rows).encode("utf-8", "surrogatepass")
    ),
)
HOSTILE_NAMES = st.sampled_from(
    ["../../../evil.csv", "..\\..\\evil.csv", "/etc/cron.d/evil.csv", "evil.csv\x00.txt", "a/b/c.csv",
     "\u202evsc.exe", "x" * 300 + ".csv", "stops.csv", "stops.CSV", "..csv", ".csv", "evil.parquet",
     "evil.xlsx", "evil.exe"]
)  # fmt: skip


@pytest.mark.usefixtures("first_version")
@BOUNDED
@given(name=HOSTILE_NAMES, content=HOSTILE_CSV)
def test_hostile_dataset_uploads_get_a_generated_name_or_a_reason(
    client, tmp_path, stops_request, name, content
):
    media = Path(settings.MEDIA_ROOT)
    with transaction.atomic():
        before = _dataset_state(tmp_path)
        response = client.post(_upload_url(stops_request), {"file": SimpleUploadedFile(name, content)})
        event(f"status {response.status_code}")
        after = _dataset_state(tmp_path)
        assert after[0][: len(before[0])] == before[0]  # earlier versions untouched
        if response.status_code == 302:
            version = DatasetVersion.objects.latest("pk")
            stored = Path(version.raw_file.path)
            assert stored.resolve().is_relative_to(media.resolve())
            assert Path(name).name not in stored.name or Path(name).name == ""
            assert after[2] - before[2] == {stored}
            stored.unlink()  # the savepoint rolls the row back; the file goes with it
        else:
            assert response.status_code == 422
            assert after == before
            assert response.context["form"].errors
        transaction.set_rollback(True)


HOSTILE_MAPPINGS = [
    "columns = " + "[" * 3000 + "]" * 3000,
    "[columns]\ndate = { from = 5 }",
    '[columns]\nsubject_race = { from = "driver_race", values = { W = "purple" } }',
    "[source]\nencoding = 'klingon'\n[columns]\ndate = 'stop_date'",
    "\x00",
    "[columns]\n" + "x = 1\n" * 2000,
]


@hypothesis_settings(BOUNDED, max_examples=20)
@given(text=st.text(max_size=400) | st.sampled_from(HOSTILE_MAPPINGS))
def test_hostile_mappings_are_refused_with_the_reason_and_change_nothing(
    login, users, first_version, tmp_path, text
):
    client = login(users["liaison_a"])
    url = f"/workspace/sites/{first_version.site.pk}/data/versions/{first_version.pk}/"
    with transaction.atomic():
        before = _dataset_state(tmp_path)
        response = client.post(url, {"mapping": text})
        event(f"status {response.status_code}")
        if response.status_code == 302:
            first_version.refresh_from_db()
            assert first_version.mapping_toml == text.replace("\r\n", "\n")
        else:
            assert response.status_code in (400, 422)
            assert _dataset_state(tmp_path) == before
            if response.status_code == 422:
                assert response.context["mapping_form"].errors["mapping"]
        transaction.set_rollback(True)


# --- the JSON API ---------------------------------------------------------------------------------------


def _nested(depth: int, kind: str) -> str:
    return "[" * depth + "]" * depth if kind == "list" else '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [50, 5_000, 200_000])
@pytest.mark.parametrize("kind", ["list", "object"])
def test_deeply_nested_json_is_a_4xx(client, users, site, tmp_path, depth, kind):
    from continuum.api.models import ApiToken

    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(users['staff'], 'hostile')[1]}"}
    before = _snapshot(tmp_path)
    for body in (
        _nested(depth, kind),
        json.dumps({"requester_name": "x", "topics": "PLACEHOLDER"}).replace(
            '"PLACEHOLDER"', _nested(depth, kind)
        ),
    ):
        for url in ("/api/requests", f"/api/sites/{site.pk}/communications"):
            response = client.post(url, body, content_type="application/json", **headers)
            assert 400 <= response.status_code < 500, (url, response.status_code)
        assert response.json()
        assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe" + b"s\x00u\x00b",  # UTF-16 cut mid-character
        b"stop_date,driver_race\n" + b"w" * 2_100_000 + b",x\n",  # a row over the reader's line limit
        b"stop_date,driver_race\n2005-01-02\n",  # ragged
        b"stop_date;driver_race\r2005-01-02;White\r",  # old Mac line endings, another delimiter
        b"\xef\xbb\xbfstop_date,stop_date\n1,2\n",  # BOM, duplicate header
        # UTC offsets, NA and mixed date formats in one column (issue 18)
        b"stop_date,stop_time,driver_race\n2005-01-02T22:10:00-04:00,22:10-04:00,White\nNA,NA,NA\n"
        b"01/02/2005,10:00 PM,Black\n2005-13-45,25:99,\n",
    ],
    ids=["odd utf-16", "huge row", "ragged", "bare CR", "duplicate header", "offsets NA mixed dates"],
)
def test_hostile_files_fail_validation_with_the_engines_reason(
    login, users, first_version, stops_request, content
):
    """Through the real worker: a job that fails says why in the engine's words, naming the upload as the user
    called it; never an unexpected error, and the earlier version is untouched."""
    from continuum.datasets import jobs, mappings

    from .datasets.conftest import run_worker

    client = login(users["liaison_a"])
    before = _dataset_state(Path(settings.MEDIA_ROOT))[0]
    response = client.post(
        _upload_url(stops_request), {"file": SimpleUploadedFile("../../hostile.csv", content)}
    )
    if response.status_code == 422:  # refused at the door, with its reason
        assert response.context["form"].errors
        return
    version = DatasetVersion.objects.latest("pk")
    page = client.get(f"/workspace/sites/{version.site.pk}/data/versions/{version.pk}/")
    assert page.status_code == 200  # the draft mapping may fail; the page says so
    mappings.save_mapping(version, users["liaison_a"], mappings.draft(version, "ri_state_police"))
    job = jobs.start_validation(version, users["liaison_a"])
    run_worker()
    job.refresh_from_db()
    assert job.status in ("done", "failed")
    if job.status == "failed":
        assert "unexpected" not in job.error and "hostile.csv" in job.error, job.error
        assert str(settings.MEDIA_ROOT) not in job.error
    assert _dataset_state(Path(settings.MEDIA_ROOT))[0][: len(before)] == before


OVERSIZED = '[columns]\ndate = { from = "stop_date", format = "%Y-%m-%dT%H:%M:%S%z" }\n' + (
    'subject_race = { from = "driver_race", else = "other", values = { '
    + ", ".join(f'"code {i}" = "white"' for i in range(3000))
    + " } }\n"
)


@pytest.mark.parametrize(
    "mapping",
    [OVERSIZED, OVERSIZED.replace("[columns]", '[params]\ntz = "America/New_York"\n[columns]')],
    ids=["offsets without a time zone", "offsets with one"],
)
def test_offsets_and_an_oversized_value_map_validate_or_fail_in_plain_words(
    login, users, stops_request, mapping
):
    """A value map of thousands of codes with an else, and dates with UTC offsets: validated, or failed with
    the engine's one line (which cell, and what to declare), never an unexpected error."""
    from continuum.datasets import jobs, mappings

    from .datasets.conftest import run_worker

    content = b"stop_date,driver_race\n2005-01-02T22:10:00-04:00,code 7\nNA,Klingon\n"
    version = uploads.add_version(
        stops_request, users["liaison_a"], SimpleUploadedFile("offsets.csv", content)
    )
    mappings.save_mapping(version, users["liaison_a"], mapping)
    job = jobs.start_validation(version, users["liaison_a"])
    run_worker()
    job.refresh_from_db()
    version.refresh_from_db()
    if "tz" in mapping:
        assert job.status == "done", job.error
        assert version.validation["n_problem_cells"] == 0 and version.n_rows == 2
    else:
        assert job.status == "failed"
        assert job.error.startswith("offsets.csv, row 1, column 'stop_date': ") and "tz" in job.error, (
            job.error
        )
        assert "unexpected" not in job.error and "--param" not in job.error
