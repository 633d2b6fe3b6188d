"""Two CRI-TAC partners (IACP and NSA) with a provider-staff user each, a CRI-TAC request of agency A, and agency
A's CRI-TAC engagement delivered by IACP."""

import pytest

from . import factories


@pytest.fixture
def partners(orgs):
    return factories.standard_partners()


@pytest.fixture
def partner_users(partners):
    return {
        key: factories.provider_user(partner.provider, f"partner_{key}") for key, partner in partners.items()
    }


@pytest.fixture
def cri_tac_request(orgs):
    return factories.make_request(orgs["agency_a"], ["De-escalation", "Use of force", "Rural policing"])


@pytest.fixture
def engagement(orgs, partners):
    return factories.engagement(orgs["agency_a"], partners["iacp"].provider)
