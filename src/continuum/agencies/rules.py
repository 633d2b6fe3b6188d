"""Who may see and edit an agency: program staff all, an agency's own people their own."""

import rules

from continuum.accounts.rules import is_agency_executive, is_member_of, is_program_side

rules.add_perm("agencies.list_agencies", is_program_side)
rules.add_perm("agencies.view_agency", is_program_side | is_member_of)
rules.add_perm("agencies.change_agency", is_program_side | (is_agency_executive & is_member_of))
