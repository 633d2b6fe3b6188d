"""No page a user reads shows command-line syntax, JSON, Python values or the engine's analysis codes: the data
pages with a finished analysis and a failed job, the run form with and without errors, the report's embed form
and a report with an embedded exhibit, each as program staff, provider and agency liaison."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from continuum.analysis.analyses import ANALYSES
from continuum.datasets import jobs
from continuum.reports import document, editing

from .conftest import VEIL, run_worker

CODES = [name for name in ANALYSES if "-" in name]
FORBIDDEN = [re.escape(s) for s in ("--param", "continuum analyze", "`", "{'", "['")] + [
    r"\bNone\b",
    r"\bTrue\b",
]
FORBIDDEN += [rf"\b{re.escape(code)}\b" for code in CODES]


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attributes."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def offences(page: str) -> list[str]:
    text = visible_text(page)
    return [
        f"{pattern}: …{text[max(0, m.start() - 60) : m.end() + 60]}…".replace("\n", " ")
        for pattern in FORBIDDEN
        for m in [re.search(pattern, text)]
        if m
    ]


def test_the_visible_text_is_what_the_sweep_reads():
    page = (
        '<p title="use-of-force">Use of force</p><script>var x = "veil-of-darkness";</script><p>`rates`</p>'
    )
    assert visible_text(page).split() == ["Use", "of", "force", "`rates`"]
    assert offences(page) == ["`: … Use of force   `rates` …"]
    assert offences("<p>Ran veil-of-darkness with None</p>")


@pytest.fixture
def world(site, users, version, result):
    failed = jobs.start_analysis(
        version, users["provider_a"], "veil-of-darkness", {**VEIL, "geography": "beat"}
    )
    run_worker()
    failed.refresh_from_db()
    assert failed.status == "failed"
    report = editing.create_report(site, users["provider_a"], title="Findings on traffic stops")
    report.methodology = "The team analysed the agency's traffic stops."
    editing.save_report(report, users["provider_a"])
    editing.embed_site_result(report, users["provider_a"], result)
    return {"version": version, "result": result, "failed": failed, "done": result.job, "report": report}


def _pages(site, world) -> dict[str, str]:
    version, base = world["version"], f"/workspace/sites/{site.pk}"
    return {
        "data home": f"{base}/data/",
        "site page": f"{base}/",
        "version": version.get_absolute_url(),
        "run form": f"{version.get_absolute_url()}?analysis=veil-of-darkness",
        "run form (outcome test)": f"{version.get_absolute_url()}?analysis=outcome-test",
        "finished job": world["done"].get_absolute_url(),
        "failed job": world["failed"].get_absolute_url(),
        "result": world["result"].get_absolute_url(),
        "request": version.data_request.get_absolute_url(),
        "report editor": f"{base}/reports/{world['report'].pk}/",
        "methods": reverse("methods:index"),
        "data dictionary": reverse("dictionary:page"),
    }


@pytest.mark.parametrize("who", ["staff", "provider_a", "liaison_a"])
def test_no_page_shows_codes_syntax_or_python_values(login, users, site, world, who):
    client = login(users[who])
    seen = {}
    for name, url in _pages(site, world).items():
        response = client.get(url)
        if response.status_code == 200:
            seen[name] = offences(response.content.decode())
    assert {"data home", "version", "result", "failed job", "methods", "data dictionary"} <= set(seen)
    if who != "liaison_a":
        assert {"report editor"} <= set(seen)
        editor = client.get(_pages(site, world)["report editor"]).content.decode()
        assert "Embed an analysis result" in editor and "Veil of darkness" in editor
    response = client.post(
        f"/workspace/sites/{site.pk}/data/versions/{world['version'].pk}/run/",
        {
            "run-analysis": "veil-of-darkness",
            "run-p_round_minutes": "-1",
            "run-p_alpha": "2",
            "run-p_dst": "on",
        },
    )
    if who != "liaison_a":
        assert response.status_code == 422
        seen["run form with errors"] = offences(response.content.decode())
        response = client.post(
            f"/workspace/sites/{site.pk}/reports/{world['report'].pk}/embed/", {"embed-result": ""}
        )
        assert response.status_code == 422
        seen["embed form with errors"] = offences(response.content.decode())
    body = render_to_string(
        "reports/_body.html", {"doc": document.build(world["report"]), "report": world["report"]}
    )
    assert "Source: Veil of darkness" in body
    seen["report with an exhibit"] = offences(body)
    bad = {name: found for name, found in seen.items() if found}
    assert bad == {}, "\n".join(f"{k}: {v}" for k, v in bad.items())
