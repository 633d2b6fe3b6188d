"""The load benchmark's bulk data: it tops the database up to the totals asked for, with variety."""

import pytest
from django.core.management import CommandError, call_command

from continuum.intake.models import Request
from continuum.reports.models import Report
from continuum.sites.models import Site


def test_tops_up_to_the_totals(db):
    call_command("load_bulk", sites=40, requests=100)
    assert Site.objects.count() == 40 and Request.objects.count() == 100
    assert Request.objects.filter(status="accepted", site__isnull=False).count() == 40
    assert Site.objects.values("status").distinct().count() >= 5
    assert Site.objects.values("agency__state").distinct().count() >= 3
    published = Report.objects.filter(status=Report.Status.PUBLISHED)
    assert (
        published.count() == Site.objects.filter(status__in=["published", "implementation", "closed"]).count()
    )

    call_command("load_bulk", sites=50, requests=120)  # only what is missing is added
    assert Site.objects.count() == 50 and Request.objects.count() == 120


def test_refuses_more_sites_than_requests(db):
    with pytest.raises(
        CommandError, match="Every site comes from a request: 10 requests cannot make 20 sites"
    ):
        call_command("load_bulk", sites=20, requests=10)
    with pytest.raises(CommandError, match="zero or more"):
        call_command("load_bulk", sites=-1, requests=10)
