"""The public home page and the role-aware navigation and workspace."""

import re

import pytest


def test_home_explains_the_program(client, db):
    html = client.get("/").content.decode()
    assert "An official website of the United States government" in html
    for program in ["CRI-TAC", "Critical Response", "Organizational Assessment"]:
        assert program in html
    assert "/static/vendor/uswds/css/uswds.min.css" in html and "/static/vendor/htmx/htmx.min.js" in html
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/") for url in assets), assets  # no CDN: every asset is ours


def test_uswds_and_htmx_are_served_locally(client, db):
    for path in ["/static/vendor/uswds/css/uswds.min.css", "/static/vendor/htmx/htmx.min.js"]:
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "who,shown,hidden",
    [
        (None, ["Home", "Sign in"], ["Workspace", "Agencies", "Sign out"]),
        ("executive_a", ["Home", "Workspace", "Sign out"], ["Agencies"]),
        ("provider_a", ["Workspace"], ["Agencies"]),
        ("staff", ["Workspace", "Agencies"], ["Sign in"]),
    ],
)
def test_navigation_follows_the_role(client, users, login, who, shown, hidden):
    if who:
        login(users[who])
    nav = client.get("/").content.decode().split('class="usa-nav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r"<(a|button)\b[^>]*>(.*?)</\1>", nav, flags=re.DOTALL)
    labels = {" ".join(re.sub(r"<[^>]+>", " ", text).split()) for _, text in links}
    for label in shown:
        assert label in labels, label
    for label in hidden:
        assert label not in labels, label


def test_workspace_shows_what_belongs_to_the_role(client, users, orgs, login):
    login(users["executive_a"])
    html = client.get("/workspace/").content.decode()
    assert "Columbus (OH) Division of Police" in html and "approve work plans" in html
    assert "Fargo" not in html
    login(users["staff"])
    html = client.get("/workspace/").content.decode()
    assert "knows 2 agencies" in html


def test_nul_characters_are_refused_at_the_door(client, users, login):
    assert client.get("/api/public/reports", {"state": "O\x00H"}).status_code == 400
    assert (
        client.post(
            "/api/requests", '{"requester_name": "a\\u0000b"}', content_type="application/json"
        ).status_code
        == 400
    )
    login(users["staff"])
    assert client.get("/requests/", {"q": "x\x00"}).status_code == 400
    assert client.get("/requests/", {"q": "ordinary"}).status_code == 200
