"""Who may see and act on requests for assistance.

Each predicate only calls its `_..._decision` function: mutation testing (`make mutation`) changes plain
functions, never decorated ones, and the ownership checks live in these bodies."""

import rules

from continuum.accounts.rules import is_agency_executive, is_agency_user, is_program_side, is_provider_user
from continuum.sites.rules import is_site_team


def _is_request_agency_decision(user, request) -> bool:
    return (
        request is not None
        and is_agency_user(user)
        and request.agency_id is not None
        and request.agency_id == user.organization_id
    )


@rules.predicate
def is_request_agency(user, request) -> bool:
    return _is_request_agency_decision(user, request)


def _is_request_provider_decision(user, request) -> bool:
    """Provider staff and SMEs see a request once the site it became is theirs."""
    return request is not None and request.site_id is not None and is_site_team(user, request.site)


@rules.predicate
def is_request_provider(user, request) -> bool:
    return _is_request_provider_decision(user, request)


rules.add_perm("intake.list_requests", is_program_side | is_agency_user | is_provider_user)
rules.add_perm("intake.view_request", is_program_side | is_request_agency | is_request_provider)
rules.add_perm("intake.view_internal", is_program_side)
rules.add_perm("intake.view_letter", is_program_side | is_request_agency)
rules.add_perm("intake.triage_request", is_program_side)
rules.add_perm("intake.withdraw_request", is_request_agency)


def _is_request_chief_decision(user, request) -> bool:
    """The chief executive of the request's own agency: the one person whose word authorizes it."""
    return is_agency_executive(user) and _is_request_agency_decision(user, request)


@rules.predicate
def is_request_chief(user, request) -> bool:
    return _is_request_chief_decision(user, request)


# The written authorization: asked for and a letter attached by staff or the agency; signed by its chief.
rules.add_perm("intake.ask_authorization", is_program_side | is_request_agency)
rules.add_perm("intake.attach_letter", is_program_side | is_request_agency)
rules.add_perm("intake.authorize_request", is_request_chief)
rules.add_perm("intake.assign_request", is_program_side)
