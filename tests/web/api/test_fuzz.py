"""Fuzz the API against its own OpenAPI document (bounded examples per operation): whatever is sent, as a
signed-in program staff member or anonymously, no answer is a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from continuum.api.models import ApiToken

EXAMPLES = 12


@pytest.fixture
def operations(db, users, orgs):
    """The API's operations, called in-process through the WSGI application. Like Django's test client, keep
    the request signals from closing the test's database connection (it holds the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from continuum.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
        yield [result.ok() for result in schema.get_all_operations()]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


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
