"""The primary navigation: one list, each entry shown only to those whose permission allows it."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from continuum.accounts.access import PUBLIC


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str


PRIMARY = [
    NavItem("Home", "portal:home", PUBLIC),
    NavItem("Request assistance", "intake:form", PUBLIC),
    NavItem("Workspace", "portal:workspace", "accounts.use_workspace"),
    NavItem("Requests", "intake:queue", "intake.list_requests"),
    NavItem("Agencies", "agencies:list", "agencies.list_agencies"),
]


def items_for(user, current_path: str) -> list[dict]:
    items = []
    for item in PRIMARY:
        if item.permission != PUBLIC and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
