"""Every view declares who may open it; the URL map test fails on any view that doesn't.

`@access(perm)` checks a django-rules permission for the user (no object). Anonymous users are sent to
log in, signed-in users without the permission get 403. Object-level checks happen in the view, through
`authorize()` or a queryset's `visible_to(user)`, because only the view knows the object.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC = "public"


def access(permission: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if permission != PUBLIC and not request.user.has_perm(permission):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_permission = permission
        return wrapped

    return decorator


def authorize(user, permission: str, obj) -> None:
    """Raise PermissionDenied unless `user` holds `permission` on `obj`."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied
