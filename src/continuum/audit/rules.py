import rules

from continuum.accounts.rules import is_program_side

rules.add_perm("audit.view_history", is_program_side)
