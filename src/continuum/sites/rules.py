"""Site permissions. Program staff: everything. The agency: its own sites, the chief executive alone approves.
Provider staff: the sites assigned to their organization. SMEs: the sites whose team they are on.

Each predicate only calls its `_..._decision` function: mutation testing (`make mutation`) changes plain
functions, never decorated ones, and the ownership checks live in these bodies."""

import rules

from continuum.accounts.roles import Role
from continuum.accounts.rules import is_agency_executive, is_agency_user, is_authenticated, is_program_side


def _is_site_agency_decision(user, site) -> bool:
    return site is not None and is_agency_user(user) and site.agency_id == user.organization_id


@rules.predicate
def is_site_agency(user, site) -> bool:
    return _is_site_agency_decision(user, site)


def _is_site_provider_decision(user, site) -> bool:
    return (
        site is not None
        and is_authenticated(user)
        and user.role == Role.PROVIDER_STAFF
        and site.provider_id is not None
        and site.provider_id == user.organization_id
    )


@rules.predicate
def is_site_provider(user, site) -> bool:
    return _is_site_provider_decision(user, site)


def _is_site_sme_decision(user, site) -> bool:
    return (
        site is not None
        and is_authenticated(user)
        and user.role == Role.SME
        and site.members.filter(user=user).exists()
    )


@rules.predicate
def is_site_sme(user, site) -> bool:
    return _is_site_sme_decision(user, site)


is_site_team = is_program_side | is_site_provider | is_site_sme

rules.add_perm("sites.list_sites", is_authenticated)
rules.add_perm("sites.view_site", is_site_team | is_site_agency)
rules.add_perm("sites.view_internal", is_site_team)
rules.add_perm("sites.manage_site", is_program_side)
rules.add_perm("sites.deliver", is_program_side | is_site_provider)
rules.add_perm("sites.edit_plan", is_program_side | is_site_provider)
rules.add_perm("sites.comment_plan", is_site_agency | is_site_team)
rules.add_perm("sites.approve_plan", is_agency_executive & is_site_agency)
rules.add_perm("sites.return_plan", is_program_side | (is_agency_executive & is_site_agency))
