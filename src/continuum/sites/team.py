"""Who may be put on a site's team. The program's staff, the people of the site's provider organization and
the subject-matter experts on the program's roster (SMEs of that provider or of the program office) are
offered as a matter of course. An SME of another organization can be added only deliberately: staff confirm it
and record the SME's conflict-of-interest statement, because joining the team opens the site and its data to
them."""

from django.db import transaction
from django.db.models import Q

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from .models import Site, SiteMember


class TeamError(Exception):
    """A person who may not join this team, or a cross-organization SME without confirmation; says why."""


def _active_not_on(site: Site):
    return (
        User.objects.filter(is_active=True)
        .exclude(site_memberships__site=site)
        .select_related("organization")
    )


def roster(site: Site):
    """The people offered for the team as a matter of course."""
    own = Q(role=Role.PROGRAM_STAFF) | Q(role=Role.PROVIDER_STAFF, organization_id=site.provider_id)
    smes = Q(role=Role.SME) & (Q(organization_id=site.provider_id) | Q(organization__kind="program_office"))
    return _active_not_on(site).filter(own | smes).order_by("organization__name", "last_name", "first_name")


def other_smes(site: Site):
    """SMEs of other organizations: offered only with a confirmation and a conflict-of-interest statement."""
    return (
        _active_not_on(site)
        .filter(role=Role.SME)
        .exclude(pk__in=roster(site).values("pk"))
        .order_by("organization__name", "last_name", "first_name")
    )


def add_member(
    site: Site, user, role: str, actor, *, confirmed: bool = False, conflict_statement: str = ""
) -> SiteMember:
    """Put `user` on the team in `role`; all or nothing, audited."""
    statement = (conflict_statement or "").strip()
    if not roster(site).filter(pk=user.pk).exists():
        if not other_smes(site).filter(pk=user.pk).exists():
            raise TeamError(
                f"{user} cannot join this site's team: only program staff, the provider's people and SMEs can."
            )
        if not confirmed or not statement:
            raise TeamError(
                f"{user} is an SME of {user.organization}, not of the site's provider: confirm the addition and "
                "record their conflict-of-interest statement."
            )
    with transaction.atomic():
        member = SiteMember.objects.create(
            site=site, user=user, role=role, added_by=actor, conflict_statement=statement
        )
        changes = {"team": [None, str(member)]}
        if statement:
            changes["conflict-of-interest statement"] = [None, statement]
        record(actor, site, AuditEvent.Action.UPDATED, changes=changes,
               reason="Another organization's SME, confirmed" if statement else "Added to the team")  # fmt: skip
    return member


def label(user) -> str:
    """How the picker names a person: enough to tell two namesakes apart."""
    name = user.get_full_name() or user.email
    return f"{name} — {user.organization}, {user.get_role_display()}, {user.email}"
