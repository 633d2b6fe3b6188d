"""The data dictionary page and plain-worded job failures (issue 18: item 2, and no command-line syntax on a
page a user sees)."""

import html
import re

import pytest

from continuum.analysis.errors import InputError
from continuum.analysis.tables import TABLES
from continuum.datasets import jobs, mappings

from .conftest import run_worker

URL = "/workspace/data-dictionary/"


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_dictionary_lists_columns_values_needs_and_settings(login, users):
    page = _text(login(users["liaison_a"]).get(URL))
    for label in ("Stops", "Use of force", "Calls for service", "Officer-involved shootings", "Personnel"):
        assert label in page
    assert all(c.name in page for table in TABLES.values() for c in table)
    assert "asian/pacific islander, black, hispanic" in page  # the race vocabulary
    row = re.search(r"search_conducted\s+true or false\s+—\s+(.+)", page)
    assert row and row.group(1).startswith(
        "Outcome test: how often searches find contraband ;  Threshold test"
    )
    settings = re.search(
        r"Settings of “Outcome test: how often searches find contraband”.*?"
        r"Fewest searches per group in an area\s+(\d+)\s+whole number",
        page,
        re.S,
    )
    assert settings and settings.group(1) == "50"
    assert "--param" not in page and "min_searches" not in page  # the form's labels, not the CLI's names


def test_the_mapping_page_links_to_its_tables_entry(login, users, stops_request):
    from continuum.datasets import uploads

    from .conftest import upload

    version = uploads.add_version(stops_request, users["liaison_a"], upload("s.csv", b"a,b\n1,2\n"))
    page = login(users["liaison_a"]).get(version.get_absolute_url()).content.decode()
    assert f'href="{URL}#table-stops"' in page


def test_a_failed_analysis_names_the_form_fields_to_change(login, users, version):
    job = jobs.start_analysis(version, users["provider_a"], "outcome-test", {"min_searches": 100000})
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed"
    assert (
        "Change the “Fewest searches per group in an area”, “Fewest qualifying areas” or “Groups to compare” field"
        in job.error
    ), job.error
    assert "--param" not in job.error
    page = _text(login(users["provider_a"]).get(job.get_absolute_url()))
    assert "“Fewest searches per group in an area”" in page and "--param" not in page


def test_command_line_syntax_becomes_plain_words():
    threshold = "found ['1']: lower --param min_searches=N or set --param geography=..."
    assert (
        mappings.plain_words(threshold)
        == "found “1”: lower the “Fewest searches per group in an area” field or set the “Areas” field"
    )
    hint = "no column matches the standard stop schema; supply a mapping (`continuum data profile FILE` drafts one)"
    assert mappings.plain_words(hint) == "no column matches the standard stop schema; supply a mapping"
    missing = "veil-of-darkness needs standard column(s) ['beat', 'zone'] (see /methods/veil-of-darkness/)"
    assert mappings.plain_words(missing) == (
        "“Veil of darkness: stops in daylight and in darkness” needs standard column(s) “beat”, “zone” "
        "(see /methods/veil-of-darkness/)"
    )
    error = InputError(
        "needs the data's time zone", params=("tz",), file="/srv/media/x.csv", row=3, value="x"
    )
    assert mappings.describe(error) == (
        "/srv/media/x.csv, row 3, value 'x': needs the data's time zone Change the “Time zone” field on the analysis "
        "form and run it again."
    )


def test_a_mistyped_setting_names_its_form_field():
    from continuum.datasets.uploads import DataError

    with pytest.raises(DataError) as caught:
        jobs.coerce_params("outcome-test", {"min_searches": "many"})
    assert (
        str(caught.value)
        == "The “Fewest searches per group in an area” field needs a whole number, not “many”."
    )
