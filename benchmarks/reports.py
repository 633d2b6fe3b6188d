"""Report rendering speed: a generated 60-page report with 20 charts (10 SVG charts from embedded analysis
results, 10 PNG figures) to tagged PDF (target under 10 s) and to Word (target under 5 s). Each timing
includes building the document from the content model (Markdown to sanitized HTML, numbering).

    python -m benchmarks.reports [--json]

`run()` returns the rows for the benchmark runner; no database is needed (the report is built in memory).
"""

from __future__ import annotations

import base64
import io
import os
import random
import time

PDF_TARGET, WORD_TARGET = 10.0, 5.0
FINDINGS, RECS_PER_FINDING, CHARTS = 17, 3, 20
REPEAT = 2  # best of two, like the analysis benchmarks: other load on the machine only slows a run down

WORDS = [
    "the",
    "department",
    "officers",
    "supervisors",
    "training",
    "policy",
    "force",
    "review",
    "data",
    "community",
    "trust",
    "incidents",
    "reports",
    "body-worn",
    "camera",
    "de-escalation",
    "accountability",
    "analysis",
    "district",
    "patrol",
    "response",
    "time",
    "investigation",
    "rate",
    "arrests",
    "complaints",
    "recruitment",
    "staffing",
    "wellness",
    "oversight",
    "procedures",
    "evidence",
    "residents",
    "leadership",
]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuum.settings")
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def _sentence(rng: random.Random, n: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraphs(rng: random.Random, count: int, sentences: int = 6) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(sentences)) for _ in range(count))


