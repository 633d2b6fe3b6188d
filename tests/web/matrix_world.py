"""One object of each kind for the permission matrix (tests/web/test_permission_matrix.py), all of agency A
with provider A assigned and SME A on every team, built through the apps' own functions where they exist.

Three sites of agency A:
- `cr`: a Critical Response site from an accepted request, in report review: plan v1 approved and v2 being
  drafted, a communication, an activity done, a shared and a team-only document, a milestone, a data request
  with a validated upload, an analysis job and its result, a findings report in the agency's factual-accuracy
  review (with the agency's comment) and an after-action report in draft; not listed publicly.
- `oa`: an Organizational Assessment site, published and public, with its published report, implementation
  tracking (a pending proposal with a document) and progress reports 1 (published) and 2 (draft).
- `critac`: a CRI-TAC engagement delivered by provider A (a partner), with a delivery record and a feedback
  survey whose link is known.
Plus an open request of agency A (no site yet: providers may not see it) with a screening flag and an
authorization letter, and one API token per user.

`url_kwargs(world, route, variant)` fills each URL pattern's parameters from these objects.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from continuum import tokens
from continuum.accounts import invitations
from continuum.accounts.models import Invitation as AccountInvitation
from continuum.api.models import ApiToken
from continuum.assessment import progress, tracking
from continuum.critac.deliveries import record_delivery
from continuum.critac.models import Delivery, Partner
from continuum.datasets import jobs, mappings, uploads
from continuum.datasets.models import DataRequest
from continuum.delivery import documents
from continuum.delivery.models import ActivityDone, Communication, Document
from continuum.delivery.work import log_activity, log_communication
from continuum.feedback import surveys
from continuum.feedback.models import Invitation
from continuum.intake import transitions as intake
from continuum.intake.screening import apply_screening
from continuum.notifications.models import CalendarFeed, Notification
from continuum.reports import editing
from continuum.reports import transitions as report_steps
from continuum.reports.models import Finding, Recommendation, Report
from continuum.sites.models import Site, SiteMember
from continuum.workplans import plans
from continuum.workplans.models import Activity, Assignment, Deliverable, Objective
from tests.web.critac import factories
from tests.web.datasets.conftest import VEIL, ri_slice
from tests.web.delivery.conftest import PDF
from tests.web.reports.conftest import fill

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SURVEY_TOKEN = "matrix-survey-link-token"
INVITATION_TOKEN = "matrix-invitation-link-token"
FEED_TOKEN = "matrix-calendar-feed-token"


@dataclass
class World:
    agency: object
    open_request: object
    accepted_request: object
    cr: Site
    oa: Site
    critac: Site
    objects: dict = field(default_factory=dict)  # the rest, by name
    tokens: dict = field(default_factory=dict)  # user key -> clear API token

    def kinds(self) -> set[str]:
        """The kinds (models) of the objects the matrix is walked against."""
        made = [self.agency, self.open_request, self.accepted_request, self.cr, self.oa, self.critac,
                *self.objects.values()]  # fmt: skip
        return {obj._meta.label for obj in made}

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build(users, orgs) -> World:
    staff, provider, chief, sme = users["staff"], users["provider_a"], users["executive_a"], users["sme_a"]
    agency = orgs["agency_a"]
    objects: dict = {}

    # Requests: one still open (screening flags its pending litigation; a liaison sent it with the chief's
    # letter), one accepted into `cr`.
    open_request = factories.make_request(
        agency,
        ["Use of force"],
        requester_is_chief_executive=False,
        chief_executive_name="Chief A",
        pending_matters="yes",
        pending_details="A civil suit over a 2025 arrest.",
    )
    open_request.authorization_letter.save("letter.pdf", ContentFile(PDF))
    open_request.authorization = open_request.initial_authorization()  # as a submission with its letter
    open_request.save(update_fields=["authorization"])
    apply_screening(open_request)
    objects["flag"] = open_request.flags.get()
    accepted = factories.make_request(agency, ["Use of force"], program="critical_response")
    intake.start_review(accepted, staff, "Assessment call")
    accepted = intake.accept(accepted, staff, "In scope", program="critical_response",
                             ta_type="issue_specific_review", title="Use of force review",
                             provider=orgs["provider_a"])  # fmt: skip
    cr = accepted.site
    SiteMember.objects.create(site=cr, user=sme, role="sme")

    # The work plan: v1 approved by the chief, v2 open for drafting.
    plan = plans.open_draft(cr, provider)
    plans.add_item(plan, provider, Objective(text="Assess use-of-force policy and training."))
    plans.add_item(plan, provider, Activity(kind="site_visit", title="Site visit", starts_on=_days(-20),
                                            ends_on=_days(-18)))  # fmt: skip
    plans.add_item(plan, provider, Deliverable(title="Inception memo", due_on=_days(30)))
    plans.add_item(plan, provider, Assignment(user=sme, role="sme"))
    plans.send_for_review(plan, staff, "First version")
    plans.approve(plan, chief, "Approved")
    objects["plan"] = plan
    objects["draft_plan"] = plans.open_draft(cr, staff)
    objects["draft_objective"] = objects["draft_plan"].objectives.first()
    objects["deliverable"] = plan.deliverables.first()

    # Delivery.
    objects["communication"] = log_communication(cr, provider, Communication(
        occurred_on=_days(-3), kind="call", with_agency=True, participants="Liaison; lead", summary="Check-in",
    ))  # fmt: skip
    log_activity(cr, provider, ActivityDone(plan_activity=plan.activities.first(), done_on=_days(-18),
                                            participants="Command staff", notes="Done"))  # fmt: skip
    shared = documents.add_document(cr, provider, Document(
        title="Policies", kind=Document.Kind.POLICY, visibility=Document.Visibility.TEAM_AND_AGENCY,
    ), _pdf("policies.pdf"))  # fmt: skip
    internal = documents.add_document(cr, provider, Document(
        title="Interview notes", kind=Document.Kind.MEETING_NOTES, visibility=Document.Visibility.TEAM,
    ), _pdf("notes.pdf"))  # fmt: skip
    objects["shared_document"], objects["internal_document"] = shared.document, internal.document

    # Data: a request, an upload validated with the shipped mapping, an analysis and its result.
    data_request = uploads.create_request(cr, provider, DataRequest(
        title="Traffic stops", table_type="stops", period_start=datetime.date(2005, 1, 1),
        period_end=datetime.date(2008, 8, 31), fields_wanted="date, time, race", due_on=_days(10),
    ))  # fmt: skip
    version = uploads.add_version(
        data_request,
        users["liaison_a"],
        SimpleUploadedFile("stops.csv", ri_slice(600), content_type="text/csv"),
    )
    mappings.save_mapping(version, users["liaison_a"], mappings.draft(version, "ri_state_police"))
    with override_settings(TASKS=IMMEDIATE):
        jobs.start_validation(version, users["liaison_a"])
        version.refresh_from_db()
        job = jobs.start_analysis(version, provider, "veil-of-darkness", VEIL)
    job.refresh_from_db()
    assert job.status == "done", job.error
    objects.update(data_request=data_request, version=version, job=job, result=job.result)

    # Reports: findings in the agency's review with the chief's comment; an after-action review in draft.
    review = fill(editing.create_report(cr, provider, title="Use of force review"), provider)
    review = report_steps.submit(review, provider)
    review = report_steps.send_to_agency(review, staff)
    objects["comment"] = editing.comment(review, chief, "The date in finding 1 is wrong.")
    draft = editing.create_report(cr, provider, title="After-action review", kind=Report.Kind.AFTER_ACTION)
    objects["draft_finding"] = editing.add_part(
        draft,
        provider,
        Finding(report=draft, title="Radio traffic overloaded.", body="One channel."),
        "finding",
    )
    objects.update(review_report=review, draft_report=draft)

    oa = _organizational_assessment(users, orgs, objects)
    critac = _cri_tac(users, orgs, objects)
    # a pending invitation of a liaison to agency A, with a link the matrix knows
    invitation = invitations.invite(staff, agency, "invited-liaison@example.gov", "agency_liaison")
    AccountInvitation.objects.filter(pk=invitation.pk).update(token_hash=tokens.digest(INVITATION_TOKEN))
    objects.update(invitation=invitation, liaison=users["liaison_a"])
    # the chief's notification of the plan, and the chief's calendar feed with an address the matrix knows
    objects["notification"] = Notification.objects.create(
        user=chief, record_label=str(plan), text="Approve the plan.", url=f"/workspace/sites/{cr.pk}/plan/v1/",
        needs_action=True,
    )  # fmt: skip
    objects["calendar_feed"] = CalendarFeed.objects.create(user=chief, token_hash=tokens.digest(FEED_TOKEN))
    world = World(agency=agency, open_request=open_request, accepted_request=accepted, cr=cr, oa=oa,
                  critac=critac, objects=objects)  # fmt: skip
    for key, user in users.items():
        token, world.tokens[key] = ApiToken.issue(user, "matrix")
        objects[f"token_{key}"] = token
    return world


def _organizational_assessment(users, orgs, objects) -> Site:
    """Published and public, as the demo's Spokane: the published report made directly, tracking through the
    app's functions."""
    staff = users["staff"]
    site = Site.objects.create(
        agency=orgs["agency_a"], provider=orgs["provider_a"], program="organizational_assessment",
        ta_type="technical_assistance", title="Organizational assessment", description="Asked for it.",
        public_summary="The intent of the assessment is …", is_public=True, status=Site.Status.PUBLISHED,
        started_on=_days(-400),
    )  # fmt: skip
    SiteMember.objects.create(site=site, user=users["sme_a"], role="sme")
    report = Report.objects.create(
        site=site, title="An assessment", created_by=staff, executive_summary="Sum."
    )
    finding = Finding.objects.create(report=report, title="Force reporting is incomplete.", position=1)
    Recommendation.objects.create(finding=finding, text="Report all force.", responsible_party="The chief",
                                  priority="high", position=1)  # fmt: skip
    Recommendation.objects.create(finding=finding, text="Audit reports.", responsible_party="The chief",
                                  priority="medium", position=2)  # fmt: skip
    report.status, report.published_at, report.published_by = "published", timezone.now(), staff
    report.save()
    tracking.import_recommendations(site, staff)
    item = site.implementations.order_by("sort_key").first()
    first = progress.draft(site, staff, as_of=_days(-30), narrative="Six months on.")
    progress.publish(first, staff)
    second = progress.draft(site, staff, as_of=_days(-1), narrative="A year on.")
    proposal = tracking.propose(item, users["executive_a"], status="in_progress", evidence="Order signed.",
                                evidence_date=_days(-2), upload=_pdf("order.pdf"))  # fmt: skip
    objects.update(published_report=report, oa_finding=finding, implementation=item, proposal=proposal,
                   published_progress=first, draft_progress=second)  # fmt: skip
    return site


