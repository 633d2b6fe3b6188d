"""Report permissions, on the report's site. Program staff and the site's provider draft; program staff review,
approve and publish; the agency reads and comments from its factual-accuracy review on; the public reads only
published versions (checked by the querysets, not here).

Each predicate only calls its `_..._decision` function: mutation testing (`make mutation`) changes plain
functions, never decorated ones, and the ownership checks live in these bodies."""

import rules

from continuum.accounts.rules import is_authenticated, is_program_side
from continuum.sites.rules import is_site_agency, is_site_provider, is_site_team


def _site(obj):
    return getattr(obj, "site", obj)


def _team_decision(user, obj) -> bool:
    return obj is not None and is_site_team(user, _site(obj))


@rules.predicate
def _team(user, obj) -> bool:
    return _team_decision(user, obj)


def _drafter_decision(user, obj) -> bool:
    return obj is not None and (is_program_side(user) or is_site_provider(user, _site(obj)))


@rules.predicate
def _drafter(user, obj) -> bool:
    return _drafter_decision(user, obj)


def _agency_in_review_decision(user, report) -> bool:
    from .models import Report

    return (
        report is not None
        and isinstance(report, Report)
        and is_site_agency(user, report.site)
        and report.status in Report.AGENCY_STATES
    )


@rules.predicate
def _agency_in_review(user, report) -> bool:
    return _agency_in_review_decision(user, report)


def _agency_of_site_decision(user, obj) -> bool:
    return obj is not None and is_site_agency(user, _site(obj))


@rules.predicate
def _agency_of_site(user, obj) -> bool:
    return _agency_of_site_decision(user, obj)


rules.add_perm("reports.list_reports", is_authenticated)
rules.add_perm("reports.view_site_reports", _team | _agency_of_site)
rules.add_perm("reports.view_report", _team | _agency_in_review)
rules.add_perm("reports.draft_report", _drafter)
rules.add_perm("reports.review_report", is_program_side)
rules.add_perm("reports.comment_report", _team | _agency_in_review)
rules.add_perm("reports.factual_review", _agency_of_site)
