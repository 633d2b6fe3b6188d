"""The pages under load cost a fixed number of SQL queries whatever the size of the data: each is counted with
a little data, then again with ten times as much (more sites, requests, reports, and more of everything on the
site shown). A page whose count grows has an N+1 query, which the load benchmark would pay a thousandfold."""

import datetime
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.assessment.models import Implementation, ProgressReport
from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Topic
from continuum.datasets.models import DataRequest
from continuum.delivery.models import Communication
from continuum.demo import bulk
from continuum.reports.models import Finding, Recommendation, Report
from continuum.sites.models import Site, SiteMember

SMALL, LARGE = 3, 30
_serial = count()

# page → (signed in as program staff?, its URL given the site shown, does it list the records?)
PAGES = {
    "public active sites": (False, lambda site: "/sites/", True),
    "public closed sites": (False, lambda site: "/sites/closed/", True),
    "public reports": (False, lambda site: "/reports/", True),
    "public report search": (False, lambda site: "/reports/?q=report", True),
    "public filtered sites": (
        False,
        lambda site: "/sites/?program=organizational_assessment&state=OH",
        False,
    ),
    "public library": (False, lambda site: "/reports/recommendations/", True),
    "public library search": (
        False,
        lambda site: "/reports/recommendations/?q=recommend&topic=use-of-force",
        True,
    ),
    "public library CSV": (False, lambda site: "/reports/recommendations.csv", True),
    "public feed": (False, lambda site: "/feed/", True),
    "public site page": (False, lambda site: site.get_public_url(), True),
    "public program page": (False, lambda site: "/programs/organizational-assessment/", True),
    "staff triage queue": (True, lambda site: "/requests/", True),
    "staff site page": (True, lambda site: site.get_absolute_url(), True),
    "workspace": (True, lambda site: "/workspace/", False),  # counts, no list
}


def shown_site(orgs) -> Site:
    """A public Organizational Assessment site (so its page lists progress reports too)."""
    return Site.objects.create(
        agency=orgs["agency_a"], program="organizational_assessment", ta_type="organizational_assessment",
        provider=orgs["provider_a"], title="Columbus assessment", description="Asked for an assessment.",
        public_summary="The intent of the assessment is …", is_public=True, status=Site.Status.PUBLISHED,
        announced_on=datetime.date(2025, 1, 6),
    )  # fmt: skip


def closed_site(orgs, author: User) -> Site:
    """A closed public site with its report, so that every list has something to show from the start."""
    site = Site.objects.create(
        agency=orgs["agency_b"], program="critical_response", ta_type="after_action_review",
        provider=orgs["provider_b"], title="Fargo after-action review", description="Asked for a review.",
        is_public=True, status=Site.Status.CLOSED, closed_on=datetime.date(2024, 5, 1),
    )  # fmt: skip
    Report.objects.create(site=site, title="Fargo report", created_by=author, status="published",
                          published_at=timezone.now())  # fmt: skip
    return site


def grow(site: Site, n: int, author: User) -> None:
    """`n` more of everything the site's pages list: team, topics, communications, reports, progress
    reports, data requests and timeline events."""
    today = timezone.localdate()
    force = Topic.objects.get(slug="use-of-force")
    topics = Topic.objects.exclude(sites=site)[:n]
    site.topics.add(*topics)
    version = Report.objects.filter(site=site).count()
    progress = ProgressReport.objects.filter(site=site).count()
    for i in range(n):
        k = next(_serial)
        member = User.objects.create_user(
            email=f"member-{k}@example.gov", role=Role.PROVIDER_STAFF, organization=site.provider,
            first_name="Member", last_name=str(k),
        )  # fmt: skip
        SiteMember.objects.create(site=site, user=member, role=SiteMember.SiteRole.PROVIDER_STAFF)
        Communication.objects.create(site=site, occurred_on=today - datetime.timedelta(days=i), kind="call",
                                     participants="The chief", summary="Weekly call.", logged_by=author)  # fmt: skip
        report = Report.objects.create(site=site, version=version + i + 1, title=f"Report v{version + i + 1}",
                                       created_by=author)  # fmt: skip
        finding = Finding.objects.create(report=report, title=f"Finding {k}")
        rec = Recommendation.objects.create(
            finding=finding, text=f"Recommendation {k}.", responsible_party="Chief"
        )
        rec.topics.add(force)
        Implementation.objects.create(site=site, recommendation=rec, number=str(k))
        Report.objects.filter(pk=report.pk).update(status="published", published_at=timezone.now())
        ProgressReport.objects.create(site=site, number=progress + i + 1, as_of=today, narrative="On track.",
                                      state="published", published_at=timezone.now(), created_by=author)  # fmt: skip
        DataRequest.objects.create(site=site, title=f"Stops {k}", table_type="stops", created_by=author)
        record(author, site, AuditEvent.Action.UPDATED, reason=f"Edit {k}")


