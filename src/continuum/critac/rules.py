"""CRI-TAC permissions. Program staff route requests and record deliveries; the partner assigned to a site records
its deliveries; the site's agency and team see them."""

import rules

from continuum.accounts.rules import is_authenticated, is_program_side
from continuum.sites.rules import is_site_agency, is_site_provider, is_site_team

rules.add_perm("critac.list_engagements", is_authenticated)
rules.add_perm("critac.route_request", is_program_side)
rules.add_perm("critac.view_deliveries", is_site_team | is_site_agency)
rules.add_perm("critac.record_delivery", is_program_side | is_site_provider)
