"""E-mails to the people on a site: its team and the agency's users."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from continuum.accounts.models import User

from .models import Site


def recipients(site: Site) -> list[str]:
    team = User.objects.filter(site_memberships__site=site, is_active=True)
    agency = User.objects.filter(organization_id=site.agency_id, is_active=True)
    return sorted(set(team.values_list("email", flat=True)) | set(agency.values_list("email", flat=True)))


def send(site: Site, subject: str, template: str, told=(), **context) -> None:
    """E-mail everyone on the site but those already `told` (e-mailed that the step needs their action)."""
    to = [address for address in recipients(site) if address.lower() not in told]
    if not to:
        return
    body = render_to_string(template, {"site": site, "site_url": settings.SITE_URL, **context})
    send_mail(subject, body, None, to)


def status_changed(site: Site, before: str, reason: str, told=()) -> None:
    send(
        site,
        f"{site.title}: now {site.get_status_display().lower()}",
        "sites/email/status_changed.txt",
        before=Site.Status(before).label,
        reason=reason,
        told=told,
    )
