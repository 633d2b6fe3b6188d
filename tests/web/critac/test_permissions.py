"""Who opens the CRI-TAC pages: anonymous, the site's agency and another agency, the assigned partner and another
provider, program staff."""

import pytest

from continuum.critac.models import Delivery

from . import factories

SITE_PAGE = {
    "anonymous": 302,
    "executive_a": 200,
    "liaison_a": 200,
    "executive_b": 404,
    "liaison_b": 404,
    "partner_iacp": 200,
    "partner_nsa": 404,
    "provider_a": 404,
    "staff": 200,
    "admin": 200,
}
CAN_RECORD = {"partner_iacp", "staff", "admin"}


def _user(who, users, partner_users):
    if who.startswith("partner_"):
        return partner_users[who.removeprefix("partner_")]
    return users[who]


@pytest.mark.parametrize("who", SITE_PAGE)
def test_delivery_page(client, login, users, partner_users, engagement, who):
    if who != "anonymous":
        login(_user(who, users, partner_users))
    url = f"/workspace/sites/{engagement.pk}/cri-tac/"
    response = client.get(url)
    assert response.status_code == SITE_PAGE[who]
    if response.status_code == 200:
        assert ("Record a delivery" in response.content.decode()) == (who in CAN_RECORD)
    today = factories.days_ago(0).isoformat()
    post = client.post(url, {"delivery-title": "T", "delivery-delivery_type": factories.delivery_type(
        "In-person training").pk, "delivery-format": "in_person", "delivery-starts_on": today,
        "delivery-ends_on": today, "delivery-attendees": "3"})  # fmt: skip
    expected = 302 if who in CAN_RECORD or who == "anonymous" else (403 if SITE_PAGE[who] == 200 else 404)
    assert post.status_code == expected
    assert Delivery.objects.exists() == (who in CAN_RECORD)


@pytest.mark.parametrize(
    "who, sees",
    [
        ("staff", 2),
        ("executive_a", 1),
        ("executive_b", 1),
        ("partner_iacp", 1),
        ("partner_nsa", 1),
        ("provider_a", 0),
    ],
)
def test_engagements_list_is_scoped(
    client, login, users, partner_users, partners, engagement, orgs, who, sees
):
    factories.engagement(orgs["agency_b"], partners["nsa"].provider, title="Fargo engagement")
    login(_user(who, users, partner_users))
    response = client.get("/workspace/cri-tac/")
    assert response.status_code == 200
    assert len(response.context["sites"]) == sees


def test_engagements_list_needs_an_account(client):
    assert client.get("/workspace/cri-tac/").status_code == 302
