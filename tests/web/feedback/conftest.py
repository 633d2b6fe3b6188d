"""Agency A's CRI-TAC engagement delivered by IACP, from a request by the agency's chief."""

import pytest

from continuum.intake.models import Request
from tests.web.critac import factories


@pytest.fixture
def partners(orgs):
    return factories.standard_partners()


@pytest.fixture
def partner_users(partners):
    return {
        key: factories.provider_user(partner.provider, f"partner_{key}") for key, partner in partners.items()
    }


@pytest.fixture
def engagement(orgs, partners):
    site = factories.engagement(orgs["agency_a"], partners["iacp"].provider)
    request = factories.make_request(orgs["agency_a"], ["De-escalation"], requester_name="Elaine Bryant",
                                     requester_email="chief@columbus.example.gov")  # fmt: skip
    Request.objects.filter(pk=request.pk).update(status="accepted", site=site)
    return site
