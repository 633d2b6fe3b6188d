from django import template

from continuum.delivery import contact, milestones

register = template.Library()


@register.inclusion_tag("delivery/_summary.html")
def delivery_summary(site, user) -> dict:
    """Delivery at a glance for the site page: contact, milestones, the latest communications, the pages."""
    if not user.has_perm("delivery.view_delivery", site):
        return {"visible": False}
    return {
        "visible": True,
        "site": site,
        "days_since": contact.days_since_last_contact(site),
        "last_contact_on": contact.last_contact_on(site),
        "threshold": contact.threshold_days(site.program),
        "silent": contact.is_silent(site),
        "counts": milestones.counts(milestones.milestones(site)),
        "latest": list(contact.visible_communications(site, user)[:3]),
        "internal": user.has_perm("delivery.view_internal", site),
    }
