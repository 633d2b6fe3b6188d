"""The program's figures for a period and a program. Each section is one or two aggregate queries, so a page costs
the same number of queries however many records there are; the few per-record values (times between steps) come
back in a single query and are summarised in Python.

Definitions (shown on the dashboard):
- a request's program is that of its site once accepted, else the program it asked for;
- received: submitted in the period; decided: accepted, declined or referred in the period (a withdrawal is
  the requester's, not a decision);
- times are calendar days from submission, for requests received in the period: to the decision, to the first
  approved work plan, to the first delivery (an activity done or a CRI-TAC delivery), to the first published
  report; a step dated before its request is counted apart as inconsistent, not in the median;
- agencies served, sites and topics count sites opened, and requests received, in the period;
- feedback counts the invitations of surveys sent in the period.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, DateField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from continuum.agencies.models import Agency
from continuum.catalog.models import Program
from continuum.critac.models import Delivery
from continuum.delivery.models import ActivityDone
from continuum.feedback import surveys
from continuum.feedback.models import Invitation
from continuum.intake.models import Request
from continuum.sites.models import Site
from continuum.workplans.models import WorkPlan

DECIDED = (Request.Status.ACCEPTED, Request.Status.DECLINED, Request.Status.REFERRED)
SIZE_BANDS = [(0, 49, "Fewer than 50"), (50, 99, "50 to 99"), (100, 249, "100 to 249"), (250, 999, "250 to 999"),
              (1000, None, "1,000 or more")]  # fmt: skip
SMALL_AGENCY = 50


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    program: str = ""

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes in the program's time zone: [start 00:00, end+1 00:00)."""
        zone = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        finish = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return begin, finish

    def months(self) -> list[datetime.date]:
        month, last, out = self.start.replace(day=1), self.end.replace(day=1), []
        while month <= last:
            out.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return out

    @property
    def program_label(self) -> str:
        return dict(Program.choices).get(self.program, "All programs")


