"""What the API returns and accepts. Shapes are flat and stable; internal fields never appear in public ones."""

from datetime import date, datetime

from ninja import Schema
from pydantic import field_validator

from continuum.portal.text import hidden_character_problem


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


class PublicSiteOut(Schema):
    id: int
    agency: str
    city: str
    state: str
    provider: str | None
    program: str
    type_of_ta: str
    topics: list[str]
    summary: str
    status: str  # "active" or "closed"
    url: str


class RecommendationOut(Schema):
    number: str
    text: str
    responsible_party: str
    priority: str
    topics: list[str]


class FindingOut(Schema):
    number: int
    title: str
    recommendations: list[RecommendationOut]


class ReportOut(Schema):
    id: int
    title: str
    kind: str
    version: int
    status: str
    site_id: int
    agency: str
    state: str
    program: str
    published_at: datetime | None
    url: str


class ReportDetailOut(ReportOut):
    executive_summary: str
    findings: list[FindingOut]


class ProgressReportOut(Schema):
    site_id: int
    agency: str
    number: int
    as_of: date
    published_at: datetime | None
    counts: dict[str, int]
    url: str


class RequestOut(Schema):
    id: int
    tracking_number: str
    status: str
    agency_name: str
    agency_state: str
    program_wanted: str
    ta_kind: str
    urgency: str
    topics: list[str]
    submitted_at: datetime
    decided_at: datetime | None
    site_id: int | None


class In(Schema):
    """What a client sends: no field's text may hold NUL, controls or direction overrides."""

    @field_validator("*", mode="after")
    @classmethod
    def _visible_text(cls, value):
        if isinstance(value, str):
            problem = hidden_character_problem(value)
            if problem:
                raise ValueError(f"the text {problem}")
        return value


class RequestIn(In):
    """A request for assistance, as the public form takes it."""

    existing_agency: int | None = None
    agency_name: str = ""
    agency_type: str = ""
    agency_city: str = ""
    agency_state: str = ""
    agency_ori: str = ""
    agency_sworn_officers: int | None = None
    agency_population_served: int | None = None
    requester_name: str
    requester_title: str
    requester_email: str
    requester_phone: str
    requester_is_chief_executive: bool
    chief_executive_name: str = ""
    program_wanted: str
    ta_kind: str
    topics: list[int]
    what_happened: str
    event_date: date | None = None
    urgency: str
    pending_matters: str
    pending_details: str = ""
    asked_for: str
    asks_for_costs: bool


class SiteOut(Schema):
    id: int
    title: str
    agency: str
    state: str
    program: str
    type_of_ta: str
    status: str
    provider: str | None
    topics: list[str]
    is_public: bool
    created_at: datetime


class ActivityOut(Schema):
    kind: str
    title: str
    starts_on: date | None
    ends_on: date | None


class DeliverableOut(Schema):
    title: str
    due_on: date


class WorkPlanOut(Schema):
    version: int
    status: str
    approved_at: datetime | None
    approved_by: str | None
    objectives: list[str]
    activities: list[ActivityOut]
    deliverables: list[DeliverableOut]


class CommunicationIn(In):
    occurred_on: date
    kind: str
    with_agency: bool = True
    participants: str
    summary: str


class CommunicationOut(Schema):
    id: int
    occurred_on: date
    kind: str
    with_agency: bool
    participants: str
    summary: str


class DatasetVersionOut(Schema):
    id: int
    data_request_id: int
    number: int
    original_name: str
    file_format: str  # csv, excel or parquet
    size: int
    sha256: str
    status: str
    note: str
    uploaded_at: datetime
    url: str


class DataRequestOut(Schema):
    id: int
    site_id: int
    title: str
    table_type: str
    period_start: date | None
    period_end: date | None
    due_on: date | None
    status: str
    versions: list[DatasetVersionOut]


class ResultOut(Schema):
    """One analysis run with its provenance; `data` is the engine's result (estimates, tables, notes)."""

    id: int
    site_id: int
    dataset_version_id: int
    analysis: str
    number: int
    params: dict
    input_sha256: str
    engine_version: str
    for_report: bool
    created_at: datetime
    url: str


class ResultDetailOut(ResultOut):
    data: dict
