"""Fuzz the API against its own OpenAPI document (bounded examples per operation): whatever is sent, as a
signed-in program staff member or anonymously, no answer is a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from continuum.api.models import ApiToken

EXAMPLES = 12


@pytest.fixture
def operations(db, users, orgs):
    from continuum.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("as_staff", [True, False])
def test_api_never_fails(operations, users, as_staff):
    headers = {"Authorization": f"Bearer {ApiToken.issue(users['staff'], 'fuzz')[1]}"} if as_staff else {}
    assert len(operations) >= 12
    for operation in operations:

        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"

        check()
