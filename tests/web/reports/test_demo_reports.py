"""The demo's published reports: Indianapolis (findings on officer-involved shootings with an embedded analysis)
and the Fargo after-action review, both on closed sites, loaded twice without duplicates."""

from django.core.management import call_command

from continuum.reports import document
from continuum.reports.models import Report


def test_demo_reports(db, monkeypatch, client):
    monkeypatch.setenv("CONTINUUM_DEMO_PASSWORD", "demo-password-for-the-test")
    call_command("load_demo", quiet=True, throwaway_database=True)
    call_command("load_demo", quiet=True, throwaway_database=True)
    ours = ["Indianapolis Metropolitan Police Department", "Fargo (ND) Police Department"]
    reports = {r.site.agency.name: r for r in Report.objects.filter(site__agency__name__in=ours)}
    assert sorted(reports) == sorted(ours) and Report.objects.filter(site__agency__name__in=ours).count() == 2
    indy, fargo = (
        reports["Indianapolis Metropolitan Police Department"],
        reports["Fargo (ND) Police Department"],
    )
    assert indy.status == fargo.status == "published"
    assert indy.site.status == fargo.site.status == "closed"
    doc = document.build(indy)
    assert [r.number for r in doc.recommendations] == ["1.1", "1.2", "2.1", "3.1", "3.2"]
    assert (
        doc.findings[2]
        .exhibits[0]
        .provenance.startswith("Stop, search and outcome rates by group, Continuum analysis engine ")
    )
    aar = document.build(fargo)
    assert fargo.kind == "after_action" and len(aar.timeline) == 6 and aar.improvement_plan
    listing = client.get("/reports/").content.decode()
    assert indy.title in listing and fargo.title in listing
    page = client.get(f"/reports/{fargo.pk}/").content.decode()
    assert "learning tool, not a disciplinary one" in page and "July 14, 2023" in page
    assert client.get(f"/sites/{indy.site_id}/").content.decode().count(f'href="/reports/{indy.pk}/"') == 1
