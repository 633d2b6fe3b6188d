"""The staff triage queue: filters, search, sort and counts per status."""

from django.utils import timezone

from continuum.intake import transitions
from continuum.intake.models import Request


def _names(response):
    return [r.agency_name for r in response.context["requests"]]


def test_filters_search_sort_and_counts(client, users, login, new_request):
    urgent = new_request(
        agency_name="Aurora PD", agency_state="CO", urgency="urgent", event_date="2026-11-01"
    )
    flagged = new_request(
        agency_name="Bangor PD", agency_state="ME", asks_for_costs=True, program_wanted="cri_tac"
    )
    old = new_request(
        agency_name="Camden PD", agency_state="NJ", what_happened="A spike in vehicle pursuits " * 3
    )
    Request.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timezone.timedelta(days=45))
    transitions.decline(
        new_request(agency_name="Dayton PD", agency_state="OH"), users["staff"], "Out of scope"
    )
    login(users["staff"])

    everything = client.get("/requests/")
    counts = {value: n for value, _, n in everything.context["counts"]}
    assert counts == {
        "submitted": 3,
        "under_review": 0,
        "accepted": 0,
        "declined": 1,
        "referred": 0,
        "withdrawn": 0,
    }
    # The queue opens on open requests, most urgent first, then the oldest: the urgent one leads, the decided
    # one is left out.
    assert _names(everything) == ["Aurora PD", "Camden PD", "Bangor PD"]
    assert everything.context["requests"].paginator.count == 3
    newest = client.get("/requests/", {"status": "all", "sort": "newest"})
    assert _names(newest) == ["Dayton PD", "Bangor PD", "Aurora PD", "Camden PD"]
    assert _names(client.get("/requests/", {"status": "declined"})) == ["Dayton PD"]

    assert _names(client.get("/requests/", {"status": "submitted", "sort": "urgency"}))[0] == "Aurora PD"
    assert _names(client.get("/requests/", {"flag": "costs"})) == ["Bangor PD"]
    none = client.get("/requests/", {"flag": "none", "status": "all"})
    assert set(_names(none)) == {"Aurora PD", "Camden PD", "Dayton PD"}
    assert _names(client.get("/requests/", {"flag": "any"})) == ["Bangor PD"]
    assert _names(client.get("/requests/", {"program": "cri_tac"})) == ["Bangor PD"]
    assert _names(client.get("/requests/", {"state": "NJ"})) == ["Camden PD"]
    assert _names(client.get("/requests/", {"age": "30"})) == ["Camden PD"]
    assert _names(client.get("/requests/", {"q": "pursuits"})) == ["Camden PD"]
    assert _names(client.get("/requests/", {"q": urgent.tracking_number})) == ["Aurora PD"]
    assert _names(client.get("/requests/", {"urgency": "urgent"})) == ["Aurora PD"]
    assert _names(client.get("/requests/", {"sort": "agency", "status": "all"})) == [
        "Aurora PD",
        "Bangor PD",
        "Camden PD",
        "Dayton PD",
    ]
    filtered = client.get("/requests/", {"state": "ME", "status": "declined"})
    assert _names(filtered) == [] and {v: n for v, _, n in filtered.context["counts"]}["submitted"] == 1
    assert flagged.tracking_number in client.get("/requests/").content.decode()


def test_htmx_gets_the_results_only(client, users, login, new_request):
    new_request()
    login(users["staff"])
    html = client.get("/requests/", {"q": "Springfield"}, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="request-results"') and "<html" not in html


def test_contact_and_note_are_logged_and_audited(client, users, login, new_request):
    request = new_request()
    login(users["staff"])
    bad = client.post(
        f"/requests/{request.pk}/contacts/",
        {"contact-contacted_on": "2999-01-01", "contact-with_whom": "", "contact-channel": "phone"},
    )
    assert bad.status_code == 422
    assert set(bad.context["contact_form"].errors) == {"contacted_on", "with_whom", "purposes"}
    ok = client.post(f"/requests/{request.pk}/contacts/", {
        "contact-contacted_on": "2026-11-20", "contact-with_whom": "Chief Pat Morales", "contact-channel": "video",
        "contact-purposes": ["assess", "expectations"], "contact-notes": "Wants an AAR, no investigation pending.",
    })  # fmt: skip
    assert ok.status_code == 302
    contact = request.contacts.get()
    assert contact.purpose_labels == ["Assess and define the request", "Align expectations"]
    client.post(f"/requests/{request.pk}/notes/", {"note-text": "Looks like a fit for CR."})
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Chief Pat Morales" in page and "Looks like a fit for CR." in page


def test_triage_sets_program_and_kind_and_rescreens(client, users, login, new_request):
    request = new_request(program_wanted="not_sure", asks_for_costs=False)
    login(users["staff"])
    topics = list(request.topics.values_list("pk", flat=True))
    response = client.post(f"/requests/{request.pk}/triage/", {
        "triage-agency": "", "triage-program_wanted": "critical_response", "triage-ta_kind": "data_analysis",
        "triage-topics": [], "triage-urgency": "soon",
    })  # fmt: skip
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.program_wanted, request.ta_kind) == ("critical_response", "data_analysis")
    assert request.flags.get(code="incomplete").cleared_at is None  # topics removed → incomplete raised
    assert topics
