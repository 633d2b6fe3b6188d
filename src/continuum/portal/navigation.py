"""The primary navigation: one list, each entry shown only to those whose permission allows it, some with a
count (what needs the user, unread notifications) that the app owning it registers in COUNTS.

A count costs queries, and the navigation is on every page: a page that has computed it already (the workspace,
the notifications list) shows it at once; any other page fetches it after loading (`portal:nav_count`, htmx), so
no page pays for the menu's counts."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from continuum.accounts.access import PUBLIC


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    count: str = ""  # the name of a COUNTS entry shown next to the label
    count_label: str = ""  # what the count counts, for screen readers


# name -> function(request, lazy) -> int | None, registered by the apps built on the portal in their
# AppConfig.ready(); with lazy=True the function answers None unless the page already knows the count.
COUNTS: dict[str, Callable] = {}


PRIMARY = [
    NavItem("Home", "portal:home", PUBLIC),
    NavItem("Programs", "portal:programs", PUBLIC),
    NavItem("Request assistance", "intake:form", PUBLIC),
    NavItem("Sites", "public_sites:active", PUBLIC),
    NavItem("CRI-TAC topics", "critac:catalog", PUBLIC),
    NavItem("Reports", "public_reports:list", PUBLIC),
    NavItem(
        "Workspace",
        "portal:workspace",
        "accounts.use_workspace",
        count="attention",
        count_label="need your attention",
    ),
    NavItem(
        "Notifications", "notifications:list", "accounts.use_workspace", count="unread", count_label="unread"
    ),
    NavItem("Requests", "intake:queue", "intake.list_requests"),
    NavItem("My sites", "sites:list", "sites.list_sites"),
    NavItem("Agencies", "agencies:list", "agencies.list_agencies"),
    NavItem("Metrics", "metrics:dashboard", "metrics.view_dashboard"),
]


def items_for(user, current_path: str, request=None) -> list[dict]:
    """The entries this user may see, with their counts; the current one is the longest URL the path is
    under."""
    items = []
    for item in PRIMARY:
        if item.permission != PUBLIC and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        counter = COUNTS.get(item.count) if request is not None and not _signing_in(request) else None
        count = counter(request, lazy=True) if counter else 0
        items.append(
            {
                "label": item.label,
                "url": url,
                "current": False,
                "count": count,
                "count_label": item.count_label,
                "count_url": reverse("portal:nav_count", args=[item.count]) if counter else "",
            }
        )
    return _mark_current(items, current_path)


def _signing_in(request) -> bool:
    """allauth's pages (log-in, second factor, re-authentication): no counts, whose fetching would be sent on
    by the sign-in security to the next step of the log-in."""
    return request.path.startswith(reverse("account_login").removesuffix("login/"))


def count_of(request, name: str) -> dict | None:
    """The count `name` for the signed-in user, computed now, with its label; None for an unknown name."""
    counter = COUNTS.get(name)
    if counter is None:
        return None
    label = next((item.count_label for item in PRIMARY if item.count == name), "")
    return {"count": counter(request, lazy=False), "count_label": label}


def _mark_current(items: list[dict], current_path: str) -> list[dict]:
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
