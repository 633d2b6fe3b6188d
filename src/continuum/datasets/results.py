"""Analysis results: stored with their parameters, input fingerprint and engine version, numbered per dataset
and analysis, compared with the run before, shown by role, and marked for the site's report."""

import math
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, QuerySet

from continuum.analysis.readable import analysis_name
from continuum.analysis.results import Result as EngineResult
from continuum.audit.log import save_audited

from .models import Job, Result

STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*')""", re.I)
UNSAFE = re.compile(r"<\s*script|\son[a-z]+\s*=|javascript:", re.I)


class UnsafeFragment(ValueError):
    """The engine's HTML has something the page's CSP would refuse to run; better to fail loudly."""


def page_fragment(html: str) -> str:
    """The engine's fragment as the page can show it under the CSP: the engine escapes every value it prints,
    has no scripts; its only inline style (the chart's max-width) is removed rather than blocked."""
    if UNSAFE.search(html):
        raise UnsafeFragment("The engine's HTML fragment contains a script or an event handler.")
    return STYLE_ATTRIBUTE.sub("", html)


def store(job: Job, result: EngineResult, params: dict[str, Any]) -> Result:
    number = (
        Result.objects.filter(version=job.version, analysis=job.analysis).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    return Result.objects.create(
        job=job, version=job.version, analysis=job.analysis, number=number, params=result.to_dict()["params"] or params,
        input_sha256=result.input_sha256, engine_version=result.engine_version, data=result.to_dict(),
        html=page_fragment(result.to_html()),
    )  # fmt: skip


def visible_results(site, user) -> QuerySet[Result]:
    """The team and the site's agency see the results; anyone else, none."""
    if not user.has_perm("datasets.view_data", site):
        return Result.objects.none()
    return Result.objects.filter(version__data_request__site=site).select_related("version__data_request")


def previous(result: Result) -> Result | None:
    return (
        Result.objects.filter(version=result.version, analysis=result.analysis, number__lt=result.number)
        .order_by("-number")
        .first()
    )


def _numbers(prefix: str, value: Any, out: dict[str, float]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _numbers(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        out[prefix] = float(value)
    elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        out[f"{prefix} (low)"], out[f"{prefix} (high)"] = float(value[0]), float(value[1])


def changes(result: Result, before: Result | None = None) -> dict[str, Any] | None:
    """What changed since the previous run of this analysis on this dataset: parameters, input, engine, and
    every estimate (before, after, difference)."""
    before = before or previous(result)
    if before is None:
        return None
    old, new = {}, {}
    _numbers("", before.data.get("estimates", {}), old)
    _numbers("", result.data.get("estimates", {}), new)
    old["rows used"], new["rows used"] = (
        float(before.data.get("n_used", 0)),
        float(result.data.get("n_used", 0)),
    )
    rows = []
    for key in list(dict.fromkeys([*new, *old])):
        a, b = old.get(key), new.get(key)
        diff = b - a if a is not None and b is not None and math.isfinite(a) and math.isfinite(b) else None
        rows.append({"name": key, "before": a, "after": b, "difference": diff, "changed": a != b})
    params = sorted(
        (k, before.params.get(k), result.params.get(k))
        for k in set(before.params) | set(result.params)
        if before.params.get(k) != result.params.get(k)
    )
    return {
        "before": before,
        "rows": rows,
        "n_changed": sum(r["changed"] for r in rows),
        "params": params,
        "input_changed": before.input_sha256 != result.input_sha256,
        "engine_changed": before.engine_version != result.engine_version,
    }


def draft_report(site):
    """The site's report being drafted, if any (the most recent editable one)."""
    from continuum.reports.models import Report

    return Report.objects.filter(site=site, status__in=Report.EDITABLE).order_by("-version", "-pk").first()


def mark_for_report(result: Result, actor) -> str:
    """Flag the result for the report and, when the site has a report being drafted, embed a snapshot of it
    there (the reports app renders it from the engine's result). Returns what happened, for the message."""
    site = result.version.site
    if not actor.has_perm("datasets.mark_for_report", site):
        raise PermissionDenied
    from continuum.reports import editing

    with transaction.atomic():
        result = Result.objects.select_for_update().get(pk=result.pk)
        if result.embedded_in_id:
            return f"This result is already in “{result.embedded_in}”."
        result.for_report = True
        report = draft_report(site)
        if report is not None and actor.has_perm("reports.draft_report", site):
            title = f"{analysis_name(result.analysis)} (run {result.number}) on {result.version.data_request}"
            editing.embed_result(report, actor, result.data, title=title[:250])
            result.embedded_in = report
        save_audited(result, actor, reason="Marked for the report")
    if result.embedded_in_id:
        return f"The result was added to the draft report “{result.embedded_in}”."
    return (
        "The result is marked for the report; no report is being drafted yet, so it will be embedded later."
    )
