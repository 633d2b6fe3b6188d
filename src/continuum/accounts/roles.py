"""The roles of DESIGN.md. The public has no account; everyone else has exactly one role."""

from django.db import models


class Role(models.TextChoices):
    AGENCY_EXECUTIVE = "agency_executive", "Agency chief executive"
    AGENCY_LIAISON = "agency_liaison", "Agency liaison"
    PROGRAM_STAFF = "program_staff", "Program staff"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    SME = "sme", "Subject-matter expert"
    ADMINISTRATOR = "administrator", "Administrator"


AGENCY_ROLES = frozenset({Role.AGENCY_EXECUTIVE, Role.AGENCY_LIAISON})
PROGRAM_ROLES = frozenset({Role.PROGRAM_STAFF, Role.ADMINISTRATOR})
PROVIDER_ROLES = frozenset({Role.PROVIDER_STAFF, Role.SME})

# Which kind of organization each role must belong to.
ORGANIZATION_KIND_FOR_ROLE = {
    Role.AGENCY_EXECUTIVE: "agency",
    Role.AGENCY_LIAISON: "agency",
    Role.PROGRAM_STAFF: "program_office",
    Role.ADMINISTRATOR: "program_office",
    Role.PROVIDER_STAFF: "provider",
    Role.SME: "provider",
}
