"""Notifications are made in one place: after any lifecycle step commits (continuum.workflow.AFTER_STEP), for
each person concerned by the record who may see it, the actor aside. Whoever may take a step on the record
now is told it needs their action and is e-mailed, at once or in their daily digest as they chose.

Who is concerned: for a request, its agency's users and the program staff; for anything of a site (the site,
its plans, reports, implementation proposals), the site's team, its provider's staff and its agency's users.
Each of them is then asked the record's own permission (`may_see`), so a draft plan or a report in internal
review never reaches the agency, and another agency or provider never hears of it.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.assessment.models import Proposal
from continuum.intake.models import Request
from continuum.reports.models import Report
from continuum.sites.models import Site
from continuum.workflow import Lifecycle, Move
from continuum.workplans.models import WorkPlan
from continuum.workplans.plans import SHOWN_TO_AGENCY

from . import email
from .models import Notification


def site_of(obj) -> Site | None:
    if isinstance(obj, Site):
        return obj
    if isinstance(obj, WorkPlan | Report):
        return obj.site
    if isinstance(obj, Proposal):
        return obj.implementation.site
    return None


def may_see(user, obj) -> bool:
    """Whether `user` may open `obj`, by the permission its own pages check."""
    if isinstance(obj, Request):
        return user.has_perm("intake.view_request", obj)
    if isinstance(obj, Report):
        return user.has_perm("reports.view_report", obj)
    if isinstance(obj, WorkPlan):
        return user.has_perm("sites.view_internal", obj.site) or (
            user.has_perm("sites.view_site", obj.site) and obj.status in SHOWN_TO_AGENCY
        )
    if isinstance(obj, Proposal):
        return user.has_perm("assessment.view_tracking", obj.implementation.site)
    if isinstance(obj, Site):
        return user.has_perm("sites.view_site", obj)
    return False


def candidates(obj):
    """The people concerned by `obj`, before its permission is asked."""
    active = User.objects.filter(is_active=True)
    if isinstance(obj, Request):
        concerned = Q(role=Role.PROGRAM_STAFF)
        if obj.agency_id:
            concerned |= Q(organization_id=obj.agency_id)
        return active.filter(concerned)
    site = site_of(obj)
    if site is None:
        return active.none()
    concerned = Q(site_memberships__site=site) | Q(organization_id=site.agency_id)
    if site.provider_id:
        concerned |= Q(organization_id=site.provider_id, role=Role.PROVIDER_STAFF)
    return active.filter(concerned).distinct()


def url_of(obj) -> str:
    if isinstance(obj, WorkPlan):
        return reverse("workplans:version", kwargs={"site_pk": obj.site_id, "version": obj.version})
    if isinstance(obj, Proposal):
        implementation = obj.implementation
        return reverse("assessment:item", kwargs={"site_pk": implementation.site_id, "pk": implementation.pk})
    return obj.get_absolute_url()


def describe(lifecycle: Lifecycle, move: Move) -> str:
    actor = move.actor if getattr(move.actor, "is_authenticated", False) else None
    who = str(actor) if actor else "The requester"
    state = lifecycle.state_label(move.after).lower()
    return f"{who}: “{move.step.label}”. The {lifecycle.noun} is now {state}."[:500]


def needs(lifecycle: Lifecycle, obj, user, actor) -> bool:
    """Whether the step left `obj` waiting for `user`: they may take a step on it now, and the step was not
    their own side's (a colleague of program staff deciding a request does not ask the others to act)."""
    if getattr(actor, "is_program_side", False) and user.is_program_side:
        return False
    return any(
        not step.danger for step in lifecycle.available(obj, user)
    )  # withdrawing is never asked of anyone


def after_step(lifecycle: Lifecycle, obj, move: Move) -> list[Notification]:
    """Notify everyone concerned who may see `obj` of the step just taken (the AFTER_STEP hook)."""
    actor_pk = getattr(move.actor, "pk", None)
    text, url, label = describe(lifecycle, move), url_of(obj), str(obj)[:300]
    now = timezone.now()
    made = []
    for user in candidates(obj).exclude(pk=actor_pk) if actor_pk else candidates(obj):
        if not may_see(user, obj):
            continue
        made.append(
            Notification(
                user=user, created_at=now, record_label=label, text=text, message=move.message, url=url,
                actor_label=str(move.actor) if actor_pk else "", needs_action=needs(lifecycle, obj, user, move.actor),
            )
        )  # fmt: skip
    Notification.objects.bulk_create(made)
    acting = [n for n in made if n.needs_action]
    move.told.update(
        n.user.email.lower() for n in acting if n.user.email
    )  # the step's own e-mail leaves them out
    email.send_immediate(acting)
    return made