def _cri_tac(users, orgs, objects) -> Site:
    """Provider A as a CRI-TAC partner delivering training to agency A, and the survey that followed."""
    staff = users["staff"]
    training = factories.delivery_type("In-person training")
    partner = Partner.objects.create(provider=orgs["provider_a"], summary="Delivers training.")
    partner.delivery_types.set([training])
    site = factories.engagement(orgs["agency_a"], orgs["provider_a"], started_on=_days(-40))
    SiteMember.objects.create(site=site, user=users["sme_a"], role="sme")
    delivery = record_delivery(site, staff, Delivery(
        title="De-escalation training", delivery_type=training, format="in_person", starts_on=_days(-10),
        ends_on=_days(-9), location="Academy", attendees=30, attendee_description="Patrol officers",
    ))  # fmt: skip
    survey = surveys.send_survey(
        site, staff, [surveys.Recipient("chief@agency-a.example.gov", Invitation.Role.REQUESTER, "Chief")],
        occasion="delivery", subject="The training", delivery=delivery,
    )  # fmt: skip
    Invitation.objects.filter(survey=survey).update(token_hash=tokens.digest(SURVEY_TOKEN))
    objects.update(cri_tac_delivery=delivery, survey=survey)
    return site


def url_kwargs(w: World, route: str, variant: str = "") -> dict:
    """The parameters of `route` (a URL pattern name; `variant` picks among objects of one kind)."""
    o = w.objects
    cr, oa, critac = w.cr.pk, w.oa.pk, w.critac.pk
    requests = {"open": w.open_request, "accepted": w.accepted_request}
    reports = {"review": o["review_report"], "draft": o["draft_report"], "published": o["published_report"]}
    report = reports.get(variant)
    report_kw = {"site_pk": report.site_id, "pk": report.pk} if report else {}
    tracking = w.open_request.tracking_number
    document = o.get(f"{variant}_document") or o["shared_document"]
    item = {"site_pk": oa, "pk": o["implementation"].pk}
    draft_part = {
        "site_pk": cr,
        "pk": o["draft_report"].pk,
        "kind": "finding",
        "part_pk": o["draft_finding"].pk,
    }
    table = {
        "portal:program": {"slug": "critical-response"},
        "methods:detail": {"analysis": "no-such-analysis" if variant == "unknown" else "veil-of-darkness"},
        "intake:submitted": {"tracking_number": tracking},
        "intake:status": {"tracking_number": tracking},
        "intake:status_withdraw": {"tracking_number": tracking},
        "intake:detail": {"pk": requests.get(variant, w.open_request).pk},
        "intake:add_contact": {"pk": w.open_request.pk},
        "intake:add_note": {"pk": w.open_request.pk},
        "intake:triage": {"pk": w.open_request.pk},
        "intake:clear_flag": {"pk": w.open_request.pk, "flag_pk": o["flag"].pk},
        "intake:decide": {"pk": w.open_request.pk, "decision": "review"},
        "intake:letter": {"pk": w.open_request.pk},
        "intake:attach_letter": {"pk": w.open_request.pk},
        "intake:authorization": {"pk": w.open_request.pk, "name": "sign"},
        "intake:status_letter": {"tracking_number": tracking},
        "invitations:list": {"org_pk": w.agency.pk},
        "invitations:remove_member": {"org_pk": w.agency.pk, "user_pk": o["liaison"].pk},
        "invitations:resend": {"pk": o["invitation"].pk},
        "invitations:revoke": {"pk": o["invitation"].pk},
        "invitations:accept": {"token": "no-such-link" if variant == "bad" else INVITATION_TOKEN},
        "agencies:detail": {"pk": w.agency.pk},
        "agencies:edit": {"pk": w.agency.pk},
        "public_sites:detail": {"pk": oa if variant == "public" else cr},
        "public_progress:progress": {"pk": oa, "number": 1 if variant == "published" else 2},
        "sites:detail": {"pk": cr},
        "sites:edit": {"pk": cr},
        "sites:member_add": {"pk": cr},
        "sites:member_remove": {"pk": cr, "member_pk": w.cr.members.get().pk},
        "sites:transition": {"pk": cr, "name": "suspend"},
        "workplans:current": {"site_pk": cr},
        "workplans:compare": {"site_pk": cr},
        "workplans:start_draft": {"site_pk": cr},
        "workplans:add_item": {"site_pk": cr, "kind": "objective"},
        "workplans:remove_item": {"site_pk": cr, "kind": "objective", "item_pk": o["draft_objective"].pk},
        "workplans:version": {"site_pk": cr, "version": 1 if variant == "approved" else 2},
        "workplans:comment": {"site_pk": cr, "version": 1},
        "workplans:decide": {"site_pk": cr, "version": 2, "decision": "send"},
        "assessment:matrix": {"site_pk": oa},
        "assessment:import": {"site_pk": oa},
        "assessment:export": {"site_pk": oa},
        "assessment:item": item,
        "assessment:propose": item,
        "assessment:plan": item,
        "assessment:document": {**item, "proposal_pk": o["proposal"].pk},
        "assessment:verify": {**item, "proposal_pk": o["proposal"].pk, "decision": "accept"},
        "assessment:progress_draft": {"site_pk": oa},
        "assessment:progress": {"site_pk": oa, "number": 1 if variant == "published" else 2},
        "assessment:progress_publish": {"site_pk": oa, "number": 2},
        "delivery:communications": {"site_pk": cr},
        "delivery:activities": {"site_pk": cr},
        "delivery:documents": {"site_pk": cr},
        "delivery:document": {"site_pk": cr, "document_pk": document.pk},
        "delivery:download": {"site_pk": cr, "document_pk": document.pk, "number": 1},
        "delivery:milestones": {"site_pk": cr},
        "delivery:milestone_done": {"site_pk": cr, "deliverable_pk": o["deliverable"].pk},
        "public_reports:detail": {"pk": report.pk if report else 0},
        "public_reports:download": {"pk": report.pk if report else 0, "fmt": "docx"},
        "reports:site_reports": {"site_pk": cr},
        "reports:detail": report_kw,
        "reports:sections": report_kw,
        "reports:add_part": {**report_kw, "kind": "finding"},
        "reports:edit_part": draft_part,
        "reports:remove_part": draft_part,
        "reports:move_part": {**draft_part, "direction": "up"},
        "reports:embed": report_kw,
        "reports:figure": report_kw,
        "reports:import_timeline": report_kw,
        "reports:comment": report_kw,
        "reports:reply": {**report_kw, "comment_pk": o["comment"].pk},
        "reports:step": {**report_kw, "name": "approve"},
        "reports:correction": report_kw,
        "reports:download": {**report_kw, "fmt": "docx"},
        "datasets:home": {"site_pk": cr},
        "datasets:request": {"site_pk": cr, "request_pk": o["data_request"].pk},
        "datasets:request_problem": {"site_pk": cr, "request_pk": o["data_request"].pk},
        "datasets:version": {"site_pk": cr, "version_pk": o["version"].pk},
        "datasets:mapping": {"site_pk": cr, "version_pk": o["version"].pk},
        "datasets:accept": {"site_pk": cr, "version_pk": o["version"].pk},
        "datasets:run": {"site_pk": cr, "version_pk": o["version"].pk},
        "datasets:download": {"site_pk": cr, "version_pk": o["version"].pk, "which": variant},
        "datasets:job": {"site_pk": cr, "job_pk": o["job"].pk},
        "datasets:retry": {"site_pk": cr, "job_pk": o["job"].pk},
        "datasets:result": {"site_pk": cr, "result_pk": o["result"].pk},
        "datasets:mark": {"site_pk": cr, "result_pk": o["result"].pk},
        "critac:route": {"pk": w.open_request.pk},
        "critac:deliveries": {"site_pk": critac},
        "feedback:respond": {"token": SURVEY_TOKEN},
        "feedback:site": {"site_pk": critac},
        "api_tokens:revoke": {"pk": o["token_executive_a"].pk},
        "notifications:open": {"pk": o["notification"].pk},
        "portal:nav_count": {"name": "attention"},
        "notifications:feed": {"token": "no-such-feed" if variant == "bad" else FEED_TOKEN},
        "audit:history": {"app_label": "sites", "model": "site", "pk": str(cr)},
        "api:public_site": {"site_id": oa if variant == "public" else cr},
        "api:public_report": {"report_id": report.pk if report else 0},
        "api:request_detail": {"request_id": requests.get(variant, w.open_request).pk},
        "api:site_detail": {"site_id": cr},
        "api:work_plans": {"site_id": cr},
        "api:add_communication": {"site_id": cr},
        "api:upload_dataset": {"site_id": cr, "request_id": o["data_request"].pk},
        "api:data_requests": {"site_id": cr},
        "api:results": {"site_id": cr},
        "api:result_detail": {"site_id": cr, "result_id": o["result"].pk},
        "api:report_detail": {"report_id": report.pk if report else 0},
        "account_confirm_email": {"key": "not-a-key"},
        "account_reset_password_from_key": {"uidb36": "0", "key": "not-a-key"},
        "admin:app_list": {"app_label": "agencies"},
        "admin:view_on_site": {"content_type_id": "0", "object_id": "0"},
        "admin:*_change": {"object_id": str(w.agency.pk)},
        "admin:*_history": {"object_id": str(w.agency.pk)},
        "admin:*_delete": {"object_id": str(w.agency.pk)},
        "admin:*_password": {"id": str(o["token_executive_a"].user_id)},
    }
    return table.get(route, {})
