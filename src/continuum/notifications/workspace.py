"""What the notifications app adds to the portal: the workspace's "Needs your attention" and e-mail choice, and
the navigation's counts (registered in NotificationsConfig.ready())."""

from .attention import needs_attention
from .forms import EmailChoiceForm
from .models import EmailChoice

SHOWN = 10  # the workspace shows the most urgent few; the attention page lists them all


def attention_items(request) -> list:
    """What needs the signed-in user, computed once per request (the page and its navigation share it)."""
    if not hasattr(request, "_attention_items"):
        request._attention_items = needs_attention(request.user)
    return request._attention_items


def attention_count(request, lazy: bool = False) -> int | None:
    """For the navigation: None when `lazy` and the page has not computed the list (it is fetched later)."""
    if lazy and not hasattr(request, "_attention_items"):
        return None
    return len(attention_items(request))


def unread_count(request, lazy: bool = False) -> int | None:
    """For the navigation: known at once on the notifications page (which sets it), fetched later elsewhere."""
    if not hasattr(request, "_unread_count"):
        if lazy:
            return None
        request._unread_count = request.user.notifications.unread().count()
    return request._unread_count


def context(request) -> dict:
    choice = EmailChoice.objects.filter(user=request.user).first() or EmailChoice(user=request.user)
    items = attention_items(request)
    return {
        "attention": items[:SHOWN],
        "attention_total": len(items),
        "email_form": EmailChoiceForm(instance=choice),
    }
