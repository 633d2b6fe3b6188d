"""What waits for each demo role on their workspace ("Needs your attention"): Columbus's second work plan version
sent to the chief for approval, and training records asked of Columbus, due in a week. (Staff already have an
urgent request past the contact target, silent sites, a late milestone and Spokane's progress report due; the
provider and the SME the late milestone.)"""

from datetime import timedelta

from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.datasets import uploads
from continuum.datasets.models import DataRequest, TableType
from continuum.sites.models import Site
from continuum.workplans import plans
from continuum.workplans.models import WorkPlan

COLUMBUS = "Columbus (OH) Division of Police"
TRAINING = "Use-of-force training records, 2021 to 2025"


def load(staff: User) -> None:
    site = Site.objects.filter(agency__name=COLUMBUS).exclude(status=Site.Status.CLOSED).first()
    if site is None:
        return
    draft = site.plans.filter(status=WorkPlan.Status.DRAFT).first()
    if draft is not None and plans.approved(site) is not None:
        plans.send_for_review(draft, staff, message="Version 2 adds a peer exchange with a department that cut its "
                              "use of force. Please review it and approve it, or tell us what to change.")  # fmt: skip
    if not site.data_requests.filter(title=TRAINING).exists():
        provider = (
            User.objects.filter(organization=site.provider_id, role=Role.PROVIDER_STAFF).first() or staff
        )
        uploads.create_request(site, provider, DataRequest(
            title=TRAINING, table_type=TableType.PERSONNEL, due_on=timezone.localdate() + timedelta(days=7),
            fields_wanted="Officer identifier (hashed), course, hours, date completed, instructor's assessment.",
        ))  # fmt: skip
