"""The work plan's panel on the site page, contributed by this app (sites knows nothing of plans)."""

from django import template

from continuum.workplans import plans

register = template.Library()


@register.inclusion_tag("workplans/_site_panel.html")
def plan_summary(site):
    return {"site": site, "approved_plan": plans.approved(site), "latest_plan": plans.latest(site)}
