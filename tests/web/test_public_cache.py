"""Public pages are cached for visitors who are not signed in, and only for them."""

import pytest

from continuum.sites.models import Site


@pytest.fixture
def public_site(orgs):
    return Site.objects.create(
        agency=orgs["agency_a"], provider=orgs["provider_a"], program="critical_response",
        ta_type="technical_assistance", title="Internal title", description="internal", is_public=True,
        public_summary="First summary.", status="delivery",
    )  # fmt: skip


def test_anonymous_visitors_get_the_cached_page_for_a_while(client, public_site, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    assert "First summary." in client.get(f"/sites/{public_site.pk}/").content.decode()
    Site.objects.filter(pk=public_site.pk).update(public_summary="Second summary.")
    assert "First summary." in client.get(f"/sites/{public_site.pk}/").content.decode()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    assert "Second summary." in client.get(f"/sites/{public_site.pk}/").content.decode()


def test_signed_in_users_and_htmx_fragments_are_never_served_from_the_cache(
    client, public_site, settings, users, login
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    anonymous = client.get("/sites/").content.decode()
    assert "Internal title" not in anonymous
    fragment = client.get("/reports/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "<html" in client.get("/reports/").content.decode()
    login(users["staff"])
    page = client.get("/sites/").content.decode()
    assert page != anonymous and "Sign out" in page


def test_random_query_strings_are_served_the_cached_page(client, public_site, settings):
    """Parameters a page does not read, empty ones and their order do not make a new cache entry."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    assert "First summary." in client.get(f"/sites/{public_site.pk}/?x=1").content.decode()
    Site.objects.filter(pk=public_site.pk).update(public_summary="Second summary.")
    for junk in ["?x=2", "?utm_source=abc&page=7", ""]:
        assert "First summary." in client.get(f"/sites/{public_site.pk}/{junk}").content.decode(), junk


def test_the_parameters_a_page_reads_still_select_what_it_shows(client, public_site, settings):
    from django.http import QueryDict

    from continuum.portal.caching import canonical_query

    assert canonical_query(
        QueryDict("z=1&q=other&page=&q=%20use+of+force%20&agency="), ("q", "page", "agency")
    ) == ("q=use+of+force")
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    everything = client.get("/reports/?junk=1").content.decode()
    assert client.get("/reports/?q=&junk=2").content.decode() == everything
    assert client.get("/reports/?q=nothing-matches-this").content.decode() != everything
