"""The program's figures are for program staff only."""

import rules

from continuum.accounts.rules import is_program_side

rules.add_perm("metrics.view_dashboard", is_program_side)
