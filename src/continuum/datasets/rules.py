"""Data permissions, built from the site predicates. The team asks for data, runs analyses and accepts
datasets; the agency sees its requests, uploads and maps its files and sees the results; nobody else sees any
of it (never the public). Program staff and the assigned provider mark results for the report."""

import rules

from continuum.accounts.rules import is_program_side
from continuum.sites.rules import is_site_agency, is_site_provider, is_site_team

rules.add_perm("datasets.view_data", is_site_team | is_site_agency)
rules.add_perm("datasets.request_data", is_site_team)
rules.add_perm("datasets.upload_data", is_site_team | is_site_agency)
rules.add_perm("datasets.accept_data", is_site_team)
rules.add_perm("datasets.view_standard", is_site_team)
rules.add_perm("datasets.run_analysis", is_site_team)
rules.add_perm("datasets.mark_for_report", is_program_side | is_site_provider)
