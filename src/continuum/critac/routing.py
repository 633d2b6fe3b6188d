"""Routing a CRI-TAC request to a partner association: suggestions ranked by how many of the request's topics the
partner covers, and the routing itself, which is accepting the request into a CRI-TAC site with that partner."""

from dataclasses import dataclass, field

from django.db.models import Count

from continuum.agencies.models import ProviderOrganization
from continuum.catalog.models import Program
from continuum.intake import transitions
from continuum.intake.models import Request
from continuum.sites.models import Site

from .models import Partner


class RoutingError(transitions.TransitionError):
    """The partner or the request does not allow routing; the message says why."""


@dataclass
class Suggestion:
    partner: Partner
    covered: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    active_engagements: int = 0

    @property
    def score(self) -> int:
        return len(self.covered)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missing)


def suggestions(request: Request) -> list[Suggestion]:
    """Every partner, those covering most of the request's topics first; among equals the least busy (fewest
    active CRI-TAC engagements), then by name. Three queries whatever the number of partners."""
    topics = list(request.topics.all())
    load = dict(
        Site.objects.active()
        .filter(program=Program.CRI_TAC, provider__isnull=False)
        .values_list("provider")
        .annotate(n=Count("pk"))
    )
    ranked = []
    for partner in Partner.objects.with_coverage().filter(
        provider__provider_type=ProviderOrganization.Type.CRI_TAC_PARTNER
    ):
        covered = [t for t in topics if partner.covers(t)]
        missing = [t for t in topics if not partner.covers(t)]
        ranked.append(Suggestion(partner, covered, missing, load.get(partner.provider_id, 0)))
    ranked.sort(key=lambda s: (-s.score, s.active_engagements, s.partner.provider.name))
    return ranked


def route(
    request: Request, actor, partner: Partner, reason: str, *, title: str = "", message: str = ""
) -> Request:
    """Accept the request into a CRI-TAC technical-assistance site delivered by `partner` (the intake transition
    checks the permission, the open flags and the status, and writes the audit log)."""
    if partner.provider.provider_type != ProviderOrganization.Type.CRI_TAC_PARTNER:
        raise RoutingError(f"{partner.provider} is not a CRI-TAC partner association.")
    if request.program_wanted not in (Program.CRI_TAC, Request.ProgramWanted.NOT_SURE):
        raise RoutingError(
            f"The request asks for {request.get_program_wanted_display()}; refer it to CRI-TAC before routing."
        )
    return transitions.accept(
        request, actor, reason, program=Program.CRI_TAC, ta_type=Site.TAType.TECHNICAL_ASSISTANCE, title=title,
        provider=partner.provider, message=message,
    )  # fmt: skip
