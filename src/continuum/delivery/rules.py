"""Delivery permissions, built from the site predicates. The team (program staff, provider staff of the
assigned provider, SMEs on the team) logs the work and sees everything; the agency sees what is shared with
it, and may upload documents to its own site; program staff and the provider mark milestones done."""

import rules

from continuum.accounts.rules import is_program_side
from continuum.sites.rules import is_site_agency, is_site_provider, is_site_team

rules.add_perm("delivery.view_delivery", is_site_team | is_site_agency)
rules.add_perm("delivery.view_internal", is_site_team)
rules.add_perm("delivery.log_activity", is_site_team)
rules.add_perm("delivery.log_communication", is_site_team)
rules.add_perm("delivery.upload_document", is_site_team | is_site_agency)
rules.add_perm("delivery.choose_visibility", is_site_team)
rules.add_perm("delivery.mark_milestone", is_program_side | is_site_provider)
