"""The user's own notifications, e-mail choice, deadlines and calendar feed: every view is about the signed-in
user's records only (the feed: the user its secret belongs to)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from continuum.accounts.access import PUBLIC, access
from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.portal.pagination import page_of

from . import attention, calendar, workspace
from .forms import EmailChoiceForm
from .models import EmailChoice

PER_PAGE = 30
ITEMS_PER_PAGE = 50  # attention items and deadlines


def _choice(user) -> EmailChoice:
    return EmailChoice.objects.filter(user=user).first() or EmailChoice(user=user)


@access("accounts.use_workspace")
def notifications(request: HttpRequest) -> HttpResponse:
    mine = request.user.notifications.all()
    page = page_of(request, mine, PER_PAGE)
    request._unread_count = mine.unread().count()  # the navigation's count too
    return TemplateResponse(request, "notifications/list.html", {
        "page": page, "unread": request._unread_count, "email_form": EmailChoiceForm(instance=_choice(request.user)),
    })  # fmt: skip


@access("accounts.use_workspace")
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to its record, marking it read."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        request.user.notifications.filter(pk=pk).update(read_at=timezone.now())
    url = notification.url
    return redirect(
        url if url.startswith("/") and not url.startswith("//") else reverse("notifications:list")
    )


@access("accounts.use_workspace")
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`pk` posted) or all of them read."""
    unread = request.user.notifications.unread()
    pk = request.POST.get("pk", "")
    if pk:
        if not pk.isdigit():
            raise Http404
        unread = unread.filter(pk=pk)
    done = unread.update(read_at=timezone.now())
    messages.success(request, f"{done} notification{'s' if done != 1 else ''} marked read.")
    return redirect("notifications:list")


@access("accounts.use_workspace")
@require_POST
def email_choice(request: HttpRequest) -> HttpResponse:
    choice = _choice(request.user)
    before = choice.when if choice.pk else ""
    form = EmailChoiceForm(request.POST, instance=choice)
    if not form.is_valid():
        messages.error(request, "Choose when to be e-mailed.")
        return redirect("notifications:list")
    with transaction.atomic():
        saved = form.save()
        if saved.when != before:
            record(
                request.user,
                request.user,
                AuditEvent.Action.UPDATED,
                changes={"e-mail": [before, saved.when]},
            )
    messages.success(request, f"Saved: {saved.get_when_display().lower()}.")
    return redirect("notifications:list")


@access("accounts.use_workspace")
def attention_list(request: HttpRequest) -> HttpResponse:
    """Everything that needs the user, most urgent first, a page at a time (the workspace shows the first few)."""
    items = workspace.attention_items(request)
    return TemplateResponse(request, "notifications/attention.html", {
        "page": page_of(request, items, ITEMS_PER_PAGE), "total": len(items),
    })  # fmt: skip


@access("accounts.use_workspace")
def deadlines(request: HttpRequest, new_token: str = "") -> HttpResponse:
    feed_url = (
        request.build_absolute_uri(reverse("notifications:feed", args=[new_token])) if new_token else ""
    )
    items = attention.deadlines(request.user)
    return TemplateResponse(request, "notifications/deadlines.html", {
        "page": page_of(request, items, ITEMS_PER_PAGE), "total": len(items),
        "feed": calendar.live_feed(request.user), "feed_url": feed_url,
    })  # fmt: skip


@access("accounts.use_workspace")
@require_POST
def issue_feed(request: HttpRequest) -> HttpResponse:
    """A new calendar feed (any older one stops working): its URL is shown once, on the page answered here."""
    _, token = calendar.issue(request.user)
    return deadlines(request, new_token=token)


@access("accounts.use_workspace")
@require_POST
def revoke_feed(request: HttpRequest) -> HttpResponse:
    if calendar.revoke(request.user):
        messages.success(request, "Your calendar feed was revoked: its address no longer works.")
    return redirect("notifications:deadlines")


@access(PUBLIC)
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar feed: the secret in the URL stands for the session (calendar programs have none)."""
    live = calendar.feed_for_token(token)
    if live is None:
        raise Http404
    type(live).objects.filter(pk=live.pk).update(last_read_at=timezone.now())
    body = calendar.render(attention.deadlines(live.user), live.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="continuum-deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
