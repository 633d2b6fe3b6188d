"""Numbers come from order, never from stored text: Finding 1, 2, … through the report; recommendations
1.1, 1.2 under their finding; notes, exhibits and appendices in sequence. Reordering renumbers everything."""

from string import ascii_uppercase

from django.db import transaction
from django.db.models import Max


def finding_numbers(report) -> dict[int, int]:
    return {pk: i for i, pk in enumerate(report.findings.values_list("pk", flat=True), start=1)}


def recommendation_numbers(report) -> dict[int, str]:
    findings = finding_numbers(report)
    numbers: dict[int, str] = {}
    counters: dict[int, int] = {}
    from .models import Recommendation

    for pk, finding_id in (
        Recommendation.objects.filter(finding__report=report)
        .order_by("finding__position", "finding__pk", "position", "pk")
        .values_list("pk", "finding_id")
    ):
        counters[finding_id] = counters.get(finding_id, 0) + 1
        numbers[pk] = f"{findings[finding_id]}.{counters[finding_id]}"
    return numbers


def note_numbers(report) -> dict[str, int]:
    """Footnote key → number."""
    return {key: i for i, key in enumerate(report.footnotes.values_list("key", flat=True), start=1)}


def appendix_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = ascii_uppercase[rem] + letters
    return letters


def next_position(queryset) -> int:
    return (queryset.aggregate(p=Max("position"))["p"] or 0) + 1


def move(item, siblings, direction: int) -> bool:
    """Swap `item` with its neighbour (direction -1 up, +1 down) among `siblings`; False at either end."""
    ordered = list(siblings.order_by("position", "pk"))
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = index + direction
    if target < 0 or target >= len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    with transaction.atomic():
        for position, other in enumerate(ordered, start=1):
            if other.position != position:
                other.position = position
                other.save(update_fields=["position"])
    return True
