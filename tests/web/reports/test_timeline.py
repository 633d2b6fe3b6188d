"""The after-action timeline from CSV: sorted, with sources; a bad file is refused whole, naming rows and columns."""

import pytest

from continuum.reports import document, editing, timeline
from continuum.reports.timeline import TimelineError

GOOD = (
    "when,description,source\n"
    "2023-07-14 14:55,Gunman opens fire,Body-worn camera\n"
    "2023-07-14 14:45,Officers dispatched to a crash,CAD log\n"
    "07/14/2023 14:56,Officer engages the gunman,BCI investigation\n"
)


def test_rows_are_sorted_by_time():
    rows = timeline.parse(GOOD.encode())
    assert [r.description for r in rows] == [
        "Officers dispatched to a crash",
        "Gunman opens fire",
        "Officer engages the gunman",
    ]
    assert rows[0].source == "CAD log"


@pytest.mark.parametrize(
    "data, messages",
    [
        ("when,description\n2023-07-14 14:55,x\n", ["Row 1 (header): missing column “source”"]),
        (
            "when,description,source\n2023-07-14 14:55,ok,CAD\n2023-13-40 99:00,bad date,CAD\n,no time,CAD\n",
            [
                "Row 3, column “when”: “2023-13-40 99:00” is not a date and time",
                "Row 4, column “when”: “(empty)” is not a date and time",
            ],
        ),
        ("when,description,source\n2023-07-14 14:55,,CAD\n", ["Row 2, column “description”: empty"]),
        ("when,description,source\n2023-07-14 14:55,x,\n", ["Row 2, column “source”: empty"]),
        ("", ["The file is empty"]),
        ("when,description,source\n", ["no events"]),
    ],
)
def test_bad_files_name_row_and_column(data, messages):
    with pytest.raises(TimelineError) as caught:
        timeline.parse(data.encode())
    for message in messages:
        assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_not_utf8_is_explained():
    with pytest.raises(TimelineError, match="UTF-8"):
        timeline.parse("when,description,source\n2023-07-14 14:55,caf\xe9,CAD\n".encode("latin-1"))


def test_import_all_or_nothing_through_the_editor(client, login, users, site):
    report = editing.create_report(site, users["provider_a"], title="AAR", kind="after_action")
    login(users["provider_a"])
    url = f"/workspace/sites/{site.pk}/reports/{report.pk}/timeline/import/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile(
        "t.csv", b"when,description,source\n2023-07-14 14:55,ok,CAD\nyesterday,bad,CAD\n"
    )
    response = client.post(url, {"import-file": bad})
    assert response.status_code == 422
    assert "Row 3, column “when”" in response.content.decode()
    assert not report.timeline.exists()
    response = client.post(url, {"import-file": SimpleUploadedFile("t.csv", GOOD.encode())})
    assert response.status_code == 302
    assert document.build(report).timeline[0].description == "Officers dispatched to a crash"
