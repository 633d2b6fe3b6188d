"""What the apps built on sites contribute to its pages, registered in their AppConfig.ready(), so that sites
imports none of them: which sites are overdue or silent by their measures (delivery), what must hold before a
site closes (CRI-TAC; see transitions.CLOSING_CHECKS), what each site has published (reports, progress
reports) for the public list of sites."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

OVERDUE: list[Callable[[QuerySet], set[int]]] = []
SILENT: list[Callable[[QuerySet], set[int]]] = []


@dataclass(frozen=True)
class Publication:
    """A public document of a site (its report, a progress report), as the public list of sites links it."""

    site_id: int
    title: str
    url: str
    published_on: datetime.date
    kind: str


# Each returns the publications of the given sites, in one query whatever their number.
PUBLICATIONS: list[Callable[[list[int]], Iterable[Publication]]] = []


def publications(site_ids: Iterable[int]) -> dict[int, list[Publication]]:
    """The public documents of each site, oldest first: one query per contributing app."""
    ids = list(site_ids)
    found: dict[int, list[Publication]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for source in PUBLICATIONS:
        for item in source(ids):
            found[item.site_id].append(item)
    for items in found.values():
        items.sort(key=lambda item: item.published_on)
    return found


def overdue_ids(sites: QuerySet) -> set[int]:
    return set().union(*(measure(sites) for measure in OVERDUE))


def silent_ids(sites: QuerySet) -> set[int]:
    return set().union(*(measure(sites) for measure in SILENT))


def register(registry: list, measure: Callable) -> None:
    if measure not in registry:
        registry.append(measure)
