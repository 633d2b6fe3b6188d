"""A published report's PDF and Word files are rendered once and served from disk (an anonymous client asking
again and again costs a file read, not a WeasyPrint render); a change to what the report shows renders anew;
drafts are never kept."""

from continuum.reports import published_files, render_pdf
from tests.conftest import at_once

from .conftest import publish


def _counting(monkeypatch) -> list[int]:
    """Count real renders: the renderer still runs, the count is read from outside."""
    calls = []
    original = render_pdf.render_document

    def render(doc):
        calls.append(1)
        return original(doc)

    monkeypatch.setitem(published_files.RENDERERS, "pdf", render)
    return calls


def test_anonymous_downloads_render_a_published_pdf_once(client, published, monkeypatch, settings):
    calls = _counting(monkeypatch)
    first = client.get(f"/reports/{published.pk}/report.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    for _ in range(5):
        again = client.get(f"/reports/{published.pk}/report.pdf")
        assert again.content == first.content
    assert len(calls) == 1
    kept = list(settings.REPORT_FILES_DIR.glob(f"report-{published.pk}-v{published.version}-*.pdf"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0


def test_a_change_to_what_the_report_shows_renders_a_new_file_and_drops_the_old(
    client, published, monkeypatch, settings
):
    calls = _counting(monkeypatch)
    client.get(f"/reports/{published.pk}/report.pdf")
    agency = published.site.agency
    agency.name = "Renamed Police Department"
    agency.save()
    assert b"%PDF" in client.get(f"/reports/{published.pk}/report.pdf").content[:8]
    assert len(calls) == 2
    assert len(list(settings.REPORT_FILES_DIR.glob(f"report-{published.pk}-*.pdf"))) == 1


def test_concurrent_first_requests_wait_for_one_render(published, monkeypatch, transactional_db):
    calls = _counting(monkeypatch)
    results = []

    at_once(lambda: results.append(published_files.file_for(published, "pdf")), 4)
    assert len(results) == 4 and len(set(results)) == 1
    assert len(calls) == 1


def test_a_draft_is_rendered_each_time_and_never_kept(client, report, users, login, settings):
    login(users["staff"])
    url = f"/workspace/sites/{report.site_id}/reports/{report.pk}/report.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert not list(settings.REPORT_FILES_DIR.glob("*.pdf"))
    publish(report, users)
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 200
    assert len(list(settings.REPORT_FILES_DIR.glob("*.pdf"))) == 1
