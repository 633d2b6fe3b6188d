"""Issue 18, item 1 in real Chromium: an agency liaison uploads a records-system export of Rhode Island's stops
(its codes, not the standard's), lands on the guided mapping, sees which cells would not convert, says what an
unknown code means, sees the count change without a page load, saves and validates the whole file, and the
validation report finds no problem. axe-core on every page, at 1,280 and 390 px; screenshots kept."""

import csv
import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible

from .conftest import RI, run_worker, upload

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CONTINUUM_SHOTS", "/tmp/continuum-shots"))
RACE_CODES = {"White": "W", "Black": "B", "Hispanic": "H", "Asian": "A", "Other": "Q"}  # Q: the agency's own


def agency_export(rows: int = 600) -> bytes:
    """The first RI stops as a records system would export them: its own column names and race codes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Stop Date", "Stop Time", "RACE_CD", "Searched", "Zone"])
    with RI.open(newline="") as handle:
        for n, stop in enumerate(csv.DictReader(handle)):
            if n == rows:
                break
            race = RACE_CODES.get(stop["driver_race"], "")
            writer.writerow(
                [stop["stop_date"], stop["stop_time"], race, stop["search_conducted"], stop["district"]]
            )
    return out.getvalue().encode()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"guided-{name}.png"), full_page=True)


def test_a_liaison_maps_an_export_with_its_own_codes_and_validates_it(
    browser, users, stops_request, tmp_path
):
    export = tmp_path / "ri-stops-export.csv"
    export.write_bytes(agency_export())
    page = browser.open_page(stops_request.get_absolute_url(), user=users["liaison_a"])
    page.locator('input[type="file"][name="file"]').set_input_files(str(export))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Map the columns of ri-stops-export.csv")).to_be_visible()
    check = page.locator("#guided-check")
    expect(check).to_contain_text("All 600 rows read with these choices")
    expect(check).to_contain_text("could not be converted")  # Q: no standard value guessed
    race = page.locator("#column-subject_race")
    expect(race.locator("summary")).to_contain_text("from “RACE_CD”")
    expect(race.get_by_label("What “W” means")).to_have_value("white")  # suggested
    expect(race.get_by_label("What “Q” means")).to_have_value("")
    assert_accessible(page)
    shot(page, "1-problems")

    race.get_by_label("What “Q” means").select_option("other")  # htmx re-checks; the page is not reloaded
    expect(check).to_contain_text("every cell converted")
    expect(race.locator("summary")).not_to_contain_text("not converted")  # its count follows the check
    expect(race.get_by_label("What “Q” means")).to_have_value("other")  # the user's choice kept in place
    date = page.locator("#column-date")
    expect(date.locator(".continuum-guided-preview")).to_contain_text("2005-01-04")  # real rows, read
    assert_accessible(page)
    shot(page, "2-clean")

    page.get_by_role("button", name="Save and validate the whole file").click()
    expect(page.locator("#job-status")).to_contain_text("Queued")
    run_worker()
    expect(page.locator("#job-status")).to_contain_text("Validated 600 rows", timeout=10_000)
    page.get_by_role("link", name="See the validation report").click()
    expect(page.get_by_text("600 rows read; 0 cells could not be mapped")).to_be_visible()
    summary = page.get_by_role(
        "table", name="Each standard column and the column of your file it is read from"
    )
    expect(summary.get_by_role("row", name="Subject race")).to_contain_text("RACE_CD")
    expect(summary.get_by_role("row", name="Subject race")).to_contain_text("5 codes given a standard value")
    assert "subject_race" not in page.locator("main").inner_text()  # the text editor is closed
    assert_accessible(page)
    shot(page, "3-validated")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "3-validated-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # checksums wrap
    assert_accessible(page)
    browser.assert_clean()


def test_the_guided_form_on_a_phone(browser, users, stops_request):
    from continuum.datasets import uploads

    version = uploads.add_version(stops_request, users["liaison_a"], upload("export.csv", agency_export(50)))
    page = browser.open_page(f"/workspace/sites/{version.site.pk}/data/versions/{version.pk}/mapping/",
                             user=users["liaison_a"], width=390)  # fmt: skip
    expect(page.locator("#guided-check")).to_contain_text("All 50 rows read")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    shot(page, "4-phone")
    browser.assert_clean()


def test_choosing_the_columns_of_a_table_without_a_schema(browser, users, site):
    import datetime

    from continuum.datasets import uploads
    from continuum.datasets.models import DataRequest

    data_request = uploads.create_request(site, users["provider_a"], DataRequest(
        title="Complaints", table_type="other", due_on=datetime.date(2026, 2, 1)))  # fmt: skip
    content = b"complaint_no,officer_name,complainant_name,allegation\n1,Smith,Jane Roe,Rudeness\n"
    version = uploads.add_version(data_request, users["liaison_a"], upload("complaints.csv", content))
    page = browser.open_page(f"/workspace/sites/{site.pk}/data/versions/{version.pk}/mapping/",
                             user=users["liaison_a"])  # fmt: skip
    expect(page.get_by_role("heading", name="Choose the columns of complaints.csv")).to_be_visible()
    expect(page.get_by_role("group", name="Use of “officer_name”").get_by_label(
        "Keep as an officer identifier, hashed")).to_be_checked()  # fmt: skip
    assert_accessible(page)
    shot(page, "5-kept")
    page.get_by_role("button", name="Save the choices").click()
    expect(page.get_by_text("The choices were saved.")).to_be_visible()
    browser.assert_clean()
