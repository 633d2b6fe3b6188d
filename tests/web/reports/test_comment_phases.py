"""The program's internal-review comments never reach the agency; the agency's review comments do."""

import pytest
from django.core.exceptions import PermissionDenied

from continuum.reports import editing, transitions


@pytest.fixture
def report(report_without_chart):
    """These tests take the review steps and never look at a chart: the report's exhibit is a table alone."""
    return report_without_chart


def test_agency_sees_only_its_review_phase(client, users, login, report):
    report = transitions.submit(report, users["provider_a"])
    internal = editing.comment(report, users["staff"], "The analysis section is weak; tighten it.")
    report = transitions.send_to_agency(report, users["staff"])
    agency = editing.comment(report, users["executive_a"], "The date of the policy change is wrong.")
    assert set(editing.visible_comments(report, users["executive_a"])) == {agency}
    assert set(editing.visible_comments(report, users["provider_a"])) == {internal, agency}
    login(users["executive_a"])
    html = client.get(report.get_absolute_url()).content.decode()
    assert "The date of the policy change is wrong." in html and "tighten it" not in html
    with pytest.raises(PermissionDenied):
        editing.reply(internal, users["executive_a"], "What do you mean, weak?")
    editing.reply(agency, users["provider_a"], "Corrected to 2024-03-01.", resolve=True)