def default_period(today: datetime.date | None = None) -> Period:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start, today)


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (the usual definition, as numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _request_program(program: str) -> Q:
    if not program:
        return Q()
    return Q(site__program=program) | Q(site__isnull=True, program_wanted=program)


def requests_in(period: Period, field_name: str = "submitted_at") -> QuerySet:
    begin, finish = period.bounds()
    return Request.objects.filter(
        _request_program(period.program), **{f"{field_name}__gte": begin, f"{field_name}__lt": finish}
    )


def sites_in(period: Period) -> QuerySet:
    begin, finish = period.bounds()
    sites = Site.objects.filter(created_at__gte=begin, created_at__lt=finish)
    return sites.filter(program=period.program) if period.program else sites


@dataclass
class MonthRow:
    month: datetime.date
    received: int = 0
    decided: int = 0


def requests_by_month(period: Period) -> list[MonthRow]:
    rows = {month: MonthRow(month) for month in period.months()}
    received = (
        requests_in(period).annotate(month=TruncMonth("submitted_at", output_field=DateField()))
        .values("month").annotate(n=Count("pk")).values_list("month", "n")
    )  # fmt: skip
    decided = (
        requests_in(period, "decided_at").filter(status__in=DECIDED)
        .annotate(month=TruncMonth("decided_at", output_field=DateField()))
        .values("month").annotate(n=Count("pk")).values_list("month", "n")
    )  # fmt: skip
    for month, n in received:
        rows.setdefault(month, MonthRow(month)).received = n
    for month, n in decided:
        rows.setdefault(month, MonthRow(month)).decided = n
    return [rows[month] for month in sorted(rows)]


@dataclass
class Duration:
    """Days from request to one step. A step dated before its request is a data error: it is counted in
    `inconsistent` and shown, not folded into the median."""

    key: str
    label: str
    days: list[int] = field(default_factory=list)
    inconsistent: int = 0

    def add(self, days: int) -> None:
        if days < 0:
            self.inconsistent += 1
        else:
            self.days.append(days)

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return percentile(self.days, 0.5)

    @property
    def p90(self) -> float | None:
        return percentile(self.days, 0.9)


def _report_published_subquery():
    """The first publication of the site's report, if the reports app (still in flux) offers one."""
    try:
        report = apps.get_model("reports", "Report")
    except LookupError:
        return None
    names = {f.name for f in report._meta.get_fields()}
    if not {"site", "published_at"} <= names:
        return None
    first = report._default_manager.filter(site=OuterRef("site"), published_at__isnull=False).order_by(
        "published_at"
    )
    return Subquery(first.values("published_at")[:1])


def durations(period: Period) -> list[Duration]:
    """Days from submission to each later step, for the requests received in the period (one query)."""
    first_plan = WorkPlan.objects.filter(site=OuterRef("site"), approved_at__isnull=False).order_by(
        "approved_at"
    )
    first_activity = ActivityDone.objects.filter(site=OuterRef("site")).order_by("done_on")
    first_delivery = Delivery.objects.filter(site=OuterRef("site")).order_by("starts_on")
    annotations = {
        "plan_at": Subquery(first_plan.values("approved_at")[:1]),
        "activity_on": Subquery(first_activity.values("done_on")[:1]),
        "delivery_on": Subquery(first_delivery.values("starts_on")[:1]),
    }
    published = _report_published_subquery()
    if published is not None:
        annotations["published_at"] = published
    rows = (
        requests_in(period)
        .annotate(**annotations)
        .values("status", "submitted_at", "decided_at", *annotations)
    )
    result = {
        "decision": Duration("decision", "Request to decision"),
        "plan": Duration("plan", "Request to approved work plan"),
        "delivery": Duration("delivery", "Request to first delivery"),
        "report": Duration("report", "Request to published report"),
    }
    local = timezone.localdate
    for row in rows:
        submitted = local(row["submitted_at"])
        if row["status"] in DECIDED and row["decided_at"]:
            result["decision"].add((local(row["decided_at"]) - submitted).days)
        if row["plan_at"]:
            result["plan"].add((local(row["plan_at"]) - submitted).days)
        delivered = [day for day in (row["activity_on"], row["delivery_on"]) if day]
        if delivered:
            result["delivery"].add((min(delivered) - submitted).days)
        if row.get("published_at"):
            result["report"].add((local(row["published_at"]) - submitted).days)
    return list(result.values())


@dataclass
class Agencies:
    total: int
    by_state: list[tuple[str, int]]
    by_type: list[tuple[str, int]]
    by_size: list[tuple[str, int]]
    known_size: int
    small: int

    @property
    def small_share(self) -> float | None:
        return self.small / self.known_size if self.known_size else None


def agencies_served(period: Period) -> Agencies:
    """Distinct agencies with a site opened in the period, by state, type and number of sworn officers."""
    rows = list(
        Agency.objects.filter(sites__in=sites_in(period))
        .distinct()
        .values("state", "agency_type", "sworn_officers")
    )
    states = dict(Agency._meta.get_field("state").choices)
    types = dict(Agency.Type.choices)
    by_state = Counter(states.get(r["state"], r["state"]) for r in rows)
    by_type = Counter(types.get(r["agency_type"], r["agency_type"]) for r in rows)
    sizes = Counter()
    for r in rows:
        sworn = r["sworn_officers"]
        label = "Not known"
        if sworn is not None:
            label = next(
                name for low, high, name in SIZE_BANDS if sworn >= low and (high is None or sworn <= high)
            )
        sizes[label] += 1
    order = [name for _, _, name in SIZE_BANDS] + ["Not known"]
    known = [r for r in rows if r["sworn_officers"] is not None]
    return Agencies(
        total=len(rows),
        by_state=sorted(by_state.items(), key=lambda kv: (-kv[1], kv[0])),
        by_type=sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
        by_size=[(name, sizes[name]) for name in order if sizes[name]],
        known_size=len(known),
        small=sum(1 for r in known if r["sworn_officers"] < SMALL_AGENCY),
    )


def topics(period: Period) -> list[tuple[str, str, int]]:
    """(topic, area, requests received in the period that name it), most named first."""
    through = Request.topics.through
    rows = (
        through.objects.filter(request__in=requests_in(period))
        .values("topic__name", "topic__area__name")
        .annotate(n=Count("request", distinct=True))
        .order_by("-n", "topic__name")
    )
    return [(r["topic__name"], r["topic__area__name"] or "", r["n"]) for r in rows]


@dataclass
class SiteTable:
    statuses: list[tuple[str, str]]
    rows: list[tuple[str, list[int], int]]
    totals: list[int]
    total: int


def sites_by_program_and_status(period: Period) -> SiteTable:
    counts = {
        (r["program"], r["status"]): r["n"]
        for r in sites_in(period).values("program", "status").annotate(n=Count("pk"))
    }
    statuses = list(Site.Status.choices)
    programs = [
        (value, label) for value, label in Program.choices if not period.program or value == period.program
    ]
    rows = []
    for value, label in programs:
        cells = [counts.get((value, status), 0) for status, _ in statuses]
        rows.append((label, cells, sum(cells)))
    totals = [sum(row[1][i] for row in rows) for i in range(len(statuses))]
    return SiteTable(statuses, rows, totals, sum(totals))


def feedback(period: Period) -> list[surveys.ProgramResults]:
    begin, finish = period.bounds()
    invitations = Invitation.objects.filter(survey__sent_at__gte=begin, survey__sent_at__lt=finish)
    if period.program:
        invitations = invitations.filter(survey__site__program=period.program)
    return surveys.results_by_program(invitations)


@dataclass
class Dashboard:
    period: Period
    months: list[MonthRow]
    durations: list[Duration]
    agencies: Agencies
    topics: list[tuple[str, str, int]]
    sites: SiteTable
    feedback: list[surveys.ProgramResults]

    @property
    def received(self) -> int:
        return sum(m.received for m in self.months)

    @property
    def decided(self) -> int:
        return sum(m.decided for m in self.months)


def dashboard(period: Period) -> Dashboard:
    return Dashboard(
        period=period, months=requests_by_month(period), durations=durations(period),
        agencies=agencies_served(period), topics=topics(period), sites=sites_by_program_and_status(period),
        feedback=feedback(period),
    )  # fmt: skip
