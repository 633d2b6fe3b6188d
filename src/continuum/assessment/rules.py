"""OA tracking: the agency proposes, the assessor (program staff or the site's provider team) verifies."""

import rules

from continuum.accounts.rules import is_program_side
from continuum.sites.rules import is_site_agency, is_site_provider, is_site_sme, is_site_team

rules.add_perm("assessment.view_tracking", is_site_team | is_site_agency)
rules.add_perm("assessment.propose", is_site_agency)
rules.add_perm("assessment.verify", is_program_side | is_site_provider | is_site_sme)
rules.add_perm("assessment.manage", is_program_side | is_site_provider)
rules.add_perm("assessment.publish", is_program_side)
