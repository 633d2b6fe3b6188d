"""The site's lifecycle, declared once (`LIFECYCLE`), run by `continuum.workflow.take`.

A site follows its work plan and its report: the steps marked automatic are taken only as consequences of the
plan's and the report's own steps (or of a CRI-TAC delivery), in the same transaction, so the site's state
cannot disagree with them. People take the rest: close, suspend, resume.

work plan ⇄ agency review → delivery → report drafting ⇄ report review → published (Critical Response; then
closed with a closing note) or implementation tracking (Organizational Assessment); CRI-TAC: delivery →
closed once its deliveries are recorded and feedback requested."""

from collections.abc import Callable

from django import forms
from django.db import transaction
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Program
from continuum.portal.caching import clear_public_pages
from continuum.workflow import Lifecycle, Move, Step, TransitionError, take

from . import extensions, notify
from .models import Site

S = Site.Status
ACTIVE = (
    S.WORK_PLAN, S.AGENCY_REVIEW, S.DELIVERY, S.REPORT_DRAFTING, S.REPORT_REVIEW, S.PUBLISHED, S.IMPLEMENTATION,
)  # fmt: skip
PLANNING = (S.WORK_PLAN, S.AGENCY_REVIEW)

# What an app built on sites needs before a site may close (CRI-TAC: its deliveries and the feedback
# request); each raises TransitionError saying what is missing. Added in the app's ready().
CLOSING_CHECKS: list[Callable[[Site], None]] = []

__all__ = ["ACTIVE", "CLOSING_CHECKS", "LIFECYCLE", "TransitionError", "follow"]


def _started(site: Site, move: Move) -> None:
    site.started_on = site.started_on or timezone.localdate()


def _after_report(site: Site) -> str:
    """An Organizational Assessment goes on to track the implementation of its recommendations; the others
    have no post-report monitoring."""
    return S.IMPLEMENTATION if site.program == Program.ORGANIZATIONAL_ASSESSMENT else S.PUBLISHED


def _closable(site: Site, actor) -> None:
    if site.status == S.DELIVERY and site.program != Program.CRI_TAC:
        raise TransitionError(f"A {site.get_program_display()} site closes after its report is published.")
    for check in CLOSING_CHECKS:
        check(site)


def _closed(site: Site, move: Move) -> None:
    site.closed_on = timezone.localdate()
    site.closing_note = move.message


def _suspended(site: Site, move: Move) -> None:
    site.status_before_suspension = move.before
    site.suspension_reason = (
        move.message
    )  # shown on the site page, the agency's too: never the internal reason


def _resumed(site: Site, move: Move) -> None:
    site.status_before_suspension = ""
    site.suspension_reason = ""


def _listed_by_announcement(site: Site) -> bool:
    return site.is_public and site.announced_on is not None


def _unannounced(site: Site, actor) -> None:
    """A site listed by its announcement is not announced again; one withdrawn from the list (or listed before
    announcements were recorded) may be."""
    if _listed_by_announcement(site):
        raise TransitionError(
            f"The site was announced on {site.announced_on:%B %-d, %Y} and is listed publicly."
        )


def _withdrawable(site: Site, actor) -> None:
    """A published report or progress report is the public record of the site's work: it, and so the site's
    listing, stays public."""
    if not site.is_public:
        raise TransitionError("The site is not listed publicly.")
    published = extensions.publications([site.pk])[site.pk]
    if published:
        raise TransitionError(
            f"“{published[0].title}” is published and stays public, and so does the site's listing."
        )


def _withdrawn(site: Site, move: Move) -> None:
    """Off the public lists and pages at once (the cached pages are cleared); the announcement is kept in the
    record and its history, and the site can be announced again."""
    site.is_public = False
    transaction.on_commit(clear_public_pages)


def _announced(site: Site, move: Move) -> None:
    """From its announcement on, the site is listed publicly with its announcement, intent and the agency's
    recorded consent; the public pages (cached) show it at once."""
    inputs = move.inputs
    day = inputs.get("announced_on") or timezone.localdate()
    if day > timezone.localdate():
        raise TransitionError("Announce on the day of the press release, not before it.")
    site.announced_on, site.is_public = day, True
    site.announcement = (inputs.get("announcement") or "").strip()
    site.agency_consent = (inputs.get("agency_consent") or "").strip()
    if not site.announcement or not site.agency_consent:
        raise TransitionError("Give the announcement and how the agency consented to it.")
    site.public_summary = site.public_summary or site.announcement
    site.intent = (inputs.get("intent") or "").strip() or site.intent
    changes = {"announced on": [None, day.isoformat()], "agency's consent": [None, site.agency_consent]}
    record(move.actor, site, AuditEvent.Action.UPDATED, reason="Announced publicly", changes=changes)
    transaction.on_commit(clear_public_pages)


