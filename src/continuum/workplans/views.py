from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from continuum import workflow
from continuum.accounts.access import access
from continuum.sites.views import visible_site
from continuum.workflow import TransitionError

from . import plans
from .forms import ITEM_FORMS, CommentForm, CompareForm
from .models import WorkPlan


def _plan_url(site, version=None) -> str:
    if version is None:
        return reverse("workplans:current", args=[site.pk])
    return reverse("workplans:version", args=[site.pk, version])


def _render(request, site, plan, status=200, **overrides) -> HttpResponse:
    user = request.user
    can_edit = plan is not None and plan.is_editable and user.has_perm("sites.edit_plan", site)
    forms = {}
    if can_edit:
        forms = {
            kind: overrides.get(f"{kind}_form") or _item_form(kind, site, user=user) for kind in ITEM_FORMS
        }
    versions = list(plans.visible_plans(site, user).order_by("-version"))
    context = {
        "site": site,
        "plan": plan,
        "versions": versions,
        "can_edit": can_edit,
        "can_start_draft": user.has_perm("sites.edit_plan", site)
        and not site.plans.filter(status__in=[WorkPlan.Status.DRAFT, WorkPlan.Status.IN_REVIEW]).exists(),
        "can_comment": plan is not None and user.has_perm("sites.comment_plan", site),
        "indicator": workflow.indicator(plans.LIFECYCLE, plan) if plan is not None else None,
        "offers": workflow.offers(
            plans.LIFECYCLE,
            plan,
            user,
            lambda name: reverse("workplans:decide", args=[site.pk, plan.version, name]),
        )
        if plan is not None
        else [],
        "forms": forms,
        "comment_form": overrides.get("comment_form")
        or (CommentForm(plan=plan, prefix="comment") if plan else None),
        "comments": plan.comments.select_related("author") if plan else [],
    }
    return TemplateResponse(request, "workplans/plan.html", context, status=status)


def _item_form(kind, site, data=None, *, user):
    form_class = ITEM_FORMS[kind]
    kwargs = {} if kind == "objective" else {"site": site}
    if kind == "assignment":
        kwargs["user"] = user
    return form_class(data, prefix=kind, **kwargs)


@access("sites.list_sites")
def current(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk)
    return _render(request, site, plans.visible_plans(site, request.user).order_by("-version").first())


@access("sites.list_sites")
def version(request: HttpRequest, site_pk: int, version: int) -> HttpResponse:
    site = visible_site(request, site_pk)
    plan = get_object_or_404(plans.visible_plans(site, request.user), version=version)
    return _render(request, site, plan)


@access("sites.list_sites")
def compare(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk)
    visible = plans.visible_plans(site, request.user).order_by("version")
    versions = [plan.version for plan in visible]
    for key in ("old", "new"):  # a version this user may not see is not there for them
        if request.GET.get(key, "").isdigit() and int(request.GET[key]) not in versions:
            raise Http404("No such version of the plan.")
    form = CompareForm(request.GET or None, versions=versions)
    old = new = None
    if form.is_valid():
        old = get_object_or_404(visible, version=form.cleaned_data["old"])
        new = get_object_or_404(visible, version=form.cleaned_data["new"])
    elif not request.GET and len(versions) >= 2:  # the last two versions unless asked otherwise
        old, new = visible.get(version=versions[-2]), visible.get(version=versions[-1])
        form = CompareForm(initial={"old": old.version, "new": new.version}, versions=versions)
    return TemplateResponse(
        request,
        "workplans/compare.html",
        {
            "site": site,
            "old": old,
            "new": new,
            "form": form,
            "versions": versions,
            "sections": plans.diff(old, new) if old and new else [],
        },
        status=422 if form.errors else 200,
    )


@access("sites.list_sites")
@require_POST
def start_draft(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk, "sites.edit_plan")
    try:
        plan = plans.open_draft(site, request.user)
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect(_plan_url(site))
    messages.success(request, f"Version {plan.version} is open for drafting.")
    return redirect(_plan_url(site))


@access("sites.list_sites")
@require_POST
def add_item(request: HttpRequest, site_pk: int, kind: str) -> HttpResponse:
    if kind not in ITEM_FORMS:
        raise Http404
    site = visible_site(request, site_pk, "sites.edit_plan")
    plan = plans.latest(site)
    if plan is None or not plan.is_editable:
        raise PermissionDenied
    form = _item_form(kind, site, request.POST, user=request.user)
    if not form.is_valid():
        return _render(request, site, plan, status=422, **{f"{kind}_form": form})
    plans.add_item(plan, request.user, form.save(commit=False))
    messages.success(request, f"The {kind} was added to version {plan.version}.")
    return redirect(_plan_url(site))


@access("sites.list_sites")
@require_POST
def remove_item(request: HttpRequest, site_pk: int, kind: str, item_pk: int) -> HttpResponse:
    if kind not in ITEM_FORMS:
        raise Http404
    site = visible_site(request, site_pk, "sites.edit_plan")
    plan = plans.latest(site)
    try:
        plans.remove_item(plan, request.user, kind, item_pk)
    except (TransitionError, ValueError) as error:
        messages.error(request, str(error))
    except plans.ITEM_MODELS[kind].DoesNotExist as error:
        raise Http404 from error
    else:
        messages.success(request, f"The {kind} was removed.")
    return redirect(_plan_url(site))


@access("sites.list_sites")
@require_POST
def add_comment(request: HttpRequest, site_pk: int, version: int) -> HttpResponse:
    site = visible_site(request, site_pk, "sites.comment_plan")
    plan = get_object_or_404(plans.visible_plans(site, request.user), version=version)
    form = CommentForm(request.POST, plan=plan, prefix="comment")
    if not form.is_valid():
        return _render(request, site, plan, status=422, comment_form=form)
    try:
        plans.comment(plan, request.user, form.cleaned_data["text"], form.cleaned_data["target"])
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your comment was added.")
    return redirect(_plan_url(site, plan.version))


@access("sites.list_sites")
@require_POST
def decide(request: HttpRequest, site_pk: int, version: int, decision: str) -> HttpResponse:
    site = visible_site(request, site_pk)
    plan = get_object_or_404(plans.visible_plans(site, request.user), version=version)
    moved, form = workflow.post(request, plans.LIFECYCLE, plan, decision)
    if moved is None:
        messages.error(request, workflow.first_error(form))
    else:
        messages.success(request, f"Version {plan.version} is now {moved.get_status_display().lower()}.")
    return redirect(_plan_url(site, plan.version))
