from django import template

from continuum.datasets import results

register = template.Library()


@register.inclusion_tag("datasets/_site_section.html")
def site_data(site, user) -> dict:
    """Data and analyses on the site page, for the team and the site's agency: the requests and the latest
    result of each analysis on each dataset, with its tables and charts."""
    if not user.has_perm("datasets.view_data", site):
        return {"visible": False}
    latest: dict[tuple[int, str], object] = {}
    for result in results.visible_results(site, user).order_by("-number"):
        latest.setdefault((result.version.data_request_id, result.analysis), result)
    return {
        "visible": True,
        "site": site,
        "data_requests": list(site.data_requests.all()),
        "latest": list(latest.values()),
        "can_run": user.has_perm("datasets.run_analysis", site),
    }


@register.simple_tag
def methods_url(analysis: str) -> str:
    """The methods page of an analysis, or "" when it has none (the link is then left out, not broken)."""
    from django.urls import reverse

    from continuum.datasets.methods import page_for

    return reverse("methods:detail", args=[analysis]) if page_for(analysis) else ""


@register.filter
def column_label(name: str) -> str:
    """A standard column as people say it ("Subject race"), where a page would otherwise show its code."""
    from continuum.datasets.guided import column_label as label

    return label(name)


@register.filter
def get_cell(cells: dict, name: str):
    """One standard column's cell of a previewed row."""
    return cells.get(name)


@register.filter
def plain_reason(reason: str) -> str:
    from continuum.datasets.guided import plain_reason as plain

    return plain(reason)


@register.filter
def analysis_name(code: str) -> str:
    """An analysis by its name ("Veil of darkness: …"), never its engine code."""
    from continuum.analysis.readable import analysis_name as name

    return name(code) if code else ""


@register.filter
def parameter_rows(params: dict) -> list:
    """A job's or result's parameters as (label, value in words)."""
    from continuum.datasets.wording import parameter_rows as rows

    return rows(params)


@register.filter
def parameter_changes(changes: list) -> list:
    from continuum.datasets.wording import parameter_changes as rows

    return rows(changes)


@register.filter
def plain_words(text: str) -> str:
    """An engine message as people read it, also for one stored before messages were put in words."""
    from continuum.datasets.mappings import plain_words as words

    return words(text or "")
