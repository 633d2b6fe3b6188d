"""Issue 4's whole path through the pages: from an accepted request, the provider drafts a plan, the chief
executive approves it, delivery is logged, the site moves to closed, and the public list shows it active then
closed; every step in the site's history."""

from continuum.audit.log import history
from continuum.intake import transitions as intake
from continuum.sites.models import Site
from tests.web.intake.conftest import make_request

from .conftest import published_report


def test_from_accepted_request_to_closed(client, users, orgs, login):
    request = make_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name, agency_state="OH")
    request = intake.accept(request, users["staff"], "Fits", program="critical_response",
                            ta_type="issue_specific_review", provider=orgs["provider_a"])  # fmt: skip
    site = request.site
    base = f"/workspace/sites/{site.pk}"

    login(users["provider_a"])
    client.post(f"{base}/plan/draft/")
    client.post(f"{base}/plan/items/objective/", {"objective-text": "Assess policy and training"})
    client.post(
        f"{base}/plan/items/activity/", {"activity-kind": "site_visit", "activity-title": "Site visit"}
    )
    client.post(
        f"{base}/plan/items/deliverable/", {"deliverable-title": "Report", "deliverable-due_on": "2027-05-01"}
    )
    client.post(f"{base}/plan/v1/send/", {"decision-reason": ""})
    login(users["executive_a"])
    client.post(f"{base}/plan/v1/approve/", {"decision-reason": "Approved"})

    login(users["staff"])
    client.post(f"{base}/edit/", {
        "title": site.title, "program": site.program, "ta_type": site.ta_type, "provider": orgs["provider_a"].pk,
        "topics": [], "public_summary": "The intent of the review is to assess use of force.", "is_public": "on",
        "target_end_on": "",
    })  # fmt: skip
    login(users["provider_a"])
    client.post(f"{base}/steps/start_delivery/", {"reason": "Kick-off"})
    response = client.post(f"{base}/communications/", {
        "communication-occurred_on": "2026-11-20", "communication-kind": "call", "communication-with_agency": "on",
        "communication-participants": "Chief, team", "communication-summary": "Weekly check-in",
    })  # fmt: skip
    assert response.status_code == 302
    assert site.communications.count() == 1
    assert "Columbus" in client.get("/sites/").content.decode()
    client.post(f"{base}/steps/start_report/", {"reason": "Fieldwork done"})
    client.post(f"{base}/steps/submit_report/", {"reason": "Draft ready"})
    login(users["staff"])
    client.post(f"{base}/steps/publish/", {"reason": "Too early"})
    assert Site.objects.get(pk=site.pk).status == "report_review"  # no published report yet
    published_report(site, users["staff"])
    client.post(f"{base}/steps/publish/", {"reason": "Published"})
    client.post(f"{base}/steps/close/", {"reason": "No post-report monitoring for Critical Response"})

    site = Site.objects.get(pk=site.pk)
    assert site.status == "closed"
    assert "Columbus" not in client.get("/sites/").content.decode()
    assert "Columbus" in client.get("/sites/closed/").content.decode()
    steps = [(e.from_state, e.to_state) for e in reversed(history(site)) if e.action == "transition"]
    assert steps == [
        ("work_plan", "agency_review"), ("agency_review", "approved"), ("approved", "delivery"),
        ("delivery", "report_drafting"), ("report_drafting", "report_review"), ("report_review", "published"),
        ("published", "closed"),
    ]  # fmt: skip
    assert any("communication" in e.changes for e in history(site))
