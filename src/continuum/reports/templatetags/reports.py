"""Report links for the site pages: `{% site_reports site user %}` (workspace) and `{% public_reports site %}`."""

from django import template

from .. import prose
from ..models import Report

register = template.Library()


@register.inclusion_tag("reports/_site_reports.html")
def site_reports(site, user):
    can_see = user.has_perm("reports.view_site_reports", site)
    reports = [r for r in site.reports.all() if user.has_perm("reports.view_report", r)] if can_see else []
    return {
        "site": site,
        "reports": reports,
        "can_see": can_see,
        "can_draft": user.has_perm("reports.draft_report", site),
    }


@register.inclusion_tag("reports/_public_reports.html")
def public_reports(site):
    return {
        "reports": list(
            Report.objects.filter(site=site, status=Report.Status.PUBLISHED).order_by("-published_at")
        )
    }


@register.filter
def plain_text(text: str) -> str:
    """Report Markdown as rendered text, for excerpts: `{{ report.executive_summary|plain_text|truncatewords:40 }}`."""
    return prose.plain(text)
