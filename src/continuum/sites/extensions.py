"""What the apps built on sites contribute to its pages, registered in their AppConfig.ready(), so that sites
imports none of them: which sites are overdue or silent by their measures (delivery), what must hold before a
site closes (CRI-TAC; see transitions.CLOSING_CHECKS)."""

from collections.abc import Callable

from django.db.models import QuerySet

OVERDUE: list[Callable[[QuerySet], set[int]]] = []
SILENT: list[Callable[[QuerySet], set[int]]] = []


def overdue_ids(sites: QuerySet) -> set[int]:
    return set().union(*(measure(sites) for measure in OVERDUE))


def silent_ids(sites: QuerySet) -> set[int]:
    return set().union(*(measure(sites) for measure in SILENT))


def register(registry: list, measure: Callable) -> None:
    if measure not in registry:
        registry.append(measure)
