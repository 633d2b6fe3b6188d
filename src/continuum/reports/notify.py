"""E-mails about a report go to the people on its site (the team and the agency's users)."""

from continuum.sites import notify as site_notify


def report_event(report, event: str, reason: str = "") -> None:
    site_notify.send(
        report.site,
        f"{report.site.title}: report {event}",
        "reports/email/report_event.txt",
        report=report,
        event=event,
        reason=reason,
    )
