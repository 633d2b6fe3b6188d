"""Feedback permissions: program staff send surveys; the site's team reads the answers; the agency, whose people
answer, does not see the others' answers."""

import rules

from continuum.accounts.rules import is_program_side
from continuum.sites.rules import is_site_team

rules.add_perm("feedback.view_results", is_site_team)
rules.add_perm("feedback.send_survey", is_program_side)
