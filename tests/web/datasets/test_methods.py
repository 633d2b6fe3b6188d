"""Methods pages: one for every analysis the engine registers, public, rendered from docs/methods, linked from
each result page and from where an analysis is chosen."""

from pathlib import Path

import pytest
from django.conf import settings

from continuum.analysis.analyses import ANALYSES
from continuum.datasets import methods

DOCS = Path(settings.REPO_DIR) / "docs" / "methods"


@pytest.mark.parametrize("analysis", ANALYSES)
def test_every_registered_analysis_has_a_methods_page(client, analysis):
    page = methods.page_for(analysis)
    assert page is not None, f"no docs/methods page for {analysis}"
    text = page.path.read_text()
    for section in ("## The model", "## Caveats and warnings"):
        assert section in text, f"{page.path.name} has no '{section}' section"
    response = client.get(f"/methods/{analysis}/")
    assert response.status_code == 200
    assert f"<h1>{page.title}</h1>" in response.content.decode()


def test_page_is_rendered_markdown_with_its_sections_as_h2(client):
    body = client.get("/methods/staffing/").content.decode()
    assert "<h2>The model</h2>" in body and "<h1>Patrol staffing (workload model)</h1>" in body
    assert "<code>service_minutes=30</code>" in body  # inline code from the Markdown
    assert "# Patrol staffing" not in body  # the title line became the h1, not a stray line


def test_index_lists_pages_present_and_only_those(client, settings, tmp_path):
    body = client.get("/methods/").content.decode()
    assert '<a href="/methods/veil-of-darkness/">Veil of darkness</a>' in body
    settings.METHODS_DIR = tmp_path
    (tmp_path / "threshold.md").write_text("# Threshold test\n\n## The model\n\nBayesian thresholds.\n")
    body = client.get("/methods/").content.decode()
    assert '<a href="/methods/threshold-test/">Threshold test</a>' in body
    assert "/methods/veil-of-darkness/" not in body  # no page in that directory: not listed
    assert client.get("/methods/veil-of-darkness/").status_code == 404


def test_raw_html_in_a_page_does_not_reach_the_browser(client, settings, tmp_path):
    settings.METHODS_DIR = tmp_path
    (tmp_path / "rates.md").write_text("# Rates\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n")
    body = client.get("/methods/rates/").content.decode()
    assert "<script>alert(1)" not in body and "javascript:alert" not in body


def test_result_page_and_analysis_chooser_link_to_methods(login, users, result):
    client = login(users["provider_a"])
    page = client.get(result.get_absolute_url()).content.decode()
    assert 'href="/methods/veil-of-darkness/"' in page
    chooser = client.get(result.version.get_absolute_url() + "?analysis=rates").content.decode()
    assert 'href="/methods/"' in chooser and 'href="/methods/rates/"' in chooser


def test_docs_index_names_every_page():
    """docs/methods/README.md explains the naming: every .md page beside it is a registered analysis's."""
    names = {methods.page_name(a) for a in ANALYSES}
    assert {p.stem for p in DOCS.glob("*.md")} - {"README"} <= names
