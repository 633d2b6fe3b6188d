"""The database in a portable form: every table's rows as JSON Lines, written and read by Django's serializers.

Why not pg_dump or SQLite's own backup: a native dump restores only into the same engine, while the serialized
rows restore anywhere Django runs, so a backup taken on SQLite restores on PostgreSQL and the other way round.
Every model is dumped on its own, auto-created many-to-many tables included, with primary keys kept, so foreign
keys, generic relations (content type ids) and links in the audit log survive unchanged. Rows are inserted raw
(no model `save()` logic, no signals, timestamps kept), in batches; foreign keys are checked at the end."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from .archive import ArchiveWriter, BackupError

Progress = Callable[[str, int, int], None]
#: What makes an instance "hold data": a fresh, migrated installation has none of these.
CONTENT_MODELS = {"users": settings.AUTH_USER_MODEL, "sites": "sites.Site", "requests": "intake.Request"}


def migration_state(using: str) -> dict[str, list[str]]:
    """The applied migrations, by app: a backup restores only into a database with the same schema."""
    state: dict[str, list[str]] = defaultdict(list)
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        state[app_label].append(name)
    return {app_label: sorted(names) for app_label, names in sorted(state.items())}


class _Encoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds of a time (ECMA-262); a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def pending_migrations(using: str) -> list[str]:
    """Migrations the code has and the database lacks: their tables are missing, so nothing can be dumped."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def describe_difference(backup: dict[str, list[str]], here: dict[str, list[str]]) -> str:
    """Per app, the migrations only one side has (the first and last of a long run)."""

    def names(found: set[str]) -> str:
        ordered = sorted(found)
        return ", ".join(ordered) if len(ordered) <= 3 else f"{len(ordered)}: {ordered[0]} … {ordered[-1]}"

    lines = []
    for app_label in sorted(set(backup) | set(here)):
        theirs, ours = set(backup.get(app_label, [])), set(here.get(app_label, []))
        if theirs - ours:
            lines.append(f"{app_label}: only in the backup {names(theirs - ours)}")
        if ours - theirs:
            lines.append(f"{app_label}: only in this instance {names(ours - theirs)}")
    return "; ".join(lines)


def models_in_order(using: str) -> list[type[Model]]:
    """Every table Django manages here, referenced tables before the tables that point at them."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and router.allow_migrate_model(using, m)
    ]
    known = set(models)
    graph = {
        m: {f.related_model._meta.concrete_model for f in m._meta.local_fields if f.is_relation} & known - {m}
        for m in models
    }
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError:  # foreign keys are deferred until commit, so any order loads; this one is tidier
        return models


def _serialized_fields(model: type[Model]) -> set[str]:
    """Local columns only: many-to-many links are dumped as their own (auto-created) through tables."""
    return {name for f in model._meta.local_fields for name in (f.name, f.attname)}


def holds_data(using: str) -> list[str]:
    """What the database already holds that a restore would replace, e.g. ["12 users", "3 sites"]."""
    found = []
    for label, model_name in CONTENT_MODELS.items():
        count = apps.get_model(model_name)._base_manager.using(using).count()
        if count:
            found.append(f"{count} {label}")
    return found


@contextmanager
def snapshot(using: str) -> Iterator[None]:
    """One consistent, read-only view of every table while they are dumped, without blocking writers."""
    connection = connections[using]
    if connection.in_atomic_block:  # already inside a transaction (a test, a caller's): it is the snapshot
        yield
        return
    if connection.vendor == "sqlite":
        # A deferred transaction reads one WAL snapshot and takes no write lock (settings ask for IMMEDIATE).
        connection.ensure_connection()
        mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def dump(using: str, writer: ArchiveWriter, progress: Progress | None = None) -> list[dict]:
    """Write every model's rows into its own archive member, in primary-key order; returns their list."""
    dumped = []
    models = models_in_order(using)
    for number, model in enumerate(models, start=1):
        queryset = model._base_manager.using(using).order_by("pk")
        member = f"database/{number:03d}-{model._meta.label_lower}.jsonl"
        count = queryset.count()
        with writer.text_member(member) as stream:
            serializers.serialize(
                "jsonl",
                queryset.iterator(chunk_size=2000),
                stream=stream,
                fields=_serialized_fields(model),
                cls=_Encoder,
            )
        dumped.append({"model": model._meta.label_lower, "member": member, "count": count})
        if progress:
            progress("database", number, len(models))
    return dumped


BATCH = 1000


def _insert_raw(model: type[Model], objects: list[Model], using: str) -> None:
    """INSERT the rows as they are, many per statement. `bulk_create` would stamp `auto_now` fields with the
    time of the restore; a raw insert (what `Model.save_base(raw=True)` does, one row at a time) keeps them."""
    fields = model._meta.local_concrete_fields
    size = max(connections[using].ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), size):
        model._base_manager.using(using)._insert(objects[start : start + size], fields=fields, raw=True)


def replace_all(using: str, dumped: list[dict], directory: Path, progress: Progress | None = None) -> None:
    """Empty every table and load the dumped rows into them. Call inside a transaction: on any error nothing
    of it stays."""
    connection = connections[using]
    models = models_in_order(using)
    here = {m._meta.label_lower for m in models}
    theirs = {entry["model"] for entry in dumped}
    if here != theirs:
        raise BackupError(
            f"the backup's tables do not match this instance's (only in the backup: {sorted(theirs - here)}, "
            f"only here: {sorted(here - theirs)})"
        )
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    connection.check_constraints()  # PostgreSQL will not truncate a table with checks still pending
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    for number, entry in enumerate(dumped, start=1):
        model, loaded, batch = apps.get_model(entry["model"]), 0, []
        with (directory / entry["member"]).open(encoding="utf-8") as stream:
            try:
                for row in serializers.deserialize("jsonl", stream, using=using):
                    if type(row.object) is not model:
                        raise BackupError(f"{entry['member']} holds a {row.object._meta.label_lower} row")
                    batch.append(row.object)
                    loaded += 1
                    if len(batch) == BATCH:
                        _insert_raw(model, batch, using)
                        batch = []
                _insert_raw(model, batch, using)
            except (DeserializationError, IntegrityError, ValueError) as exc:
                raise BackupError(f"{entry['model']} rows cannot be restored: {exc}") from exc
        if loaded != entry["count"]:
            raise BackupError(
                f"{entry['model']}: the backup holds {loaded} rows, its manifest says {entry['count']}"
            )
        if progress:
            progress("database", number, len(dumped))
    try:
        connection.check_constraints()
    except IntegrityError as exc:
        raise BackupError(f"the restored rows do not hold together: {exc}") from exc
    with connection.cursor() as cursor:  # PostgreSQL: the next id after the restored ones (SQLite: nothing)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
