"""The analysis form in words: analyses picked by name, each setting labelled with its help and default, a
list where the values are known, a date input, numbers with a least value; a bad value comes back on its field
with what was typed (422), never as a code; a setting that needs a file is named, not asked for."""

import re

from continuum.datasets import uploads
from continuum.datasets.forms import analysis_form
from continuum.datasets.models import DataRequest, DatasetVersion, Job

from .conftest import run_worker


def _run_url(version) -> str:
    return f"/workspace/sites/{version.site.pk}/data/versions/{version.pk}/run/"


def _select(page: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)


def test_the_picker_and_the_settings_are_in_words(login, users, version):
    client = login(users["provider_a"])
    page = client.get(f"{version.get_absolute_url()}?analysis=veil-of-darkness").content.decode()
    assert (
        '<option value="veil-of-darkness" selected>Veil of darkness: stops in daylight and in darkness'
        in page
    )
    assert "Settings of “Veil of darkness: stops in daylight and in darkness”" in page
    assert "Run “Veil of darkness: stops in daylight and in darkness”" in page
    assert (
        '<label class="usa-label" for="id_run-p_window_start">' in page
        and "Twilight window starts at" in page
    )
    assert "Start of the twilight window: dusk or sunset. Default: dusk (end of civil twilight)." in page
    window = _select(page, "run-p_window_start")
    assert '<option value="dusk" selected>' in window and '<option value="sunset">sunset</option>' in window
    zones = re.findall(r'<option value="([^"]*)"', _select(page, "run-p_tz"))
    assert zones[:3] == ["", "America/New_York", "America/Chicago"] and "Europe/Paris" in zones
    minority = _select(page, "run-p_minority")
    assert '<option value="black" selected>black</option>' in minority and 'value="hispanic"' in minority
    assert re.search(r'name="run-p_round_minutes"[^>]*min="0"', page)
    assert "Default: 5." in page and "Round clock times to (minutes)" in page


def test_outcome_test_compares_the_tables_category_columns(login, users, version):
    page = (
        login(users["provider_a"]).get(f"{version.get_absolute_url()}?analysis=outcome-test").content.decode()
    )
    group = _select(page, "run-p_group")
    assert '<option value="subject_race" selected>Subject race</option>' in group
    assert '<option value="subject_sex">Subject sex</option>' in group and 'value="date"' not in group
    assert '<option value="yes">yes</option>' in _select(page, "run-p_discretionary")
    assert '<option value="district" selected>District</option>' in _select(page, "run-p_geography")


def test_a_bad_value_comes_back_on_its_field_with_what_was_typed(login, users, version):
    client = login(users["provider_a"])
    response = client.post(_run_url(version), {
        "run-analysis": "veil-of-darkness", "run-p_lat": "41.70", "run-p_lng": "-71.50",
        "run-p_tz": "America/New_York", "run-p_round_minutes": "-3", "run-p_spline_df": "six",
    })  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 422 and not Job.objects.filter(kind="analyze").exists()
    assert "The analysis was not started" in page and "Correct the 2 fields marked below" in page
    assert '<a href="#id_run-p_round_minutes">Round clock times to (minutes)</a>' in page
    assert "Ensure this value is greater than or equal to 0." in page and "Enter a whole number." in page
    assert 'value="41.70"' in page and 'value="six"' in page and 'value="-3"' in page
    assert '<option value="America/New_York" selected>' in page
    assert "p_round" not in re.sub(r"<[^>]+>", " ", page)
    response = client.post(_run_url(version), {
        "run-analysis": "veil-of-darkness", "run-p_lat": "41.70", "run-p_lng": "-71.50",
        "run-p_tz": "America/New_York", "run-p_round_minutes": "10", "run-p_whole_minutes": "on",
        "run-p_window_start": "dusk",
    })  # fmt: skip
    job = Job.objects.get(kind="analyze")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.params["round_minutes"] == 10 and job.params["window_start"] == "dusk"
    assert job.params["whole_minutes"] is True and job.params["dst"] is False
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.error
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<th scope="row">Round clock times to (minutes)</th><td>10</td>' in page
    assert '<th scope="row">Twilight window starts at</th><td>dusk (end of civil twilight)</td>' in page


def test_an_analysis_the_table_has_not_is_refused_on_the_form(login, users, version):
    response = login(users["provider_a"]).post(_run_url(version), {"run-analysis": "use-of-force"})
    page = response.content.decode()
    assert response.status_code == 422 and "Choose one of the analyses listed" in page
    assert "use-of-force" not in re.sub(r"<[^>]+>", " ", page)


def _version_of(site, user, table_type: str) -> DatasetVersion:
    request = uploads.create_request(site, user, DataRequest(title="Other data", table_type=table_type))
    return DatasetVersion.objects.create(data_request=request, number=1, original_name="x.csv", file_format="csv",
                                         size=1, sha256="0" * 64, uploaded_by=user)  # fmt: skip


def test_dates_numbers_and_files_by_meaning(site, users):
    shootings = analysis_form(_version_of(site, users["provider_a"], "shootings"), analysis="ois")
    assert shootings.fields["p_split_date"].widget.input_type == "date"
    assert shootings.fields["p_alpha"].max_value == 1 and shootings.fields["p_alpha"].min_value == 0
    form = analysis_form(
        _version_of(site, users["provider_a"], "shootings"),
        {"run-analysis": "ois", "run-p_split_date": "2021-03-01"},
        analysis="ois",
    )
    assert form.is_valid() and form.cleaned_data["p_split_date"].isoformat() == "2021-03-01"
    crashes = analysis_form(_version_of(site, users["provider_a"], "crashes"), analysis="crashes")
    assert "p_exposure" not in crashes.fields and crashes.fields["p_miles"].min_value == 0
    assert (
        crashes.fields["p_miles"].label == "Miles driven"
        and "Optional." in crashes.fields["p_miles"].help_text
    )


def test_a_setting_that_needs_a_file_is_named_not_asked_for(login, users, version):
    page = login(users["provider_a"]).get(f"{version.get_absolute_url()}?analysis=rates").content.decode()
    assert "Population benchmark file: these settings read a file" in page
    assert "run-p_benchmark" not in page
