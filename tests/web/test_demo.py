"""The demo program loads, reloads without duplicating anything, and every demo log-in works. The tests that
only read it share one load, twice over (`demo_program`)."""

from django.core.management import call_command

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.accounts.security import MFA_ROLES
from continuum.agencies.models import Agency, ProviderOrganization
from continuum.demo import data
from tests.conftest import DEMO_PASSWORD, totp_code

SEED_AGENCIES = {
    "Columbus (OH) Division of Police", "Philadelphia Police Department", "Cleveland (OH) Division of Police",
    "Fargo (ND) Police Department", "Indianapolis Metropolitan Police Department", "Boston Police Department",
}  # fmt: skip


def test_demo_loads_twice_without_duplicates(db, monkeypatch, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("CONTINUUM_DEMO_PASSWORD", "demo-password-for-the-test")
    call_command("load_demo", throwaway_database=True)
    call_command("load_demo", throwaway_database=True)
    assert set(Agency.objects.values_list("name", flat=True)) >= SEED_AGENCIES
    assert {"Jensen Hughes", "National Policing Institute"} <= set(
        ProviderOrganization.objects.values_list("name", flat=True)
    )
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(email__in=[u.email for u in data.USERS]).count() == len(data.USERS)
    count = User.objects.count()
    call_command("load_demo", quiet=True, throwaway_database=True)
    assert User.objects.count() == count
    out = capsys.readouterr().out
    for user in data.USERS:
        assert user.email in out
    assert "demo-password-for-the-test" in out
    assert data.demo_totp_secret() in out


def test_every_demo_login_works(client, db, demo_program):
    for user in data.USERS:
        response = client.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, user.email
        if user.role in MFA_ROLES:
            assert response["Location"] == "/accounts/2fa/authenticate/"
            response = client.post(
                response["Location"], {"code": totp_code(User.objects.get(email=user.email))}
            )
            assert response.status_code == 302, user.email
        assert client.get("/workspace/").context["user"].email == user.email
        client.post("/accounts/logout/")


def test_generated_demo_password_is_kept_outside_the_repo(db, monkeypatch, settings, tmp_path):
    monkeypatch.delenv("CONTINUUM_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    first = data.demo_password()
    assert first == data.demo_password() == (tmp_path / "demo-password").read_text()
    assert len(first) >= 12
    key = data.demo_totp_secret()
    for name in ("demo-password", "demo-totp-secret"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert key == data.demo_totp_secret() and len(key) >= 32


def test_demo_has_requests_in_every_status_and_the_seed_sites(db, demo_program):
    from continuum.intake.models import Request
    from continuum.sites.models import Site

    assert set(Request.objects.values_list("status", flat=True)) == set(Request.Status.values)
    sites = Site.objects.filter(program="critical_response").select_related("agency", "origin_request")
    assert {site.agency.name for site in sites} == SEED_AGENCIES
    assert all(site.origin_request.status == "accepted" and site.provider_id for site in sites)
    flagged = Request.objects.get(agency_name="Riverton (WY) Police Department")
    assert [flag.code for flag in flagged.open_flags] == ["authority"]


def test_demo_sites_at_their_stages(db, demo_program):
    from continuum.sites.models import Site
    from continuum.workplans import plans

    stages = dict(Site.objects.filter(agency__name__in=SEED_AGENCIES).values_list("agency__name", "status"))
    assert stages == {
        "Columbus (OH) Division of Police": "delivery", "Philadelphia Police Department": "report_drafting",
        "Cleveland (OH) Division of Police": "agency_review", "Fargo (ND) Police Department": "closed",
        "Indianapolis Metropolitan Police Department": "closed", "Boston Police Department": "work_plan",
    }  # fmt: skip
    for site in Site.objects.filter(agency__name__in=SEED_AGENCIES):
        assert site.public_summary.startswith("The COPS Office in conjunction with")
        assert site.members.exists() or site.status in {"work_plan", "agency_review"}
    columbus = Site.objects.get(agency__name__startswith="Columbus")
    assert [p.version for p in columbus.plans.all()] == [2, 1] and plans.approved(columbus).version == 1
    boston = Site.objects.get(agency__name="Boston Police Department")
    assert boston.is_public and boston.announced_on and boston.agency_consent  # announced, as the program did
    assert Site.objects.filter(agency__name__in=SEED_AGENCIES, status="closed", is_public=True).count() == 2


def test_demo_has_an_organizational_assessment_in_implementation(db, demo_program):
    from continuum.sites.models import Site

    site = Site.objects.get(program="organizational_assessment")
    assert site.implementations.count() >= 40
    assert len({item.status for item in site.implementations.all()}) >= 5
    published = site.progress_reports.filter(state="published").order_by("number")
    assert published.count() == 2
    first, second = (report.snapshot["counts"] for report in published)
    assert second["complete"] > first["complete"]


def test_demo_reads_like_a_real_program(client, db, demo_program):
    """Issue 19, item 5: the named sites announced and listed in their true states (Boston active), each with
    topics and its program's type of TA, and two years of history in the order the program works."""
    import datetime

    from django.utils import timezone

    from continuum.assessment.models import ProgressReport
    from continuum.intake.models import Request
    from continuum.reports.models import Report
    from continuum.sites.models import Site

    today = timezone.localdate()
    active = client.get("/sites/").content.decode()
    assert "Boston Police Department" in active and "Human resources" in active
    assert "Indianapolis Metropolitan Police Department" in client.get("/sites/closed/").content.decode()
    for site in Site.objects.select_related("agency"):
        assert site.topics.exists(), site
        assert (site.ta_type == "organizational_assessment") == (
            site.program == "organizational_assessment"
        ), site
        if site.is_public:
            assert site.announced_on and site.announced_on <= today, site
    spokane = Site.objects.get(program="organizational_assessment")
    assert spokane.get_ta_type_display() == "Organizational Assessment"
    for site in Site.objects.filter(agency__name__in=SEED_AGENCIES):
        request = Request.objects.get(site=site)
        steps = [
            request.submitted_at.date(),
            request.decided_at.date(),
            site.created_at.date(),
            site.announced_on,
        ]
        plan = site.plans.order_by("version").first()
        steps += [d.date() for d in (plan.sent_at, plan.approved_at) if d]
        steps += [r.published_at.date() for r in site.reports.filter(status="published")]
        steps += [site.closed_on] if site.closed_on else []
        assert steps == sorted(steps) and steps[-1] <= today, (site, steps)
    first = min(Request.objects.filter(site__isnull=False).values_list("submitted_at", flat=True))
    assert today - first.date() > datetime.timedelta(days=600)  # two years of history, not one day
    report = Report.objects.get(site=spokane, status="published")
    for progress in ProgressReport.objects.filter(site=spokane, state="published"):
        assert report.published_at.date() < progress.as_of < progress.published_at.date() <= today, progress


def test_demo_milestones_agree_with_where_each_site_stands(db, demo_program):
    """No site shows its final report delivered while the report is unpublished, and the one late milestone
    (the quiet site's) is recent: a program that left one late for a year would not be believable."""
    import datetime

    from django.utils import timezone

    from continuum.delivery.models import MilestoneCompletion
    from continuum.sites.models import Site
    from continuum.workplans import plans

    today, late = timezone.localdate(), []
    for site in Site.objects.exclude(status__in=["published", "closed", "implementation"]):
        plan = plans.approved(site)
        for deliverable in plan.deliverables.all() if plan else []:
            done = MilestoneCompletion.objects.filter(deliverable=deliverable).exists()
            assert not (done and "report" in deliverable.title.lower()), (site, deliverable)
            if not done and deliverable.due_on < today:
                late.append(today - deliverable.due_on)
    assert len(late) == 1 and late[0] < datetime.timedelta(days=60), late
