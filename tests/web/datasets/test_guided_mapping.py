"""The guided mapping (issue 18, item 1): each standard column with the file's columns and sample values, value
tables for coded columns with suggestions and a default, formats shown on real rows, live counts; the choices
saved as the TOML the command line reads, through the same permission, check and audit as the text editor."""

import datetime
from html.parser import HTMLParser

import pytest

from continuum.analysis.mapping import Mapping, parse_toml
from continuum.audit.models import AuditEvent
from continuum.datasets import guided, uploads
from continuum.datasets.models import DataRequest, Job
from continuum.sites.models import Site

from .conftest import run_worker, upload

# Codes as an agency's records system writes them: W/B/H, a date with a UTC offset, a flag as Y/N, NA for blank.
CSV = (
    "Incident Date,RACE_CD,Sex,Searched,Found,Zone,Officer\n"
    "2024-05-31T22:10:00-04:00,W,M,Y,N,North,1001\n"
    "2024-06-01T09:00:00-04:00,B,F,N,NA,South,1002\n"
    "2024-06-02T23:30:00-04:00,H,M,Y,Y,North,1001\n"
    "2024-06-03T12:00:00-04:00,Q,M,N,NA,South,1003\n"
)


@pytest.fixture
def version(site, users):
    data_request = uploads.create_request(site, users["provider_a"], DataRequest(
        title="Stops 2024", table_type="stops", due_on=datetime.date(2026, 2, 1)))  # fmt: skip
    return uploads.add_version(data_request, users["liaison_a"], upload("stops.csv", CSV.encode()))


def url(version) -> str:
    return f"/workspace/sites/{version.site.pk}/data/versions/{version.pk}/mapping/"


def choices(**extra) -> dict:
    """What the liaison picks on the form: the date from the timestamp, race codes, the search flags."""
    posted = {
        "src:date": "Incident Date", "shown:date": "Incident Date", "fmt:date": "%Y-%m-%dT%H:%M:%S%z",
        "src:time": "Incident Date", "shown:time": "Incident Date", "fmt:time": "%Y-%m-%dT%H:%M:%S%z",
        "src:subject_race": "RACE_CD", "shown:subject_race": "RACE_CD",
        "code:subject_race:0": "W", "val:subject_race:0": "white",
        "code:subject_race:1": "B", "val:subject_race:1": "black",
        "code:subject_race:2": "H", "val:subject_race:2": "hispanic",
        "else:subject_race": "other",
        "src:search_conducted": "Searched", "shown:search_conducted": "Searched",
        "code:search_conducted:0": "Y", "val:search_conducted:0": "true",
        "code:search_conducted:1": "N", "val:search_conducted:1": "false",
        "src:district": "Zone", "shown:district": "Zone", "tz": "America/New_York",
    }  # fmt: skip
    return {**posted, **extra}


def test_the_form_offers_each_standard_column_with_the_files_columns_and_suggestions(login, users, version):
    page = login(users["liaison_a"]).get(url(version))
    assert page.status_code == 200
    form = page.context["guided"]
    names = [c.name for c in form.columns]
    assert names[:3] == ["date", "time", "location"] and "subject_race" in names
    race = next(c for c in form.columns if c.name == "subject_race")
    assert race.label == "Subject race" and race.needed_by  # the analyses that need it, by name
    assert race.source == "RACE_CD"  # drafted by the engine from the header
    suggested = {v.code: v.chosen for v in race.values}
    assert suggested == {"W": "white", "B": "black", "H": "hispanic", "Q": ""}  # Q: nobody can guess
    date = next(c for c in form.columns if c.name == "date")
    assert (
        date.fmt == "%Y-%m-%dT%H:%M:%S%z"
        and "2020-06-01T21:05:30-0400 (with the UTC offset)" in dict(date.formats).values()
    )
    assert ("Zone", "North, South") in form.file_columns
    text = page.content.decode()
    assert "Your file's column for “subject race”" in text and "subject_race</" not in text


def test_choices_become_the_mapping_the_command_line_reads(login, users, version):
    client = login(users["liaison_a"])
    response = client.post(url(version), choices(save="1"))
    assert response.status_code == 302
    version.refresh_from_db()
    doc = parse_toml(version.mapping_toml)
    mapping = Mapping.from_dict(doc)  # the engine accepts it as it is
    assert mapping.timezone == "America/New_York"
    race = doc["columns"]["subject_race"]
    assert race == {
        "from": "RACE_CD",
        "values": {"W": "white", "B": "black", "H": "hispanic"},
        "else": "other",
    }
    assert doc["columns"]["search_conducted"]["values"] == {"Y": True, "N": False}
    assert doc["columns"]["district"] == {"from": "Zone"}
    event = AuditEvent.objects.filter(object_id=str(version.pk), reason="Mapping saved").get()
    assert event.actor == users["liaison_a"]