ANNOUNCE_FIELDS = (
    ("announced_on", forms.DateField(label="Announced on", widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text="The date of the program's press release.")),
    ("announcement", forms.CharField(
        label="Announcement", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="As released: “The COPS Office in conjunction with … is conducting …”")),
    ("intent", forms.CharField(label="Intent of the review", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="What the review examines and why, shown in the list of sites.")),
    ("agency_consent", forms.CharField(
        label="Agency's consent", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who agreed to the announcement for the agency, when and how (e.g. the chief's letter).")),
)  # fmt: skip


def _notify(site: Site, move: Move) -> None:
    """A step people take is e-mailed; an automatic one is told by the plan's or report's own e-mail; an
    announcement changes no state and the agency consented to it beforehand."""
    if not move.step.automatic and move.before != move.after:
        notify.status_changed(site, move.before, move.message, told=move.told)


AUTO = {"permission": None, "button": False}


def _path(site: Site) -> tuple[str, ...]:
    if site.program == Program.CRI_TAC:
        return (S.WORK_PLAN, S.DELIVERY, S.CLOSED)
    after = S.IMPLEMENTATION if site.program == Program.ORGANIZATIONAL_ASSESSMENT else S.PUBLISHED
    return (S.WORK_PLAN, S.AGENCY_REVIEW, S.DELIVERY, S.REPORT_DRAFTING, S.REPORT_REVIEW, after, S.CLOSED)


LIFECYCLE = Lifecycle(
    model=Site,
    noun="site",
    notify=_notify,
    path=_path,
    steps=(
        Step("plan_sent", "Work plan sent to the agency", (S.WORK_PLAN,), S.AGENCY_REVIEW,
             actor="Program staff or the provider", **AUTO),
        Step("plan_returned", "Work plan returned for changes", (S.AGENCY_REVIEW,), S.WORK_PLAN,
             actor="The agency's chief executive", **AUTO),
        Step("plan_approved", "Work plan approved: delivery starts", PLANNING, S.DELIVERY, apply=_started,
             actor="The agency's chief executive", **AUTO),
        Step("delivery_recorded", "CRI-TAC delivery recorded", PLANNING, S.DELIVERY, apply=_started,
             actor="The partner association", **AUTO),
        Step("report_started", "Report started", (S.DELIVERY,), S.REPORT_DRAFTING, actor="The report's drafters",
             **AUTO),
        Step("report_submitted", "Report sent for review", (S.DELIVERY, S.REPORT_DRAFTING), S.REPORT_REVIEW,
             actor="The report's drafters", **AUTO),
        Step("report_returned", "Report returned to drafting", (S.REPORT_REVIEW,), S.REPORT_DRAFTING,
             actor="Program staff", **AUTO),
        Step("report_published", "Report published", (S.DELIVERY, S.REPORT_DRAFTING, S.REPORT_REVIEW),
             _after_report, actor="A second program staff member", **AUTO),
        Step("announce", "Announce publicly", (*ACTIVE, S.CLOSED), lambda site: site.status, "sites.manage_site",
             reason="", checks=(_unannounced,), apply=_announced, fields=ANNOUNCE_FIELDS,
             when=lambda site: not _listed_by_announcement(site)),
        Step("withdraw", "Withdraw from the public list", (*ACTIVE, S.CLOSED, S.SUSPENDED), lambda site: site.status,
             "sites.manage_site", reason="required", reason_label="Why the listing is withdrawn (e.g. the agency "
             "withdrew its consent)", checks=(_withdrawable,), apply=_withdrawn, danger=True,
             when=lambda site: site.is_public),
        Step("close", "Close the site", (S.DELIVERY, S.PUBLISHED, S.IMPLEMENTATION), S.CLOSED,
             "sites.manage_site", reason="optional", message="required", checks=(_closable,), apply=_closed,
             when=lambda site: site.status != S.DELIVERY or site.program == Program.CRI_TAC),
        Step("suspend", "Suspend", ACTIVE, S.SUSPENDED, "sites.manage_site", reason="required",
             message="optional", apply=_suspended, danger=True),
        Step("resume", "Resume", (S.SUSPENDED,), lambda site: site.status_before_suspension,
             "sites.manage_site", reason="required", message="optional", apply=_resumed),
    ),
)  # fmt: skip


def follow(name: str, site: Site, actor, *, cause: Move | None = None, proof: str = "", reason: str = ""):
    """Take the automatic step `name` if the site is where that step starts; a site elsewhere (a later
    version of a plan, a correction of a published report) stays as it is. A suspended site refuses."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.status == S.SUSPENDED:
        raise TransitionError("The site is suspended: resume it first.")
    if site.status not in LIFECYCLE.step(name).sources:
        return site
    return take(LIFECYCLE, name, site, actor, cause=cause, proof=proof, reason=reason)