def grow_everything(site: Site, total: int, author: User) -> None:
    bulk.top_up(sites=total, requests=2 * total)
    grow(site, total - SiteMember.objects.filter(site=site).count(), author)


def measure(client, url: str) -> tuple[int, int]:
    """(queries, bytes of the page)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content)


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_data(page, client, orgs, users, login):
    signed_in, url_of, lists = PAGES[page]
    site = shown_site(orgs)
    closed_site(orgs, users["staff"])
    grow_everything(site, SMALL, users["staff"])
    if signed_in:
        client = login(users["staff"])
    url = url_of(site)
    client.get(url)  # first request of the session: one-off work (caches, session stamps) is not the page's
    small_queries, small_bytes = measure(client, url)

    grow_everything(site, LARGE, users["staff"])
    large_queries, large_bytes = measure(client, url)

    assert large_bytes > small_bytes or not lists, "the page should show more with more data"
    assert large_queries == small_queries, (
        f"{page}: {small_queries} queries with little data, {large_queries} with more"
    )


def test_lists_come_a_page_at_a_time(client, orgs, users, login):
    """The long lists are paginated: their cost is bounded however many records there are."""
    bulk.top_up(sites=80, requests=160)
    queue = login(users["staff"]).get("/requests/", {"status": "all"})
    assert len(queue.context["requests"]) == 50
    assert queue.context["requests"].paginator.count == 160
    second = client.get("/requests/", {"page": 2, "sort": "oldest", "status": "all"})
    assert len(second.context["requests"]) == 50
    assert "Page 2 of 4" in second.text and 'href="?page=3&amp;sort=oldest&amp;status=all"' in second.text
    first_pks = {
        r.pk for r in client.get("/requests/", {"sort": "oldest", "status": "all"}).context["requests"]
    }
    assert not first_pks & {r.pk for r in second.context["requests"]}
    public = Site.objects.public().filter(status=Site.Status.CLOSED).count()
    closed = client.get("/sites/closed/").context["sites"]
    assert len(closed) == min(public, 24) and closed.paginator.count == public


# Issue 16: each role's workspace ("Needs your attention"), notifications and deadlines, whatever the number of
# late milestones, review comments, data requests, requests and notifications.
ROLE_PAGES = ["/workspace/", "/workspace/notifications/", "/workspace/deadlines/"]


def grow_attention(site: Site, n: int, author: User, users: dict) -> None:
    from continuum.notifications.models import Notification
    from continuum.reports.models import ReviewComment
    from continuum.workplans.models import Deliverable, WorkPlan

    today = timezone.localdate()
    plan = site.plans.filter(status="approved").first() or WorkPlan.objects.create(
        site=site,
        version=1,
        status="approved",
        created_by=author,
        approved_by=author,
        approved_at=timezone.now(),
    )
    draft = Report.objects.filter(site=site, status="draft").first() or Report.objects.create(
        site=site, title="Draft report", version=10_000, created_by=author
    )
    for i in range(n):
        k = next(_serial)
        Deliverable.objects.create(
            plan=plan, title=f"Memo {k}", due_on=today - datetime.timedelta(days=i + 1)
        )
        ReviewComment.objects.create(report=draft, author=users["executive_a"], text=f"Check {k}.")
        for user in users.values():
            Notification.objects.create(user=user, record_label=f"Record {k}", text="Something happened.",
                                        url="/workspace/", needs_action=bool(i % 2))  # fmt: skip


@pytest.mark.parametrize("who", ["staff", "executive_a", "liaison_a", "provider_a", "sme_a"])
@pytest.mark.parametrize("url", ROLE_PAGES)
def test_attention_notifications_and_deadlines_cost_a_fixed_number_of_queries(
    who, url, client, orgs, users, login
):
    site = shown_site(orgs)
    SiteMember.objects.create(site=site, user=users["sme_a"], role=SiteMember.SiteRole.SME)
    closed_site(orgs, users["staff"])
    grow_everything(site, SMALL, users["staff"])
    grow_attention(site, SMALL, users["staff"], users)
    client = login(users[who])
    client.get(url)
    small_queries, small_bytes = measure(client, url)

    grow_everything(site, LARGE, users["staff"])
    grow_attention(site, LARGE, users["staff"], users)
    large_queries, large_bytes = measure(client, url)

    assert large_bytes > small_bytes, f"{url} for {who} should show more with more data"
    assert large_queries == small_queries, (
        f"{url} for {who}: {small_queries} queries with little data, {large_queries} with more"
    )
