"""The one way to write the audit log, and to save a record so that its edit is logged."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEvent


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value, readable in the history."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return f"{user} <{user.email}>" if user.get_full_name() else user.email


def record(
    actor,
    obj: models.Model | None,
    action: str,
    *,
    changes: dict[str, list] | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    ip_address: str | None = None,
    actor_label: str = "",
    using: str | None = None,
) -> AuditEvent:
    """Append one event. `actor` may be None for the system (demo loader, scheduled jobs); `using` names
    another database than the default (a restore into a second database)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.db_manager(using).create(
        actor=user,
        actor_label=actor_label or _label(user),
        action=action,
        content_type=ContentType.objects.db_manager(using).get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        from_state=from_state,
        to_state=to_state,
        changes=changes or {},
        reason=reason,
        ip_address=ip_address,
    )


def field_changes(before: models.Model | None, after: models.Model) -> dict[str, list]:
    """The concrete fields whose values differ, as field → [before, after]."""
    changes = {}
    for field in after._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.name in {"password", "last_login"}:
            continue
        new = field.value_from_object(after)
        old = field.value_from_object(before) if before is not None else None
        if before is None and new in (None, ""):
            continue
        if old != new:
            if field.is_relation:  # the history shows what was linked, not its id
                old = getattr(before, field.name) if before is not None else None
                new = getattr(after, field.name)
            changes[field.name] = [_plain(old), _plain(new)]
    return changes


def save_audited(
    obj: models.Model, actor, *, reason: str = "", fields: list[str] | None = None
) -> models.Model:
    """Save `obj` and log what changed, atomically; nothing is logged when nothing changed.

    With `fields`, only those columns are written (on a locked row): an edit form never overwrites a status or
    a link that a transition changed meanwhile."""
    with transaction.atomic():
        manager = type(obj)._base_manager
        before = None
        if obj.pk:
            before = (manager.select_for_update() if fields else manager).filter(pk=obj.pk).first()
        obj.save(update_fields=fields) if fields and before is not None else obj.save()
        changes = field_changes(before, obj)
        if fields and before is not None:
            changes = {name: change for name, change in changes.items() if name in fields}
        if before is None:
            record(actor, obj, AuditEvent.Action.CREATED, changes=changes, reason=reason)
        elif changes:
            record(actor, obj, AuditEvent.Action.UPDATED, changes=changes, reason=reason)
    return obj


def form_columns(form) -> list[str]:
    """The model columns a ModelForm edits (its many-to-many fields are saved separately)."""
    model = form._meta.model
    return [name for name in form._meta.fields if not model._meta.get_field(name).many_to_many]


def delete_audited(obj: models.Model, actor, *, reason: str = "") -> None:
    with transaction.atomic():
        record(actor, obj, AuditEvent.Action.DELETED, reason=reason)
        obj.delete()


def history(obj: models.Model):
    """Events about one object, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
