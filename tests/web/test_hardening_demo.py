"""The demo program crawled as each role (issue 10, item 4; see test_hardening.py): every page it links carries
the Content Security Policy and no inline code, and every POST form it shows answers empty and garbage posts
without a server error. The demo is loaded once for the module (`demo_program`); each test's posts are rolled
back with its own transaction."""

import re
from collections import Counter

import pytest
from django.urls import Resolver404, resolve

from tests.web.test_hardening import GARBAGE, INLINE

LINK = re.compile(r"""href=["'](/[^"'#?]*)""")
NOT_PAGES = ("/static/", "/admin/", "/api/", "/accounts/logout")
DOWNLOADS = re.compile(r"(\.(pdf|docx|csv|xlsx|parquet|zip)|/download/\w+/|/letter/|/document/)$")


POST_FORM = re.compile(r"<form\b([^>]*\bmethod=[\"']?post[^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r"""action=["']([^"']+)["']""")
FIELD_NAME = re.compile(r"""name=["']([^"']+)["']""")


def _crawl(client):
    """The demo program's pages a signed-in user is shown, from the home page and the workspace, following every
    link: two pages of every kind (URL pattern), so the crawl is broad and bounded. Yields (path, response)."""
    queue, seen, per_route = ["/", "/workspace/"], set(), Counter()
    while queue:
        path = queue.pop(0)
        if path in seen or path.startswith(NOT_PAGES) or DOWNLOADS.search(path):
            continue
        seen.add(path)
        try:
            route = resolve(path).route
        except Resolver404:
            continue
        per_route[route] += 1
        if per_route[route] > 2:
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield path, response
            queue += [link for link in LINK.findall(response.content.decode()) if link not in seen]


def _demo_user(role):
    from continuum.accounts.models import User

    return User.objects.filter(role=role).order_by("pk").first()


@pytest.mark.parametrize("role", ["program_staff", "agency_executive", "provider_staff"])
def test_every_page_of_the_demo_program_carries_the_csp_and_no_inline_code(client, db, demo_program, role):
    """Every HTML page a user of the role can reach answers with the policy and holds no inline code."""
    from tests.conftest import sign_in

    sign_in(client, _demo_user(role))
    pages = 0
    for path, response in _crawl(client):
        pages += 1
        assert "script-src 'self'" in response["Content-Security-Policy"], path
        assert INLINE.findall(response.content.decode()) == [], path
    assert pages >= 20


@pytest.mark.parametrize("role", ["program_staff", "agency_executive", "provider_staff", "administrator"])
def test_every_form_of_the_demo_program_answers_empty_and_garbage_posts(client, db, demo_program, role):
    """Every POST form on the pages the role reaches, sent back empty and then with garbage in every field, is
    answered without a server error (the server validates it; nothing relies on the browser)."""
    from tests.conftest import sign_in

    user = _demo_user(role)
    sign_in(client, user)
    forms_seen: dict[str, set[str]] = {}
    for path, response in _crawl(client):
        for attributes, body in POST_FORM.findall(response.content.decode()):
            action = ACTION.search(attributes)
            target = action.group(1) if action else path
            if not target.startswith("/accounts/"):  # allauth's own forms (log-out, 2FA) are theirs to test
                forms_seen.setdefault(target, set()).update(FIELD_NAME.findall(body))
    assert len(forms_seen) >= 5
    for target, names in sorted(forms_seen.items()):
        for data in ({}, dict.fromkeys(names - {"csrfmiddlewaretoken"}, GARBAGE)):
            assert client.post(target, data).status_code < 500, (target, data)
            sign_in(client, user)  # in case the post ended the session
