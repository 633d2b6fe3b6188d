"""Site visibility: program staff all, the agency its own, a provider's people the sites assigned to it."""

import rules

from continuum.accounts.rules import is_agency_user, is_program_side, is_provider_user


@rules.predicate
def is_site_agency(user, site) -> bool:
    return site is not None and is_agency_user(user) and site.agency_id == user.organization_id


@rules.predicate
def is_site_provider(user, site) -> bool:
    return site is not None and is_provider_user(user) and site.provider_id == user.organization_id


rules.add_perm("sites.view_site", is_program_side | is_site_agency | is_site_provider)