def _png_chart(rng: random.Random, index: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.line((80, 500, 1160, 500), fill="#333333", width=2)
    draw.line((80, 40, 80, 500), fill="#333333", width=2)
    for bar in range(12):
        height = rng.randint(40, 440)
        x = 100 + bar * 88
        draw.rectangle((x, 500 - height, x + 60, 500), fill="#1f4e79")
    draw.text((90, 12), f"Figure {index}: incidents by month (generated)", fill="#111111")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def make_document(seed: int = 7):
    """A report about the size of a long Critical Response report, as the renderers receive it."""
    from django.utils import timezone
    from django.utils.safestring import mark_safe

    from continuum.agencies.models import Agency
    from continuum.analysis import charts
    from continuum.analysis.results import Chart
    from continuum.reports import document, embeds, prose
    from continuum.reports.models import Report
    from continuum.sites.models import Site

    rng = random.Random(seed)
    site = Site(
        agency=Agency(name="Generated Police Department", state="OH"),
        program="critical_response",
        ta_type="issue_specific_review",
        title="Benchmark site",
    )
    report = Report(
        site=site,
        title="A Generated Issue-Specific Review",
        version=1,
        status="published",
        published_at=timezone.now(),
        created_at=timezone.now(),
    )
    notes = {f"n{i}": i for i in range(1, 31)}

    def md(text: str):
        return prose.render(text, notes)

    exhibits = []
    for i, number in enumerate(range(1, CHARTS + 1)):
        if i % 2 == 0:
            points = [(f"group {g}", rng.uniform(0.5, 1.5), 0.0, 0.0) for g in range(8)]
            points = [(label, est, est - 0.2, est + 0.2) for label, est, _, _ in points]
            title = f"Generated estimate set {i}"
            svg = charts.to_svg(charts.interval(title, "estimate", points))
            table = {
                "caption": title,
                "columns": ["Group", "Estimate", "Low", "High"],
                "rows": [[p[0], f"{p[1]:.3f}", f"{p[2]:.3f}", f"{p[3]:.3f}"] for p in points],
            }
            exhibits.append(
                document.Exhibit(
                    number=number,
                    kind="result",
                    title=title,
                    alt_text=charts.describe_interval(Chart(title, "estimate", points)),
                    table_html=mark_safe(embeds.table_html(table)),
                    chart_svg=svg,
                    chart_uri=embeds.svg_data_uri(svg),
                    provenance=f"continuum analyze rates, input sha256 {'0' * 64}, engine 0.1.0, run 2026-11-20",
                    table=table,
                )
            )
        else:
            data = _png_chart(rng, number)
            exhibits.append(
                document.Exhibit(
                    number=number,
                    kind="figure",
                    title=f"Generated figure {i}",
                    alt_text=f"Bar chart {i} of incidents by month.",
                    image_uri="data:image/png;base64," + base64.b64encode(data).decode(),
                    image_bytes=data,
                    content_type="image/png",
                )
            )
    findings = []
    for f in range(1, FINDINGS + 1):
        recs = []
        for r in range(1, RECS_PER_FINDING + 1):
            text = _sentence(rng, 24) + f"[^n{rng.randint(1, 30)}]"
            recs.append(
                document.Rec(
                    pk=f * 10 + r,
                    number=f"{f}.{r}",
                    text=text,
                    html=md(text),
                    responsible_party="The chief of police",
                    priority="High",
                    topics=["Use of force"],
                )
            )
        body = _paragraphs(rng, 5) + "\n\n- " + "\n- ".join(_sentence(rng, 10) for _ in range(4))
        findings.append(
            document.Find(
                pk=f,
                number=f,
                title=_sentence(rng, 12),
                body=body,
                html=md(body),
                recommendations=recs,
                exhibits=exhibits[f - 1 : f] if f <= CHARTS else [],
            )
        )
    sections = [
        (a, h, t, md(t))
        for a, h, t in [
            ("summary", "Executive summary", _paragraphs(rng, 5)),
            ("background", "Background", _paragraphs(rng, 6)),
            ("methodology", "Methodology", _paragraphs(rng, 6)),
        ]
    ]
    closing = [("conclusion", "Conclusion", (c := _paragraphs(rng, 4)), md(c))]
    footnotes = [
        (i, f"Generated citation {i}.", prose.render_inline(f"Generated citation {i}.")) for i in range(1, 31)
    ]
    appendices = [("A", "Generated appendix", (a := _paragraphs(rng, 6)), md(a))]
    return document.Document(
        report=report,
        notes=notes,
        sections=sections,
        findings=findings,
        methodology_exhibits=[],
        closing=closing,
        footnotes=footnotes,
        appendices=appendices,
        timeline=[],
        sources=[],
        themes=[],
        improvement_plan=[],
        incident=[],
    )


def run() -> list[dict]:
    _setup_django()
    from continuum.reports import render_docx, render_pdf

    make_document()  # warm up imports, templates and fonts outside the timing
    pdf_seconds = word_seconds = float("inf")
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        pdf, pages = render_pdf.write(make_document())
        pdf_seconds = min(pdf_seconds, time.perf_counter() - t0)
        t0 = time.perf_counter()
        docx = render_docx.render_document(make_document())
        word_seconds = min(word_seconds, time.perf_counter() - t0)
    label = f"({pages} pages, {CHARTS} charts)"
    return [
        {
            "benchmark": f"report to PDF {label}",
            "seconds": round(pdf_seconds, 3),
            "target_seconds": PDF_TARGET,
            "pages": pages,
            "bytes": len(pdf),
            "ok": pdf_seconds < PDF_TARGET,
        },
        {
            "benchmark": f"report to Word {label}",
            "seconds": round(word_seconds, 3),
            "target_seconds": WORD_TARGET,
            "pages": pages,
            "bytes": len(docx),
            "ok": word_seconds < WORD_TARGET,
        },
    ]


def main() -> None:
    """A small table; with --json, the rows as JSON (for a runner that calls this in its own process)."""
    import json
    import sys

    rows = run()
    if "--json" in sys.argv[1:]:
        print(json.dumps(rows))
        return
    print(f"{'benchmark':<46} {'seconds':>8} {'target':>7} {'pages':>6}  ok")
    for row in rows:
        print(
            f"{row['benchmark']:<46} {row['seconds']:>8.2f} {row['target_seconds']:>7.0f} {row['pages']:>6}  "
            f"{'yes' if row['ok'] else 'NO'}"
        )


if __name__ == "__main__":
    main()