def test_the_check_counts_what_would_not_convert_and_previews_real_rows(login, users, version):
    client = login(users["liaison_a"])
    page = client.post(url(version), choices(**{"else:subject_race": ""}), HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    check = page.context["check"]
    assert check.n_read == 4 and check.whole_file
    assert check.problems == {"subject_race": 1}  # Q is not mapped and has no default
    assert check.issues[0][:2] == ("subject_race", "Q")
    first = check.rows[0]
    # 22:10 at -04:00 is May 31 in New York, not June 1 (UTC): the day is taken after the conversion
    assert (first["date"].source, first["date"].standard) == ("2024-05-31T22:10:00-04:00", "2024-05-31")
    assert first["time"].standard == "22:10"
    assert first["search_conducted"].standard == "yes"
    text = page.content.decode()
    assert text.lstrip().startswith('<section id="guided-check"')  # htmx gets the check, not the page
    assert "1 cell could not be converted" in text and "Subject race" in text
    assert "No standard value is chosen for this code" in text and "vocabulary {" not in text
    # and each mapped column's preview rows, swapped in place; no column re-drawn when no source changed
    assert '<div id="preview-date" hx-swap-oob="true">' in text and "<details" not in text
    fixed = client.post(url(version), choices(), HTTP_HX_REQUEST="true")
    assert fixed.context["check"].n_problem_cells == 0 and "every cell converted" in fixed.content.decode()


def test_a_new_source_column_brings_its_own_codes_and_format(login, users, version):
    """Choosing another column re-reads its codes (suggested) and guesses its format; stale picks are dropped."""
    client = login(users["liaison_a"])
    posted = choices(**{"src:subject_race": "Sex", "src:date": "Incident Date", "shown:date": "Zone"})
    page = client.post(url(version), posted, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert (
        '<details class="continuum-guided-column" id="column-subject_race" open hx-swap-oob="true">' in text
    )
    assert 'id="column-district"' not in text  # unchanged columns keep what the user has open
    race = next(c for c in page.context["guided"].columns if c.name == "subject_race")
    assert [v.code for v in race.values] == ["M", "F"] and race.otherwise == ""
    date = next(c for c in page.context["guided"].columns if c.name == "date")
    assert date.fmt == "%Y-%m-%dT%H:%M:%S%z"


def test_save_and_validate_queues_the_whole_file(login, users, version):
    response = login(users["liaison_a"]).post(url(version), choices(validate="1"))
    job = Job.objects.get(version=version)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    run_worker()
    version.refresh_from_db()
    assert version.status == "valid" and version.validation["n_problem_cells"] == 0


def test_a_mapping_the_file_cannot_be_read_with_is_kept_but_not_validated(login, users, version):
    client = login(users["liaison_a"])
    page = client.post(url(version), choices(validate="1", tz=""))  # offsets with no time zone
    assert page.status_code == 422
    assert "saved, but the file cannot be validated" in page.context["error"]
    assert "time zone" in page.context["error"] and "Traceback" not in page.content.decode()
    assert not Job.objects.filter(version=version).exists()
    version.refresh_from_db()
    assert "RACE_CD" in version.mapping_toml  # the work done is not lost


def test_a_refused_choice_says_why_and_saves_nothing(login, users, version):
    client = login(users["liaison_a"])
    page = client.post(url(version), choices(save="1", **{"src:district": "No such column"}))
    assert (
        page.status_code == 422 and "“No such column” is not a column of stops.csv" in page.context["error"]
    )
    version.refresh_from_db()
    assert version.mapping_toml == ""


def test_rules_the_form_cannot_show_are_kept(login, users, version):
    text = (
        'table = "stops"\n[columns]\n'
        'search_basis = { from = "Found", split = ";", replace = { "N A" = "NA" }, values = { Y = "other" } }\n'
        'subject_race = { from = "RACE_CD", values = { W = "white" } }\n'
    )
    from continuum.datasets import mappings

    mappings.save_mapping(version, users["staff"], text)
    client = login(users["liaison_a"])
    page = client.get(url(version))
    basis = next(c for c in page.context["guided"].columns if c.name == "search_basis")
    assert basis.kept == ["splits a cell into a list of codes", "rewrites text before reading it"]
    client.post(url(version), {**choices(save="1"), "src:search_basis": "Found", "shown:search_basis": "Found",
                               "code:search_basis:0": "Y", "val:search_basis:0": "other"})  # fmt: skip
    version.refresh_from_db()
    rule = parse_toml(version.mapping_toml)["columns"]["search_basis"]
    assert rule["split"] == ";" and rule["replace"] == {"N A": "NA"} and rule["values"] == {"Y": "other"}


@pytest.mark.parametrize("who, status", [
    ("liaison_a", 200), ("executive_a", 200), ("provider_a", 200), ("sme_a", 200), ("staff", 200),
    ("liaison_b", 404), ("provider_b", 404),
])  # fmt: skip
def test_who_may_map(login, users, version, who, status):
    assert login(users[who]).get(url(version)).status_code == status


def test_a_closed_site_maps_nothing(login, users, version):
    Site.objects.filter(pk=version.site.pk).update(status=Site.Status.CLOSED)
    client = login(users["liaison_a"])
    assert "can no longer change" in client.get(url(version)).content.decode()
    assert client.post(url(version), choices(save="1")).status_code == 422
    version.refresh_from_db()
    assert version.mapping_toml == ""


def test_an_upload_goes_straight_to_the_guided_form(login, users, version):
    client = login(users["liaison_a"])
    response = client.post(
        f"/workspace/sites/{version.site.pk}/data/requests/{version.data_request.pk}/",
        {"file": upload("again.csv", CSV.encode())},
    )
    newest = version.data_request.versions.order_by("-number").first()
    assert response.status_code == 302 and response["Location"] == url(newest)
    assert guided.supported(newest)


def test_a_table_without_a_schema_keeps_hashes_or_leaves_out_each_column(login, users, site):
    """Other data (no standard columns): one choice per column, drafted so officer names are hashed and the
    public's personal details left out; saved as the keep/hash mapping the engine reads."""
    data_request = uploads.create_request(site, users["provider_a"], DataRequest(
        title="Complaints", table_type="other", due_on=datetime.date(2026, 2, 1)))  # fmt: skip
    content = b"complaint_no,officer_name,complainant_name,allegation\n1,Smith,Jane Roe,Rudeness\n"
    version = uploads.add_version(data_request, users["liaison_a"], upload("complaints.csv", content))
    client = login(users["liaison_a"])
    page = client.get(url(version))
    assert {r.name: r.choice for r in page.context["rows"]} == {
        "complaint_no": "keep", "officer_name": "hash", "complainant_name": "drop", "allegation": "keep",
    }  # fmt: skip
    response = client.post(url(version), {"kept:complaint_no": "keep", "kept:officer_name": "hash",
                                          "kept:complainant_name": "drop", "kept:allegation": "drop",
                                          "validate": "1"})  # fmt: skip
    assert response.status_code == 302
    version.refresh_from_db()
    assert parse_toml(version.mapping_toml) == {"keep": ["complaint_no"], "hash": ["officer_name"]}
    run_worker()
    version.refresh_from_db()
    assert version.status == "valid" and version.n_rows == 1


def _section(text: str, heading_id: str) -> str:
    start = text.index(f'aria-labelledby="{heading_id}"')
    return text[start : text.index("</section>", start)]


def test_the_version_page_says_how_the_file_is_read_in_words(login, users, version):
    """After saving, the version page sums the mapping up (the TOML stays behind the advanced disclosure), and its
    validation report names standard columns as people say them."""
    client = login(users["liaison_a"])
    assert "How the file is read" not in client.get(version.get_absolute_url()).content.decode()
    client.post(url(version), choices(validate="1"))
    run_worker()
    text = client.get(version.get_absolute_url()).content.decode()
    summary = _section(text, "mapping-summary-heading")
    assert 'Subject race</th><td data-label="Your file\'s column">RACE_CD</td>' in summary
    assert "3 codes given a standard value; every other code read as “other”" in summary
    assert "written like 2020-06-01T21:05:30-0400 (with the UTC offset)" in summary
    assert "Times are read in the time zone America/New_York." in summary
    assert "Officer identifier (needed by" in summary  # the file's Officer column was not chosen
    report = _section(text, "validation-heading")
    assert "Subject race" in report and "Search conducted" in report
    for code in ("subject_race", "search_conducted", "officer_id_hash", "%Y", "from =", "{"):
        assert code not in summary and code not in report


def test_a_table_without_a_schema_is_summed_up_as_kept_and_hashed(login, users, site):
    data_request = uploads.create_request(site, users["provider_a"], DataRequest(
        title="Complaints", table_type="other", due_on=datetime.date(2026, 2, 1)))  # fmt: skip
    content = b"complaint_no,officer_name,complainant_name\n1,Smith,Jane Roe\n"
    version = uploads.add_version(data_request, users["liaison_a"], upload("complaints.csv", content))
    client = login(users["liaison_a"])
    client.post(url(version), {"kept:complaint_no": "keep", "kept:officer_name": "hash", "save": "1"})
    summary = _section(client.get(version.get_absolute_url()).content.decode(), "mapping-summary-heading")
    assert "Columns kept: complaint_no." in summary
    assert "Officer identifiers, kept only as a keyed hash: officer_name." in summary


def test_the_validation_report_names_a_problem_column_as_people_say_it(login, users, version):
    client = login(users["liaison_a"])
    client.post(url(version), choices(validate="1", **{"else:subject_race": ""}))  # Q is left unmapped
    run_worker()
    report = _section(client.get(version.get_absolute_url()).content.decode(), "validation-heading")
    assert '<td data-label="Column">Subject race</td>' in report and "subject_race" not in report


def test_the_text_editor_and_the_guided_form_read_and_write_the_same_mapping(login, users, version):
    """An analyst's edit in the advanced text editor shows on the guided form, and the guided form's text, saved
    back unchanged through the editor, is the same mapping: one saved form, two ways to edit it."""
    client = login(users["liaison_a"])
    client.post(url(version), choices(save="1"))
    version.refresh_from_db()
    saved = version.mapping_toml
    page = client.get(version.get_absolute_url())
    assert page.context["mapping_form"].initial["mapping"] == saved
    edited = saved.replace('else = "other"', 'else = ""').replace('B = "black"', 'B = "other"')
    assert edited != saved
    response = client.post(version.get_absolute_url(), {"mapping": edited, "save": "1"})
    assert response.status_code == 302
    form = client.get(url(version)).context["guided"]
    race = next(c for c in form.columns if c.name == "subject_race")
    assert race.otherwise == guided.NOT_RECORDED and {v.code: v.chosen for v in race.values}["B"] == "other"
    assert form.tz == "America/New_York"
    client.post(url(version), choices(save="1"))  # the guided form writes its text again
    version.refresh_from_db()
    assert version.mapping_toml == saved and parse_toml(version.mapping_toml) == parse_toml(saved)
    client.post(version.get_absolute_url(), {"mapping": saved, "save": "1"})
    version.refresh_from_db()
    assert version.mapping_toml == saved
    saves = AuditEvent.objects.filter(object_id=str(version.pk), reason="Mapping saved")
    assert saves.count() == 3  # the last save changed nothing, so it records nothing


class _FormFields(HTMLParser):
    """What a browser without scripts would post for the guided form as drawn: each input, each select's
    selected option (else its first)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select, self._first = a.get("name"), None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value") or ""
                self.fields.setdefault(self._select, self._first)
            if "selected" in a:
                self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def test_a_use_of_force_export_is_mapped_with_a_plain_submit_of_the_form_as_drawn(login, users, site):
    """New Jersey's use-of-force reports (a table that is not stops): the form drafts its columns with the
    file's own codes, and posting it as drawn, with no script, saves a mapping that validates the file."""
    from .conftest import NJ

    data_request = uploads.create_request(site, users["provider_a"], DataRequest(
        title="Force 2020", table_type="use_of_force", due_on=datetime.date(2026, 2, 1)))  # fmt: skip
    head = b"".join(NJ.open("rb").readlines()[:300])
    version = uploads.add_version(data_request, users["liaison_a"], upload("force.csv", head))
    client = login(users["liaison_a"])
    page = client.get(url(version))
    assert page.status_code == 200
    race = next(c for c in page.context["guided"].columns if c.name == "subject_race")
    assert race.source == "subject_race" and race.values  # the file's codes, each with a choice
    not_provided = next(v for v in race.values if v.code == "Not Provided")
    assert not_provided.chosen == guided.NOT_RECORDED  # drafted as missing, not left as a problem
    fields = _FormFields()
    fields.feed(page.content.decode())
    assert "src:subject_race" in fields.fields and "tz" in fields.fields
    response = client.post(url(version), {**fields.fields, "validate": "1"})
    assert response.status_code == 302, response.context and response.context["error"]
    run_worker()
    version.refresh_from_db()
    assert version.status == "valid" and version.n_rows == 299
    assert parse_toml(version.mapping_toml)["table"] == "use_of_force"
    # codes the draft could not guess (NJ's "Not Provided", "Used arms") are left to the reviewer, and the live
    # check, reading the same whole file, counted exactly the cells the validation did
    check = page.context["check"]
    assert check.whole_file and check.n_problem_cells == version.validation["n_problem_cells"] > 0
