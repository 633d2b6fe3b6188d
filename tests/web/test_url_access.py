"""One map of URL → permission: every view of ours declares who may open it, or this test fails."""

from django.urls import URLPattern, URLResolver, get_resolver

# Third-party views guard themselves: the admin requires an administrator; allauth's account pages are
# public by nature (log-in, password reset) or require their own log-in (password change, MFA); the JSON API's
# operations declare their authentication in django-ninja (checked below).
SELF_GUARDED = ("admin/", "accounts/", "api/")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_view_declares_its_permission():
    ours = [
        (route, view)
        for route, view in _walk(get_resolver().url_patterns)
        if not route.startswith(SELF_GUARDED)
    ]
    assert ours, "no project URL found"
    missing = [route for route, view in ours if not hasattr(view, "access_permission")]
    assert not missing, f"views without @access(...): {missing}"


def test_declared_permissions_exist():
    import rules

    from continuum.accounts.access import PUBLIC

    for route, view in _walk(get_resolver().url_patterns):
        permission = getattr(view, "access_permission", None)
        if permission and permission != PUBLIC:
            assert rules.perm_exists(permission), f"{route} names unknown permission {permission}"


def test_admin_is_only_for_administrators(client, users, login):
    assert client.get("/admin/").status_code == 302
    login(users["staff"])
    assert client.get("/admin/").status_code == 302
    login(users["admin"])
    assert client.get("/admin/").status_code == 200


def test_every_api_operation_is_public_by_design_or_needs_a_token():
    from ninja.constants import NOT_SET

    from continuum.api.api import TokenAuth, api

    seen = 0
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                full = f"{prefix}{path}"
                auth = router.auth if operation.auth_param is NOT_SET else operation.auth_param
                if full.startswith("/public"):
                    assert auth is None, f"{full} is public yet asks for authentication"
                else:
                    assert isinstance(auth, TokenAuth), f"{full} has no token authentication"
                seen += 1
    assert seen >= 14
