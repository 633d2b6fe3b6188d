"""Who sees and edits agencies: program staff all of them, an agency's own people their own, others none."""

import pytest

from continuum.agencies.models import Agency
from continuum.audit.models import AuditEvent

# role → (list, own agency detail, other agency detail, edit own agency); own = agency A
MATRIX = {
    "anonymous": (302, 302, 302, 302),
    "executive_a": (403, 200, 404, 200),
    "liaison_a": (403, 200, 404, 403),
    "provider_a": (403, 404, 404, 404),
    "sme_a": (403, 404, 404, 404),
    "staff": (200, 200, 200, 200),
    "admin": (200, 200, 200, 200),
}


@pytest.mark.parametrize("who", MATRIX)
def test_agency_permission_matrix(client, users, orgs, login, who):
    if who != "anonymous":
        login(users[who])
    a, b = orgs["agency_a"].pk, orgs["agency_b"].pk
    got = tuple(
        client.get(path).status_code
        for path in ["/agencies/", f"/agencies/{a}/", f"/agencies/{b}/", f"/agencies/{a}/edit/"]
    )
    assert got == MATRIX[who]


def test_anonymous_is_sent_to_log_in(client, orgs):
    response = client.get(f"/agencies/{orgs['agency_a'].pk}/")
    assert response["Location"].startswith("/accounts/login/?next=")


def test_liaison_cannot_post_an_edit(client, users, orgs, login):
    login(users["liaison_a"])
    response = client.post(f"/agencies/{orgs['agency_a'].pk}/edit/", {"name": "Renamed"})
    assert response.status_code == 403
    assert Agency.objects.get(pk=orgs["agency_a"].pk).name == "Columbus (OH) Division of Police"


def _form(agency, **changes):
    data = {
        "name": agency.name, "agency_type": agency.agency_type, "city": agency.city, "state": agency.state,
        "ori": agency.ori, "sworn_officers": agency.sworn_officers or "",
        "population_served": agency.population_served or "", "chief_executive_name": "",
        "chief_executive_title": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_chief_executive_edits_own_agency_and_it_is_audited(client, users, orgs, login):
    agency = orgs["agency_a"]
    login(users["executive_a"])
    response = client.post(
        f"/agencies/{agency.pk}/edit/", _form(agency, sworn_officers=1875, ori="ohcop0000")
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.sworn_officers == 1875 and agency.ori == "OHCOP0000"
    event = AuditEvent.objects.get(action="updated", object_id=str(agency.pk))
    assert event.actor == users["executive_a"]
    assert event.changes == {"sworn_officers": [1900, 1875]}


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, users, orgs, login):
    agency = orgs["agency_a"]
    login(users["staff"])
    response = client.post(
        f"/agencies/{agency.pk}/edit/", _form(agency, ori="12", sworn_officers="-3", city="New Albany")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "two letters and seven letters or digits" in errors["ori"][0]
    assert "sworn_officers" in errors
    assert 'value="New Albany"' in response.content.decode()
    agency.refresh_from_db()
    assert agency.city == "Columbus"
    assert not AuditEvent.objects.filter(action="updated").exists()


def test_ori_is_unique_when_given(orgs):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(name="Other", agency_type="local", state="OH", ori="OHCOP0000")
    Agency.objects.create(name="No ORI 1", agency_type="local", state="OH")
    Agency.objects.create(name="No ORI 2", agency_type="local", state="OH")


def test_directory_filters(client, users, orgs, login):
    login(users["staff"])
    response = client.get("/agencies/", {"state": "ND"})
    assert [a.name for a in response.context["agencies"]] == ["Fargo (ND) Police Department"]
    response = client.get("/agencies/", {"q": "ohcop0000"})
    assert [a.name for a in response.context["agencies"]] == ["Columbus (OH) Division of Police"]


def test_htmx_request_gets_only_the_results_partial(client, users, orgs, login):
    login(users["staff"])
    response = client.get("/agencies/", {"q": "Fargo"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="agency-results"')
    assert "<html" not in html and "Fargo (ND) Police Department" in html


def test_eligible_agency_types(orgs):
    assert orgs["agency_a"].is_eligible_type
    orgs["agency_a"].agency_type = "other"
    assert not orgs["agency_a"].is_eligible_type


def test_counts_print_with_thousands_separators(client, users, orgs, login):
    agency = orgs["agency_a"]
    agency.population_served, agency.sworn_officers = 905748, 1850
    agency.save()
    login(users["staff"])
    page = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert "905,748" in page and "1,850" in page and "905748" not in page
