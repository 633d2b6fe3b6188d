"""E-mails about a report. Once the agency has the draft (its factual-accuracy review on), everyone on the site
hears of each step; before that, only the team: a draft in internal review is not the agency's business yet."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from continuum.accounts.models import User
from continuum.sites import notify as site_notify

from .models import Report


def team(site) -> list[str]:
    return sorted(
        set(User.objects.filter(site_memberships__site=site, is_active=True).values_list("email", flat=True))
    )


def report_event(report: Report, event: str, reason: str = "", told=()) -> None:
    site = report.site
    subject = f"{site.title}: report {event}"
    template = "reports/email/report_event.txt"
    if report.status in Report.AGENCY_STATES:
        site_notify.send(site, subject, template, told=told, report=report, event=event, reason=reason)
        return
    to = [address for address in team(site) if address.lower() not in told]
    if to:
        context = {
            "site": site,
            "site_url": settings.SITE_URL,
            "report": report,
            "event": event,
            "reason": reason,
        }
        send_mail(subject, render_to_string(template, context), None, to)
