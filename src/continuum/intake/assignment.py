"""Who looks after a request: one program staff member (the owner) until it is decided. Assigning is a record
on the request, audited, all or nothing for a bulk assignment."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from continuum.accounts.roles import Role
from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from .models import Request


class AssignmentError(Exception):
    """An owner who may not own requests; the message says why."""


def _name(user) -> str | None:
    return (user.get_full_name() or user.email) if user is not None else None


def assign(requests, owner, actor) -> int:
    """Make `owner` (None: no one) the owner of every request in `requests`; returns how many changed."""
    if owner is not None and not (owner.is_active and owner.role == Role.PROGRAM_STAFF):
        raise AssignmentError("Requests can be assigned only to the program's active staff.")
    changed = 0
    with transaction.atomic():
        locked = list(
            Request.objects.select_for_update().filter(pk__in=[r.pk for r in requests]).order_by("pk")
        )
        for request in locked:
            if not actor.has_perm("intake.assign_request", request):
                raise PermissionDenied
        for request in locked:
            if request.owner_id == (owner.pk if owner else None):
                continue
            before = _name(request.owner)
            request.owner = owner
            request.save(update_fields=["owner", "updated_at"])
            record(actor, request, AuditEvent.Action.UPDATED, changes={"owner": [before, _name(owner)]},
                   reason="Assigned" if owner else "Unassigned")  # fmt: skip
            changed += 1
    return changed
