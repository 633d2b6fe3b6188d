"""The queue's service level: program staff first contact a requester within a number of business days
(`CONTACT_TARGET_BUSINESS_DAYS`, 5 by default). Weekends are not business days; federal holidays are not
counted out (the target is a working aim, not a statute)."""

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.conf import settings
from django.utils import timezone


def add_business_days(day: date, days: int) -> date:
    """`days` working days (Monday to Friday) after `day`; a day at a weekend counts from the Monday."""
    return np.busday_offset(np.datetime64(day, "D"), days, roll="forward").astype(object)


def contact_due(submitted: datetime | date, days: int | None = None) -> date:
    """The last business day on which first contact with a request submitted then is on time."""
    days = settings.CONTACT_TARGET_BUSINESS_DAYS if days is None else days
    start = timezone.localtime(submitted).date() if isinstance(submitted, datetime) else submitted
    return add_business_days(start, days)


@dataclass(frozen=True)
class ServiceLevel:
    due: date
    contacted_on: date | None
    state: str  # "met", "late" (contacted after the target), "due" (still in time), "overdue"
    days: int  # business days left (due), or past the target (late, overdue)

    @property
    def label(self) -> str:
        plural = "s" if self.days != 1 else ""
        if self.state == "met":
            return f"Contacted {self.contacted_on:%b} {self.contacted_on.day}"
        if self.state == "late":
            return f"Contacted {self.days} business day{plural} late"
        if self.state == "due":
            return f"Contact due in {self.days} business day{plural}" if self.days else "Contact due today"
        return f"Contact overdue by {self.days} business day{plural}"


def service_level(
    submitted_at: datetime, contacted_on: date | None, today: date | None = None
) -> ServiceLevel:
    due = contact_due(submitted_at)
    today = today or timezone.localdate()
    if contacted_on is not None:
        late = int(np.busday_count(due, contacted_on)) if contacted_on > due else 0
        return ServiceLevel(due, contacted_on, "late" if late else "met", late)
    if today <= due:
        return ServiceLevel(due, None, "due", int(np.busday_count(today, due)))
    return ServiceLevel(due, None, "overdue", int(np.busday_count(due, today)))
