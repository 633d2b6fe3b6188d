"""Issue 4's whole path through the pages: from an accepted request, the provider drafts a plan, the chief
executive approves it (delivery starts), delivery is logged, the report goes through its review and is published
(the site follows), the site is closed, and the public list shows it active then closed; every step in the site's
history."""

from django.utils import timezone

from continuum.audit.log import history
from continuum.intake import transitions as intake
from continuum.reports import editing
from continuum.sites.models import Site
from tests.web.intake.conftest import make_request
from tests.web.test_lifecycles import write_report


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
    client.post(f"{base}/plan/v1/send/", {"send-message": "For your review"})
    login(users["executive_a"])
    client.post(f"{base}/plan/v1/approve/", {})

    login(users["staff"])
    announced = client.post(f"{base}/steps/announce/", {
        "announce-announced_on": timezone.localdate().isoformat(),
        "announce-announcement": "The intent of the review is to assess use of force.",
        "announce-agency_consent": "The chief agreed in writing.",
    })  # fmt: skip
    assert announced.status_code == 302 and Site.objects.get(pk=site.pk).is_public
    login(users["provider_a"])
    assert Site.objects.get(pk=site.pk).status == "delivery"  # the chief's approval started it
    response = client.post(f"{base}/communications/", {
        "communication-occurred_on": "2026-11-20", "communication-kind": "call", "communication-with_agency": "on",
        "communication-participants": "Chief, team", "communication-summary": "Weekly check-in",
    })  # fmt: skip
    assert response.status_code == 302
    assert site.communications.count() == 1
    assert "Columbus" in client.get("/sites/").content.decode()

    report = write_report(editing.create_report(site, users["provider_a"], title="Final report"))
    reports = f"{base}/reports/{report.pk}/steps"
    client.post(f"{reports}/submit/", {})
    for who, name, data in [
        ("staff", "send_to_agency", {}),
        ("executive_a", "factual_review_done", {"factual_review_done-reason": "Checked"}),
        ("staff", "approve", {}),
        ("staff", "publish", {"publish-message": "Published"}),
    ]:
        login(users[who])
        assert client.post(f"{reports}/{name}/", data).status_code == 302
    report.refresh_from_db()
    assert report.status == "published" and Site.objects.get(pk=site.pk).status == "published"
    client.post(f"{base}/steps/close/", {"close-message": "No post-report monitoring for Critical Response"})

    site = Site.objects.get(pk=site.pk)
    assert site.status == "closed"
    assert "Columbus" not in client.get("/sites/").content.decode()
    assert "Columbus" in client.get("/sites/closed/").content.decode()
    steps = [(e.from_state, e.to_state) for e in reversed(history(site)) if e.action == "transition"]
    assert steps == [
        ("work_plan", "agency_review"), ("agency_review", "delivery"), ("delivery", "delivery"),  # announced
        ("delivery", "report_drafting"),
        ("report_drafting", "report_review"), ("report_review", "published"), ("published", "closed"),
    ]  # fmt: skip
    assert any("communication" in e.changes for e in history(site))
